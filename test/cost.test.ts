// cost: price data, the estimate (exact to the cent), traffic along check's roads, --compare.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { PatternName } from "../src/generate/patterns.ts";
import { resolvePatternOptions } from "../src/generate/patterns.ts";
import { buildTemplate, renderTemplate } from "../src/generate/template.ts";
import { compareDesigns } from "../src/cost/compare.ts";
import type { CostEstimate } from "../src/cost/estimate.ts";
import { costModel, tieredMicro } from "../src/cost/estimate.ts";
import { HOURS_PER_MONTH, PRICED_REGIONS, PriceDataError, REGIONS, regionPrices } from "../src/cost/prices.ts";
import { parseInlineTraffic, TrafficError, trafficFromDocument } from "../src/cost/traffic.ts";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import { parseIntents } from "../src/intents/parse.ts";
import { LoadError } from "../src/load/errors.ts";
import type { Model } from "../src/model/model.ts";
import { CORPUS, FIXTURES, HAS_CORPUS, ROOT } from "./support/helpers.ts";

function load(path: string, region = "us-east-1", params: Record<string, string> = {}): Model {
  return loadCloudFormation(path, readFileSync(path, "utf8"), { region, params });
}

function loadYaml(yaml: string, region = "us-east-1"): Model {
  return loadCloudFormation("inline.yaml", yaml, { region });
}

function built(pattern: PatternName, endpoints: string[], region: string, azs = 2): Model {
  const r = resolvePatternOptions({ pattern, endpoints, azs });
  assert.ok("options" in r);
  return loadCloudFormation(`${pattern}.yaml`, renderTemplate(buildTemplate(r.options, "cloudformation")), { region });
}

const items = (e: CostEstimate) => e.items.map((i) => [i.resource, i.monthlyUsd]);

/** pricing.md §6 worked example: 2 AZs, 100 GB internet out, 400 GB in, 500 GB S3, 50 GB other AWS APIs, 100 GB free egress. */
const WORKED = parseInlineTraffic("internet=100,internet-in=400,s3=500,sqs=50,free-internet=100");

describe("cost: price data", () => {
  it("covers every region of pricing.md §5, Tokyo and us-east-1 included, each figure with a source and a confidence", () => {
    assert.deepEqual(PRICED_REGIONS, [
      "ap-northeast-1",
      "ap-northeast-2",
      "ap-south-1",
      "ap-southeast-1",
      "ap-southeast-2",
      "ca-central-1",
      "eu-central-1",
      "eu-west-1",
      "eu-west-2",
      "sa-east-1",
      "us-east-1",
      "us-east-2",
      "us-west-2",
    ]);
    assert.equal(HOURS_PER_MONTH, 730);
    for (const [region, r] of Object.entries(REGIONS)) {
      for (const p of [
        r.natGatewayHour,
        r.natGatewayGb,
        r.regionalNatGatewayHour,
        r.regionalNatGatewayGb,
        r.internetOut,
        ...Object.values(r.instanceHour),
      ]) {
        assert.ok(p.source.length > 10, `${region}: a source`);
        assert.ok(p.seen !== null || p.confidence !== "confirmed", `${region}: a confirmed figure has a date`);
      }
    }
    assert.equal(REGIONS["ap-northeast-1"]?.natGatewayHour.usd, 0.062);
    assert.equal(REGIONS["us-east-1"]?.interfaceEndpointAzHour?.usd, 0.01);
  });
  it("refuses a region without data, naming those with data", () => {
    assert.throws(
      () => regionPrices("eu-south-2"),
      (e: Error) => {
        assert.ok(e instanceof PriceDataError);
        assert.match(
          e.message,
          /^no price data for region eu-south-2; prices are known for ap-northeast-1, .*us-east-1, us-east-2, us-west-2$/,
        );
        return true;
      },
    );
    assert.throws(() => costModel(built("nat-gateway", [], "eu-south-2")), PriceDataError);
  });
  it("prices tiers: 7,000,000 GB through us-east-1 interface endpoints = 10,485.76 + 25,165.824 + 7,028.48 (1 PB, 4 PB, beyond)", () => {
    const t = regionPrices("us-east-1").interfaceEndpointGb;
    assert.ok(t);
    assert.equal(tieredMicro(t, 7_000_000), 1048576 * 10_000 + 4194304 * 6_000 + 1757120 * 4_000);
    const tokyo = regionPrices("ap-northeast-1").interfaceEndpointGb;
    assert.ok(tokyo);
    assert.equal(tieredMicro(tokyo, 2_000_000), null, "beyond the known tiers: unknown, not a guess");
  });
});

