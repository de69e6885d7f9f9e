// `lambda-egress emulate`: builds a function's VPC out of Linux network namespaces, runs a command inside each of its ENIs,
// and tears everything down; `--plan` prints the plan, `--cleanup` removes what a crashed run left.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { Emulation } from "../emulate/apply.ts";
import { ApplyError, applyPlan, cleanupAll, PlanError } from "../emulate/apply.ts";
import type { Plan } from "../emulate/plan-types.ts";
import { describePlan, PlannerMissingError, planEmulation } from "../emulate/planner.ts";
import { loadCloudFormation } from "../load/cfn/index.ts";
import type { Io } from "./main.ts";
import { readTemplate } from "./main.ts";

export const EMULATE_HELP = `Usage:
  lambda-egress emulate TEMPLATE --function ID [--subnet ID] [--timeout SECONDS] --exec -- CMD ARGS...
  lambda-egress emulate --plan TEMPLATE --function ID
  lambda-egress emulate --cleanup

emulate: builds the function's VPC out of Linux network namespaces (router, ENIs, NAT and
internet gateways, endpoints, security groups and NACLs as nftables rules, and an emulated
internet on documentation addresses), runs CMD inside each ENI of the function (or the one
--subnet names) with its capabilities dropped, prints each run's output and exit code, and
removes everything. Nothing is connected to the host's network. Needs Linux, root, ip
(iproute2) and nft (nftables).

Options:
  --function ID      the function (logical id or FunctionName)
  --subnet ID        one subnet of the function (default: each of them, in turn)
  --exec -- CMD...   the command to run inside the ENI's namespace
  --timeout SECONDS  limit of each run of CMD (default 30)
  --plan             print the plan instead of applying it (needs no privileges)
  --cleanup          remove the namespaces, servers and files a killed run left
  --param NAME=VALUE template parameter value, repeatable
  --region REGION    region for AWS::Region and Fn::GetAZs (default: us-east-1)

Exit codes: the worst exit code of CMD; 2 usage, input, privilege or emulation error.
`;

class EmulateUsageError extends Error {}

function fail(io: Io, message: string, hint?: string): number {
  io.stderr.write(`lambda-egress: ${message}\n`);
  if (hint) io.stderr.write(`  hint: ${hint}\n`);
  return 2;
}

/** What this system lacks to apply a plan (one line with how to get it), undefined when nothing. */
function missingPrivileges(needNft: boolean): { message: string; hint: string } | undefined {
  if (process.platform !== "linux")
    return { message: "emulate needs Linux network namespaces", hint: "run it on Linux (a VM or a privileged container)" };
  if (process.getuid?.() !== 0)
    return {
      message: "emulate needs root to create network namespaces",
      hint: "run it with sudo (a rootless sandbox is not implemented yet)",
    };
  if (spawnSync("ip", ["-V"]).status !== 0) return { message: "ip (iproute2) is missing", hint: "apt-get install iproute2" };
  if (needNft && spawnSync("nft", ["--version"]).status !== 0)
    return { message: "nft (nftables) is missing", hint: "apt-get install nftables" };
  return undefined;
}

export function newPrefix(): string {
  return `le${randomBytes(3).toString("hex")}`;
}

