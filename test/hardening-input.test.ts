// Inputs that used to hang, crash or grow without bound, and template text that could drive the terminal: each ends
// in a result or in one clear line (exit 2), in bounded time. The CLI cases run the real launcher in a child process
// with a generous timeout (a hang or a quadratic blow-up fails the test by the timeout, not by a timing assertion).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { ReachResult } from "../src/analyze/reach.ts";
import { checkTemplate } from "../src/check.ts";
import { parseIntents } from "../src/intents/parse.ts";
import { parseTemplateText } from "../src/load/cfn/parse.ts";
import { LoadError } from "../src/load/errors.ts";
import { readBounded } from "../src/load/read.ts";
import { escapeControl, escapeStrings, jsonBytes, jsonPieces, jsonText } from "../src/report/escape.ts";
import { renderText } from "../src/report/text.ts";
import { runCli } from "./support/cli-helpers.ts";
import { ROOT } from "./support/helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "lambda-egress-hardening-"));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const EXAMPLE = "examples/nat-gateway-per-az/template.yaml";
const BIN = join(ROOT, "bin", "lambda-egress.js");

interface Spawned {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The CLI in a child process, killed after `timeoutMs` (which fails the test: nothing here may take that long). */
function cli(args: readonly string[], timeoutMs = 60_000, input?: string): Spawned {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: timeoutMs,
    env: { ...process.env, NO_COLOR: "1" },
    maxBuffer: 256 * 1024 * 1024,
    ...(input !== undefined ? { input } : {}),
  });
  assert.equal(r.error, undefined, `lambda-egress ${args.join(" ")} did not finish in ${timeoutMs} ms`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 and exactly this first line on stderr, no stack trace. */
function expectError(r: Spawned | { code: number; stdout: string; stderr: string }, firstLine: string | RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  const first = r.stderr.split("\n")[0] ?? "";
  if (typeof firstLine === "string") assert.equal(first, firstLine);
  else assert.match(first, firstLine);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  assert.ok(r.stderr.trim().split("\n").length <= 2, r.stderr);
}

describe("YAML aliases are resolved once (linear)", () => {
  it("50,000 aliases of one anchor load at once (they took minutes: each alias walked the whole document)", () => {
    const lines = ["Mappings:", "  M:", "    K: &tag Team", "Resources:", "  Vpc:", "    Type: AWS::EC2::VPC", "    Properties:"];
    lines.push("      CidrBlock: 10.0.0.0/16", "      Tags:");
    for (let i = 0; i < 50_000; i++) lines.push("        - *tag");
    const path = file("aliases.yaml", `${lines.join("\n")}\n`);
    const r = cli(["check", path]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.split("\n")[0], `${path}  (region us-east-1)`);
    const parsed = parseTemplateText("aliases.yaml", readFileSync(path, "utf8"));
    const tags = (parsed.value as { Resources: { Vpc: { Properties: { Tags: unknown[] } } } }).Resources.Vpc.Properties.Tags;
    assert.equal(tags.length, 50_000);
    assert.ok(tags.every((t) => t === "Team"));
  });
  it("an alias takes the last anchor of its name before it, as YAML says", () => {
    const parsed = parseTemplateText("t.yaml", "A: &x one\nB: *x\nC: &x two\nD: *x\nE: [&y {k: v}, *y]\n");
    assert.deepEqual(parsed.value, { A: "one", B: "one", C: "two", D: "two", E: [{ k: "v" }, { k: "v" }] });
  });
  it("an alias before its anchor, or to no anchor, is an error with its line", () => {
    assert.throws(
      () => parseTemplateText("t.yaml", "Resources:\n  A: *nowhere\n"),
      (e: unknown) => e instanceof LoadError && e.code === "LOAD_SYNTAX" && e.location.line === 2 && /nowhere/.test(e.message),
    );
  });
  it("keeps the billion-laughs guard", () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 9; i++) {
      const name = String.fromCharCode(98 + i);
      lines.push(
        `${name}: &${name} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(", ")}]`,
      );
    }
    const r = cli(["check", file("bomb.yaml", `${lines.join("\n")}\nResources: {}\n`)]);
    expectError(r, /^lambda-egress: .*bomb\.yaml:\d+:\d+: YAML aliases expand to more than 100000 nodes/);
  });
});

