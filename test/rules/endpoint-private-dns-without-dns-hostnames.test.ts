import rule from "../../src/rules/endpoint-private-dns-without-dns-hostnames.ts";
import { testRule } from "../support/rule-tester.ts";
import { admitsFunctions, interfaceEndpoint, network, PRIVATE_AB } from "../support/rule-templates.ts";

const WITH_ENDPOINT = network(
  PRIVATE_AB,
  admitsFunctions("EndpointSg", 443),
  interfaceEndpoint("SqsEndpoint", "sqs", ["SubnetA"], "EndpointSg", "PrivateDnsEnabled: true"),
);

testRule(rule, {
  valid: [{ name: "DNS support and hostnames on", yaml: WITH_ENDPOINT }],
  invalid: [
    {
      name: "DNS hostnames off",
      yaml: WITH_ENDPOINT.replace("EnableDnsHostnames: true", "EnableDnsHostnames: false"),
      errors: [
        {
          messageId: "dnsOff",
          resource: "SqsEndpoint",
          data: { endpoint: "SqsEndpoint", vpc: "Vpc", missing: "EnableDnsHostnames" },
          fix: "Set EnableDnsHostnames: true on Vpc.",
        },
      ],
    },
    {
      name: "DNS support and hostnames off",
      yaml: WITH_ENDPOINT.replace("EnableDnsSupport: true, EnableDnsHostnames: true", "EnableDnsSupport: false, EnableDnsHostnames: false"),
      errors: [{ messageId: "dnsOff", data: { endpoint: "SqsEndpoint", vpc: "Vpc", missing: "EnableDnsSupport and EnableDnsHostnames" } }],
    },
  ],
  notApplicable: [
    {
      name: "an endpoint without private DNS",
      yaml: network(
        PRIVATE_AB,
        admitsFunctions("EndpointSg", 443),
        interfaceEndpoint("SqsEndpoint", "sqs", ["SubnetA"], "EndpointSg", "PrivateDnsEnabled: false"),
      ),
      reason: "no interface VPC endpoint with private DNS",
    },
  ],
});
