import { functionPermission } from "../analyze/iam.ts";
import { functionRole, invokedFunctions, locationOf } from "../analyze/queries.ts";
import { INVOKE_ACTION } from "../aws/facts.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "function-missing-invoke-permission",
    title: "Function calls another without lambda:InvokeFunction",
    severity: "warning",
    messages: {
      invokeDenied:
        "{{fn}} calls {{target}} ({{evidence}}), but its execution role {{role}} does not allow {{action}} on it: {{why}}. The call fails with AccessDeniedException",
    },
  },
  check(ctx) {
    const { model } = ctx;
    if (model.functions().length === 0) return ctx.notApplicable("no function");
    const functionIds = new Set(model.functions().map((f) => f.id));
    for (const fn of model.functions()) {
      const role = functionRole(model, fn);
      if (!role) continue;
      for (const t of invokedFunctions(model, fn)) {
        const p = functionPermission(role.statements, INVOKE_ACTION, t.arn, functionIds, role.unknownPolicies.length > 0);
        if (p.permission !== "denied") continue;
        const shown = t.evidence
          .map((e) =>
            e.kind === "environment"
              ? `its environment variable ${e.variable} holds ${t.inTemplate ? `the name or ARN of ${t.target}` : "that function ARN"}`
              : `its SAM LambdaInvokePolicy names ${t.target}`,
          )
          .join(", and ");
        const viaTemplateWithArn = t.evidence.some((e) => e.kind === "sam-policy-template");
        const why = p.deniedBy
          ? `a Deny statement of ${p.deniedBy.origin.logicalId ?? role.id} covers it`
          : viaTemplateWithArn
            ? `LambdaInvokePolicy's FunctionName takes a function name, and given an ARN its resource (${p.allowedOn.find((r) => r.includes(t.target)) ?? "arn:...:function:<FunctionName>*"}) matches no function`
            : p.allowedOn.length > 0
              ? `it allows ${INVOKE_ACTION} only on ${p.allowedOn.slice(0, 3).join(", ")}${p.allowedOn.length > 3 ? ", ..." : ""}`
              : `no statement allows ${INVOKE_ACTION}`;
        const arnExpr = t.inTemplate ? `!GetAtt ${t.target}.Arn` : t.target;
        ctx.report({
          messageId: "invokeDenied",
          data: { fn: fn.id, target: t.target, evidence: shown, role: role.id, action: INVOKE_ACTION, why },
          resource: fn.id,
          location: locationOf(fn.origin),
          fix: viaTemplateWithArn
            ? `Give LambdaInvokePolicy the function's name: LambdaInvokePolicy: { FunctionName: !Ref ${t.target} }.`
            : role.generatedBySam && t.inTemplate
              ? `Add to the Policies of ${fn.id}: - LambdaInvokePolicy: { FunctionName: !Ref ${t.target} }.`
              : `Add to ${role.id} a statement { Effect: Allow, Action: ${INVOKE_ACTION}, Resource: ${arnExpr} }.`,
        });
      }
    }
  },
});
