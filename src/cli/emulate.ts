// `lambda-egress emulate`: builds a function's VPC out of Linux network namespaces, runs a command (or the function's
// handler, or a shell) inside each of its ENIs, and tears everything down; `--plan` prints the plan, `--cleanup` removes
// what a crashed run left.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { constants as osConstants, tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { isatty } from "node:tty";
import { fileURLToPath } from "node:url";
import { parseArgs } from "./args.ts";
import type { Emulation } from "../emulate/apply.ts";
import { ApplyError, applyPlan, cleanupAll, defaultStateDir, TRUST_CA_VARIABLES } from "../emulate/apply.ts";
import { planProblems, validatePlan } from "../emulate/validate-plan.ts";
import type { Invocation } from "../emulate/invoke.ts";
import { prepareInvocation, readEvent, runtimeApiCommand } from "../emulate/invoke.ts";
import type { RuntimeApiConfig } from "../emulate/servers/runtime-api.ts";
import { SANDBOX_USER, sandboxCommand } from "../emulate/sandbox.ts";
import type { EniPlan, Plan } from "../emulate/plan-types.ts";
import { newPrefix, PREFIX_PATTERN } from "../emulate/servers/guard.ts";
import type { RunningShell } from "../emulate/shell.ts";
import { bashRc, pickShell, shellLaunch, startShell } from "../emulate/shell.ts";
import { describePlan, planEmulation } from "../emulate/plan.ts";
import type { CheckSays } from "../emulate/explain.ts";
import { checkSays, destinationOf, timeoutLine } from "../emulate/explain.ts";
import type { CheckReport } from "../check.ts";
import { checkModel } from "../check.ts";
import type { Model } from "../model/model.ts";
import { printable } from "../emulate/text.ts";
import { loadModel } from "../load/index.ts";
import { unknownParamLines } from "../load/params.ts";
import { LoadError } from "../load/errors.ts";
import { readBounded } from "../load/read.ts";
import { escapeControl, escapeLines } from "../report/escape.ts";
import type { LambdaFunction } from "../model/types.ts";
import type { Io } from "./main.ts";
import { parseImports, parseParams, readTemplate, setOutputClosedHandler } from "./main.ts";
import { usageHint } from "./help.ts";
import { EmulationError, UsageError } from "../errors.ts";
import { SelectionError } from "../trace.ts";
import { snapshotModelFor } from "./scan.ts";

