/** Builds an element: `h("div", { class: "x" }, child, "text")`. Attributes starting with `on` become listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean | EventListener | undefined> = {},
  ...children: (Node | string | null | undefined)[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const c of children) if (c !== null && c !== undefined) el.append(c);
  return el;
}

/** A clear error block: the error's code (ShoalError subclass name) and its message, which names what and where. */
export function errorBox(error: unknown, what: string): HTMLElement {
  const e = error as { code?: string; name?: string; message?: string };
  return h("div", { class: "error", role: "alert", "data-code": e.code ?? e.name ?? "Error" }, h("strong", {}, `${what}: ${e.code ?? e.name ?? "Error"}`), h("pre", {}, e.message ?? String(error)));
}
