// emulate --invoke runs the handler as Lambda does (sandbox.ts): as nobody, without capabilities, with the system and its
// code read-only and an empty private /tmp; its code comes only from inside the template's folder (or --code DIR).
// Kernel tests: root, ip, nft, unshare, setpriv and findmnt.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { SANDBOX_SCRIPT, sandboxCommand } from "../src/emulate/sandbox.ts";
import { runCli } from "./support/cli-helpers.ts";
import { kernelTestsMissing } from "./support/emulate-fixtures.ts";
import { ROOT } from "./support/helpers.ts";

function sandboxMissing(): string | undefined {
  const k = kernelTestsMissing();
  if (k) return k;
  for (const tool of ["unshare", "setpriv", "findmnt"])
    if (spawnSync(tool, ["--version"]).status !== 0) return `${tool} is missing (apt-get install util-linux)`;
  return undefined;
}
const skip = sandboxMissing();
if (skip) process.stdout.write(`# emulate sandbox kernel tests skipped: ${skip}\n`);

describe("the sandbox's command line (pure)", () => {
  it("unshares a mount namespace, passes every path as an argument, and ends with setpriv as nobody, no capabilities, no new privileges", () => {
    const s = sandboxCommand(["node", "b.cjs"], {
      user: { uid: 65534, gid: 65534 },
      bind: { source: "/src code", target: "/run/x/task" },
      cwd: "/run/x/task",
    });
    assert.equal(s.cmd, "unshare");
    assert.deepEqual(s.args, [
      "--mount",
      "--propagation",
      "private",
      "--",
      "sh",
      "-ec",
      SANDBOX_SCRIPT,
      "le-sandbox",
      "/run/x/task",
      "65534",
      "65534",
      "/src code",
      "/run/x/task",
      "--",
      "node",
      "b.cjs",
    ]);
    assert.ok(!SANDBOX_SCRIPT.includes("/src code"), "no path in the script itself");
    assert.match(SANDBOX_SCRIPT, /exec setpriv --inh-caps=-all --bounding-set=-all --no-new-privs "\$@"/);
    assert.match(SANDBOX_SCRIPT, /mount -t tmpfs -o mode=1777,nosuid,nodev,size=512m le-tmp \/tmp/);
    // The rootless sandbox maps no user but its root: no --reuid there.
    const rootless = sandboxCommand(["true"], { user: undefined, cwd: "/tmp" });
    assert.deepEqual(rootless.args.slice(8, 13), ["/tmp", "", "", "", ""]);
  });
});

/** The handler: who it runs as, what it can write, what /tmp holds, its capabilities. */
const HANDLER = `const fs = require("fs");
const path = require("path");
const attempt = (f) => { try { f(); return "ok"; } catch (e) { return e.code; } };
exports.handler = async (event) => ({
  event,
  uid: process.getuid(),
  gid: process.getgid(),
  tmpBefore: fs.readdirSync("/tmp"),
  writeCode: attempt(() => fs.writeFileSync(path.join(__dirname, "written-by-handler"), "x")),
  writeEtc: attempt(() => fs.writeFileSync("/etc/written-by-handler", "x")),
  writeTmp: attempt(() => fs.writeFileSync("/tmp/mine", "x")),
  capEff: /CapEff:\\s*(\\w+)/.exec(fs.readFileSync("/proc/self/status", "utf8"))[1],
  noNewPrivs: /NoNewPrivs:\\s*(\\d)/.exec(fs.readFileSync("/proc/self/status", "utf8"))[1],
  resolved: await require("dns").promises.lookup("api.partner.example", 4).then((r) => r.address, (e) => e.code),
});
`;

/** nacl-correct (one private subnet behind a NAT gateway) with its function's code in a folder: `Code: CODE`. */
function template(code: string, handler = "index.handler"): string {
  const t = readFileSync(join(ROOT, "test/fixtures/nacl-correct/template.yaml"), "utf8");
  const cut = t.indexOf("      Code:\n");
  assert.ok(cut > 0);
  return `${t.slice(0, cut).replace("Handler: index.handler", `Handler: ${handler}`)}      Code: ${code}\n`;
}

const root = mkdtempSync(join(tmpdir(), "le-sandbox-"));
after(() => rmSync(root, { recursive: true, force: true }));
const app = join(root, "app");
mkdirSync(join(app, "code"), { recursive: true });
mkdirSync(join(root, "outside"));
writeFileSync(join(app, "code", "index.js"), HANDLER);
writeFileSync(join(root, "outside", "index.js"), HANDLER);
writeFileSync(join(app, "template.yaml"), template("./code"));
writeFileSync(join(app, "event.json"), '{"hello":"sandbox"}');
// Lambda needs the package world-readable; the folders above it may be private (mkdtemp's are 0700).
for (const d of [join(app, "code"), join(root, "outside")]) chmodSync(d, 0o755);
/** A file in the host's /tmp that the handler must not see. */
const hostMarker = join(tmpdir(), `le-sandbox-marker-${process.pid}`);

