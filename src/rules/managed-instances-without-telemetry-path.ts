import { telemetryPaths } from "../analyze/managed-instances.ts";
import { defineRule } from "./define.ts";

export default defineRule({
  meta: {
    id: "managed-instances-without-telemetry-path",
    title: "Lambda Managed Instances without a path to CloudWatch Logs and X-Ray",
    severity: "warning",
    messages: {
      noTelemetry:
        "the instances of capacity provider {{provider}} cannot send telemetry from {{where}}: function logs or traces will not arrive",
    },
  },
  check(ctx) {
    const paths = telemetryPaths(ctx.model);
    if (paths.length === 0) return ctx.notApplicable("no Lambda Managed Instances capacity provider");
    for (const t of paths) {
      const none = t.subnets.filter((s) => s.verdict === "unreachable");
      if (none.length === 0) continue;
      const id = t.provider.id;
      ctx.report({
        messageId: "noTelemetry",
        data: { provider: id, where: none.map((s) => `${s.subnet} (${s.reason})`).join("; ") },
        resource: id,
        location: t.location,
        fix:
          none.flatMap((s) => s.services).find((r) => r.verdict === "unreachable")?.fix ??
          `Route 0.0.0.0/0 of ${none.map((s) => s.subnet).join(", ")} to a NAT gateway in a public subnet, or add interface VPC endpoints for logs and xray with private DNS.`,
      });
    }
  },
});
