import { errorBox, h } from "./dom.ts";
import { drawOverlays } from "./overlays.ts";
import { type LoadedSample, loadSample, loadSamples } from "./sample.ts";
import type { Rows, Schema } from "./source.ts";

const CELL = 172;
const THUMB = 160;
const CACHE = 400;

/**
 * A grid that only builds the cells in (and just around) the viewport: thousands of rows cost one spacer element
 * and a few dozen cells, reused as the user scrolls. Decoded samples are kept in a small LRU.
 */
export class Grid {
  readonly el: HTMLElement;
  readonly #spacer: HTMLElement;
  readonly #cells = new Map<number, HTMLElement>();
  readonly #cache = new Map<number, Promise<LoadedSample>>();
  #rows: Rows;
  #schema: Schema;
  #frame = 0;

  readonly onPick: (position: number) => void;

  constructor(rows: Rows, schema: Schema, onPick: (position: number) => void) {
    this.onPick = onPick;
    this.#rows = rows;
    this.#schema = schema;
    this.#spacer = h("div", { class: "grid-spacer" });
    this.el = h("div", { class: "grid", id: "grid", tabindex: 0 }, this.#spacer);
    this.el.addEventListener("scroll", () => this.#schedule());
    new ResizeObserver(() => this.#schedule()).observe(this.el);
  }

  get rows(): Rows {
    return this.#rows;
  }

  setRows(rows: Rows): void {
    this.#rows = rows;
    this.#cache.clear();
    for (const c of this.#cells.values()) c.remove();
    this.#cells.clear();
    this.el.scrollTop = 0;
    this.#schedule();
  }

  sample(position: number): Promise<LoadedSample> {
    const p = this.#cache.get(position) ?? loadSample(this.#rows, this.#schema, position);
    this.#remember(position, p);
    return p;
  }

  #remember(position: number, p: Promise<LoadedSample>) {
    this.#cache.delete(position);
    this.#cache.set(position, p);
    if (this.#cache.size > CACHE) this.#cache.delete(this.#cache.keys().next().value!);
  }

  /** Starts one batched load for the positions not cached yet. */
  #prefetch(positions: Iterable<number>) {
    const missing = [...positions].filter((p) => !this.#cache.has(p));
    if (missing.length === 0) return;
    loadSamples(this.#rows, this.#schema, missing).forEach((p, k) => this.#remember(missing[k]!, p));
  }

  #schedule() {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.render();
    });
  }

  render(): void {
    const n = this.#rows.numSamples;
    const cols = Math.max(1, Math.floor((this.el.clientWidth || CELL) / CELL));
    this.#spacer.style.height = `${Math.ceil(n / cols) * CELL}px`;
    const first = Math.max(0, Math.floor(this.el.scrollTop / CELL) - 1);
    const last = Math.ceil((this.el.scrollTop + (this.el.clientHeight || CELL * 4)) / CELL) + 1;
    const want = new Set<number>();
    for (let r = first; r < last; r++) for (let c = 0; c < cols; c++) if (r * cols + c < n) want.add(r * cols + c);
    for (const [pos, cell] of this.#cells) {
      if (!want.has(pos)) {
        cell.remove();
        this.#cells.delete(pos);
      }
    }
    this.#prefetch([...want].filter((p) => !this.#cells.has(p)));
    for (const pos of want) {
      const top = Math.floor(pos / cols) * CELL;
      const left = (pos % cols) * CELL;
      let cell = this.#cells.get(pos);
      if (!cell) {
        cell = this.#cell(pos);
        this.#cells.set(pos, cell);
        this.#spacer.append(cell);
      }
      cell.style.transform = `translate(${left}px, ${top}px)`;
    }
    this.el.dataset.rendered = String(this.#cells.size);
  }

  #cell(pos: number): HTMLElement {
    const canvas = h("canvas", { width: THUMB, height: THUMB - 24 });
    const caption = h("div", { class: "caption" }, `#${this.#rows.sampleIndices?.[pos] ?? pos}`);
    const cell = h("button", { class: "cell", "data-pos": pos, onclick: () => this.onPick(pos) }, canvas, caption);
    void this.sample(pos).then(
      (s) => {
        const ctx = canvas.getContext("2d")!;
        if (s.image) {
          const scale = Math.min(canvas.width / s.image.width, canvas.height / s.image.height);
          ctx.imageSmoothingEnabled = false;
          ctx.drawImage(s.image, 0, 0, s.image.width * scale, s.image.height * scale);
          drawOverlays(ctx, s, scale, { names: false });
        }
        const words = [...s.labels.map((l) => l.name), ...s.texts.map((t) => t.text)].join(" · ");
        caption.textContent = `#${this.#rows.sampleIndices?.[pos] ?? pos} ${words}`;
        cell.dataset.loaded = "1";
      },
      (e) => {
        cell.dataset.loaded = "error";
        cell.replaceChildren(errorBox(e, `sample ${pos}`));
      },
    );
    return cell;
  }
}
