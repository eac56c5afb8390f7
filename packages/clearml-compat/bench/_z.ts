import { deflateRawSync, deflateRaw, constants } from "node:zlib";
import { randomFillSync } from "node:crypto";
import { promisify } from "node:util";
import { deflateRaw as csDeflate } from "../src/compress.ts";
const rnd = randomFillSync(new Uint8Array(100_000));
let txt = ""; for (let i = 0; txt.length < 100_000; i++) txt += `${i},sample_${(i * 7919) % 9973},${(i % 1000) / 7},dog\n`;
const text = new TextEncoder().encode(txt).subarray(0, 100_000);
const N = 300;
for (const [name, buf] of [["random", rnd], ["text", text]] as const) {
  for (const level of [1, 6]) {
    let t = performance.now(); for (let i = 0; i < N; i++) deflateRawSync(buf, { level });
    console.log(name, "sync L" + level, ((N * 0.1) / ((performance.now() - t) / 1000)).toFixed(0), "MB/s");
  }
  const d = promisify(deflateRaw);
  let t = performance.now(); await Promise.all(Array.from({ length: N }, () => d(buf)));
  console.log(name, "async parallel L6", ((N * 0.1) / ((performance.now() - t) / 1000)).toFixed(0), "MB/s");
  t = performance.now(); for (let i = 0; i < N / 3; i++) await csDeflate(buf);
  console.log(name, "CompressionStream", ((N / 3 * 0.1) / ((performance.now() - t) / 1000)).toFixed(0), "MB/s", "ratio", (deflateRawSync(buf).length / buf.length).toFixed(2));
}
