// Bring-up and tear-down of the emulator (root with ip and nft only), and one Python invocation (`emulate --invoke`'s
// path: the Runtime API server, the sandbox, the Python bootstrap) in the first case's first ENI, reported as one JSON
// line: { "exitCode", "cases": [ { "name", "namespaces", "upMs": [...], "downMs": [...], "invokeMs"?: [...] } ] } to
// the file named by LAMBDA_EGRESS_MEASURE_OUT, or to stderr. Exit code 3 when the machine cannot run the emulator.
//
//   node dist/bench/emulate.js
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { Emulation } from "../src/emulate/apply.ts";
import { applyPlan, defaultStateDir, TRUST_CA_VARIABLES } from "../src/emulate/apply.ts";
import { findPython, prepareInvocation, runtimeApiCommand } from "../src/emulate/invoke.ts";
import { SANDBOX_USER, sandboxCommand } from "../src/emulate/sandbox.ts";
import type { LambdaFunction } from "../src/model/types.ts";
import { planEmulation } from "../src/emulate/plan.ts";
import { newPrefix } from "../src/emulate/servers/guard.ts";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import type { Model } from "../src/model/model.ts";
import fc from "fast-check";
import { networkArbitrary, templateOf } from "../test/support/differential-network.ts";
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
    name: "a NAT gateway per AZ, 2 AZs (examples/nat-gateway-per-az)",
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

/** A Python function (inline code): returns what the emulated internet saw, over HTTPS. */
const PYTHON_FUNCTION = {
  id: "BenchFunction",
  name: null,
  code: {
    runtime: "python3.12",
    handler: "index.handler",
    timeoutSeconds: 10,
    source: {
      inline:
        'import json, urllib.request\ndef handler(event, context):\n    return json.loads(urllib.request.urlopen("https://api.partner.example/").read())\n',
    },
  },
} as unknown as LambdaFunction;

/** Whether this machine has a python3 the sandbox's user may run (else the invocation is not measured). */
let python: boolean;
try {
  findPython("python3.12", process.env.PATH ?? "");
  python = true;
} catch {
  python = false;
}

/** One Python invocation in `ns` as `emulate --invoke` runs it; its wall time (ms), or throws when it fails. */
async function invokeOnce(emulation: Emulation, ns: string): Promise<number> {
  // Not under /tmp: the sandbox gives the function a private /tmp.
  mkdirSync(defaultStateDir(), { recursive: true });
  const base = mkdtempSync(join(defaultStateDir(), "le-bench-"));
  chmodSync(base, 0o755);
  const inv = prepareInvocation(PYTHON_FUNCTION, join(base, "template.yaml"), undefined, { baseDir: join(base, "run") });
  try {
    const sandboxed = sandboxCommand(inv.bootstrap, { user: SANDBOX_USER, cwd: inv.codeDir });
    const [cmd, ...args] = runtimeApiCommand({
      mode: "invoke",
      command: [sandboxed.cmd, ...sandboxed.args],
      env: inv.env,
      timeoutSeconds: inv.timeoutSeconds,
      eventFile: null,
      functionArn: inv.functionArn,
      token: "le-bench",
      passEnv: TRUST_CA_VARIABLES,
    }) as [string, ...string[]];
    const t0 = performance.now();
    const r = await emulation.exec(ns, cmd, args, 20000);
    const ms = performance.now() - t0;
    if (r.code !== 0 || !r.stdout.includes('"sourceIp"'))
      throw new Error(`the Python invocation failed (${r.code}): ${r.stdout}${r.stderr}`);
    return ms;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

const results = [];
for (const [index, c] of cases.entries()) {
  const invokeMs: number[] = [];
  const upMs: number[] = [];
  const downMs: number[] = [];
  let namespaces = 0;
  for (let run = 0; run < RUNS; run++) {
    const plan = planEmulation(c.model, { prefix: newPrefix() });
    namespaces = plan.namespaces.length;
    const t0 = performance.now();
    const emulation = await applyPlan(plan);
    const t1 = performance.now();
    const eni = plan.enis[0];
    if (index === 0 && python && eni !== undefined) {
      try {
        invokeMs.push(await invokeOnce(emulation, eni.ns));
      } catch (e) {
        await emulation.teardown();
        throw e;
      }
    }
    const t2 = performance.now();
    await emulation.teardown();
    const t3 = performance.now();
    upMs.push(t1 - t0);
    downMs.push(t3 - t2);
  }
  results.push({ name: c.name, namespaces, upMs, downMs, ...(invokeMs.length > 0 ? { invokeMs } : {}) });
}
writeMeasurement({ exitCode: 0, cases: results });
