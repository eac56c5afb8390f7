import type { Dataset, DatasetView } from "shoal";
import { errorBox, h } from "./dom.ts";

/** Saved views with their message, commit and length; "open" shows one in the grid. */
export async function renderViews(el: HTMLElement, ds: Dataset, open: (v: DatasetView, title: string) => void): Promise<void> {
  try {
    const views = await ds.getViews();
    const items = views.map((v) =>
      h("li", { "data-view": v.id }, h("button", {
        class: "open-view",
        onclick: async () => {
          try {
            open(await v.load(), `view ${v.id}`);
          } catch (e) {
            el.append(errorBox(e, `view ${v.id}`));
          }
        },
      }, "open"), " ", h("code", {}, v.id), ` ${v.message ?? ""} · ${v.length} rows · commit ${v.commitId.slice(0, 8)}`),
    );
    el.replaceChildren(h("h2", {}, `Saved views (${views.length})`), items.length ? h("ul", { id: "view-list" }, ...items) : h("p", { class: "muted" }, "none"));
  } catch (e) {
    el.replaceChildren(h("h2", {}, "Saved views"), errorBox(e, "saved views"));
  }
}
