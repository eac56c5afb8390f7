// Seeded mutation fuzzing of every parser of untrusted bytes: typed errors only, no hang, bounded allocations.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { fuzzTargets } from "../src/fuzz-targets.ts";
import { formatFuzz, fuzz } from "../src/fuzz.ts";
import { Rng, scale, seedBase } from "../src/mutate.ts";
import { report } from "../src/results.ts";

const iterations = scale(400);

for (const target of fuzzTargets) {
  test(`${target.name}: ${iterations} mutated inputs give typed errors only, within 2 s each, bounded memory`, async () => {
    const r = await fuzz(target, new Rng(seedBase() * 1000 + target.name.length), iterations);
    await report("fuzz", { target: target.name, ...r, failures: r.failures.slice(0, 5) });
    assert.is(r.tried, iterations);
    assert.ok(r.crash === 0 && r.hangs === 0 && r.unbounded === 0, `${formatFuzz(target.name, r)}\n${r.failures.join("\n")}`);
    // A fuzzer whose every input fails the first check tests nothing past it: most targets must parse some.
    assert.ok(r.typed > 0, `${target.name}: no mutated input was rejected`);
  });
}

test.run();
