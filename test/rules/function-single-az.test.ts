import rule from "../../src/rules/function-single-az.ts";
import { testRule } from "../support/rule-tester.ts";
import { fn, network, PRIVATE_AB } from "../support/rule-templates.ts";

testRule(rule, {
  valid: [{ name: "subnets in two AZs", yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA", "SubnetB"])) }],
  invalid: [
    {
      name: "one subnet, one AZ",
      yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA"])),
      errors: [
        {
          messageId: "oneAz",
          data: { fn: "Fn", azs: "us-east-1a", count: 1, minimum: 2 },
          message: "Function Fn runs in one Availability Zone only (us-east-1a): an outage of that zone stops it",
        },
      ],
    },
    {
      name: "two AZs, with minimumAzs 3",
      yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA", "SubnetB"])),
      options: { minimumAzs: 3 },
      errors: [{ messageId: "fewAzs", data: { fn: "Fn", azs: "us-east-1a, us-east-1b", count: 2, minimum: 3 } }],
    },
  ],
  notApplicable: [{ name: "no function", yaml: network(PRIVATE_AB), reason: "no function" }],
});