describe("a YAML text with many errors: only the first is formatted", () => {
  it("100,000 errors on one line end at the first (each was formatted with an excerpt of the line: minutes)", () => {
    const path = file("errors.yaml", `Resources: {}\nX: ${"} ".repeat(100_000)}\n`);
    expectError(cli(["check", path]), `lambda-egress: ${path}:2:4: not valid YAML: Unexpected flow-map-end token in YAML stream: "}"`);
  });
  it("20,000 composer errors in one flow mapping end at the first", () => {
    const path = file("errors2.yaml", `Resources: {}\nX: {${"*a: 1, ".repeat(20_000)}}\n`);
    expectError(cli(["check", path]), /^lambda-egress: .*errors2\.yaml:2:\d+: not valid YAML: /);
  });
  it("an intents file and a traffic file with thousands of errors, the same", () => {
    const intents = file("errors-intents.yaml", `PartnerApiFunction: ${"} ".repeat(100_000)}\n`);
    expectError(
      cli(["check", EXAMPLE, "--expect", intents]),
      /^lambda-egress: .*errors-intents\.yaml:1:21: not valid YAML: Unexpected flow-map-end/,
    );
    const traffic = file("errors-traffic.yaml", `internet: ${"} ".repeat(30_000)}\n`);
    expectError(
      cli(["cost", EXAMPLE, "--traffic", traffic]),
      /^lambda-egress: .*errors-traffic\.yaml:1:11: is not valid YAML or JSON: Unexpected flow-map-end/,
    );
  });
});

