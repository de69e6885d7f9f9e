// The emulator's kernel step: validates a Plan against the safety rules, carries it out with `ip` and `nft` (root mode, per-run
// names), starts its servers, and tears it down again; `cleanupAll` removes what a killed run left behind.
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Plan, ServerPlan } from "./plan-types.ts";
import { renderIpOps } from "./ip-ops.ts";
import { PREFIX_PATTERN } from "./servers/guard.ts";
import { RUN_NAME, validatePlan } from "./validate-plan.ts";
import { CA_CERT, CA_KEY, certificateArgs } from "./servers/tls.ts";
import { EmulationError } from "../errors.ts";

export { addressesIn, validatePlan } from "./validate-plan.ts";

/** A plan that breaks the emulator's safety rules: nothing was done. */
export class PlanError extends EmulationError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super("PLAN_UNSAFE", `unsafe emulation plan: ${problems.join("; ")}`, {
      hint: "the plan breaks the emulator's safety rules; this is a bug in the planner",
    });
    this.name = "PlanError";
    this.problems = problems;
  }
}

/** A kernel step (ip, nft, a server) that failed while the emulation was built: what was created is removed. */
export class ApplyError extends EmulationError {
  constructor(message: string) {
    super("APPLY_FAILED", message, { hint: "everything created was removed" });
    this.name = "ApplyError";
  }
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Everything the emulator does to the system, so tests can record it without privileges. */
export interface Runner {
  run(cmd: string, args: readonly string[], options?: { input?: string; timeoutMs?: number }): Promise<RunResult>;
  /** Starts a long-running process; resolves with its pid once it printed `ready` (rejects on exit or timeout). */
  startServer(cmd: string, args: readonly string[], timeoutMs: number): Promise<number>;
  kill(pid: number): void;
  alive(pid: number): boolean;
  readFile(path: string): string | undefined;
  writeFile(path: string, text: string): void;
  listDir(path: string): string[];
  remove(path: string): void;
}

/** The prefix that runs a command with every capability dropped (util-linux setpriv): commands run in an ENI as a handler would. */
export const DROP_CAPABILITIES: readonly string[] = ["setpriv", "--inh-caps=-all", "--bounding-set=-all", "--"];

/**
 * The variables that make Node.js, curl, and OpenSSL's and Go's default trust (Python's ssl, requests, Go's crypto/x509)
 * trust the run's CA (the emulated internet's HTTPS, where no other certificate is of any use).
 */
export const TRUST_CA_VARIABLES = ["NODE_EXTRA_CA_CERTS", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"] as const;

/** The environment that makes commands trust the run's CA (TRUST_CA_VARIABLES). */
export function trustCaEnv(caCert: string | undefined): Record<string, string> {
  return caCert === undefined ? {} : Object.fromEntries(TRUST_CA_VARIABLES.map((k) => [k, caCert]));
}

/** Makes directories searchable and files readable by everyone, where they exist (a recording runner has none). */
export function worldReadable(dirs: readonly string[], files: readonly string[] = []): void {
  for (const [paths, mode] of [
    [dirs, 0o755],
    [files, 0o644],
  ] as const)
    for (const p of paths) {
      try {
        chmodSync(p, mode);
      } catch {
        // not on this file system (a test's recording runner)
      }
    }
}

/** How many servers start at once. */
const SERVER_STARTS_AT_ONCE = 6;

/** Runs `fn` on every item, at most `n` at a time. */
async function inPool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

/** The real runner: child processes with timeouts, the real file system. */
export const systemRunner: Runner = {
  run(cmd, args, options = {}) {
    return new Promise((resolve) => {
      const child = spawn(cmd, [...args], { stdio: ["pipe", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      const timer = setTimeout(() => {
        stderr += `\n(timed out after ${options.timeoutMs ?? 10000} ms)`;
        child.kill("SIGKILL");
      }, options.timeoutMs ?? 10000);
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", (e) => {
        clearTimeout(timer);
        resolve({ code: 127, stdout, stderr: `${stderr}${e.message}` });
      });
      child.on("close", (code, signal) => {
        clearTimeout(timer);
        resolve({ code: code ?? (signal ? 128 + 9 : 1), stdout, stderr });
      });
      child.stdin.on("error", () => undefined);
      child.stdin.end(options.input ?? "");
    });
  },
  startServer(cmd, args, timeoutMs) {
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, [...args], { stdio: ["ignore", "pipe", "pipe"], detached: true });
      let out = "";
      let err = "";
      const done = (e?: Error): void => {
        clearTimeout(timer);
        child.stdout.removeAllListeners("data");
        if (e) {
          child.kill("SIGKILL");
          reject(e);
        } else {
          child.stdout.destroy();
          child.stderr.destroy();
          child.unref();
          resolve(child.pid as number);
        }
      };
      const timer = setTimeout(() => done(new Error(`${args.join(" ")}: not ready after ${timeoutMs} ms ${err.trim()}`)), timeoutMs);
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("ready\n")) done();
      });
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.on("error", (e) => done(e));
      child.on("exit", (code) => done(new Error(`${args.join(" ")}: exited with ${code}: ${err.trim()}`)));
    });
  },
  kill(pid) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  },
  alive(pid) {
    try {
      process.kill(pid, 0);
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === "EPERM";
    }
    // A killed run stays a zombie until its parent reaps it: that is not a live run.
    return !/^State:\s+Z/m.test(systemRunner.readFile(`/proc/${pid}/status`) ?? "");
  },
  readFile(path) {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return undefined;
    }
  },
  writeFile(path, text) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  },
  listDir(path) {
    try {
      return readdirSync(path);
    } catch {
      return [];
    }
  },
  remove(path) {
    rmSync(path, { recursive: true, force: true });
  },
};

