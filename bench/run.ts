// Benchmarks for `lambda-egress check`, and for building the largest pattern (see bench/README.md).
//
//   npm run bench            # compiles, then: node dist/bench/run.js
//   node dist/bench/run.js --quick
//
// Prints a Markdown report on stdout (progress goes to stderr) and writes bench/results.json.
// Exits 1 if any run failed (exit code 2, crash, timeout or no JSON report), else 0.
// Missed targets are reported, not treated as failures.
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { type Dirent, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { writeTemplate } from "./generate.ts";
import type { Measurement } from "./measure.ts";
import { MEASURE_OUT_ENV } from "./measure-out.ts";
import { LARGEST_PATTERN } from "./largest-pattern.ts";
import { measureRatio, type RatioCase, ratioSection } from "./startup.ts";
import { formatMs, median } from "./stats.ts";

const FILE_TARGET_MS = 300;
const LARGE_TARGET_MS = 5000;
const LARGE_TARGET_RSS_KIB = 1024 * 1024;
const FILE_TIMEOUT_MS = 120_000;
const SYNTHETIC_TIMEOUT_MS = 600_000;
const SYNTHETIC_RUNS = 3;
/** Start-up targets (ratios to Node's own start, and to reading + parsing the largest template). */
const SMALL_RATIO_TARGET = 1.8;
const QUICKSTART_RATIO_TARGET = 2.5;
const LARGEST_RATIO_TARGET = 6;
const QUICKSTART = "aws-quickstart__quickstart-aws-vpc__templates__aws-vpc.template.yaml";

/** Ctrl-C reaches the child too; the spawn helpers then throw this, so `finally` cleans up. */
class Interrupted extends Error {}

interface Failure {
  /** 0 is the warm-up run. */
  readonly run: number;
  readonly exitCode: number | null;
  readonly message: string;
}

interface FileResult {
  readonly file: string;
  readonly source: "examples" | "corpus";
  readonly bytes: number;
  /** Wall times of the measured runs (warm-up excluded), ms, process start included. */
  readonly runsMs: number[];
  readonly exitCodes: number[];
  readonly medianMs: number | null;
  readonly maxMs: number | null;
  readonly failure: Failure | null;
}

/** Building the largest pattern: `new` as a CLI run, and the CDK construct synthesized (then checked). */
interface BuildResult {
  readonly pattern: string;
  /** `lambda-egress new ...` wall times, process start included (warm-up excluded). */
  readonly newRunsMs: number[];
  readonly newMedianMs: number | null;
  /** The CDK synthesis runs; null when aws-cdk-lib is not installed. */
  readonly cdk: {
    readonly runs: { readonly wallMs: number; readonly loadMs: number; readonly synthMs: number; readonly checkMs: number }[];
    readonly resources: number | null;
    readonly medianWallMs: number | null;
    readonly medianSynthMs: number | null;
  } | null;
  readonly failure: string | null;
}

/** The emulator's bring-up and tear-down (bench/emulate.ts); null cases when the machine cannot run it. */
interface EmulateResult {
  readonly cases:
    | {
        readonly name: string;
        readonly namespaces: number;
        readonly upMs: number[];
        readonly downMs: number[];
        readonly invokeMs?: number[];
      }[]
    | null;
  readonly skipped: string | null;
  readonly failure: string | null;
}

interface SyntheticRun extends Measurement {
  /** Measured by the parent around the child process, process start included. */
  readonly wallMs: number;
}

interface SyntheticResult {
  readonly name: string;
  readonly vpcs: number;
  readonly functions: number;
  readonly subnets: number;
  readonly resources: number;
  readonly fileBytes: number;
  readonly generateMs: number;
  readonly runs: SyntheticRun[];
  readonly medianWallMs: number | null;
  readonly medianRunMs: number | null;
  readonly peakRssKiB: number | null;
  readonly failure: Failure | null;
  /** `cost FILE --traffic COST_TRAFFIC --format json` on the same template. */
  readonly cost: {
    readonly medianWallMs: number | null;
    readonly medianRunMs: number | null;
    readonly peakRssKiB: number | null;
    readonly failure: Failure | null;
  };
  readonly target: {
    readonly wallMs: number;
    readonly rssKiB: number;
    readonly met: boolean | null;
  } | null;
}

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "package.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("bench: cannot find the repository root (package.json)");
    dir = up;
  }
  return dir;
}

