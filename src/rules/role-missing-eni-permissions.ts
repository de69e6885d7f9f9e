import { permission } from "../analyze/iam.ts";
import { executionRole, locationOf } from "../analyze/queries.ts";
import { ENI_ACTIONS_REQUIRED } from "../aws/facts.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: { id: "role-missing-eni-permissions", title: "Execution role without the ENI actions", severity: "error" },
  check(ctx) {
    for (const fn of ctx.model.functions()) {
      const role = executionRole(ctx.model, fn);
      if (!role) continue;
      const unknownPolicies = role.unknownPolicies.length > 0;
      const missing = ENI_ACTIONS_REQUIRED.filter((a) => permission(role.statements, a, unknownPolicies) === "denied");
      if (missing.length === 0) continue;
      ctx.report({
        resource: fn.id,
        location: locationOf(fn.origin),
        message: `The execution role ${role.id} of ${fn.id} does not allow ${missing.join(", ")}: creating the function fails ("The provided execution role does not have permissions to call CreateNetworkInterface on EC2")`,
        fix: `Add the managed policy arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole to ${role.id}.`,
      });
    }
  },
});
