// VPC Block Public Access beyond the scenario fixtures: which exclusion counts, and what the
// template leaves open.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { CheckReport } from "../src/check.ts";
import { blockPublicAccess } from "../src/analyze/block-public-access.ts";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import { checkYaml, FIXTURES } from "./support/helpers.ts";

const fixture = (name: string) => readFileSync(join(FIXTURES, name, "template.yaml"), "utf8");

function edit(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `fixture lacks ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

function internet(report: CheckReport, subnet: string): { verdict: string; code?: string; reason: string } {
  const r = report.functions.find((f) => f.id === "Function")?.subnets.find((s) => s.subnet === subnet)?.destinations[0];
  assert.ok(r, `no result for ${subnet}`);
  return r;
}

const withExclusion = fixture("bpa-exclusion-nat-subnet");
/** The exclusion's own lines (the fixture names PublicSubnet elsewhere too). */
const EXCLUDED = "SubnetId: !Ref PublicSubnet\n      InternetGatewayExclusionMode: allow-egress";
const exclusionOf = (from: string, to: string) => checkYaml(edit(withExclusion, EXCLUDED, edit(EXCLUDED, from, to)));

describe("VPC Block Public Access", () => {
  it("an exclusion of the function's own subnet does not help: the NAT's subnet meets the gateway", () => {
    const r = internet(exclusionOf("SubnetId: !Ref PublicSubnet", "SubnetId: !Ref PrivateSubnetA"), "PrivateSubnetA");
    assert.equal(r.verdict, "unreachable");
    assert.equal(r.code, "VPC_BLOCK_PUBLIC_ACCESS_ENABLED");
    assert.match(r.reason, /no exclusion exempts PublicSubnet/);
  });

  it("an exclusion of the VPC exempts the NAT", () => {
    assert.equal(internet(exclusionOf("SubnetId: !Ref PublicSubnet", "VpcId: !Ref Vpc"), "PrivateSubnetA").verdict, "reachable");
  });

  it("allow-bidirectional exempts as well as allow-egress", () => {
    const r = internet(
      exclusionOf("InternetGatewayExclusionMode: allow-egress", "InternetGatewayExclusionMode: allow-bidirectional"),
      "PrivateSubnetA",
    );
    assert.equal(r.verdict, "reachable");
  });

  it("an exclusion of an existing subnet (a literal id) cannot be one this template creates", () => {
    const r = internet(exclusionOf("SubnetId: !Ref PublicSubnet", "SubnetId: subnet-0123456789abcdef0"), "PrivateSubnetA");
    assert.equal(r.code, "VPC_BLOCK_PUBLIC_ACCESS_ENABLED");
  });

  it("an exclusion whose subnet is a parameter without a value makes the verdict unknown", () => {
    const text = edit(
      edit(withExclusion, "Resources:\n", "Parameters:\n  ExcludedSubnet:\n    Type: AWS::EC2::Subnet::Id\n\nResources:\n"),
      "SubnetId: !Ref PublicSubnet\n      InternetGatewayExclusionMode",
      "SubnetId: !Ref ExcludedSubnet\n      InternetGatewayExclusionMode",
    );
    const r = internet(checkYaml(text), "PrivateSubnetA");
    assert.equal(r.verdict, "unknown");
    assert.match(r.reason, /exclusion NatSubnetExclusion may exempt PublicSubnet/);
  });

  it("a mode from a parameter without a value makes the verdict unknown", () => {
    const text = edit(
      edit(fixture("bpa-bidirectional-blocks-nat"), "Resources:\n", "Parameters:\n  Mode:\n    Type: String\n\nResources:\n"),
      "InternetGatewayBlockMode: block-bidirectional",
      "InternetGatewayBlockMode: !Ref Mode",
    );
    const report = checkYaml(text);
    assert.equal(internet(report, "PrivateSubnetA").verdict, "unknown");
    assert.equal(internet(checkYaml(text, { params: { Mode: "block-ingress" } }), "PrivateSubnetA").verdict, "reachable");
    assert.equal(
      internet(checkYaml(text, { params: { Mode: "block-bidirectional" } }), "PrivateSubnetA").code,
      "VPC_BLOCK_PUBLIC_ACCESS_ENABLED",
    );
  });

  it("block-ingress ignores allow-egress exclusions but honours allow-bidirectional for instance public IPs", () => {
    const base = fixture("bpa-ingress-blocks-lmi-public-ip");
    const exclude = (mode: string) =>
      `${base}\n  PublicSubnetExclusion:\n    Type: AWS::EC2::VPCBlockPublicAccessExclusion\n    Properties:\n      SubnetId: !Ref PublicSubnet\n      InternetGatewayExclusionMode: ${mode}\n`;
    assert.equal(internet(checkYaml(exclude("allow-egress")), "PublicSubnet").code, "VPC_BLOCK_PUBLIC_ACCESS_ENABLED");
    assert.equal(internet(checkYaml(exclude("allow-bidirectional")), "PublicSubnet").verdict, "reachable");
  });

  it("connections opened from the internet (direction ingress): only allow-bidirectional exempts them, in either mode", () => {
    const model = (mode: string, exclusion: string) =>
      loadCloudFormation(
        "inline.yaml",
        `${edit(withExclusion, "InternetGatewayBlockMode: block-bidirectional", `InternetGatewayBlockMode: ${mode}`).replace(
          "InternetGatewayExclusionMode: allow-egress",
          `InternetGatewayExclusionMode: ${exclusion}`,
        )}`,
      );
    const verdict = (mode: string, exclusion: string, direction: "egress" | "ingress") => {
      const m = model(mode, exclusion);
      return blockPublicAccess(m, "Vpc", m.get("subnet", "PublicSubnet") ?? null, "public-address", direction).kind;
    };
    assert.equal(verdict("block-bidirectional", "allow-egress", "egress"), "allowed");
    assert.equal(verdict("block-bidirectional", "allow-egress", "ingress"), "blocked");
    assert.equal(verdict("block-bidirectional", "allow-bidirectional", "ingress"), "allowed");
    assert.equal(verdict("block-ingress", "allow-egress", "ingress"), "blocked");
    assert.equal(verdict("block-ingress", "allow-bidirectional", "ingress"), "allowed");
  });

  it("rejects invalid modes and an exclusion naming both a VPC and a subnet", () => {
    const text = edit(
      edit(withExclusion, EXCLUDED, `VpcId: !Ref Vpc\n      ${EXCLUDED}`),
      "InternetGatewayExclusionMode: allow-egress",
      "InternetGatewayExclusionMode: allow-everything",
    );
    const report = checkYaml(text);
    assert.deepEqual(
      report.diagnostics.filter((d) => d.resource === "NatSubnetExclusion").map((d) => d.message),
      [
        "NatSubnetExclusion must name exactly one of VpcId and SubnetId",
        'InternetGatewayExclusionMode of NatSubnetExclusion "allow-everything" is not one of allow-bidirectional, allow-egress',
      ],
    );
    assert.equal(internet(report, "PrivateSubnetA").verdict, "unknown");
    assert.ok(!report.diagnostics.some((d) => d.code === "LOAD_UNSUPPORTED_RESOURCE"));
  });

  describe("on IPv6", () => {
    /** A dual-stack function whose subnet routes ::/0 to an egress-only internet gateway. */
    const DUAL_STACK = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  VpcIpv6:
    Type: AWS::EC2::VPCCidrBlock
    Properties:
      VpcId: !Ref Vpc
      Ipv6CidrBlock: 2600:1f18:1234:ab00::/56
  Eigw:
    Type: AWS::EC2::EgressOnlyInternetGateway
    Properties:
      VpcId: !Ref Vpc
  SubnetA:
    Type: AWS::EC2::Subnet
    DependsOn: VpcIpv6
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
      Ipv6CidrBlock: 2600:1f18:1234:ab01::/64
      AvailabilityZone: !Select [0, !GetAZs '']
  RouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  Ipv6Default:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref RouteTable
      DestinationIpv6CidrBlock: ::/0
      EgressOnlyInternetGatewayId: !Ref Eigw
  Association:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref SubnetA
      RouteTableId: !Ref RouteTable
  FunctionSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: Lambda function
      VpcId: !Ref Vpc
      SecurityGroupEgress:
        - IpProtocol: '-1'
          CidrIpv6: ::/0
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code:
        ZipFile: exports.handler = async () => 'ok';
      VpcConfig:
        Ipv6AllowedForDualStack: true
        SubnetIds: [!Ref SubnetA]
        SecurityGroupIds: [!Ref FunctionSecurityGroup]
`;
    const withMode = (mode: string) =>
      `${DUAL_STACK}  BlockPublicAccess:\n    Type: AWS::EC2::VPCBlockPublicAccessOptions\n    Properties:\n      InternetGatewayBlockMode: ${mode}\n`;
    const v6 = (text: string) => internet(checkYaml(text, { to: ["internet6"] }), "SubnetA");

    it("egress-only internet gateway: reachable without BPA and in ingress-only mode, blocked in bidirectional mode", () => {
      assert.equal(v6(DUAL_STACK).verdict, "reachable");
      assert.equal(v6(withMode("block-ingress")).verdict, "reachable");
      const r = v6(withMode("block-bidirectional"));
      assert.equal(r.verdict, "unreachable");
      assert.equal(r.code, "VPC_BLOCK_PUBLIC_ACCESS_ENABLED");
    });

    it("internet gateway: the function's own IPv6 address is blocked in ingress-only mode too", () => {
      const igw = edit(
        edit(withMode("block-ingress"), "EgressOnlyInternetGatewayId: !Ref Eigw", "GatewayId: !Ref Igw"),
        "  SubnetA:\n",
        "  Igw:\n    Type: AWS::EC2::InternetGateway\n  IgwAttachment:\n    Type: AWS::EC2::VPCGatewayAttachment\n    Properties:\n      VpcId: !Ref Vpc\n      InternetGatewayId: !Ref Igw\n  SubnetA:\n",
      );
      assert.equal(
        v6(edit(igw, "InternetGatewayBlockMode: block-ingress", "InternetGatewayBlockMode: block-bidirectional")).code,
        "VPC_BLOCK_PUBLIC_ACCESS_ENABLED",
      );
      const r = v6(igw);
      assert.equal(r.verdict, "unreachable");
      assert.equal(r.code, "VPC_BLOCK_PUBLIC_ACCESS_ENABLED");
    });
  });
});
