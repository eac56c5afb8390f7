import { Dataset } from "shoal";
import type { Visualization, VisualizeOptions } from "shoal";
import { ClosedDatasetError, ViewerOptionError } from "./errors.ts";
import { openUrl } from "./node-open.ts";
import { serve } from "./node-server.ts";
import type { ViewerServer } from "./node-server.ts";

export type { Visualization, VisualizeOptions };

/**
 * Deep Lake's `ds.visualize()` (what `Dataset.visualize` calls): the viewer's server on an open dataset, served
 * from the dataset's own store, so in-memory datasets work too. Pending writes are flushed first so the page, which
 * reads the store, sees them. Prints the URL unless `quiet`; `open` also starts the platform's opener.
 */
export async function visualize(ds: Dataset, opts: VisualizeOptions = {}): Promise<Visualization & Pick<ViewerServer, "requests">> {
  if (!(ds instanceof Dataset)) {
    const got = ds === null ? "null" : typeof ds === "object" ? `an object (${Object.getPrototypeOf(ds)?.constructor?.name ?? "no prototype"})` : typeof ds;
    throw new ViewerOptionError(`visualize needs a shoal Dataset (from load(), empty() or dataset()), got ${got}`);
  }
  if (typeof opts !== "object" || opts === null) throw new ViewerOptionError(`visualize options must be an object, got ${opts === null ? "null" : typeof opts}`);
  const label = ds.path ?? "an in-memory dataset";
  if (ds.closed) throw new ClosedDatasetError(label);
  if (!ds.readOnly) await ds.flush();
  const server = await serve(ds.store, { port: opts.port, host: opts.host, token: opts.token, label });
  const opened = opts.open ? await openUrl(server.url) : false;
  if (!opts.quiet) console.log(`shoal viewer for ${label}: ${server.url}`);
  return { url: server.url, token: server.token, requests: server.requests, opened, close: () => server.close() };
}
