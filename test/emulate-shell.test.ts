// emulate --shell: the command line of each ENI's shell (no privileges), usage refusals, and on the kernel (root with ip
// and nft, skipped otherwise) commands piped into the shells of seed 000's fixture: they run inside the ENI (its address,
// the whoami reply through the NAT's Elastic IP, capabilities dropped), one ENI after another, and the run leaves no
// namespace behind after exit, SIGTERM, SIGHUP or SIGINT, even during the bring-up; also in the rootless sandbox.
import assert from "node:assert/strict";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { defaultStateDir } from "../src/emulate/apply.ts";
import type { EniPlan } from "../src/emulate/plan-types.ts";
import { bashRc, pickShell, shellLaunch, shellPosition } from "../src/emulate/shell.ts";
import { runCli } from "./support/cli-helpers.ts";
import { kernelTestsMissing } from "./support/emulate-fixtures.ts";
import { ROOT } from "./support/helpers.ts";

const ENI: EniPlan = { functionId: "ApiClientFunction", subnetId: "PrivateSubnet", ns: "le0a1b2c-e0", ipv4: "10.0.1.23" };

describe("emulate --shell: each ENI's shell", () => {
  it("runs in the ENI's namespace with capabilities dropped, and says where it is", () => {
    const l = shellLaunch(ENI, { shell: "/bin/bash", interactive: true, dropCaps: true, caCert: "/run/ca.pem", rcFile: "/tmp/x/rc" });
    assert.equal(l.cmd, "ip");
    assert.deepEqual(l.args, [
      "netns",
      "exec",
      "le0a1b2c-e0",
      "setpriv",
      "--inh-caps=-all",
      "--bounding-set=-all",
      "--",
      "/bin/bash",
      "--rcfile",
      "/tmp/x/rc",
      "-i",
    ]);
    assert.deepEqual(l.env, {
      LAMBDA_EGRESS_FUNCTION: "ApiClientFunction",
      LAMBDA_EGRESS_SUBNET: "PrivateSubnet",
      LAMBDA_EGRESS_ADDRESS: "10.0.1.23",
      LAMBDA_EGRESS_NAMESPACE: "le0a1b2c-e0",
      PS1: "(ApiClientFunction in PrivateSubnet, 10.0.1.23) $ ",
      NODE_EXTRA_CA_CERTS: "/run/ca.pem",
      CURL_CA_BUNDLE: "/run/ca.pem",
      SSL_CERT_FILE: "/run/ca.pem",
      REQUESTS_CA_BUNDLE: "/run/ca.pem",
    });
  });

  it("carries the function's environment variables that name a resource, at its stand-in", () => {
    const l = shellLaunch(
      { ...ENI, env: { DB_HOST: "10.0.11.70", DB_PORT: "5432" } },
      { shell: "/bin/sh", interactive: false, dropCaps: false, caCert: undefined },
    );
    assert.equal(l.env.DB_HOST, "10.0.11.70");
    assert.equal(l.env.DB_PORT, "5432");
  });

  it("reads commands from stdin without a terminal; other shells get -i and PS1 only", () => {
    assert.deepEqual(shellLaunch(ENI, { shell: "/bin/bash", interactive: false, dropCaps: false, caCert: undefined }).args, [
      "netns",
      "exec",
      "le0a1b2c-e0",
      "/bin/bash",
    ]);
    const zsh = shellLaunch(ENI, { shell: "/usr/bin/zsh", interactive: true, dropCaps: false, caCert: undefined, rcFile: "/tmp/rc" });
    assert.deepEqual(zsh.args.slice(3), ["/usr/bin/zsh", "-i"]);
    assert.equal(zsh.env.NODE_EXTRA_CA_CERTS, undefined);
  });

  it("bash's prompt is set after the user's own .bashrc, with nothing a shell would expand", () => {
    assert.equal(bashRc(ENI), "[ -f ~/.bashrc ] && . ~/.bashrc\nPS1='(ApiClientFunction in PrivateSubnet, 10.0.1.23) \\w \\$ '\n");
    assert.equal(shellPosition({ ...ENI, functionId: "F$(rm -rf /)'" }), "(F__rm_-rf_/__ in PrivateSubnet, 10.0.1.23)");
  });

  it("picks $SHELL when it exists, else bash, else sh", () => {
    assert.equal(
      pickShell({ SHELL: "/usr/bin/fish" }, (p) => p === "/usr/bin/fish"),
      "/usr/bin/fish",
    );
    assert.equal(
      pickShell({ SHELL: "fish" }, (p) => p === "/bin/bash"),
      "/bin/bash",
    );
    assert.equal(
      pickShell({}, () => false),
      "/bin/sh",
    );
  });

  for (const [args, message] of [
    [["--shell", "--exec", "--", "true"], /use one of --plan, --exec, --invoke and --shell/],
    [["--shell", "--", "true"], /--shell takes no command/],
    [["--shell", "--timeout", "5"], /--timeout goes with --exec/],
  ] as const) {
    it(`refuses ${args.join(" ")} with exit 2 and one line`, async () => {
      const r = await runCli(["emulate", "t.yaml", ...args]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split("\n").filter((l) => l.startsWith("lambda-egress:")).length, 1);
    });
  }

  it(
    "refuses a template without VPC functions with exit 2 and one line",
    { skip: process.getuid?.() !== 0 ? "as a user it goes to the sandbox first" : false },
    async () => {
      const r = await runCli(["emulate", "test/fixtures/function-outside-vpc/template.yaml", "--shell"]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /^lambda-egress: no function of test\/fixtures\/function-outside-vpc\/template\.yaml has an ENI to emulate\n/);
    },
  );
});

