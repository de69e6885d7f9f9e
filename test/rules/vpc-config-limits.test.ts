import rule from "../../src/rules/vpc-config-limits.ts";
import { testRule } from "../support/rule-tester.ts";
import { fn, network, NO_VPC_FUNCTION, PRIVATE_AB } from "../support/rule-templates.ts";

const SIX_GROUPS = [1, 2, 3, 4, 5]
  .map((n) => `  Sg${n}:\n    Type: AWS::EC2::SecurityGroup\n    Properties: { GroupDescription: sg${n}, VpcId: !Ref Vpc }`)
  .join("\n");

testRule(rule, {
  valid: [{ name: "two subnets and one security group", yaml: network(PRIVATE_AB, fn("Fn", ["SubnetA", "SubnetB"])) }],
  invalid: [
    {
      name: "six security groups",
      yaml: network(PRIVATE_AB, SIX_GROUPS, fn("Fn", ["SubnetA", "SubnetB"])).replace(
        "SecurityGroupIds: [!Ref FnSg]",
        "SecurityGroupIds: [!Ref FnSg, !Ref Sg1, !Ref Sg2, !Ref Sg3, !Ref Sg4, !Ref Sg5]",
      ),
      errors: [{ messageId: "rejected", resource: "Fn", data: { fn: "Fn", problems: "6 security groups (at most 5)" } }],
    },
  ],
  notApplicable: [{ name: "no function with a VpcConfig", yaml: NO_VPC_FUNCTION, reason: "no function with a VpcConfig" }],
});
