import type { Dataset, DatasetView } from "shoal";
import { errorBox, h } from "./dom.ts";

interface SyntaxErrorLike {
  code: string;
  message: string;
  offset: number;
  line: number;
  column: number;
}

/** The query box: Enter runs the TQL; a syntax error shows the query with a caret under the offending character. */
export function tqlBox(ds: Dataset, show: (v: DatasetView | undefined, title: string) => void): HTMLElement {
  const input = h("input", { id: "tql", type: "text", spellcheck: false, placeholder: "select * where labels == 'cat'   (Enter runs, empty shows all)" });
  const status = h("div", { id: "tql-status", class: "tql-status" });
  const run = async () => {
    const q = input.value.trim();
    status.replaceChildren();
    if (q === "") return show(undefined, "all samples");
    try {
      const view = await ds.query(q);
      status.replaceChildren(`${view.numSamples} of ${ds.numSamples} samples`);
      show(view, q);
    } catch (e) {
      const err = e as SyntaxErrorLike;
      if (err.code === "TQLSyntaxError" && typeof err.offset === "number") {
        const lines = q.split("\n");
        const text = lines[err.line - 1] ?? q;
        status.replaceChildren(
          h("div", { class: "error", role: "alert", "data-code": err.code }, h("strong", {}, `TQLSyntaxError at line ${err.line}, column ${err.column}`),
            h("pre", { id: "tql-caret" }, `${text}\n${" ".repeat(Math.max(0, err.column - 1))}^`), h("p", {}, err.message)),
        );
      } else {
        status.replaceChildren(errorBox(e, "query"));
      }
    }
  };
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") void run();
  });
  return h("div", { class: "tql-bar" }, h("label", { for: "tql" }, "TQL"), input, h("button", { id: "tql-run", onclick: () => void run() }, "Run"), status);
}