const ROOT = findRoot();
const TMP = join(ROOT, ".bench-tmp");
const BIN = join(ROOT, "bin", "lambda-egress.js");
const MEASURE = join(ROOT, "dist", "bench", "measure.js");
const SYNTH = join(ROOT, "dist", "bench", "synth.js");
const EMULATE = join(ROOT, "dist", "bench", "emulate.js");
const BUILD_RUNS = 3;
const NEW_ARGS = ["new", LARGEST_PATTERN.pattern, "--azs", String(LARGEST_PATTERN.azs), "--endpoints", LARGEST_PATTERN.endpoints.join(",")];

function max(values: readonly number[]): number | null {
  return values.length === 0 ? null : Math.max(...values);
}

/** The line of a child's stderr most likely to say what went wrong. */
function firstLine(text: string): string {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  return (lines.find((l) => /^\s*(\w*Error\b|error:)/i.test(l)) ?? lines[0] ?? "").trim().slice(0, 200);
}

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

function sortedEntries(dir: string): Dirent[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
}

/** Describes a child that did not finish normally, or returns null. */
function abnormal(child: SpawnSyncReturns<string>, timeoutMs: number): string | null {
  if (child.signal === "SIGINT") throw new Interrupted();
  const code = (child.error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "ETIMEDOUT") return `timed out after ${timeoutMs / 1000} s`;
  if (child.error) return child.error.message;
  if (child.status === null) return `killed by ${child.signal}: ${firstLine(child.stderr)}`;
  return null;
}

/** Files to `check`: examples/<name>/template.yaml, then ../shared/corpus/* (no .tf, no .md). */
function templateFiles(): { file: string; source: FileResult["source"] }[] {
  const out: { file: string; source: FileResult["source"] }[] = [];
  const examples = join(ROOT, "examples");
  for (const entry of sortedEntries(examples)) {
    const file = join(examples, entry.name, "template.yaml");
    if (entry.isDirectory() && existsSync(file)) out.push({ file, source: "examples" });
  }
  const corpus = join(ROOT, "..", "shared", "corpus");
  for (const entry of sortedEntries(corpus)) {
    if (entry.isFile() && !/\.(tf|md)$/i.test(entry.name)) {
      out.push({ file: join(corpus, entry.name), source: "corpus" });
    }
  }
  return out;
}

/** One `check` of a small template through bin/; the JSON report is required on exit 0 or 1. */
function checkOnce(file: string): { ms: number; exitCode: number | null; error: string | null } {
  const start = performance.now();
  const child = spawnSync(process.execPath, [BIN, "check", relative(ROOT, file), "--format", "json"], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 256 * 1024 * 1024,
    timeout: FILE_TIMEOUT_MS,
  });
  const ms = performance.now() - start;
  const exitCode = child.status;
  const error = abnormal(child, FILE_TIMEOUT_MS);
  if (error !== null) return { ms, exitCode, error };
  if (exitCode !== 0 && exitCode !== 1) {
    return { ms, exitCode, error: `exit ${exitCode}: ${firstLine(child.stderr)}` };
  }
  try {
    const report = JSON.parse(child.stdout) as { schemaVersion?: unknown };
    if (report.schemaVersion !== 1) return { ms, exitCode, error: `exit ${exitCode}: report has no schemaVersion 1` };
  } catch {
    return {
      ms,
      exitCode,
      error: `exit ${exitCode} without a JSON report: ${firstLine(child.stderr)}`,
    };
  }
  return { ms, exitCode, error: null };
}

