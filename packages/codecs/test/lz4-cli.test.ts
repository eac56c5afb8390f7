// @runtimes node,node24,bun,deno
// Our frames against the reference lz4 CLI, both ways (a child process, so not in a browser).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "uvu";
import * as assert from "uvu/assert";
import { lz4FrameDecode, lz4FrameEncode } from "../src/lz4-frame.ts";
import { equalBytes, imageLike, randomBytes, runs } from "./helpers.ts";

const LZ4_CLI = process.env.LZ4_CLI ?? "/usr/bin/lz4";

const haveCli = existsSync(LZ4_CLI);
test("lz4 CLI: decompresses our frames, and we decompress its frames (written now)", () => {
  if (!haveCli) {
    if (process.env.SHOAL_SKIP_LZ4_CLI === "1") return;
    throw new Error(`lz4 CLI not found at ${LZ4_CLI}; install it (apt-get install lz4) or set SHOAL_SKIP_LZ4_CLI=1`);
  }
  const dir = mkdtempSync(join(tmpdir(), "shoal-lz4-"));
  try {
    const cases: [string, Uint8Array][] = [
      ["random", randomBytes(300_000, 11)],
      ["image", imageLike(5_000_000, 12)],
      ["runs", runs(200_000, 13)],
      ["empty", new Uint8Array(0)],
    ];
    for (const [name, data] of cases) {
      const raw = join(dir, `${name}.bin`);
      writeFileSync(raw, data);
      // Ours → CLI.
      for (const [variant, opts] of [["default", {}], ["64k-checksums", { blockSize: 65536, blockChecksum: true }], ["no-checks", { contentChecksum: false, contentSize: false }]] as const) {
        const ours = join(dir, `${name}-${variant}.lz4`);
        writeFileSync(ours, lz4FrameEncode(data, opts));
        const r = spawnSync(LZ4_CLI, ["-d", "-q", "-f", ours, `${ours}.out`]);
        assert.is(r.status, 0, `lz4 -d ${name} ${variant}: ${r.stderr}`);
        assert.ok(equalBytes(new Uint8Array(readFileSync(`${ours}.out`)), data), `${name} ${variant}`);
      }
      // CLI → ours, with the CLI's fast, HC, linked-block and checksum variants.
      for (const flags of [["-1"], ["-9"], ["-BD", "-B4"], ["-BX", "--no-frame-crc", "-B5"], ["--content-size"]]) {
        const theirs = join(dir, `${name}${flags.join("")}.lz4`);
        const r = spawnSync(LZ4_CLI, ["-q", "-f", ...flags, raw, theirs]);
        assert.is(r.status, 0, `lz4 ${flags.join(" ")}: ${r.stderr}`);
        const decoded = lz4FrameDecode(new Uint8Array(readFileSync(theirs)));
        assert.ok(equalBytes(decoded, data), `${name} ${flags.join(" ")}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
