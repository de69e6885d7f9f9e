import rule from "../../src/rules/dual-stack-without-ipv6-egress.ts";
import { testRule } from "../support/rule-tester.ts";
import { fn, network, PRIVATE_AB } from "../support/rule-templates.ts";

/** A VPC with an IPv6 block, a dual-stack subnet `Dual` whose ::/0 goes to an egress-only gateway (or nowhere). */
function dualStack(egressOnly: boolean, sgEgress6: boolean): string {
  return network(
    `  Ipv6Block:
    Type: AWS::EC2::VPCCidrBlock
    Properties: { VpcId: !Ref Vpc, Ipv6CidrBlock: "2600:1f18:1234:5600::/56" }
  Dual:
    Type: AWS::EC2::Subnet
    DependsOn: Ipv6Block
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.7.0/24, Ipv6CidrBlock: "2600:1f18:1234:5601::/64", AvailabilityZone: us-east-1a }
  DualRoutes:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref Vpc }
  DualAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref Dual, RouteTableId: !Ref DualRoutes }
  DualDefault:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref DualRoutes, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat }
  EgressOnly:
    Type: AWS::EC2::EgressOnlyInternetGateway
    Properties: { VpcId: !Ref Vpc }${
      egressOnly
        ? `
  DualDefault6:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref DualRoutes, DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: !Ref EgressOnly }`
        : ""
    }
  DualSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: dual-stack function
      VpcId: !Ref Vpc
      SecurityGroupEgress:
        - { IpProtocol: "-1", CidrIp: 0.0.0.0/0 }${sgEgress6 ? `\n        - { IpProtocol: "-1", CidrIpv6: "::/0" }` : ""}`,
    fn("Fn", ["Dual"], { vpcConfig: ["Ipv6AllowedForDualStack: true"] }).replace("!Ref FnSg", "!Ref DualSg"),
  );
}

testRule(rule, {
  valid: [{ name: "::/0 to an egress-only gateway, and IPv6 egress allowed", yaml: dualStack(true, true) }],
  invalid: [
    {
      name: "no ::/0 route",
      yaml: dualStack(false, true),
      errors: [
        {
          messageId: "ipv6Blocked",
          resource: "Fn",
          data: { fn: "Fn", subnets: "Dual", reason: "DualRoutes (used by Dual) has no route to internet6" },
        },
      ],
    },
  ],
  notApplicable: [
    {
      name: "no dual-stack function",
      yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA"])),
      reason: "no function's IPv6 road to the internet is checked (no dual-stack function)",
    },
  ],
});
