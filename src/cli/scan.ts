// `lambda-egress scan`: reads a deployed account, read-only, into a snapshot file; and `--aws`
// for the other commands: the same scan, kept in memory, given to the command as its input.
// A snapshot file is an input like a template: `check snapshot.json` makes no AWS call.
import { statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "./args.ts";
import type { CheckOptions, CheckReport } from "../check.ts";
import { checkModel } from "../check.ts";
import { LIVE_INPUT, liveSnapshot, readSnapshotText, registerLiveSnapshot, snapshotModels } from "../load/aws/index.ts";
import { regionLabel } from "../load/aws/model.ts";
import type { ScanOptions } from "../load/aws/scan.ts";
import { scanAccount } from "../load/aws/scan.ts";
import { ScanError } from "../load/aws/scan-error.ts";
import type { Snapshot } from "../load/aws/snapshot.ts";
import { renderSnapshot } from "../load/aws/snapshot.ts";
import { LoadError } from "../load/errors.ts";
import type { Model } from "../model/model.ts";
import type { Io } from "./main.ts";
import { awsOptionGiven, isSnapshotFile, MAX_JSON_BYTES, readText } from "./main.ts";

export const SCAN_HELP = `Usage:
  lambda-egress scan [--region R[,R...]] [--profile P] [--function NAME]... [-o FILE]
  lambda-egress check --aws [--region R[,R...]] [--profile P] [--function NAME]... [options]
  lambda-egress trace --aws --function NAME [--region R] [--profile P] [options]
  lambda-egress cost --aws [--region R] [--profile P] [options]
  lambda-egress emulate --aws --function NAME [--region R] [--profile P] [options]

scan: reads the account the credentials belong to, read-only (Describe, Get and List calls
only), into a snapshot: VPCs and their DNS attributes, subnets, route tables, internet,
egress-only and NAT gateways, Elastic IPs, network ACLs, security groups, prefix lists, VPC
endpoints, the instances and interfaces routes send traffic to, Lambda functions and
capacity providers, the execution roles' policies, RDS DB instances, clusters and proxies,
and the EFS file systems functions mount. Environment variable values are not kept, only
which resource they name. 'check snapshot.json' (and trace, cost, emulate) reads
it offline and gives the report a live 'check --aws' gives. A call that is denied leaves its part
unknown and is listed; AWS's ReadOnlyAccess suffices, docs/aws-scan-policy.json is the
least-privilege policy.

Credentials and region: the SDK's standard chain (environment, AWS_PROFILE or --profile,
~/.aws/config and credentials, SSO, instance roles); --region, else AWS_REGION, else the
profile's region. AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_EC2/_LAMBDA/_IAM/_STS/_RDS/_EFS are
honoured.

Options:
  --region R[,R...]  regions to scan (repeatable)
  --profile P        the named profile of ~/.aws/config
  --function NAME    only this function (repeatable); default: every function
  -o, --output FILE  write the snapshot there (default: standard output)
`;

function scanProgress(io: Io): ((line: string) => void) | undefined {
  const tty = (io.stderr as { isTTY?: boolean }).isTTY === true;
  return tty ? (line: string) => io.stderr.write(`\r\u001b[K  scanning ${line}`) : undefined;
}

function regionList(values: readonly string[] | undefined): string[] {
  const out = (values ?? [])
    .flatMap((v) => v.split(","))
    .map((r) => r.trim())
    .filter((r) => r !== "");
  for (const r of out) if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(r)) throw new ScanError(`--region ${r} is not a region name (e.g. eu-west-1)`);
  return [...new Set(out)];
}

async function scanWith(io: Io, regions: string[], profile: string | undefined, functions: string[]): Promise<Snapshot> {
  const progress = scanProgress(io);
  const options: ScanOptions = {
    regions,
    functions,
    env: io.env,
    ...(profile !== undefined ? { profile } : {}),
    ...(progress ? { progress } : {}),
  };
  let snapshot: Snapshot;
  try {
    snapshot = await scanAccount(options);
  } finally {
    if (progress) io.stderr.write("\r\u001b[K");
  }
  const found = new Set(snapshot.regions.flatMap((r) => r.functions.flatMap((f) => [f.name, f.arn])));
  const listed = snapshot.regions.every((r) => !r.denied.some((d) => d.action === "lambda:ListFunctions"));
  const missing = functions.filter((f) => !found.has(f));
  if (listed && missing.length > 0) {
    throw new ScanError(
      `no function ${missing.join(", ")} in ${snapshot.regions.map((r) => regionLabel(snapshot, r.region)).join(", ")}`,
      "--function takes a function's name or ARN; --region names the regions to look in",
    );
  }
  return snapshot;
}

/** What the scan saw and could not see, on stderr. */
function printScanSummary(io: Io, snapshot: Snapshot, written: string | null): void {
  for (const r of snapshot.regions) {
    const n = (k: keyof typeof r, what: string) => {
      const c = (r[k] as readonly unknown[]).length;
      return `${c} ${what}${c === 1 ? "" : "s"}`;
    };
    io.stderr.write(
      `lambda-egress: scanned ${regionLabel(snapshot, r.region)}: ${n("vpcs", "VPC")}, ${n("subnets", "subnet")}, ${n("natGateways", "NAT gateway")}, ${n("functions", "function")}\n`,
    );
    for (const d of r.denied) io.stderr.write(`  warning  ${d.action} was denied (${d.code}): ${d.affects} unknown\n`);
  }
  if (written) io.stderr.write(`lambda-egress: snapshot written to ${written}\n`);
}

