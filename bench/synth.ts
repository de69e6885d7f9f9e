// Synthesizes the largest pattern with lambda-egress/cdk in this process, proves it with the
// analyzer, and reports one JSON line: { "exitCode", "loadMs", "synthMs", "checkMs", "resources" }
// to the file named by LAMBDA_EGRESS_MEASURE_OUT, or to stderr. Exit code 3 when aws-cdk-lib is
// not installed (the bench then says the case was skipped).
//
//   node dist/bench/synth.js
import { createRequire } from "node:module";
import { checkTemplate } from "../src/check.ts";
import { LARGEST_PATTERN } from "./largest-pattern.ts";
import { writeMeasurement } from "./measure-out.ts";

try {
  createRequire(import.meta.url).resolve("aws-cdk-lib");
} catch {
  writeMeasurement({ exitCode: 3 });
  process.exit(3);
}

const t0 = performance.now();
const cdk = await import("aws-cdk-lib");
const { EgressVpc, egressVpcPropsForPattern } = await import("../src/cdk/index.ts");
const { resolvePatternOptions } = await import("../src/generate/patterns.ts");
const t1 = performance.now();
const resolved = resolvePatternOptions({ ...LARGEST_PATTERN, endpoints: [...LARGEST_PATTERN.endpoints] });
if ("errors" in resolved) throw new Error(resolved.errors.join("; "));
const app = new cdk.App();
const stack = new cdk.Stack(app, "LargestPattern");
new EgressVpc(stack, "Network", egressVpcPropsForPattern(resolved.options)).addDemoFunction("ConnectivityCheck");
const template = app.synth().getStackByName("LargestPattern").template as { Resources: Record<string, unknown> };
const t2 = performance.now();
const result = checkTemplate("LargestPattern.template.json", JSON.stringify(template));
const t3 = performance.now();
const errors = result.findings.filter((f) => f.severity === "error").length;
writeMeasurement({
  exitCode: errors === 0 ? 0 : 1,
  loadMs: t1 - t0,
  synthMs: t2 - t1,
  checkMs: t3 - t2,
  resources: Object.keys(template.Resources).length,
});
process.exitCode = errors === 0 ? 0 : 1;
