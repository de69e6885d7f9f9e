// Benchmark of `scan` and `check --aws` on a synthetic account served by the local AWS
// wire-format server of the tests (test/support/aws-server.ts, 127.0.0.1 only):
//
//   node dist/bench/scan.js [--vpcs 100] [--functions 1000] [--runs 3]
//
// Each VPC has 2 AZs, each with a public subnet (NAT gateway, EIP) and a private subnet with its
// own route table to that AZ's NAT; functions are spread evenly over the VPCs, attached to both
// private subnets. Pages are AWS's largest (1,000 items; ListFunctions 50). Each command runs as
// a child (dist/bench/measure.js), so wall time includes Node start-up and loading the SDK;
// peak RSS is the child's. Prints a Markdown table and the calls made per action.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { fakeAwsEnv, startFakeAws } from "../test/support/aws-server.ts";
import { syntheticAccount } from "./scan-account.ts";
import type { Measurement } from "./measure.ts";
import { MEASURE_OUT_ENV } from "./measure-out.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** Runs the CLI in a child (asynchronously: the server answering it lives in this process). */
async function measure(args: string[], env: Record<string, string>, out: string): Promise<Measurement & { wallMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, ["--max-old-space-size=4096", join(ROOT, "dist", "bench", "measure.js"), ...args], {
    cwd: ROOT,
    env: { ...env, PATH: process.env.PATH ?? "", [MEASURE_OUT_ENV]: out },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), 600_000);
  const status = await new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  clearTimeout(timer);
  const wallMs = performance.now() - started;
  if (status !== 0 && status !== 1) throw new Error(`${args.join(" ")}: exit ${status}: ${stderr.split("\n")[0]}`);
  return { ...(JSON.parse(readFileSync(out, "utf8")) as Measurement), wallMs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { vpcs: { type: "string" }, functions: { type: "string" }, runs: { type: "string" } } });
  const vpcs = Number(values.vpcs ?? 100);
  const functions = Number(values.functions ?? 1000);
  const runs = Number(values.runs ?? 3);
  const fake = await startFakeAws(syntheticAccount(vpcs, functions));
  const dir = mkdtempSync(join(tmpdir(), "lambda-egress-bench-scan-"));
  try {
    const env = { ...fakeAwsEnv(fake), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
    const snapshot = join(dir, "snapshot.json");
    const rows: [string, number[], number[]][] = [
      ["scan -o snapshot.json", [], []],
      ["check snapshot.json --format json", [], []],
      ["check --aws --format json (scan + check)", [], []],
    ];
    let callsPerScan: Record<string, number> = {};
    for (let i = 0; i < runs; i++) {
      const before = fake.calls.length;
      const s = await measure(["scan", "-o", snapshot], env, join(dir, "m1"));
      callsPerScan = {};
      for (const c of fake.calls.slice(before)) callsPerScan[c.action] = (callsPerScan[c.action] ?? 0) + 1;
      const c = await measure(["check", snapshot, "--format", "json"], env, join(dir, "m2"));
      const a = await measure(["check", "--aws", "--format", "json"], env, join(dir, "m3"));
      [s, c, a].forEach((m, k) => {
        rows[k]?.[1].push(m.wallMs);
        rows[k]?.[2].push(m.maxRssKiB);
      });
    }
    process.stdout.write(
      `Synthetic account: ${vpcs} VPCs, ${functions} functions, ${vpcs * 4} subnets, ${vpcs * 2} NAT gateways; snapshot ${(statSync(snapshot).size / 1024).toFixed(0)} KiB; ${runs} runs, median\n\n`,
    );
    process.stdout.write("| command | wall (median) | peak RSS (median) |\n|---|---:|---:|\n");
    for (const [name, wall, rss] of rows)
      process.stdout.write(`| \`${name}\` | ${(median(wall) / 1000).toFixed(2)} s | ${(median(rss) / 1024).toFixed(0)} MiB |\n`);
    process.stdout.write(
      `\nCalls per scan: ${Object.entries(callsPerScan)
        .sort()
        .map(([a, n]) => `${a} ${n}`)
        .join(", ")}\n`,
    );
  } finally {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
