// What the README promises about info: JSON values only, refused whole (nothing set), copied in and out, and read
// back unchanged after a reload.
import { MemoryStore } from "@shoal/storage";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { empty, load } from "../src/index.ts";
import { rejects } from "./helpers.ts";

test("a non-JSON value anywhere refuses the whole update; values are copies; a reload gives them back", async () => {
  const store = new MemoryStore();
  const ds = await empty(store);
  await ds.createTensor("x");
  const value = { dims: [1, 2, 3], name: "n", nested: { ok: true, none: null } };
  ds.info.update({ meta: value, n: 1.5 });
  for (const bad of [new Uint8Array(2), undefined, -Infinity, Symbol("s"), new (class Point {})()]) {
    const e = (await rejects(async () => ds.info.update({ later: 1, meta: { dims: [1, 2, bad] } }), "InvalidArgumentError")) as Error;
    assert.match(e.message, /info key "meta"\.dims\[2\]/);
    assert.match(e.message, /info values must be JSON/);
  }
  assert.equal(ds.info.keys(), ["meta", "n"], "the refused updates set nothing, not even their valid keys");
  value.dims.push(4);
  (ds.info.get("meta") as { dims: number[] }).dims.push(5);
  assert.equal(ds.info.get("meta"), { dims: [1, 2, 3], name: "n", nested: { ok: true, none: null } });
  ds.tensor("x").info.set("unit", "mm");
  await rejects(async () => ds.tensor("x").info.set("when", new Date(0)), "InvalidArgumentError");
  await ds.commit("info");
  await ds.close();
  const again = await load(store, { readOnly: true });
  assert.equal(again.info.toJSON(), { meta: { dims: [1, 2, 3], name: "n", nested: { ok: true, none: null } }, n: 1.5 });
  assert.equal(again.tensor("x").info.toJSON(), { unit: "mm" });
});

test.run();
