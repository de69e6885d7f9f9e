// Intents (`check --expect FILE`): real templates in, exact held/broken results, diffs and exit codes out.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { IntentResult } from "../src/intents/evaluate.ts";
import { evaluateIntents } from "../src/intents/evaluate.ts";
import { intentDestinations, parseIntents } from "../src/intents/parse.ts";
import { LoadError } from "../src/load/errors.ts";
import { runCli } from "./support/cli-helpers.ts";
import { checkYaml } from "./support/helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "lambda-egress-intents-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
/** An intents file in a temporary directory; returns its path. */
function intents(text: string): string {
  const p = join(dir, `intents-${++n}.yaml`);
  writeFileSync(p, text);
  return p;
}

const PER_AZ = "examples/nat-gateway-per-az/template.yaml";
const SINGLE = "examples/single-nat-gateway/template.yaml";
const MISROUTED = "test/fixtures/one-of-two-subnets-misrouted/template.yaml";
const PUBLIC = "test/fixtures/function-in-public-subnet/template.yaml";
const AUTO_IP = "test/fixtures/nat-instance-auto-public-ip/template.yaml";
const PARAMS = "test/fixtures/subnets-from-parameters/template.yaml";
const OUTSIDE = "test/fixtures/function-outside-vpc/template.yaml";

/** Runs `check TEMPLATE --expect INTENTS --format json` and returns the exit code and the intents. */
async function expectJson(template: string, text: string, extra: string[] = []) {
  const r = await runCli(["check", template, "--expect", intents(text), "--format", "json", ...extra]);
  assert.notEqual(r.code, 2, r.stderr);
  const j = JSON.parse(r.stdout) as { intents: IntentResult[]; functions: { id: string; summary: Record<string, string> }[] };
  return { code: r.code, intents: j.intents, report: j };
}

/** The held/broken state, actual value and evidence (subnet verdict code) of each intent. */
function brief(results: readonly IntentResult[]) {
  return results.map((i) => ({
    fn: i.function,
    intent: i.intent,
    held: i.held,
    actual: i.actual,
    evidence: i.evidence.map((e) => `${e.subnet} ${e.verdict}${e.code ? ` ${e.code}` : ""}`),
  }));
}