describe("cost: fixed costs", () => {
  it("two NAT gateways in ap-northeast-1, no traffic, 730 hours: 2 x 730 x (0.062 + 0.005) = 97.82 USD exactly", () => {
    const e = costModel(load(join(ROOT, "examples/nat-gateway-per-az/template.yaml"), "ap-northeast-1"));
    assert.equal(e.monthlyUsd, 97.82);
    assert.equal(e.lowerBound, false);
    assert.equal(e.region, "ap-northeast-1");
    assert.deepEqual(items(e), [
      ["NatEipA", 3.65],
      ["NatEipB", 3.65],
      ["NatGatewayA", 45.26],
      ["NatGatewayB", 45.26],
    ]);
    assert.deepEqual(e.pricesSeen, { oldest: "2026-07-24", newest: "2026-09-27", undated: 0 });
  });
  it("prices every example exactly (us-east-1)", () => {
    const cases: [string, number, boolean][] = [
      ["examples/nat-gateway-per-az/template.yaml", 73, false],
      ["examples/single-nat-gateway/template.yaml", 36.5, false],
      ["examples/fixed-ip-allowlist/template.yaml", 73, false],
      // t3.micro 730 x 0.0104 = 7.592, its EIP 3.65; the root volume comes from the AMI: unknown.
      ["examples/nat-instance/template.yaml", 11.24, true],
      ["examples/built/lambda-endpoint.template.yaml", 14.6, false],
      ["examples/built/managed-instances-public.template.yaml", 0, true],
    ];
    for (const [file, usd, lower] of cases) {
      const e = costModel(load(join(ROOT, file)));
      assert.equal(e.monthlyUsd, usd, file);
      assert.equal(e.lowerBound, lower, file);
    }
  });
  it("charges the public IPv4 address of an existing allocation given to a NAT gateway (fixed-ip-allowlist)", () => {
    const e = costModel(load(join(ROOT, "examples/fixed-ip-allowlist/template.yaml")));
    const ipv4 = e.items.filter((i) => i.what.startsWith("public IPv4 address of existing Elastic IP"));
    assert.equal(ipv4.length, 2);
    assert.ok(ipv4.every((i) => i.monthlyUsd === 3.65));
  });
  it("an instance type given as a parameter without value: an unknown item with the reason, the total a lower bound", () => {
    const text = readFileSync(join(FIXTURES, "cost/two-nat-instances.yaml"), "utf8")
      .replace("Resources:", "Parameters:\n  NatType: { Type: String }\nResources:")
      .replace(/InstanceType: t4g.nano/g, "InstanceType: !Ref NatType");
    const e = costModel(loadYaml(text));
    const unknowns = e.items.filter((i) => i.monthlyUsd === null);
    assert.deepEqual(
      unknowns.map((i) => [i.resource, i.what]),
      [
        ["NatInstanceA", "NAT instance, per hour"],
        ["NatInstanceB", "NAT instance, per hour"],
      ],
    );
    assert.match(unknowns[0]?.unknown ?? "", /instance type is not known/);
    assert.equal(e.lowerBound, true);
    // Known: 2 EIPs (7.30) and 2 x 8 GB gp3 (1.28).
    assert.equal(e.monthlyUsd, 8.58);
  });
  it("a regional NAT gateway: per hour in each active AZ, plus the addresses AWS allocates (built regional-nat-gateway, 3 AZs)", () => {
    const e = costModel(built("regional-nat-gateway", [], "ap-northeast-1", 3));
    assert.deepEqual(items(e), [
      ["NatEip", 3.65],
      ["NatGateway", 135.78], // 3 x 730 x 0.062
      ["NatGateway", 7.3], // 2 more addresses in auto mode
    ]);
    assert.equal(e.monthlyUsd, 146.73);
    assert.ok(e.notes.some((n) => n.includes("very likely, not confirmed")));
  });
  it("a regional NAT gateway no subnet routes to: unknown, never a guess", () => {
    const e = costModel(
      loadYaml(`Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }
  Nat: { Type: AWS::EC2::NatGateway, Properties: { AvailabilityMode: regional, VpcId: !Ref Vpc } }
`),
    );
    assert.deepEqual(
      e.items.map((i) => [i.resource, i.monthlyUsd]),
      [
        ["Nat", null],
        ["Nat", null],
      ],
    );
    assert.match(e.items[0]?.unknown ?? "", /no subnet of the template routes to it/);
    assert.equal(e.monthlyUsd, 0);
    assert.equal(e.lowerBound, true);
  });
  it("interface endpoints per AZ; a region without an endpoint price gives an unknown item", () => {
    const e = costModel(built("endpoints", ["s3", "sqs"], "us-east-2", 3));
    assert.deepEqual(
      e.items.map((i) => [i.resource, i.monthlyUsd, i.unknown ?? ""]),
      [
        ["S3Endpoint", 0, ""],
        ["SqsEndpoint", null, "no interface endpoint price for us-east-2 in the price data"],
      ],
    );
    const tokyo = costModel(built("endpoints", ["sqs"], "ap-northeast-1", 3));
    assert.deepEqual(items(tokyo), [["SqsEndpoint", 30.66]]); // 3 x 730 x 0.014
  });
});

