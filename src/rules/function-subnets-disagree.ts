import { defineRule } from "./define.ts";

export default defineRule({
  meta: { id: "function-subnets-disagree", title: "Subnets of one function disagree", severity: "error" },
  check(ctx) {
    for (const fn of ctx.analysis.functions) {
      for (const [dest, summary] of Object.entries(fn.summary)) {
        if (summary !== "partial") continue;
        const verdicts = fn.subnets.map((s) => ({ s: s.subnet, r: s.destinations.find((d) => d.to === dest) }));
        const ok = verdicts.filter((v) => v.r?.verdict === "reachable").map((v) => v.s);
        const bad = verdicts.filter((v) => v.r?.verdict === "unreachable").map((v) => v.s);
        ctx.report({
          resource: fn.id,
          location: fn.location,
          message: `Function ${fn.id} reaches ${dest} from ${ok.join(", ")} but not from ${bad.join(", ")}: Lambda picks a subnet per execution environment, so calls fail intermittently`,
          fix: `Configure every subnet of ${fn.id} alike: route ${bad.join(", ")} the same way as ${ok[0]}.`,
        });
      }
    }
  },
});
