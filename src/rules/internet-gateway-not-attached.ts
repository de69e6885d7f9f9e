import { locationOf } from "../analyze/queries.ts";
import { defineRule } from "./define.ts";
import { languageOf, resourceTerm } from "../aws/resource-terms.ts";

export default defineRule({
  meta: {
    id: "internet-gateway-not-attached",
    title: "Internet gateway not attached to a VPC",
    severity: "error",
    messages: { notAttached: "Internet gateway {{gateway}} is not attached to any VPC: routes to it carry nothing" },
  },
  check(ctx) {
    const gateways = ctx.model.all("internet-gateway");
    if (gateways.length === 0) return ctx.notApplicable("no internet gateway");
    for (const igw of gateways) {
      if (igw.attachedVpcIds.length > 0) continue;
      ctx.report({
        messageId: "notAttached",
        data: { gateway: igw.id },
        resource: igw.id,
        location: locationOf(igw.origin),
        fix:
          languageOf(igw.origin.source) === "cloudformation"
            ? `Add an AWS::EC2::VPCGatewayAttachment for ${igw.id}, and make routes to it DependsOn the attachment.`
            : `Attach ${igw.id} to its VPC (${resourceTerm("internet-gateway-attachment", igw.origin.source)}).`,
      });
    }
  },
});
