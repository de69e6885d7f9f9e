import rule from "../../src/rules/endpoint-blocks-function.ts";
import { testRule } from "../support/rule-tester.ts";
import { admitsFunctions, fn, interfaceEndpoint, network, PRIVATE_AB } from "../support/rule-templates.ts";

const CLOSED_SG = `  EndpointSg:
    Type: AWS::EC2::SecurityGroup
    Properties: { GroupDescription: endpoint, VpcId: !Ref Vpc }`;

testRule(rule, {
  valid: [
    {
      name: "the endpoint's security group admits the function",
      yaml: network(
        PRIVATE_AB,
        admitsFunctions("EndpointSg", 443),
        interfaceEndpoint("SqsEndpoint", "sqs", ["SubnetA", "SubnetB"], "EndpointSg", "PrivateDnsEnabled: true"),
        fn("Fn", ["SubnetA", "SubnetB"]),
      ),
    },
  ],
  invalid: [
    {
      name: "the endpoint's security group admits nothing",
      yaml: network(
        PRIVATE_AB,
        CLOSED_SG,
        interfaceEndpoint("SqsEndpoint", "sqs", ["SubnetA"], "EndpointSg", "PrivateDnsEnabled: true"),
        fn("Fn", ["SubnetA"]),
      ),
      errors: [
        {
          messageId: "endpointBlocks",
          resource: "Fn",
          data: {
            fn: "Fn",
            to: "aws:sqs",
            subnet: "SubnetA",
            endpoint: "SqsEndpoint",
            reason: "the security group of endpoint SqsEndpoint (EndpointSg) does not admit tcp 443 from the function",
          },
        },
      ],
    },
  ],
  notApplicable: [{ name: "no endpoint", yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA"])), reason: "no VPC endpoint" }],
});
