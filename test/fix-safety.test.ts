// A suggested fix must fix its road and break no other: every structured fix of every scenario
// fixture is applied to the fixture's model, and the network it leaves is checked again.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { FixAction } from "../src/analyze/fixes.ts";
import { applyFix } from "../src/analyze/fixes.ts";
import type { ReachResult } from "../src/analyze/reach.ts";
import type { CheckReport } from "../src/check.ts";
import { checkModel, checkTemplate } from "../src/check.ts";
import { loadModel } from "../src/load/index.ts";
import type { Model } from "../src/model/model.ts";
import { renderText } from "../src/report/text.ts";
import { renderTraceText } from "../src/report/trace.ts";
import { traceTemplate } from "../src/trace.ts";
import { checkYaml, FIXTURES } from "./support/helpers.ts";

interface Expected {
  readonly params?: Record<string, string>;
  readonly to?: string[];
  readonly region?: string;
}

const scenarios = readdirSync(FIXTURES, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(FIXTURES, d.name, "expected.json")))
  .map((d) => d.name)
  .sort();

/** Every verdict of a report by function (or subnet view), subnet and destination. */
function verdicts(report: CheckReport): Map<string, ReachResult> {
  const out = new Map<string, ReachResult>();
  for (const f of report.functions) for (const s of f.subnets) for (const d of s.destinations) out.set(`${f.id} ${s.subnet} ${d.to}`, d);
  for (const v of report.subnets) for (const d of v.destinations) out.set(`(subnet view) ${v.subnet} ${d.to}`, d);
  return out;
}

const RANK: Record<string, number> = { unreachable: 0, unknown: 1, reachable: 2 };

/**
 * The first blockers of the scenario fixtures whose fix is advice only (no structured form), counted by code: a
 * choice a program cannot make for the author.
 * - NO_ROUTE_TO_DESTINATION: an isolated network with no NAT gateway to route to (creating one is a design choice:
 *   NAT or endpoints), or the VPC's main route table (the fix is a route table of the subnet's own).
 * - IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS: the function sits in a public subnet; which private subnet to use instead
 *   (or whether to create one) is the author's.
 * - VPC_BLOCK_PUBLIC_ACCESS_ENABLED: an account-wide setting or an exclusion, a security decision.
 * - LAMBDA_IPV6_NOT_ALLOWED, SUBNET_NOT_DUAL_STACK, CANNOT_ROUTE (IPv6 to a NAT gateway): dual-stack is a design change.
 * - ROUTING_LOOP: the NAT gateway must move to another subnet.
 * - ENI_SG_RULES_MISMATCH: the function's subnets are parameters, so no re-check could prove the road fixed.
 * - EFS_NO_MOUNT_TARGET_IN_AZ: a new mount target, in a subnet of that AZ the author picks.
 * NO_ROUTE_TO_DESTINATION counts the aws:lambda need of the invoke and IAM fixtures (isolated networks) too.
 */
const ADVICE_ONLY: Record<string, number> = {
  CANNOT_ROUTE: 2,
  EFS_NO_MOUNT_TARGET_IN_AZ: 1,
  ENI_SG_RULES_MISMATCH: 2,
  IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS: 7,
  LAMBDA_IPV6_NOT_ALLOWED: 2,
  NO_ROUTE_TO_DESTINATION: 144,
  ROUTING_LOOP: 1,
  SUBNET_NOT_DUAL_STACK: 1,
  VPC_BLOCK_PUBLIC_ACCESS_ENABLED: 2,
};