const skip = kernelTestsMissing();
if (skip) process.stdout.write(`# emulate-shell kernel tests skipped: ${skip}\n`);

const SEED = join("test", "fixtures", "single-nat-public-and-private", "template.yaml");
const BIN = join(ROOT, "bin", "lambda-egress.js");

/** The CLI as a child process with piped stdin (the shells read it), bash as $SHELL. */
function start(args: readonly string[], via: readonly string[] = []): ChildProcessWithoutNullStreams {
  const [cmd, ...rest] = [...via, process.execPath, BIN, "emulate", ...args] as [string, ...string[]];
  return spawn(cmd, rest, { cwd: ROOT, env: { ...process.env, SHELL: "/bin/bash", NO_COLOR: "1" } });
}

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

function collect(child: ChildProcessWithoutNullStreams): { out: () => string; ended: Promise<Ended> } {
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const ended = new Promise<Ended>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  return { out: () => stdout, ended };
}

async function until(what: string, test: () => boolean, ms = 15000): Promise<void> {
  for (const t = Date.now(); !test(); await new Promise((r) => setTimeout(r, 20)))
    if (Date.now() - t > ms) throw new Error(`timed out waiting for ${what}`);
}

/** The run's namespaces still listed, its resolv.conf directories and its state file, by prefix. */
function leftovers(prefix: string): string[] {
  const ns = spawnSync("ip", ["netns", "list"], { encoding: "utf8" })
    .stdout.split("\n")
    .map((l) => l.split(" ")[0] ?? "")
    .filter((n) => n.startsWith(`${prefix}-`));
  const etc = existsSync("/etc/netns") ? readdirSync("/etc/netns").filter((n) => n.startsWith(`${prefix}-`)) : [];
  const state = existsSync(join(defaultStateDir(), `${prefix}.json`)) ? [`${prefix}.json`] : [];
  return [...ns, ...etc, ...state];
}

