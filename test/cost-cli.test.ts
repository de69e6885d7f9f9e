// `lambda-egress cost`: text and JSON output with the prices' dates, --traffic, --compare, bad input.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "./support/cli-helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "lambda-egress-cost-"));
after(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

const PER_AZ = "examples/nat-gateway-per-az/template.yaml";

async function expectError(args: string[], pattern: RegExp): Promise<void> {
  const r = await runCli(args);
  assert.equal(r.code, 2, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
  const lines = r.stderr.trim().split("\n");
  assert.ok(lines.length <= 2, r.stderr);
  assert.match(lines[0] as string, /^lambda-egress: /);
  assert.match(lines[0] as string, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
  assert.equal(r.stdout, "");
}

describe("cli: cost", () => {
  it("prints the items, the total and the prices' dates (two NAT gateways in Tokyo: 97.82)", async () => {
    const r = await runCli(["cost", PER_AZ, "--region", "ap-northeast-1"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /monthly cost in ap-northeast-1 \(730 hours a month\), fixed costs only/);
    assert.match(r.stdout, /NatGatewayA\s+NAT gateway \(public\), per hour\s+45\.26\s+2026-09-27\n/);
    assert.match(r.stdout, /NatEipB\s+public IPv4 address \(Elastic IP\), in use or idle\s+3\.65\s+2026-07-24\n/);
    assert.match(r.stdout, /\n {2}TOTAL 97\.82 USD\/month\n/);
    assert.match(r.stdout, /Prices seen 2026-07-24 to 2026-09-27;/);
  });
  it("prints JSON: region, monthlyUsd, items with resource, what, monthlyUsd, plus dates and notes", async () => {
    const r = await runCli(["cost", PER_AZ, "--region", "ap-northeast-1", "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(Object.keys(j)[0], "schemaVersion");
    assert.equal(j.schemaVersion, 1);
    assert.equal(j.region, "ap-northeast-1");
    assert.equal(j.monthlyUsd, 97.82);
    assert.deepEqual(
      j.items.map((i: { resource: string; what: string; monthlyUsd: number }) => [i.resource, i.what, i.monthlyUsd]),
      [
        ["NatEipA", "public IPv4 address (Elastic IP), in use or idle", 3.65],
        ["NatEipB", "public IPv4 address (Elastic IP), in use or idle", 3.65],
        ["NatGatewayA", "NAT gateway (public), per hour", 45.26],
        ["NatGatewayB", "NAT gateway (public), per hour", 45.26],
      ],
    );
    assert.deepEqual(Object.keys(j), [
      "schemaVersion",
      "region",
      "monthlyUsd",
      "items",
      "currency",
      "lowerBound",
      "hoursPerMonth",
      "pricesSeen",
      "notes",
    ]);
    assert.equal(j.items[2].priceSeen, "2026-09-27");
    assert.equal(j.items[2].unitUsd, 0.062);
    assert.match(j.items[2].priceSource, /^AWS Price List AmazonEC2\/current\/ap-northeast-1\/index\.json APN1-NatGateway-Hours/);
    assert.deepEqual(j.pricesSeen, { oldest: "2026-07-24", newest: "2026-09-27", undated: 0 });
  });
  it("takes traffic inline and from a YAML file, with the same result", async () => {
    const inline = await runCli([
      "cost",
      PER_AZ,
      "--traffic",
      "internet=100,internet-in=400,s3=500,sqs=50,free-internet=100",
      "--format",
      "json",
    ]);
    const path = file("traffic.yaml", "# GB per month\ninternet: 100\ninternet-in: 400\ns3: 500\nsqs: 50\nfree-internet: 100\n");
    const fromFile = await runCli(["cost", PER_AZ, "--traffic", path, "--format", "json"]);
    assert.equal(inline.code, 0, inline.stderr);
    assert.equal(JSON.parse(inline.stdout).monthlyUsd, 120.25);
    assert.equal(fromFile.stdout, inline.stdout);
  });
  it("a traffic file may give a function its own traffic; a function not in the template is refused", async () => {
    const own = file(
      "own.yaml",
      "functions:\n  WebFetchFunction: { internet: 100, internet-in: 400, s3: 500, sqs: 50 }\nfree-internet: 100\n",
    );
    const r = await runCli(["cost", "examples/single-nat-gateway/template.yaml", "--traffic", own, "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.monthlyUsd, 94.25);
    assert.ok(j.notes.includes("WebFetchFunction's own traffic is split evenly among its subnets"));
    const compared = await runCli(["cost", "examples/single-nat-gateway/template.yaml", "--traffic", own, "--compare", "--format", "json"]);
    assert.equal(compared.code, 0, compared.stderr);
    assert.deepEqual(
      JSON.parse(compared.stdout).designs.map((d: { monthlyUsd: number }) => d.monthlyUsd),
      [15.1, 16.74, 66.75, 97.75, 97.75],
    );
    await expectError(
      ["cost", "examples/single-nat-gateway/template.yaml", "--traffic", file("other.yaml", "functions:\n  Nope: { internet: 1 }\n")],
      /^lambda-egress: the traffic names function Nope, which is not in the template \(its functions: WebFetchFunction\)$/,
    );
    await expectError(
      ["cost", PER_AZ, "--traffic", file("nested.yaml", "functions:\n  F: { free-internet: 1 }\n")],
      /nested\.yaml: functions: F: free-internet and cross-az-sides apply to the whole template/,
    );
    await expectError(["cost", PER_AZ, "--traffic", "functions=1"], /"functions" is not a traffic class/);
  });
  it("marks unknowns and a lower bound in text", async () => {
    const r = await runCli(["cost", "examples/nat-instance/template.yaml"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /TOTAL 11\.24 USD\/month at least: 1 item unknown\n/);
    assert.match(r.stdout, /Unknown \(not in the total\):\n {2}NatInstance: root EBS volume: its size and type come from the AMI/);
  });
  it("--compare: cheapest first, what each gives up, the break-even", async () => {
    const r = await runCli([
      "cost",
      "examples/single-nat-gateway/template.yaml",
      "--compare",
      "--traffic",
      "internet=100,internet-in=400,s3=500,sqs=50,free-internet=100",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.split("\n").filter((l) => /^ {2}(endpoints|nat-|shared-|regional-)/.test(l));
    assert.deepEqual(
      rows.map((l) => l.replace(/\s+/g, " ").trim()),
      [
        "endpoints: s3, sqs 15.10 no general internet; no fixed egress IP [does not meet the need]",
        "nat-instance + s3 endpoint 16.74+ no AZ failover (one NAT in one AZ; the other AZs' traffic crosses AZs)",
        "shared-nat-gateway + s3 endpoint 66.75 no AZ failover (one NAT in one AZ; the other AZs' traffic crosses AZs)",
        "nat-gateway + s3 endpoint 97.75 nothing",
        "regional-nat-gateway + s3 endpoint 97.75 nothing",
      ],
    );
    assert.match(
      r.stdout,
      /sqs: 417\.14 \(2 AZ x 730 h x 0\.01 = 14\.60 USD\/month, saved 0\.035 USD per GB; at 50 GB the NAT is cheaper\)/,
    );
    const j = JSON.parse((await runCli(["cost", "examples/single-nat-gateway/template.yaml", "--compare", "--format", "json"])).stdout);
    assert.equal(j.schemaVersion, 1);
    // Without traffic the function uses no AWS service: the endpoints pattern has nothing to serve.
    assert.deepEqual(
      j.designs.map((d: { pattern: string }) => d.pattern),
      ["nat-instance", "shared-nat-gateway", "nat-gateway", "regional-nat-gateway"],
    );
    assert.ok(j.notes.includes("endpoints: not compared, the functions use no AWS service"));
  });
  it("--compare --expect FILE: the intents file states the needs; --expect alone and a bad intents file are refused", async () => {
    const intents = file("intents.yaml", "WebFetchFunction:\n  internet: unreachable\n  aws:s3: reachable\n");
    const j = JSON.parse(
      (await runCli(["cost", "examples/single-nat-gateway/template.yaml", "--compare", "--expect", intents, "--format", "json"])).stdout,
    );
    assert.equal(j.needs.internet, false);
    assert.deepEqual(j.needs.services, ["s3"]);
    await expectError(["cost", "examples/single-nat-gateway/template.yaml", "--expect", intents], /--expect goes with --compare/);
    await expectError(
      [
        "cost",
        "examples/single-nat-gateway/template.yaml",
        "--compare",
        "--expect",
        file("bad.yaml", "WebFetchFunction:\n  internet: maybe\n"),
      ],
      /bad\.yaml:2:/,
    );
  });
  it("cost --help and the main help name the command", async () => {
    const h = await runCli(["cost", "--help"]);
    assert.equal(h.code, 0);
    assert.match(h.stdout, /^Usage:\n {2}lambda-egress cost TEMPLATE/);
    const main = await runCli(["--help"]);
    assert.match(main.stdout, /lambda-egress cost TEMPLATE \[--region R\]/);
    const unknown = await runCli(["costs"]);
    assert.match(
      unknown.stderr,
      /unknown command "costs" \(did you mean cost\?\); the commands are check, trace, new, cost, scan, emulate, explain, help/,
    );
  });
  it("bad input: one line, exit 2", async () => {
    await expectError(
      ["cost", PER_AZ, "--region", "eu-south-2"],
      /no price data for region eu-south-2; prices are known for ap-northeast-1, .*us-east-1/,
    );
    await expectError(["cost", PER_AZ, "--region", "Tokyo"], /--region Tokyo is not a region name/);
    await expectError(["cost"], /cost needs a template file/);
    await expectError(["cost", PER_AZ, PER_AZ], /cost takes one template, not 2/);
    await expectError(["cost", PER_AZ, "--format", "sarif"], /--format sarif: use text or json/);
    await expectError(["cost", PER_AZ, "--bogus"], /unknown option --bogus$/m);
    await expectError(["cost", PER_AZ, "--traffic", "internet=lots"], /internet: "lots" is not a number of GB/);
    await expectError(["cost", PER_AZ, "--traffic", "nothing-here.yaml"], /nothing-here\.yaml: no such file/);
    await expectError(["cost", PER_AZ, "--traffic", file("t.yaml", "internet: [1\n")], /t\.yaml:2:1: is not valid YAML or JSON/);
    await expectError(["cost", PER_AZ, "--traffic", file("u.yaml", "internett: 5\n")], /u\.yaml: "internett" is not a traffic class/);
    await expectError(["cost", "missing.yaml"], /missing\.yaml: no such file/);
    await expectError(["cost", "examples"], /examples: is a directory/);
    await expectError(["cost", file("bad.yaml", "Resources: [\n")], /bad\.yaml/);
  });
});
