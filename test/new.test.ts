// `lambda-egress new`: every pattern, AZ count, endpoint set and format, checked by our own analyzer
// with exact verdicts; and the CLI (stdout, -o, --force, bad options).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { renderCdkApp } from "../src/generate/cdk-app.ts";
import type { PatternName } from "../src/generate/patterns.ts";
import { PATTERNS, resolvePatternOptions } from "../src/generate/patterns.ts";
import type { TemplateFormat } from "../src/generate/template.ts";
import { buildTemplate, FUNCTION_ID, renderTemplate, TEMPLATE_FORMATS } from "../src/generate/template.ts";
import type { CheckReport } from "../src/check.ts";
import { checkTemplate } from "../src/check.ts";
import { ROOT } from "./support/helpers.ts";

const SUFFIXES = ["A", "B", "C"] as const;

function generate(pattern: PatternName, azs: number, endpoints: string[], format: TemplateFormat, eipAllocations: string[] = []): string {
  const r = resolvePatternOptions({ pattern, azs, endpoints, eipAllocations });
  if ("errors" in r) throw new Error(r.errors.join("; "));
  return renderTemplate(buildTemplate(r.options, format));
}

interface Expected {
  to: string;
  verdict: string;
  code?: string;
  egress: { via: string; publicIp: string | null; eip: string | null }[];
}

/** Where the public IPv4 internet leaves from, for the function subnet of AZ `i`. */
function internetVerdict(pattern: PatternName, i: number, allocations: readonly string[]): Expected {
  const x = SUFFIXES[i] as string;
  const eip = (index: number, id: string) => allocations[index] ?? id;
  const via = (nat: string, e: string | null) => ({ to: "internet", verdict: "reachable", egress: [{ via: nat, publicIp: null, eip: e }] });
  switch (pattern) {
    case "nat-gateway":
    case "dual-stack":
      return via(`NatGateway${x}`, eip(i, `NatEip${x}`));
    case "shared-nat-gateway":
      return via("NatGatewayA", eip(0, "NatEipA"));
    case "regional-nat-gateway":
      return via("NatGateway", eip(0, "NatEip"));
    case "nat-instance":
      return via("NatInstance", eip(0, "NatEip"));
    case "managed-instances-public":
      return via("CapacityProvider", null);
    case "endpoints":
      return { to: "internet", verdict: "unreachable", code: "NO_ROUTE_TO_DESTINATION", egress: [] };
  }
}

/** The exact per-subnet verdicts the pattern promises, for the destinations `to`. */
function expectedSubnets(pattern: PatternName, azs: number, endpoints: readonly string[], allocations: readonly string[] = []) {
  const prefix = pattern === "managed-instances-public" ? "PublicSubnet" : "PrivateSubnet";
  return SUFFIXES.slice(0, azs).map((x, i) => {
    const destinations: Expected[] = [internetVerdict(pattern, i, allocations)];
    if (pattern === "dual-stack") destinations.push({ to: "internet6", verdict: "reachable", egress: [] });
    for (const s of endpoints) destinations.push({ to: `aws:${s}`, verdict: "reachable", egress: [] });
    return { subnet: `${prefix}${x}`, az: `us-east-1${x.toLowerCase()}`, destinations };
  });
}

function destinationsOf(pattern: PatternName, endpoints: readonly string[]): string[] {
  return ["internet", ...(pattern === "dual-stack" ? ["internet6"] : []), ...endpoints.map((s) => `aws:${s}`)];
}

function actualSubnets(report: CheckReport) {
  const fn = report.functions.find((f) => f.id === FUNCTION_ID);
  assert.ok(fn, `function ${FUNCTION_ID} in the report`);
  return fn.subnets.map((s) => ({
    subnet: s.subnet,
    az: s.az,
    destinations: s.destinations.map((d) => ({
      to: d.to,
      verdict: d.verdict,
      ...(d.code !== undefined && d.verdict !== "reachable" ? { code: d.code } : {}),
      egress: d.egress.map((e) => ({ via: e.via, publicIp: e.publicIp, eip: e.eip })),
    })),
  }));
}

