import { defaultRoute } from "../analyze/queries.ts";
import { defineRule } from "./define.ts";

const NAT_TARGETS = new Set(["nat-gateway", "instance", "network-interface"]);

export default defineRule({
  meta: { id: "egress-path-broken", title: "Internet egress through a NAT that does not work", severity: "error" },
  check(ctx) {
    const { model } = ctx;
    for (const fn of ctx.analysis.functions) {
      const broken: string[] = [];
      let fix = "";
      for (const s of fn.subnets) {
        const r = s.destinations.find((d) => d.to === "internet");
        if (r?.verdict !== "unreachable") continue;
        const subnet = model.get("subnet", s.subnet);
        const t = subnet ? defaultRoute(model, subnet)?.target : undefined;
        if (!t || !NAT_TARGETS.has(t.kind)) continue;
        broken.push(`${s.subnet}: ${r.code} (${r.reason})`);
        fix ||= r.fix ?? "";
      }
      if (broken.length === 0) continue;
      ctx.report({
        resource: fn.id,
        location: fn.location,
        message: `${fn.id} routes internet traffic to a NAT, yet cannot reach the internet from ${broken.join("; ")}`,
        fix: fix || "Follow the trace of `lambda-egress check` to the blocking component.",
      });
    }
  },
});
