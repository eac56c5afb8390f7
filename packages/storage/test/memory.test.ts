import { testStore } from "@shoal/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { MemoryStore } from "../src/memory.ts";

testStore("MemoryStore", () => new MemoryStore(), { capabilities: { writable: true, conditionalWrite: "cas", rangeRead: true } });

test("MemoryStore returns plain Uint8Array views of what was written", async () => {
  const store = new MemoryStore();
  await store.set("k", new Uint8Array([1, 2, 3]));
  const got = await store.get("k");
  assert.is(Object.getPrototypeOf(got), Uint8Array.prototype);
});

test.run();