export const EMULATE_HELP = `Usage:
  lambda-egress emulate TEMPLATE --function ID [--subnet ID] [--timeout SECONDS] --exec -- CMD ARGS...
  lambda-egress emulate TEMPLATE --function ID [--subnet ID] --invoke [--event FILE] [--code DIR]
  lambda-egress emulate TEMPLATE [--function ID] [--subnet ID] --shell
  lambda-egress emulate --plan TEMPLATE --function ID
  lambda-egress emulate --plan-file PLAN.json [--function ID] [--subnet ID] --exec -- CMD ARGS...
  lambda-egress emulate --cleanup

emulate: builds the function's VPC out of Linux network namespaces (router, ENIs, NAT and
internet gateways, endpoints, security groups and NACLs as nftables rules, and an emulated
internet on documentation addresses), runs CMD (or the function's handler, or a shell)
inside each ENI of the function (or the one --subnet names), prints each run's output and
exit code, and removes everything. CMD and the handler run as Lambda runs a handler: as
user nobody (the invoking user in the rootless sandbox), without capabilities, with the
system and the code read-only and an empty private /tmp. Nothing is connected to
the host's network. Needs Linux, ip (iproute2) and nft (nftables), and root; as a user it runs in a rootless sandbox (unshare: user,
network, mount and pid namespaces) where the kernel allows unprivileged user namespaces.

Options:
  --function ID      the function (logical id or FunctionName)
  --subnet ID        one subnet of the function (default: each of them; --exec and
                     --invoke run in all of them at once, --shell in one after another)
  --exec -- CMD...   the command to run inside the ENI's namespace
  --timeout SECONDS  limit of each run of CMD (default 30)
  --invoke           run the function's own code (inline code or a local CodeUri inside
                     the template's folder) with the event, through the Lambda Runtime
                     API: Node.js, Python 3 (this machine's python3), provided.al2 and
                     provided.al2023 (its own bootstrap) and go1.x; prints its result or
                     its error in Lambda's shape, and Lambda's "Task timed out" at the
                     function's Timeout
  --event FILE       the event for --invoke (JSON; default {})
  --code DIR         the handler's code folder for --invoke, instead of the template's
  --shell            an interactive shell ($SHELL, else bash, else sh) in each ENI of the
                     function (of every VPC function without --function), one after
                     another: exit (or Ctrl-D) moves on to the next ENI, the last one
                     ends the run. Capabilities dropped as for --exec; the prompt and
                     LAMBDA_EGRESS_FUNCTION, _SUBNET, _ADDRESS and _NAMESPACE say where
                     it is. Without a terminal the shell reads commands from stdin.
  --plan             print the plan instead of applying it (needs no privileges)
  --plan-file FILE   apply a plan written by hand: JSON of typed operations (see the
                     README), checked field by field like any plan; its prefix is
                     replaced by the run's
  --cleanup          remove the namespaces, servers and files a killed run left
  --param NAME=VALUE template parameter value, repeatable
  --import NAME=VALUE the value of export NAME for Fn::ImportValue, repeatable
  --region REGION    region for AWS::Region and Fn::GetAZs (default: us-east-1)
  --format json      with --exec or --invoke: one JSON document with each ENI's run
                     (exit code, output, the invocation's result or error, and for a
                     run that timed out, the connections it was waiting for and what
                     check says of their destinations)

Exit codes: the worst exit code of CMD (or of the shells); --invoke: 0 a result, 1 an
error; 124 a run that timed out (--timeout, or the function's Timeout); 2 usage, input,
privilege or emulation error; 128 + the signal's number after SIGHUP, SIGINT or SIGTERM,
and 141 when the output's reader goes away (the run is torn down first).
`;

/** A usage error of `emulate`. */
const usage = (message: string) => new UsageError(message, { hint: usageHint("emulate") });

/** What this system lacks to apply a plan (one line with how to get it), undefined when nothing. */
function missingPrivileges(needNft: boolean, needSandbox = false): EmulationError | undefined {
  if (process.platform !== "linux")
    return new EmulationError("EMULATE_NEEDS_LINUX", "emulate needs Linux network namespaces", {
      hint: "run it on Linux (a VM or a privileged container)",
    });
  if (process.getuid?.() !== 0)
    return new EmulationError("EMULATE_NEEDS_ROOT", "emulate needs root to create network namespaces", {
      hint: "run it with sudo (runs in the rootless sandbox leave nothing to clean up)",
    });
  if (spawnSync("ip", ["-V"]).status !== 0)
    return new EmulationError("EMULATE_TOOL_MISSING", "ip (iproute2) is missing", { hint: "apt-get install iproute2" });
  if (needNft && spawnSync("nft", ["--version"]).status !== 0)
    return new EmulationError("EMULATE_TOOL_MISSING", "nft (nftables) is missing", { hint: "apt-get install nftables" });
  if (needSandbox)
    for (const tool of ["unshare", "setpriv", "findmnt"])
      if (spawnSync(tool, ["--version"]).status !== 0)
        return new EmulationError(
          "EMULATE_TOOL_MISSING",
          `${tool} (util-linux) is missing: --exec and --invoke run their command in a sandbox made with it`,
          { hint: "apt-get install util-linux" },
        );
  return undefined;
}

const SANDBOX_ENV = "LAMBDA_EGRESS_SANDBOX";
const SANDBOX = ["--user", "--map-root-user", "--mount", "--net", "--pid", "--mount-proc", "--fork", "--kill-child"];

