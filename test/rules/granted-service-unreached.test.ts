import rule from "../../src/rules/granted-service-unreached.ts";
import { testRule } from "../support/rule-tester.ts";
import { fn, network, PRIVATE_AB, subnet } from "../support/rule-templates.ts";

const SQS_GRANT = ["Policies:", "  - SQSSendMessagePolicy: { QueueName: jobs }"];
const ISOLATED = subnet("Isolated", { cidr: "10.0.5.0/24", az: "us-east-1a", to: "none" });

testRule(rule, {
  valid: [
    {
      name: "the grant, and a road through the NAT",
      yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA", "SubnetB"], { properties: SQS_GRANT })),
    },
  ],
  invalid: [
    {
      name: "the grant, and no road out of the subnet",
      yaml: network(ISOLATED, fn("Fn", ["Isolated"], { properties: SQS_GRANT })),
      errors: [
        {
          messageId: "serviceUnreached",
          resource: "Fn",
          data: {
            fn: "Fn",
            because: "role FnRole allows sqs:SendMessage* (SQSSendMessagePolicy)",
            service: "sqs",
            blocked: " (NO_ROUTE_TO_DESTINATION: IsolatedRoutes (used by Isolated) has no route to aws:sqs)",
          },
        },
      ],
    },
  ],
  notApplicable: [
    { name: "no grant", yaml: network(ISOLATED, fn("Fn", ["Isolated"])), reason: "no function's role grants an AWS service" },
  ],
});
