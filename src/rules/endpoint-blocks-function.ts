import { interfaceEndpointOf } from "../analyze/queries.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "endpoint-blocks-function",
    title: "Interface endpoint that the function cannot get through",
    severity: "error",
    messages: {
      endpointBlocks:
        "{{fn}} cannot reach {{to}} from {{subnet}}: the service's name resolves to endpoint {{endpoint}} (private DNS), and {{reason}}. Private DNS applies to the whole VPC, so there is no fallback through a NAT",
    },
  },
  check(ctx) {
    if (ctx.model.all("vpc-endpoint").length === 0) return ctx.notApplicable("no VPC endpoint");
    for (const fn of ctx.analysis.functions) {
      for (const s of fn.subnets) {
        for (const r of s.destinations) {
          const endpoint = r.verdict === "unreachable" ? interfaceEndpointOf(r) : undefined;
          if (endpoint === undefined) continue;
          ctx.report({
            messageId: "endpointBlocks",
            data: { fn: fn.id, to: r.to, subnet: s.subnet, endpoint, reason: r.reason },
            resource: fn.id,
            location: r.location ?? fn.location,
            fix: r.fix ?? "Follow the trace to the blocking component.",
          });
        }
      }
    }
  },
});
