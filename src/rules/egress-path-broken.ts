import { droppedAlong, isInternet } from "../analyze/queries.ts";
import { defineRule } from "./define.ts";

const NAT_TARGETS = new Set(["nat-gateway", "instance", "network-interface"]);

export default defineRule({
  meta: {
    id: "egress-path-broken",
    title: "Internet egress through a NAT that does not work",
    severity: "error",
    messages: { natBroken: "{{fn}} routes internet traffic to a NAT, yet cannot reach the internet from {{where}}" },
  },
  check(ctx) {
    if (ctx.analysis.functions.every((f) => f.subnets.length === 0)) return ctx.notApplicable("no function in a VPC subnet");
    for (const fn of ctx.analysis.functions) {
      const broken: string[] = [];
      let fix = "";
      for (const s of fn.subnets) {
        // The IPv4 internet (`internet`, `internet:443`), where packets routed to a NAT do not get out; on another port
        // (`internet:8443`), where they are dropped at the NAT or beyond (the function's own security groups and network
        // ACL may keep a port closed on purpose).
        const r = s.destinations.find(
          (d) =>
            d.verdict === "unreachable" &&
            isInternet(d, 4, true) &&
            droppedAlong(d, (route) => NAT_TARGETS.has(route.target.kind), !isInternet(d, 4)),
        );
        if (!r) continue;
        broken.push(`${s.subnet}: ${r.code} (${r.reason})`);
        fix ||= r.fix ?? "";
      }
      if (broken.length === 0) continue;
      ctx.report({
        messageId: "natBroken",
        data: { fn: fn.id, where: broken.join("; ") },
        resource: fn.id,
        location: fn.location,
        fix: fix || "Follow the trace of `lambda-egress check` to the blocking component.",
      });
    }
  },
});
