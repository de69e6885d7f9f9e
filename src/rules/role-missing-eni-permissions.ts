import { permission } from "../analyze/iam.ts";
import { executionRole, locationOf } from "../analyze/queries.ts";
import { ENI_ACTIONS_REQUIRED } from "../aws/facts.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "role-missing-eni-permissions",
    title: "Execution role without the ENI actions",
    severity: "error",
    messages: {
      missingActions:
        'The execution role {{role}} of {{fn}} does not allow {{actions}}: creating the function fails ("The provided execution role does not have permissions to call CreateNetworkInterface on EC2")',
    },
  },
  check(ctx) {
    if (ctx.model.functions().length === 0) return ctx.notApplicable("no function");
    for (const fn of ctx.model.functions()) {
      const role = executionRole(ctx.model, fn);
      if (!role) continue;
      const unknownPolicies = role.unknownPolicies.length > 0;
      const missing = ENI_ACTIONS_REQUIRED.filter((a) => permission(role.statements, a, unknownPolicies) === "denied");
      if (missing.length === 0) continue;
      ctx.report({
        messageId: "missingActions",
        data: { role: role.id, fn: fn.id, actions: missing.join(", ") },
        resource: fn.id,
        location: locationOf(fn.origin),
        fix: `Add the managed policy arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole to ${role.id}.`,
      });
    }
  },
});