/** `lambda-egress scan ...`: 0, or 2 on a usage, credential or API error. */
export async function runScan(args: readonly string[], io: Io): Promise<number> {
  const { values } = parseArgs(
    {
      args: [...args],
      allowPositionals: false,
      strict: true,
      options: {
        region: { type: "string", multiple: true },
        profile: { type: "string" },
        function: { type: "string", multiple: true },
        output: { type: "string", short: "o" },
        help: { type: "boolean", short: "h" },
      },
    },
    "scan",
  );
  if (values.help) {
    io.stdout.write(SCAN_HELP);
    return 0;
  }
  const snapshot = await scanWith(io, regionList(values.region), values.profile, values.function ?? []);
  const text = renderSnapshot(snapshot);
  if (values.output === undefined || values.output === "-") {
    io.stdout.write(text);
    printScanSummary(io, snapshot, null);
  } else {
    try {
      writeFileSync(resolve(io.cwd, values.output), text);
    } catch (e) {
      throw new LoadError("SCAN_WRITE_FAILED", `cannot write the snapshot: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
        file: values.output,
      });
    }
    printScanSummary(io, snapshot, values.output);
  }
  return 0;
}

/**
 * `--aws` on check, trace, cost and emulate: scans now (with --region, --profile, and check's --function names)
 * and returns the arguments with those options replaced by the scan as the command's input.
 * Arguments without `--aws` come back as they are.
 */
export async function resolveAwsArgs(argv: readonly string[], io: Io): Promise<string[]> {
  const [command, ...rest] = argv;
  if (!awsOptionGiven(argv)) return [...argv];
  if (command !== "check" && command !== "trace" && command !== "cost" && command !== "emulate") {
    throw new ScanError(
      `--aws applies to check, trace, cost and emulate`,
      `${command ?? "this command"} does not read a network; scan writes a snapshot (lambda-egress scan -o snapshot.json) the others read`,
    );
  }
  const kept: string[] = [];
  const regions: string[] = [];
  const functions: string[] = [];
  let profile: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === "--") {
      kept.push(...rest.slice(i));
      break;
    }
    const eq = a.indexOf("=");
    const flag = a.startsWith("--") && eq > 0 ? a.slice(0, eq) : a;
    const inline = a.startsWith("--") && eq > 0 ? a.slice(eq + 1) : undefined;
    const value = () => {
      if (inline !== undefined) return inline;
      const v = rest[++i];
      if (v === undefined) throw new ScanError(`${flag} needs a value`);
      return v;
    };
    if (flag === "--aws") continue;
    if (flag === "--region") regions.push(value());
    else if (flag === "--profile") profile = value();
    else if (flag === "--function") {
      const v = value();
      functions.push(v);
      // trace and emulate still select their function; check's --function only limits the scan.
      if (command === "trace" || command === "emulate") kept.push("--function", v);
    } else kept.push(a);
  }
  const snapshot = await scanWith(io, regionList(regions), profile, functions);
  printScanSummary(io, snapshot, null);
  registerLiveSnapshot(LIVE_INPUT, snapshot);
  return [command, LIVE_INPUT, ...kept];
}

/** The snapshot an input names: this run's scan (`--aws`), or a snapshot file; undefined for anything else. */
export function snapshotInput(io: Io, file: string): Snapshot | undefined {
  const scanned = liveSnapshot(file);
  if (scanned) return scanned;
  if (!isSnapshotFile(io, file)) return undefined;
  const path = resolve(io.cwd, file);
  const size = statSync(path).size;
  if (size > MAX_JSON_BYTES)
    throw new LoadError("LOAD_TOO_LARGE", `is ${(size / 1048576).toFixed(0)} MiB; at most ${MAX_JSON_BYTES / 1048576} MiB is read`, {
      file,
    });
  return readSnapshotText(file, readText(path, file));
}

/** check: one report per region of a snapshot input; undefined when the input is not one. */
export function snapshotReports(io: Io, file: string, options: CheckOptions): CheckReport[] | undefined {
  const snapshot = snapshotInput(io, file);
  return snapshot ? snapshotModels(snapshot).map((m) => checkModel(m, options)) : undefined;
}

/**
 * cost: the model of one region of a snapshot input: `region` when given, else the snapshot's
 * first; undefined when the input is not a snapshot.
 */
export function snapshotModelIn(io: Io, file: string, region: string | undefined): Model | undefined {
  const snapshot = snapshotInput(io, file);
  if (!snapshot) return undefined;
  const wanted = region ?? snapshot.regions[0]?.region;
  const rs = snapshot.regions.find((r) => r.region === wanted);
  if (!rs) {
    throw new LoadError(
      "LOAD_NO_SUCH_REGION",
      `has no region ${wanted ?? "(none scanned)"}; it has ${snapshot.regions.map((r) => r.region).join(", ") || "none"}`,
      {
        file,
      },
    );
  }
  return snapshotModels({ ...snapshot, regions: [rs] })[0];
}

/** trace: the model of the region that has the function (by name or ARN); undefined when the input is not a snapshot. */
export function snapshotModelFor(io: Io, file: string, fn: string): Model | undefined {
  const snapshot = snapshotInput(io, file);
  if (!snapshot) return undefined;
  const models = snapshotModels(snapshot);
  return models.find((m) => m.functions().some((f) => f.id === fn || f.origin.file === fn)) ?? models[0];
}
