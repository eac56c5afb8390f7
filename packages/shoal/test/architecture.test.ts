// The dependency arrows of ARCHITECTURE.md, and the runtime rules every package's source must keep.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../../../", import.meta.url).pathname;

const allowed: Record<string, string[]> = {
  "@shoal/core": [],
  "@shoal/storage": ["@shoal/core"],
  "@shoal/codecs": ["@shoal/core"],
  "@shoal/htypes": ["@shoal/core", "@shoal/codecs"],
  "@shoal/chunks": ["@shoal/core", "@shoal/storage", "@shoal/codecs", "@shoal/htypes"],
  "@shoal/vcs": ["@shoal/core", "@shoal/storage"],
  "@shoal/views": ["@shoal/core"],
  "@shoal/loader": ["@shoal/core", "@shoal/codecs", "@shoal/views"],
  "@shoal/clearml-compat": ["@shoal/core", "@shoal/storage", "@shoal/codecs"],
  "@shoal/deeplake-compat": ["@shoal/core", "@shoal/storage", "@shoal/codecs"],
  "@shoal/compute": ["@shoal/core", "@shoal/codecs"],
  shoal: ["@shoal/core", "@shoal/storage", "@shoal/codecs", "@shoal/htypes", "@shoal/chunks", "@shoal/vcs", "@shoal/views", "@shoal/loader", "@shoal/clearml-compat", "@shoal/deeplake-compat", "@shoal/compute"],
  "@shoal/queue": ["shoal", "@shoal/core", "@shoal/compute"],
  "@shoal/viewer": ["shoal", "@shoal/core", "@shoal/storage"],
  "@shoal/cli": ["shoal", "@shoal/clearml-compat", "@shoal/viewer", "@shoal/compute", "@shoal/queue"],
};

// The one edge against the arrows: @shoal/viewer depends on shoal, yet Deep Lake users call `ds.visualize()` on the
// Dataset. shoal reaches the viewer only lazily, from this file, as an optional peer (never a dependency), through
// a specifier held in a variable so no bundler pulls the viewer's node:http server into shoal's root entry.
const LAZY_EDGE = { from: "shoal", to: "@shoal/viewer", file: "packages/shoal/src/visualize.ts", entry: "@shoal/viewer/node" };

interface Pkg {
  dir: string;
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  exports?: Record<string, unknown>;
}

function packages(): Pkg[] {
  const out: Pkg[] = [];
  for (const group of ["packages", "apps"]) {
    for (const name of readdirSync(join(root, group))) {
      const dir = join(root, group, name);
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Pkg;
      out.push({ ...pkg, dir });
    }
  }
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts)$/.test(name)) out.push(p);
  }
  return out;
}

const isShoal = (n: string) => n === "shoal" || n.startsWith("@shoal/");

test("every package is in the architecture table", () => {
  for (const pkg of packages()) assert.ok(pkg.name in allowed, `${pkg.name} missing from the table`);
});

test("package.json dependencies follow the arrows", () => {
  for (const pkg of packages()) {
    const deps = Object.keys(pkg.dependencies ?? {}).filter(isShoal);
    for (const d of deps) assert.ok(allowed[pkg.name]!.includes(d), `${pkg.name} may not depend on ${d}`);
  }
});

test("source imports follow the arrows", () => {
  for (const pkg of packages()) {
    for (const file of sourceFiles(join(pkg.dir, "src"))) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:from|import)\s*\(?\s*["']((?:@shoal\/[\w-]+)|shoal)(?:\/[\w/.-]+)?["']/g)) {
        const dep = m[1]!;
        if (dep === pkg.name) continue;
        assert.ok(allowed[pkg.name]!.includes(dep), `${file.slice(root.length)} imports ${dep}, against the arrows`);
      }
    }
  }
});

test("shoal reaches @shoal/viewer only by the lazy import of visualize.ts, as an optional peer", () => {
  const shoal = packages().find((p) => p.name === LAZY_EDGE.from)!;
  assert.not.ok(LAZY_EDGE.to in (shoal.dependencies ?? {}), "a dependency would make a cycle");
  assert.ok(LAZY_EDGE.to in (shoal.peerDependencies ?? {}), "declared as a peer");
  assert.is(shoal.peerDependenciesMeta?.[LAZY_EDGE.to]?.optional, true, "an optional one");
  for (const file of sourceFiles(join(shoal.dir, "src"))) {
    const text = readFileSync(file, "utf8");
    // A string naming the package, not a mention in a comment.
    const names = new RegExp(`["']${LAZY_EDGE.to.replace("/", "\\/")}`).test(text);
    if (file.slice(root.length) !== LAZY_EDGE.file) {
      assert.not.ok(names, `${file.slice(root.length)} names ${LAZY_EDGE.to}; only ${LAZY_EDGE.file} may`);
      continue;
    }
    assert.ok(text.includes(`"${LAZY_EDGE.entry}"`), `${LAZY_EDGE.file} names ${LAZY_EDGE.entry}`);
    assert.not.ok(/(?:from|import)\s*\(?\s*["']@shoal\/viewer/.test(text), "no static or literal import of the viewer");
    assert.ok(/await import\(entry\)/.test(text), "the viewer is imported lazily");
  }
});

test("no eval or new Function in any source", () => {
  for (const pkg of packages()) {
    for (const file of sourceFiles(join(pkg.dir, "src"))) {
      // A call of the global eval, not Deep Lake's `transform.eval(...)` nor the declaration of that method.
      const calls = readFileSync(file, "utf8")
        .split("\n")
        .filter((line) => /(^|[^.\w])eval\(|new Function\(/.test(line) && !/^\s*(async\s+)?eval\(.*\)\s*:\s*[\w<]/.test(line));
      assert.equal(calls, [], `${file.slice(root.length)} uses eval/new Function`);
    }
  }
});

test("node: imports only in runtime-adapter files of library packages", () => {
  for (const pkg of packages()) {
    if (pkg.dir.includes("/apps/")) continue;
    for (const file of sourceFiles(join(pkg.dir, "src"))) {
      const rel = file.slice(join(pkg.dir, "src").length + 1);
      if (/(^|\/|-|\.)(node|fs|cli|worker|workers)(\/|\.|-)/.test(rel)) continue;
      const text = readFileSync(file, "utf8");
      assert.not.ok(/from\s+["']node:|import\(\s*["']node:/.test(text), `${file.slice(root.length)} imports node: outside an adapter entry`);
    }
  }
});

test("root entries of built packages never reach node: builtins", () => {
  for (const pkg of packages()) {
    if (pkg.dir.includes("/apps/")) continue;
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, "utf8");
      assert.not.ok(/from\s*["']node:|import\s*["']node:/.test(text), `${pkg.name} root entry statically reaches node: via ${file.slice(root.length)}`);
      for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)[^"'()]*?from\s*["'](\.\/[^"']+)["']/g)) visit(join(file, "..", m[1]!));
    };
    visit(join(pkg.dir, "dist", "index.js"));
  }
});

test("every root entry bundles for browsers (esbuild, platform browser)", async () => {
  const esbuild = await import("esbuild");
  for (const pkg of packages()) {
    if (pkg.dir.includes("/apps/")) continue;
    const entry = join(pkg.dir, "dist", "index.js");
    const result = await esbuild
      .build({ entryPoints: [entry], bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent" })
      .then(() => "ok", (e: { errors?: { text: string }[] }) => (e.errors ?? []).map((x) => x.text).join("; "));
    assert.is(result, "ok", `${pkg.name}: ${result}`);
  }
});

test.run();
