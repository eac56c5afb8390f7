import { files } from "shoal";
import type { Store } from "@shoal/storage";
import { errorBox, h } from "./dom.ts";

/** A ClearML-style file dataset: every version, its parents, its files, and what it added, modified and removed. */
export async function renderFiles(app: HTMLElement, storage: Store, source: string): Promise<void> {
  const versions = await files.FileDataset.listDatasets({ storage, onlyCompleted: false });
  const detail = h("section", { id: "file-detail", class: "panel" }, h("p", { class: "muted" }, "Pick a version."));
  const open = async (id: string) => {
    detail.replaceChildren(h("p", { class: "muted" }, "loading…"));
    try {
      const ds = await files.FileDataset.get({ storage, id });
      const diff = await ds.diff();
      const list = (title: string, id: string, names: string[]) => h("div", { id }, h("h3", {}, `${title} (${names.length})`), h("ul", {}, ...names.map((n) => h("li", {}, n))));
      detail.replaceChildren(
        h("h2", {}, `${ds.project} / ${ds.name} ${ds.version}`),
        h("p", { class: "muted" }, `id ${ds.id} · parents ${ds.parents.join(", ") || "none"}`),
        list("Added", "files-added", diff.added),
        list("Modified", "files-modified", diff.modified),
        list("Removed", "files-removed", diff.removed),
        list("All files", "files-all", ds.listFiles()),
      );
    } catch (e) {
      detail.replaceChildren(errorBox(e, `version ${id}`));
    }
  };
  const rows = versions.map((v) => h("li", { "data-id": v.id }, h("button", { class: "open-version", onclick: () => void open(v.id) }, `${v.project} / ${v.name} ${v.version}`), ` ${v.status} · ${v.created}`));
  app.replaceChildren(
    h("header", {}, h("h1", {}, "shoal viewer · files"), h("span", { class: "muted" }, ` ${source} · ${versions.length} versions`)),
    h("main", {}, h("section", { class: "panel" }, h("h2", {}, "Versions"), versions.length ? h("ol", { id: "file-versions" }, ...rows) : h("p", { class: "muted" }, "no file datasets here")), detail),
  );
  document.body.dataset.state = "ready";
}
