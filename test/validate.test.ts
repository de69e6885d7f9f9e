// Templates AWS rejects: an error diagnostic (code, location, fix) for each, no verdict
// "reachable" in them, and check exits 1 whatever --fail-on says.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import type { Model } from "../src/model/model.ts";
import { runCli } from "./support/cli-helpers.ts";
import { checkYaml, FIXTURES } from "./support/helpers.ts";

/** Seed 000: ApiClientFunction reaches the internet through NatGateway (PrivateSubnet 10.0.1.0/24, PublicSubnet 10.0.0.0/24). */
const SEED000 = readFileSync(join(FIXTURES, "single-nat-public-and-private", "template.yaml"), "utf8");

const load = (yaml: string): Model => loadCloudFormation("t.yaml", yaml);
const errors = (m: Model) => m.diagnostics.filter((d) => d.severity === "error");
/** The template with `extra` resources appended (at the Resources level). */
const plus = (extra: string) => `${SEED000}\n${extra}`;
/** The line that is `needle` (trimmed), else the first holding it; a resource key (`  Name:`) stands for its body, the line below, where resources are located. */
function lineOf(text: string, needle: string): number {
  const lines = text.split("\n");
  const exact = lines.findIndex((l) => l.trim() === needle.trim());
  const line = (exact >= 0 ? exact : lines.findIndex((l) => l.includes(needle))) + 1;
  return /^ {2}\w+:$/.test(needle) ? line + 1 : line;
}

/** Loads the template, expects exactly one error with this code at the line holding `at`, a fix, and ApiClientFunction's internet unknown. */
function rejected(text: string, code: string, message: RegExp, at: string): void {
  const m = load(text);
  const errs = errors(m);
  assert.deepEqual(
    errs.map((d) => d.code),
    [code],
    errs.map((d) => d.message).join("\n"),
  );
  const d = errs[0];
  assert.match(d?.message ?? "", message);
  assert.equal(d?.location.line, lineOf(text, at), `location of ${code}`);
  assert.ok(d?.fix, `${code} has a fix`);
  assert.match(m.undecided[0]?.reason ?? "", new RegExp(`the template is rejected by AWS \\(${code}`));
  const fn = checkYaml(text).functions.find((f) => f.id === "ApiClientFunction");
  assert.equal(fn?.summary.internet, "unknown", `${code}: not reachable, and not decided`);
}

