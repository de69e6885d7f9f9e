import rule from "../../src/rules/endpoint-private-dns-disabled.ts";
import { testRule } from "../support/rule-tester.ts";
import { admitsFunctions, fn, interfaceEndpoint, network, subnet } from "../support/rule-templates.ts";

/** A subnet with no road out of the VPC: the service is reached through its endpoint or not at all. */
const ISOLATED = subnet("Isolated", { cidr: "10.0.5.0/24", az: "us-east-1a", to: "none" });

testRule(rule, {
  valid: [
    {
      name: "private DNS on",
      yaml: network(
        ISOLATED,
        admitsFunctions("EndpointSg", 443),
        interfaceEndpoint("SqsEndpoint", "sqs", ["Isolated"], "EndpointSg", "PrivateDnsEnabled: true"),
        fn("Fn", ["Isolated"]),
      ),
    },
  ],
  invalid: [
    {
      name: "private DNS off, and no other road",
      yaml: network(
        ISOLATED,
        admitsFunctions("EndpointSg", 443),
        interfaceEndpoint("SqsEndpoint", "sqs", ["Isolated"], "EndpointSg", "PrivateDnsEnabled: false"),
        fn("Fn", ["Isolated"]),
      ),
      errors: [
        {
          messageId: "privateDnsOff",
          resource: "Fn",
          data: { fn: "Fn", to: "aws:sqs", subnets: "Isolated", endpoint: "SqsEndpoint" },
          fix: "Set PrivateDnsEnabled: true on SqsEndpoint (the VPC needs EnableDnsSupport and EnableDnsHostnames: true).",
        },
      ],
    },
  ],
  notApplicable: [{ name: "no interface endpoint", yaml: network(ISOLATED, fn("Fn", ["Isolated"])), reason: "no interface VPC endpoint" }],
});
