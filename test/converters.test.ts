// The CloudFormation loader's registry of converters (src/load/cfn/converters): one converter per resource type, phases
// in order, a resource type outside the registry skipped as before, and the order the builder converts in, whatever
// the template's order. Also: values the loader resolves apart from the resolver's own diagnostics.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CONVERSION_ORDER, CONVERTERS, HANDLED, notModelled, PHASES } from "../src/load/cfn/converters/index.ts";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import { Resolver } from "../src/load/cfn/intrinsics.ts";
import { parseTemplateText } from "../src/load/cfn/parse.ts";
import { forEachReference } from "../src/load/cfn/references.ts";
import { checkYaml } from "./support/helpers.ts";

const position = (type: string) => CONVERSION_ORDER.findIndex((c) => c.type === type);

describe("converter registry", () => {
  it("registers each resource type once, and the builder reads exactly those", () => {
    const types = CONVERTERS.map((c) => c.type);
    const twice = types.filter((t, i) => types.indexOf(t) !== i);
    assert.deepEqual(twice, []);
    assert.deepEqual([...HANDLED].sort(), [...types].sort());
    assert.equal(CONVERSION_ORDER.length, CONVERTERS.length);
  });

  it("runs the converters phase by phase, in the order PHASES lists", () => {
    for (const c of CONVERTERS) assert.ok(PHASES.includes(c.phase), `${c.type}: phase ${c.phase} is one of PHASES`);
    const ranks = CONVERSION_ORDER.map((c) => PHASES.indexOf(c.phase));
    assert.deepEqual(
      ranks,
      [...ranks].sort((a, b) => a - b),
    );
    // Every phase has a converter.
    assert.deepEqual([...new Set(CONVERSION_ORDER.map((c) => c.phase))], [...PHASES]);
  });

  it("converts what a resource attaches to before the resource", () => {
    const after: [string, string][] = [
      ["AWS::EC2::VPC", "AWS::EC2::VPCCidrBlock"],
      ["AWS::EC2::VPC", "AWS::EC2::Subnet"],
      ["AWS::EC2::InternetGateway", "AWS::EC2::VPCGatewayAttachment"],
      ["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress"],
      ["AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupEgress"],
      ["AWS::EC2::NetworkAcl", "AWS::EC2::NetworkAclEntry"],
      ["AWS::EC2::EIPAssociation", "AWS::EC2::NetworkInterface"],
      ["AWS::EC2::EIP", "AWS::EC2::Instance"],
      ["AWS::EC2::NetworkInterface", "AWS::EC2::Instance"],
      ["AWS::EC2::Instance", "AWS::EC2::NetworkInterfaceAttachment"],
      ["AWS::EC2::RouteTable", "AWS::EC2::Route"],
      ["AWS::EC2::PrefixList", "AWS::EC2::Route"],
      ["AWS::EC2::Subnet", "AWS::EC2::SubnetRouteTableAssociation"],
      ["AWS::EC2::Subnet", "AWS::EC2::SubnetNetworkAclAssociation"],
      ["AWS::IAM::Role", "AWS::IAM::Policy"],
      ["AWS::RDS::DBSubnetGroup", "AWS::RDS::DBInstance"],
      ["AWS::EFS::FileSystem", "AWS::EFS::AccessPoint"],
      ["AWS::EFS::AccessPoint", "AWS::Lambda::Function"],
    ];
    for (const [first, then] of after) {
      assert.ok(position(first) >= 0 && position(then) >= 0, `${first} and ${then} are registered`);
      assert.ok(position(first) < position(then), `${first} is converted before ${then}`);
    }
  });

  it("skips a type outside the registry: an info diagnostic when it can change a road, nothing otherwise", () => {
    assert.ok(notModelled("AWS::EC2::TransitGateway"));
    assert.ok(!notModelled("AWS::SNS::Topic"));
    for (const t of HANDLED) assert.ok(!notModelled(t), `${t} is read, so it is not 'not modelled'`);
    const model = loadCloudFormation(
      "inline.yaml",
      `Resources:
  Tgw:
    Type: AWS::EC2::TransitGateway
  Topic:
    Type: AWS::SNS::Topic
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
`,
    );
    assert.deepEqual(
      model.diagnostics.map((d) => [d.code, d.severity, d.resource, d.message]),
      [
        [
          "LOAD_UNSUPPORTED_RESOURCE",
          "info",
          "Tgw",
          "AWS::EC2::TransitGateway is not part of the network model yet; verdicts do not account for Tgw",
        ],
      ],
    );
    assert.equal(model.entity("Vpc")?.kind, "vpc");
    assert.equal(model.entity("Tgw"), undefined);
    assert.equal(model.entity("Topic"), undefined);
  });
});

