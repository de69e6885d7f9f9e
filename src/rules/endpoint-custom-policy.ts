import { locationOf } from "../model/types.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: { id: "endpoint-custom-policy", title: "VPC endpoint with a policy that may restrict calls", severity: "info" },
  check(ctx) {
    for (const ep of ctx.model.all("vpc-endpoint")) {
      if (!ep.hasCustomPolicy) continue;
      ctx.report({
        resource: ep.id,
        location: locationOf(ep.origin),
        message: `${ep.id} has an endpoint policy other than the default allow-all: the network path says nothing about which calls it lets through`,
        fix: `Check that ${ep.id}'s PolicyDocument allows the actions and resources the functions use (it is evaluated with their IAM policies).`,
      });
    }
  },
});
