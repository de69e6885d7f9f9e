// Bring-up and tear-down of the emulator (root with ip and nft only), reported as one JSON line:
// { "exitCode", "cases": [ { "name", "namespaces", "upMs": [...], "downMs": [...] } ] } to the file named by
// LAMBDA_EGRESS_MEASURE_OUT, or to stderr. Exit code 3 when the machine cannot run the emulator.
//
//   node dist/bench/emulate.js
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { applyPlan } from "../src/emulate/apply.ts";
import { planEmulation } from "../src/emulate/plan.ts";
import { newPrefix } from "../src/emulate/servers/guard.ts";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import type { Model } from "../src/model/model.ts";
import fc from "fast-check";
import { networkArbitrary, templateOf } from "../test/differential-network.ts";
import { generateTemplate } from "./generate.ts";
import { writeMeasurement } from "./measure-out.ts";

const RUNS = 3;

const canRun =
  process.platform === "linux" &&
  process.getuid?.() === 0 &&
  spawnSync("ip", ["-V"]).status === 0 &&
  spawnSync("nft", ["--version"]).status === 0;
if (!canRun) {
  writeMeasurement({ exitCode: 3 });
  process.exit(3);
}

const root = join(import.meta.dirname, "..", "..");
const cases: { name: string; model: Model }[] = [
  {
    name: "the seeds' 2-AZ design (examples/nat-gateway-per-az)",
    model: loadCloudFormation("template.yaml", readFileSync(join(root, "examples", "nat-gateway-per-az", "template.yaml"), "utf8")),
  },
  {
    // One VPC over 5 AZs: 5 public and 5 private subnets, a NAT gateway per AZ, 20 functions in every private subnet.
    name: "10 subnets / 20 functions",
    model: loadCloudFormation("generated.json", JSON.stringify(generateTemplate({ vpcs: 1, functionsPerVpc: 20, azs: 5 }))),
  },
  {
    // What one run of the differential tests brings up: eight random networks of the test's generator, fixed seed.
    name: "a differential-test template (8 random networks)",
    model: loadCloudFormation(
      "differential.json",
      JSON.stringify(
        templateOf(fc.sample(fc.array(networkArbitrary(), { minLength: 8, maxLength: 8 }), { seed: 20261202, numRuns: 1 })[0] ?? []),
      ),
    ),
  },
];

const results = [];
for (const c of cases) {
  const upMs: number[] = [];
  const downMs: number[] = [];
  let namespaces = 0;
  for (let run = 0; run < RUNS; run++) {
    const plan = planEmulation(c.model, { prefix: newPrefix() });
    namespaces = plan.namespaces.length;
    const t0 = performance.now();
    const emulation = await applyPlan(plan);
    const t1 = performance.now();
    await emulation.teardown();
    const t2 = performance.now();
    upMs.push(t1 - t0);
    downMs.push(t2 - t1);
  }
  results.push({ name: c.name, namespaces, upMs, downMs });
}
writeMeasurement({ exitCode: 0, cases: results });
