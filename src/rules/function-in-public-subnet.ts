import { functionNetwork, ipv4RouteTo, locationOf, reportsById } from "../analyze/queries.ts";
import type { FunctionRoute } from "../analyze/queries.ts";
import type { Subnet } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";
import { defineRule } from "./define.ts";

const INTERNET_GATEWAY = new Set(["internet-gateway"]);

export default defineRule({
  meta: {
    id: "function-in-public-subnet",
    title: "Function in a public subnet",
    severity: "error",
    messages: {
      publicSubnet:
        "Function {{fn}} is in public subnet {{subnets}} ({{route}} -> {{gateway}}): a Lambda ENI never has a public IPv4 address, so it gets no internet access there",
      publicSubnets:
        "Function {{fn}} is in public subnets {{subnets}} ({{route}} -> {{gateway}}): a Lambda ENI never has a public IPv4 address, so it gets no internet access there",
      instancesWithoutPublicIp:
        "Function {{fn}} runs on the instances of capacity provider {{provider}} in public subnet {{subnets}}, which gives them no public IPv4 address (MapPublicIpOnLaunch is off): the internet gateway drops their traffic",
      instancesWithoutPublicIps:
        "Function {{fn}} runs on the instances of capacity provider {{provider}} in public subnets {{subnets}}, which give them no public IPv4 address (MapPublicIpOnLaunch is off): the internet gateway drops their traffic",
    },
  },
  check(ctx) {
    if (ctx.analysis.functions.every((f) => f.subnets.length === 0)) return ctx.notApplicable("no function in a VPC subnet");
    const reports = reportsById(ctx.analysis.functions);
    for (const fn of ctx.model.functions()) {
      const cp = functionNetwork(ctx.model, fn)?.capacityProvider ?? null;
      // A public subnet, as the analysis walked it: the function's own IPv4 traffic leaves it by a route to an
      // internet gateway (whatever its prefix: 0.0.0.0/0, or 0.0.0.0/1 and 128.0.0.0/1).
      const pub: { subnet: Subnet; route: FunctionRoute }[] = [];
      for (const s of reports.get(fn.id)?.subnets ?? []) {
        const subnet = ctx.model.get("subnet", s.subnet);
        const route = subnet ? ipv4RouteTo(s, INTERNET_GATEWAY) : undefined;
        // Managed Instances are EC2 instances: a public subnet works for them when it gives them a public IPv4 address.
        if (!subnet || !route || (cp !== null && (subnet.mapPublicIpOnLaunch || subnet.mapPublicIpOnLaunchUnknown !== undefined))) continue;
        pub.push({ subnet, route });
      }
      const first = pub[0];
      if (!first) continue;
      const ids = pub.map((p) => p.subnet.id);
      if (cp) {
        ctx.report({
          messageId: pub.length > 1 ? "instancesWithoutPublicIps" : "instancesWithoutPublicIp",
          data: { fn: fn.id, provider: cp.id, subnets: ids.join(", ") },
          resource: fn.id,
          location: locationOf(cp.origin),
          fix: `Set MapPublicIpOnLaunch: true on ${ids.join(", ")}, or give the capacity provider private subnets that route 0.0.0.0/0 to a NAT gateway.`,
        });
        continue;
      }
      const igw = first.route.target;
      const igwName = "id" in igw && !isUnknown(igw.id) ? igw.id : "an internet gateway";
      ctx.report({
        messageId: pub.length > 1 ? "publicSubnets" : "publicSubnet",
        data: { fn: fn.id, subnets: ids.join(", "), route: first.route.cidr?.text ?? "a route", gateway: igwName },
        resource: fn.id,
        location: locationOf(fn.vpcConfig?.origin ?? fn.origin),
        fix: "Put the function in private subnets whose route table sends 0.0.0.0/0 to a NAT gateway placed in a public subnet.",
      });
    }
  },
});
