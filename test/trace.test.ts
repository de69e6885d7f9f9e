// `trace`: one function, hop by hop, with exact lines on real templates; exit codes and errors.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { checkTemplate } from "../src/check.ts";
import { LoadError } from "../src/load/errors.ts";
import type { TraceReport } from "../src/trace.ts";
import { SelectionError, traceTemplate } from "../src/trace.ts";
import { runCli } from "./support/cli-helpers.ts";
import { CORPUS, HAS_CORPUS } from "./support/helpers.ts";

const PER_AZ = "examples/nat-gateway-per-az/template.yaml";
const NACL = "test/fixtures/nacl-missing-ephemeral-return/template.yaml";
const PUBLIC = "test/fixtures/function-in-public-subnet/template.yaml";

describe("trace", () => {
  it("through a NAT gateway: every hop with its rule, action and location, then the egress; exit 0", async () => {
    const r = await runCli(["trace", PER_AZ, "--function", "PartnerApiFunction", "--subnet", "PrivateSubnetA"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        "PartnerApiFunction from PrivateSubnetA (us-east-1a) -> internet",
        "   1  security-group    FunctionSecurityGroup  egress tcp 443 to 0.0.0.0/0                    allow      examples/nat-gateway-per-az/template.yaml:180:7",
        "   2  network-acl       Vpc.DefaultNetworkAcl  outbound rule 100 allow all 0.0.0.0/0          allow      examples/nat-gateway-per-az/template.yaml:11:5   default network ACL of PrivateSubnetA, outbound",
        "   3  network-acl       Vpc.DefaultNetworkAcl  inbound rule 100 allow all 0.0.0.0/0           allow      examples/nat-gateway-per-az/template.yaml:11:5   default network ACL of PrivateSubnetA, inbound reply to the function's ephemeral port",
        "   4  route-table       PrivateRouteTableA     0.0.0.0/0 -> nat-gateway NatGatewayA           forward    examples/nat-gateway-per-az/template.yaml:149:5",
        "   5  network-acl       Vpc.DefaultNetworkAcl  inbound rule 100 allow all 0.0.0.0/0           allow      examples/nat-gateway-per-az/template.yaml:11:5   default network ACL of PublicSubnetA, inbound traffic from the function's subnet",
        "   6  network-acl       Vpc.DefaultNetworkAcl  outbound rule 100 allow all 0.0.0.0/0          allow      examples/nat-gateway-per-az/template.yaml:11:5   default network ACL of PublicSubnetA, outbound traffic from the NAT",
        "   7  network-acl       Vpc.DefaultNetworkAcl  inbound rule 100 allow all 0.0.0.0/0           allow      examples/nat-gateway-per-az/template.yaml:11:5   default network ACL of PublicSubnetA, inbound reply to the NAT's ephemeral port",
        "   8  network-acl       Vpc.DefaultNetworkAcl  outbound rule 100 allow all 0.0.0.0/0          allow      examples/nat-gateway-per-az/template.yaml:11:5   default network ACL of PublicSubnetA, outbound reply to the function's subnet",
        "   9  nat-gateway       NatGatewayA            source -> NatEipA                              translate  examples/nat-gateway-per-az/template.yaml:94:5",
        "  10  route-table       PublicRouteTable       0.0.0.0/0 -> internet-gateway InternetGateway  forward    examples/nat-gateway-per-az/template.yaml:61:5",
        "  11  internet-gateway  InternetGateway        out from NatEipA                               forward    examples/nat-gateway-per-az/template.yaml:21:5",
        "  reachable",
        "    egress  via NatGatewayA (EIP NatEipA)",
        "",
      ].join("\n"),
    );
  });

  it("blocked by a NACL: the deny hop, then code, reason, location and fix; exit 1", async () => {
    const r = await runCli(["trace", NACL, "--function", "ApiClientFunction"]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(
      r.stdout,
      [
        "ApiClientFunction from PrivateSubnet (us-east-1a) -> internet",
        "  1  security-group  FunctionSecurityGroup  egress all to 0.0.0.0/0                    allow  test/fixtures/nacl-missing-ephemeral-return/template.yaml:148:5",
        "  2  network-acl     PrivateNetworkAcl      outbound rule 200 allow tcp 443 0.0.0.0/0  allow  test/fixtures/nacl-missing-ephemeral-return/template.yaml:129:5  network ACL of PrivateSubnet, outbound",
        "  3  network-acl     PrivateNetworkAcl      no rule matches (the implicit deny)        deny   test/fixtures/nacl-missing-ephemeral-return/template.yaml:89:5   network ACL of PrivateSubnet, inbound reply to the function's ephemeral port",
        "  unreachable  SUBNET_ACL_RESTRICTION",
        "    why     network ACL PrivateNetworkAcl of the function's subnet PrivateSubnet denies the inbound reply to the function's ephemeral port: no rule allows it, so the implicit deny (rule *) decides",
        "    at      test/fixtures/nacl-missing-ephemeral-return/template.yaml:89:5",
        "    fix     Add an inbound rule to PrivateNetworkAcl allowing tcp 1024-65535 for 0.0.0.0/0.",
        "",
      ].join("\n"),
    );
  });

  it("colours the verdict and a blocking action only when asked", async () => {
    const r = await runCli(["trace", NACL, "--function", "ApiClientFunction"], { FORCE_COLOR: "1" });
    assert.match(r.stdout, /\u001b\[31mdeny\u001b\[39m/);
    assert.match(r.stdout, /\n {2}\u001b\[31munreachable\u001b\[39m {2}SUBNET_ACL_RESTRICTION\n/);
  });

  it("without --subnet: one trace per subnet of the function", async () => {
    const r = await runCli(["trace", PER_AZ, "--function", "PartnerApiFunction"]);
    assert.equal(r.code, 0);
    const headers = r.stdout.split("\n").filter((l) => !l.startsWith(" ") && l !== "");
    assert.deepEqual(headers, [
      "PartnerApiFunction from PrivateSubnetA (us-east-1a) -> internet",
      "PartnerApiFunction from PrivateSubnetB (us-east-1b) -> internet",
    ]);
    assert.match(r.stdout, /\n {4}egress {2}via NatGatewayB \(EIP NatEipB\)\n$/);
  });

  it("a function in a public subnet: the internet gateway drops it (IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS)", async () => {
    const r = await runCli(["trace", PUBLIC, "--function", "WebhookFunction", "--subnet", "PublicSubnetB"]);
    assert.equal(r.code, 1);
    const lines = r.stdout.split("\n");
    assert.deepEqual(lines.slice(4, 7), [
      `  4  route-table       PublicRouteTable       0.0.0.0/0 -> internet-gateway InternetGateway  forward  ${PUBLIC}:45:5`,
      `  5  internet-gateway  InternetGateway        source has no public IPv4 address              drop     ${PUBLIC}:15:5`,
      "  unreachable  IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
    ]);
  });

  it("JSON: schemaVersion 1, each hop with step, kind, component, rule, action, detail, location", async () => {
    const r = await runCli(["trace", NACL, "--function", "ApiClientFunction", "--format", "json"]);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout) as TraceReport;
    assert.equal(j.schemaVersion, 1);
    assert.equal(j.function, "ApiClientFunction");
    const t = j.traces[0];
    assert.equal(j.traces.length, 1);
    assert.deepEqual(
      [t?.subnet, t?.az, t?.to, t?.verdict, t?.code],
      ["PrivateSubnet", "us-east-1a", "internet", "unreachable", "SUBNET_ACL_RESTRICTION"],
    );
    assert.deepEqual(t?.hops[2], {
      step: 3,
      kind: "network-acl",
      component: "PrivateNetworkAcl",
      rule: "no rule matches (the implicit deny)",
      action: "deny",
      detail: "network ACL of PrivateSubnet, inbound reply to the function's ephemeral port",
      location: { file: NACL, line: 89, column: 5 },
    });
    assert.deepEqual(
      t?.hops.map((h) => [h.step, h.kind, h.rule, h.action]),
      [
        [1, "security-group", "egress all to 0.0.0.0/0", "allow"],
        [2, "network-acl", "outbound rule 200 allow tcp 443 0.0.0.0/0", "allow"],
        [3, "network-acl", "no rule matches (the implicit deny)", "deny"],
      ],
    );
  });

  it("several --to: one trace each; an address inside the VPC is unknown (exit 1)", async () => {
    const r = await runCli([
      "trace",
      "examples/single-nat-gateway/template.yaml",
      "--function",
      "WebFetchFunction",
      "--subnet",
      "PrivateSubnetB",
      "--to",
      "internet:8443",
      "--to",
      "10.0.5.10:5432",
      "--format",
      "json",
    ]);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout) as TraceReport;
    assert.deepEqual(
      j.traces.map((t) => [t.to, t.verdict, t.code ?? null, t.hops.at(-1)?.kind]),
      [
        ["internet:8443", "reachable", null, "internet-gateway"],
        ["10.0.5.10/32:5432", "unknown", "UNKNOWN_DESTINATION", "vpc"],
      ],
    );
    assert.deepEqual(j.traces[0]?.egress, [{ via: "NatGateway", publicIp: null, eip: "NatEip" }]);
  });

  it("a function outside any VPC: reachable with no hops; subnets from a parameter: unknown with the reason", async () => {
    const out = await runCli(["trace", "test/fixtures/function-outside-vpc/template.yaml", "--function", "PublicApiFunction"]);
    assert.equal(out.code, 0);
    assert.equal(
      out.stdout,
      [
        "PublicApiFunction -> internet",
        "  (no hops)",
        "  reachable",
        "    why     PublicApiFunction is not attached to a VPC: Lambda's own network reaches internet",
        "",
      ].join("\n"),
    );
    const param = await runCli(["trace", "test/fixtures/subnets-from-parameters/template.yaml", "--function", "OrdersFunction"]);
    assert.equal(param.code, 1);
    assert.match(
      param.stdout,
      /\n {2}unknown {2}UNKNOWN_RESOURCE\n {4}why {5}its subnets are not known: parameter SubnetIds has no default/,
    );
    const given = await runCli([
      "trace",
      "test/fixtures/subnets-from-parameters-overridden/template.yaml",
      "--function",
      "OrdersFunction",
      "--format",
      "json",
    ]);
    assert.notEqual(given.code, 2, given.stderr);
  });

  it("unknown function or subnet: exit 2, one line and the valid ids", async () => {
    const fn = await runCli(["trace", PER_AZ, "--function", "Nope"]);
    assert.equal(fn.code, 2);
    assert.equal(fn.stderr, `lambda-egress: no function "Nope" in ${PER_AZ}\n  hint: --function takes one of: PartnerApiFunction\n`);
    const sub = await runCli(["trace", PER_AZ, "--function", "PartnerApiFunction", "--subnet", "PublicSubnetA"]);
    assert.equal(sub.code, 2);
    assert.equal(
      sub.stderr,
      'lambda-egress: PartnerApiFunction has no subnet "PublicSubnetA"\n  hint: --subnet takes one of: PrivateSubnetA, PrivateSubnetB\n',
    );
    const outside = await runCli([
      "trace",
      "test/fixtures/function-outside-vpc/template.yaml",
      "--function",
      "PublicApiFunction",
      "--subnet",
      "x",
    ]);
    assert.equal(outside.code, 2);
    assert.match(outside.stderr, /hint: PublicApiFunction is not attached to a VPC; leave out --subnet/);
  });

  it("usage: --function required, one function among the templates, check-only options refused", async () => {
    const cases: [string[], RegExp][] = [
      [["trace", PER_AZ], /trace needs --function ID/],
      [["trace", "--function", "F"], /trace needs a template file/],
      [["trace", PER_AZ, PER_AZ, "--function", "PartnerApiFunction"], /several templates define a function "PartnerApiFunction"/],
      [["trace", PER_AZ, "test/fixtures-cdk/broken-nat", "--function", "F"], /trace takes several templates, or one cloud assembly/],
      [["trace", PER_AZ, "--function", "PartnerApiFunction", "--fail-on", "none"], /--fail-on applies to check only/],
      [["trace", PER_AZ, "--function", "PartnerApiFunction", "--to", "moon"], /"moon" is not a destination/],
      [["check", PER_AZ, "--subnet", "PrivateSubnetA"], /--subnet applies to trace only/],
      [["trace", "no/such.yaml", "--function", "F"], /no\/such\.yaml: no such file/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, 2, args.join(" "));
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });

  it("check's JSON hops keep the DESIGN §5 fields: rules are named for trace only", async () => {
    const r = await runCli(["check", NACL, "--format", "json"]);
    const hops = JSON.parse(r.stdout).functions[0].subnets[0].destinations[0].trace as Record<string, unknown>[];
    assert.equal(hops.length, 3);
    for (const h of hops) assert.deepEqual(Object.keys(h).sort(), ["action", "component", "detail", "kind", "location"]);
  });

  it("the library: traceTemplate throws SelectionError and LoadError, never prints", () => {
    assert.throws(
      () => traceTemplate("t.yaml", "Resources: {}\n", { function: "F" }),
      (e: unknown) => {
        return e instanceof SelectionError && e.hint === "the template defines no Lambda function";
      },
    );
    assert.throws(() => traceTemplate("t.yaml", "Resources: [\n", { function: "F" }), LoadError);
  });
});

describe("trace on the corpus", { skip: HAS_CORPUS ? false : "../shared/corpus is absent" }, () => {
  it("gives every function of every template the same verdicts, codes and hops as check", () => {
    let traced = 0;
    for (const name of HAS_CORPUS ? readdirSync(CORPUS).sort() : []) {
      if (!/\.(ya?ml|json)$/.test(name)) continue;
      const path = join(CORPUS, name);
      const text = readFileSync(path, "utf8");
      const report = checkTemplate(path, text);
      for (const fn of report.functions) {
        const t = traceTemplate(path, text, { function: fn.id });
        const fromCheck = fn.subnets.flatMap((s) =>
          s.destinations.map((d) => [
            s.subnet,
            d.to,
            d.verdict,
            d.code ?? null,
            d.trace.map((h) => `${h.kind} ${h.component} ${h.action}`),
          ]),
        );
        const fromTrace = t.traces
          .filter((x) => x.subnet !== null)
          .map((x) => [x.subnet, x.to, x.verdict, x.code ?? null, x.hops.map((h) => `${h.kind} ${h.component} ${h.action}`)]);
        assert.deepEqual(fromTrace, fromCheck, `${name} ${fn.id}`);
        for (const x of t.traces)
          for (const h of x.hops) if (h.kind === "route-table") assert.ok(h.rule, `${name}: a route hop names its route`);
        traced++;
      }
    }
    assert.ok(traced >= 20, `only ${traced} functions traced`);
  });
});
