import { functionSubnets, locationOf } from "../analyze/queries.ts";
import { MAX_FUNCTION_SECURITY_GROUPS, MAX_FUNCTION_SUBNETS } from "../aws/facts.ts";
import { isUnknown } from "../model/types.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "vpc-config-limits",
    title: "VpcConfig Lambda rejects",
    severity: "error",
    messages: { rejected: "Lambda rejects the VpcConfig of {{fn}}: {{problems}}" },
  },
  check(ctx) {
    const { model } = ctx;
    if (!model.functions().some((f) => f.vpcConfig)) return ctx.notApplicable("no function with a VpcConfig");
    for (const fn of model.functions()) {
      const vc = fn.vpcConfig;
      if (!vc) continue;
      const problems: string[] = [];
      if (!isUnknown(vc.subnetIds) && vc.subnetIds.length > MAX_FUNCTION_SUBNETS) {
        problems.push(`${vc.subnetIds.length} subnets (at most ${MAX_FUNCTION_SUBNETS})`);
      }
      if (!isUnknown(vc.securityGroupIds) && vc.securityGroupIds.length > MAX_FUNCTION_SECURITY_GROUPS) {
        problems.push(`${vc.securityGroupIds.length} security groups (at most ${MAX_FUNCTION_SECURITY_GROUPS})`);
      }
      const vpcs = new Set(
        functionSubnets(model, fn)
          .map((s) => s.vpcId)
          .filter((v): v is string => typeof v === "string"),
      );
      if (vpcs.size > 1) problems.push(`subnets in ${vpcs.size} VPCs (${[...vpcs].join(", ")})`);
      if (!isUnknown(vc.securityGroupIds)) {
        for (const ref of vc.securityGroupIds) {
          const sg = model.securityGroup(ref);
          const v = sg?.vpcId;
          if (typeof v === "string" && vpcs.size === 1 && !vpcs.has(v))
            problems.push(`security group ${sg?.id} belongs to ${v}, not to the subnets' VPC`);
        }
      }
      if (problems.length === 0) continue;
      ctx.report({
        messageId: "rejected",
        data: { fn: fn.id, problems: problems.join("; ") },
        resource: fn.id,
        location: locationOf(vc.origin),
        fix: "Use at most 16 subnets and 5 security groups, all in one VPC.",
      });
    }
  },
});
