import { functionNetwork, functionSubnets, locationOf } from "../analyze/queries.ts";
import { isUnknown } from "../model/types.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: { id: "function-single-az", title: "Function in one Availability Zone only", severity: "warning" },
  check(ctx) {
    for (const fn of ctx.model.functions()) {
      const net = functionNetwork(ctx.model, fn);
      const subnets = functionSubnets(ctx.model, fn);
      const ids = net?.vpcConfig.subnetIds;
      if (!net || subnets.length === 0 || !ids || isUnknown(ids) || subnets.length !== ids.length) continue;
      if (subnets.some((s) => isUnknown(s.az))) continue;
      const azs = new Set(subnets.map((s) => s.az as string));
      if (azs.size !== 1) continue;
      const cp = net.capacityProvider;
      ctx.report({
        resource: fn.id,
        location: locationOf(net.vpcConfig.origin),
        message: cp
          ? `Function ${fn.id} runs on the instances of capacity provider ${cp.id}, all in one Availability Zone (${[...azs][0]}): an outage of that zone stops it`
          : `Function ${fn.id} runs in one Availability Zone only (${[...azs][0]}): an outage of that zone stops it`,
        fix: cp
          ? `Add a subnet in a second Availability Zone to the VpcConfig of capacity provider ${cp.id}, with its own road to the internet.`
          : `Add a subnet in a second Availability Zone to ${fn.id}'s VpcConfig, with its own route to a NAT gateway in that zone.`,
      });
    }
  },
});
