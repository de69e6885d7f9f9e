import rule from "../../src/rules/egress-path-broken.ts";
import { testRule } from "../support/rule-tester.ts";
import { fn, network, NO_VPC_FUNCTION, PRIVATE_AB, subnet } from "../support/rule-templates.ts";

testRule(rule, {
  valid: [{ name: "private subnets routed to a working NAT", yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA", "SubnetB"])) }],
  invalid: [
    {
      name: "a subnet routed to a NAT whose own subnet has no way out",
      yaml: network(
        subnet("DeadSubnet", { cidr: "10.0.8.0/24", az: "us-east-1a", to: "none" }),
        `  DeadEip:
    Type: AWS::EC2::EIP
    Properties: { Domain: vpc }
  DeadNat:
    Type: AWS::EC2::NatGateway
    Properties: { SubnetId: !Ref DeadSubnet, AllocationId: !GetAtt DeadEip.AllocationId }`,
        subnet("SubnetX", { cidr: "10.0.3.0/24", az: "us-east-1a", nat: "DeadNat" }),
        fn("Fn", ["SubnetX"]),
      ),
      errors: [
        {
          messageId: "natBroken",
          resource: "Fn",
          data: { fn: "Fn", where: "SubnetX: NO_ROUTE_TO_DESTINATION (DeadSubnetRoutes (used by DeadSubnet) has no route to internet)" },
        },
      ],
    },
  ],
  notApplicable: [{ name: "no function in a VPC", yaml: NO_VPC_FUNCTION, reason: "no function in a VPC subnet" }],
});
