// The emulator on a real kernel (root with ip and nft only, skipped otherwise): a whoami server sees its client's address
// across a veth, and cleanupAll removes what a run killed with SIGKILL during bring-up left, touching nothing else; the
// rootless sandbox runs a plan as user nobody and leaves no process behind when killed.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { applyPlan, cleanupAll, defaultStateDir } from "../src/emulate/apply.ts";
import { runCli } from "./support/cli-helpers.ts";
import { ROOT } from "./support/helpers.ts";
import {
  CLIENT,
  HTTPS_CLIENT,
  kernelTestsMissing,
  newPrefix,
  twoNamespacePlan,
  twoNamespacePlanWithHttps,
} from "./support/emulate-fixtures.ts";

const skip = kernelTestsMissing();
if (skip) process.stdout.write(`# emulate-kernel skipped: ${skip}\n`);

function netnsList(): string[] {
  const r = spawnSync("ip", ["netns", "list"], { encoding: "utf8" });
  return r.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0] ?? "")
    .filter((n) => n !== "");
}

describe("emulate on the kernel", { skip, timeout: 30000 }, () => {
  it("a whoami server sees the client's own address across a veth, names resolve through the plan's DNS", async () => {
    const plan = twoNamespacePlan(newPrefix());
    const emu = await applyPlan(plan);
    try {
      const r = await emu.exec(`${plan.prefix}-cli`, process.execPath, ["-e", CLIENT], 5000);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { sourceIp: "198.51.100.7", label: "internet", host: "example.com" });
    } finally {
      await emu.teardown();
    }
    assert.deepEqual(
      netnsList().filter((n) => n.startsWith(plan.prefix)),
      [],
    );
    assert.equal(existsSync(join(defaultStateDir(), `${plan.prefix}.json`)), false);
    assert.equal(existsSync(`/etc/netns/${plan.prefix}-cli`), false);
  });

  it("HTTPS on port 443 with the run's own CA, trusted by commands run in the emulation", async () => {
    if (spawnSync("openssl", ["version"]).status !== 0) return;
    const plan = twoNamespacePlanWithHttps(newPrefix());
    const emu = await applyPlan(plan);
    try {
      assert.ok(emu.caCert !== undefined && existsSync(emu.caCert));
      const r = await emu.exec(`${plan.prefix}-cli`, process.execPath, ["-e", HTTPS_CLIENT], 5000);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), { sourceIp: "198.51.100.7", label: "internet (https)", host: "api.partner.example" });
    } finally {
      await emu.teardown();
    }
    assert.equal(existsSync(join(defaultStateDir(), plan.prefix)), false, "the CA is removed with the run");
  });

  it("cleanupAll removes what a run killed with SIGKILL during bring-up left, and nothing else", async () => {
    const prefix = newPrefix();
    const decoy = `${prefix}x-keep`; // close to a run's name, but not one
    assert.equal(spawnSync("ip", ["netns", "add", decoy]).status, 0);
    try {
      const before = netnsList();
      const child = spawn(
        process.execPath,
        [join(fileURLToPath(new URL(".", import.meta.url)), "support", "emulate-crash-child.js"), prefix],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      await new Promise<void>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`bring-up did not reach the first server: ${out}`)), 10000);
        child.stdout.on("data", (d: Buffer) => {
          out += d.toString();
          if (out.includes("server whoami")) {
            clearTimeout(timer);
            child.kill("SIGKILL");
            resolve();
          }
        });
      });
      await new Promise((r) => child.once("exit", r));
      const left = netnsList().filter((n) => n.startsWith(`${prefix}-`));
      assert.deepEqual(left.sort(), [`${prefix}-cli`, `${prefix}-srv`], "the killed run left its namespaces");
      const orphans = spawnSync("ip", ["netns", "pids", `${prefix}-srv`], { encoding: "utf8" }).stdout.trim();
      assert.notEqual(orphans, "", "and its whoami server");

      const report = await cleanupAll();
      assert.ok(
        report.removed.includes(`namespace ${prefix}-srv`) && report.removed.includes(`namespace ${prefix}-cli`),
        report.removed.join(", "),
      );
      const after = netnsList();
      assert.deepEqual(
        after.filter((n) => n.startsWith(prefix) && n !== decoy),
        [],
      );
      for (const n of before)
        if (!n.startsWith(`${prefix}-`) && !/^le[0-9a-f]{6}-/.test(n)) assert.ok(after.includes(n), `${n} was left alone`);
      assert.ok(after.includes(decoy));
      for (const pid of orphans.split(/\s+/)) {
        let alive = true;
        for (let i = 0; i < 50 && alive; i++) {
          alive = existsSync(`/proc/${pid}`) && !/State:\s+Z/.test(spawnSync("cat", [`/proc/${pid}/status`], { encoding: "utf8" }).stdout);
          if (alive) await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(alive, false, `server ${pid} was killed`);
      }
      assert.equal(existsSync(join(defaultStateDir(), `${prefix}.json`)), false);
      assert.equal(existsSync(`/etc/netns/${prefix}-cli`), false);
    } finally {
      spawnSync("ip", ["netns", "del", decoy]);
    }
  });
});

