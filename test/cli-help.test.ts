// A CLI that helps: per-command help, `help COMMAND`, "did you mean", -v, `check -` from stdin, --quiet, colour
// switches, `explain RULE|CODE`, and the README's rule table complete.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CODES, DIAGNOSTIC_CODES } from "../src/aws/codes.ts";
import { run } from "../src/cli/main.ts";
import { RULES } from "../src/rules/index.ts";
import { runCli } from "./support/cli-helpers.ts";
import { ROOT } from "./support/helpers.ts";

const SINGLE = "examples/single-nat-gateway/template.yaml";
const PUBLIC = "test/fixtures/function-in-public-subnet/template.yaml";

describe("cli help", () => {
  it("COMMAND --help prints that command's help only; help COMMAND is the same", async () => {
    const check = await runCli(["check", "--help"]);
    assert.equal(check.code, 0);
    assert.match(check.stdout, /^Usage:\n {2}lambda-egress check TEMPLATE\.\.\./);
    assert.match(check.stdout, /--format FORMAT +text \(default\), json \(schemaVersion 1\), sarif/);
    assert.doesNotMatch(check.stdout, /lambda-egress (emulate|new|trace|cost) /);
    assert.equal((await runCli(["help", "check"])).stdout, check.stdout);
    const trace = await runCli(["help", "trace"]);
    assert.match(trace.stdout, /--function ID/);
    assert.doesNotMatch(trace.stdout, /--expect/);
    for (const cmd of ["new", "cost", "explain"]) {
      const a = await runCli(["help", cmd]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(a.stdout, (await runCli([cmd, "--help"])).stdout);
      assert.match(a.stdout, new RegExp(`lambda-egress ${cmd}`));
    }
    const all = await runCli(["help"]);
    assert.equal(all.code, 0);
    assert.match(all.stdout, /lambda-egress emulate/);
  });

  it("-v and --version print the version", async () => {
    const version = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version;
    for (const flag of ["-v", "--version"]) assert.deepEqual(await runCli([flag]), { code: 0, stdout: `${version}\n`, stderr: "" });
  });

  it("did you mean: a mistyped command, option or format; the parser's own quoting never shows", async () => {
    const cmd = await runCli(["chek", SINGLE]);
    assert.equal(cmd.code, 2);
    assert.match(cmd.stderr, /^lambda-egress: unknown command "chek" \(did you mean check\?\)/);
    const opt = await runCli(["check", SINGLE, "--formt", "json"]);
    assert.equal(
      opt.stderr,
      "lambda-egress: unknown option --formt (did you mean --format?)\n  hint: lambda-egress check --help lists the options\n",
    );
    const fmt = await runCli(["check", SINGLE, "--format", "sarf"]);
    assert.match(fmt.stderr, /--format sarf: use text, json, sarif, markdown, html \(did you mean sarif\?\)/);
    const missing = await runCli(["check", SINGLE, "--format"]);
    assert.match(missing.stderr, /^lambda-egress: --format needs a value\n/);
    const far = await runCli(["check", SINGLE, "--zzzzzzzz"]);
    assert.match(far.stderr, /^lambda-egress: unknown option --zzzzzzzz\n/);
    for (const r of [opt, missing, far]) assert.doesNotMatch(r.stderr, /'/);
  });

  it("check - reads the template from the standard input", async () => {
    const text = readFileSync(join(ROOT, SINGLE), "utf8");
    let out = "";
    const code = await run(["check", "-", "--format", "json"], {
      stdout: { write: (s: string | Uint8Array) => (out += typeof s === "string" ? s : Buffer.from(s).toString("utf8")) },
      stderr: { write: () => true },
      env: {},
      cwd: ROOT,
      readStdin: () => text,
    });
    assert.equal(code, 0);
    const j = JSON.parse(out);
    assert.deepEqual(j.files, ["<stdin>"]);
    assert.deepEqual(j.functions[0].summary, { internet: "reachable" });
    // Through a real pipe, with the launcher.
    const piped = spawnSync(process.execPath, [join(ROOT, "bin/lambda-egress.js"), "check", "-"], {
      input: text,
      encoding: "utf8",
      cwd: ROOT,
    });
    assert.equal(piped.status, 0, piped.stderr);
    assert.match(piped.stdout, /^<stdin> {2}\(region us-east-1\)/);
    assert.match(piped.stdout, /egress IPs to allowlist: NatEip/);
  });

  it("--quiet prints nothing and keeps the exit code", async () => {
    assert.deepEqual(await runCli(["check", PUBLIC, "--quiet"]), { code: 1, stdout: "", stderr: "" });
    assert.deepEqual(await runCli(["check", SINGLE, "-q"]), { code: 0, stdout: "", stderr: "" });
  });

  it("colour: FORCE_COLOR colours a pipe; NO_COLOR, FORCE_COLOR=0 and --no-color do not", async () => {
    assert.match((await runCli(["check", SINGLE], { FORCE_COLOR: "1" })).stdout, /\u001b\[/);
    assert.doesNotMatch((await runCli(["check", SINGLE, "--no-color"], { FORCE_COLOR: "1" })).stdout, /\u001b\[/);
    assert.doesNotMatch((await runCli(["check", SINGLE], { FORCE_COLOR: "0" })).stdout, /\u001b\[/);
    assert.doesNotMatch((await runCli(["check", SINGLE], { FORCE_COLOR: "1", NO_COLOR: "1" })).stdout, /\u001b\[/);
  });
});

describe("explain", () => {
  it("a rule: its title, severity, what it reports, the fix, how to suppress it", async () => {
    const r = await runCli(["explain", "function-in-public-subnet"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^function-in-public-subnet: Function in a public subnet\nA rule of lambda-egress check; severity error\.\n/);
    assert.match(r.stdout, /\nWhat it reports, and why\n {2}Reports a VPC-attached function/);
    assert.match(r.stdout, /\nHow to fix\n {2}\S/);
    assert.match(r.stdout, /ignore: \[function-in-public-subnet\]/);
    assert.doesNotMatch(r.stdout, /\]\([a-z-]+\.md\)/, "no links to the pages' files");
  });

  it("a code (any case): its meaning, what AWS says, the fix", async () => {
    const r = await runCli(["explain", "igw_public_ip_association_for_egress"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS: an explanation code/);
    assert.match(
      r.stdout,
      /\nAWS\n {2}AWS Reachability Analyzer reports this code with the same meaning \(https:\/\/docs\.aws\.amazon\.com\//,
    );
    assert.match(r.stdout, new RegExp(`\\nFix\\n  ${CODES.IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS.fix.replace(/[.()]/g, "\\$&")}`));
    const own = await runCli(["explain", "ROUTING_LOOP"]);
    assert.match(own.stdout, /A code of lambda-egress/);
    assert.match((await runCli(["explain", "LOAD_DUPLICATE_KEY"])).stdout, /a diagnostic about the input/);
  });

  it("an unknown name: exit 2 with the nearest; no name: every rule and code listed", async () => {
    const bad = await runCli(["explain", "function-single-zone"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /no rule or code "function-single-zone" \(did you mean function-single-az\?\)/);
    const list = await runCli(["explain"]);
    assert.equal(list.code, 0);
    for (const name of [...RULES.map((x) => x.meta.id), ...Object.keys(CODES), ...Object.keys(DIAGNOSTIC_CODES)])
      assert.match(list.stdout, new RegExp(`^  ${name} `, "m"), name);
  });

  it("the README's explain example is the real output", async () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const m = /```\n\$ lambda-egress explain (\S+)\n([\s\S]*?)```/.exec(readme);
    assert.ok(m, "README has an explain example");
    assert.equal((await runCli(["explain", m[1] as string])).stdout, m[2]);
  });

  it("the README's rule table lists every rule", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const start = readme.indexOf("\n### Findings");
    const table = readme.slice(start, readme.indexOf("\n### ", start + 1));
    const listed = [...table.matchAll(/^\| \[([a-z0-9-]+)\]\(docs\/rules\/\1\.md\) \| (error|warning|info) \|/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(listed.map((x) => x[0]).sort(), RULES.map((r) => r.meta.id).sort());
    for (const [id, sev] of listed) assert.equal(sev, RULES.find((r) => r.meta.id === id)?.meta.severity, id);
  });
});
