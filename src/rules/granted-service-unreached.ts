import { GATEWAY_ENDPOINT_SERVICES } from "../aws/facts.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "granted-service-unreached",
    title: "Role grants an AWS service the function cannot reach",
    severity: "warning",
    messages: {
      serviceUnreached:
        "{{fn}}'s {{because}}, but no road from its subnets reaches {{service}}{{blocked}}; a call from its code would time out",
    },
  },
  check(ctx) {
    if (!ctx.analysis.functions.some((f) => f.needs?.some((n) => n.kind === "service")))
      return ctx.notApplicable("no function's role grants an AWS service");
    for (const fn of ctx.analysis.functions) {
      for (const need of fn.needs ?? []) {
        // A grant is not proof of use: a warning, and only when no subnet gets through (some: function-subnets-disagree).
        if (need.kind !== "service" || fn.summary[need.to] !== "unreachable") continue;
        const svc = need.to.slice("aws:".length);
        const first = fn.subnets.map((s) => s.destinations.find((d) => d.to === need.to)).find((r) => r?.verdict === "unreachable");
        const sg = fn.subnets.length > 0 ? "the function's security group" : "the function";
        const endpoint = GATEWAY_ENDPOINT_SERVICES.has(svc)
          ? `a gateway endpoint for ${svc} on the function subnets' route tables (free), or an interface endpoint com.amazonaws.REGION.${svc} with private DNS whose security group admits tcp 443 from ${sg}`
          : `an interface endpoint com.amazonaws.REGION.${svc} with private DNS, in the function's subnets, whose security group admits tcp 443 from ${sg}`;
        ctx.report({
          messageId: "serviceUnreached",
          data: { fn: fn.id, because: need.because, service: svc, blocked: first ? ` (${first.code ?? ""}: ${first.reason})` : "" },
          resource: fn.id,
          location: need.location,
          fix: `Give the function a road to ${svc}: ${endpoint}; or a NAT gateway in a public subnet for 0.0.0.0/0. \`lambda-egress cost --compare\` shows which costs less for your traffic. If the code never calls ${svc}, remove the grant.`,
        });
      }
    }
  },
});