describe("cost: conditions and Managed Instances", () => {
  it("a resource under a condition the template leaves open: unknown, with what it would cost", () => {
    const yaml = `Parameters:
  CreateNat: { Type: String }
Conditions:
  UseNat: !Equals [!Ref CreateNat, "yes"]
Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }
  Public: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24, AvailabilityZone: us-east-1a } }
  Eip: { Type: AWS::EC2::EIP, Condition: UseNat, Properties: { Domain: vpc } }
  Nat: { Type: AWS::EC2::NatGateway, Condition: UseNat, Properties: { SubnetId: !Ref Public, AllocationId: !GetAtt Eip.AllocationId } }
`;
    const e = costModel(loadYaml(yaml));
    assert.deepEqual(
      e.items.map((i) => [i.resource, i.monthlyUsd, i.unknown]),
      [
        [
          "Eip",
          null,
          "would cost 3.65 USD/month if created, which the template leaves open (condition UseNat: parameter CreateNat has no default; pass --param CreateNat=VALUE)",
        ],
        [
          "Nat",
          null,
          "would cost 32.85 USD/month if created, which the template leaves open (condition UseNat: parameter CreateNat has no default; pass --param CreateNat=VALUE)",
        ],
      ],
    );
    assert.equal(e.monthlyUsd, 0);
    assert.equal(e.lowerBound, true);
  });
  it("Lambda Managed Instances in public subnets: their public IPv4 addresses are unknown (how many instances run is decided at run time)", () => {
    const e = costModel(load(join(ROOT, "examples/built/managed-instances-public.template.yaml")));
    assert.deepEqual(
      e.items.map((i) => [i.resource, i.unknown]),
      [["CapacityProvider", "PublicSubnetA has MapPublicIpOnLaunch: true; how many instances run is decided at run time"]],
    );
  });
});

