import type { Model } from "../model/model.ts";
import type { Subnet } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";
import { defineRule } from "./define.ts";

/**
 * Why a subnet must not be routed like the others: it holds a NAT (its own table must keep sending the internet to
 * the internet gateway, or the NAT's traffic loops) or it is a public subnet (routed to an internet gateway).
 */
function publicRole(model: Model, subnet: Subnet): string | null {
  const nat = model.all("nat-gateway").find((n) => n.subnetId === subnet.id) ?? model.all("instance").find((i) => i.subnetId === subnet.id);
  if (nat)
    return `it holds ${nat.kind === "nat-gateway" ? "NAT gateway" : "instance"} ${nat.id}, whose own traffic must keep going to the internet gateway`;
  const rt = model.routeTableFor(subnet);
  const igw = rt?.routes.find(
    (r) => r.target.kind === "internet-gateway" && r.destination.kind === "cidr" && r.destination.cidr.prefix === 0,
  );
  if (igw) return "it is a public subnet (routed to an internet gateway), where a Lambda ENI gets no public address";
  return null;
}

export default defineRule({
  meta: { id: "function-subnets-disagree", title: "Subnets of one function disagree", severity: "error" },
  check(ctx) {
    for (const fn of ctx.analysis.functions) {
      for (const [dest, summary] of Object.entries(fn.summary)) {
        if (summary !== "partial") continue;
        const verdicts = fn.subnets.map((s) => ({ s: s.subnet, r: s.destinations.find((d) => d.to === dest) }));
        const ok = verdicts.filter((v) => v.r?.verdict === "reachable").map((v) => v.s);
        const bad = verdicts.filter((v) => v.r?.verdict === "unreachable");
        // Each failing subnet gets its own blocker's fix, never "route it like the others": a NAT's own subnet or a
        // public subnet routed like a private one would break the road of every function behind that NAT.
        const fixes = bad.map(({ s, r }) => {
          const subnet = ctx.model.get("subnet", s);
          const role = subnet && !isUnknown(subnet.vpcId) ? publicRole(ctx.model, subnet) : null;
          if (role) return `Take ${s} out of ${fn.id}'s VpcConfig (use a private subnet like ${ok[0]}): ${role}.`;
          return r?.fix ? `From ${s}: ${r.fix}` : `Make ${s} reach ${dest} as ${ok[0]} does.`;
        });
        ctx.report({
          resource: fn.id,
          location: fn.location,
          message: `Function ${fn.id} reaches ${dest} from ${ok.join(", ")} but not from ${bad.map((b) => b.s).join(", ")}: Lambda picks a subnet per execution environment, so calls fail intermittently`,
          fix: fixes.join(" "),
        });
      }
    }
  },
});