/** Why the rootless sandbox cannot be tried here as user nobody, undefined when it can. */
function sandboxMissing(): string | undefined {
  if (skip) return skip;
  const asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups"];
  const launcher = join(ROOT, "bin", "lambda-egress.js");
  if (spawnSync("setpriv", [...asNobody, "test", "-r", launcher]).status !== 0)
    return "user nobody cannot run setpriv or read the checkout";
  if (spawnSync("setpriv", [...asNobody, "unshare", "--user", "--map-root-user", "--net", "true"]).status !== 0)
    return "unprivileged user namespaces are not allowed here";
  return undefined;
}

const sandboxSkip = sandboxMissing();
if (sandboxSkip) process.stdout.write(`# emulate rootless sandbox skipped: ${sandboxSkip}\n`);

describe("emulate in the rootless sandbox (as user nobody)", { skip: sandboxSkip, timeout: 30000 }, () => {
  const label = `sandbox-${newPrefix()}`;
  const dir = mkdtempSync(join(tmpdir(), "le-sandbox-"));
  chmodSync(dir, 0o755);
  const planFile = join(dir, "plan.json");
  const plan = twoNamespacePlan(newPrefix());
  writeFileSync(planFile, JSON.stringify({ ...plan, servers: plan.servers.map((s) => (s.kind === "whoami" ? { ...s, label } : s)) }));
  chmodSync(planFile, 0o644);
  const cli = (cmd: string[]) => [
    "--reuid=65534",
    "--regid=65534",
    "--clear-groups",
    process.execPath,
    join(ROOT, "bin", "lambda-egress.js"),
    "emulate",
    "--plan-file",
    planFile,
    "--exec",
    "--",
    ...cmd,
  ];
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("runs a plan without root: the server sees the client", () => {
    const r = spawnSync("setpriv", cli([process.execPath, "-e", CLIENT]), { encoding: "utf8", timeout: 15000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`\\{"sourceIp":"198\\.51\\.100\\.7","label":"${label}","host":"example\\.com"\\}`));
  });

  it("leaves nothing behind when killed with SIGKILL", async () => {
    const child = spawn("setpriv", cli(["sleep", "20"]), { stdio: ["ignore", "pipe", "pipe"] });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the sandboxed run did not start its command")), 10000);
      child.stdout.on("data", (d: Buffer) => {
        if (d.toString().includes("== Fn")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const ours = (): string[] =>
      readdirSync("/proc")
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            const c = readFileSync(`/proc/${p}/cmdline`, "utf8");
            return c.includes(label) || c.includes(planFile);
          } catch {
            return false;
          }
        })
        .filter((p) => !/State:\s+Z/.test(readFileSync(`/proc/${p}/status`, "utf8")));
    assert.ok(ours().length >= 3, "the run, its sandbox and its servers are up");
    child.kill("SIGKILL");
    let left = ours();
    for (let i = 0; i < 60 && left.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 50));
      left = ours();
    }
    assert.deepEqual(left, [], "no process of the run survives");
  });
});