describe("cost: traffic", () => {
  // pricing.md §6, the table's rows, to the cent, in both regions.
  const rows: [string, PatternName, string[], number, number][] = [
    ["A zonal NAT x2, no endpoints", "nat-gateway", [], 120.25, 162.92],
    ["A2 zonal NAT x2 + S3 gateway endpoint", "nat-gateway", ["s3"], 97.75, 131.92],
    ["B single NAT + S3 gateway endpoint, cross-AZ on 2 sides", "shared-nat-gateway", ["s3"], 66.75, 88.51],
    ["C regional NAT (2 active AZs) + S3 gateway endpoint", "regional-nat-gateway", ["s3"], 97.75, 131.92],
    ["E endpoints only: 3 interface x 2 AZs + S3 gateway endpoint", "endpoints", ["s3", "sqs", "lambda", "logs"], 44.3, 61.82],
  ];
  for (const [name, pattern, endpoints, use1, apn1] of rows) {
    it(`worked example ${name}: ${use1} (us-east-1), ${apn1} (ap-northeast-1)`, () => {
      assert.equal(costModel(built(pattern, endpoints, "us-east-1"), WORKED).monthlyUsd, use1);
      assert.equal(costModel(built(pattern, endpoints, "ap-northeast-1"), WORKED).monthlyUsd, apn1);
    });
  }
  it("worked example B with cross-AZ billed on one side: 64.00 (us-east-1), 85.76 (ap-northeast-1)", () => {
    const one = parseInlineTraffic("internet=100,internet-in=400,s3=500,sqs=50,free-internet=100,cross-az-sides=1");
    assert.equal(costModel(built("shared-nat-gateway", ["s3"], "us-east-1"), one).monthlyUsd, 64);
    assert.equal(costModel(built("shared-nat-gateway", ["s3"], "ap-northeast-1"), one).monthlyUsd, 85.76);
  });
  it("worked example D: a t4g.nano NAT instance per AZ with 8 GB gp3 and an EIP + S3 gateway endpoint: 14.71 (us-east-1), 16.72 (ap-northeast-1)", () => {
    const path = join(FIXTURES, "cost/two-nat-instances.yaml");
    const e = costModel(load(path), WORKED);
    assert.equal(e.monthlyUsd, 14.71);
    assert.equal(e.lowerBound, false);
    assert.equal(costModel(load(path, "ap-northeast-1"), WORKED).monthlyUsd, 16.72);
  });
  it("prices each GB where check's road puts it: NAT processing per NAT, cross-AZ from the subnet without its own NAT, tiered egress", () => {
    const e = costModel(built("shared-nat-gateway", ["s3"], "us-east-1"), parseInlineTraffic("internet=20000,s3=1000,sqs=100"));
    assert.deepEqual(
      e.items.filter((i) => i.kind === "traffic").map((i) => [i.resource, i.what, i.monthlyUsd]),
      [
        ["NatGatewayA", "data processed by the NAT gateway: 20100 GB", 904.5],
        ["PrivateSubnetB -> NatGatewayA", "cross-AZ transfer us-east-1b -> us-east-1a (2 sides billed): 10050 GB", 201],
        // 10,240 GB x 0.09 + 9,760 GB x 0.085
        ["internet", "data transfer out to the internet: 20000 GB, tiered", 1751.2],
      ],
    );
  });
  it("unreachable traffic is not priced and says so; a function outside any VPC crosses none of the network", () => {
    const e = costModel(built("endpoints", ["sqs"], "us-east-1"), parseInlineTraffic("internet=10,sqs=10"));
    assert.ok(
      e.notes.includes(
        "10 GB internet out not priced: unreachable from DemoFunction in PrivateSubnetA (NO_ROUTE_TO_DESTINATION), DemoFunction in PrivateSubnetB (NO_ROUTE_TO_DESTINATION)",
      ),
      e.notes.join("\n"),
    );
    assert.deepEqual(
      e.items.filter((i) => i.kind === "traffic").map((i) => [i.resource, i.monthlyUsd]),
      [["SqsEndpoint", 0.1]],
    );
    const outside = costModel(
      loadYaml(`Resources:
  F: { Type: AWS::Lambda::Function, Properties: { Runtime: nodejs20.x, Handler: i.h, Role: arn:aws:iam::1:role/r, Code: { ZipFile: x } } }
`),
      parseInlineTraffic("internet=10"),
    );
    assert.equal(outside.monthlyUsd, 0);
    assert.ok(outside.notes.some((n) => n.startsWith("no function is in a VPC")));
  });
  it("a NAT whose subnet's AZ is a parameter: the cross-AZ charge is unknown with the reason, the NAT's hours are still priced", () => {
    const text = renderTemplate(
      buildTemplate((resolvePatternOptions({ pattern: "shared-nat-gateway", azs: 2 }) as { options: never }).options, "cloudformation"),
    )
      .replace("Resources:", "Parameters:\n  NatAz:\n    Type: String\nResources:")
      .replace(/(PublicSubnetA:\n(?:.*\n)*?\s+AvailabilityZone:)\n\s+Fn::Select:\n\s+- 0\n\s+- Fn::GetAZs: ""\n/, "$1 { Ref: NatAz }\n");
    const e = costModel(loadYaml(text), parseInlineTraffic("internet=100"));
    assert.ok(e.items.some((i) => i.resource === "NatGatewayA" && i.monthlyUsd === 32.85));
    const unknown = e.items.filter((i) => i.monthlyUsd === null);
    assert.equal(unknown.length, 2, JSON.stringify(e.items));
    assert.match(unknown[0]?.unknown ?? "", /an AZ is not known/);
    assert.equal(e.lowerBound, true);
  });
});

