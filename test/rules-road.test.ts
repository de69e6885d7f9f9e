// Rules read the analysis's road (typed steps) and parsed destinations, never a route's exact prefix or a
// destination's label: a split default route (0.0.0.0/1 and 128.0.0.0/1) and `--to internet:443` are what
// `0.0.0.0/0` and `internet` are (issue 20).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "./support/cli-helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "rules-road-"));
after(() => rmSync(dir, { recursive: true, force: true }));

type Target = "igw" | "nat";

interface Design {
  /** The function subnet's routes: destination -> target. */
  readonly fnRoutes: Readonly<Record<string, Target>>;
  /** The NAT subnet's routes (to the internet gateway). */
  readonly natRoutes?: readonly string[];
  /** A NAT gateway (default) or a NAT instance with SourceDestCheck left on (it forwards nothing). */
  readonly nat?: "gateway" | "broken-instance";
  /** The AZ index of the NAT's subnet (the function's is 0). */
  readonly natAz?: number;
}

/** A VPC with a public subnet holding a NAT and one function subnet routed as `design` says. */
function template(d: Design): string {
  const target = (t: Target) =>
    t === "igw" ? "GatewayId: !Ref InternetGateway" : d.nat === "broken-instance" ? "InstanceId: !Ref Nat" : "NatGatewayId: !Ref Nat";
  const route = (name: string, table: string, cidr: string, t: string) => `
  ${name}:
    Type: AWS::EC2::Route
    DependsOn: GatewayAttachment
    Properties:
      RouteTableId: !Ref ${table}
      DestinationCidrBlock: ${cidr}
      ${t}`;
  const nat =
    d.nat === "broken-instance"
      ? `
  Nat:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      InstanceType: t3.micro
      SubnetId: !Ref PublicSubnet
  NatEip:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
      InstanceId: !Ref Nat`
      : `
  NatEip:
    Type: AWS::EC2::EIP
    Properties:
      Domain: vpc
  Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      SubnetId: !Ref PublicSubnet
      AllocationId: !GetAtt NatEip.AllocationId`;
  return `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
      EnableDnsSupport: true
      EnableDnsHostnames: true
  InternetGateway:
    Type: AWS::EC2::InternetGateway
  GatewayAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref Vpc
      InternetGatewayId: !Ref InternetGateway
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.0.0/24
      AvailabilityZone: us-east-1${"abc"[d.natAz ?? 0]}
  PublicRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PublicAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PublicSubnet
      RouteTableId: !Ref PublicRouteTable${(d.natRoutes ?? ["0.0.0.0/0"]).map((c, i) => route(`PublicRoute${i}`, "PublicRouteTable", c, target("igw"))).join("")}${nat}
  FunctionSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
      AvailabilityZone: us-east-1a
  FunctionSubnet2:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.2.0/24
      AvailabilityZone: us-east-1a
  FunctionRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  FunctionAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref FunctionSubnet
      RouteTableId: !Ref FunctionRouteTable
  FunctionAssociation2:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref FunctionSubnet2
      RouteTableId: !Ref FunctionRouteTable${Object.entries(d.fnRoutes)
        .map(([c, t], i) => route(`FunctionRoute${i}`, "FunctionRouteTable", c, target(t)))
        .join("")}
  FunctionSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: function
      VpcId: !Ref Vpc
  FunctionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: !GetAtt FunctionRole.Arn
      Code: { ZipFile: "exports.handler = async () => 1;" }
      VpcConfig:
        SubnetIds: [!Ref FunctionSubnet, !Ref FunctionSubnet2]
        SecurityGroupIds: [!Ref FunctionSecurityGroup]
`;
}

let n = 0;
interface Checked {
  readonly code: number;
  readonly verdicts: Record<string, string>;
  readonly findings: { rule: string; severity: string; message: string }[];
}

/** `check FILE --format json [--to ...]`: the exit code, each destination's verdict (code) from FunctionSubnet, the findings. */
async function check(d: Design, to: readonly string[] = []): Promise<Checked> {
  const file = join(dir, `t${n++}.yaml`);
  writeFileSync(file, template(d));
  const r = await runCli(["check", file, "--format", "json", ...to.flatMap((t) => ["--to", t])]);
  assert.equal(r.stderr, "");
  const report = JSON.parse(r.stdout) as {
    functions: { subnets: { subnet: string; destinations: { to: string; verdict: string; code?: string }[] }[] }[];
    findings: { rule: string; severity: string; message: string }[];
  };
  const subnet = report.functions[0]?.subnets.find((s) => s.subnet === "FunctionSubnet");
  const verdicts = Object.fromEntries((subnet?.destinations ?? []).map((x) => [x.to, `${x.verdict}${x.code ? ` ${x.code}` : ""}`]));
  return { code: r.code, verdicts, findings: report.findings.map(({ rule, severity, message }) => ({ rule, severity, message })) };
}

const SPLIT = ["0.0.0.0/1", "128.0.0.0/1"];
const PUBLIC = (cidr: string) => ({
  rule: "function-in-public-subnet",
  severity: "error",
  message: `Function Fn is in public subnets FunctionSubnet, FunctionSubnet2 (${cidr} -> InternetGateway): a Lambda ENI never has a public IPv4 address, so it gets no internet access there`,
});
const BROKEN_NAT = (to: string) => ({
  rule: "egress-path-broken",
  severity: "error",
  message: `Fn routes internet traffic to a NAT, yet cannot reach the internet from FunctionSubnet: ENI_SOURCE_DEST_CHECK_RESTRICTION (NAT instance Nat has source/destination checking on, so it drops the function's traffic); FunctionSubnet2: ENI_SOURCE_DEST_CHECK_RESTRICTION (NAT instance Nat has source/destination checking on, so it drops the function's traffic)`,
  to,
});
const SINGLE_AZ = { rule: "function-single-az", severity: "warning" };