function report(stdout: string): Record<string, unknown> {
  const line = stdout.split("\n").find((l) => l.startsWith('{"result"') || l.startsWith('{"error'));
  assert.ok(line, stdout);
  return JSON.parse(line) as Record<string, unknown>;
}

describe("emulate --invoke in the sandbox (kernel)", { skip, timeout: 90000 }, () => {
  after(() => rmSync(hostMarker, { force: true }));
  it("runs the handler as nobody, without capabilities, unable to write its code or /etc, with an empty private /tmp (umask 077 too)", async () => {
    writeFileSync(hostMarker, "host");
    // A strict umask must not leave the run's files (bootstrap, event, resolv.conf, CA) unreadable to the handler.
    const umask = process.umask(0o077);
    const r = await runCli([
      "emulate",
      join(app, "template.yaml"),
      "--function",
      "ApiClientFunction",
      "--invoke",
      "--event",
      join(app, "event.json"),
    ]).finally(() => process.umask(umask));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(report(r.stdout), {
      result: {
        event: { hello: "sandbox" },
        uid: 65534,
        gid: 65534,
        tmpBefore: [],
        writeCode: "EROFS",
        writeEtc: "EROFS",
        writeTmp: "ok",
        capEff: "0000000000000000",
        noNewPrivs: "1",
        resolved: "198.51.100.80",
      },
    });
    assert.ok(!existsSync(join(app, "code", "written-by-handler")) && !existsSync("/etc/written-by-handler"));
    assert.ok(!existsSync(join(tmpdir(), "mine")), "the handler's /tmp is not the host's");
    // The run's copy of the handler (beside its state, not in /tmp) is gone with it.
    const left = readdirSync("/run/lambda-egress", { recursive: true, encoding: "utf8" }).filter(
      (f) => f.endsWith("index.js") && readFileSync(join("/run/lambda-egress", f), "utf8") === HANDLER,
    );
    assert.deepEqual(left, [], "the run's files are gone");
  });
  it("--exec runs in the same sandbox", async () => {
    const r = await runCli([
      "emulate",
      join(app, "template.yaml"),
      "--function",
      "ApiClientFunction",
      "--exec",
      "--",
      "sh",
      "-c",
      "id -u; ls -A /tmp | wc -l; touch /etc/written-by-exec 2>&1 | grep -c 'Read-only'",
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /\n65534\n0\n1\nexit code 0\n/);
  });
  it("--code DIR runs a folder of the caller's choosing (here the template's CodeUri leaves its folder)", async () => {
    writeFileSync(join(app, "outside.yaml"), template("../outside"));
    const r = await runCli([
      "emulate",
      join(app, "outside.yaml"),
      "--function",
      "ApiClientFunction",
      "--invoke",
      "--code",
      join(root, "outside"),
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((report(r.stdout).result as { uid: number }).uid, 65534);
  });
});

describe("emulate --invoke: code only from inside the template's folder", { skip, timeout: 30000 }, () => {
  const refusals: [string, () => string[], RegExp][] = [
    [
      "a CodeUri that leaves the template's folder (../outside)",
      () => {
        writeFileSync(join(app, "up.yaml"), template("../outside"));
        return [join(app, "up.yaml")];
      },
      /the code of ApiClientFunction, CodeUri \.\.\/outside, is outside the template's folder/,
    ],
    [
      "an absolute CodeUri",
      () => {
        writeFileSync(join(app, "abs.yaml"), template(join(root, "outside")));
        return [join(app, "abs.yaml")];
      },
      /CodeUri \/.*outside, is outside the template's folder/,
    ],
    [
      "a CodeUri that is a symlink leading out",
      () => {
        symlinkSync(join(root, "outside"), join(app, "link"));
        writeFileSync(join(app, "link.yaml"), template("./link"));
        return [join(app, "link.yaml")];
      },
      /CodeUri \.\/link, is outside the template's folder/,
    ],
    [
      "a symlink inside the code leading out",
      () => {
        mkdirSync(join(app, "leaky"));
        writeFileSync(join(app, "leaky", "index.js"), HANDLER);
        symlinkSync("/etc/passwd", join(app, "leaky", "passwd"));
        writeFileSync(join(app, "leaky.yaml"), template("./leaky"));
        return [join(app, "leaky.yaml")];
      },
      /passwd is a symlink to \/etc\/passwd, outside the function's code/,
    ],
    [
      "a Handler that climbs out (../x)",
      () => {
        writeFileSync(join(app, "handler.yaml"), template("./code", "../outside/index.handler"));
        return [join(app, "handler.yaml")];
      },
      /Handler "\.\.\/outside\/index\.handler" leaves the function's code folder/,
    ],
  ];
  for (const [what, make, message] of refusals) {
    it(`refuses ${what}: exit 2, one clear line, nothing run`, async () => {
      const [file] = make() as [string];
      const r = await runCli(["emulate", file, "--function", "ApiClientFunction", "--invoke"]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split("\n").filter((l) => l.startsWith("lambda-egress:")).length, 1);
      assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
      // Refused before the bring-up (other test files may create namespaces meanwhile: no global count here).
      assert.doesNotMatch(r.stdout, /^== /m, "nothing ran");
    });
  }
});
