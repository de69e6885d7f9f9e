// Differential tests (root with ip and nft only, skipped otherwise): random networks (test/differential-network.ts),
// each checked by the analyzer and emulated on the kernel; for every (function, subnet, destination) both must agree.
// DIFFERENTIAL_SEED and DIFFERENTIAL_RUNS change the seed and the number of templates (0 skips; each of NETWORKS_PER_RUN
// networks); a disagreement prints the seed, the lines that disagree and the template, kept for a regression case.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { runBatch } from "./support/differential.ts";
import { blockPublicAccessArbitrary, networkArbitrary } from "./support/differential-network.ts";
import { kernelTestsMissing } from "./support/emulate-fixtures.ts";

const SEED = Number(process.env.DIFFERENTIAL_SEED ?? "20261202");
const RUNS = Number(process.env.DIFFERENTIAL_RUNS ?? "30");
if (!Number.isInteger(RUNS) || RUNS < 0)
  throw new Error(`DIFFERENTIAL_RUNS=${process.env.DIFFERENTIAL_RUNS}: give a whole number, 0 to skip`);
if (!Number.isInteger(SEED)) throw new Error(`DIFFERENTIAL_SEED=${process.env.DIFFERENTIAL_SEED}: give a whole number`);

// DIFFERENTIAL_RUNS=0 skips the test (and the kernel probe) instead of running no template.
const skip = RUNS === 0 ? "DIFFERENTIAL_RUNS=0" : kernelTestsMissing();
if (skip) process.stdout.write(`# differential skipped: ${skip}\n`);
const NETWORKS_PER_RUN = 8;

describe("differential: the analyzer's verdict is what the kernel does", { skip, timeout: 30 * 60 * 1000 }, () => {
  it(`${RUNS} templates of ${NETWORKS_PER_RUN} random networks (seed ${SEED})`, async () => {
    let networks = 0;
    let triples = 0;
    const verdicts = new Map<string, number>();
    const outcome = await fc.check(
      fc.asyncProperty(
        fc.array(networkArbitrary(), { minLength: NETWORKS_PER_RUN, maxLength: NETWORKS_PER_RUN }),
        blockPublicAccessArbitrary(),
        async (specs, bpa) => {
          const r = await runBatch(specs, bpa);
          networks += r.networks;
          triples += r.observations.length;
          for (const o of r.observations) {
            // Each network's database counts as one destination, `resource:Db`.
            const key = `${o.to.startsWith("resource:") ? "resource:Db" : o.to} ${o.analyzer.verdict}`;
            verdicts.set(key, (verdicts.get(key) ?? 0) + 1);
          }
          if (r.disagreements.length > 0) {
            // The networks that disagree, alone, as specs (for a regression case) and the whole template.
            const failing = [...new Set(r.disagreements.map((d) => Number(/^N(\d+):/.exec(d)?.[1] ?? -1)))];
            const dir = join(tmpdir(), "lambda-egress-differential");
            mkdirSync(dir, { recursive: true });
            const base = join(dir, `seed-${SEED}-${Date.now()}`);
            writeFileSync(`${base}.json`, r.template ?? "");
            writeFileSync(
              `${base}.specs.json`,
              `${JSON.stringify({ blockPublicAccess: bpa, ...Object.fromEntries(failing.map((k) => [`N${k}`, specs[k] ?? null])) }, null, 1)}\n`,
            );
            throw new Error(
              `${r.disagreements.length} disagreement(s) (Block Public Access ${bpa}); template ${base}.json, specs ${base}.specs.json:\n${r.disagreements.join("\n")}`,
            );
          }
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    if (outcome.failed)
      assert.fail(`seed ${SEED}, run ${outcome.numRuns}: ${(outcome.errorInstance as Error | undefined)?.message ?? "failed"}`);
    process.stdout.write(
      `# differential: ${networks} networks, ${triples} (function, subnet, destination) cases agree: ${[...verdicts]
        .sort()
        .map(([k, n]) => `${k} ${n}`)
        .join(", ")}\n`,
    );
    assert.ok(triples > 0);
  });
});
