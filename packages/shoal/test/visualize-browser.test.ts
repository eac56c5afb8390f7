// @runtimes chromium
// In a browser there is no local server to start: ds.visualize() says so, and what to run instead.
import { MemoryStore } from "@shoal/storage";
import { expectCode } from "@shoal/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { empty } from "../src/index.ts";

test("ds.visualize() in a browser is UnsupportedError pointing at shoal serve", async () => {
  const ds = await empty(new MemoryStore());
  const e = (await expectCode(ds.visualize(), "UnsupportedError", "visualize in a page")) as Error & { feature: string };
  assert.is(e.feature, "visualize");
  assert.match(e.message, "shoal serve");
  await ds.close();
});

test.run();
