import type { SubnetReport } from "../analyze/analysis.ts";
import { ipv4RouteTo } from "../analyze/queries.ts";
import type { Model } from "../model/model.ts";
import type { Subnet } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";
import { defineRule } from "./define.ts";

/**
 * Why a subnet must not be routed like the others: it holds a NAT (its own table must keep sending the internet to
 * the internet gateway, or the NAT's traffic loops) or it is a public subnet (routed to an internet gateway).
 */
function publicRole(model: Model, subnet: Subnet, report: SubnetReport): string | null {
  const nat =
    model.all("nat-gateway").find((n) => n.subnetId === subnet.id) ??
    model.all("instance").find((i) => i.subnetId === subnet.id && i.sourceDestCheck === false);
  if (nat)
    return `it holds ${nat.kind === "nat-gateway" ? "NAT gateway" : "NAT instance"} ${nat.id}, whose own traffic must keep going to the internet gateway`;
  // Public as the analysis walked it: the function's IPv4 traffic leaves the subnet by a route to an internet gateway.
  if (ipv4RouteTo(report, INTERNET_GATEWAY))
    return "it is a public subnet (routed to an internet gateway), where a Lambda ENI gets no public address";
  return null;
}

const INTERNET_GATEWAY = new Set(["internet-gateway"]);

/** Codes of a road that its routes break: the fix is to route the subnet as a working one is routed. */
const ROUTING: ReadonlySet<string> = new Set([
  "NO_ROUTE_TO_DESTINATION",
  "BAD_STATE_ROUTE",
  "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
  "CANNOT_ROUTE",
]);

export default defineRule({
  meta: {
    id: "function-subnets-disagree",
    title: "Subnets of one function disagree",
    severity: "error",
    messages: {
      subnetsDisagree:
        "Function {{fn}} reaches {{to}} from {{reaching}} but not from {{failing}}: Lambda picks a subnet per execution environment, so calls fail intermittently",
    },
  },
  check(ctx) {
    if (ctx.analysis.functions.every((f) => f.subnets.length < 2)) return ctx.notApplicable("no function in two subnets or more");
    for (const fn of ctx.analysis.functions) {
      for (const [dest, summary] of Object.entries(fn.summary)) {
        if (summary !== "partial") continue;
        const verdicts = fn.subnets.map((s) => ({ s: s.subnet, report: s, r: s.destinations.find((d) => d.to === dest) }));
        const ok = verdicts.filter((v) => v.r?.verdict === "reachable").map((v) => v.s);
        const bad = verdicts.filter((v) => v.r?.verdict === "unreachable");
        // A failing subnet is never to be routed like a working one when it holds a NAT or is public: that would
        // break the road of every function behind the NAT (a routing loop). Those are taken out of the VpcConfig;
        // a subnet blocked by something else than its routes (a network ACL, a security group) gets its own fix.
        const routed: string[] = [];
        const own: string[] = [];
        for (const { s, r, report } of bad) {
          const subnet = ctx.model.get("subnet", s);
          const role = subnet && !isUnknown(subnet.vpcId) ? publicRole(ctx.model, subnet, report) : null;
          if (role) own.push(`Take ${s} out of ${fn.id}'s VpcConfig (use a private subnet like ${ok[0]}): ${role}.`);
          else if (!r?.code || ROUTING.has(r.code) || !r.fix) routed.push(s);
          else own.push(`From ${s}: ${r.fix}`);
        }
        const fixes = [
          ...(routed.length > 0 ? [`Configure every subnet of ${fn.id} alike: route ${routed.join(", ")} the same way as ${ok[0]}.`] : []),
          ...own,
        ];
        ctx.report({
          messageId: "subnetsDisagree",
          data: { fn: fn.id, to: dest, reaching: ok.join(", "), failing: bad.map((b) => b.s).join(", ") },
          resource: fn.id,
          location: fn.location,
          fix: fixes.join(" "),
        });
      }
    }
  },
});