function benchFile(file: string, source: FileResult["source"], runs: number): FileResult {
  const runsMs: number[] = [];
  const exitCodes: number[] = [];
  let failure: Failure | null = null;
  for (let run = 0; run < runs; run++) {
    const result = checkOnce(file);
    if (result.error !== null) {
      failure = { run, exitCode: result.exitCode, message: result.error };
      break;
    }
    if (run > 0) {
      runsMs.push(result.ms);
      exitCodes.push(result.exitCode ?? -1);
    }
  }
  return {
    file: relative(ROOT, file),
    source,
    bytes: statSync(file).size,
    runsMs,
    exitCodes,
    medianMs: failure ? null : median(runsMs),
    maxMs: failure ? null : max(runsMs),
    failure,
  };
}

/** The traffic `cost` is measured with: every class priced along check's roads. */
const COST_TRAFFIC = "internet=1000,internet-in=500,s3=500,sqs=50";

/** One `check` (or `cost`) through dist/bench/measure.js, which reports peak RSS and in-process time. */
function measureOnce(file: string, run: number, command: "check" | "cost" = "check"): SyntheticRun | Failure {
  const out = join(TMP, "measure.json");
  rmSync(out, { force: true });
  const start = performance.now();
  const extra = command === "cost" ? ["--traffic", COST_TRAFFIC] : [];
  const child = spawnSync(
    process.execPath,
    ["--max-old-space-size=4096", MEASURE, command, relative(ROOT, file), ...extra, "--format", "json"],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, [MEASURE_OUT_ENV]: out },
      stdio: ["ignore", "ignore", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
      timeout: SYNTHETIC_TIMEOUT_MS,
    },
  );
  const wallMs = performance.now() - start;
  const error = abnormal(child, SYNTHETIC_TIMEOUT_MS);
  if (error !== null) return { run, exitCode: child.status, message: error };
  if (!existsSync(out)) {
    const message = `exit ${child.status}, no measurement: ${firstLine(child.stderr)}`;
    return { run, exitCode: child.status, message };
  }
  const m = JSON.parse(readFileSync(out, "utf8")) as Measurement;
  if (m.exitCode !== 0 && m.exitCode !== 1) {
    return { run, exitCode: m.exitCode, message: `exit ${m.exitCode}: ${firstLine(child.stderr)}` };
  }
  if (m.stdoutBytes === 0) return { run, exitCode: m.exitCode, message: `exit ${m.exitCode} without a report` };
  return { ...m, wallMs };
}

function benchBuild(): BuildResult {
  const pattern = NEW_ARGS.slice(1).join(" ");
  const newRunsMs: number[] = [];
  for (let run = 0; run <= BUILD_RUNS; run++) {
    const start = performance.now();
    const child = spawnSync(process.execPath, [BIN, ...NEW_ARGS], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: FILE_TIMEOUT_MS,
      maxBuffer: 64 * 1024 * 1024,
    });
    const ms = performance.now() - start;
    const error = abnormal(child, FILE_TIMEOUT_MS) ?? (child.status === 0 ? null : `new: exit ${child.status}: ${firstLine(child.stderr)}`);
    if (error !== null) return { pattern, newRunsMs, newMedianMs: null, cdk: null, failure: error };
    if (run > 0) newRunsMs.push(ms);
  }
  const runs: NonNullable<BuildResult["cdk"]>["runs"] = [];
  let resources: number | null = null;
  const out = join(TMP, "synth.json");
  for (let run = 0; run < BUILD_RUNS; run++) {
    rmSync(out, { force: true });
    const start = performance.now();
    const child = spawnSync(process.execPath, [SYNTH], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, [MEASURE_OUT_ENV]: out },
      timeout: SYNTHETIC_TIMEOUT_MS,
    });
    const wallMs = performance.now() - start;
    if (child.status === 3) return { pattern, newRunsMs, newMedianMs: median(newRunsMs), cdk: null, failure: null };
    const error = abnormal(child, SYNTHETIC_TIMEOUT_MS);
    if (error !== null || !existsSync(out)) {
      return {
        pattern,
        newRunsMs,
        newMedianMs: median(newRunsMs),
        cdk: null,
        failure: error ?? `synth: exit ${child.status}: ${firstLine(child.stderr)}`,
      };
    }
    const m = JSON.parse(readFileSync(out, "utf8")) as {
      exitCode: number;
      loadMs: number;
      synthMs: number;
      checkMs: number;
      resources: number;
    };
    if (m.exitCode !== 0) {
      return {
        pattern,
        newRunsMs,
        newMedianMs: median(newRunsMs),
        cdk: null,
        failure: "synth: the analyzer found errors in the synthesized network",
      };
    }
    runs.push({ wallMs, loadMs: m.loadMs, synthMs: m.synthMs, checkMs: m.checkMs });
    resources = m.resources;
  }
  return {
    pattern,
    newRunsMs,
    newMedianMs: median(newRunsMs),
    cdk: { runs, resources, medianWallMs: median(runs.map((r) => r.wallMs)), medianSynthMs: median(runs.map((r) => r.synthMs)) },
    failure: null,
  };
}

