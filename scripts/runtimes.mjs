// The runtimes every test file runs on, and how each one runs a TypeScript file.
import { existsSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const bin = (p) => join(root, "node_modules", p);

// Under `npm test`, node_modules/.bin (which holds node24's `node`) comes first on PATH, so `process.execPath` may be
// Node 24; npm names the Node it runs on, the machine's, in npm_node_execpath.
const machineNode = process.env.npm_node_execpath || process.execPath;

export const runtimes = {
  // The machine's Node (≥20) has no type stripping, so tsx loads the TypeScript.
  node: { label: "machine node", cmd: machineNode, args: (f) => ["--import", "tsx", f] },
  // Node 24 LTS strips types natively: this proves the sources are erasable TypeScript.
  node24: { label: "node 24", cmd: bin("node24/bin/node"), args: (f) => ["--disable-warning=ExperimentalWarning", f] },
  bun: { label: "bun", cmd: bin(".bin/bun"), args: (f) => [f] },
  deno: { label: "deno", cmd: bin(".bin/deno"), args: (f) => ["run", "-A", "--quiet", f] },
};

export function availableRuntime(name) {
  const rt = runtimes[name];
  if (!rt) throw new Error(`unknown runtime ${name}; known: ${Object.keys(runtimes).join(", ")}`);
  if (!existsSync(rt.cmd)) throw new Error(`runtime ${name} not installed at ${rt.cmd}; run npm ci`);
  return rt;
}
