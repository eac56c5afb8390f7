import { type Dataset, type DatasetView, load } from "shoal";
import { HttpStore } from "@shoal/storage/http";
import { ListingStore } from "../listing-store.ts";
import { errorBox, h } from "./dom.ts";
import { renderFiles } from "./files.ts";
import { Grid } from "./grid.ts";
import { renderInspector } from "./inspector.ts";
import { tqlBox } from "./tql.ts";
import { OVERLAY_HTYPES, type Rows, type Schema } from "./source.ts";
import { renderVersions } from "./versions.ts";
import { renderViews } from "./views-panel.ts";

interface Status {
  source: string;
  files: boolean;
  ok: boolean;
  code?: string;
  message?: string;
}

const app = document.getElementById("app")!;
const base = new URL(".", location.href).href;

function fail(error: unknown, what: string) {
  app.replaceChildren(h("header", {}, h("h1", {}, "shoal viewer")), errorBox(error, what));
  document.body.dataset.state = "error";
}

function schemaOf(ds: Dataset): Schema {
  const names = ds.tensorNames();
  const htypes = Object.fromEntries(names.map((n) => [n, ds.tensor(n).htype]));
  return { names, htypes, image: names.find((n) => htypes[n] === "image") };
}

async function showDataset(status: Status, store: ListingStore) {
  const ds = await load(store, { readOnly: true });
  const schema = schemaOf(ds);
  const inspector = h("section", { id: "inspector", class: "panel" }, h("p", { class: "muted" }, "Click a sample to inspect it."));
  const title = h("span", { id: "grid-title" }, "all samples");
  let grid: Grid;
  const pick = (pos: number) => void renderInspector(inspector, grid.rows, schema, pos, grid.sample(pos));
  grid = new Grid(ds as Rows, schema, pick);
  const show = (v: DatasetView | undefined, label: string) => {
    grid.setRows((v ?? ds) as Rows);
    title.textContent = `${label} · ${(v ?? ds).numSamples} samples`;
  };
  const versions = h("section", { id: "versions", class: "panel" });
  const views = h("section", { id: "views", class: "panel" });
  const overlays = schema.names.filter((n) => OVERLAY_HTYPES.has(schema.htypes[n]!));
  app.replaceChildren(
    h("header", {}, h("h1", {}, "shoal viewer"), h("span", { class: "muted" }, ` ${status.source} · ${ds.branch} @ ${(ds.commitId ?? "").slice(0, 8)} · ${ds.numSamples} samples · ${schema.names.length} tensors` + (overlays.length ? ` · overlays: ${overlays.join(", ")}` : ""))),
    tqlBox(ds, show),
    h("main", {}, h("section", { class: "grid-wrap" }, h("div", { class: "grid-head" }, title), grid.el), h("aside", {}, inspector, versions, views)),
  );
  title.textContent = `all samples · ${ds.numSamples} samples`;
  grid.render();
  await Promise.all([renderVersions(versions, ds, (branch) => load(store, { readOnly: true, branch })), renderViews(views, ds, show)]);
  document.body.dataset.state = "ready";
}

async function start() {
  let status: Status;
  try {
    const res = await fetch(`${base}api/status`);
    if (!res.ok) throw new Error(`the viewer server answered HTTP ${res.status}: ${await res.text()}`);
    status = (await res.json()) as Status;
  } catch (e) {
    return fail(e, "cannot reach the viewer server");
  }
  if (!status.ok) return fail({ code: status.code, message: status.message }, `cannot open ${status.source}`);
  const store = new ListingStore(new HttpStore(`${base}store/`, { maxAttempts: 2 }), `${base}api/list`);
  try {
    if (status.files) await renderFiles(app, store, status.source);
    else await showDataset(status, store);
  } catch (e) {
    fail(e, `cannot show ${status.source}`);
  }
}

void start();
