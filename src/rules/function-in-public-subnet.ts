import { defaultRoute, functionNetwork, functionSubnets, locationOf } from "../analyze/queries.ts";
import { isUnknown } from "../model/types.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: { id: "function-in-public-subnet", title: "Function in a public subnet", severity: "error" },
  check(ctx) {
    for (const fn of ctx.model.functions()) {
      const cp = functionNetwork(ctx.model, fn)?.capacityProvider ?? null;
      // Managed Instances are EC2 instances: a public subnet works for them when it gives them a public IPv4 address.
      const pub = functionSubnets(ctx.model, fn).filter(
        (s) =>
          defaultRoute(ctx.model, s)?.target.kind === "internet-gateway" &&
          (cp === null || (!s.mapPublicIpOnLaunch && s.mapPublicIpOnLaunchUnknown === undefined)),
      );
      if (pub.length === 0) continue;
      if (cp) {
        ctx.report({
          resource: fn.id,
          location: locationOf(cp.origin),
          message: `Function ${fn.id} runs on the instances of capacity provider ${cp.id} in public subnet${pub.length > 1 ? "s" : ""} ${pub.map((s) => s.id).join(", ")}, which give${pub.length > 1 ? "" : "s"} them no public IPv4 address (MapPublicIpOnLaunch is off): the internet gateway drops their traffic`,
          fix: `Set MapPublicIpOnLaunch: true on ${pub.map((s) => s.id).join(", ")}, or give the capacity provider private subnets that route 0.0.0.0/0 to a NAT gateway.`,
        });
        continue;
      }
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
