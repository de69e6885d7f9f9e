import { defaultRoute, functionNetwork, functionSubnets, locationOf, natAz } from "../analyze/queries.ts";
import { isUnknown } from "../model/types.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: { id: "nat-gateway-cross-az", title: "NAT gateway serving another Availability Zone", severity: "warning" },
  check(ctx) {
    for (const fn of ctx.model.functions()) {
      const pairs: string[] = [];
      for (const s of functionSubnets(ctx.model, fn)) {
        const t = defaultRoute(ctx.model, s)?.target;
        if (t?.kind !== "nat-gateway" || isUnknown(t.id) || isUnknown(s.az)) continue;
        const az = natAz(ctx.model, t.id);
        if (az && az !== s.az) pairs.push(`${s.id} (${s.az}) -> ${t.id} (${az})`);
      }
      if (pairs.length === 0) continue;
      ctx.report({
        resource: fn.id,
        location: locationOf(functionNetwork(ctx.model, fn)?.vpcConfig.origin ?? fn.origin),
        message: `Function ${fn.id} sends internet traffic through a NAT gateway in another Availability Zone: ${pairs.join("; ")}. If that zone fails, so does the function, and the traffic pays cross-AZ transfer`,
        fix: "Give each Availability Zone its own NAT gateway and route each private subnet to the NAT gateway of its own zone.",
      });
    }
  },
});