describe("cost: traffic input", () => {
  it("reads the inline form and a mapping", () => {
    assert.deepEqual(parseInlineTraffic("internet=100, internet-in=400 ,aws:s3=500,sqs=2.5"), {
      internetOutGb: 100,
      internetInGb: 400,
      services: { s3: 500, sqs: 2.5 },
      freeInternetGb: 0,
      crossAzSides: 2,
    });
    assert.deepEqual(trafficFromDocument({ "internet-out": 1, dynamodb: "3", "cross-az-sides": 1 }), {
      internetOutGb: 1,
      internetInGb: 0,
      services: { dynamodb: 3 },
      freeInternetGb: 0,
      crossAzSides: 1,
    });
  });
  it("refuses what is not traffic, in one sentence", () => {
    const bad: [() => unknown, RegExp][] = [
      [() => parseInlineTraffic("internet"), /^"internet": use CLASS=GB/],
      [() => parseInlineTraffic(""), /^no traffic given/],
      [() => parseInlineTraffic("internet=-1"), /^internet: "-1" is not a number of GB/],
      [() => parseInlineTraffic("internet=1,internet-out=2"), /^internet-out is given twice$/],
      [() => parseInlineTraffic("Bad Key=1"), /^"Bad Key" is not a traffic class/],
      [() => parseInlineTraffic("cross-az-sides=3"), /^cross-az-sides: "3": use 1 or 2$/],
      [() => trafficFromDocument([1, 2]), /^is not a mapping/],
      [() => trafficFromDocument({ internet: { x: 1 } }), /^internet: \{"x":1\} is not a number of GB/],
    ];
    for (const [f, re] of bad) assert.throws(f, (e: Error) => e instanceof TrafficError && re.test(e.message));
  });
});

