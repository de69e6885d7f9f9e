import { locationOf } from "../model/types.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "endpoint-custom-policy",
    title: "VPC endpoint with a policy that may restrict calls",
    severity: "info",
    messages: {
      customPolicy:
        "{{endpoint}} has an endpoint policy other than the default allow-all: the network path says nothing about which calls it lets through",
    },
  },
  check(ctx) {
    const endpoints = ctx.model.all("vpc-endpoint");
    if (endpoints.length === 0) return ctx.notApplicable("no VPC endpoint");
    for (const ep of endpoints) {
      if (!ep.hasCustomPolicy) continue;
      ctx.report({
        messageId: "customPolicy",
        data: { endpoint: ep.id },
        resource: ep.id,
        location: locationOf(ep.origin),
        fix: `Check that ${ep.id}'s PolicyDocument allows the actions and resources the functions use (it is evaluated with their IAM policies).`,
      });
    }
  },
});
