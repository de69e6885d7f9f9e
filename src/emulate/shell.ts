// `emulate --shell`: an interactive shell at a function ENI's network position (inside its namespace, capabilities
// dropped like --exec), with a prompt and environment variables that say where it is. The command line is computed here
// (pure, unit-tested); the CLI runs it with the terminal (or the piped stdin) inherited.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { constants } from "node:os";
import { basename, isAbsolute } from "node:path";
import { DROP_CAPABILITIES, trustCaEnv } from "./apply.ts";
import type { EniPlan } from "./plan-types.ts";
import { printable } from "./text.ts";

/** What to spawn for one ENI's shell: `ip netns exec NS [setpriv ...] SHELL ...` with `env` added to the caller's. */
export interface ShellLaunch {
  readonly cmd: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
}

/** The shell to run: `$SHELL` when it is an absolute path that exists, else bash, else sh. */
export function pickShell(env: Readonly<Record<string, string | undefined>>, exists: (p: string) => boolean = existsSync): string {
  const own = env.SHELL;
  if (own !== undefined && isAbsolute(own) && exists(own)) return own;
  for (const s of ["/bin/bash", "/usr/bin/bash"]) if (exists(s)) return s;
  return "/bin/sh";
}

/** The prompt's position: `(FUNCTION in SUBNET, ADDRESS)`, with only harmless characters so no shell expands anything in it. */
export function shellPosition(eni: EniPlan): string {
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9._:/-]/g, "_");
  return `(${safe(eni.functionId)} in ${safe(eni.subnetId)}, ${safe(eni.ipv4)})`;
}

/**
 * The rc file bash reads instead of ~/.bashrc for an interactive shell: the user's own ~/.bashrc first, then the prompt
 * (set after it, so that a .bashrc that sets its own PS1 does not hide where the shell is).
 */
export function bashRc(eni: EniPlan): string {
  return `[ -f ~/.bashrc ] && . ~/.bashrc\nPS1='${shellPosition(eni)} \\w \\$ '\n`;
}

export interface ShellOptions {
  /** The shell (pickShell). */
  readonly shell: string;
  /** Stdin is a terminal: an interactive shell with its prompt. Otherwise the shell reads commands from stdin. */
  readonly interactive: boolean;
  /** Drop every capability (setpriv), as for --exec. */
  readonly dropCaps: boolean;
  /** The run's CA certificate (HTTPS of the emulated internet), if any. */
  readonly caCert: string | undefined;
  /** For bash, interactive: the file holding bashRc(eni). */
  readonly rcFile?: string;
}

export function shellLaunch(eni: EniPlan, options: ShellOptions): ShellLaunch {
  const env: Record<string, string> = {
    // The stand-ins' addresses of the resources the function's environment names (plan-resources.ts).
    ...eni.env,
    // An environment variable cannot hold NUL, and a terminal should not get escapes: the ids as printable text.
    LAMBDA_EGRESS_FUNCTION: printable(eni.functionId),
    LAMBDA_EGRESS_SUBNET: printable(eni.subnetId),
    LAMBDA_EGRESS_ADDRESS: eni.ipv4,
    LAMBDA_EGRESS_NAMESPACE: eni.ns,
    PS1: `${shellPosition(eni)} $ `,
    ...trustCaEnv(options.caCert),
  };
  const bash = basename(options.shell) === "bash";
  const shellArgs = !options.interactive ? [] : bash && options.rcFile !== undefined ? ["--rcfile", options.rcFile, "-i"] : ["-i"];
  const drop = options.dropCaps ? DROP_CAPABILITIES : [];
  return { cmd: "ip", args: ["netns", "exec", eni.ns, ...drop, options.shell, ...shellArgs], env };
}

export interface RunningShell {
  /** Its exit code (128 + n when killed by signal n). */
  readonly exited: Promise<number>;
  /** SIGHUP, as when its terminal goes away, so that it restores the terminal before the run is torn down; waits up to 1 s. */
  hangUp(): Promise<void>;
}

/** Starts a shell with this process's stdin, stdout and stderr. */
export function startShell(launch: ShellLaunch, baseEnv: Readonly<Record<string, string | undefined>>): RunningShell {
  const child = spawn(launch.cmd, [...launch.args], { stdio: "inherit", env: { ...baseEnv, ...launch.env } });
  const exited = new Promise<number>((resolve) => {
    child.on("error", () => resolve(127));
    child.on("close", (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal])));
  });
  return {
    exited,
    hangUp: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGHUP");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 1000).unref())]);
    },
  };
}
