import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "wired-resource-unreachable",
    title: "Function wired to a resource it cannot reach",
    severity: "error",
    messages: {
      resourceUnreached:
        "{{fn}} is wired to {{resource}} ({{because}}) but cannot reach it from {{subnets}}: blocked at {{blocker}}, {{reason}}",
    },
  },
  check(ctx) {
    if (!ctx.analysis.functions.some((f) => f.needs?.some((n) => n.kind === "resource")))
      return ctx.notApplicable("no function is wired to a resource");
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
          messageId: "resourceUnreached",
          data: {
            fn: fn.id,
            resource: need.to.slice("resource:".length),
            because: need.because,
            subnets: blocked.map((b) => b.s.subnet).join(", "),
            blocker: at,
            reason: first.r.reason,
          },
          resource: fn.id,
          location: need.location,
          fix: first.r.fix ?? "Follow the trace of `lambda-egress trace` to the blocking component.",
        });
      }
    }
  },
});
