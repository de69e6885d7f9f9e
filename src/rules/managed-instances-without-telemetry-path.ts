import { telemetryPaths } from "../analyze/managed-instances.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "managed-instances-without-telemetry-path",
    title: "Lambda Managed Instances without a path to CloudWatch Logs and X-Ray",
    severity: "warning",
  },
  check(ctx) {
    for (const t of telemetryPaths(ctx.model)) {
      const none = t.subnets.filter((s) => s.verdict === "unreachable");
      if (none.length === 0) continue;
      const id = t.provider.id;
      ctx.report({
        resource: id,
        location: t.location,
        message: `the instances of capacity provider ${id} cannot send telemetry from ${none
          .map((s) => `${s.subnet} (${s.reason})`)
          .join("; ")}: function logs or traces will not arrive`,
        fix:
          none.flatMap((s) => s.services).find((r) => r.verdict === "unreachable")?.fix ??
          `Route 0.0.0.0/0 of ${none.map((s) => s.subnet).join(", ")} to a NAT gateway in a public subnet, or add interface VPC endpoints for logs and xray with private DNS.`,
      });
    }
  },
});