/** The CLI's launcher (bin/lambda-egress.js), from the bundle (dist/cli.cjs) or the compiled module (dist/src/cli). */
function launcher(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir))
    if (existsSync(join(dir, "bin", "lambda-egress.js"))) return join(dir, "bin", "lambda-egress.js");
  return undefined;
}

/** Runs this same command as root of its own user, network, mount and pid namespaces: nothing outlives it, even after kill -9. */
async function runInSandbox(argv: readonly string[], io: Io, terminal: boolean): Promise<number> {
  const bin = launcher();
  if (spawnSync("unshare", ["--user", "--map-root-user", "--net", "true"]).status !== 0 || bin === undefined) {
    throw new EmulationError("EMULATE_NEEDS_ROOT", "emulate needs root, or unprivileged user namespaces for its rootless sandbox", {
      hint: "run it with sudo, or allow user namespaces (unshare comes with util-linux)",
    });
  }
  return new Promise((done, fail) => {
    // setpriv --pdeathsig: the sandbox dies with this process, even when it is killed with SIGKILL.
    const pdeath = (spawnSync("setpriv", ["--help"], { encoding: "utf8" }).stdout ?? "").includes("--pdeathsig")
      ? ["setpriv", "--pdeathsig", "KILL", "--"]
      : [];
    const [cmd, ...rest] = [...pdeath, "unshare", ...SANDBOX, "--", process.execPath, bin, "emulate", ...argv] as [string, ...string[]];
    const child = spawn(cmd, rest, {
      cwd: io.cwd,
      env: { ...process.env, [SANDBOX_ENV]: "1" },
      // A shell needs this process's terminal (or piped stdin) itself.
      stdio: terminal ? "inherit" : ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d: Buffer) => io.stdout.write(d.toString()));
    child.stderr?.on("data", (d: Buffer) => io.stderr.write(d.toString()));
    child.on("error", (e) => fail(new EmulationError("EMULATE_SANDBOX_FAILED", `cannot start the sandbox: ${e.message}`, { cause: e })));
    child.on("close", (code) => done(code ?? 2));
  });
}

/** Inside the sandbox: private /run (namespaces, state) and /etc/netns (resolv.conf files); notes, or why it failed. */
function prepareSandbox(): string[] | string {
  if (spawnSync("mount", ["-t", "tmpfs", "tmpfs", "/run"]).status !== 0) return "cannot mount a private /run in the sandbox";
  if (existsSync("/etc/netns")) {
    if (spawnSync("mount", ["-t", "tmpfs", "tmpfs", "/etc/netns"]).status !== 0) return "cannot mount a private /etc/netns in the sandbox";
    return [];
  }
  return [
    "the namespaces keep the host's resolv.conf (its resolver is unreachable there): create /etc/netns once, as root, to give them the plan's",
  ];
}

/** A plan file is a few kilobytes per ENI; a larger one is not a plan. */
const MAX_PLAN_BYTES = 16 * 1024 * 1024;

/** A hand-written plan, with its prefix replaced by a new one so that runs never collide. */
function readPlanFile(path: string, shown: string): Plan | string {
  const text = readBounded(path, shown, { maxBytes: MAX_PLAN_BYTES });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return `${shown}: not JSON (${(e as Error).message})`;
  }
  // The plan is typed data (plan-types.ts, ip-ops.ts): its shape first, then the safety rules (validatePlan), here and again
  // in applyPlan; the kernel commands are rendered from the checked fields only.
  const shape = planProblems(data);
  if (shape.length > 0)
    return `${shown}: not a plan (${shape.slice(0, 3).join("; ")}${shape.length > 3 ? `; and ${shape.length - 3} more` : ""})`;
  const plan = data as Plan;
  if (!PREFIX_PATTERN.test(plan.prefix)) return `${shown}: prefix ${JSON.stringify(plan.prefix)} is not le and 6 hex digits`;
  const renamed = JSON.parse(JSON.stringify(plan).split(plan.prefix).join(newPrefix())) as Plan;
  const unsafe = validatePlan(renamed);
  if (unsafe.length > 0)
    return `${shown}: unsafe plan (${unsafe.slice(0, 3).join("; ")}${unsafe.length > 3 ? `; and ${unsafe.length - 3} more` : ""})`;
  return renamed;
}

