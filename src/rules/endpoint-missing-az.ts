import { interfaceEndpointOf } from "../analyze/queries.ts";
import { isUnknown } from "../model/types.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: { id: "endpoint-missing-az", title: "Function subnet in an AZ where the interface endpoint has no ENI", severity: "warning" },
  check(ctx) {
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
            resource: fn.id,
            location: r.location ?? fn.location,
            message: `${fn.id} reaches ${r.to} from ${s.subnet} (${s.az}) through endpoint ${ep.id}, which has no ENI in ${s.az}: every call crosses AZs (inter-AZ data charges) and fails if the endpoint's AZs do`,
            fix: `Add a subnet in ${s.az} to ${ep.id}'s SubnetIds (one per AZ the functions use).`,
          });
        }
      }
    }
  },
});