describe("rules read the road, not a route's prefix", () => {
  it("function-in-public-subnet: a default route split in two halves to the internet gateway is a public subnet (exit 1)", async () => {
    const r = await check({ fnRoutes: { "0.0.0.0/1": "igw", "128.0.0.0/1": "igw" } });
    assert.equal(r.verdicts.internet, "unreachable IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS");
    assert.deepEqual(
      r.findings.map((f) => (f.rule === "function-single-az" ? { rule: f.rule, severity: f.severity } : f)),
      [PUBLIC("0.0.0.0/1"), SINGLE_AZ],
    );
    assert.equal(r.code, 1);
  });

  it("egress-path-broken: a split default route to a NAT that forwards nothing (exit 1)", async () => {
    const r = await check({ fnRoutes: { "0.0.0.0/1": "nat", "128.0.0.0/1": "nat" }, nat: "broken-instance" });
    assert.equal(r.verdicts.internet, "unreachable ENI_SOURCE_DEST_CHECK_RESTRICTION");
    assert.deepEqual(
      r.findings.map((f) => f.rule),
      ["egress-path-broken", "function-single-az"],
    );
    assert.equal(r.findings[0]?.message, BROKEN_NAT("internet").message);
    assert.equal(r.code, 1);
  });

  it("egress-path-broken: half the internet to a working internet-gateway route is not a NAT's fault", async () => {
    // 0.0.0.0/1 goes straight to the internet gateway (dropped: no public IPv4), 128.0.0.0/1 to a working NAT gateway.
    const r = await check({ fnRoutes: { "0.0.0.0/1": "igw", "128.0.0.0/1": "nat" } });
    assert.equal(r.verdicts.internet, "unreachable IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS");
    assert.deepEqual(
      r.findings.map((f) => f.rule),
      ["function-in-public-subnet", "function-single-az"],
    );
    assert.equal(r.code, 1);
  });

  it("nat-gateway-cross-az: a split default route to a NAT gateway in another AZ", async () => {
    const r = await check({ fnRoutes: { "0.0.0.0/1": "nat", "128.0.0.0/1": "nat" }, natAz: 1 });
    assert.equal(r.verdicts.internet, "reachable");
    assert.deepEqual(r.findings, [
      {
        rule: "function-single-az",
        severity: "warning",
        message: "Function Fn runs in one Availability Zone only (us-east-1a): an outage of that zone stops it",
      },
      {
        rule: "nat-gateway-cross-az",
        severity: "warning",
        message:
          "Function Fn sends internet traffic through a NAT gateway in another Availability Zone: FunctionSubnet (us-east-1a) -> Nat (us-east-1b); FunctionSubnet2 (us-east-1a) -> Nat (us-east-1b). If that zone fails, so does the function, and the traffic pays cross-AZ transfer",
      },
    ]);
    assert.equal(r.code, 0);
  });

  it("nat-gateway-without-internet-route: a NAT subnet whose default route is split in two halves to the internet gateway is public", async () => {
    const r = await check({ fnRoutes: { "0.0.0.0/0": "nat" }, natRoutes: SPLIT });
    assert.equal(r.verdicts.internet, "reachable");
    assert.deepEqual(
      r.findings.map((f) => f.rule),
      ["function-single-az"],
    );
    assert.equal(r.code, 0);
  });
});

describe("rules read the parsed destination, not its label", () => {
  it("egress-path-broken: --to internet:443 is the internet (exit 1)", async () => {
    const r = await check({ fnRoutes: { "0.0.0.0/0": "nat" }, nat: "broken-instance" }, ["internet:443"]);
    assert.equal(r.verdicts["internet:443"], "unreachable ENI_SOURCE_DEST_CHECK_RESTRICTION");
    assert.deepEqual(
      r.findings.map((f) => f.rule),
      ["egress-path-broken", "function-single-az"],
    );
    assert.equal(r.findings[0]?.message, BROKEN_NAT("internet:443").message);
    assert.equal(r.code, 1);
  });

  it("egress-path-broken: --to internet:8443 through a NAT that forwards nothing (exit 1)", async () => {
    const r = await check({ fnRoutes: { "0.0.0.0/0": "nat" }, nat: "broken-instance" }, ["internet:8443"]);
    assert.equal(r.verdicts["internet:8443"], "unreachable ENI_SOURCE_DEST_CHECK_RESTRICTION");
    assert.deepEqual(
      r.findings.map((f) => f.rule),
      ["egress-path-broken", "function-single-az"],
    );
    assert.equal(r.code, 1);
  });

  it("function-in-public-subnet: --to internet:8443 with a split default route (exit 1)", async () => {
    const r = await check({ fnRoutes: { "0.0.0.0/1": "igw", "128.0.0.0/1": "igw" } }, ["internet:8443"]);
    assert.equal(r.verdicts["internet:8443"], "unreachable IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS");
    assert.deepEqual(
      r.findings.map((f) => f.rule),
      ["function-in-public-subnet", "function-single-az"],
    );
    assert.equal(r.code, 1);
  });
});