function benchEmulate(): EmulateResult {
  const out = join(TMP, "emulate.json");
  rmSync(out, { force: true });
  const child = spawnSync(process.execPath, [EMULATE], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, [MEASURE_OUT_ENV]: out },
    timeout: SYNTHETIC_TIMEOUT_MS,
  });
  if (child.status === 3) return { cases: null, skipped: "needs Linux, root, ip and nft", failure: null };
  const error = abnormal(child, SYNTHETIC_TIMEOUT_MS);
  if (error !== null || child.status !== 0 || !existsSync(out)) {
    return { cases: null, skipped: null, failure: error ?? `exit ${child.status}: ${firstLine(child.stderr)}` };
  }
  const m = JSON.parse(readFileSync(out, "utf8")) as { cases: NonNullable<EmulateResult["cases"]> };
  return { cases: m.cases, skipped: null, failure: null };
}

function benchSynthetic(vpcs: number, functionsPerVpc: number): SyntheticResult {
  const azs = 2;
  const name = `${vpcs.toLocaleString("en-US")} VPCs / ${(vpcs * functionsPerVpc).toLocaleString("en-US")} functions`;
  const file = join(TMP, `synthetic-${vpcs}x${functionsPerVpc}.json`);
  const genStart = performance.now();
  const { bytes, resources } = writeTemplate(file, { vpcs, functionsPerVpc, azs });
  const generateMs = performance.now() - genStart;
  progress(`  ${name}: generated ${formatBytes(bytes)} in ${formatMs(generateMs)}`);

  const runs: SyntheticRun[] = [];
  let failure: Failure | null = null;
  for (let run = 0; run < SYNTHETIC_RUNS && failure === null; run++) {
    const result = measureOnce(file, run);
    if ("wallMs" in result) runs.push(result);
    else failure = result;
  }
  const costRuns: SyntheticRun[] = [];
  let costFailure: Failure | null = null;
  for (let run = 0; run < SYNTHETIC_RUNS && costFailure === null; run++) {
    const result = measureOnce(file, run, "cost");
    if ("wallMs" in result) costRuns.push(result);
    else costFailure = result;
  }
  rmSync(file, { force: true });

  const medianWallMs = failure ? null : median(runs.map((r) => r.wallMs));
  const peakRssKiB = failure ? null : max(runs.map((r) => r.maxRssKiB));
  const large = vpcs >= 5000;
  return {
    name,
    vpcs,
    functions: vpcs * functionsPerVpc,
    subnets: vpcs * azs * 2,
    resources,
    fileBytes: bytes,
    generateMs,
    runs,
    medianWallMs,
    medianRunMs: failure ? null : median(runs.map((r) => r.runMs)),
    peakRssKiB,
    failure,
    cost: {
      medianWallMs: costFailure ? null : median(costRuns.map((r) => r.wallMs)),
      medianRunMs: costFailure ? null : median(costRuns.map((r) => r.runMs)),
      peakRssKiB: costFailure ? null : max(costRuns.map((r) => r.maxRssKiB)),
      failure: costFailure,
    },
    target: large
      ? {
          wallMs: LARGE_TARGET_MS,
          rssKiB: LARGE_TARGET_RSS_KIB,
          met: medianWallMs === null || peakRssKiB === null ? null : medianWallMs < LARGE_TARGET_MS && peakRssKiB < LARGE_TARGET_RSS_KIB,
        }
      : null,
  };
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

function formatKiB(kib: number | null): string {
  return kib === null ? "–" : formatBytes(kib * 1024);
}

function report(
  env: Record<string, string | number>,
  runsPerFile: number,
  files: FileResult[],
  synthetic: SyntheticResult[],
  overallMedianMs: number | null,
  build: BuildResult | null,
  emulate: EmulateResult | null,
  ratios: readonly RatioCase[],
): string {
  const out: string[] = ["# lambda-egress benchmark", ""];
  for (const [k, v] of Object.entries(env)) out.push(`- ${k}: ${v}`);
  out.push("", ...ratioSection(ratios));
  out.push("", `## check on examples and corpus (${runsPerFile} runs per file, first discarded)`, "");
  if (files.length === 0) {
    out.push("No templates found (examples/*/template.yaml, ../shared/corpus/*).");
  } else {
    out.push(`| file | size | median | max | target < ${FILE_TARGET_MS / 1000} s |`, "|---|---:|---:|---:|---|");
    for (const f of files) {
      const status = f.failure
        ? `FAILED (run ${f.failure.run}): ${f.failure.message.replaceAll("|", "\\|")}`
        : f.medianMs !== null && f.medianMs < FILE_TARGET_MS
          ? "ok"
          : "MISSED";
      out.push(`| ${f.file} | ${formatBytes(f.bytes)} | ${formatMs(f.medianMs)} | ${formatMs(f.maxMs)} | ${status} |`);
    }
    const failed = files.filter((f) => f.failure).length;
    out.push(
      "",
      `Overall median (all measured runs of ${files.length - failed} files): **${formatMs(overallMedianMs)}**` +
        ` (target < ${FILE_TARGET_MS / 1000} s per template, process start included)` +
        (failed > 0 ? `; ${failed} file(s) failed.` : "."),
    );
  }
  out.push(
    "",
    `## check on synthetic networks (${SYNTHETIC_RUNS} runs each)`,
    "",
    "| case | subnets | resources | file | median wall | median in-process | peak RSS | target |",
    "|---|---:|---:|---:|---:|---:|---:|---|",
  );
  for (const s of synthetic) {
    const target = s.failure
      ? `FAILED (run ${s.failure.run}): ${s.failure.message.replaceAll("|", "\\|")}`
      : s.target === null
        ? "–"
        : `< ${s.target.wallMs / 1000} s, < ${s.target.rssKiB / 1024 / 1024} GiB: ${s.target.met ? "ok" : "MISSED"}`;
    out.push(
      `| ${s.name} | ${s.subnets.toLocaleString("en-US")} | ${s.resources.toLocaleString("en-US")} | ` +
        `${formatBytes(s.fileBytes)} | ${formatMs(s.medianWallMs)} | ${formatMs(s.medianRunMs)} | ` +
        `${formatKiB(s.peakRssKiB)} | ${target} |`,
    );
  }
  out.push(
    "",
    `## cost on the same networks (--traffic ${COST_TRAFFIC})`,
    "",
    "| case | median wall | median in-process | peak RSS |",
    "|---|---:|---:|---:|",
  );
  for (const s of synthetic) {
    const c = s.cost;
    out.push(
      c.failure
        ? `| ${s.name} | FAILED (run ${c.failure.run}): ${c.failure.message.replaceAll("|", "\\|")} | | |`
        : `| ${s.name} | ${formatMs(c.medianWallMs)} | ${formatMs(c.medianRunMs)} | ${formatKiB(c.peakRssKiB)} |`,
    );
  }
  out.push(
    "",
    "Wall times are measured by the parent around the child process (node start-up included).",
    "In-process time and peak RSS come from dist/bench/measure.js inside the child.",
    "",
  );
  if (build) {
    out.push(`## Building the largest pattern: ${build.pattern}`, "");
    if (build.failure) out.push(`FAILED: ${build.failure}`, "");
    out.push(
      `- \`lambda-egress new\` (${BUILD_RUNS} runs after a warm-up, process start included): median **${formatMs(build.newMedianMs)}**`,
      build.cdk
        ? `- CDK synthesis with \`lambda-egress/cdk\` (${BUILD_RUNS} runs, ${build.cdk.resources ?? "?"} resources): median **${formatMs(build.cdk.medianSynthMs)}** ` +
            `in-process (construct and synth), ${formatMs(build.cdk.medianWallMs)} for the whole child (loading aws-cdk-lib and checking the result included)`
        : "- CDK synthesis: skipped (aws-cdk-lib is not installed)",
      "",
    );
  }
  if (emulate) {
    out.push("## Emulator: bring-up and tear-down (3 runs each)", "");
    if (emulate.failure) out.push(`FAILED: ${emulate.failure}`, "");
    else if (emulate.cases === null) out.push(`Skipped: ${emulate.skipped}.`, "");
    else {
      out.push("| case | namespaces | median up | median down |", "|---|---:|---:|---:|");
      for (const c of emulate.cases)
        out.push(`| ${c.name} | ${c.namespaces} | ${formatMs(median(c.upMs))} | ${formatMs(median(c.downMs))} |`);
      out.push("");
      for (const c of emulate.cases)
        if (c.invokeMs !== undefined && c.invokeMs.length > 0)
          out.push(`One Python invocation (\`emulate --invoke\`'s path) in ${c.name}: median **${formatMs(median(c.invokeMs))}**.`, "");
    }
  }
  return out.join("\n");
}

/** Issue-style start-up ratios: a small template and the VPC Quick Start against `node -e 0`, the largest synthetic template against reading + parsing it. */
function benchRatios(quick: boolean): RatioCase[] {
  const out: RatioCase[] = [];
  const small = join(ROOT, "examples", "nat-gateway-per-az", "template.yaml");
  const pairs = quick ? 5 : 11;
  out.push(
    measureRatio(ROOT, TMP, {
      name: "small template (2 AZs, 2 NAT gateways)",
      file: small,
      baseline: "node-start",
      target: SMALL_RATIO_TARGET,
      pairs,
    }),
  );
  const quickstart = join(ROOT, "..", "shared", "corpus", QUICKSTART);
  if (existsSync(quickstart))
    out.push(
      measureRatio(ROOT, TMP, {
        name: "VPC Quick Start (64 KiB YAML)",
        file: quickstart,
        baseline: "node-start",
        target: QUICKSTART_RATIO_TARGET,
        pairs,
      }),
    );
  const vpcs = quick ? 1000 : 5000;
  const file = join(TMP, `ratio-${vpcs}.json`);
  const { resources } = writeTemplate(file, { vpcs, functionsPerVpc: 2, azs: 2 });
  out.push(
    measureRatio(ROOT, TMP, {
      name: `synthetic, ${resources.toLocaleString("en-US")} resources`,
      file,
      baseline: "read-and-parse",
      target: LARGEST_RATIO_TARGET,
      // Five pairs, not three: a pair takes some 6 s, and on a shared machine one slow moment moved the median of
      // three by a tenth (5.2x-6.0x for the same build within an hour).
      pairs: 5,
      targetRssKiB: LARGE_TARGET_RSS_KIB,
    }),
  );
  rmSync(file, { force: true });
  return out;
}

function main(): number {
  let quick: boolean;
  try {
    const { values } = parseArgs({ options: { quick: { type: "boolean" } }, strict: true });
    quick = values.quick === true;
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\nusage: node dist/bench/run.js [--quick]\n`);
    return 2;
  }
  if (!existsSync(join(ROOT, "dist", "src", "cli", "main.js")) || !existsSync(MEASURE)) {
    process.stderr.write("bench: dist/ is missing or incomplete; run `npm run build` first (or `npm run bench`).\n");
    return 2;
  }
  const runsPerFile = quick ? 3 : 7;
  const vpcCounts = quick ? [100, 1000] : [100, 1000, 5000];

  rmSync(TMP, { recursive: true, force: true });
  mkdirSync(TMP, { recursive: true });
  const files: FileResult[] = [];
  const synthetic: SyntheticResult[] = [];
  let build: BuildResult | null = null;
  let emulate: EmulateResult | null = null;
  const ratios: RatioCase[] = [];
  try {
    progress("bench: start-up ratios");
    ratios.push(...benchRatios(quick));
    for (const r of ratios)
      progress(`  ${r.name}: ${r.failure ? `FAILED: ${r.failure}` : `${r.medianRatio?.toFixed(2)}x (target <= ${r.target}x)`}`);
    const targets = templateFiles();
    progress(`bench: ${targets.length} template file(s), ${runsPerFile} runs each`);
    for (const { file, source } of targets) {
      const result = benchFile(file, source, runsPerFile);
      files.push(result);
      progress(`  ${result.file}: ${result.failure ? `FAILED: ${result.failure.message}` : formatMs(result.medianMs)}`);
    }
    progress("bench: synthetic networks");
    for (const vpcs of vpcCounts) {
      const result = benchSynthetic(vpcs, 2);
      synthetic.push(result);
      progress(
        `  ${result.name}: ${result.failure ? `FAILED: ${result.failure.message}` : `${formatMs(result.medianWallMs)}, ${formatKiB(result.peakRssKiB)}`}; ` +
          `cost: ${result.cost.failure ? `FAILED: ${result.cost.failure.message}` : `${formatMs(result.cost.medianWallMs)}, ${formatKiB(result.cost.peakRssKiB)}`}`,
      );
    }
    progress("bench: building the largest pattern");
    build = benchBuild();
    progress(
      `  new: ${formatMs(build.newMedianMs)}; cdk synth: ${build.cdk ? formatMs(build.cdk.medianSynthMs) : "skipped"}${build.failure ? `; FAILED: ${build.failure}` : ""}`,
    );
    progress("bench: the emulator");
    emulate = benchEmulate();
    progress(
      `  ${emulate.failure ? `FAILED: ${emulate.failure}` : emulate.cases ? emulate.cases.map((c) => `${c.name}: up ${formatMs(median(c.upMs))}`).join("; ") : `skipped: ${emulate.skipped}`}`,
    );
  } finally {
    rmSync(TMP, { recursive: true, force: true });
  }

  const ok = files.filter((f) => f.failure === null);
  const overallMedianMs = median(ok.flatMap((f) => f.runsMs));
  const env = {
    date: new Date().toISOString(),
    mode: quick ? "quick" : "full",
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cpuCount: cpus().length,
  };
  process.stdout.write(report(env, runsPerFile, files, synthetic, overallMedianMs, build, emulate, ratios));
  const results = {
    schemaVersion: 1,
    ...env,
    runsPerFile,
    warmupRunsPerFile: 1,
    syntheticRuns: SYNTHETIC_RUNS,
    targets: {
      fileMedianMs: FILE_TARGET_MS,
      largeMedianWallMs: LARGE_TARGET_MS,
      largePeakRssKiB: LARGE_TARGET_RSS_KIB,
    },
    files,
    filesSummary: {
      count: files.length,
      failed: files.length - ok.length,
      overallMedianMs,
      overallMaxMs: max(ok.flatMap((f) => f.runsMs)),
    },
    synthetic,
    build,
    emulate,
    startup: ratios,
  };
  writeFileSync(join(ROOT, "bench", "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  progress("bench: wrote bench/results.json");
  const failed =
    files.some((f) => f.failure) ||
    synthetic.some((s) => s.failure) ||
    build?.failure != null ||
    emulate?.failure != null ||
    ratios.some((r) => r.failure);
  return failed ? 1 : 0;
}

process.on("SIGINT", () => {});
try {
  process.exitCode = main();
} catch (error) {
  if (!(error instanceof Interrupted)) throw error;
  process.stderr.write("bench: interrupted\n");
  process.exitCode = 130;
}