/** The findings each pattern is expected to raise: warnings only, and only these. */
function expectedFindings(pattern: PatternName, azs: number): string[] {
  if (azs === 1) return ["warning:function-single-az:DemoFunction"];
  if (pattern === "shared-nat-gateway" && azs > 1) return ["warning:nat-gateway-cross-az:DemoFunction"];
  return [];
}

function endpointSets(pattern: PatternName): string[][] {
  return pattern === "endpoints" ? [["s3"], ["lambda", "dynamodb"], ["s3", "sqs"]] : [[], ["s3"], ["lambda", "dynamodb"]];
}

describe("new: every pattern passes our own check with the verdicts it promises", () => {
  for (const pattern of PATTERNS) {
    for (const azs of [1, 2, 3]) {
      for (const endpoints of endpointSets(pattern)) {
        for (const format of TEMPLATE_FORMATS) {
          const label = `${pattern} --azs ${azs}${endpoints.length ? ` --endpoints ${endpoints.join(",")}` : ""} --format ${format}`;
          it(label, () => {
            const text = generate(pattern, azs, endpoints, format);
            const report = checkTemplate(`${pattern}.yaml`, text, { to: destinationsOf(pattern, endpoints) });
            assert.deepEqual(
              report.diagnostics.filter((d) => d.severity !== "info"),
              [],
            );
            assert.deepEqual(report.findings.map((f) => `${f.severity}:${f.rule}:${f.resource}`).sort(), expectedFindings(pattern, azs));
            assert.equal(report.functions.length, 1);
            assert.equal(report.functions[0]?.inVpc, true);
            assert.deepEqual(actualSubnets(report), expectedSubnets(pattern, azs, endpoints));
          });
        }
      }
    }
  }
});

