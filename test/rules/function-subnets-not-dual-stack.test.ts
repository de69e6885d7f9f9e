import rule from "../../src/rules/function-subnets-not-dual-stack.ts";
import { testRule } from "../support/rule-tester.ts";
import { fn, network, NO_VPC_FUNCTION, PRIVATE_AB } from "../support/rule-templates.ts";

testRule(rule, {
  valid: [{ name: "IPv4 subnets without the dual-stack flag", yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA", "SubnetB"])) }],
  invalid: [
    {
      name: "the dual-stack flag with IPv4-only subnets",
      yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA", "SubnetB"], { vpcConfig: ["Ipv6AllowedForDualStack: true"] })),
      errors: [{ messageId: "ipv4Subnets", resource: "Fn", data: { fn: "Fn", subnets: "SubnetA, SubnetB" } }],
    },
    {
      name: "the dual-stack flag with one IPv4-only subnet",
      yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA"], { vpcConfig: ["Ipv6AllowedForDualStack: true"] })),
      errors: [
        {
          messageId: "ipv4Subnet",
          message:
            "Fn sets Ipv6AllowedForDualStack: true, but SubnetA has no IPv6 block: Lambda rejects the configuration (every subnet must be dual-stack)",
        },
      ],
    },
  ],
  notApplicable: [{ name: "no function with a VpcConfig", yaml: NO_VPC_FUNCTION, reason: "no function with a VpcConfig" }],
});
