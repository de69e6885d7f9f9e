import rule from "../../src/rules/nat-gateway-without-internet-route.ts";
import { testRule } from "../support/rule-tester.ts";
import { network, NO_VPC_FUNCTION, subnet } from "../support/rule-templates.ts";

const DEAD_NAT = `${subnet("DeadSubnet", { cidr: "10.0.8.0/24", az: "us-east-1a", to: "none" })}
  DeadEip:
    Type: AWS::EC2::EIP
    Properties: { Domain: vpc }
  DeadNat:
    Type: AWS::EC2::NatGateway
    Properties: { SubnetId: !Ref DeadSubnet, AllocationId: !GetAtt DeadEip.AllocationId }`;

testRule(rule, {
  valid: [{ name: "a NAT in a subnet routed to the internet gateway", yaml: network() }],
  invalid: [
    {
      name: "a NAT in a subnet without a default route",
      yaml: network(DEAD_NAT),
      errors: [
        {
          messageId: "noInternetRoute",
          resource: "DeadNat",
          data: { nat: "DeadNat", what: "its subnet DeadSubnet has no 0.0.0.0/0 route" },
        },
      ],
    },
  ],
  notApplicable: [{ name: "no NAT gateway", yaml: NO_VPC_FUNCTION, reason: "no NAT gateway" }],
});
