import rule from "../../src/rules/endpoint-missing-az.ts";
import { testRule } from "../support/rule-tester.ts";
import { admitsFunctions, fn, interfaceEndpoint, network, PRIVATE_AB } from "../support/rule-templates.ts";

testRule(rule, {
  valid: [
    {
      name: "an endpoint ENI in each of the function's AZs",
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
      name: "the endpoint in us-east-1a only",
      yaml: network(
        PRIVATE_AB,
        admitsFunctions("EndpointSg", 443),
        interfaceEndpoint("SqsEndpoint", "sqs", ["SubnetA"], "EndpointSg", "PrivateDnsEnabled: true"),
        fn("Fn", ["SubnetA", "SubnetB"]),
      ),
      errors: [
        {
          messageId: "noEniInAz",
          resource: "Fn",
          data: { fn: "Fn", to: "aws:sqs", subnet: "SubnetB", az: "us-east-1b", endpoint: "SqsEndpoint" },
          fix: "Add a subnet in us-east-1b to SqsEndpoint's SubnetIds (one per AZ the functions use).",
        },
      ],
    },
  ],
  notApplicable: [{ name: "no interface endpoint", yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA"])), reason: "no interface VPC endpoint" }],
});
