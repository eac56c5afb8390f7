// A LocalFiles over a Map, so the file-dataset fixture adds and uploads folders without node:fs and runs in every
// runtime. Only what addFiles and upload use is implemented; local copies need a real disk.
import { type LocalFiles, createSha256, normalizeEntryPath, sha256Hex } from "@shoal/clearml-compat";
import { UnsupportedError } from "@shoal/core";

const absolute = (p: string): string => (p.startsWith("/") ? p : `/${p}`).replace(/\/+$/, "");

export function memoryFiles(files: Record<string, Uint8Array>): LocalFiles {
  const map = new Map(Object.entries(files).map(([p, b]) => [absolute(p), b]));
  const bytesOf = (path: string): Uint8Array => {
    const b = map.get(path);
    if (!b) throw new UnsupportedError("memory-files", `[reliability] no file ${path} in the memory folder`);
    return b;
  };
  const unused = (what: string) => (): never => {
    throw new UnsupportedError("memory-files", `[reliability] memory folders have no ${what}`);
  };
  return {
    resolve: absolute,
    inside: (root, entryPath) => `${absolute(root)}/${normalizeEntryPath(entryPath)}`,
    relative: (from, path) => path.slice(absolute(from).length + 1),
    async stat(path) {
      const b = map.get(path);
      if (b) return { kind: "file", size: b.length };
      return [...map.keys()].some((k) => k.startsWith(`${path}/`)) ? { kind: "directory", size: 0 } : undefined;
    },
    async *walk(dir, opts) {
      for (const k of [...map.keys()].sort()) {
        if (!k.startsWith(`${dir}/`)) continue;
        const rel = k.slice(dir.length + 1);
        if (opts.recursive || !rel.includes("/")) yield rel;
      }
    },
    async hashFile(path) {
      const b = bytesOf(path);
      return { sha256: sha256Hex(b), size: b.length };
    },
    async read(path, offset, length) {
      return bytesOf(path).slice(offset, offset + length);
    },
    async readInto(path, offset, target) {
      const piece = bytesOf(path).subarray(offset, offset + target.length);
      target.set(piece);
      return piece.length;
    },
    createHasher: createSha256,
    cacheDir: () => "/cache",
    mkdirp: unused("mkdirp"),
    writeFile: unused("writeFile"),
    place: unused("place"),
    publish: unused("publish"),
    touch: unused("touch"),
    remove: unused("remove"),
    renameDir: unused("renameDir"),
    readDir: unused("readDir"),
    readText: unused("readText"),
  };
}