export async function runEmulate(argv: readonly string[], io: Io): Promise<number> {
  const dash = argv.indexOf("--");
  const own = dash < 0 ? [...argv] : argv.slice(0, dash);
  const command = dash < 0 ? [] : argv.slice(dash + 1);
  let parsed;
  try {
    parsed = parseArgs({
      args: own,
      allowPositionals: true,
      strict: true,
      options: {
        function: { type: "string" },
        subnet: { type: "string" },
        exec: { type: "boolean" },
        plan: { type: "boolean" },
        cleanup: { type: "boolean" },
        timeout: { type: "string" },
        param: { type: "string", multiple: true },
        region: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    return fail(io, (e as Error).message, "lambda-egress emulate --help lists the options");
  }
  const { values, positionals } = parsed;
  const usage = (m: string): number => fail(io, m, "lambda-egress emulate --help lists the options");
  if (values.help) {
    io.stdout.write(EMULATE_HELP);
    return 0;
  }
  if (values.cleanup) {
    if (positionals.length > 0 || values.exec || values.plan) return usage("--cleanup takes no template, --exec or --plan");
    const lack = missingPrivileges(false);
    if (lack) return fail(io, lack.message, lack.hint);
    const report = await cleanupAll();
    for (const r of report.removed) io.stdout.write(`removed ${r}\n`);
    for (const a of report.active) io.stdout.write(`left ${a}: its run is still going\n`);
    if (report.removed.length === 0) io.stdout.write("nothing to remove\n");
    return 0;
  }
  if (positionals.length !== 1) return usage("emulate takes one template");
  if (values.function === undefined) return usage("emulate needs --function ID");
  if (!values.plan && !values.exec) return usage("emulate needs --exec -- CMD (or --plan to print the plan)");
  if (values.exec && command.length === 0) return usage("--exec needs a command after --");
  if (values.plan && values.exec) return usage("use --plan or --exec, not both");
  const timeout = values.timeout === undefined ? 30 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 3600) return usage(`--timeout ${values.timeout}: use 1 to 3600 seconds`);
  const params: Record<string, string> = {};
  for (const p of values.param ?? []) {
    const eq = p.indexOf("=");
    if (eq <= 0) return usage(`--param ${p}: use NAME=VALUE`);
    params[p.slice(0, eq)] = p.slice(eq + 1);
  }
  const file = positionals[0] as string;
  const model = loadCloudFormation(file, readTemplate(resolve(io.cwd, file), file), {
    params,
    ...(values.region !== undefined ? { region: values.region } : {}),
  });
  let plan: Plan;
  try {
    plan = planEmulation(model, { prefix: newPrefix(), functions: [values.function] });
  } catch (e) {
    if (e instanceof PlannerMissingError) return fail(io, e.message, "this build can apply hand-written plans only");
    throw e;
  }
  if (values.plan) {
    io.stdout.write(describePlan(plan));
    return 0;
  }
  const enis = plan.enis.filter((e) => values.subnet === undefined || e.subnetId === values.subnet);
  if (enis.length === 0) {
    return fail(
      io,
      values.subnet === undefined
        ? `function ${values.function} has no ENI to emulate`
        : `function ${values.function} has no ENI in subnet ${values.subnet}`,
      plan.notes.length > 0 ? plan.notes.join("; ") : "lambda-egress trace shows the function's subnets",
    );
  }
  const lack = missingPrivileges(plan.namespaces.some((n) => n.nft !== undefined));
  if (lack) return fail(io, lack.message, lack.hint);
  for (const n of plan.notes) io.stdout.write(`note: ${n}\n`);

  let emulation: Emulation | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    void (emulation?.teardown() ?? Promise.resolve()).finally(() => process.exit(signal === "SIGINT" ? 130 : 143));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    try {
      emulation = await applyPlan(plan);
    } catch (e) {
      if (e instanceof PlanError) return fail(io, e.message, "the plan breaks the emulator's safety rules; this is a bug in the planner");
      if (e instanceof ApplyError) return fail(io, `could not build the emulation: ${e.message}`, "everything created was removed");
      throw e;
    }
    for (const n of emulation.notes) io.stdout.write(`note: ${n}\n`);
    const dropCaps = spawnSync("setpriv", ["--version"]).status === 0;
    let worst = 0;
    for (const eni of enis) {
      io.stdout.write(`== ${eni.functionId} in ${eni.subnetId} (${eni.ipv4}${eni.ipv6 !== undefined ? `, ${eni.ipv6}` : ""})\n`);
      const [cmd, ...args] = command as [string, ...string[]];
      const r = dropCaps
        ? await emulation.exec(eni.ns, "setpriv", ["--inh-caps=-all", "--bounding-set=-all", "--", cmd, ...args], timeout * 1000)
        : await emulation.exec(eni.ns, cmd, args, timeout * 1000);
      if (r.stdout !== "") io.stdout.write(r.stdout.endsWith("\n") ? r.stdout : `${r.stdout}\n`);
      if (r.stderr !== "") io.stdout.write(r.stderr.endsWith("\n") ? r.stderr : `${r.stderr}\n`);
      io.stdout.write(`exit code ${r.code}\n`);
      worst = Math.max(worst, r.code);
    }
    return worst;
  } finally {
    await emulation?.teardown();
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
  }
}
