// Start-up as ratios to what Node itself needs, measured side by side on the same machine: `check` of a small
// template against `node -e 0`, of the 64 KiB VPC Quick Start template against `node -e 0`, and of the largest
// synthetic template against a Node process that only reads and JSON.parses that file. Each pair runs one after the
// other (the order alternates), and the figure is the median of the pairs' ratios, so a machine that slows down or
// speeds up during the run moves both sides of a pair alike.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { formatMs, median } from "./stats.ts";

export interface RatioCase {
  readonly name: string;
  readonly file: string;
  /** What `check` is compared with: Node's start (`node -e 0`), or reading and parsing the file's JSON. */
  readonly baseline: "node-start" | "read-and-parse";
  readonly target: number;
  readonly pairs: number;
  readonly ratios: number[];
  readonly medianRatio: number | null;
  readonly medianCheckMs: number | null;
  readonly medianBaselineMs: number | null;
  /** Peak resident set of `check`, KiB (from the child itself). */
  readonly peakRssKiB: number | null;
  readonly targetRssKiB: number | null;
  readonly met: boolean | null;
  readonly failure: string | null;
}

export interface RatioInput {
  readonly name: string;
  readonly file: string;
  readonly baseline: RatioCase["baseline"];
  readonly target: number;
  readonly pairs: number;
  readonly targetRssKiB?: number;
}

/** A preload that writes the process's peak resident set (KiB) to the file named by LAMBDA_EGRESS_RSS_OUT at exit. */
const RSS_HOOK =
  'process.on("exit",()=>{const f=process.env.LAMBDA_EGRESS_RSS_OUT;if(f)require("node:fs").writeFileSync(f,String(process.resourceUsage().maxRSS))})';

function timed(args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv): { ms: number; status: number | null; stderr: string } {
  const start = performance.now();
  const child = spawnSync(process.execPath, args, {
    cwd,
    env: env ?? process.env,
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
    timeout: 600_000,
  });
  return { ms: performance.now() - start, status: child.status, stderr: child.stderr ?? "" };
}

/** One case: `pairs` pairs of (baseline, check), in alternating order. */
export function measureRatio(root: string, tmp: string, input: RatioInput): RatioCase {
  const bin = join(root, "bin", "lambda-egress.js");
  const rssFile = join(tmp, "rss.txt");
  const hook = join(tmp, "rss-hook.cjs");
  writeFileSync(hook, RSS_HOOK);
  const baselineArgs =
    input.baseline === "node-start"
      ? ["-e", "0"]
      : ["-e", 'JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"))', input.file];
  const checkArgs = ["--require", hook, bin, "check", relative(root, input.file), "--format", "json"];
  const ratios: number[] = [];
  const checks: number[] = [];
  const baselines: number[] = [];
  let peak: number | null = null;
  let failure: string | null = null;
  // One warm-up pair: the first process start after a while reads files from disk.
  for (let i = 0; i <= input.pairs && failure === null; i++) {
    const runCheck = () => timed(checkArgs, root, { ...process.env, LAMBDA_EGRESS_RSS_OUT: rssFile });
    const runBaseline = () => timed(baselineArgs, root);
    rmSync(rssFile, { force: true });
    let c: ReturnType<typeof timed>;
    let b: ReturnType<typeof timed>;
    if (i % 2 === 0) {
      c = runCheck();
      b = runBaseline();
    } else {
      b = runBaseline();
      c = runCheck();
    }
    if (c.status !== 0 && c.status !== 1) failure = `check exited ${c.status}: ${c.stderr.split("\n")[0] ?? ""}`;
    else if (b.status !== 0) failure = `the baseline exited ${b.status}: ${b.stderr.split("\n")[0] ?? ""}`;
    if (failure !== null || i === 0) continue;
    ratios.push(c.ms / b.ms);
    checks.push(c.ms);
    baselines.push(b.ms);
    if (existsSync(rssFile)) {
      const kib = Number(readFileSync(rssFile, "utf8"));
      if (Number.isFinite(kib)) peak = Math.max(peak ?? 0, kib);
    }
  }
  const medianRatio = failure ? null : median(ratios);
  const targetRssKiB = input.targetRssKiB ?? null;
  return {
    name: input.name,
    file: relative(root, input.file),
    baseline: input.baseline,
    target: input.target,
    pairs: input.pairs,
    ratios,
    medianRatio,
    medianCheckMs: failure ? null : median(checks),
    medianBaselineMs: failure ? null : median(baselines),
    peakRssKiB: peak,
    targetRssKiB,
    met: medianRatio === null ? null : medianRatio <= input.target && (targetRssKiB === null || (peak !== null && peak <= targetRssKiB)),
    failure,
  };
}

/** The report's section. */
export function ratioSection(cases: readonly RatioCase[]): string[] {
  const out = ["## Start-up: check against what Node itself needs", ""];
  out.push(
    "Pairs run side by side, order alternated; the ratio is the median of the pairs' ratios (process start included on both sides).",
    "",
  );
  out.push("| case | compared with | check | baseline | ratio | target | peak memory | met |", "|---|---|---:|---:|---:|---:|---:|---|");
  for (const c of cases) {
    const base = c.baseline === "node-start" ? "`node -e 0`" : "reading + JSON.parse of the file";
    const rss =
      c.peakRssKiB === null ? "-" : `${(c.peakRssKiB / 1024).toFixed(0)} MiB${c.targetRssKiB ? ` (<= ${c.targetRssKiB / 1024} MiB)` : ""}`;
    const met = c.failure ? `FAILED: ${c.failure.replaceAll("|", "\\|")}` : c.met ? "yes" : "MISSED";
    out.push(
      `| ${c.name} | ${base} | ${formatMs(c.medianCheckMs)} | ${formatMs(c.medianBaselineMs)} | ${c.medianRatio === null ? "-" : `${c.medianRatio.toFixed(2)}x`} | <= ${c.target}x | ${rss} | ${met} |`,
    );
  }
  return out;
}
