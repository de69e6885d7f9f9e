// The CLI: a thin client of the library. Exit codes: 0 clean, 1 findings at or above
// --fail-on (or an unknown verdict with --fail-on ...,unknown) or a template AWS rejects (an
// error diagnostic), 2 usage, input or internal error.
import type { Stats } from "node:fs";
import { closeSync, openSync, readSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "./args.ts";
import { parseDestination } from "../analyze/destination.ts";
import type { CheckReport } from "../check.ts";
import { checkAssembly, checkModel, checkTemplates, mergeReports, suppressInReport } from "../check.ts";
import { evaluateIntents } from "../intents/evaluate.ts";
import type { IntentsFile } from "../intents/parse.ts";
import { intentDestinations, MAX_INTENTS_BYTES, parseIntents } from "../intents/parse.ts";
import type { CloudAssembly } from "../load/cdk-assembly.ts";
import type { TerraformConfigOptions } from "../load/terraform/hcl/index.ts";
import { readCloudAssembly } from "../load/cdk-assembly.ts";
import { OutputError, UsageError } from "../errors.ts";
import { LoadError } from "../load/errors.ts";
import { isTerraformConfigPath, MAX_JSON_BYTES, readBounded, readTemplateFile } from "../load/read.ts";
import { renderJsonBytes } from "../report/json.ts";
import { renderText } from "../report/text.ts";
import { RULES } from "../rules/index.ts";
import { unknownRule } from "../findings/suppress.ts";
import { closest } from "../report/suggest.ts";
import { importExternal } from "../import-external.ts";
import { renderTraceJson, renderTraceText } from "../report/trace.ts";
import type { TraceReport } from "../trace.ts";
import { traceAssembly, traceModel, traceTemplates } from "../trace.ts";
import { isSnapshotText, LIVE_INPUT } from "../load/aws/snapshot.ts";

// The other commands' modules (cost, new, emulate, scan and the deployed-account inputs) are loaded
// when used: `check` of a template does not compile them (the bundle splits them into chunks).
const costCommand = () => import("./cost.ts");
const emulateCommand = () => import("./emulate.ts");
const newCommand = () => import("./new.ts");
const explainCommand = () => import("./explain.ts");
const scanCommand = () => import("./scan.ts");
/** Terraform configuration (.tf), read with an HCL parser compiled to WebAssembly: loaded only for such an input. */
const terraformConfig = () => import("../load/terraform/hcl/index.ts");
import { CHECK_HELP, COMMANDS, TRACE_HELP, usageHint, useColor } from "./help.ts";
import { printError } from "./print-error.ts";
import type { FailOnLevel } from "../findings/severity.ts";
import { atOrAbove, isFailOnLevel } from "../findings/severity.ts";

export interface Io {
  readonly stdout: { write(s: string | Uint8Array): unknown; isTTY?: boolean };
  readonly stderr: { write(s: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** The standard input's text (`check -`); default: read from file descriptor 0. */
  readonly readStdin?: () => string;
}

/**
 * What to do when the reader of stdout goes away (EPIPE) while a command has something to undo first: `emulate` sets it
 * during a run (the run is torn down, then the process exits), and the launcher calls it instead of exiting at once.
 */
let outputClosedHandler: (() => void) | undefined;

export function setOutputClosedHandler(handler: (() => void) | undefined): void {
  outputClosedHandler = handler;
}

/** Called by the launcher on EPIPE: true when a command takes care of exiting (after undoing its work). */
export function outputClosed(): boolean {
  if (outputClosedHandler === undefined) return false;
  outputClosedHandler();
  return true;
}

/** What the launcher does when writing the output fails otherwise than EPIPE (ENOSPC, EIO): says so in one line; returns 2. */
export function outputFailed(e: NodeJS.ErrnoException, io: Pick<Io, "stderr">): number {
  const reason = e.code === "ENOSPC" ? "no space left on the device" : e.code === "EIO" ? "input/output error" : e.message;
  return printError(
    io,
    new OutputError("OUTPUT_FAILED", `cannot write the output: ${reason}${e.code ? ` (${e.code})` : ""}`, { cause: e }),
  );
}

/** The `--param NAME=VALUE` options as a map, or the message for the first one without a name (each command says it its way). */
export function parseParams(list: readonly string[] | undefined): Record<string, string> | string {
  const params: Record<string, string> = {};
  for (const p of list ?? []) {
    const eq = p.indexOf("=");
    if (eq <= 0) return `--param ${p}: use NAME=VALUE`;
    params[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return params;
}

/** The `--import NAME=VALUE` options (exports set by hand) as a map, or the message for the first one without a name. */
export function parseImports(list: readonly string[] | undefined): Record<string, string> | string {
  const imports: Record<string, string> = {};
  for (const p of list ?? []) {
    const eq = p.indexOf("=");
    if (eq <= 0) return `--import ${p}: use NAME=VALUE (the export's name, and the value to import, e.g. a subnet id)`;
    imports[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return imports;
}

/**
 * The `--stack-name FILE=NAME` options, keyed by the template as the command line names it (FILE may
 * spell it otherwise: the same path resolved counts), or the message for the first bad one.
 */
export function parseStackNames(
  list: readonly string[] | undefined,
  files: readonly string[],
  cwd: string,
): Record<string, string> | string {
  const names: Record<string, string> = {};
  for (const p of list ?? []) {
    const eq = p.lastIndexOf("=");
    if (eq <= 0) return `--stack-name ${p}: use FILE=NAME (a template given, and the name of its stack)`;
    const file = p.slice(0, eq);
    const name = p.slice(eq + 1);
    // CloudFormation's rule for stack names.
    if (!/^[A-Za-z][-A-Za-z0-9]{0,127}$/.test(name))
      return `--stack-name ${p}: ${JSON.stringify(name)} is not a stack name (a letter, then letters, digits and hyphens, up to 128)`;
    const given = files.find((f) => f === file) ?? files.find((f) => resolve(cwd, f) === resolve(cwd, file));
    if (given === undefined) return `--stack-name ${p}: ${file} is not one of the templates given (${files.join(", ")})`;
    names[given] = name;
  }
  return names;
}

/** Template size limits (one place: the reader). */
export { MAX_JSON_BYTES, MAX_YAML_BYTES } from "../load/read.ts";

const VERSION = "0.1.0";

const HELP = `lambda-egress ${VERSION}: prove what VPC-attached Lambda functions can reach

Usage:
  lambda-egress check TEMPLATE... [--expect FILE] [options]
  lambda-egress trace TEMPLATE... --function ID [--subnet ID] [--to DEST] [options]
  lambda-egress new PATTERN [--azs N] [--endpoints SVC,...] [--eip-allocations ID,...]
                    [--format cloudformation|sam|cdk|terraform] [-o FILE] [--force]
  lambda-egress cost TEMPLATE [--region R] [--traffic FILE|CLASS=GB,...] [--compare [--expect FILE]]
  lambda-egress emulate TEMPLATE --function ID [--subnet ID] --exec -- CMD ARGS...
  lambda-egress emulate TEMPLATE --function ID [--subnet ID] --invoke [--event FILE]
  lambda-egress emulate TEMPLATE [--function ID] [--subnet ID] --shell
  lambda-egress emulate --plan TEMPLATE --function ID | --cleanup
  lambda-egress scan [--region R[,R...]] [--profile P] [--function NAME]... [-o FILE]
  lambda-egress check --aws [--region R[,R...]] [--profile P] [--function NAME]...
  lambda-egress explain [RULE|CODE]
  lambda-egress help COMMAND       (or COMMAND --help: that command's help)

check: for every Lambda function, from every subnet of its VpcConfig, whether it can
reach each destination, through which NAT and public address, and if not, what blocks
it and how to fix it. TEMPLATE is a CloudFormation or SAM template (YAML or JSON), or
a CDK cloud assembly directory (cdk.out): every stack in it, in the stack's own region
(a stack's references to another followed),
or a Terraform plan or state as \`terraform show -json\` writes it. Templates given
together are linked: each one's Fn::ImportValue reads the others' exports (Outputs
with Export: Name), so \`check vpc.yaml app.yaml\` proves app.yaml's functions through
vpc.yaml's subnets, route tables and NAT gateways (their ids read vpc/PrivateSubnetA).

trace: the hop-by-hop path of one function to a destination, from each subnet of its
VpcConfig (or the one --subnet names): each hop's component, the rule that matched,
the action and where it is defined, then the verdict, code, reason, fix and egress.

new: a deployable CloudFormation or SAM template for an egress pattern (NAT gateway per
AZ, shared or regional NAT gateway, NAT instance, endpoints only, dual-stack, Managed
Instances in public subnets) that passes check; 'lambda-egress new --help' lists them.

cost: the monthly cost of the NAT gateways, public IPv4 addresses, NAT instances and
endpoints the template builds, in a region, with the traffic given priced where it goes;
--compare prices the same needs under each pattern 'new' builds, cheapest first.
'lambda-egress cost --help' has the details.

scan: reads a deployed account, read-only, into a snapshot file that check and trace
take in place of a template (offline); --aws scans and checks in one go.
'lambda-egress scan --help' has the details.

emulate: builds the function's VPC out of Linux network namespaces (never connected to
the host's network) and runs a command inside each of its ENIs; needs root, ip and nft.
'lambda-egress emulate --help' has the details.

Options:
  --to DEST          destination, repeatable (default: internet, plus internet6 for
                     dual-stack functions and aws:SERVICE for each endpoint in the VPC):
                       internet         any public IPv4 address, TCP 443
                       internet:PORT    any public IPv4 address, TCP PORT
                       internet6[:PORT] any public IPv6 address, TCP 443 (or PORT)
                       aws:SERVICE      an AWS service's regional endpoint, TCP 443,
                                        e.g. aws:dynamodb, aws:s3, aws:lambda, aws:logs
                       ADDR[/LEN]:PORT  an address or block, e.g. 10.0.5.10:5432
                       resource:ID[:PORT]
                                        a database, cache, Kafka cluster or EFS file system
                                        of the template, at its own port unless PORT is given
                     without --to, also what each function needs: the resources its
                     environment or FileSystemConfigs name, the services its role grants
  --param NAME=VALUE template parameter value, repeatable (lists: comma-separated)
  --var NAME=VALUE   Terraform variable value for .tf input, repeatable (after the .tfvars files)
  --var-file FILE    Terraform variable values (.tfvars or .tfvars.json), repeatable
  --import NAME=VALUE
                     the value of export NAME for Fn::ImportValue (e.g. a subnet id),
                     repeatable; wins over a template's export of that name
  --stack-name FILE=NAME
                     the stack name of template FILE, for AWS::StackName (export names
                     like \${AWS::StackName}-SubnetA); without it they are unknown
  --region REGION    region for AWS::Region and Fn::GetAZs (default: us-east-1)
  --format FORMAT    text (default) or json (schemaVersion 1); check also sarif
                     (GitHub code scanning) and markdown (a pull request summary)
  --fail-on LEVEL[,unknown]
                     check: exit 1 on findings at or above LEVEL: error (default),
                     warning, info, none; with unknown (e.g. error,unknown) also when
                     any verdict is unknown (--fail-on unknown alone keeps LEVEL error)
  --expect FILE      check: the intents file (YAML), e.g.
                       PartnerApiFunction: { internet: reachable, egressIps: fixed }
                     exit 1 when the network breaks an intent, whatever --fail-on says
  --function ID      trace: the function (logical id, FunctionName or CDK construct path)
  --subnet ID        trace: one subnet of the function (default: each of them)
  --verbose          check: show info diagnostics one by one
  --ignore RULE      check: suppress the rule's findings (listed as suppressed)
  -q, --quiet        print nothing; the exit code says it
  --no-color         no colour
  -h, --help         this help
  -v, --version      the version

Exit codes: check: 0 no findings at or above --fail-on and every intent held, 1 findings,
a broken intent, an error diagnostic (a template AWS rejects: a Ref to nothing, an invalid
CIDR, ...; whatever --fail-on says) or, with --fail-on ...,unknown, an unknown verdict;
trace: 0 every traced path reachable, 1 a path unreachable or unknown; 2 usage or input error.
Colour follows the terminal; NO_COLOR=1 or --no-color turns it off, FORCE_COLOR=1 turns
it on in a pipe. 'lambda-egress explain NAME' explains a rule or an explanation code.
`;

/** The template name that stands for the standard input. */
const STDIN = "-";

/** The shown name of the template read from the standard input. */
const STDIN_NAME = "<stdin>";

/** The standard input as a template's text, through the bounded reader (YAML up to 16 MiB, JSON up to 512 MiB). */
function readStdin(io: Io): string {
  return io.readStdin ? io.readStdin() : readTemplate("/dev/stdin", STDIN_NAME);
}

/** The formats of check's report. */
const CHECK_FORMATS = ["text", "json", "sarif", "markdown", "html"];

/**
 * The HTML report, to FILE (or stdout). Graphviz (WebAssembly) lays the drawings out; it is loaded here only, for this
 * format: the other formats never pay for it.
 */
async function writeHtml(report: CheckReport | TraceReport, io: Io, output: string | undefined): Promise<void> {
  const command = "traces" in report ? "trace" : "check";
  const [{ Graphviz }, { renderHtml, renderTraceHtml }] = await Promise.all([
    importExternal<typeof import("@hpcc-js/wasm-graphviz")>("@hpcc-js/wasm-graphviz"),
    import("../report/html.ts"),
  ]);
  const graphviz = await Graphviz.load();
  const opts = { layout: (dot: string) => graphviz.dot(dot), version: VERSION };
  const html = "traces" in report ? renderTraceHtml(report, opts) : renderHtml(report, opts);
  if (output === undefined) {
    io.stdout.write(html);
    return;
  }
  try {
    writeFileSync(resolve(io.cwd, output), html);
  } catch (e) {
    throw new UsageError(`cannot write ${output}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      hint: usageHint(command),
      cause: e,
    });
  }
  io.stdout.write(`wrote ${output}\n`);
}

/** The file's status, or a LoadError naming it when it does not exist. */
function statFile(path: string, shown: string, missing = "no such file"): Stats {
  try {
    return statSync(path);
  } catch {
    throw new LoadError("LOAD_NOT_FOUND", missing, { file: shown });
  }
}

/** A file of a cloud assembly (its manifest) as UTF-8 text, through the bounded reader. */
export function readText(path: string, shown: string): string {
  return readBounded(path, shown, { maxBytes: MAX_JSON_BYTES });
}

/** The CDK cloud assembly in a directory (cdk.out); undefined when the input is a file. */
function readAssembly(path: string, shown: string): CloudAssembly | undefined {
  if (!statFile(path, shown).isDirectory()) return undefined;
  const isFile = (p: string) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  const show = (p: string) => (p.startsWith(path) ? shown + p.slice(path.length) : p);
  return readCloudAssembly(path, shown, { isFile, read: (p) => (isFile(p) ? readText(p, show(p)) : undefined) });
}

/** A template's text (the bounded reader: YAML up to 16 MiB, JSON up to 512 MiB); Terraform configuration is refused. */
export const readTemplate = readTemplateFile;

/** True when a command's options (before `--`) include `--aws`: a scan made for this run is its input. */
export function awsOptionGiven(argv: readonly string[]): boolean {
  const rest = argv.slice(1);
  const end = rest.indexOf("--");
  return (end < 0 ? rest : rest.slice(0, end)).includes("--aws");
}

/** True when an input is a deployed account: this run's scan (`--aws`), or a snapshot file (its kind near the top). */
export function isSnapshotFile(io: Pick<Io, "cwd">, file: string): boolean {
  if (file === LIVE_INPUT) return true;
  const path = resolve(io.cwd, file);
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return false;
    size = st.size;
  } catch {
    return false;
  }
  const head = Buffer.alloc(Math.min(4096, size));
  const fd = openSync(path, "r");
  try {
    readSync(fd, head, 0, head.length, 0);
  } finally {
    closeSync(fd);
  }
  return isSnapshotText(head.toString("utf8"));
}

/**
 * Runs a command line: its exit code. Every command's errors end here, in the one printer: an error of the error model
 * (src/errors.ts) as its message and hint, anything else as a bug.
 */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  try {
    return await execute(argv, io);
  } catch (e) {
    return printError(io, e);
  }
}

/** Runs a command line, throwing what goes wrong (run prints it). */
export async function execute(argv: readonly string[], io: Io): Promise<number> {
  // `help COMMAND` is `COMMAND --help`; -v is --version.
  if (argv[0] === "help" && argv.length > 1) argv = [argv[1] as string, "--help"];
  if (argv[0] === "-v") argv = ["--version"];
  if (argv[0] === "scan") return await (await scanCommand()).runScan(argv.slice(1), io);
  const args = awsOptionGiven(argv) ? await (await scanCommand()).resolveAwsArgs(argv, io) : [...argv];
  if (args[0] === "emulate") return await (await emulateCommand()).runEmulate(args.slice(1), io);
  return await runCommand(args, io);
}

async function runCommand(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    io.stdout.write(HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === "--version") {
    io.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command === "new") return (await newCommand()).runNew(rest, io);
  if (command === "cost") return (await costCommand()).runCost(rest, io);
  if (command === "explain") return (await explainCommand()).runExplain(rest, io);
  if (command !== "check" && command !== "trace") {
    const near = closest(command, COMMANDS);
    throw new UsageError(
      `unknown command ${JSON.stringify(command)}${near ? ` (did you mean ${near}?)` : ""}; the commands are ${COMMANDS.join(", ")}`,
      { hint: usageHint() },
    );
  }
  /** A usage error of this command. */
  const usage = (message: string) => new UsageError(message, { hint: usageHint(command) });
  const { values, positionals } = parseCommandArgs(rest, command);
  if (values.help) {
    io.stdout.write(command === "check" ? CHECK_HELP : TRACE_HELP);
    return 0;
  }
  const only = (options: readonly (keyof typeof values)[], cmd: string) => {
    for (const o of options) if (values[o] !== undefined) throw usage(`--${o} applies to ${cmd} only`);
  };
  if (command === "check") only(["function", "subnet"], "trace");
  else only(["expect", "fail-on", "verbose", "ignore"], "check");
  if (positionals.length === 0) throw usage(`${command} needs a template file`);
  const format = values.format ?? "text";
  const formats = command === "check" ? CHECK_FORMATS : ["text", "json", "html"];
  if (!formats.includes(format)) {
    const near = closest(format, formats);
    throw usage(`--format ${format}: use ${formats.join(", ")}${near ? ` (did you mean ${near}?)` : ""}`);
  }
  const ignore = (values.ignore ?? []).flatMap((r) => r.split(",")).map((r) => r.trim());
  for (const r of ignore) {
    const problem = unknownRule(
      r,
      RULES.map((x) => x.meta.id),
    );
    if (problem) throw usage(`--ignore ${r}: ${problem}`);
  }
  const params = parseParams(values.param);
  if (typeof params === "string") throw usage(params);
  const to = values.to ?? [];
  for (const d of to) parseDestination(d);
  const region = values.region;
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region))
    throw usage(`--region ${region} is not a region name (e.g. eu-west-1)`);
  // Asked only for a text report: whether stdout is a terminal is not known without loading Node's tty module.
  const color = () => useColor(io.env, io.stdout.isTTY, values["no-color"] === true);
  // --quiet: the exit code only.
  if (values.quiet) io = { ...io, stdout: { write: () => true } };
  if (positionals.filter((p) => p === STDIN).length > 1) throw usage("- (the standard input) can be given once");
  const imports = parseImports(values.import);
  if (typeof imports === "string") throw usage(imports);
  const stackNames = parseStackNames(values["stack-name"], positionals, io.cwd);
  if (typeof stackNames === "string") throw usage(stackNames);
  const load = { params, imports, stackNames, ...(region ? { region } : {}), ...(ignore.length > 0 ? { ignore } : {}) };
  const terraform = terraformOptions(values, io.cwd, load, command);

  if (command === "trace") {
    if (values.function === undefined) throw usage("trace needs --function ID");
    const file = positionals[0] as string;
    const options = { ...load, to, function: values.function, ...(values.subnet !== undefined ? { subnet: values.subnet } : {}) };
    const hclPath =
      positionals.length === 1 && file !== STDIN && isTerraformConfigPath(resolve(io.cwd, file)) ? resolve(io.cwd, file) : undefined;
    const deployed = hclPath
      ? await (await terraformConfig()).loadTerraformConfig(hclPath, file, terraform)
      : positionals.length > 1 || file === STDIN || !isSnapshotFile(io, file)
        ? undefined
        : (await scanCommand()).snapshotModelFor(io, file, values.function);
    const assembly = deployed || positionals.length > 1 || file === STDIN ? undefined : readAssembly(resolve(io.cwd, file), file);
    if (positionals.length > 1) {
      // Several templates: the function's own, and those it imports from (a snapshot or an assembly is traced alone).
      for (const f of positionals) {
        if (f !== STDIN && statFile(resolve(io.cwd, f), f).isDirectory())
          throw usage(`trace takes several templates, or one cloud assembly; ${f} is a directory`);
      }
    }
    const report = deployed
      ? traceModel(deployed, options)
      : assembly
        ? traceAssembly(assembly, (s) => readTemplate(s.path, s.file), options)
        : traceTemplates(
            positionals.map((f) =>
              f === STDIN ? { file: STDIN_NAME, text: readStdin(io) } : { file: f, text: readTemplate(resolve(io.cwd, f), f) },
            ),
            options,
          );
    const traced = report.traces.every((t) => t.verdict === "reachable") ? 0 : 1;
    if (format === "html") return writeHtml(report, io, values.output).then(() => traced);
    if (values.output !== undefined) throw usage("-o FILE goes with --format html");
    io.stdout.write(format === "json" ? renderTraceJson(report) : renderTraceText(report, { color: color() }));
    return traced;
  }

  const failOn = parseFailOn(values["fail-on"] ?? "error");
  const intents = values.expect !== undefined ? readIntents(resolve(io.cwd, values.expect), values.expect) : undefined;
  const alsoTo = intents ? intentDestinations(intents) : [];
  const needs = intents?.needs;
  // Each input's reports in the order given; the templates are checked together (each one's imports read the others' exports).
  const byInput: CheckReport[][] = [];
  const templates: { file: string; text: string; at: number }[] = [];
  for (const file of positionals) {
    if (file === STDIN) {
      templates.push({ file: STDIN_NAME, text: readStdin(io), at: byInput.length });
      byInput.push([]);
      continue;
    }
    const hclPath = resolve(io.cwd, file);
    if (isTerraformConfigPath(hclPath)) {
      const model = await (await terraformConfig()).loadTerraformConfig(hclPath, file, terraform);
      byInput.push([checkModel(model, { ...load, to, alsoTo, ...(needs ? { needs } : {}) })]);
      continue;
    }
    const deployed = isSnapshotFile(io, file)
      ? (await scanCommand()).snapshotReports(io, file, { ...load, to, alsoTo, ...(needs ? { needs } : {}) })
      : undefined;
    const assembly = deployed ? undefined : readAssembly(resolve(io.cwd, file), file);
    if (deployed) byInput.push(deployed);
    else if (assembly)
      byInput.push([checkAssembly(assembly, (s) => readTemplate(s.path, s.file), { ...load, to, alsoTo, ...(needs ? { needs } : {}) })]);
    else {
      templates.push({ file, text: readTemplate(resolve(io.cwd, file), file), at: byInput.length });
      byInput.push([]);
    }
  }
  checkTemplates(templates, { ...load, to, alsoTo, ...(needs ? { needs } : {}) }).forEach((r, n) =>
    byInput[(templates[n] as { at: number }).at]?.push(r),
  );
  let report = mergeReports(byInput.flat());
  if (intents?.ignores) report = suppressInReport(report, { byFunction: intents.ignores });
  if (intents) report = { ...report, intents: evaluateIntents(intents, report) };
  if (format === "html") return writeHtml(report, io, values.output).then(() => checkExitCode(report, failOn));
  if (values.output !== undefined) throw usage("-o FILE goes with --format html");
  // The SARIF and Markdown writers are loaded for their format only, like the HTML one.
  if (format === "sarif") {
    const [{ renderSarif }, { readRuleDocs }] = await Promise.all([import("../report/sarif.ts"), import("../findings/docs.ts")]);
    const rules = RULES.map((r) => r.meta);
    io.stdout.write(renderSarif(report, { version: VERSION, rules, docs: readRuleDocs(rules.map((r) => r.id)), srcRoot: io.cwd }));
  } else if (format === "markdown") io.stdout.write((await import("../report/markdown.ts")).renderMarkdown(report));
  else if (format === "json") for (const piece of renderJsonBytes(report)) io.stdout.write(piece);
  else io.stdout.write(renderText(report, { color: color(), verbose: values.verbose === true }));
  return checkExitCode(report, failOn);
}

/** `--fail-on`: a severity level (error, warning, info, none) and/or `unknown`, comma-separated. */
export interface FailOn {
  readonly level: FailOnLevel;
  readonly unknown: boolean;
}

export function parseFailOn(text: string): FailOn {
  let level: FailOn["level"] | undefined;
  let unknown = false;
  for (const part of text.split(",").map((p) => p.trim())) {
    if (part === "unknown") unknown = true;
    else if (isFailOnLevel(part) && level === undefined) level = part;
    else
      throw new UsageError(`--fail-on ${text}: use one level (error, warning, info or none), unknown, or both (e.g. error,unknown)`, {
        hint: usageHint("check"),
      });
  }
  return { level: level ?? "error", unknown };
}

/**
 * check's exit code: 1 for findings at or above the level, a broken intent, an error diagnostic
 * (the template as written is rejected by AWS, so its verdicts are not a deployable network's;
 * whatever the level), or an unknown verdict when asked; else 0.
 */
export function checkExitCode(report: CheckReport, failOn: FailOn): 0 | 1 {
  const failing = report.findings.some((f) => atOrAbove(f.severity, failOn.level));
  const broken = report.intents?.some((i) => !i.held) ?? false;
  const rejected = report.diagnostics.some((d) => d.severity === "error");
  return failing || broken || rejected || (failOn.unknown && hasUnknownVerdict(report)) ? 1 : 0;
}

/** Whether any verdict of the report is unknown (a function's, or a subnet's when the template has no function). */
function hasUnknownVerdict(report: CheckReport): boolean {
  for (const fn of report.functions) {
    if (Object.values(fn.summary).includes("unknown")) return true;
    if (fn.subnets.some((s) => s.destinations.some((d) => d.verdict === "unknown"))) return true;
  }
  return report.subnets.some((s) => s.destinations.some((d) => d.verdict === "unknown"));
}

export function readIntents(path: string, shown: string): IntentsFile {
  const text = readBounded(path, shown, {
    maxBytes: MAX_INTENTS_BYTES,
    code: "INTENTS_INVALID",
    missing: "no such file (--expect)",
    directory: "is a directory; --expect takes an intents file (YAML)",
    tooLarge: (limit, size) =>
      new LoadError(
        "INTENTS_INVALID",
        `is ${size === undefined ? "more than " + limit : size} bytes; an intents file is read up to ${limit} bytes`,
        { file: shown },
      ),
  });
  return parseIntents(shown, text);
}

function parseCommandArgs(args: readonly string[], command: "check" | "trace") {
  return parseArgs(
    {
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        to: { type: "string", multiple: true },
        param: { type: "string", multiple: true },
        import: { type: "string", multiple: true },
        "stack-name": { type: "string", multiple: true },
        region: { type: "string" },
        format: { type: "string" },
        "fail-on": { type: "string" },
        expect: { type: "string" },
        function: { type: "string" },
        subnet: { type: "string" },
        verbose: { type: "boolean" },
        quiet: { type: "boolean", short: "q" },
        output: { type: "string", short: "o" },
        "no-color": { type: "boolean" },
        ignore: { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
        var: { type: "string", multiple: true },
        "var-file": { type: "string", multiple: true },
      },
    },
    command,
  );
}

/** `--var NAME=VALUE` and `--var-file FILE` (Terraform configuration), with the load options. */
function terraformOptions(
  values: { var?: string[] | undefined; "var-file"?: string[] | undefined },
  cwd: string,
  load: Record<string, unknown>,
  command: "check" | "trace",
): TerraformConfigOptions {
  const vars = (values.var ?? []).map((v): [string, string] => {
    const eq = v.indexOf("=");
    if (eq <= 0)
      throw new UsageError(`--var ${v}: use NAME=VALUE (a Terraform variable of the configuration)`, { hint: usageHint(command) });
    return [v.slice(0, eq), v.slice(eq + 1)];
  });
  const varFiles = (values["var-file"] ?? []).map((f) => ({ path: resolve(cwd, f), shown: f }));
  return { ...load, vars, varFiles };
}
