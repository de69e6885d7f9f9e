import rule from "../../src/rules/managed-instances-without-telemetry-path.ts";
import { testRule } from "../support/rule-tester.ts";
import { network, PRIVATE_AB, subnet } from "../support/rule-templates.ts";

/** A capacity provider in `subnets`. */
function provider(...subnets: string[]): string {
  return `  Provider:
    Type: AWS::Lambda::CapacityProvider
    Properties:
      VpcConfig:
        SubnetIds: [${subnets.map((s) => `!Ref ${s}`).join(", ")}]
        SecurityGroupIds: [!Ref FnSg]
      PermissionsConfig:
        CapacityProviderOperatorRoleArn: arn:aws:iam::123456789012:role/LambdaOperator`;
}

testRule(rule, {
  valid: [{ name: "subnets routed to a NAT", yaml: network(PRIVATE_AB, provider("SubnetA", "SubnetB")) }],
  invalid: [
    {
      name: "a subnet with no road out",
      yaml: network(subnet("Isolated", { cidr: "10.0.5.0/24", az: "us-east-1a", to: "none" }), provider("Isolated")),
      errors: [
        {
          messageId: "noTelemetry",
          resource: "Provider",
          data: {
            provider: "Provider",
            where:
              "Isolated (aws:logs: IsolatedRoutes (used by Isolated) has no route to aws:logs; aws:xray: IsolatedRoutes (used by Isolated) has no route to aws:xray)",
          },
        },
      ],
    },
  ],
  notApplicable: [{ name: "no capacity provider", yaml: network(PRIVATE_AB), reason: "no Lambda Managed Instances capacity provider" }],
});
