// The CLI and bad input: one clear line (file, line, what), exit 2, never a stack trace or a hang.
import assert from "node:assert/strict";
import { closeSync, constants, createReadStream, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawn, spawnSync } from "node:child_process";
import { Socket } from "node:net";
import { after, describe, it } from "node:test";
import { generateTemplate } from "../bench/generate.ts";
import { runCli } from "./support/cli-helpers.ts";
import { checkYaml, ROOT } from "./support/helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "lambda-egress-test-"));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: string | Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

/** An error the user sees: exit 2, `lambda-egress: <file>:<line>...` and at most a hint, no stack. */
async function expectInputError(args: string[], pattern: RegExp): Promise<string> {
  const r = await runCli(args);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const lines = r.stderr.trim().split("\n");
  assert.ok(lines.length <= 2, r.stderr);
  assert.match(lines[0] as string, /^lambda-egress: /);
  assert.match(r.stderr, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  return r.stderr;
}

const EXAMPLE = "examples/nat-gateway-per-az/template.yaml";

describe("cli", () => {
  it("checks an example: exit 0, the EIPs to allowlist", async () => {
    const r = await runCli(["check", EXAMPLE]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /PrivateSubnetA\s+us-east-1a\s+reachable\s+via NatGatewayA \(EIP NatEipA\)/);
    assert.match(r.stdout, /egress IPs to allowlist: NatEipA, NatEipB/);
    assert.doesNotMatch(r.stdout, /\u001b\[/, "NO_COLOR: no escape codes");
  });
  it("colours when forced and not when NO_COLOR is set", async () => {
    const r = await runCli(["check", EXAMPLE], { FORCE_COLOR: "1" });
    assert.match(r.stdout, /\u001b\[32mreachable/);
    const plain = await runCli(["check", EXAMPLE], { FORCE_COLOR: "1", NO_COLOR: "1" });
    assert.doesNotMatch(plain.stdout, /\u001b\[/);
  });
  it("prints JSON schemaVersion 1 with per-subnet verdicts and egress", async () => {
    const r = await runCli(["check", EXAMPLE, "--format", "json"]);
    const j = JSON.parse(r.stdout);
    assert.equal(j.schemaVersion, 1);
    const fn = j.functions[0];
    assert.deepEqual(fn.summary, { internet: "reachable" });
    assert.equal(fn.inVpc, true);
    assert.equal(fn.vpc, "Vpc");
    assert.deepEqual(
      fn.subnets.map((s: { subnet: string; az: string; destinations: { egress: unknown[] }[] }) => [
        s.subnet,
        s.az,
        s.destinations[0]?.egress,
      ]),
      [
        ["PrivateSubnetA", "us-east-1a", [{ via: "NatGatewayA", publicIp: null, eip: "NatEipA" }]],
        ["PrivateSubnetB", "us-east-1b", [{ via: "NatGatewayB", publicIp: null, eip: "NatEipB" }]],
      ],
    );
    assert.ok(Array.isArray(j.findings) && Array.isArray(j.diagnostics));
  });
  it("exits 1 on error findings and follows --fail-on", async () => {
    const bad = "test/fixtures/function-in-public-subnet/template.yaml";
    assert.equal((await runCli(["check", bad])).code, 1);
    assert.equal((await runCli(["check", bad, "--fail-on", "none"])).code, 0);
    const warnOnly = "examples/single-nat-gateway/template.yaml";
    assert.equal((await runCli(["check", warnOnly])).code, 0);
    assert.equal((await runCli(["check", warnOnly, "--fail-on", "warning"])).code, 1);
  });
  it("takes --to, --param and --region", async () => {
    const r = await runCli([
      "check",
      EXAMPLE,
      "--to",
      "internet:8443",
      "--to",
      "203.0.113.10:22",
      "--region",
      "ap-northeast-1",
      "--format",
      "json",
    ]);
    const j = JSON.parse(r.stdout);
    // The example's security group lets only TCP 443 out.
    assert.deepEqual(j.functions[0].summary, { "internet:8443": "unreachable", "203.0.113.10/32:22": "unreachable" });
    assert.equal(j.functions[0].subnets[0].destinations[0].code, "ENI_SG_RULES_MISMATCH");
    const open = JSON.parse(
      (await runCli(["check", "test/fixtures/single-nat-public-and-private/template.yaml", "--to", "203.0.113.10:22", "--format", "json"]))
        .stdout,
    );
    assert.equal(open.functions.find((f: { id: string }) => f.id === "ApiClientFunction").summary["203.0.113.10/32:22"], "reachable");
    assert.equal(j.functions[0].subnets[1].az, "ap-northeast-1c");
  });
  it("help and version", async () => {
    assert.equal((await runCli(["--help"])).code, 0);
    assert.match((await runCli(["--version"])).stdout, /^\d+\.\d+\.\d+\n$/);
  });

  it("stops quietly when the reader closes the pipe early (| head)", () => {
    // A report larger than the pipe's buffer, read by a shell pipeline that takes one line.
    const big = file("many.json", JSON.stringify(generateTemplate({ vpcs: 40, functionsPerVpc: 2 })));
    const r = spawnSync("sh", ["-c", `node bin/lambda-egress.js check '${big}' --format json | head -c 10`], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(r.stdout, '{\n  "schem');
    assert.equal(r.stderr, "", "no write error");
  });
});

describe("the output's file descriptor", () => {
  // The launcher writes to file descriptor 1 itself (write(2), as Node does for files, terminals and pipes on Linux),
  // not through process.stdout.
  const many = () => file("many-fd.json", JSON.stringify(generateTemplate({ vpcs: 40, functionsPerVpc: 2 })));

  it("a non-blocking pipe that fills up (EAGAIN): the whole report, in order, exit as usual", { skip: process.platform === "win32" }, async () => {
    const big = many();
    const expected = spawnSync(process.execPath, ["bin/lambda-egress.js", "check", big, "--format", "json"], { cwd: ROOT });
    assert.equal(expected.status, 0, String(expected.stderr));
    assert.ok(expected.stdout.length > 1 << 17, "more than a pipe's buffer");
    // A pipe whose open file is non-blocking, as another program may leave a shared stdout: the child's writes meet
    // EAGAIN once the pipe is full. (libuv makes a child's stdio blocking as it starts it: the flag is set after, on
    // the same open file, by the parent's own socket on it.)
    const fifo = join(dir, "out.fifo");
    assert.equal(spawnSync("mkfifo", [fifo]).status, 0);
    const keepOpen = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    const reader = openSync(fifo, constants.O_RDONLY);
    const child = spawn(process.execPath, ["bin/lambda-egress.js", "check", big, "--format", "json"], {
      cwd: ROOT,
      stdio: ["ignore", writer, "pipe"],
    });
    // libuv opens a pipe non-blocking: the socket is only for that, and closes the parent's copy of the descriptor.
    new Socket({ fd: writer, readable: false, writable: true }).destroy();
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    // Nobody reads for a while: the pipe fills and the child's write meets EAGAIN.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const chunks: Buffer[] = [];
    for await (const c of createReadStream("", { fd: reader })) chunks.push(c as Buffer);
    closeSync(keepOpen);
    assert.equal(await exited, 0, stderr);
    assert.equal(stderr, "");
    assert.ok(Buffer.concat(chunks).equals(expected.stdout), "the same bytes as through a blocking pipe");
  });

  it("a JSON report is written without Node's stream objects: neither net nor tty is loaded", () => {
    const hook = file("modules-hook.cjs", `process.on("exit", () => require("node:fs").writeSync(2, JSON.stringify(process.moduleLoadList)));`);
    const r = spawnSync(process.execPath, ["--require", hook, "bin/lambda-egress.js", "check", EXAMPLE, "--format", "json"], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).schemaVersion, 1);
    const loaded = JSON.parse(r.stderr) as string[];
    assert.ok(loaded.length > 20, "the hook saw Node's module list");
    assert.deepEqual(
      loaded.filter((m) => /^NativeModule (net|tty|internal\/fs\/sync_write_stream)$/.test(m)),
      [],
    );
    // The text report asks whether stdout is a terminal (colour): it is not, here.
    const text = spawnSync(process.execPath, ["bin/lambda-egress.js", "check", EXAMPLE], { cwd: ROOT, encoding: "utf8" });
    assert.equal(text.status, 0, text.stderr);
    assert.doesNotMatch(text.stdout, /\u001b\[/);
  });
});

describe("bad input", () => {
  it("usage errors", async () => {
    await expectInputError(["frobnicate"], /unknown command "frobnicate"/);
    await expectInputError(["check"], /check needs a template file/);
    await expectInputError(["check", EXAMPLE, "--bogus"], /unknown option --bogus$/m);
    await expectInputError(["check", EXAMPLE, "--to", "moon"], /"moon" is not a destination/);
    await expectInputError(["check", EXAMPLE, "--to", "internet:99999"], /not a port/);
    await expectInputError(["check", EXAMPLE, "--param", "novalue"], /--param novalue: use NAME=VALUE/);
    await expectInputError(["check", EXAMPLE, "--format", "xml"], /--format xml/);
    await expectInputError(["check", EXAMPLE, "--region", "mars"], /not a region name/);
  });
  it("missing file, directory, binary file", async () => {
    await expectInputError(["check", join(dir, "nope.yaml")], /nope\.yaml: no such file/);
    // A directory is read as a CDK cloud assembly (see cdk-assembly.test.ts); this one has no manifest.json.
    await expectInputError(["check", dir], /: is a directory without manifest\.json: not a CDK cloud assembly\n {2}hint: run `cdk synth`/);
    await expectInputError(["check", file("bin.yaml", Buffer.from([0x41, 0, 0x42]))], /not a text file/);
  });
  it("malformed YAML names the line", async () => {
    await expectInputError(["check", file("bad.yaml", "Resources:\n  A:\n    Type: [unclosed\n")], /bad\.yaml:\d+:\d+: not valid YAML/);
  });
  it("malformed JSON names the line and column", async () => {
    await expectInputError(
      ["check", file("bad.json", '{\n  "Resources": {\n    "A": { "Type": }\n  }\n}\n')],
      /bad\.json:3:\d+: not valid JSON/,
    );
  });
  it("not a template", async () => {
    await expectInputError(["check", file("list.yaml", "- a\n- b\n")], /not a CloudFormation or SAM template/);
    await expectInputError(["check", file("res.yaml", "Resources: [1, 2]\n")], /res\.yaml:1:1: Resources must be a map/);
  });
  it("deep nesting, in YAML and JSON", async () => {
    const deepYaml = `Resources:\n  A:\n    Type: X\n    Properties:\n      P: ${"[".repeat(5000)}${"]".repeat(5000)}\n`;
    await expectInputError(["check", file("deep.yaml", deepYaml)], /deep\.yaml:5:\d+: nesting (deeper than 100 levels|too deep to read)/);
    const deepJson = `{"Resources": {"A": {"Type": "X", "Properties": {"P": ${"[".repeat(100000)}${"]".repeat(100000)}}}}}`;
    await expectInputError(["check", file("deep.json", deepJson)], /deep\.json:1:\d+: nesting deeper than 100 levels/);
  });
  it("a YAML alias bomb stops at once", async () => {
    const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 0; i < 9; i++)
      lines.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(", ")}]`,
      );
    const t0 = Date.now();
    await expectInputError(
      ["check", file("bomb.yaml", `${lines.join("\n")}\nResources: {}\n`)],
      /bomb\.yaml:\d+:\d+: YAML aliases expand to more than/,
    );
    assert.ok(Date.now() - t0 < 5000);
  });
  it("a 50 MB YAML file is refused without reading it", async () => {
    const big = file("big.yaml", `Resources:\n${"  # padding padding padding padding padding padding padding padding\n".repeat(800_000)}`);
    await expectInputError(["check", big], /big\.yaml: is a 5\d MiB YAML file; YAML is read up to 16 MiB/);
  });
  it("a template with no functions: exit 0 and the subnets' view", async () => {
    const r = await runCli([
      "check",
      file(
        "none.yaml",
        "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.0.0/24\n      AvailabilityZone: eu-west-1a\n",
      ),
    ]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /No Lambda functions in this template/);
    assert.match(r.stdout, /S\s+eu-west-1a\s+internet\s+unreachable\s+NO_ROUTE_TO_DESTINATION/);
  });
});

describe("bad template content becomes diagnostics, not crashes", () => {
  const base = (extra: string) => `Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Role: x\n${extra}`;
  it("unknown intrinsic", () => {
    const r = checkYaml(base("      FunctionName: !Frobnicate x\n"));
    assert.ok(r.diagnostics.some((d) => d.code === "LOAD_UNKNOWN_INTRINSIC" && d.location.line === 6 && /Fn::Frobnicate/.test(d.message)));
  });
  it("Ref to nothing", () => {
    const r = checkYaml(base("      VpcConfig:\n        SubnetIds: [!Ref Ghost]\n        SecurityGroupIds: []\n"));
    const d = r.diagnostics.find((x) => x.code === "LOAD_REF_NOT_FOUND");
    assert.ok(d && /Ghost/.test(d.message) && d.resource === "Fn");
    assert.deepEqual(r.functions[0]?.summary, { internet: "unknown" });
  });
  it("condition cycle", () => {
    const r = checkYaml(`Conditions:\n  A: !Condition B\n  B: !Condition A\n${base("    Condition: A\n")}`);
    assert.ok(r.diagnostics.some((d) => d.code === "LOAD_CYCLE"));
  });
  it("Fn::GetAtt cycle between resources", () => {
    const r = checkYaml(
      "Resources:\n  V:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !GetAtt S.CidrBlock\n  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref V\n      CidrBlock: !GetAtt V.CidrBlock\n",
    );
    assert.ok(r.diagnostics.some((d) => d.code === "LOAD_CYCLE"));
  });
  it("Fn::Cidr asking for too many blocks", () => {
    const r = checkYaml(base("      FunctionName: !Select [0, !Cidr [10.0.0.0/24, 300, 8]]\n"));
    assert.ok(r.diagnostics.some((d) => d.code === "LOAD_BAD_INTRINSIC" && /count must be/.test(d.message)));
  });
});
