// @runtimes node
// Packs every public package as npm would publish it, installs the tarballs into an empty project (and globally under
// a temporary prefix), then runs the installed CLI and imports every package entry on Node, Bun and Deno.
// It drives all three runtimes itself, so the runner starts it on Node only.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { suite } from "uvu";
import * as assert from "uvu/assert";

const repo = fileURLToPath(new URL("../../..", import.meta.url));
const runtimes: Record<string, (file: string) => [string, string[]]> = {
  node: (f) => [process.execPath, [f]],
  bun: (f) => [join(repo, "node_modules/.bin/bun"), [f]],
  deno: (f) => [join(repo, "node_modules/.bin/deno"), ["run", "-A", "--quiet", f]],
};

interface Manifest {
  name: string;
  private?: boolean;
  description?: string;
  license?: string;
  repository?: { url?: string; directory?: string };
  exports?: Record<string, unknown>;
  bin?: Record<string, string>;
}

const publicPackages = ["packages", "apps"].flatMap((group) =>
  readdirSync(join(repo, group))
    .map((name) => join(group, name))
    .filter((dir) => existsSync(join(repo, dir, "package.json")))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(repo, dir, "package.json"), "utf8")) as Manifest }))
    .filter((p) => !p.manifest.private),
);

function run(cmd: string, args: string[], cwd: string, timeout = 240_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout, env: { ...process.env, NO_COLOR: "1", npm_config_yes: "true" } });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: `${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

const t = suite("packaging");
const work = mkdtempSync(join(tmpdir(), "shoal-pack-"));
const tarballs: string[] = [];
const app = join(work, "app");
t.after(() => rmSync(work, { recursive: true, force: true }));

t("every public package carries a description, a repository, its licence and a README", () => {
  assert.ok(publicPackages.length >= 12, `found ${publicPackages.length} public packages`);
  const rootLicence = readFileSync(join(repo, "LICENSE"), "utf8");
  for (const { dir, manifest } of publicPackages) {
    assert.ok(manifest.description && manifest.description.length > 20, `${manifest.name}: description`);
    assert.is(manifest.license, "MIT", `${manifest.name}: license field`);
    assert.ok(manifest.repository?.url?.startsWith("git+https://"), `${manifest.name}: repository url`);
    assert.is(manifest.repository?.directory, dir, `${manifest.name}: repository directory`);
    assert.is(readFileSync(join(repo, dir, "LICENSE"), "utf8"), rootLicence, `${manifest.name}: LICENSE is the root's`);
    assert.ok(existsSync(join(repo, dir, "README.md")), `${manifest.name}: README.md`);
  }
});

t("npm pack puts LICENSE, README, package.json and the built entries in each tarball", () => {
  const dest = join(work, "tarballs");
  mkdirSync(dest);
  for (const { dir, manifest } of publicPackages) {
    const r = run("npm", ["pack", "--json", "--pack-destination", dest], join(repo, dir));
    assert.is(r.code, 0, `${manifest.name}: ${r.stderr}`);
    const [info] = JSON.parse(r.stdout) as { filename: string; files: { path: string }[] }[];
    const paths = new Set(info!.files.map((f) => f.path));
    for (const required of ["LICENSE", "README.md", "package.json"]) assert.ok(paths.has(required), `${manifest.name} lacks ${required}`);
    const entries = Object.values(manifest.exports ?? {}).flatMap((e) => (typeof e === "string" ? [e] : Object.values(e as Record<string, string>)));
    for (const entry of [...entries, ...Object.values(manifest.bin ?? {})]) {
      assert.ok(paths.has(entry.replace(/^\.\//, "")), `${manifest.name}: ${entry} is exported but not packed`);
    }
    tarballs.push(join(dest, info!.filename));
  }
});

t("the tarballs install into an empty project; the installed `shoal` works on Node, Bun and Deno", () => {
  mkdirSync(app);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "fresh-app", private: true, type: "module" }));
  const install = run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...tarballs], app);
  assert.is(install.code, 0, install.stderr);
  const viaNpx = run("npx", ["--no-install", "shoal", "--help"], app);
  assert.is(viaNpx.code, 0, viaNpx.stderr);
  assert.match(viaNpx.stdout + viaNpx.stderr, /Versioned, tensor-native datasets/);
  const bin = join(app, "node_modules/.bin/shoal");
  for (const [name, command] of Object.entries(runtimes)) {
    const ds = join(work, `ds-${name}`);
    const [cmd, pre] = command(bin);
    const created = run(cmd, [...pre, "create", ds, "--json"], app);
    assert.is(created.code, 0, `${name} create: ${created.stderr}`);
    const info = run(cmd, [...pre, "info", ds, "--json"], app);
    assert.is(info.code, 0, `${name} info: ${info.stderr}`);
    const summary = JSON.parse(info.stdout) as { numSamples: number; branch: string };
    assert.is(summary.numSamples, 0, `${name}: a new dataset is empty`);
    assert.is(summary.branch, "main", `${name}: on main`);
  }
});

t("every entry of every package imports from the installed project on Node, Bun and Deno", () => {
  const specifiers = publicPackages.flatMap(({ manifest }) =>
    Object.keys(manifest.exports ?? { ".": "" })
      .filter((sub) => !sub.endsWith(".json"))
      .map((sub) => (sub === "." ? manifest.name : `${manifest.name}/${sub.slice(2)}`)),
  );
  const script = join(app, "import-all.mjs");
  writeFileSync(
    script,
    `const out = {};\nfor (const s of ${JSON.stringify(specifiers)}) out[s] = Object.keys(await import(s)).length;\nconsole.log(JSON.stringify(out));\n`,
  );
  for (const [name, command] of Object.entries(runtimes)) {
    const [cmd, args] = command(script);
    const r = run(cmd, args, app);
    assert.is(r.code, 0, `${name}: ${r.stderr}`);
    const counts = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as Record<string, number>;
    for (const s of specifiers) assert.ok(counts[s]! > 0, `${name}: ${s} exports nothing`);
  }
});

t("npm install -g of the tarballs puts a working `shoal` on the PATH", () => {
  const prefix = join(work, "global");
  const r = run("npm", ["install", "-g", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", ...tarballs], work);
  assert.is(r.code, 0, r.stderr);
  const help = run(join(prefix, "bin", "shoal"), ["--help"], work);
  assert.is(help.code, 0, help.stderr);
  assert.match(help.stdout + help.stderr, /USAGE\W+shoal/, `${help.stdout}${help.stderr}`);
});

t.run();
