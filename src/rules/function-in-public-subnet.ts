import { defaultRoute, functionSubnets, locationOf } from "../analyze/queries.ts";
import { isUnknown } from "../model/types.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: { id: "function-in-public-subnet", title: "Function in a public subnet", severity: "error" },
  check(ctx) {
    for (const fn of ctx.model.functions()) {
      const pub = functionSubnets(ctx.model, fn).filter((s) => defaultRoute(ctx.model, s)?.target.kind === "internet-gateway");
      if (pub.length === 0) continue;
      const igw = defaultRoute(ctx.model, pub[0] as (typeof pub)[0])?.target;
      const igwName = igw && "id" in igw && !isUnknown(igw.id) ? igw.id : "an internet gateway";
      ctx.report({
        resource: fn.id,
        location: locationOf(fn.vpcConfig?.origin ?? fn.origin),
        message: `Function ${fn.id} is in public subnet${pub.length > 1 ? "s" : ""} ${pub.map((s) => s.id).join(", ")} (0.0.0.0/0 -> ${igwName}): a Lambda ENI never has a public IPv4 address, so it gets no internet access there`,
        fix: "Put the function in private subnets whose route table sends 0.0.0.0/0 to a NAT gateway placed in a public subnet.",
      });
    }
  },
});
