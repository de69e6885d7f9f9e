import { interfaceEndpointOf } from "../analyze/queries.ts";
import { isUnknown } from "../model/types.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "endpoint-missing-az",
    title: "Function subnet in an AZ where the interface endpoint has no ENI",
    severity: "warning",
    messages: {
      noEniInAz:
        "{{fn}} reaches {{to}} from {{subnet}} ({{az}}) through endpoint {{endpoint}}, which has no ENI in {{az}}: every call crosses AZs (inter-AZ data charges) and fails if the endpoint's AZs do",
    },
  },
  check(ctx) {
    if (!ctx.model.all("vpc-endpoint").some((e) => e.type === "Interface")) return ctx.notApplicable("no interface VPC endpoint");
    for (const fn of ctx.analysis.functions) {
      for (const s of fn.subnets) {
        if (!s.az) continue;
        for (const r of s.destinations) {
          const endpoint = r.verdict === "reachable" ? interfaceEndpointOf(r) : undefined;
          if (endpoint === undefined) continue;
          const ep = ctx.model.get("vpc-endpoint", endpoint);
          if (!ep || isUnknown(ep.subnetIds)) continue;
          const azs = ep.subnetIds.map((id) => ctx.model.get("subnet", id)?.az);
          if (azs.some((az) => az === undefined || isUnknown(az) || az === s.az)) continue;
          ctx.report({
            messageId: "noEniInAz",
            data: { fn: fn.id, to: r.to, subnet: s.subnet, az: s.az, endpoint: ep.id },
            resource: fn.id,
            location: r.location ?? fn.location,
            fix: `Add a subnet in ${s.az} to ${ep.id}'s SubnetIds (one per AZ the functions use).`,
          });
        }
      }
    }
  },
});
