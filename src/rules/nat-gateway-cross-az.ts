import { functionNetwork, functionRoutes, locationOf, natAz, reportsById } from "../analyze/queries.ts";
import { isUnknown } from "../model/types.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "nat-gateway-cross-az",
    title: "NAT gateway serving another Availability Zone",
    severity: "warning",
    messages: {
      crossAz:
        "Function {{fn}} sends internet traffic through a NAT gateway in another Availability Zone: {{pairs}}. If that zone fails, so does the function, and the traffic pays cross-AZ transfer",
    },
  },
  check(ctx) {
    if (ctx.model.all("nat-gateway").length === 0) return ctx.notApplicable("no NAT gateway");
    const reports = reportsById(ctx.analysis.functions);
    for (const fn of ctx.model.functions()) {
      const pairs: string[] = [];
      for (const s of reports.get(fn.id)?.subnets ?? []) {
        const subnet = ctx.model.get("subnet", s.subnet);
        if (!subnet || isUnknown(subnet.az)) continue;
        // Every NAT gateway the analysis sent the function's traffic to from this subnet, whatever the route's prefix.
        for (const r of s.destinations)
          for (const route of functionRoutes(r)) {
            const t = route.target;
            if (t.kind !== "nat-gateway" || isUnknown(t.id)) continue;
            const az = natAz(ctx.model, t.id);
            const pair = `${subnet.id} (${subnet.az}) -> ${t.id} (${az})`;
            if (az && az !== subnet.az && !pairs.includes(pair)) pairs.push(pair);
          }
      }
      if (pairs.length === 0) continue;
      ctx.report({
        messageId: "crossAz",
        data: { fn: fn.id, pairs: pairs.join("; ") },
        resource: fn.id,
        location: locationOf(functionNetwork(ctx.model, fn)?.vpcConfig.origin ?? fn.origin),
        fix: "Give each Availability Zone its own NAT gateway and route each private subnet to the NAT gateway of its own zone.",
      });
    }
  },
});