/** A function in a private subnet whose default route goes to a NAT gateway in a public subnet; `order` lists the resources. */
function natTemplate(order: "natural" | "reversed"): string {
  const resources = [
    `  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }`,
    `  Igw:
    Type: AWS::EC2::InternetGateway`,
    `  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: { VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw }`,
    `  Public:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24, AvailabilityZone: us-east-1a }`,
    `  Private:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1a }`,
    `  PublicRt:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref Vpc }`,
    `  PublicDefault:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref PublicRt, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw }`,
    `  PublicAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref Public, RouteTableId: !Ref PublicRt }`,
    `  Eip:
    Type: AWS::EC2::EIP
    Properties: { Domain: vpc }`,
    `  Nat:
    Type: AWS::EC2::NatGateway
    Properties: { SubnetId: !Ref Public, AllocationId: !GetAtt Eip.AllocationId }`,
    `  PrivateRt:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref Vpc }`,
    `  PrivateDefault:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref PrivateRt, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat }`,
    `  PrivateAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref Private, RouteTableId: !Ref PrivateRt }`,
    `  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: function
      VpcId: !Ref Vpc
      SecurityGroupEgress: [{ IpProtocol: tcp, FromPort: 80, ToPort: 80, CidrIp: 0.0.0.0/0 }]`,
    `  Https:
    Type: AWS::EC2::SecurityGroupEgress
    Properties: { GroupId: !Ref Group, IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0 }`,
    `  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: { ZipFile: "exports.handler = async () => 1;" }
      VpcConfig: { SubnetIds: [!Ref Private], SecurityGroupIds: [!Ref Group] }`,
  ];
  const listed = order === "natural" ? resources : [...resources].reverse();
  return `Resources:\n${listed.join("\n")}\n`;
}

describe("conversion order", () => {
  it("gives the same verdict whatever order the template lists its resources in", () => {
    for (const order of ["natural", "reversed"] as const) {
      const report = checkYaml(natTemplate(order));
      const fn = report.functions.find((f) => f.id === "Fn");
      assert.equal(fn?.summary.internet, "reachable", `${order} order`);
      assert.deepEqual(report.diagnostics, [], `${order} order`);
    }
  });
});

describe("values resolved apart", () => {
  it("Resolver.resolveApart hands back what resolving reported and keeps it out of the resolver's diagnostics", () => {
    const text = "Resources:\n  A:\n    Type: AWS::SNS::Topic\n";
    const parsed = parseTemplateText("inline.yaml", text);
    const resolver = new Resolver(parsed, parsed.value as Record<string, unknown>, { region: "us-east-1", params: {} });
    const { value, diagnostics } = resolver.resolveApart({ Ref: "Nothing" }, { logicalId: "A" });
    assert.ok(value !== null && typeof value === "object");
    assert.deepEqual(
      diagnostics.map((d) => d.code),
      ["LOAD_REF_NOT_FOUND"],
    );
    assert.equal(resolver.diagnostics.length, 0);
    resolver.resolve({ Ref: "Nothing" }, { logicalId: "A" });
    assert.deepEqual(
      resolver.diagnostics.map((d) => d.code),
      ["LOAD_REF_NOT_FOUND"],
    );
  });

  it("reports a bad value of a function's environment once, though the symbolic reading resolves it again", () => {
    const model = loadCloudFormation(
      "inline.yaml",
      `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: { ZipFile: "x" }
      Environment:
        Variables:
          TARGET: !Select [3, [a, b]]
`,
    );
    assert.deepEqual(
      model.diagnostics.map((d) => d.code),
      ["LOAD_BAD_INTRINSIC"],
    );
  });

  it("keeps a problem inside an Fn::ForEach collection once, as the template's own", () => {
    const model = loadCloudFormation(
      "inline.yaml",
      `Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Topics:
    - Name
    - [a, !Ref Missing]
    - Topic\${Name}:
        Type: AWS::SNS::Topic
`,
    );
    assert.deepEqual(
      model.diagnostics.filter((d) => d.code === "LOAD_REF_NOT_FOUND").map((d) => d.message),
      ["Ref to Missing, which is neither a parameter nor a resource"],
    );
  });

  it("forEachReference walks each resource afresh", () => {
    const resources = {
      A: { Type: "AWS::SNS::Topic", Properties: { X: { Ref: "B" }, Y: [{ "Fn::GetAtt": ["C", "Arn"] }] } },
      B: { Type: "AWS::SNS::Topic", Properties: { Z: { "Fn::Sub": "${A}-${D.Name}" } } },
    };
    const refs = (id: "A" | "B") => {
      const out: string[] = [];
      forEachReference(id, resources[id], (n) => out.push(n));
      return out.sort();
    };
    assert.deepEqual(refs("A"), ["B", "C"]);
    assert.deepEqual(refs("B"), ["A", "D"]);
    assert.deepEqual(refs("A"), ["B", "C"]);
  });
});
