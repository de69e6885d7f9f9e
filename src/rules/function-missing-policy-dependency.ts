import { permission, roleStatements } from "../analyze/iam.ts";
import { executionRole, locationOf } from "../analyze/queries.ts";
import { ENI_ACTIONS_REQUIRED } from "../aws/facts.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "function-missing-policy-dependency",
    title: "Function created before its ENI policy",
    severity: "error",
    messages: {
      createdFirst:
        "{{fn}} gets its ENI permissions from {{providers}}, a separate policy it does not depend on: {{tool}} may create the function first, and creation then fails",
    },
  },
  check(ctx) {
    const { model } = ctx;
    if (model.functions().length === 0) return ctx.notApplicable("no function");
    for (const fn of model.functions()) {
      const role = executionRole(model, fn);
      if (!role || role.attachedPolicyResources.length === 0) continue;
      const unknownPolicies = role.unknownPolicies.length > 0;
      const grants = (ids?: ReadonlySet<string>) =>
        ENI_ACTIONS_REQUIRED.every((a) => permission(roleStatements(role, ids), a, unknownPolicies) !== "denied");
      if (!grants()) continue; // the role lacks them altogether: role-missing-eni-permissions
      const before = new Set([role.id, ...model.dependsOnTransitively(fn.id)]);
      if (grants(before)) continue;
      const providers = role.attachedPolicyResources.filter((p) => !before.has(p));
      const terraform = fn.origin.source === "terraform";
      ctx.report({
        messageId: "createdFirst",
        data: { fn: fn.id, providers: providers.join(", "), tool: terraform ? "Terraform" : "CloudFormation" },
        resource: fn.id,
        location: locationOf(fn.origin),
        fix: terraform
          ? `Add depends_on = [${providers[0]}] to ${fn.id} (or attach the permissions to ${role.id} itself).`
          : `Add DependsOn: ${providers[0]} to ${fn.id} (or attach the permissions to ${role.id} itself).`,
      });
    }
  },
});