/** Where run state files live: /run/lambda-egress as root, the temporary directory otherwise. */
export function defaultStateDir(): string {
  return process.getuid?.() === 0 ? "/run/lambda-egress" : join(tmpdir(), "lambda-egress");
}

/** What a run created (or was about to create), written before each step so a cleanup after `kill -9` finds it. */
export interface RunState {
  prefix: string;
  /** The process that applied the plan; its state is left alone while it lives. */
  owner: number;
  namespaces: string[];
  etc: string[];
  pids: number[];
  /** The run's own directory (its CA for HTTPS), under the state directory. */
  dirs?: string[];
}

export interface ApplyOptions {
  readonly stateDir?: string;
  /** Where resolv.conf files go (`<etcNetns>/<ns>/resolv.conf`, which `ip netns exec` bind-mounts). */
  readonly etcNetns?: string;
  /** Directory of the compiled servers (dns.js, whoami.js). */
  readonly serverDir?: string;
  readonly stepTimeoutMs?: number;
  /** Called after each step, for tests that kill a bring-up half-way. */
  readonly onStep?: (step: string) => void;
}

/** The directory of the compiled servers, from this module (dist/src/emulate) or the CLI bundle (dist/cli.cjs). */
export function serverDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const d of [join(here, "servers"), join(here, "src", "emulate", "servers"), join(dirname(here), "src", "emulate", "servers")])
    if (existsSync(join(d, "whoami.js"))) return d;
  return join(here, "servers");
}

/** The server processes of a plan: one per DNS server, one per namespace for all its whoami servers. */
function serverProcesses(plan: Plan): { what: string; servers: ServerPlan[] }[] {
  const out: { what: string; servers: ServerPlan[] }[] = [];
  const whoami = new Map<string, ServerPlan[]>();
  for (const s of plan.servers) {
    if (s.kind !== "whoami") {
      out.push({ what: `server ${s.kind} ${s.address}:${s.port}`, servers: [s] });
      continue;
    }
    let list = whoami.get(s.ns);
    if (!list) {
      list = [];
      whoami.set(s.ns, list);
      out.push({ what: "server whoami", servers: list });
    }
    list.push(s);
  }
  return out;
}