describe("fix safety", () => {
  const advice: Record<string, string[]> = {};
  let applied = 0;
  for (const name of scenarios) {
    const dir = join(FIXTURES, name);
    const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Expected;
    const file = join(dir, "template.yaml");
    const load = (): Model =>
      loadModel(file, readFileSync(file, "utf8"), {
        params: expected.params ?? {},
        ...(expected.region ? { region: expected.region } : {}),
      });
    const model = load();
    const options = { to: expected.to ?? [] };
    const before = verdicts(checkModel(model, options));
    // Each distinct structured fix once, with the roads whose first blocker it fixes.
    const fixes = new Map<string, { action: FixAction; roads: string[] }>();
    for (const [key, r] of before) {
      if (r.verdict !== "unreachable") continue;
      const first = r.blockers?.[0];
      assert.ok(first, `${name}: ${key} is unreachable without blockers`);
      assert.equal(first.code, r.code, `${name}: ${key}: the first blocker is the verdict's`);
      if (!first.action) {
        (advice[name] ??= []).push(`${first.code} ${first.component}`);
        continue;
      }
      const id = JSON.stringify(first.action);
      const entry = fixes.get(id) ?? { action: first.action, roads: [] };
      entry.roads.push(key);
      fixes.set(id, entry);
    }
    for (const { action, roads } of fixes.values()) {
      applied++;
      it(`${name}: ${action.kind} fixes ${roads.length} road(s) and breaks none`, () => {
        const after = verdicts(checkModel(applyFix(model, action), options));
        for (const [key, was] of before) {
          const now = after.get(key);
          assert.ok(now, `${key} disappeared`);
          if (roads.includes(key)) {
            // Fixed, or the next blocker on the road is now the first.
            const next = was.blockers?.[1];
            const ok =
              now.verdict === "reachable" ||
              (next !== undefined && now.blockers?.[0]?.code === next.code && now.blockers[0].component === next.component);
            assert.ok(ok, `${key}: ${JSON.stringify(action)} left it ${now.verdict} (${now.code}: ${now.reason})`);
          } else {
            assert.ok(
              (RANK[now.verdict] ?? 0) >= (RANK[was.verdict] ?? 0),
              `${key}: ${JSON.stringify(action)} made it ${now.verdict} (was ${was.verdict}): ${now.reason}`,
            );
          }
        }
      });
    }
  }

  it("applies structured fixes from the scenario fixtures", () => assert.ok(applied >= 10, `only ${applied} fixes applied`));

  it("lists the fixes that are advice only, with their count", () => {
    const byCode: Record<string, number> = {};
    for (const list of Object.values(advice))
      for (const b of list) byCode[b.split(" ")[0] as string] = (byCode[b.split(" ")[0] as string] ?? 0) + 1;
    assert.deepEqual(byCode, ADVICE_ONLY, JSON.stringify(advice));
  });
});

