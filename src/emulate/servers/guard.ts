// The guard every emulator server runs first: refuse to start unless inside one of the emulator's own network namespaces.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readlinkSync } from "node:fs";

/** A per-run prefix: `le` and six hex digits (what `cleanupAll` finds after a crash). */
export const PREFIX_PATTERN = /^le[0-9a-f]{6}$/;

/** A fresh per-run prefix matching PREFIX_PATTERN. */
export function newPrefix(): string {
  return `le${randomBytes(3).toString("hex")}`;
}

export interface GuardProbe {
  /** readlink of a /proc/<pid>/ns/net link (`self`, `1`, or the parent's pid), undefined when unreadable. */
  readonly netns: (pid: string) => string | undefined;
  readonly parent: number;
  /** `ip netns identify <pid>`: the name of the namespace this process is in, undefined when unknown. */
  readonly identify: () => string | undefined;
}

export const realProbe: GuardProbe = {
  netns: (pid) => {
    try {
      return readlinkSync(`/proc/${pid}/ns/net`);
    } catch {
      return undefined;
    }
  },
  parent: process.ppid,
  identify: () => {
    const r = spawnSync("ip", ["netns", "identify", String(process.pid)], { encoding: "utf8", timeout: 3000 });
    return r.status === 0 ? r.stdout.trim() : undefined;
  },
};

/** Why this process must not serve (undefined when it may): it is in the host's namespace, or not in `ns`. */
export function guardError(ns: string | undefined, prefix: string | undefined, probe: GuardProbe = realProbe): string | undefined {
  if (prefix === undefined || !PREFIX_PATTERN.test(prefix))
    return `refusing to start: --prefix must be le and 6 hex digits, got ${String(prefix)}`;
  if (ns === undefined || !ns.startsWith(`${prefix}-`))
    return `refusing to start: --ns ${String(ns)} is not one of the emulator's namespaces (${prefix}-*)`;
  // The host's namespace is init's; where /proc/1 is unreadable (some VMs and containers) the parent's, which started us
  // from the host side with `ip netns exec` (and a server started from inside a namespace is refused as well).
  const self = probe.netns("self");
  const hosts = [probe.netns("1"), probe.netns(String(probe.parent))].filter((x) => x !== undefined);
  if (self === undefined || hosts.length === 0) return "refusing to start: cannot read /proc/self/ns/net, /proc/1/ns/net nor the parent's";
  if (hosts.includes(self)) return "refusing to start: this process is in the host's network namespace (or its parent's)";
  const name = probe.identify();
  if (name !== ns)
    return `refusing to start: this process is in namespace ${name === undefined || name === "" ? "(unnamed)" : name}, not ${ns}`;
  return undefined;
}

/** The `--key value` options of a server's command line. */
export function serverArgs(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < argv.length; i += 2) {
    const k = argv[i] as string;
    if (k.startsWith("--")) out[k.slice(2)] = argv[i + 1] as string;
  }
  return out;
}

/** Exits with status 3 and a message when the guard refuses; returns the options otherwise. */
export function guardOrExit(argv: readonly string[]): Record<string, string> {
  const args = serverArgs(argv);
  const err = guardError(args.ns, args.prefix);
  if (err !== undefined) {
    process.stderr.write(`${err}\n`);
    process.exit(3);
  }
  return args;
}
