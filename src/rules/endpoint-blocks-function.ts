import { interfaceEndpointOf } from "../analyze/queries.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: { id: "endpoint-blocks-function", title: "Interface endpoint that the function cannot get through", severity: "error" },
  check(ctx) {
    for (const fn of ctx.analysis.functions) {
      for (const s of fn.subnets) {
        for (const r of s.destinations) {
          const endpoint = r.verdict === "unreachable" ? interfaceEndpointOf(r) : undefined;
          if (endpoint === undefined) continue;
          ctx.report({
            resource: fn.id,
            location: r.location ?? fn.location,
            message: `${fn.id} cannot reach ${r.to} from ${s.subnet}: the service's name resolves to endpoint ${endpoint} (private DNS), and ${r.reason}. Private DNS applies to the whole VPC, so there is no fallback through a NAT`,
            fix: r.fix ?? "Follow the trace to the blocking component.",
          });
        }
      }
    }
  },
});