describe("new: details of the patterns", () => {
  it("nat-gateway --azs 2: two distinct EIPs, each subnet through its own AZ's NAT", () => {
    const report = checkTemplate("t.yaml", generate("nat-gateway", 2, [], "cloudformation"), {});
    const egress = actualSubnets(report).map((s) => [s.subnet, s.destinations[0]?.egress]);
    assert.deepEqual(egress, [
      ["PrivateSubnetA", [{ via: "NatGatewayA", publicIp: null, eip: "NatEipA" }]],
      ["PrivateSubnetB", [{ via: "NatGatewayB", publicIp: null, eip: "NatEipB" }]],
    ]);
  });
  it("shared-nat-gateway --azs 3: one EIP for all", () => {
    const report = checkTemplate("t.yaml", generate("shared-nat-gateway", 3, [], "sam"), {});
    const eips = new Set(actualSubnets(report).flatMap((s) => s.destinations.flatMap((d) => d.egress.map((e) => e.eip))));
    assert.deepEqual([...eips], ["NatEipA"]);
  });
  const allocations: [PatternName, string[]][] = [
    ["nat-gateway", ["eipalloc-0123456789abcdef0", "eipalloc-0123456789abcdef1"]],
    ["dual-stack", ["eipalloc-0123456789abcdef0", "eipalloc-0123456789abcdef1"]],
    ["shared-nat-gateway", ["eipalloc-0123456789abcdef0"]],
    ["regional-nat-gateway", ["eipalloc-0123456789abcdef0"]],
    ["nat-instance", ["eipalloc-0123456789abcdef0"]],
  ];
  for (const [pattern, ids] of allocations) {
    for (const format of TEMPLATE_FORMATS) {
      it(`${pattern} --eip-allocations ${ids.join(",")} --format ${format}: egress from the given allocations, no new EIP`, () => {
        const text = generate(pattern, 2, [], format, ids);
        const template = buildTemplate(
          (resolvePatternOptions({ pattern, azs: 2, eipAllocations: ids }) as { options: never }).options,
          format,
        );
        const types = Object.values(template.Resources as Record<string, { Type: string }>).map((r) => r.Type);
        assert.equal(types.includes("AWS::EC2::EIP"), false);
        const report = checkTemplate("t.yaml", text, { to: destinationsOf(pattern, []) });
        assert.deepEqual(actualSubnets(report), expectedSubnets(pattern, 2, [], ids));
        assert.deepEqual(
          Object.values(template.Outputs as Record<string, { Value: unknown }>)
            .map((o) => o.Value)
            .filter((v) => typeof v === "string" && v.startsWith("eipalloc-")),
          ids.slice(0, pattern === "nat-gateway" || pattern === "dual-stack" ? 2 : 1),
        );
      });
    }
  }
  it("endpoints --endpoints lambda,dynamodb: no internet, no public AWS service, only the endpoints", () => {
    const report = checkTemplate("t.yaml", generate("endpoints", 2, ["lambda", "dynamodb"], "cloudformation"), {
      to: ["internet", "internet6", "aws:lambda", "aws:dynamodb", "aws:sqs"],
    });
    for (const s of report.functions[0]?.subnets ?? []) {
      const v = Object.fromEntries(s.destinations.map((d) => [d.to, [d.verdict, d.reason]]));
      assert.deepEqual(v["aws:lambda"], ["reachable", "through interface endpoint LambdaEndpoint (private DNS)"]);
      assert.deepEqual(v["aws:dynamodb"], ["reachable", "through gateway endpoint DynamodbEndpoint"]);
      assert.equal(v["internet"]?.[0], "unreachable");
      assert.equal(v["internet6"]?.[0], "unreachable");
      assert.equal(v["aws:sqs"]?.[0], "unreachable");
    }
    assert.deepEqual(report.functions[0]?.summary, {
      internet: "unreachable",
      internet6: "unreachable",
      "aws:lambda": "reachable",
      "aws:dynamodb": "reachable",
      "aws:sqs": "unreachable",
    });
  });
  it("the default destinations of check: internet6 for dual-stack, aws:SERVICE for each endpoint", () => {
    const report = checkTemplate("t.yaml", generate("dual-stack", 2, ["s3", "lambda"], "sam"), {});
    assert.deepEqual(report.functions[0]?.summary, {
      internet: "reachable",
      internet6: "reachable",
      "aws:lambda": "reachable",
      "aws:s3": "reachable",
    });
  });
  it("the template's shape: role with the ENI actions inline, the demo function, nothing the pattern does not need", () => {
    const t = buildTemplate(
      (resolvePatternOptions({ pattern: "regional-nat-gateway", azs: 2 }) as { options: never }).options,
      "cloudformation",
    ) as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    const nat = t.Resources.NatGateway;
    assert.equal(nat?.Properties.AvailabilityMode, "regional");
    assert.equal(nat?.Properties.SubnetId, undefined);
    assert.deepEqual(nat?.Properties.VpcId, { Ref: "Vpc" });
    assert.equal(
      Object.keys(t.Resources).some((id) => id.startsWith("PublicSubnet")),
      false,
    );
    const role = t.Resources.FunctionRole?.Properties as { Policies: { PolicyDocument: { Statement: { Action: string[] }[] } }[] };
    assert.deepEqual(role.Policies[0]?.PolicyDocument.Statement[0]?.Action, [
      "ec2:CreateNetworkInterface",
      "ec2:DescribeNetworkInterfaces",
      "ec2:DeleteNetworkInterface",
      "ec2:DescribeSubnets",
      "ec2:AssignPrivateIpAddresses",
      "ec2:UnassignPrivateIpAddresses",
    ]);
    assert.equal(t.Resources.DemoFunction?.Type, "AWS::Lambda::Function");
    assert.equal(t.Resources.DemoFunction?.Properties.Runtime, "nodejs22.x");
  });
  it("renders JSON and YAML that load to the same verdicts", () => {
    const t = buildTemplate((resolvePatternOptions({ pattern: "nat-instance", azs: 2 }) as { options: never }).options, "sam");
    const a = checkTemplate("t.yaml", renderTemplate(t, "yaml"), {});
    const b = checkTemplate("t.json", renderTemplate(t, "json"), {});
    assert.deepEqual(actualSubnets(a), actualSubnets(b));
    assert.match(renderTemplate(t, "yaml"), /^AWSTemplateFormatVersion: '2010-09-09'$/m);
  });
});