export async function runEmulate(argv: readonly string[], io: Io): Promise<number> {
  const dash = argv.indexOf("--");
  const own = dash < 0 ? [...argv] : argv.slice(0, dash);
  const command = dash < 0 ? [] : argv.slice(dash + 1);
  const { values, positionals } = parseArgs(
    {
      args: own,
      allowPositionals: true,
      strict: true,
      options: {
        function: { type: "string" },
        subnet: { type: "string" },
        exec: { type: "boolean" },
        invoke: { type: "boolean" },
        shell: { type: "boolean" },
        event: { type: "string" },
        code: { type: "string" },
        plan: { type: "boolean" },
        "plan-file": { type: "string" },
        cleanup: { type: "boolean" },
        timeout: { type: "string" },
        param: { type: "string", multiple: true },
        import: { type: "string", multiple: true },
        region: { type: "string" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    },
    "emulate",
  );
  if (values.help) {
    io.stdout.write(EMULATE_HELP);
    return 0;
  }
  if (values.cleanup) {
    if (positionals.length > 0 || values.exec || values.plan) throw usage("--cleanup takes no template, --exec or --plan");
    const lack = missingPrivileges(false);
    if (lack) throw lack;
    const report = await cleanupAll();
    for (const r of report.removed) io.stdout.write(`removed ${r}\n`);
    for (const a of report.active) io.stdout.write(`left ${a}: its run is still going\n`);
    if (report.removed.length === 0) io.stdout.write("nothing to remove\n");
    return 0;
  }
  const planFile = values["plan-file"];
  if (planFile !== undefined) {
    if (positionals.length > 0 || values.plan) throw usage("--plan-file takes no template and no --plan");
  } else {
    if (positionals.length !== 1) throw usage("emulate takes one template");
    if (values.function === undefined && !values.shell) throw usage("emulate needs --function ID");
  }
  if (!values.plan && !values.exec && !values.invoke && !values.shell)
    throw usage("emulate needs --exec -- CMD, --invoke or --shell (or --plan to print the plan)");
  if (values.exec && command.length === 0) throw usage("--exec needs a command after --");
  if ([values.plan, values.exec, values.invoke, values.shell].filter(Boolean).length > 1)
    throw usage("use one of --plan, --exec, --invoke and --shell");
  if (values.shell && command.length > 0) throw usage("--shell takes no command (--exec -- CMD runs one)");
  if (values.shell && values.timeout !== undefined) throw usage("--timeout goes with --exec: a shell lasts until it exits");
  if (values.format !== undefined && values.format !== "text" && values.format !== "json")
    throw usage(`--format ${printable(values.format)}: use text or json`);
  const json = values.format === "json";
  if (json && !values.exec && !values.invoke) throw usage("--format json goes with --exec and --invoke");
  if (values.invoke && (planFile !== undefined || command.length > 0))
    throw usage("--invoke runs the template's handler: no --plan-file, no command");
  if (values.event !== undefined && !values.invoke) throw usage("--event goes with --invoke");
  if (values.code !== undefined && !values.invoke) throw usage("--code goes with --invoke");
  if (values.event !== undefined) {
    // The event is checked here, before any sandbox or emulation: a bad event is the caller's error, not the function's.
    readEvent(resolve(io.cwd, values.event), values.event);
  }
  const timeout = values.timeout === undefined ? 30 : Number(values.timeout);
  if (!Number.isFinite(timeout) || timeout < 1 || timeout > 3600) throw usage(`--timeout ${values.timeout}: use 1 to 3600 seconds`);
  const params = parseParams(values.param);
  if (typeof params === "string") throw usage(params);
  const imports = parseImports(values.import);
  if (typeof imports === "string") throw usage(imports);
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(values.region))
    throw usage(`--region ${printable(values.region)} is not a region name (e.g. eu-west-1)`);
  const runs = values.exec === true || values.invoke === true || values.shell === true;
  if (runs && process.platform === "linux" && process.getuid?.() !== 0 && io.env[SANDBOX_ENV] === undefined)
    return runInSandbox(argv, io, values.shell === true);
  const sandboxNotes = io.env[SANDBOX_ENV] !== undefined && runs ? prepareSandbox() : [];
  if (typeof sandboxNotes === "string")
    throw new EmulationError("EMULATE_SANDBOX_FAILED", sandboxNotes, {
      hint: "the rootless sandbox needs mount rights in its own namespaces",
    });
  let plan: Plan;
  let invokeFn: LambdaFunction | undefined;
  let region: string | undefined;
  let checked: Model | undefined;
  if (planFile !== undefined) {
    const loaded = readPlanFile(resolve(io.cwd, planFile), planFile);
    if (typeof loaded === "string")
      throw new EmulationError("PLAN_FILE_INVALID", loaded, {
        hint: "a plan file is JSON of typed operations, as the README's Emulate section describes (--plan-file)",
      });
    plan = loaded;
  } else {
    const file = positionals[0] as string;
    const model =
      snapshotModelFor(io, file, values.function ?? "") ??
      loadModel(file, readTemplate(resolve(io.cwd, file), file), {
        params,
        imports,
        ...(values.region !== undefined ? { region: values.region } : {}),
      });
    for (const line of unknownParamLines(model)) io.stderr.write(line);
    region = model.region;
    checked = model;
    plan = planEmulation(model, { prefix: newPrefix(), ...(values.function !== undefined ? { functions: [values.function] } : {}) });
    if (values.invoke) {
      const fn = model.functions().find((f) => f.id === values.function || f.name === values.function);
      if (!fn) throw new SelectionError(`no function ${values.function} in ${file}`, "lambda-egress check lists the functions");
      invokeFn = fn;
    }
  }
  if (values.plan) {
    io.stdout.write(escapeLines(describePlan(plan)));
    return 0;
  }
  const enis = plan.enis.filter(
    (e) =>
      (values.subnet === undefined || e.subnetId === values.subnet) &&
      (values.function === undefined || e.functionId === values.function || planFile === undefined),
  );
  if (enis.length === 0) {
    throw new SelectionError(
      values.function === undefined
        ? `no function of ${positionals[0] ?? planFile} has an ENI to emulate${values.subnet === undefined ? "" : ` in subnet ${values.subnet}`}`
        : values.subnet === undefined
          ? `function ${values.function} has no ENI to emulate`
          : `function ${values.function} has no ENI in subnet ${values.subnet}`,
      plan.notes.length > 0 ? printable(plan.notes.join("; ")) : "lambda-egress trace shows the function's subnets",
    );
  }
  const lack = missingPrivileges(
    plan.namespaces.some((n) => n.nft !== undefined),
    values.exec === true || values.invoke === true,
  );
  if (lack) throw lack;
  // Notes go before the runs' output, or into the JSON document.
  const notes: string[] = [];
  const note = (n: string): void => {
    if (json) notes.push(n);
    else io.stdout.write(`note: ${escapeControl(n)}\n`);
  };
  for (const n of [...plan.notes, ...sandboxNotes]) note(n);

  // Prepared last, after every refusal, so that the temporary directory is always removed below.
  let invocation: Invocation | undefined;
  if (invokeFn) {
    invocation = prepareInvocation(
      invokeFn,
      resolve(io.cwd, positionals[0] as string),
      values.event === undefined ? undefined : resolve(io.cwd, values.event),
      {
        // Beside the run's state (removed with it, and by --cleanup after a crash), not in /tmp: the handler gets its own /tmp.
        baseDir: join(defaultStateDir(), plan.prefix),
        ...(region !== undefined ? { region } : {}),
        ...(values.code !== undefined ? { codeDir: resolve(io.cwd, values.code) } : {}),
      },
    );
    for (const n of invocation.notes) note(n);
  }
  let emulation: Emulation | undefined;
  const shells: ShellSession = {};
  const removeTemporary = (): void => {
    if (invocation) {
      rmSync(invocation.dir, { recursive: true, force: true });
      try {
        rmdirSync(dirname(invocation.dir));
      } catch {
        // not empty (the run's CA, removed by its teardown) or already gone
      }
    }
    if (shells.dir !== undefined) rmSync(shells.dir, { recursive: true, force: true });
  };
  let stopping: NodeJS.Signals | undefined;
  const stop = async (signal: NodeJS.Signals): Promise<never> => {
    await shells.current?.hangUp();
    await emulation?.teardown();
    removeTemporary();
    process.exit(128 + osConstants.signals[signal]);
  };
  // During the bring-up the run stops as soon as applyPlan returns: only it knows what exists by then.
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping !== undefined) return;
    stopping = signal;
    if (emulation) void stop(signal);
  };
  for (const s of STOP_SIGNALS) process.on(s, onSignal);
  // The reader of the output went away (`| head`): stop as if by SIGPIPE, which Node ignores.
  setOutputClosedHandler(() => onSignal("SIGPIPE"));
  try {
    const started = Date.now();
    try {
      emulation = await applyPlan(plan);
    } catch (e) {
      if (stopping !== undefined) return await stop(stopping);
      if (e instanceof ApplyError)
        throw new EmulationError(e.code, `could not build the emulation: ${e.message}`, { hint: e.hint, cause: e });
      throw e;
    }
    if (stopping !== undefined) return await stop(stopping);
    for (const n of emulation.notes) note(n);
    const dropCaps = spawnSync("setpriv", ["--version"]).status === 0;
    // --invoke and --exec run as Lambda runs a handler (sandbox.ts): as nobody (as the invoking user in the rootless
    // sandbox, which maps no other), no capabilities, everything read-only but a private /tmp, the code bound read-only.
    const user = io.env[SANDBOX_ENV] !== undefined ? undefined : SANDBOX_USER;
    if (values.shell) {
      io.stdout.write(
        `emulation ${plan.prefix} up in ${((Date.now() - started) / 1000).toFixed(2)} s (${plan.namespaces.length} namespaces, none linked to the host's network)\n`,
      );
      return await runShells(emulation, enis, io, dropCaps, shells, () => stopping !== undefined);
    }
    // One bring-up for every ENI: the runs go side by side (a few at a time), their output in the ENIs' order:
    // an ENI's header as soon as the ENIs before it are shown and it has started, its output when it ends.
    const token = `le-${randomBytes(8).toString("hex")}`;
    // A run that timed out says what `check` decides for each destination it was still waiting for, from its subnet.
    const verdicts = new Map<string, CheckReport>();
    const explain = (eni: EniPlan, pending: readonly string[]): (CheckSays | string)[] => {
      const out: (CheckSays | string)[] = [];
      const seen = new Set<string>();
      for (const p of pending) {
        const to = destinationOf(plan, p);
        if (to !== undefined && seen.has(to)) continue;
        if (to !== undefined) seen.add(to);
        if (to === undefined) out.push(`${p}: no destination of the emulation`);
        else if (checked === undefined) out.push(`${to}: check does not run for a hand-written plan`);
        else {
          let report = verdicts.get(to);
          if (report === undefined) {
            report = checkModel(checked, { to: [to] });
            verdicts.set(to, report);
          }
          const fn = report.functions.find((f) => f.id === eni.functionId);
          out.push(checkSays(fn, eni.subnetId, to) ?? `${to}: check has no verdict from ${eni.subnetId}`);
        }
      }
      return out;
    };
    type Done = { eni: EniPlan; code: number; stdout: string; stderr: string; pending: string[]; timedOut: boolean };
    const begun: boolean[] = [];
    const done: (Done | undefined)[] = [];
    let shown = 0;
    let headerShown = false;
    let worst = 0;
    const documents: Record<string, unknown>[] = [];
    const show = (): void => {
      while (shown < enis.length) {
        const eni = enis[shown] as EniPlan;
        if (!json && !headerShown && begun[shown] === true) {
          io.stdout.write(
            `== ${escapeControl(eni.functionId)} in ${escapeControl(eni.subnetId)} (${eni.ipv4}${eni.ipv6 !== undefined ? `, ${eni.ipv6}` : ""})\n`,
          );
          headerShown = true;
        }
        const r = done[shown];
        if (r === undefined) return;
        const timedOut = r.timedOut && r.code === TIMED_OUT;
        const says = timedOut ? explain(eni, r.pending) : [];
        worst = Math.max(worst, r.code);
        if (json) documents.push(runDocument(eni, r, invocation !== undefined, timedOut, says));
        else {
          if (r.stdout !== "") io.stdout.write(r.stdout.endsWith("\n") ? r.stdout : `${r.stdout}\n`);
          if (r.stderr !== "") io.stdout.write(r.stderr.endsWith("\n") ? r.stderr : `${r.stderr}\n`);
          if (timedOut) io.stdout.write(`${escapeControl(timeoutLine(eni.subnetId, r.pending, says))}\n`);
          io.stdout.write(`exit code ${r.code}\n`);
        }
        shown++;
        headerShown = false;
      }
    };
    await inPool([...enis.keys()], RUNS_AT_ONCE, async (k) => {
      const eni = enis[k] as EniPlan;
      if (stopping !== undefined) return;
      begun[k] = true;
      show();
      // The command (or the function's bootstrap) in the sandbox, under the Runtime API server (servers/runtime-api.ts),
      // which serves it the API, ends it at its timeout (the function's, or --timeout) with exit code 124, and says which
      // connections were still waiting then.
      const sandboxed = sandboxCommand(invocation?.bootstrap ?? command, {
        user,
        bind: invocation?.bind,
        cwd: invocation?.codeDir ?? io.cwd,
      });
      const config: RuntimeApiConfig = invocation
        ? {
            mode: "invoke",
            command: [sandboxed.cmd, ...sandboxed.args],
            // The stand-ins' addresses of the resources its environment names (plan-resources.ts); Lambda's own variables win.
            env: { ...eni.env, ...invocation.env },
            timeoutSeconds: invocation.timeoutSeconds,
            eventFile: invocation.eventFile,
            functionArn: invocation.functionArn,
            token,
            passEnv: TRUST_CA_VARIABLES,
          }
        : {
            mode: "exec",
            command: [sandboxed.cmd, ...sandboxed.args],
            env: { ...eni.env },
            timeoutSeconds: timeout,
            eventFile: null,
            functionArn: "",
            token,
          };
      const seconds = invocation ? invocation.timeoutSeconds : timeout;
      const [cmd, ...args] = runtimeApiCommand(config) as [string, ...string[]];
      // The server ends the run at its timeout; this limit is only a guard.
      const r = await emulation!.exec(eni.ns, cmd, args, (seconds + 5) * 1000);
      const pending: string[] = [];
      let timedOut = false;
      const stderr = r.stderr
        .split("\n")
        .filter((l) => {
          if (l === `${token} timed-out`) timedOut = true;
          else if (l.startsWith(`${token} pending `)) pending.push(l.slice(token.length + " pending ".length));
          else return true;
          return false;
        })
        .join("\n");
      done[k] = { eni, code: r.code, stdout: r.stdout, stderr, pending, timedOut };
      show();
    });
    if (json) io.stdout.write(`${JSON.stringify({ schemaVersion: 1, emulation: plan.prefix, notes, runs: documents }, null, 2)}\n`);
    return worst;
  } finally {
    await emulation?.teardown();
    removeTemporary();
    for (const s of STOP_SIGNALS) process.removeListener(s, onSignal);
    setOutputClosedHandler(undefined);
  }
}

