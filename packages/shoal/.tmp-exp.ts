import { importDeepLake, load, openDeepLake, dataloader, query } from "./src/index.ts";
import { mkdtempSync } from "node:fs";
const F = "/work/shared/fixtures/deeplake-v3/";
const dir = mkdtempSync("/tmp/shoalimp/t-");
for (const d of ["images-classlabel-2.0.6", "chat-with-docs-3.8.8", "transcribebot-3.4.0-versioned"]) {
  try {
    const ds = await importDeepLake(F + d, `${dir}/${d}`, { onProgress: (a, b) => process.stdout.write(`${a}/${b} `), skipMissing: d.startsWith("trans"), onMissing: (m) => console.log(m) });
    console.log("\n", d, ds.summary(), await ds.log());
    await ds.close();
  } catch (e) { console.log(d, e); }
}
try { await load(F + "images-classlabel-2.0.6"); } catch (e) { console.log(String(e)); }
const dl = await openDeepLake(F + "images-classlabel-2.0.6");
for await (const b of dataloader(dl).batch(3).numpy()) console.log(b);
console.log((await query(dl, "select * where labels == 'class1'")).indices?.());
