import { defineRule } from "./define.ts";

export default defineRule({
  meta: { id: "wired-resource-unreachable", title: "Function wired to a resource it cannot reach", severity: "error" },
  check(ctx) {
    for (const fn of ctx.analysis.functions) {
      for (const need of fn.needs ?? []) {
        // A wiring is certain: when no subnet gets through, every call fails. (Some subnets only: function-subnets-disagree.)
        if (need.kind !== "resource" || fn.summary[need.to] !== "unreachable") continue;
        const blocked = fn.subnets
          .map((s) => ({ s, r: s.destinations.find((d) => d.to === need.to) }))
          .filter((x) => x.r?.verdict === "unreachable");
        const first = blocked[0];
        if (!first?.r) continue;
        const blocker = first.r.blockers?.[0];
        const at = blocker ? `${blocker.component} (${blocker.code})` : (first.r.code ?? "");
        ctx.report({
          resource: fn.id,
          location: need.location,
          message: `${fn.id} is wired to ${need.to.slice("resource:".length)} (${need.because}) but cannot reach it from ${blocked.map((b) => b.s.subnet).join(", ")}: blocked at ${at}, ${first.r.reason}`,
          fix: first.r.fix ?? "Follow the trace of `lambda-egress trace` to the blocking component.",
        });
      }
    }
  },
});
