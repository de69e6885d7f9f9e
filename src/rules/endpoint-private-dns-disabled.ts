import { destinationOf, interfaceEndpointOf } from "../analyze/queries.ts";
import { locationOf } from "../model/types.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "endpoint-private-dns-disabled",
    title: "Interface endpoint without private DNS, and no other way to the service",
    severity: "error",
    messages: {
      privateDnsOff:
        "{{fn}} cannot reach {{to}} from {{subnets}}: endpoint {{endpoint}} exists but its private DNS is not in effect, so the service name resolves to the public endpoint, and the function has no path to it",
    },
  },
  check(ctx) {
    const endpoints = ctx.model.all("vpc-endpoint").filter((e) => e.type === "Interface" && typeof e.service === "string");
    if (endpoints.length === 0) return ctx.notApplicable("no interface VPC endpoint");
    for (const fn of ctx.analysis.functions) {
      if (!fn.vpc) continue;
      for (const ep of endpoints) {
        if (ep.vpcId !== fn.vpc) continue;
        const to = `aws:${String(ep.service)}`;
        const blocked = fn.subnets.filter((s) => {
          const r = s.destinations.find((d) => destinationOf(d)?.service === ep.service);
          return r?.verdict === "unreachable" && interfaceEndpointOf(r) === undefined;
        });
        if (blocked.length === 0) continue;
        const vpc = ctx.model.vpc(ep.vpcId);
        const dnsOn = ep.privateDnsEnabled === true && vpc?.enableDnsSupport && vpc.enableDnsHostnames;
        if (dnsOn) continue;
        ctx.report({
          messageId: "privateDnsOff",
          data: { fn: fn.id, to, subnets: blocked.map((s) => s.subnet).join(", "), endpoint: ep.id },
          resource: fn.id,
          location: locationOf(ep.origin),
          fix:
            ep.privateDnsEnabled === true
              ? `Set EnableDnsSupport and EnableDnsHostnames: true on ${String(ep.vpcId)} so ${ep.id}'s private DNS takes effect.`
              : `Set PrivateDnsEnabled: true on ${ep.id} (the VPC needs EnableDnsSupport and EnableDnsHostnames: true).`,
        });
      }
    }
  },
});
