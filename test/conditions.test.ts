// Conditions a template leaves open (a parameter without a value): a verdict is proven only when it holds whether
// the condition is true or false. Hand-written cases for each kind of element a condition may govern on the road,
// then a property test: random networks with conditions on random resources, where the verdict with the condition
// open must be unknown or the verdict every concrete choice of the parameters gives.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { checkTemplate } from "../src/check.ts";
import type { CheckReport } from "../src/check.ts";
import { DESTINATIONS, networkArbitrary, networkResources } from "./support/differential-network.ts";

type Resource = { Type: string; Condition?: string; Properties?: Record<string, unknown>; DependsOn?: unknown };
type Template = { Parameters?: Record<string, unknown>; Conditions?: Record<string, unknown>; Resources: Record<string, Resource> };

const ref = (id: string) => ({ Ref: id });

/** Seed 000's design: a NAT gateway in the public subnet, the function in the private one, custom NACLs, a restrictive SG. */
function singleNat(): Template {
  return {
    Parameters: { Toggle: { Type: "String", AllowedValues: ["on", "off"] } },
    Conditions: { Open: { "Fn::Equals": [ref("Toggle"), "on"] } },
    Resources: {
      Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.0.0.0/16" } },
      Igw: { Type: "AWS::EC2::InternetGateway", Properties: {} },
      Attach: { Type: "AWS::EC2::VPCGatewayAttachment", Properties: { VpcId: ref("Vpc"), InternetGatewayId: ref("Igw") } },
      Public: { Type: "AWS::EC2::Subnet", Properties: { VpcId: ref("Vpc"), CidrBlock: "10.0.0.0/24", AvailabilityZone: "us-east-1a" } },
      Private: { Type: "AWS::EC2::Subnet", Properties: { VpcId: ref("Vpc"), CidrBlock: "10.0.1.0/24", AvailabilityZone: "us-east-1a" } },
      PublicRt: { Type: "AWS::EC2::RouteTable", Properties: { VpcId: ref("Vpc") } },
      PublicDefault: {
        Type: "AWS::EC2::Route",
        DependsOn: "Attach",
        Properties: { RouteTableId: ref("PublicRt"), DestinationCidrBlock: "0.0.0.0/0", GatewayId: ref("Igw") },
      },
      PublicAssoc: {
        Type: "AWS::EC2::SubnetRouteTableAssociation",
        Properties: { SubnetId: ref("Public"), RouteTableId: ref("PublicRt") },
      },
      NatEip: { Type: "AWS::EC2::EIP", Properties: { Domain: "vpc" } },
      Nat: {
        Type: "AWS::EC2::NatGateway",
        Properties: { SubnetId: ref("Public"), AllocationId: { "Fn::GetAtt": ["NatEip", "AllocationId"] } },
      },
      PrivateRt: { Type: "AWS::EC2::RouteTable", Properties: { VpcId: ref("Vpc") } },
      PrivateDefault: {
        Type: "AWS::EC2::Route",
        Properties: { RouteTableId: ref("PrivateRt"), DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: ref("Nat") },
      },
      PrivateAssoc: {
        Type: "AWS::EC2::SubnetRouteTableAssociation",
        Properties: { SubnetId: ref("Private"), RouteTableId: ref("PrivateRt") },
      },
      Acl: { Type: "AWS::EC2::NetworkAcl", Properties: { VpcId: ref("Vpc") } },
      AclOut: {
        Type: "AWS::EC2::NetworkAclEntry",
        Properties: { NetworkAclId: ref("Acl"), RuleNumber: 100, Protocol: -1, RuleAction: "allow", Egress: true, CidrBlock: "0.0.0.0/0" },
      },
      AclIn: {
        Type: "AWS::EC2::NetworkAclEntry",
        Properties: { NetworkAclId: ref("Acl"), RuleNumber: 100, Protocol: -1, RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0" },
      },
      AclAssoc: { Type: "AWS::EC2::SubnetNetworkAclAssociation", Properties: { SubnetId: ref("Private"), NetworkAclId: ref("Acl") } },
      FnSg: {
        Type: "AWS::EC2::SecurityGroup",
        Properties: {
          GroupDescription: "function",
          VpcId: ref("Vpc"),
          // The "no egress" idiom: the default allow-all is gone; the standalone rule below lets 443 out.
          SecurityGroupEgress: [{ IpProtocol: "-1", CidrIp: "127.0.0.1/32" }],
        },
      },
      FnSgHttps: {
        Type: "AWS::EC2::SecurityGroupEgress",
        Properties: { GroupId: { "Fn::GetAtt": ["FnSg", "GroupId"] }, IpProtocol: "tcp", FromPort: 443, ToPort: 443, CidrIp: "0.0.0.0/0" },
      },
      Fn: {
        Type: "AWS::Lambda::Function",
        Properties: {
          Runtime: "nodejs20.x",
          Handler: "index.handler",
          Role: "arn:aws:iam::123456789012:role/fn",
          Code: { ZipFile: "exports.handler = async () => 1;" },
          VpcConfig: { SubnetIds: [ref("Private")], SecurityGroupIds: [{ "Fn::GetAtt": ["FnSg", "GroupId"] }] },
        },
      },
    },
  };
}

function check(t: Template, params: Record<string, string> = {}, to: string[] = ["internet"]): CheckReport {
  return checkTemplate("conditions.json", JSON.stringify(t), { params, to });
}

/** The verdict (and code) of function Fn in subnet Private for `internet`. */
function verdictOf(r: CheckReport, to = "internet"): { verdict: string; code?: string; reason: string } {
  const fn = r.functions.find((f) => f.id === "Fn");
  const d = fn?.subnets.find((s) => s.subnet === "Private")?.destinations.find((x) => x.to === to);
  assert.ok(d, `no verdict for Fn/Private/${to}`);
  return { verdict: d.verdict, ...(d.code ? { code: d.code } : {}), reason: d.reason };
}

function withCondition(t: Template, ...ids: string[]): Template {
  const copy = structuredClone(t);
  for (const id of ids) {
    const r = copy.Resources[id];
    assert.ok(r, id);
    r.Condition = "Open";
  }
  return copy;
}

describe("conditions the template leaves open", () => {
  it("the unconditional design reaches the internet through the NAT", () => {
    assert.equal(verdictOf(check(singleNat())).verdict, "reachable");
  });

  // Each element below is needed by the road: without it, the function cannot reach the internet.
  const needed: [string, string[], string][] = [
    ["the internet gateway's VPCGatewayAttachment", ["Attach"], "BAD_STATE_ATTACHMENT"],
    ["the private subnet's SubnetRouteTableAssociation", ["PrivateAssoc"], "NO_ROUTE_TO_DESTINATION"],
    ["the NACL entry that lets traffic out", ["AclOut"], "SUBNET_ACL_RESTRICTION"],
    ["the NACL entry that lets replies in", ["AclIn"], "SUBNET_ACL_RESTRICTION"],
    ["a standalone SecurityGroupEgress", ["FnSgHttps"], "ENI_SG_RULES_MISMATCH"],
    ["the route to the NAT gateway", ["PrivateDefault"], "NO_ROUTE_TO_DESTINATION"],
    ["the public subnet's route to the internet gateway", ["PublicDefault"], "NO_ROUTE_TO_DESTINATION"],
  ];
  for (const [what, ids, code] of needed) {
    it(`${what} under an open condition: unknown, naming the condition; decided both ways by --param`, () => {
      const t = withCondition(singleNat(), ...ids);
      const open = verdictOf(check(t));
      assert.equal(open.verdict, "unknown", open.reason);
      assert.equal(open.code, "UNDECIDED_CONDITION");
      assert.match(open.reason, /condition Open/);
      assert.equal(verdictOf(check(t, { Toggle: "on" })).verdict, "reachable");
      const off = verdictOf(check(t, { Toggle: "off" }));
      assert.deepEqual([off.verdict, off.code], ["unreachable", code]);
    });
  }

  it("a NACL association under an open condition: the subnet may keep the default NACL, so a blocking custom NACL is undecided", () => {
    const t = singleNat();
    delete t.Resources.AclIn; // the custom NACL now drops the replies
    assert.deepEqual(verdictOf(check(t)).code, "SUBNET_ACL_RESTRICTION");
    const open = verdictOf(check(withCondition(t, "AclAssoc")));
    assert.equal(open.verdict, "unknown", open.reason);
    assert.equal(open.code, "UNDECIDED_CONDITION");
    assert.equal(verdictOf(check(withCondition(t, "AclAssoc"), { Toggle: "off" })).verdict, "reachable");
  });

  it("a conditional element that cannot change the answer keeps the verdict (both worlds agree)", () => {
    const t = singleNat();
    t.Resources.AclDeny22 = {
      Type: "AWS::EC2::NetworkAclEntry",
      Condition: "Open",
      Properties: {
        NetworkAclId: ref("Acl"),
        RuleNumber: 50,
        Protocol: 6,
        RuleAction: "deny",
        Egress: true,
        CidrBlock: "0.0.0.0/0",
        PortRange: { From: 22, To: 22 },
      },
    };
    const r = verdictOf(check(t));
    assert.equal(r.verdict, "reachable", r.reason);
  });

  it("a known part that blocks makes it unreachable, whatever the open conditions decide", () => {
    const t = withCondition(singleNat(), "Attach", "PrivateAssoc");
    delete t.Resources.FnSgHttps; // the SG lets nothing out
    const r = verdictOf(check(t));
    assert.deepEqual([r.verdict, r.code], ["unreachable", "ENI_SG_RULES_MISMATCH"]);
  });

  it("a NAT instance's Elastic IP association and its standalone SecurityGroupIngress under open conditions", () => {
    const t = singleNat();
    delete t.Resources.Nat;
    delete t.Resources.NatEip;
    t.Resources.NatSg = { Type: "AWS::EC2::SecurityGroup", Properties: { GroupDescription: "nat", VpcId: ref("Vpc") } };
    t.Resources.NatSgIn = {
      Type: "AWS::EC2::SecurityGroupIngress",
      Properties: { GroupId: ref("NatSg"), IpProtocol: "-1", CidrIp: "10.0.0.0/16" },
    };
    t.Resources.NatInstance = {
      Type: "AWS::EC2::Instance",
      Properties: {
        ImageId: "ami-12345678",
        InstanceType: "t3.nano",
        SourceDestCheck: false,
        SubnetId: ref("Public"),
        SecurityGroupIds: [ref("NatSg")],
      },
    };
    t.Resources.NatIp = { Type: "AWS::EC2::EIP", Properties: { Domain: "vpc" } };
    t.Resources.NatIpAssoc = {
      Type: "AWS::EC2::EIPAssociation",
      Properties: { InstanceId: ref("NatInstance"), AllocationId: { "Fn::GetAtt": ["NatIp", "AllocationId"] } },
    };
    t.Resources.PrivateDefault = {
      Type: "AWS::EC2::Route",
      Properties: { RouteTableId: ref("PrivateRt"), DestinationCidrBlock: "0.0.0.0/0", InstanceId: ref("NatInstance") },
    };
    assert.equal(verdictOf(check(t)).verdict, "reachable");
    for (const id of ["NatSgIn", "NatIpAssoc"]) {
      const r = verdictOf(check(withCondition(t, id)));
      assert.equal(r.verdict, "unknown", `${id}: ${r.reason}`);
      assert.match(r.reason, /condition Open/, id);
    }
  });

  it("trace and check give the same verdict under open conditions", async () => {
    const { traceTemplate } = await import("../src/trace.ts");
    const t = withCondition(singleNat(), "PrivateAssoc");
    const tr = traceTemplate("conditions.json", JSON.stringify(t), { function: "Fn", to: ["internet"] });
    const v = tr.traces.find((s) => s.subnet === "Private");
    assert.equal(v?.verdict, "unknown");
    assert.equal(v?.code, "UNDECIDED_CONDITION");
  });
});

// ---- property: random networks, conditions on random resources ----

/** Resources that may carry a condition: everything on a road but the VPC and the function's own subnets and groups. */
function conditionable(resources: Record<string, Resource>): string[] {
  const fnRefs = new Set<string>();
  for (const r of Object.values(resources)) {
    if (r.Type !== "AWS::Lambda::Function") continue;
    const vc = (r.Properties?.VpcConfig ?? {}) as { SubnetIds?: { Ref: string }[]; SecurityGroupIds?: { Ref: string }[] };
    for (const x of [...(vc.SubnetIds ?? []), ...(vc.SecurityGroupIds ?? [])]) fnRefs.add(x.Ref);
  }
  return Object.keys(resources)
    .filter((id) => !fnRefs.has(id))
    .filter((id) => !/^AWS::(EC2::VPC|EC2::VPCCidrBlock|Lambda::Function|IAM::Role)$/.test(resources[id]?.Type ?? ""))
    .sort();
}

/** Moves a security group's inline egress rules to standalone AWS::EC2::SecurityGroupEgress resources (same meaning). */
function standaloneEgress(resources: Record<string, Resource>): void {
  for (const [id, r] of Object.entries(resources)) {
    if (r.Type !== "AWS::EC2::SecurityGroup") continue;
    const egress = r.Properties?.SecurityGroupEgress as Record<string, unknown>[] | undefined;
    if (!egress || egress.length === 0) continue;
    (r.Properties as Record<string, unknown>).SecurityGroupEgress = [{ IpProtocol: "-1", CidrIp: "127.0.0.1/32" }];
    egress.forEach((rule, i) => {
      resources[`${id}Egress${i}`] = { Type: "AWS::EC2::SecurityGroupEgress", Properties: { ...rule, GroupId: ref(id) } };
    });
  }
}

const CONDITIONS = ["CondA", "CondB", "NotA"] as const;
const SEED = Number(process.env.CONDITIONS_SEED ?? "20261206");
const RUNS = Number(process.env.CONDITIONS_RUNS ?? "200");

describe("property: a verdict under open conditions is unknown or what every choice of the parameters gives", () => {
  it(`${RUNS} random networks with conditions on 1-4 resources each (seed ${SEED})`, () => {
    let cases = 0;
    let decided = 0;
    let undecided = 0;
    fc.assert(
      fc.property(
        networkArbitrary(),
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...CONDITIONS)), { minLength: 1, maxLength: 4 }),
        (spec, standalone, picks) => {
          const resources = networkResources(spec, "N") as Record<string, Resource>;
          if (standalone) standaloneEgress(resources);
          const candidates = conditionable(resources);
          if (candidates.length === 0) return;
          for (const [n, cond] of picks) {
            const id = candidates[n % candidates.length] as string;
            (resources[id] as Resource).Condition = cond;
          }
          const template = {
            Parameters: { A: { Type: "String" }, B: { Type: "String" } },
            Conditions: {
              CondA: { "Fn::Equals": [ref("A"), "on"] },
              NotA: { "Fn::Not": [{ Condition: "CondA" }] },
              CondB: { "Fn::Equals": [ref("B"), "on"] },
            },
            Resources: resources,
          };
          const text = JSON.stringify(template);
          const run = (params: Record<string, string>) =>
            checkTemplate("property.json", text, { params, to: [...DESTINATIONS], region: "us-east-1" });
          const open = run({});
          const worlds = [run({ A: "on", B: "on" }), run({ A: "on", B: "off" }), run({ A: "off", B: "on" }), run({ A: "off", B: "off" })];
          for (const fn of open.functions) {
            for (const s of fn.subnets) {
              for (const d of s.destinations) {
                const concrete = worlds.map(
                  (w) =>
                    w.functions
                      .find((f) => f.id === fn.id)
                      ?.subnets.find((x) => x.subnet === s.subnet)
                      ?.destinations.find((x) => x.to === d.to)?.verdict,
                );
                cases++;
                const same = concrete.every((v) => v === concrete[0]) ? concrete[0] : undefined;
                if (d.verdict === "unknown") {
                  undecided++;
                  continue;
                }
                decided++;
                assert.equal(
                  d.verdict,
                  same,
                  `${fn.id}/${s.subnet}/${d.to}: ${d.verdict} with the conditions open, but ${concrete.join(", ")} for A,B = on/on, on/off, off/on, off/off\n${text}`,
                );
              }
            }
          }
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    process.stdout.write(`# conditions property: ${cases} cases, ${decided} decided with conditions open, ${undecided} unknown\n`);
    assert.ok(decided > 0 && undecided > 0);
  });
});
