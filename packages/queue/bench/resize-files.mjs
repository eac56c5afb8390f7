// The queue bench's transform: read a JPEG file by path (inputs travel as JSON), decode it, halve it by 2×2 box
// averaging and emit it with its label; the dataset's jpeg codec encodes the result in the worker.
import { readFileSync } from "node:fs";
import { compute, getSampleCodec, ndarray } from "shoal";

const jpeg = await getSampleCodec("jpeg");

export const fileResize = compute(
  function fileResize(item, out) {
    const image = jpeg.decode(new Uint8Array(readFileSync(item.path)));
    const [h, w, c] = image.shape;
    const oh = h >> 1;
    const ow = w >> 1;
    const src = image.data;
    const dst = new Uint8Array(oh * ow * c);
    for (let y = 0; y < oh; y++) {
      const r0 = 2 * y * w * c;
      const r1 = r0 + w * c;
      for (let x = 0; x < ow; x++) {
        const s = 2 * x * c;
        const d = (y * ow + x) * c;
        for (let k = 0; k < c; k++) dst[d + k] = (src[r0 + s + k] + src[r0 + s + c + k] + src[r1 + s + k] + src[r1 + s + c + k] + 2) >> 2;
      }
    }
    out.append({ images: ndarray("uint8", [oh, ow, c], dst), labels: item.label });
  },
  { module: import.meta.url, name: "fileResize" },
);
