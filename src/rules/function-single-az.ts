import { functionNetwork, functionSubnets, locationOf } from "../analyze/queries.ts";
import { isUnknown } from "../model/types.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "function-single-az",
    title: "Function in one Availability Zone only",
    severity: "warning",
    messages: {
      oneAz: "Function {{fn}} runs in one Availability Zone only ({{azs}}): an outage of that zone stops it",
      oneAzInstances:
        "Function {{fn}} runs on the instances of capacity provider {{provider}}, all in one Availability Zone ({{azs}}): an outage of that zone stops it",
      fewAzs:
        "Function {{fn}} runs in {{count}} Availability Zones only ({{azs}}), fewer than {{minimum}}: an outage of one of them takes away its share of the capacity",
      fewAzsInstances:
        "Function {{fn}} runs on the instances of capacity provider {{provider}}, in {{count}} Availability Zones only ({{azs}}), fewer than {{minimum}}: an outage of one of them takes away its share of the capacity",
    },
    options: {
      minimumAzs: {
        type: "integer",
        default: 2,
        min: 2,
        max: 6,
        description: "the fewest Availability Zones a function's subnets must span",
      },
    },
  },
  check(ctx) {
    if (ctx.model.functions().length === 0) return ctx.notApplicable("no function");
    for (const fn of ctx.model.functions()) {
      const net = functionNetwork(ctx.model, fn);
      const subnets = functionSubnets(ctx.model, fn);
      const ids = net?.vpcConfig.subnetIds;
      if (!net || subnets.length === 0 || !ids || isUnknown(ids) || subnets.length !== ids.length) continue;
      if (subnets.some((s) => isUnknown(s.az))) continue;
      const azs = new Set(subnets.map((s) => s.az as string));
      if (azs.size >= ctx.options.minimumAzs) continue;
      const cp = net.capacityProvider;
      const one = azs.size === 1;
      ctx.report({
        messageId: cp ? (one ? "oneAzInstances" : "fewAzsInstances") : one ? "oneAz" : "fewAzs",
        data: {
          fn: fn.id,
          azs: [...azs].sort().join(", "),
          count: azs.size,
          minimum: ctx.options.minimumAzs,
          ...(cp ? { provider: cp.id } : {}),
        },
        resource: fn.id,
        location: locationOf(net.vpcConfig.origin),
        fix: cp
          ? `Add a subnet in ${one ? "a second" : "another"} Availability Zone to the VpcConfig of capacity provider ${cp.id}, with its own road to the internet.`
          : `Add a subnet in ${one ? "a second" : "another"} Availability Zone to ${fn.id}'s VpcConfig, with its own route to a NAT gateway in that zone.`,
      });
    }
  },
});