describe("intents: held and broken", () => {
  it("the bundled example's intents hold: exit 0", async () => {
    const r = await runCli(["check", PER_AZ, "--expect", "examples/nat-gateway-per-az/intents.yaml"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const block = r.stdout.slice(r.stdout.indexOf("Intents"));
    assert.equal(
      block,
      [
        "Intents  examples/nat-gateway-per-az/intents.yaml",
        "  held    PartnerApiFunction  internet: reachable",
        "  held    PartnerApiFunction  egressIps: [NatEipA, NatEipB]  (in use: NatEipA, NatEipB)",
        "",
        "0 errors, 0 warnings in 1 function (1 file); intents: 2 held, 0 broken",
        "",
      ].join("\n"),
    );
  });

  it("one subnet misrouted breaks `internet: reachable` (partial): a diff naming the subnet, the code and the route table", async () => {
    const file = "test/fixtures/one-of-two-subnets-misrouted/intents.yaml";
    const r = await runCli(["check", MISROUTED, "--expect", file, "--fail-on", "none"]);
    assert.equal(r.code, 1, "a broken intent exits 1 even with --fail-on none");
    const block = r.stdout.slice(r.stdout.indexOf("Intents"));
    assert.equal(
      block,
      [
        `Intents  ${file}`,
        `  BROKEN  ApiClientFunction  internet: reachable  ${file}:3:3`,
        "    - internet: reachable",
        "    + internet: partial",
        "      not reachable from PrivateSubnetB: Vpc.MainRouteTable (main route table) (used by PrivateSubnetB) has no route to internet",
        "      PrivateSubnetB  us-east-1b   unreachable  NO_ROUTE_TO_DESTINATION",
        `        at   Vpc.MainRouteTable: Vpc.MainRouteTable (main route table) of PrivateSubnetB has no route for internet  (${MISROUTED}:10:5)`,
        "        fix  Associate PrivateSubnetB (AWS::EC2::SubnetRouteTableAssociation) with a route table that sends 0.0.0.0/0 to a NAT gateway in a public subnet; it now uses the VPC's main route table.",
        "  held    ApiClientFunction  egressIps: fixed  (in use: NatEip)",
        "",
        "1 error, 0 warnings in 1 function (1 file); intents: 1 held, 1 broken",
        "",
      ].join("\n"),
    );
  });

  it("JSON: an `intents` array, schemaVersion 1, with expected, actual, reason, location and evidence", async () => {
    const { code, intents: got, report } = await expectJson(MISROUTED, "ApiClientFunction:\n  internet: reachable\n");
    assert.equal(code, 1);
    assert.equal((report as unknown as { schemaVersion: number }).schemaVersion, 1);
    assert.equal(got.length, 1);
    const i = got[0] as IntentResult;
    assert.deepEqual(Object.keys(i), ["function", "file", "intent", "expected", "actual", "held", "reason", "location", "evidence"]);
    assert.equal(i.expected, "reachable");
    assert.equal(i.actual, "partial");
    assert.equal(i.location.line, 2);
    assert.equal(i.location.column, 3);
    const e = i.evidence[0];
    assert.equal(e?.subnet, "PrivateSubnetB");
    assert.equal(e?.code, "NO_ROUTE_TO_DESTINATION");
    assert.equal(e?.at?.component, "Vpc.MainRouteTable");
    assert.deepEqual(e?.location, { file: MISROUTED, line: 10, column: 5 });
    assert.match(e?.fix ?? "", /^Associate PrivateSubnetB/);
  });

  it("a function in public subnets: `internet: unreachable` holds, `reachable` breaks on both subnets", async () => {
    const held = await expectJson(PUBLIC, "WebhookFunction: { internet: unreachable }", ["--fail-on", "none"]);
    assert.equal(held.code, 0, "findings are below --fail-on none and the intent holds");
    assert.deepEqual(brief(held.intents), [{ fn: "WebhookFunction", intent: "internet", held: true, actual: "unreachable", evidence: [] }]);
    const broken = await expectJson(PUBLIC, "WebhookFunction: { internet: reachable }", ["--fail-on", "none"]);
    assert.equal(broken.code, 1);
    assert.deepEqual(brief(broken.intents), [
      {
        fn: "WebhookFunction",
        intent: "internet",
        held: false,
        actual: "unreachable",
        evidence: [
          "PublicSubnetA unreachable IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
          "PublicSubnetB unreachable IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
        ],
      },
    ]);
  });

  it("`unreachable` broken by a reachable path names the subnets and the NAT", async () => {
    const { code, intents: got } = await expectJson(SINGLE, "WebFetchFunction:\n  internet: unreachable\n");
    assert.equal(code, 1);
    assert.equal(got[0]?.reason, "reachable from PrivateSubnetA, PrivateSubnetB through NatGateway");
    assert.deepEqual(brief(got)[0]?.evidence, ["PrivateSubnetA reachable", "PrivateSubnetB reachable"]);
  });

  it("a destination only the intents name is analysed (internet:8443), and the SG blocks it", async () => {
    const {
      code,
      intents: got,
      report,
    } = await expectJson(PER_AZ, "PartnerApiFunction:\n  internet:8443: unreachable\n  internet: reachable\n");
    assert.equal(code, 0);
    assert.deepEqual(report.functions[0]?.summary, { internet: "reachable", "internet:8443": "unreachable" });
    assert.deepEqual(
      got.map((i) => [i.intent, i.held]),
      [
        ["internet:8443", true],
        ["internet", true],
      ],
    );
    const broken = await expectJson(PER_AZ, "PartnerApiFunction:\n  internet:8443: reachable\n");
    assert.equal(broken.code, 1);
    assert.deepEqual(brief(broken.intents)[0]?.evidence, [
      "PrivateSubnetA unreachable ENI_SG_RULES_MISMATCH",
      "PrivateSubnetB unreachable ENI_SG_RULES_MISMATCH",
    ]);
  });

  it("an address destination is normalised like --to, and `unknown` never passes", async () => {
    const { code, intents: got } = await expectJson(SINGLE, "WebFetchFunction:\n  10.0.5.10:5432: unreachable\n");
    assert.equal(code, 1);
    assert.equal(got[0]?.intent, "10.0.5.10/32:5432");
    assert.equal(got[0]?.actual, "unknown");
    assert.match(got[0]?.reason ?? "", /^the analysis cannot tell from PrivateSubnetA: 10\.0\.5\.10\/32:5432 is inside Vpc/);
    assert.deepEqual(brief(got)[0]?.evidence, ["PrivateSubnetA unknown UNKNOWN_DESTINATION", "PrivateSubnetB unknown UNKNOWN_DESTINATION"]);
  });

  it("subnets from a parameter without a value: every intent is broken with the reason", async () => {
    const { code, intents: got } = await expectJson(PARAMS, "OrdersFunction: { internet: reachable, egressIps: fixed }");
    assert.equal(code, 1);
    assert.deepEqual(
      got.map((i) => [i.intent, i.held, i.actual]),
      [
        ["internet", false, "unknown"],
        ["egressIps", false, []],
      ],
    );
    for (const i of got) assert.match(i.reason ?? "", /^the analysis cannot tell: its subnets are not known/);
  });

  it("egressIps: fixed holds with Elastic IPs, breaks without one, and the allowlist form checks membership", async () => {
    const eips = await expectJson("examples/fixed-ip-allowlist/template.yaml", "PartnerApiFunction: { egressIps: fixed }");
    assert.equal(eips.code, 0);
    assert.deepEqual(eips.intents[0]?.actual, ["eipalloc-0123456789abcdef0", "eipalloc-0fedcba9876543210"]);

    const auto = await expectJson(AUTO_IP, "WebFetchFunction: { internet: reachable, egressIps: fixed }");
    assert.equal(auto.code, 1);
    assert.deepEqual(
      auto.intents.map((i) => [i.intent, i.held]),
      [
        ["internet", true],
        ["egressIps", false],
      ],
    );
    assert.equal(
      auto.intents[1]?.reason,
      "PrivateSubnetA goes out through NatInstance, which has no Elastic IP in the template: its public address is assigned by AWS and can change",
    );
    const text = await runCli(["check", AUTO_IP, "--expect", intents("WebFetchFunction: { egressIps: fixed }")]);
    assert.match(text.stdout, /\n {4}- egressIps: fixed\n {4}\+ egressIps: \[NatInstance: no fixed address\]\n/);

    const listed = await expectJson(PER_AZ, "PartnerApiFunction: { egressIps: [NatEipA] }");
    assert.equal(listed.code, 1);
    assert.deepEqual(listed.intents[0]?.actual, ["NatEipA", "NatEipB"]);
    assert.equal(listed.intents[0]?.reason, "PrivateSubnetB goes out through NatGatewayB from NatEipB, which is not in the allowlist");
    assert.deepEqual(brief(listed.intents)[0]?.evidence, ["PrivateSubnetB reachable"]);
  });

  it("egressIps with no internet path, and for a function outside any VPC, is broken", async () => {
    const none = await expectJson(PUBLIC, "WebhookFunction: { egressIps: fixed }", ["--fail-on", "none"]);
    assert.equal(none.code, 1);
    assert.equal(none.intents[0]?.reason, "WebhookFunction reaches the internet from none of its subnets, so no egress address is in use");
    const outside = await expectJson(OUTSIDE, "PublicApiFunction: { internet: reachable, egressIps: fixed }");
    assert.equal(outside.code, 1);
    assert.deepEqual(
      outside.intents.map((i) => [i.intent, i.held]),
      [
        ["internet", true],
        ["egressIps", false],
      ],
    );
    assert.match(outside.intents[1]?.reason ?? "", /not attached to a VPC: its traffic leaves from Lambda's own addresses/);
  });

  it("a function named by its FunctionName", () => {
    const template = [
      "Resources:",
      "  Fn:",
      "    Type: AWS::Lambda::Function",
      "    Properties:",
      "      FunctionName: partner-api",
      "      Runtime: nodejs20.x",
      "      Handler: index.handler",
      "      Role: arn:aws:iam::123456789012:role/fn",
      "      Code: { ZipFile: 'exports.handler = async () => 1' }",
      "",
    ].join("\n");
    const report = checkYaml(template);
    const got = evaluateIntents(parseIntents("i.yaml", "partner-api: { internet: reachable }\n"), report);
    assert.deepEqual(
      got.map((i) => [i.function, i.intent, i.held, i.actual]),
      [["Fn", "internet", true, "reachable"]],
    );
    assert.throws(
      () => evaluateIntents(parseIntents("i.yaml", "other: { internet: reachable }\n"), report),
      (e: unknown) => e instanceof LoadError && e.message === 'no function "other" in inline.yaml' && e.hint === "the functions are: Fn",
    );
  });

  it("findings still follow --fail-on when every intent holds", async () => {
    const ok = intents("WebFetchFunction: { internet: reachable }");
    assert.equal((await runCli(["check", SINGLE, "--expect", ok])).code, 0);
    assert.equal((await runCli(["check", SINGLE, "--expect", ok, "--fail-on", "warning"])).code, 1);
  });
});

describe("intents: the file", () => {
  it("the destinations it needs analysed", () => {
    const f = parseIntents("i.yaml", "A: { egressIps: fixed }\nB: { internet:8443: reachable, 10.0.5.10:5432: unreachable }\n");
    assert.deepEqual(intentDestinations(f), ["internet", "internet:8443", "10.0.5.10/32:5432"]);
  });

  const bad: [string, string, RegExp][] = [
    [
      "Nope:\n  internet: reachable\n",
      ":1:1",
      /no function "Nope" in examples\/nat-gateway-per-az\/template\.yaml\n {2}hint: the functions are: PartnerApiFunction/,
    ],
    ["PartnerApiFunction:\n  internt: reachable\n", ":2:3", /"internt" is neither a destination nor egressIps/],
    ["PartnerApiFunction:\n  internet: yes\n", ":2:13", /internet: "yes" is not reachable or unreachable/],
    ["PartnerApiFunction:\n  internet: partial\n", ":2:13", /"partial" is not reachable or unreachable/],
    ["PartnerApiFunction:\n  egressIps: dynamic\n", ":2:14", /egressIps: "dynamic" is not fixed or a list of addresses/],
    ["PartnerApiFunction:\n  egressIps: []\n", ":2:14", /egressIps lists no address/],
    ["PartnerApiFunction: reachable\n", ":1:21", /PartnerApiFunction: expected a mapping of intents/],
    ["PartnerApiFunction:\n", ":1:1", /PartnerApiFunction: expected a mapping of intents/],
    ["- PartnerApiFunction\n", ":1:1", /must be a mapping of function ids to their intents/],
    ["# nothing\n", "", /holds no intents/],
    ["PartnerApiFunction:\n  internet: reachable\n  internet: unreachable\n", ":3:3", /not valid YAML: Map keys must be unique/],
    ["PartnerApiFunction: { internet: [reachable] }\n", ":1:33", /PartnerApiFunction's internet must be a plain value/],
    ["a: &x { internet: reachable }\nPartnerApiFunction: *x\n", ":2:21", /expected a mapping of intents/],
    ["PartnerApiFunction: {internet: reachable\n", ":2:1", /not valid YAML/],
  ];
  for (const [text, where, message] of bad) {
    it(`rejects ${JSON.stringify(text)}`, async () => {
      const file = intents(text);
      const r = await runCli(["check", PER_AZ, "--expect", file]);
      assert.equal(r.code, 2, r.stdout);
      assert.equal(r.stdout, "", "nothing on stdout");
      assert.ok(r.stderr.startsWith(`lambda-egress: ${file}${where}: `), r.stderr);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
      assert.ok(r.stderr.trim().split("\n").length <= 2, r.stderr);
    });
  }

  it("a missing intents file, a directory, and a destination that cannot be parsed", async () => {
    const missing = await runCli(["check", PER_AZ, "--expect", "no/such/intents.yaml"]);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, "lambda-egress: no/such/intents.yaml: no such file (--expect)\n");
    const isDir = await runCli(["check", PER_AZ, "--expect", "examples"]);
    assert.equal(isDir.code, 2);
    assert.match(isDir.stderr, /^lambda-egress: examples: is a directory; --expect takes an intents file/);
    assert.throws(
      () => parseIntents("i.yaml", "F:\n  10.0.0.999:80: reachable\n"),
      (e: unknown) => e instanceof LoadError && e.location.line === 2 && /neither a destination nor egressIps/.test(e.message),
    );
  });

  it("--expect belongs to check, not trace", async () => {
    const r = await runCli(["trace", PER_AZ, "--function", "PartnerApiFunction", "--expect", "x.yaml"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--expect applies to check only/);
  });
});