function serverArgs(plan: Plan, servers: readonly ServerPlan[], dir: string, tlsDir: string | undefined): string[] {
  const s = servers[0] as ServerPlan;
  const args = ["netns", "exec", s.ns, process.execPath, join(dir, `${s.kind}.js`), "--prefix", plan.prefix, "--ns", s.ns];
  if (s.kind === "whoami") {
    const listen = servers.map((w) => ({ address: w.address, port: w.port, label: w.label ?? "", tls: w.port === 443 }));
    args.push("--listen", JSON.stringify(listen));
    if (tlsDir !== undefined && listen.some((l) => l.tls)) args.push("--tls-dir", tlsDir);
    return args;
  }
  args.push("--address", s.address, "--port", String(s.port));
  if (s.records !== undefined) args.push("--records", JSON.stringify(s.records));
  return args;
}

export interface Emulation {
  readonly plan: Plan;
  readonly statePath: string;
  /** The run's CA (PEM) that the HTTPS servers on port 443 use; commands run by `exec` trust it. Undefined: HTTP only. */
  readonly caCert: string | undefined;
  /** What could not be emulated as asked (e.g. HTTPS without openssl). */
  readonly notes: readonly string[];
  /** Runs a command inside a namespace of the plan. */
  exec(ns: string, cmd: string, args: readonly string[], timeoutMs: number): Promise<RunResult>;
  /** Kills the servers, deletes the namespaces and resolv.conf files, removes the state file. Idempotent. */
  teardown(): Promise<void>;
}

async function removeNamespace(runner: Runner, ns: string): Promise<void> {
  const pids = await runner.run("ip", ["netns", "pids", ns], { timeoutMs: 5000 });
  if (pids.code === 0) for (const p of pids.stdout.split(/\s+/).filter((x) => /^\d+$/.test(x))) runner.kill(Number(p));
  await runner.run("ip", ["netns", "del", ns], { timeoutMs: 5000 });
}

async function teardownState(runner: Runner, state: RunState, statePath: string): Promise<void> {
  for (const pid of [...state.pids].reverse()) runner.kill(pid);
  for (const ns of [...state.namespaces].reverse()) await removeNamespace(runner, ns);
  for (const dir of [...state.etc, ...(state.dirs ?? [])].reverse()) runner.remove(dir);
  runner.remove(statePath);
}

