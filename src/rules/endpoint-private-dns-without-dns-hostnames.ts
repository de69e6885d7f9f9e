import { locationOf } from "../model/types.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "endpoint-private-dns-without-dns-hostnames",
    title: "Interface endpoint with private DNS in a VPC without DNS support or hostnames",
    severity: "error",
    messages: {
      dnsOff:
        "{{endpoint}} enables private DNS, but {{vpc}} has {{missing}} off: the endpoint cannot be created with private DNS, and without it the service name resolves to the public endpoint",
    },
  },
  check(ctx) {
    const endpoints = ctx.model.all("vpc-endpoint").filter((ep) => ep.type === "Interface" && ep.privateDnsEnabled === true);
    if (endpoints.length === 0) return ctx.notApplicable("no interface VPC endpoint with private DNS");
    for (const ep of endpoints) {
      const vpc = ctx.model.vpc(ep.vpcId);
      if (!vpc || (vpc.enableDnsSupport && vpc.enableDnsHostnames)) continue;
      const missing = [vpc.enableDnsSupport ? "" : "EnableDnsSupport", vpc.enableDnsHostnames ? "" : "EnableDnsHostnames"].filter(Boolean);
      ctx.report({
        messageId: "dnsOff",
        data: { endpoint: ep.id, vpc: vpc.id, missing: missing.join(" and ") },
        resource: ep.id,
        location: locationOf(ep.origin),
        fix: `Set ${missing.map((m) => `${m}: true`).join(" and ")} on ${vpc.id}.`,
      });
    }
  },
});