describe("templates AWS rejects", () => {
  it("the seed template itself has no error (the checks do not misfire)", () => {
    assert.deepEqual(errors(load(SEED000)), []);
    assert.equal(checkYaml(SEED000).functions.find((f) => f.id === "ApiClientFunction")?.summary.internet, "reachable");
  });

  it("Fn::GetAtt of an attribute the type does not have (NatGateway.AllocationId); Fn::Sub too; unknown types are not judged", () => {
    const text = SEED000.replace("AllocationId: !GetAtt NatEip.AllocationId", "AllocationId: !GetAtt NatGateway.AllocationId");
    // The NAT gateway names its own attribute: also a reference to itself.
    const m = load(text);
    assert.deepEqual(
      errors(m).map((d) => [d.code, d.location.line]),
      [
        ["LOAD_INVALID_GETATT", lineOf(text, "!GetAtt NatGateway")],
        ["LOAD_CYCLE", lineOf(text, "  NatGateway:")],
      ],
    );
    assert.match(errors(m)[0]?.message ?? "", /NatGateway\.AllocationId: AWS::EC2::NatGateway has no attribute AllocationId/);
    assert.match(errors(m)[0]?.fix ?? "", /!GetAtt <EIP>\.AllocationId/);
    assert.equal(checkYaml(text).functions.find((f) => f.id === "ApiClientFunction")?.summary.internet, "unknown");
    rejected(
      SEED000.replace("AllocationId: !GetAtt NatEip.AllocationId", "AllocationId: !GetAtt InternetGateway.AllocationId"),
      "LOAD_INVALID_GETATT",
      /InternetGateway\.AllocationId: AWS::EC2::InternetGateway has no attribute AllocationId \(it has InternetGatewayId\)/,
      "!GetAtt InternetGateway",
    );
    const sub = SEED000.replace("AllocationId: !GetAtt NatEip.AllocationId", "AllocationId: !Sub '${NatEip.PublicIpAddress}'");
    assert.deepEqual(
      errors(load(sub)).map((d) => d.message),
      [
        "Fn::GetAtt NatEip.PublicIpAddress: AWS::EC2::EIP has no attribute PublicIpAddress (it has AllocationId, PublicIp); CloudFormation rejects the template",
      ],
    );
    // Attributes of types without a table (an S3 bucket, a VPC) are left alone.
    assert.deepEqual(
      errors(
        load(
          plus(
            "  B:\n    Type: AWS::S3::Bucket\n  O:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !GetAtt B.Whatever\n      DisplayName: !GetAtt Vpc.Anything\n",
          ),
        ),
      ),
      [],
    );
  });

  it("dependency cycles: two security groups naming each other inline; a DependsOn loop", () => {
    const sgs = `  SgA:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: a
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: !Ref SgB }]
  SgB:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: b
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: !GetAtt SgA.GroupId }]
`;
    rejected(plus(sgs), "LOAD_CYCLE", /^circular dependency between resources SgA, SgB /, "  SgA:");
    const dependsOn = SEED000.replace(
      "  NatGateway:\n    Type: AWS::EC2::NatGateway\n",
      "  NatGateway:\n    Type: AWS::EC2::NatGateway\n    DependsOn: PrivateDefaultRoute\n",
    );
    rejected(dependsOn, "LOAD_CYCLE", /between resources NatGateway, PrivateDefaultRoute /, "  NatGateway:");
    // A security group admitting its own members inline refers to itself.
    const self = SEED000.replace(
      "      GroupDescription: Lambda function\n",
      "      GroupDescription: Lambda function\n      SecurityGroupIngress:\n        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: !Ref FunctionSecurityGroup }\n",
    );
    rejected(self, "LOAD_CYCLE", /^FunctionSecurityGroup refers to itself/, "  FunctionSecurityGroup:");
    // A Fn::Sub variable named like the resource is not a reference to it.
    const subVar = SEED000.replace(
      "      GroupDescription: Lambda function\n",
      "      GroupDescription: !Sub ['${FunctionSecurityGroup}', { FunctionSecurityGroup: fn }]\n",
    );
    assert.deepEqual(errors(load(subVar)), []);
    // Nor is one named like another resource: ApiClientFunction refers to this group, and the group's ${ApiClientFunction} is the map's value.
    const otherVar = SEED000.replace(
      "      GroupDescription: Lambda function\n",
      "      GroupDescription: !Sub ['${ApiClientFunction} egress', { ApiClientFunction: fn }]\n",
    );
    assert.deepEqual(errors(load(otherVar)), []);
  });

  it("a subnet outside its VPC's blocks, and two overlapping subnets", () => {
    rejected(
      SEED000.replace("CidrBlock: 10.0.1.0/24", "CidrBlock: 10.1.1.0/24"),
      "LOAD_SUBNET_OUTSIDE_VPC",
      /subnet PrivateSubnet \(10\.1\.1\.0\/24\) is outside the blocks of VPC Vpc \(10\.0\.0\.0\/16\)/,
      "CidrBlock: 10.1.1.0/24",
    );
    rejected(
      SEED000.replace("CidrBlock: 10.0.0.0/24", "CidrBlock: 10.0.0.0/23"),
      "LOAD_SUBNET_OVERLAP",
      /subnets PublicSubnet \(10\.0\.0\.0\/23\) and PrivateSubnet \(10\.0\.1\.0\/24\) of VPC Vpc overlap/,
      "CidrBlock: 10.0.1.0/24",
    );
    // A secondary block (AWS::EC2::VPCCidrBlock) makes room; an unknown one leaves the check undone.
    const secondary = `${SEED000.replace("CidrBlock: 10.0.1.0/24", "CidrBlock: 10.1.1.0/24")}\n  Secondary:\n    Type: AWS::EC2::VPCCidrBlock\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.1.0.0/16\n`;
    assert.deepEqual(errors(load(secondary)), []);
    const ipam = `${SEED000.replace("CidrBlock: 10.0.1.0/24", "CidrBlock: 10.1.1.0/24")}\n  Secondary:\n    Type: AWS::EC2::VPCCidrBlock\n    Properties:\n      VpcId: !Ref Vpc\n      Ipv4IpamPoolId: ipam-pool-1\n      Ipv4NetmaskLength: 16\n`;
    assert.deepEqual(errors(load(ipam)), []);
  });

  it("two routes with the same destination in one route table", () => {
    const text = plus(`  SecondDefaultRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PrivateRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref InternetGateway
`);
    rejected(
      text,
      "LOAD_DUPLICATE_ROUTE",
      /routes PrivateDefaultRoute and SecondDefaultRoute of route table PrivateRouteTable have the same destination 0\.0\.0\.0\/0/,
      "  SecondDefaultRoute:",
    );
  });

  const nacl = (entries: string) =>
    plus(`  Acl:
    Type: AWS::EC2::NetworkAcl
    Properties:
      VpcId: !Ref Vpc
  AclAssociation:
    Type: AWS::EC2::SubnetNetworkAclAssociation
    Properties:
      SubnetId: !Ref PrivateSubnet
      NetworkAclId: !Ref Acl
  OutAll:
    Type: AWS::EC2::NetworkAclEntry
    Properties: { NetworkAclId: !Ref Acl, RuleNumber: 100, Egress: true, Protocol: -1, RuleAction: allow, CidrBlock: 0.0.0.0/0 }
  InAll:
    Type: AWS::EC2::NetworkAclEntry
    Properties: { NetworkAclId: !Ref Acl, RuleNumber: 100, Protocol: -1, RuleAction: allow, CidrBlock: 0.0.0.0/0 }
${entries}`);

  it("network ACL entries: duplicate rule numbers, numbers outside 1-32766, an invalid RuleAction, ports outside 0-65535", () => {
    assert.deepEqual(errors(load(nacl(""))), [], "the base ACL is valid");
    rejected(
      nacl(
        "  InAgain:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties: { NetworkAclId: !Ref Acl, RuleNumber: 100, Protocol: 6, RuleAction: deny, CidrBlock: 0.0.0.0/0, PortRange: { From: 22, To: 22 } }\n",
      ),
      "LOAD_DUPLICATE_RULE_NUMBER",
      /entries InAll and InAgain of network ACL Acl both use ingress rule number 100/,
      "  InAgain:",
    );
    // The same number in the other direction is fine.
    assert.deepEqual(
      errors(
        load(
          nacl(
            "  OutOther:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties: { NetworkAclId: !Ref Acl, RuleNumber: 200, Egress: true, Protocol: -1, RuleAction: deny, CidrBlock: 10.9.0.0/16 }\n  InOther:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties: { NetworkAclId: !Ref Acl, RuleNumber: 200, Protocol: -1, RuleAction: deny, CidrBlock: 10.9.0.0/16 }\n",
          ),
        ),
      ),
      [],
    );
    for (const n of [0, 32767]) {
      rejected(
        nacl(
          `  Numbered:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl\n      RuleNumber: ${n}\n      Protocol: -1\n      RuleAction: deny\n      CidrBlock: 10.9.0.0/16\n`,
        ),
        "LOAD_INVALID_VALUE",
        new RegExp(`RuleNumber ${n} of Numbered is outside 1-32766`),
        `RuleNumber: ${n}`,
      );
    }
    rejected(
      nacl(
        "  Permit:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl\n      RuleNumber: 90\n      Protocol: -1\n      RuleAction: permit\n      CidrBlock: 0.0.0.0/0\n",
      ),
      "LOAD_INVALID_VALUE",
      /RuleAction "permit" of Permit is neither allow nor deny/,
      "RuleAction: permit",
    );
    rejected(
      nacl(
        "  Ports:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      NetworkAclId: !Ref Acl\n      RuleNumber: 90\n      Protocol: 6\n      RuleAction: deny\n      CidrBlock: 10.9.0.0/16\n      PortRange: { From: 1024, To: 70000 }\n",
      ),
      "LOAD_INVALID_VALUE",
      /PortRange From\/To 1024-70000 is outside 0-65535 \(Ports\)/,
      "PortRange:",
    );
  });

  it("security group ports: -1 only for ICMP and protocol -1, TCP/UDP 0-65535 with from <= to", () => {
    const sgRule = (props: string) =>
      plus(
        `  Rule:\n    Type: AWS::EC2::SecurityGroupEgress\n    Properties:\n      GroupId: !Ref FunctionSecurityGroup\n      CidrIp: 0.0.0.0/0\n${props}`,
      );
    rejected(
      sgRule("      IpProtocol: tcp\n      FromPort: -1\n      ToPort: -1\n"),
      "LOAD_INVALID_VALUE",
      /FromPort\/ToPort -1 means "all" only for ICMP and protocol -1; TCP and UDP ports are 0-65535 \(Rule\)/,
      "FromPort: -1",
    );
    rejected(
      sgRule("      IpProtocol: udp\n      FromPort: 500\n      ToPort: 400\n"),
      "LOAD_INVALID_VALUE",
      /FromPort\/ToPort 500-400 starts after it ends/,
      "FromPort: 500",
    );
    for (const ok of [
      "      IpProtocol: icmp\n      FromPort: -1\n      ToPort: -1\n",
      "      IpProtocol: -1\n      FromPort: -1\n      ToPort: -1\n",
      "      IpProtocol: tcp\n      FromPort: 0\n      ToPort: 65535\n",
    ]) {
      assert.deepEqual(errors(load(sgRule(ok))), [], ok);
    }
    const inline = SEED000.replace(
      "      GroupDescription: Lambda function\n",
      "      GroupDescription: Lambda function\n      SecurityGroupEgress:\n        - { IpProtocol: tcp, FromPort: 443, ToPort: 65536, CidrIp: 0.0.0.0/0 }\n",
    );
    rejected(inline, "LOAD_INVALID_VALUE", /SecurityGroupEgress FromPort\/ToPort 443-65536 is outside 0-65535/, "SecurityGroupEgress:");
  });

  it("a CIDR block without prefix length", () => {
    const text = SEED000.replace(
      "      GroupDescription: Lambda function\n",
      "      GroupDescription: Lambda function\n      SecurityGroupEgress:\n        - IpProtocol: tcp\n          FromPort: 443\n          ToPort: 443\n          CidrIp: 0.0.0.0\n",
    );
    rejected(
      text,
      "LOAD_INVALID_VALUE",
      /CIDR block "0\.0\.0\.0" \(SecurityGroupEgress of FunctionSecurityGroup\) has no prefix length; AWS rejects a CIDR block without one/,
      "SecurityGroupEgress:",
    );
    assert.match(errors(load(text))[0]?.fix ?? "", /write 0\.0\.0\.0\/32 for the one address/);
  });
});

