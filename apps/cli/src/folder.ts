import { readdir } from "node:fs/promises";
import { extname, join } from "node:path";

export interface LabelledFile {
  path: string;
  label: string;
}

const imageExtensions = new Set([".jpg", ".jpeg", ".png"]);

/**
 * The ImageFolder layout (torchvision): one subfolder per class, images inside. Sorted so imports are reproducible
 * and class indices follow the alphabetical class order, as torchvision assigns them.
 */
export async function listImageFolder(root: string): Promise<{ classes: string[]; files: LabelledFile[] }> {
  const entries = await readdir(root, { withFileTypes: true });
  const classes = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const files: LabelledFile[] = [];
  for (const label of classes) {
    const names = (await readdir(join(root, label))).filter((n) => imageExtensions.has(extname(n).toLowerCase())).sort();
    for (const name of names) files.push({ path: join(root, label, name), label });
  }
  return { classes, files };
}
