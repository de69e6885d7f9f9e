import { internetRoute, locationOf } from "../analyze/queries.ts";
import { isUnknown } from "../model/types.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "nat-gateway-without-internet-route",
    title: "NAT gateway without a route to an internet gateway",
    severity: "error",
    messages: { noInternetRoute: "NAT gateway {{nat}} cannot reach the internet: {{what}}" },
  },
  check(ctx) {
    const { model } = ctx;
    const nats = model.all("nat-gateway");
    if (nats.length === 0) return ctx.notApplicable("no NAT gateway");
    for (const nat of nats) {
      if (nat.connectivity !== "public" || nat.availability !== "zonal") continue;
      const subnet = model.get("subnet", nat.subnetId);
      // The route that carries the internet, whatever its prefix (0.0.0.0/0, or 0.0.0.0/1 and 128.0.0.0/1).
      const found = subnet ? internetRoute(model, subnet) : undefined;
      if (!subnet || found === undefined) continue;
      const t = found?.route.target;
      const igw = t?.kind === "internet-gateway" ? model.get("internet-gateway", t.id) : undefined;
      const vpcId = typeof subnet.vpcId === "string" ? subnet.vpcId : undefined;
      if (igw && vpcId && igw.attachedVpcIds.includes(vpcId)) continue;
      if (t?.kind === "internet-gateway" && isUnknown(t.id)) continue; // gateway outside the template
      const what = !found
        ? `its subnet ${subnet.id} has no 0.0.0.0/0 route`
        : t?.kind === "internet-gateway"
          ? `its subnet ${subnet.id} routes ${found.cidr.text} to ${igw?.id ?? "a gateway"} that is not attached to the VPC`
          : `its subnet ${subnet.id} routes ${found.cidr.text} to ${t?.kind ?? "nothing"}${t && "id" in t && !isUnknown(t.id) ? ` ${t.id}` : ""}, not to an internet gateway`;
      ctx.report({
        messageId: "noInternetRoute",
        data: { nat: nat.id, what },
        resource: nat.id,
        location: locationOf(nat.origin),
        fix: `Place ${nat.id} in a public subnet: one whose route table sends 0.0.0.0/0 to an attached internet gateway.`,
      });
    }
  },
});
