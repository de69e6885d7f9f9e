import rule from "../../src/rules/nat-gateway-cross-az.ts";
import { testRule } from "../support/rule-tester.ts";
import { fn, network, NO_VPC_FUNCTION, PRIVATE_AB } from "../support/rule-templates.ts";

testRule(rule, {
  valid: [{ name: "a subnet in the NAT's own AZ", yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA"])) }],
  invalid: [
    {
      name: "a subnet in us-east-1b routed to the NAT in us-east-1a",
      yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA", "SubnetB"])),
      errors: [{ messageId: "crossAz", resource: "Fn", data: { fn: "Fn", pairs: "SubnetB (us-east-1b) -> Nat (us-east-1a)" } }],
    },
  ],
  notApplicable: [{ name: "no NAT gateway", yaml: NO_VPC_FUNCTION, reason: "no NAT gateway" }],
});