describe("reads are bounded by the bytes read", () => {
  const refused = "is a character device, not a file";
  it("check /dev/zero, --expect /dev/zero, --traffic /dev/zero, --event /dev/zero: refused at once", () => {
    if (!existsSync("/dev/zero")) return;
    expectError(cli(["check", "/dev/zero"], 20_000), `lambda-egress: /dev/zero: ${refused}`);
    expectError(cli(["check", EXAMPLE, "--expect", "/dev/zero"], 20_000), `lambda-egress: /dev/zero: ${refused}`);
    expectError(cli(["cost", EXAMPLE, "--traffic", "/dev/zero"], 20_000), `lambda-egress: /dev/zero: ${refused}`);
    expectError(
      cli(["emulate", EXAMPLE, "--function", "PartnerApiFunction", "--invoke", "--event", "/dev/zero"], 20_000),
      "lambda-egress: --event /dev/zero: not a regular file, not a JSON file",
    );
    expectError(cli(["trace", "/dev/urandom", "--function", "F"], 20_000), `lambda-egress: /dev/urandom: ${refused}`);
  });
  it("a pipe is read up to the limit: an endless YAML stream stops at 16 MiB", () => {
    const r = spawnSync("sh", ["-c", `yes | '${process.execPath}' '${BIN}' check /dev/stdin`], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(r.error, undefined, "bounded");
    assert.equal(r.status, 2, r.stderr);
    assert.equal(
      r.stderr.split("\n")[0],
      "lambda-egress: /dev/stdin: is a YAML file larger than 16 MiB; YAML is read up to 16 MiB (CloudFormation accepts 1 MB templates)",
    );
  });
  it("a template piped in is read", () => {
    const r = cli(["check", "/dev/stdin"], 60_000, readFileSync(join(ROOT, EXAMPLE), "utf8"));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /egress IPs to allowlist: NatEipA, NatEipB/);
  });
  it("binary data in a pipe is found in the first chunk", () => {
    const r = spawnSync("sh", ["-c", `cat /dev/zero | '${process.execPath}' '${BIN}' check /dev/stdin`], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(r.error, undefined, "bounded");
    assert.equal(r.status, 2);
    assert.equal(r.stderr.split("\n")[0], "lambda-egress: /dev/stdin: is not a text file (it contains NUL bytes)");
  });
  it("the reader: limits, directories, missing files", () => {
    const p = file("small.txt", "x".repeat(100));
    assert.equal(readBounded(p, "small.txt", { maxBytes: 100 }), "x".repeat(100));
    assert.throws(() => readBounded(p, "small.txt", { maxBytes: 99 }), /is 100 bytes; at most 99 bytes are read/);
    assert.throws(
      () => readBounded(dir, "d", { maxBytes: 99 }),
      (e: unknown) => e instanceof LoadError && e.message === "is a directory, not a file",
    );
    assert.throws(
      () => readBounded(join(dir, "none"), "none", { maxBytes: 9 }),
      (e: unknown) => e instanceof LoadError && e.code === "LOAD_NOT_FOUND",
    );
  });
  it("an --event file that is not JSON is refused before anything is built", async () => {
    const r = await runCli(["emulate", EXAMPLE, "--function", "PartnerApiFunction", "--invoke", "--event", file("event.json", "{nope")]);
    expectError(r, /^lambda-egress: --event .*event\.json: not JSON \(/);
  });
});

describe("deep nesting and huge arrays: results or clear errors, never an internal error", () => {
  it("100,000 [ in YAML: nesting too deep, at its line", () => {
    const path = file(
      "deep.yaml",
      `Resources:\n  A:\n    Type: X\n    Properties:\n      P: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`,
    );
    expectError(cli(["check", path]), `lambda-egress: ${path}:5:109: nesting deeper than 100 levels`);
  });
  it("1,000,000 [ in YAML without an end, in the intents and traffic files too", () => {
    const path = file("deep-open.yaml", `a: ${"[".repeat(1_000_000)}`);
    expectError(cli(["check", path]), `lambda-egress: ${path}:1:106: nesting deeper than 100 levels`);
    const intents = file("deep-intents.yaml", `F: ${"[".repeat(100_000)}`);
    expectError(cli(["check", EXAMPLE, "--expect", intents]), `lambda-egress: ${intents}:1:106: nesting deeper than 100 levels`);
    const traffic = file("deep-traffic.yaml", `internet: ${"{a: ".repeat(10_000)}`);
    expectError(
      cli(["cost", EXAMPLE, "--traffic", traffic]),
      /^lambda-egress: .*deep-traffic\.yaml:1:\d+: is not valid YAML or JSON: nesting deeper than 100 levels$/,
    );
  });
  it("deeply nested block mappings", () => {
    const lines = ["Resources:"];
    for (let i = 1; i < 3000; i++) lines.push(`${" ".repeat(i)}k${i}:`);
    expectError(
      cli(["check", file("deep-block.yaml", `${lines.join("\n")} x\n`)]),
      /^lambda-egress: .*deep-block\.yaml:\d+:\d+: nesting deeper than 100 levels$/,
    );
  });
  it("deeply nested JSON, valid or not (jsonc-parser overflowed locating the error)", () => {
    const valid = file(
      "deep.json",
      `{"Resources": {"A": {"Type": "X", "Properties": {"P": ${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}}}}}`,
    );
    expectError(cli(["check", valid]), `lambda-egress: ${valid}:1:151: nesting deeper than 100 levels`);
    const invalid = file("deep-bad.json", `{"Resources": ${"[".repeat(1_000_000)}`);
    expectError(cli(["check", invalid]), `lambda-egress: ${invalid}:1:114: nesting deeper than 100 levels`);
  });
  it("intents: repeated keys and repeated destinations found with Sets (yaml's uniqueKeys compares every pair)", () => {
    const lines = ["PartnerApiFunction:"];
    for (let i = 1; i <= 25_000; i++) lines.push(`  internet:${i}: reachable`);
    assert.equal(parseIntents("big.yaml", `${lines.join("\n")}\n`).intents.length, 25_000);
    const small = "PartnerApiFunction:\n  internet:7: reachable\n  internet: reachable\n";
    assert.throws(
      () => parseIntents("dup.yaml", `${small}  internet:7: reachable\n`),
      (e: unknown) => e instanceof LoadError && e.location.line === 4 && e.message === "not valid YAML: Map keys must be unique",
    );
    assert.throws(
      () => parseIntents("dup.yaml", `${small}  internet:00007: unreachable\n`),
      (e: unknown) => e instanceof LoadError && e.location.line === 4 && /repeats the intent for internet:7 \(line 2\)/.test(e.message),
    );
    assert.throws(
      () => parseIntents("dup.yaml", `${small}PartnerApiFunction:\n  internet: reachable\n`),
      (e: unknown) => e instanceof LoadError && e.location.line === 4 && e.message === "not valid YAML: Map keys must be unique",
    );
  });
  it("check --expect with 25,000 intents (750 KB): the verdicts, not a stack overflow", () => {
    const lines = ["PartnerApiFunction:"];
    for (let i = 1; i <= 25_000; i++) lines.push(`  internet:${i}: unreachable`);
    const r = cli(["check", EXAMPLE, "--expect", file("intents-25k.yaml", `${lines.join("\n")}\n`)], 180_000);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, "");
    assert.match(r.stdout, /\n {2}BROKEN {2}PartnerApiFunction {2}internet:443: unreachable /);
    assert.ok(r.stdout.endsWith("\n0 errors, 0 warnings in 1 function (1 file); intents: 24999 held, 1 broken\n"), r.stdout.slice(-300));
  });
  it("a report of 60,000 results renders (push(...lines) overflowed the stack)", () => {
    const report = checkTemplate(EXAMPLE, readFileSync(join(ROOT, EXAMPLE), "utf8"), {});
    const fn = report.functions[0];
    assert.ok(fn && fn.subnets.length === 2);
    const sub = fn.subnets[0];
    const one = sub?.destinations[0];
    assert.ok(sub && one);
    const many: ReachResult[] = Array.from({ length: 30_000 }, (_, i) => ({ ...one, to: `internet:${i + 1}`, verdict: "unreachable" }));
    const summary = Object.fromEntries(many.map((d) => [d.to, "unreachable" as const]));
    const big = { ...report, functions: [{ ...fn, summary, subnets: fn.subnets.map((s) => ({ ...s, destinations: many })) }] };
    const text = renderText(big, { color: false });
    assert.match(text, /internet:30000 +unreachable/);
    assert.ok(text.split("\n").length > 150_000);
  });
  it("a template array of 300,000 items loads", () => {
    const items = Array.from({ length: 300_000 }, (_, i) => `"t${i}"`).join(",");
    const json = `{"Resources": {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16", "Tags": [${items}]}}}}`;
    const r = checkTemplate("big.json", json, {});
    assert.equal(r.functions.length, 0);
  });
});

describe("writing the output", () => {
  it("check T > /dev/full: one line, exit 2", () => {
    if (!existsSync("/dev/full")) return;
    const r = spawnSync("sh", ["-c", `'${process.execPath}' '${BIN}' check ${EXAMPLE} > /dev/full`], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, "lambda-egress: cannot write the output: no space left on the device (ENOSPC)\n");
  });
});

/** A function whose logical id holds ESC, a clear-screen sequence, a bidi override and a line feed; and such an EIP. */
const EVIL_ID = "Fn\u001b[2J\u202egnp.exe";
const EVIL_TEMPLATE = `Resources:
  "Fn\\e[2J\\u202Egnp.exe":
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: { ZipFile: "exports.handler = async () => 1" }
  "Eip\\e]0;owned\\a":
    Type: AWS::EC2::EIP
`;

/** Raw controls a template could use to drive a terminal (tab and line feed excluded: the report's own layout). */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe("control characters from a template are escaped in text output", () => {
  it("escapeControl: ESC, NUL, C1, bidi marks and line feeds become visible escapes; the rest is untouched", () => {
    assert.equal(escapeControl("a\u001b[31mb\u0000c\u009bd\u202ee\nf\tg\u00e9"), "a\\e[31mb\\x00c\\x9bd\\u202ee\\nf\tg\u00e9");
    const o = { a: "plain", b: ["x"] };
    assert.equal(escapeStrings(o), o, "nothing to escape: the same object");
    assert.deepEqual(escapeStrings({ a: "x\u001b", b: ["y", "z\u202e"] }), { a: "x\\e", b: ["y", "z\\u202e"] });
    assert.equal(jsonText({ s: "\u202e\u001b\u0085" }), '{"s":"\\u202e\\u001b\\u0085"}');
    // The bytes a command writes: the same text and a line feed, whether the report is ASCII or not.
    const text = (v: unknown) => Buffer.from(jsonBytes(v)).toString("utf8");
    assert.equal(text({ s: "plain" }), '{"s":"plain"}\n');
    assert.equal(text({ s: "caf\u00e9 \u202e\u0085" }), '{"s":"caf\u00e9 \\u202e\\u0085"}\n');
    assert.equal(Buffer.from(jsonBytes({ s: "\u00e9" }, 2)).toString("utf8"), `${jsonText({ s: "\u00e9" }, 2)}\n`);
  });
  it("jsonPieces: the bytes of jsonBytes, in pieces of at most a megabyte but for a longer element, whatever the characters", () => {
    const joined = (v: Record<string, unknown>) => {
      const pieces = [...jsonPieces(v)];
      for (const p of pieces.slice(0, -1)) assert.ok(p.length > 0);
      return { pieces, text: Buffer.concat(pieces).toString("utf8") };
    };
    // Elements of every kind around the piece boundaries: ASCII, non-ASCII kept raw, raw controls JSON.stringify leaves,
    // elements of no JSON, and one element longer than a piece (escaped: six bytes for each of its code units).
    const items: unknown[] = [];
    for (let i = 0; i < 3000; i++) {
      const k = i % 5;
      items.push(k === 0 ? { s: "x".repeat(700 + i) } : k === 1 ? { s: `caf\u00e9 ${i}` } : k === 2 ? `\u2028${i}\u0085` : k === 3 ? undefined : i);
    }
    items.push({ big: "\u202e".repeat(400_000) }, { after: "\u00e9" });
    const report = { schemaVersion: 1, items, summary: { n: "\u2066x" }, none: undefined, empty: [] };
    const { pieces, text } = joined(report);
    assert.equal(text, Buffer.from(jsonBytes(report)).toString("utf8"));
    assert.ok(pieces.length > 3, `${pieces.length} pieces`);
    assert.ok(pieces.filter((p) => p.length > 1 << 20).length === 1, "only the element longer than a piece is a piece of its own size");
    assert.doesNotMatch(text, /[\u2028\u0085\u202e\u2066]/);
    assert.deepEqual(JSON.parse(text).items.slice(1, 5), [{ s: "caf\u00e9 1" }, "\u20282\u0085", null, 4]);
    assert.equal(joined({}).text, "{}\n");
  });
  it("check: the logical ids are shown escaped; JSON keeps the id, with the bidi mark escaped", () => {
    const path = file("evil.yaml", EVIL_TEMPLATE);
    const r = cli(["check", path]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, RAW_CONTROL);
    assert.match(r.stdout, /^Function Fn\\e\[2J\\u202egnp\.exe {2}not in a VPC/m);
    const j = cli(["check", path, "--format", "json"]);
    assert.doesNotMatch(j.stdout, /[\u202e\u001b]/);
    assert.equal(JSON.parse(j.stdout).functions[0].id, EVIL_ID);
  });
  it("trace and cost text reports escape them too", () => {
    const path = file("evil2.yaml", EVIL_TEMPLATE);
    const t = cli(["trace", path, "--function", EVIL_ID]);
    assert.doesNotMatch(t.stdout + t.stderr, RAW_CONTROL);
    assert.match(t.stdout, /^Fn\\e\[2J\\u202egnp\.exe -> internet$/m);
    const c = cli(["cost", path]);
    assert.equal(c.code, 0, c.stderr);
    assert.doesNotMatch(c.stdout, RAW_CONTROL);
    assert.match(c.stdout, /Eip\\e\]0;owned\\x07/);
  });
  it("error lines escape what they quote from the template", async () => {
    const r = await runCli(["check", file("evil3.yaml", "Resources:\n  A: *x\u202eY\u0085\n")]);
    expectError(r, /^lambda-egress: .*evil3\.yaml:2:\d+: .*x\\u202eY\\x85/);
    assert.doesNotMatch(r.stderr, RAW_CONTROL);
    const t = await runCli(["trace", EXAMPLE, "--function", "No\u001b[2JSuch"]);
    assert.doesNotMatch(t.stderr, RAW_CONTROL);
  });
});
