/**
 * `ds.visualize()`: the viewer's server on this dataset. The viewer (`@shoal/viewer`) depends on shoal, so shoal
 * cannot import it statically; it is an optional peer reached here by a lazy import whose specifier sits in a
 * variable, which browser bundlers leave alone (the root entry stays free of node: builtins) and which costs Node
 * users nothing until they call visualize().
 * @module
 */
import { UnsupportedError } from "@shoal/core";
import { ViewerNotInstalledError } from "./errors.ts";
import type { Dataset } from "./dataset.ts";

export interface VisualizeOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; `127.0.0.1` by default. Any non-loopback host gets a random token in the URL. */
  host?: string;
  /** Force a token in the URL even on loopback. */
  token?: boolean;
  /** Do not print the URL. */
  quiet?: boolean;
  /** Also open the URL with the platform's opener (open, xdg-open, start); a missing opener is not an error. */
  open?: boolean;
}

export interface Visualization {
  /** The page's URL, token included when there is one. */
  url: string;
  /** The random path segment in the URL, when there is one (a non-loopback host, or `token: true`). */
  token: string | undefined;
  /** Whether `open: true` started the platform's opener. */
  opened: boolean;
  /** Stops the server; the dataset stays open. */
  close(): Promise<void>;
}

interface ViewerModule {
  visualize(ds: Dataset, opts: VisualizeOptions): Promise<Visualization>;
}

const VIEWER_ENTRY = "@shoal/viewer/node";

/** The viewer's Node entry, or ViewerNotInstalledError when the package is absent (`entry` is for tests). */
export async function loadViewer(entry: string = VIEWER_ENTRY): Promise<ViewerModule> {
  let mod: ViewerModule;
  try {
    mod = (await import(entry)) as ViewerModule;
  } catch (e) {
    const err = e as { code?: string; message?: string };
    const missing = err.code === "ERR_MODULE_NOT_FOUND" || err.code === "MODULE_NOT_FOUND" || /cannot find|not found|could not resolve|failed to resolve/i.test(err.message ?? "");
    if (missing && (err.message ?? "").includes(entry.split("/").slice(0, 2).join("/"))) throw new ViewerNotInstalledError(entry, { cause: e });
    throw e;
  }
  return mod;
}

/** The body of `Dataset.visualize`. */
export async function visualizeDataset(ds: Dataset, opts: VisualizeOptions): Promise<Visualization> {
  const versions = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions;
  if (!versions?.node) {
    throw new UnsupportedError("visualize", "[shoal] ds.visualize() starts a local web server, which needs Node, Bun or Deno; in a browser, run `shoal serve <path>` and open its URL");
  }
  return (await loadViewer()).visualize(ds, opts);
}