describe("error diagnostics in check's exit code and summary line", () => {
  const dir = mkdtempSync(join(tmpdir(), "lambda-egress-validate-"));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  // Without PublicSubnetFunction: no error finding, only the single-AZ warning.
  const clean = SEED000.replace(/ {2}# Mistake:[\s\S]*$/, "");

  it("an error diagnostic exits 1 even with --fail-on none, and counts as an error in the summary line", async () => {
    const ok = await runCli(["check", write("ok.yaml", clean), "--fail-on", "none"]);
    assert.equal(ok.code, 0, ok.stdout);
    assert.match(ok.stdout, /\n0 errors, 1 warning in 1 function \(1 file\)\n$/);
    for (const [name, text] of [
      [
        "ref.yaml",
        clean.replace(
          "SubnetId: !Ref PrivateSubnet\n      RouteTableId: !Ref PrivateRouteTable",
          "SubnetId: !Ref PrivateSubnetTypo\n      RouteTableId: !Ref PrivateRouteTable",
        ),
      ],
      ["cidr.yaml", clean.replace("CidrBlock: 10.0.1.0/24", "CidrBlock: 10.0.1.0/33")],
      ["type.yaml", `${clean}\n  Broken:\n    Properties: {}\n`],
    ] as const) {
      const r = await runCli(["check", write(name, text), "--fail-on", "none"]);
      assert.equal(r.code, 1, `${name}: ${r.stdout}`);
      assert.match(r.stdout, /\n1 error \(1 in the template: AWS rejects it\), 1 warning in 1 function \(1 file\)\n$/, name);
      assert.doesNotMatch(r.stdout, /internet {5}reachable/, `${name}: no verdict reachable`);
    }
  });

  it("--fail-on unknown: exit 1 when a verdict is unknown, 0 when every verdict is decided", async () => {
    const decided = write("decided.yaml", clean);
    assert.equal((await runCli(["check", decided, "--fail-on", "unknown"])).code, 0);
    assert.equal((await runCli(["check", decided, "--fail-on", "warning,unknown"])).code, 1, "the warning finding");
    const undecided = write(
      "undecided.yaml",
      clean
        .replace("NatGatewayId: !Ref NatGateway", "NatGatewayId: !Ref ExternalNat")
        .replace("Resources:", "Parameters:\n  ExternalNat:\n    Type: String\nResources:"),
    );
    assert.equal((await runCli(["check", undecided])).code, 0);
    assert.equal((await runCli(["check", undecided, "--fail-on", "unknown"])).code, 1);
    assert.equal((await runCli(["check", undecided, "--fail-on", "none,unknown"])).code, 1);
  });
});
