import { isInternet } from "../analyze/queries.ts";
import { defineRule } from "./define.ts";

const IPV6_SETUP_CODES = new Set(["LAMBDA_IPV6_NOT_ALLOWED", "SUBNET_NOT_DUAL_STACK"]);

export default defineRule({
  meta: {
    id: "dual-stack-without-ipv6-egress",
    title: "Dual-stack function whose IPv6 traffic does not get out",
    severity: "warning",
    messages: {
      ipv6Blocked:
        "{{fn}} sets Ipv6AllowedForDualStack, yet its IPv6 traffic does not reach the internet from {{subnets}}: {{reason}}. Clients that prefer IPv6 time out",
    },
  },
  check(ctx) {
    if (!ctx.analysis.functions.some((f) => f.subnets.some((s) => s.destinations.some((d) => isInternet(d, 6)))))
      return ctx.notApplicable("no function's IPv6 road to the internet is checked (no dual-stack function)");
    for (const fn of ctx.analysis.functions) {
      const broken = fn.subnets.flatMap((s) => {
        // The IPv6 internet on any port (`internet6`, `internet6:443`).
        const r = s.destinations.find((d) => isInternet(d, 6) && d.verdict === "unreachable" && !IPV6_SETUP_CODES.has(d.code ?? ""));
        return r ? [{ subnet: s.subnet, r }] : [];
      });
      const first = broken[0];
      if (!first) continue;
      ctx.report({
        messageId: "ipv6Blocked",
        data: { fn: fn.id, subnets: broken.map((b) => b.subnet).join(", "), reason: first.r.reason },
        resource: fn.id,
        location: first.r.location ?? fn.location,
        fix: first.r.fix ?? "Add IPv6 egress (::/0) to the function's security group and a ::/0 route to an egress-only internet gateway.",
      });
    }
  },
});
