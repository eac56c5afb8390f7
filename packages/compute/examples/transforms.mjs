// Transforms live in a module of their own: every worker imports it, so it must not run a job when imported.
import { compute, ndarray } from "shoal";

/** A number in, a small gradient image and its parity out; `size` is the transform's argument. */
export const render = compute(
  function render(n, out, size) {
    const pixels = new Uint8Array(size * size * 3).map((_, i) => (i + n * 9) & 255);
    out.append({ images: ndarray("uint8", [size, size, 3], pixels), labels: n % 2 === 0 ? "even" : "odd" });
  },
  { module: import.meta.url, name: "render" },
);

/** Deep Lake's compute filter: `(sample, ...args) => boolean`. */
export const labelIs = compute(
  function labelIs(row, label) {
    return Number(row.labels.data[0]) === label;
  },
  { module: import.meta.url, name: "labelIs" },
);