describe("cost: --compare", () => {
  it("prices the single-nat-gateway example's needs under each pattern, cheapest first, with what each gives up and the break-even", () => {
    const c = compareDesigns(load(join(ROOT, "examples/single-nat-gateway/template.yaml")), WORKED);
    assert.deepEqual(c.needs, { internet: true, fixedEgressIps: true, services: ["s3", "sqs"], azs: 2, functions: ["WebFetchFunction"] });
    assert.deepEqual(
      c.designs.map((d) => [
        d.pattern,
        d.endpoints.join(","),
        d.estimate.monthlyUsd,
        d.estimate.lowerBound,
        d.meetsNeeds,
        d.givesUp.length,
      ]),
      [
        ["endpoints", "s3,sqs", 15.1, false, false, 2],
        ["nat-instance", "s3", 16.74, true, true, 1],
        ["shared-nat-gateway", "s3", 66.75, false, true, 1],
        ["nat-gateway", "s3", 97.75, false, true, 0],
        ["regional-nat-gateway", "s3", 97.75, false, true, 0],
      ],
    );
    assert.deepEqual(c.designs[0]?.givesUp, ["no general internet", "no fixed egress IP"]);
    assert.equal(c.current.monthlyUsd, 94.25); // 36.50 fixed + 1,050 GB x 0.045 + 525 GB cross-AZ x 2 x 0.01
    assert.deepEqual(
      c.breakEven.map((b) => [b.service, b.gbPerMonth]),
      [
        ["s3", 0],
        ["sqs", 417.14], // 2 x 730 x 0.01 / (0.045 - 0.01)
      ],
    );
  });
  it("an intents file states the named functions' needs: no internet, only S3 and SQS, so every design meets them and endpoints give nothing up", () => {
    const model = load(join(ROOT, "examples/single-nat-gateway/template.yaml"));
    const intents = parseIntents("intents.yaml", "WebFetchFunction:\n  internet: unreachable\n  aws:s3: reachable\n  aws:sqs: reachable\n");
    const c = compareDesigns(model, undefined, intents);
    assert.deepEqual(c.needs, { internet: false, fixedEgressIps: false, services: ["s3", "sqs"], azs: 2, functions: ["WebFetchFunction"] });
    assert.deepEqual(
      c.designs.map((d) => [d.pattern, d.estimate.monthlyUsd, d.meetsNeeds, d.givesUp.length]),
      [
        ["nat-instance", 11.24, true, 1], // a lower bound: the root volume comes from the AMI
        ["endpoints", 14.6, true, 0], // 2 AZ x 730 h x 0.01 for SQS; the S3 gateway endpoint is free
        ["shared-nat-gateway", 36.5, true, 1],
        ["nat-gateway", 73, true, 0],
        ["regional-nat-gateway", 73, true, 0],
      ],
    );
    const fixed = compareDesigns(model, undefined, parseIntents("intents.yaml", "WebFetchFunction:\n  egressIps: fixed\n"));
    assert.deepEqual([fixed.needs.internet, fixed.needs.fixedEgressIps, fixed.needs.services], [true, true, []]);
  });
  it("Tokyo's break-even for 2 AZs is 393.08 GB/month (20.44 / 0.052, pricing.md §6)", () => {
    const c = compareDesigns(
      load(join(ROOT, "examples/single-nat-gateway/template.yaml"), "ap-northeast-1"),
      parseInlineTraffic("sqs=500"),
    );
    assert.deepEqual(c.breakEven.find((b) => b.service === "sqs")?.gbPerMonth, 393.08);
    assert.match(c.breakEven.find((b) => b.service === "sqs")?.detail ?? "", /at 500 GB the endpoint is cheaper/);
  });
});

describe("cost: corpus", { skip: HAS_CORPUS ? false : `no corpus at ${CORPUS}` }, () => {
  it("prices every corpus template without error (unknowns allowed, each with a reason)", () => {
    let priced = 0;
    for (const name of readdirSync(CORPUS).sort()) {
      if (name === "README.md") continue;
      const path = join(CORPUS, name);
      let model: Model;
      try {
        model = load(path);
      } catch (e) {
        // Terraform configuration: cost takes its plan (check and trace read the .tf).
        assert.ok(e instanceof LoadError && name.endsWith(".tf"), `${name}: ${(e as Error).message}`);
        continue;
      }
      for (const traffic of [undefined, WORKED]) {
        const e = costModel(model, traffic);
        assert.ok(Number.isFinite(e.monthlyUsd) && e.monthlyUsd >= 0, name);
        for (const i of e.items) assert.ok(i.monthlyUsd !== null || (i.unknown ?? "").length > 0, `${name}: ${i.resource}`);
      }
      compareDesigns(model, WORKED);
      priced++;
    }
    assert.ok(priced >= 25, `${priced} templates priced`);
  });
});
