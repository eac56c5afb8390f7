// The lazy edge from shoal to its optional peer @shoal/viewer: an absent viewer is a typed error naming the package
// to install. (The served dataset itself is tested in packages/viewer/test/visualize.test.ts.)
import { expectCode } from "@shoal/testing";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { loadViewer } from "../src/visualize.ts";

test("a viewer entry that is not installed is ViewerNotInstalledError, with the install command", async () => {
  const e = (await expectCode(loadViewer("@shoal/no-such-viewer/node"), "ViewerNotInstalledError", "absent package")) as Error & { entry: string; cause: unknown };
  assert.is(e.entry, "@shoal/no-such-viewer/node");
  assert.match(e.message, "npm install @shoal/viewer");
  assert.ok(e.cause, "the runtime's own resolution error is kept as the cause");
});

test("the installed viewer entry loads and has visualize", async () => {
  const mod = await loadViewer();
  assert.type(mod.visualize, "function");
});

test.run();