/** The exit code of a run that timed out, as timeout(1)'s. */
const TIMED_OUT = 124;

/** One ENI's run for `--format json`: where, the exit code, the output, the invocation's result or error, and why it timed out. */
function runDocument(
  eni: EniPlan,
  r: { code: number; stdout: string; stderr: string; pending: readonly string[] },
  invoked: boolean,
  timedOut: boolean,
  says: readonly (CheckSays | string)[],
): Record<string, unknown> {
  let output = r.stdout;
  let outcome: Record<string, unknown> = {};
  if (invoked) {
    // The Runtime API server's last line: {"result": ...} or the error document.
    const lines = r.stdout.replace(/\n$/, "").split("\n");
    try {
      const last = JSON.parse(lines.at(-1) ?? "") as Record<string, unknown>;
      outcome = Object.keys(last).length === 1 && "result" in last ? { result: last.result } : { error: last };
      output = lines.length > 1 ? `${lines.slice(0, -1).join("\n")}\n` : "";
    } catch {
      outcome = {};
    }
  }
  return {
    function: eni.functionId,
    subnet: eni.subnetId,
    address: eni.ipv4,
    ...(eni.ipv6 !== undefined ? { ipv6: eni.ipv6 } : {}),
    exitCode: r.code,
    timedOut,
    stdout: output,
    stderr: r.stderr,
    ...outcome,
    ...(timedOut ? { pending: r.pending, check: says.map((s) => (typeof s === "string" ? { note: s } : s)) } : {}),
  };
}