describe("fixes that would break another road are not offered", () => {
  const network = (functionSubnets: string, privateRoutes: string) => `
Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }
  Igw: { Type: AWS::EC2::InternetGateway }
  Attach: { Type: AWS::EC2::VPCGatewayAttachment, Properties: { VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw } }
  PublicSubnet: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24, AvailabilityZone: us-east-1a } }
  PrivateSubnet: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1a } }
  PublicRt: { Type: AWS::EC2::RouteTable, Properties: { VpcId: !Ref Vpc } }
  PublicDefault: { Type: AWS::EC2::Route, DependsOn: Attach, Properties: { RouteTableId: !Ref PublicRt, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw } }
  PublicAssoc: { Type: AWS::EC2::SubnetRouteTableAssociation, Properties: { SubnetId: !Ref PublicSubnet, RouteTableId: !Ref PublicRt } }
  Eip: { Type: AWS::EC2::EIP, DependsOn: Attach, Properties: { Domain: vpc } }
  Nat: { Type: AWS::EC2::NatGateway, Properties: { AllocationId: !GetAtt Eip.AllocationId, SubnetId: !Ref PublicSubnet } }
  PrivateRt: { Type: AWS::EC2::RouteTable, Properties: { VpcId: !Ref Vpc } }
${privateRoutes}
  PrivateAssoc: { Type: AWS::EC2::SubnetRouteTableAssociation, Properties: { SubnetId: !Ref PrivateSubnet, RouteTableId: !Ref PrivateRt } }
  Sg: { Type: AWS::EC2::SecurityGroup, Properties: { GroupDescription: fn, VpcId: !Ref Vpc } }
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }] }
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Code: { ZipFile: "exports.handler = async () => 1;" }
      VpcConfig: { SubnetIds: [${functionSubnets}], SecurityGroupIds: [!Ref Sg] }
`;
  const natRoute = `  PrivateDefault: { Type: AWS::EC2::Route, Properties: { RouteTableId: !Ref PrivateRt, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat } }`;

  it("function-subnets-disagree: the NAT's own public subnet is taken out of the VpcConfig, never routed like the private one", () => {
    const report = checkYaml(network("!Ref PrivateSubnet, !Ref PublicSubnet", natRoute));
    const f = report.findings.find((x) => x.rule === "function-subnets-disagree");
    assert.ok(f, "function-subnets-disagree");
    assert.ok(f.fix.startsWith("Take PublicSubnet out of Fn's VpcConfig"), f.fix);
    assert.ok(!/route PublicSubnet/i.test(f.fix), f.fix);
  });

  it("a missing route names the public NAT gateway as a structured fix, which makes the road reachable", () => {
    const yaml = network("!Ref PrivateSubnet", "");
    const report = checkYaml(yaml);
    const r = report.functions[0]?.subnets[0]?.destinations.find((d) => d.to === "internet");
    assert.equal(r?.code, "NO_ROUTE_TO_DESTINATION");
    assert.deepEqual(r?.blockers?.[0]?.action, {
      kind: "add-route",
      routeTable: "PrivateRt",
      destination: "0.0.0.0/0",
      target: { kind: "nat-gateway", id: "Nat" },
    });
    const action = r?.blockers?.[0]?.action;
    assert.ok(action);
    const fixed = checkModel(applyFix(loadModel("inline.yaml", yaml), action));
    assert.equal(fixed.functions[0]?.subnets[0]?.destinations.find((d) => d.to === "internet")?.verdict, "reachable");
  });

  it("no route is offered to a table that a NAT's own subnet uses (its traffic would loop)", () => {
    // The NAT's subnet and the function's subnet share PrivateRt, which has no default route.
    const yaml = network("!Ref PrivateSubnet", "").replace(
      "  PublicAssoc: { Type: AWS::EC2::SubnetRouteTableAssociation, Properties: { SubnetId: !Ref PublicSubnet, RouteTableId: !Ref PublicRt } }",
      "  PublicAssoc: { Type: AWS::EC2::SubnetRouteTableAssociation, Properties: { SubnetId: !Ref PublicSubnet, RouteTableId: !Ref PrivateRt } }",
    );
    const report = checkYaml(yaml);
    const r = report.functions[0]?.subnets[0]?.destinations.find((d) => d.to === "internet");
    assert.equal(r?.code, "NO_ROUTE_TO_DESTINATION");
    assert.equal(r?.blockers?.[0]?.action, undefined, JSON.stringify(r?.blockers?.[0]?.action));
    assert.ok(r?.fix?.startsWith("Add a route 0.0.0.0/0 to a NAT gateway (in a public subnet) to PrivateRt"), r?.fix);
  });
});

describe("reports name every blocker", () => {
  const file = join(FIXTURES, "several-blockers", "template.yaml");
  const text = readFileSync(file, "utf8");
  const further = [
    "PrivateNetworkAcl: SUBNET_ACL_RESTRICTION, network ACL PrivateNetworkAcl of the function's subnet PrivateSubnet denies the inbound reply to the function's ephemeral port: no rule allows it, so the implicit deny (rule *) decides",
    "PublicNetworkAcl: SUBNET_ACL_RESTRICTION, network ACL PublicNetworkAcl of the NAT's subnet PublicSubnet denies the outbound reply to the function's subnet: no rule allows it, so the implicit deny (rule *) decides",
    "InternetGateway: BAD_STATE_ATTACHMENT, internet gateway InternetGateway is not attached to Vpc",
  ];

  it("check's text lists each further blocker with its fix under the first", () => {
    const out = renderText(checkTemplate(file, text), { color: false });
    for (const b of further) assert.ok(out.includes(`      and  ${b}`), `${b}\n${out}`);
    assert.ok(out.includes("      fix  Attach InternetGateway to Vpc (AWS::EC2::VPCGatewayAttachment)."), out);
  });

  it("trace's text and JSON list them too", () => {
    const report = traceTemplate(file, text, { function: "ApiClientFunction" });
    const out = renderTraceText(report, { color: false });
    for (const b of further) assert.ok(out.includes(`    and     ${b}`), `${b}\n${out}`);
    assert.deepEqual(
      report.traces[0]?.blockers?.map((b) => b.component),
      ["FunctionSecurityGroup", "PrivateNetworkAcl", "PublicNetworkAcl", "InternetGateway"],
    );
  });
});
