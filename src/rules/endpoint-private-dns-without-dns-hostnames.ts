import { locationOf } from "../model/types.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "endpoint-private-dns-without-dns-hostnames",
    title: "Interface endpoint with private DNS in a VPC without DNS support or hostnames",
    severity: "error",
  },
  check(ctx) {
    for (const ep of ctx.model.all("vpc-endpoint")) {
      if (ep.type !== "Interface" || ep.privateDnsEnabled !== true) continue;
      const vpc = ctx.model.vpc(ep.vpcId);
      if (!vpc || (vpc.enableDnsSupport && vpc.enableDnsHostnames)) continue;
      const missing = [vpc.enableDnsSupport ? "" : "EnableDnsSupport", vpc.enableDnsHostnames ? "" : "EnableDnsHostnames"].filter(Boolean);
      ctx.report({
        resource: ep.id,
        location: locationOf(ep.origin),
        message: `${ep.id} enables private DNS, but ${vpc.id} has ${missing.join(" and ")} off: the endpoint cannot be created with private DNS, and without it the service name resolves to the public endpoint`,
        fix: `Set ${missing.map((m) => `${m}: true`).join(" and ")} on ${vpc.id}.`,
      });
    }
  },
});
