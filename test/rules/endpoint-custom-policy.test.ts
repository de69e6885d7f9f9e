import rule from "../../src/rules/endpoint-custom-policy.ts";
import { testRule } from "../support/rule-tester.ts";
import { admitsFunctions, interfaceEndpoint, network, PRIVATE_AB } from "../support/rule-templates.ts";

const POLICY = `PolicyDocument:
        Statement:
          - { Effect: Allow, Principal: "*", Action: sqs:SendMessage, Resource: "*" }`;

testRule(rule, {
  valid: [
    {
      name: "the default policy",
      yaml: network(PRIVATE_AB, admitsFunctions("EndpointSg", 443), interfaceEndpoint("SqsEndpoint", "sqs", ["SubnetA"], "EndpointSg")),
    },
  ],
  invalid: [
    {
      name: "a policy of its own",
      yaml: network(
        PRIVATE_AB,
        admitsFunctions("EndpointSg", 443),
        interfaceEndpoint("SqsEndpoint", "sqs", ["SubnetA"], "EndpointSg", POLICY),
      ),
      errors: [
        {
          messageId: "customPolicy",
          resource: "SqsEndpoint",
          message:
            "SqsEndpoint has an endpoint policy other than the default allow-all: the network path says nothing about which calls it lets through",
        },
      ],
    },
  ],
  notApplicable: [{ name: "no endpoint", yaml: network(PRIVATE_AB), reason: "no VPC endpoint" }],
});