/** How many ENIs run their command (or invocation) at once. */
const RUNS_AT_ONCE = 4;

/** Runs `fn` on every item, at most `n` at a time; the results in the items' order. */
async function inPool<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
  return out;
}

/** What stops a run: each tears it down first, then exits with 128 + the signal's number. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * `--shell`: one shell per ENI, one after another (exit moves on to the next), with this process's stdin, stdout and
 * stderr. In turn rather than side by side: every shell gets the terminal to itself, it works the same in the rootless
 * sandbox (whose namespaces no other terminal can enter), and piped commands reach each shell in order.
 */
async function runShells(
  emulation: Emulation,
  enis: readonly EniPlan[],
  io: Io,
  dropCaps: boolean,
  session: ShellSession,
  stopped: () => boolean,
): Promise<number> {
  const shell = pickShell(io.env);
  const interactive = isatty(0);
  // bash reads its prompt from an rc file of the run (removed with it).
  const dir = interactive && basename(shell) === "bash" ? mkdtempSync(join(tmpdir(), "le-shell-")) : undefined;
  session.dir = dir;
  let worst = 0;
  for (const [k, eni] of enis.entries()) {
    if (stopped()) break;
    let rcFile: string | undefined;
    if (dir !== undefined) {
      rcFile = join(dir, `${eni.ns}.bashrc`);
      writeFileSync(rcFile, bashRc(eni));
    }
    const next = k + 1 < enis.length ? "exit moves on to the next" : "exit ends the run";
    io.stdout.write(
      `== shell ${k + 1} of ${enis.length}: ${escapeControl(eni.functionId)} in ${escapeControl(eni.subnetId)} (${eni.ipv4}, namespace ${eni.ns}); ${next}\n`,
    );
    const launch = shellLaunch(eni, {
      shell,
      interactive,
      dropCaps,
      caCert: emulation.caCert,
      ...(rcFile !== undefined ? { rcFile } : {}),
    });
    session.current = startShell(launch, io.env);
    worst = Math.max(worst, await session.current.exited);
    session.current = undefined;
  }
  return worst;
}

/** What a stopping run must undo before its teardown: the shell that runs (hung up first) and the rc files' directory. */
interface ShellSession {
  dir?: string | undefined;
  current?: RunningShell | undefined;
}