const dir = mkdtempSync(join(tmpdir(), "lambda-egress-new-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("new: the text", () => {
  it("YAML and JSON parse back to the template object, and the output is deterministic", async () => {
    const { parse } = await import("yaml");
    for (const pattern of PATTERNS) {
      const r = resolvePatternOptions({ pattern, azs: 2, endpoints: ["s3", "lambda"] });
      assert.ok("options" in r);
      const t = buildTemplate(r.options, "sam");
      assert.deepEqual(parse(renderTemplate(t, "yaml")), t);
      assert.deepEqual(JSON.parse(renderTemplate(t, "json")), t);
      assert.equal(renderTemplate(buildTemplate(r.options, "sam")), renderTemplate(t));
    }
  });
  const cfnLint = spawnSync("cfn-lint", ["--version"], { encoding: "utf8" });
  it("passes cfn-lint, every pattern in both formats (skipped when cfn-lint is not installed)", { skip: cfnLint.status !== 0 }, () => {
    const lintDir = mkdtempSync(join(dir, "lint-"));
    const files: string[] = [];
    for (const pattern of PATTERNS) {
      for (const format of TEMPLATE_FORMATS) {
        const f = join(lintDir, `${pattern}-${format}.yaml`);
        writeFileSync(f, generate(pattern, 2, ["lambda", "s3"], format));
        files.push(f);
      }
    }
    const r = spawnSync("cfn-lint", files, { encoding: "utf8" });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "lambda-egress.js"), ...args], { cwd: dir, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function expectUsage(args: string[], message: string): void {
  const r = cli(args);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr.split("\n")[0], `lambda-egress: ${message}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
}

describe("new: the CLI", () => {
  it("writes the template to stdout; it loads and checks clean", () => {
    const r = cli(["new", "nat-gateway", "--azs", "2", "--endpoints", "s3"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.match(r.stdout, /^# Generated by: lambda-egress new nat-gateway --azs 2 --endpoints s3\n/);
    const report = checkTemplate("stdout.yaml", r.stdout, {});
    assert.deepEqual(actualSubnets(report), expectedSubnets("nat-gateway", 2, ["s3"]));
    assert.deepEqual(report.findings, []);
  });
  it("-o writes the file (JSON for .json), and check passes on it", () => {
    const r = cli(["new", "endpoints", "--endpoints", "lambda,dynamodb", "--format", "sam", "-o", "ep.json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^wrote ep\.json: endpoints, 2 AZ\(s\), 0 NAT\(s\), endpoints lambda, dynamodb, \d+ resources \(sam\)\n/);
    const text = readFileSync(join(dir, "ep.json"), "utf8");
    assert.equal(JSON.parse(text).Transform, "AWS::Serverless-2016-10-31");
    const check = cli(["check", "ep.json", "--format", "json"]);
    assert.equal(check.code, 0, check.stderr);
    assert.deepEqual(JSON.parse(check.stdout).functions[0].summary, {
      internet: "unreachable",
      "aws:dynamodb": "reachable",
      "aws:lambda": "reachable",
    });
  });
  it("refuses to overwrite an existing -o file without --force", () => {
    writeFileSync(join(dir, "keep.yaml"), "mine\n");
    expectUsage(["new", "nat-gateway", "-o", "keep.yaml"], "keep.yaml exists; pass --force to overwrite it");
    assert.equal(readFileSync(join(dir, "keep.yaml"), "utf8"), "mine\n");
    const r = cli(["new", "nat-gateway", "-o", "keep.yaml", "--force"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(join(dir, "keep.yaml"), "utf8"), /AWS::EC2::NatGateway/);
  });
  it("rejects a bad pattern, --azs 4, an allocation count mismatch, an unknown format: exit 2, one clear line", () => {
    expectUsage(
      ["new", "nat-gatway"],
      'unknown pattern "nat-gatway" (did you mean nat-gateway?); one of: nat-gateway, shared-nat-gateway, regional-nat-gateway, nat-instance, endpoints, dual-stack, managed-instances-public',
    );
    expectUsage(["new", "nat-gateway", "--azs", "4"], "--azs must be a whole number from 1 to 3, not 4");
    expectUsage(["new", "nat-gateway", "--azs", "two"], "--azs must be a whole number from 1 to 3, not two");
    expectUsage(
      ["new", "nat-gateway", "--azs", "3", "--eip-allocations", "eipalloc-0123456789abcdef0"],
      "the nat-gateway pattern with 3 AZ(s) has 3 NAT(s): give 3 allocation id(s), not 1",
    );
    expectUsage(
      ["new", "endpoints", "--eip-allocations", "eipalloc-0123456789abcdef0", "--endpoints", "s3"],
      "the endpoints pattern has no NAT, so it takes no --eip-allocations",
    );
    expectUsage(["new", "endpoints"], "the endpoints pattern needs --endpoints (without them the functions reach nothing outside the VPC)");
    expectUsage(["new", "nat-gateway", "--format", "pulumi"], "--format pulumi: use cloudformation, sam, cdk, terraform");
    expectUsage(
      ["new"],
      "new needs a pattern; one of: nat-gateway, shared-nat-gateway, regional-nat-gateway, nat-instance, endpoints, dual-stack, managed-instances-public",
    );
    assert.equal(existsSync(join(dir, "nat-gateway.yaml")), false);
  });
  it("--format cdk: the CDK app for the pattern, to stdout or -o", () => {
    const r = cli(["new", "nat-gateway", "--azs", "3", "--endpoints", "s3", "--format", "cdk"]);
    assert.equal(r.code, 0, r.stderr);
    const resolved = resolvePatternOptions({ pattern: "nat-gateway", azs: 3, endpoints: ["s3"] });
    assert.ok("options" in resolved);
    assert.equal(r.stdout, renderCdkApp(resolved.options));
    assert.match(r.stdout, /egress: Egress\.natGatewayPerAz\(\),\n {2}azs: 3,\n {2}endpoints: \["s3"\],/);
    const w = cli(["new", "dual-stack", "--format", "cdk", "-o", "app.mjs"]);
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stdout.split("\n")[0], "wrote app.mjs: a CDK app for dual-stack, 2 AZ(s)");
    assert.match(w.stdout, /^next: npm install aws-cdk-lib constructs lambda-egress\n {6}node app\.mjs {3}\(synthesizes into cdk\.out/m);
    assert.match(w.stdout, /npm install aws-cdk && npx cdk deploy --app "node app\.mjs"/);
    assert.match(readFileSync(join(dir, "app.mjs"), "utf8"), /dualStack: true,/);
    expectUsage(["new", "dual-stack", "--format", "cdk", "-o", "app.mjs"], "app.mjs exists; pass --force to overwrite it");
  });
  it("lists new in the main help, and the patterns in new --help", () => {
    const main = cli(["--help"]);
    assert.match(main.stdout, /lambda-egress new PATTERN/);
    const help = cli(["new", "--help"]);
    assert.equal(help.code, 0);
    for (const p of PATTERNS) assert.match(help.stdout, new RegExp(`^  ${p} `, "m"));
  });
});
