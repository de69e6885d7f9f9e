import rule from "../../src/rules/function-in-public-subnet.ts";
import { testRule } from "../support/rule-tester.ts";
import { fn, network, NO_VPC_FUNCTION, PRIVATE_AB, subnet } from "../support/rule-templates.ts";

testRule(rule, {
  valid: [{ name: "private subnets routed to a NAT", yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA", "SubnetB"])) }],
  invalid: [
    {
      name: "the NAT's public subnet",
      yaml: network(fn("Fn", ["PublicSubnet"])),
      errors: [
        { messageId: "publicSubnet", resource: "Fn", data: { fn: "Fn", subnets: "PublicSubnet", route: "0.0.0.0/0", gateway: "Igw" } },
      ],
    },
    {
      name: "two public subnets, one with the default route split in halves",
      yaml: network(
        subnet("PublicB", { cidr: "10.0.9.0/25", az: "us-east-1b", to: "igw", route: "0.0.0.0/1" }),
        `  PublicBHigh:
    Type: AWS::EC2::Route
    DependsOn: IgwAttachment
    Properties: { RouteTableId: !Ref PublicBRoutes, DestinationCidrBlock: 128.0.0.0/1, GatewayId: !Ref Igw }`,
        fn("Fn", ["PublicSubnet", "PublicB"]),
      ),
      errors: [{ messageId: "publicSubnets", data: { fn: "Fn", subnets: "PublicSubnet, PublicB", route: "0.0.0.0/0", gateway: "Igw" } }],
    },
  ],
  notApplicable: [{ name: "no function in a VPC", yaml: NO_VPC_FUNCTION, reason: "no function in a VPC subnet" }],
});