/** Carries out the plan (root mode). On a failed step everything created so far is removed and an ApplyError thrown. */
export async function applyPlan(plan: Plan, runner: Runner = systemRunner, options: ApplyOptions = {}): Promise<Emulation> {
  const problems = validatePlan(plan);
  if (problems.length > 0) throw new PlanError(problems);
  const stateDir = options.stateDir ?? defaultStateDir();
  const etcNetns = options.etcNetns ?? "/etc/netns";
  const timeoutMs = options.stepTimeoutMs ?? 10000;
  const dir = options.serverDir ?? serverDir();
  const statePath = join(stateDir, `${plan.prefix}.json`);
  const state: RunState = { prefix: plan.prefix, owner: process.pid, namespaces: [], etc: [], pids: [], dirs: [] };
  const notes: string[] = [];
  let caCert: string | undefined;
  let tlsDir: string | undefined;
  const save = (): void => runner.writeFile(statePath, `${JSON.stringify(state)}\n`);
  const step = async (what: string, cmd: string, args: readonly string[], input?: string): Promise<void> => {
    const r = await runner.run(cmd, args, { timeoutMs, ...(input !== undefined ? { input } : {}) });
    if (r.code !== 0) throw new ApplyError(`${what}: ${cmd} ${args.join(" ")} failed (${r.code}): ${r.stderr.trim().split("\n")[0] ?? ""}`);
    options.onStep?.(what);
  };
  // One teardown: a second call (a signal's, then the caller's own) waits for the first to finish.
  let down: Promise<void> | undefined;
  const teardown = (): Promise<void> => (down ??= teardownState(runner, state, statePath));
  try {
    save();
    for (const ns of plan.namespaces) {
      state.namespaces.push(ns.name);
      save();
      await step(`namespace ${ns.name}`, "ip", ["netns", "add", ns.name]);
    }
    for (const l of plan.links) {
      await step(`link ${l.a.ns}:${l.a.name} <-> ${l.b.ns}:${l.b.name}`, "ip", [
        "link",
        "add",
        "name",
        l.a.name,
        "netns",
        l.a.ns,
        "type",
        "veth",
        "peer",
        "name",
        l.b.name,
        "netns",
        l.b.ns,
      ]);
    }
    for (const ns of plan.namespaces) {
      const entries = Object.entries(ns.sysctls);
      if (entries.length === 0) continue;
      // Written to /proc/sys inside the namespace: per-namespace (and per-interface) settings, never the host's defaults.
      const script = entries.map(([k, v]) => `printf '%s\\n' '${v}' > /proc/sys/${k.replace(/\./g, "/")}`).join("\n");
      await step(`sysctls of ${ns.name}`, "ip", ["netns", "exec", ns.name, "sh", "-e"], `${script}\n`);
    }
    for (const ns of plan.namespaces) {
      if (ns.ip.length > 0)
        await step(`addresses and routes of ${ns.name}`, "ip", ["-n", ns.name, "-batch", "-"], `${renderIpOps(ns.ip).join("\n")}\n`);
    }
    // IPv6 after every link is up: routes via a link-local gateway need their link.
    for (const ns of plan.namespaces) {
      const ip6 = ns.ip6 ?? [];
      if (ip6.length > 0)
        await step(
          `IPv6 addresses and routes of ${ns.name}`,
          "ip",
          ["-6", "-n", ns.name, "-batch", "-"],
          `${renderIpOps(ip6).join("\n")}\n`,
        );
    }
    for (const ns of plan.namespaces) {
      if (ns.nft !== undefined) await step(`nft ruleset of ${ns.name}`, "ip", ["netns", "exec", ns.name, "nft", "-f", "-"], ns.nft);
    }
    for (const ns of plan.namespaces) {
      if (ns.resolvConf === undefined) continue;
      const d = join(etcNetns, ns.name);
      state.etc.push(d);
      save();
      runner.writeFile(join(d, "resolv.conf"), ns.resolvConf);
      worldReadable([d], [join(d, "resolv.conf")]);
    }
    if (plan.servers.some((s) => s.kind === "whoami" && s.port === 443)) {
      // A CA of this run only: the HTTPS servers sign a certificate for each name asked; handlers trust it.
      const d = join(stateDir, plan.prefix);
      state.dirs?.push(d);
      save();
      runner.writeFile(join(d, "README"), "the emulation's CA, removed with the run\n");
      const ca = await runner.run(
        "openssl",
        certificateArgs(join(d, CA_KEY), join(d, CA_CERT), `/CN=lambda-egress emulation ${plan.prefix}`, [
          "basicConstraints=critical,CA:TRUE",
          "keyUsage=critical,keyCertSign,cRLSign",
        ]),
        { timeoutMs },
      );
      if (ca.code === 0) {
        tlsDir = d;
        caCert = join(d, CA_CERT);
        // Commands run as nobody (sandbox.ts) read the certificate, whatever the umask (the key stays the owner's).
        worldReadable([stateDir, d], [caCert]);
      } else notes.push("port 443 is served as plain HTTP: openssl could not make the run's CA (apt-get install openssl)");
    }
    // Servers start a few at a time: each is a Node.js process that takes a moment to come up, and a network with a
    // few endpoints has dozens. A server that is still starting when another fails is killed with its namespace.
    let failure: ApplyError | undefined;
    await inPool(serverProcesses(plan), SERVER_STARTS_AT_ONCE, async ({ what, servers }) => {
      if (failure) return;
      try {
        const pid = await runner.startServer("ip", serverArgs(plan, servers, dir, tlsDir), timeoutMs);
        state.pids.push(pid);
        save();
        options.onStep?.(what);
      } catch (e) {
        failure ??= new ApplyError(`${what} in ${servers[0]?.ns}: ${(e as Error).message}`);
      }
    });
    if (failure) throw failure;
  } catch (e) {
    await teardown();
    throw e;
  }
  return {
    plan,
    statePath,
    caCert,
    notes,
    exec: (ns, cmd, args, ms) =>
      runner.run(
        "ip",
        [
          "netns",
          "exec",
          ns,
          ...(caCert !== undefined ? ["env", ...Object.entries(trustCaEnv(caCert)).map(([k, v]) => `${k}=${v}`)] : []),
          cmd,
          ...args,
        ],
        {
          timeoutMs: ms,
        },
      ),
    teardown,
  };
}

