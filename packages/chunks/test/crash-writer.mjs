// Child process of filestore.test.ts: flushes 200 samples, then extends forever until it is killed.
import { ndarray } from "@shoal/core";
import { patternBytes } from "@shoal/testing";
import { FileStore } from "@shoal/storage/fs";
import { DatasetEngine } from "@shoal/chunks";

const dir = (globalThis.Deno ? globalThis.Deno.args : process.argv.slice(2))[0];
const noise = (n, seed) => patternBytes(n, seed);
const ds = await DatasetEngine.create(new FileStore(dir));
const t = await ds.createTensor("x", { dtype: "uint8", maxChunkSize: 64 * 1024 });
await t.extend(Array.from({ length: 200 }, (_, i) => ndarray("uint8", [4096], noise(4096, i + 1))));
await ds.flush();
process.stdout.write("flushed\n");
for (let i = 200; ; i++) await t.append(ndarray("uint8", [4096], noise(4096, i + 1)));
