import { isUnknown, locationOf } from "../model/types.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "function-subnets-not-dual-stack",
    title: "Function in IPv6-only subnets, or dual-stack flag with IPv4-only subnets",
    severity: "error",
    messages: {
      ipv6Only: "{{fn}} is placed in IPv6-only subnets ({{subnets}}); Lambda supports dual-stack and IPv4 subnets only",
      ipv4Subnet:
        "{{fn}} sets Ipv6AllowedForDualStack: true, but {{subnets}} has no IPv6 block: Lambda rejects the configuration (every subnet must be dual-stack)",
      ipv4Subnets:
        "{{fn}} sets Ipv6AllowedForDualStack: true, but {{subnets}} have no IPv6 block: Lambda rejects the configuration (every subnet must be dual-stack)",
    },
  },
  check(ctx) {
    if (!ctx.model.functions().some((f) => f.vpcConfig)) return ctx.notApplicable("no function with a VpcConfig");
    for (const fn of ctx.model.functions()) {
      const vc = fn.vpcConfig;
      if (!vc || isUnknown(vc.subnetIds)) continue;
      const subnets = vc.subnetIds.flatMap((ref) => ctx.model.get("subnet", ref) ?? []);
      const ipv6Only = subnets.filter((s) => s.ipv6Native);
      if (ipv6Only.length > 0) {
        ctx.report({
          messageId: "ipv6Only",
          data: { fn: fn.id, subnets: ipv6Only.map((s) => s.id).join(", ") },
          resource: fn.id,
          location: locationOf(vc.origin),
          fix: `Use dual-stack subnets (an IPv4 CidrBlock and an Ipv6CidrBlock) for ${fn.id}.`,
        });
      }
      if (vc.ipv6AllowedForDualStack !== true) continue;
      const v4only = subnets.filter((s) => !s.ipv6Native && s.ipv6Cidrs.length === 0);
      if (v4only.length === 0) continue;
      ctx.report({
        messageId: v4only.length > 1 ? "ipv4Subnets" : "ipv4Subnet",
        data: { fn: fn.id, subnets: v4only.map((s) => s.id).join(", ") },
        resource: fn.id,
        location: locationOf(vc.origin),
        fix: `Give ${v4only.map((s) => s.id).join(", ")} an Ipv6CidrBlock, or remove Ipv6AllowedForDualStack.`,
      });
    }
  },
});