export interface CleanupReport {
  readonly removed: string[];
  /** Prefixes left alone because the run that made them is still alive. */
  readonly active: string[];
}

/**
 * Removes what crashed runs left: every `le<6 hex>` state file whose owner is gone (its servers, namespaces, resolv.conf
 * directories), then every namespace and /etc/netns directory named `le<6 hex>-...` that no live run owns.
 */
export async function cleanupAll(
  runner: Runner = systemRunner,
  options: { stateDir?: string; etcNetns?: string } = {},
): Promise<CleanupReport> {
  const stateDir = options.stateDir ?? defaultStateDir();
  const etcNetns = options.etcNetns ?? "/etc/netns";
  const removed: string[] = [];
  const active: string[] = [];
  for (const f of runner.listDir(stateDir).sort()) {
    const prefix = f.endsWith(".json") ? f.slice(0, -".json".length) : "";
    if (!PREFIX_PATTERN.test(prefix)) continue;
    const path = join(stateDir, f);
    let state: RunState | undefined;
    try {
      state = JSON.parse(runner.readFile(path) ?? "") as RunState;
    } catch {
      state = undefined;
    }
    if (state && state.owner !== process.pid && runner.alive(state.owner)) {
      active.push(prefix);
      continue;
    }
    // Only processes that are still ours: their command line names the run's prefix.
    const pids = (state?.pids ?? []).filter((p) => (runner.readFile(`/proc/${p}/cmdline`) ?? "").includes(prefix));
    const etc = (state?.etc ?? []).filter(
      (d) => dirname(d) === etcNetns && RUN_NAME.test(basename(d)) && basename(d).startsWith(`${prefix}-`),
    );
    // Its namespaces are removed below, with every other namespace named after a run that is gone.
    const dirs = runner.listDir(join(stateDir, prefix)).length > 0 ? [join(stateDir, prefix)] : [];
    await teardownState(runner, { prefix, owner: 0, namespaces: [], etc, pids, dirs }, path);
    for (const d of dirs) removed.push(d);
    for (const p of pids) removed.push(`process ${p}`);
    for (const d of etc) removed.push(d);
    removed.push(`state file ${path}`);
  }
  const mine = (name: string): boolean => RUN_NAME.test(name) && !active.includes(name.slice(0, 8));
  const list = await runner.run("ip", ["netns", "list"], { timeoutMs: 5000 });
  for (const line of list.stdout.split("\n")) {
    const name = line.trim().split(/\s+/)[0] ?? "";
    if (!mine(name)) continue;
    await removeNamespace(runner, name);
    removed.push(`namespace ${name}`);
  }
  for (const name of runner.listDir(etcNetns)) {
    if (!mine(name)) continue;
    runner.remove(join(etcNetns, name));
    removed.push(`${join(etcNetns, name)}`);
  }
  return { removed, active };
}
