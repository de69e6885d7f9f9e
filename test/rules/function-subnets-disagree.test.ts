import rule from "../../src/rules/function-subnets-disagree.ts";
import { testRule } from "../support/rule-tester.ts";
import { fn, network, PRIVATE_AB, subnet } from "../support/rule-templates.ts";

testRule(rule, {
  valid: [{ name: "two subnets routed alike", yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA", "SubnetB"])) }],
  invalid: [
    {
      name: "one subnet without a default route",
      yaml: network(PRIVATE_AB, subnet("SubnetC", { cidr: "10.0.3.0/24", az: "us-east-1c", to: "none" }), fn("Fn", ["SubnetA", "SubnetC"])),
      errors: [
        {
          messageId: "subnetsDisagree",
          data: { fn: "Fn", to: "internet", reaching: "SubnetA", failing: "SubnetC" },
          fix: "Configure every subnet of Fn alike: route SubnetC the same way as SubnetA.",
        },
      ],
    },
  ],
  notApplicable: [
    { name: "a function in one subnet", yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA"])), reason: "no function in two subnets or more" },
  ],
});