function alive(pid: number): boolean {
  try {
    return !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}

/** The prefix of the run that process `pid` is bringing up, from its state file (written before anything is created). */
async function runPrefix(pid: number): Promise<string> {
  const stateDir = defaultStateDir();
  let prefix: string | undefined;
  await until("the run's state file", () => {
    for (const f of existsSync(stateDir) ? readdirSync(stateDir) : []) {
      try {
        if (f.endsWith(".json") && (JSON.parse(readFileSync(join(stateDir, f), "utf8")) as { owner: number }).owner === pid)
          prefix = f.slice(0, -5);
      } catch {
        // being written
      }
    }
    return prefix !== undefined;
  });
  return prefix as string;
}

describe("emulate --shell on the kernel", { skip, timeout: 90000 }, () => {
  it("runs piped commands inside the ENI: its address, the whoami reply from the NAT's EIP, no capabilities; exit removes everything", async () => {
    const child = start([SEED, "--function", "ApiClientFunction", "--shell"]);
    const { ended } = collect(child);
    child.stdin.end(
      [
        "echo ns=$LAMBDA_EGRESS_NAMESPACE fn=$LAMBDA_EGRESS_FUNCTION subnet=$LAMBDA_EGRESS_SUBNET address=$LAMBDA_EGRESS_ADDRESS",
        "ip -4 -o addr show dev eth0 | awk '{print \"inet \" $4}'",
        "curl -sS -m 5 https://whoami.example/; echo",
        "ip link set eth0 down 2>&1 || echo no-cap",
        "exit",
        "",
      ].join("\n"),
    );
    const r = await ended;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const prefix = /ns=(le[0-9a-f]{6})-e0 /.exec(r.stdout)?.[1] ?? "";
    assert.match(r.stdout, /^emulation le[0-9a-f]{6} up in \d+\.\d\d s \(5 namespaces, none linked to the host's network\)\n/);
    assert.ok(
      r.stdout.includes(
        `== shell 1 of 1: ApiClientFunction in PrivateSubnet (10.0.1.23, namespace ${prefix}-e0); exit ends the run\n` +
          `ns=${prefix}-e0 fn=ApiClientFunction subnet=PrivateSubnet address=10.0.1.23\n` +
          "inet 10.0.1.23/24\n" +
          '{"sourceIp":"203.0.113.10","label":"internet","host":"whoami.example"}\n',
      ),
      r.stdout,
    );
    assert.match(r.stdout, /Operation not permitted\nno-cap\n/);
    assert.deepEqual(leftovers(prefix), []);
  });

  it("gives every ENI of every VPC function its shell in turn, and exits with the worst exit code", async () => {
    const child = start([SEED, "--shell"]);
    const { ended } = collect(child);
    child.stdin.end("echo first $LAMBDA_EGRESS_SUBNET; exit\necho second $LAMBDA_EGRESS_SUBNET; exit 3\n");
    const r = await ended;
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const lines = r.stdout.split("\n").slice(1);
    assert.match(
      lines[0] ?? "",
      /^== shell 1 of 2: ApiClientFunction in PrivateSubnet \(10\.0\.1\.23, namespace le[0-9a-f]{6}-e0\); exit moves on to the next$/,
    );
    assert.equal(lines[1], "first PrivateSubnet");
    assert.match(
      lines[2] ?? "",
      /^== shell 2 of 2: PublicSubnetFunction in PublicSubnet \(10\.0\.0\.23, namespace le[0-9a-f]{6}-e1\); exit ends the run$/,
    );
    assert.equal(lines[3], "second PublicSubnet");
    assert.deepEqual(leftovers(/namespace (le[0-9a-f]{6})-/.exec(r.stdout)?.[1] ?? "none"), []);
  });

  for (const [signal, code] of [
    ["SIGTERM", 143],
    ["SIGHUP", 129],
    ["SIGINT", 130],
  ] as const) {
    it(`${signal} while a shell runs tears the run down (the shell too) and exits ${code}`, async () => {
      const child = start([SEED, "--function", "ApiClientFunction", "--shell"]);
      const { out, ended } = collect(child);
      child.stdin.write("echo pid=$$ ns=$LAMBDA_EGRESS_NAMESPACE\n");
      await until("the shell", () => /pid=\d+ ns=\S+\n/.test(out()));
      const [, pid, prefix] = /pid=(\d+) ns=(le[0-9a-f]{6})-/.exec(out()) ?? [];
      assert.ok(alive(Number(pid)));
      child.kill(signal);
      const r = await ended;
      assert.equal(r.code, code, r.stdout + r.stderr);
      assert.equal(alive(Number(pid)), false, "the shell is gone");
      assert.deepEqual(leftovers(prefix ?? ""), []);
    });
  }

  it("a reader that goes away (| head) stops the run like SIGPIPE: torn down, exit 141 (--shell and --exec)", async () => {
    const shell = start([SEED, "--function", "ApiClientFunction", "--shell"]);
    shell.stdin.write("echo pid=$$\n");
    const first = await new Promise<string>((resolve) => shell.stdout.once("data", (d: Buffer) => resolve(d.toString())));
    const prefix = /^emulation (le[0-9a-f]{6}) up/.exec(first)?.[1] ?? "";
    shell.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => shell.on("close", (c) => resolve(c)));
    assert.equal(code, 141);
    assert.deepEqual(leftovers(prefix), []);

    const exec = start([SEED, "--function", "ApiClientFunction", "--exec", "--", "seq", "1", "200000"]);
    const owner = await runPrefix(exec.pid as number);
    await new Promise<void>((resolve) => exec.stdout.once("data", () => resolve()));
    exec.stdout.destroy();
    const execCode = await new Promise<number | null>((resolve) => exec.on("close", (c) => resolve(c)));
    assert.equal(execCode, 141);
    assert.deepEqual(leftovers(owner), []);
  });

  it("SIGTERM during the bring-up: the run finishes building, then removes everything", async () => {
    const child = start([SEED, "--function", "ApiClientFunction", "--shell"]);
    const { ended } = collect(child);
    const prefix = await runPrefix(child.pid as number);
    child.kill("SIGTERM");
    const r = await ended;
    assert.equal(r.code, 143, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /== shell/);
    assert.deepEqual(leftovers(prefix ?? ""), []);
  });
});

/** Why the rootless sandbox cannot be tried here as user nobody, undefined when it can. */
function sandboxMissing(): string | undefined {
  if (skip) return skip;
  const asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups"];
  if (spawnSync("setpriv", [...asNobody, "test", "-r", join(ROOT, SEED)]).status !== 0) return "user nobody cannot read the checkout";
  if (spawnSync("setpriv", [...asNobody, "unshare", "--user", "--map-root-user", "--net", "true"]).status !== 0)
    return "unprivileged user namespaces are not allowed here";
  return undefined;
}
const sandboxSkip = sandboxMissing();

describe("emulate --shell in the rootless sandbox (as user nobody)", { skip: sandboxSkip, timeout: 30000 }, () => {
  it("the piped shell runs inside the ENI and reaches the internet through the NAT", async () => {
    const child = start(
      [SEED, "--function", "ApiClientFunction", "--shell"],
      ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"],
    );
    const { ended } = collect(child);
    child.stdin.end("ip -4 -o addr show dev eth0 | awk '{print \"inet \" $4}'; curl -sS -m 5 https://whoami.example/; echo; exit\n");
    const r = await ended;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\ninet 10\.0\.1\.23\/24\n\{"sourceIp":"203\.0\.113\.10","label":"internet","host":"whoami\.example"\}\n/);
  });
});
