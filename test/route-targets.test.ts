// Every route target AWS has: a NAT reached through a network interface the template defines (attached by an
// AWS::EC2::NetworkInterfaceAttachment, or by something the template does not show), and the targets whose far side
// is not modelled (peering, transit gateway, Gateway Load Balancer endpoint, ...): unknown, naming the target; never
// "not defined in this template" for something it defines.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkYaml } from "./support/helpers.ts";

/** A NAT box reached through its own network interface; `extra` adds resources, `eni` properties of the interface. */
function natEni(opts: { attach?: boolean; eip?: boolean; sourceDestCheck?: boolean; target?: string; extra?: string } = {}): string {
  const { attach = true, eip = true, sourceDestCheck = false, target = "NetworkInterfaceId: !Ref NatEni", extra = "" } = opts;
  return `
Parameters:
  RemoteCidr: { Type: String }
Resources:${extra}
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }
  Igw: { Type: AWS::EC2::InternetGateway }
  Attach: { Type: AWS::EC2::VPCGatewayAttachment, Properties: { VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw } }
  Public: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24, AvailabilityZone: us-east-1a } }
  Private: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1a } }
  PublicRt: { Type: AWS::EC2::RouteTable, Properties: { VpcId: !Ref Vpc } }
  PublicDefault: { Type: AWS::EC2::Route, DependsOn: Attach, Properties: { RouteTableId: !Ref PublicRt, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw } }
  PublicAssoc: { Type: AWS::EC2::SubnetRouteTableAssociation, Properties: { SubnetId: !Ref Public, RouteTableId: !Ref PublicRt } }
  NatSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: nat
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{ IpProtocol: "-1", CidrIp: 10.0.0.0/16 }]
  NatEni:
    Type: AWS::EC2::NetworkInterface
    Properties: { SubnetId: !Ref Public, GroupSet: [!Ref NatSg], SourceDestCheck: ${sourceDestCheck} }
${
  eip
    ? `  NatIp: { Type: AWS::EC2::EIP, Properties: { Domain: vpc } }
  NatIpAssoc: { Type: AWS::EC2::EIPAssociation, Properties: { AllocationId: !GetAtt NatIp.AllocationId, NetworkInterfaceId: !Ref NatEni } }
`
    : ""
}${
    attach
      ? `  NatBox: { Type: AWS::EC2::Instance, Properties: { ImageId: ami-12345678, InstanceType: t4g.nano, SubnetId: !Ref Public } }
  NatEniAttach: { Type: AWS::EC2::NetworkInterfaceAttachment, Properties: { InstanceId: !Ref NatBox, NetworkInterfaceId: !Ref NatEni, DeviceIndex: "1" } }
`
      : ""
  }  Other: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.1.0.0/16 } }
  Peering: { Type: AWS::EC2::VPCPeeringConnection, Properties: { VpcId: !Ref Vpc, PeerVpcId: !Ref Other } }
  Tgw: { Type: AWS::EC2::TransitGateway }
  PrivateRt: { Type: AWS::EC2::RouteTable, Properties: { VpcId: !Ref Vpc } }
  PrivateDefault: { Type: AWS::EC2::Route, Properties: { RouteTableId: !Ref PrivateRt, DestinationCidrBlock: 0.0.0.0/0, ${target} } }
  PrivateAssoc: { Type: AWS::EC2::SubnetRouteTableAssociation, Properties: { SubnetId: !Ref Private, RouteTableId: !Ref PrivateRt } }
  FnSg: { Type: AWS::EC2::SecurityGroup, Properties: { GroupDescription: fn, VpcId: !Ref Vpc } }
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: { ZipFile: "exports.handler = async () => 1" }
      VpcConfig: { SubnetIds: [!Ref Private], SecurityGroupIds: [!Ref FnSg] }
`;
}

function internet(yaml: string) {
  const r = checkYaml(yaml, { to: ["internet"] }).functions[0]?.subnets[0]?.destinations[0];
  assert.ok(r);
  return r;
}

describe("route targets", () => {
  it("a NAT reached through a network interface attached by NetworkInterfaceAttachment, with an EIP on the interface: reachable through it", () => {
    const r = internet(natEni());
    assert.equal(r.verdict, "reachable", r.reason);
    assert.deepEqual(r.egress, [{ via: "NatEni", publicIp: null, eip: "NatIp" }]);
  });

  it("the interface's own source/destination check decides (on by default)", () => {
    const r = internet(natEni({ sourceDestCheck: true }));
    assert.deepEqual([r.verdict, r.code], ["unreachable", "ENI_SOURCE_DEST_CHECK_RESTRICTION"]);
  });

  it("without an Elastic IP on the interface, the internet gateway drops it", () => {
    const r = internet(natEni({ eip: false }));
    assert.deepEqual([r.verdict, r.code], ["unreachable", "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"]);
  });

  it("an interface no resource of the template attaches (a launch template may): unknown, naming it, never 'not defined'", () => {
    const r = internet(natEni({ attach: false }));
    assert.equal(r.verdict, "unknown");
    assert.match(r.reason, /which instance wears network interface NatEni is not known/);
    assert.doesNotMatch(r.reason, /not defined/);
  });

  for (const [key, ref, kind] of [
    ["VpcPeeringConnectionId", "Peering", "vpc-peering-connection"],
    ["TransitGatewayId", "Tgw", "transit-gateway"],
    ["CarrierGatewayId", "Carrier", "carrier-gateway"],
    ["LocalGatewayId", "Lgw", "local-gateway"],
    ["CoreNetworkArn", "arn:aws:networkmanager::123456789012:core-network/core-network-1", "core-network"],
  ] as const) {
    it(`a route to ${key}: unknown, naming the ${kind} (what lies beyond is not modelled)`, () => {
      const value = ref.startsWith("arn:") ? ref : `!Ref ${ref}`;
      const r = internet(natEni({ target: `${key}: ${value}` }));
      assert.deepEqual([r.verdict, r.code], ["unknown", "UNSUPPORTED_COMPONENT"]);
      assert.match(r.reason, new RegExp(`leaves through ${kind} `));
      assert.doesNotMatch(r.reason, /not defined/);
    });
  }

  // A route whose destination is a parameter without a value: each packet takes it or not; the answer holds where both agree.
  const openRoute = (target: string) => `
  OpenRoute: { Type: AWS::EC2::Route, Properties: { RouteTableId: !Ref PrivateRt, DestinationCidrBlock: !Ref RemoteCidr, ${target} } }`;

  it("an open-destination route to the same NAT: reachable either way", () => {
    const r = internet(natEni({ extra: openRoute("NetworkInterfaceId: !Ref NatEni") }));
    assert.equal(r.verdict, "reachable", r.reason);
  });

  it("an open-destination route to a peering connection beside a working NAT: unknown, naming the route", () => {
    const r = internet(natEni({ extra: openRoute("VpcPeeringConnectionId: !Ref Peering") }));
    assert.equal(r.verdict, "unknown");
    assert.match(r.reason, /PrivateRt has a route whose destination is not known \(parameter RemoteCidr/);
  });

  it("an open-destination route to the internet gateway where the known routes drop too: unreachable either way", () => {
    const r = internet(natEni({ extra: openRoute("GatewayId: !Ref Igw"), sourceDestCheck: true }));
    assert.deepEqual([r.verdict, r.code], ["unreachable", "ENI_SOURCE_DEST_CHECK_RESTRICTION"]);
  });
});
