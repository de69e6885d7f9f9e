// examples/built: each seed's design as `lambda-egress new` writes it, template and CDK app. The files
// must be exactly what the generator writes today, and each template must give the verdicts its README promises.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "./support/cli-helpers.ts";
import { checkFile, ROOT } from "./support/helpers.ts";

interface BuiltExample {
  readonly name: string;
  readonly args: readonly string[];
  /** The function's summary per destination checked. */
  readonly summary: Readonly<Record<string, string>>;
  /** The Elastic IPs (logical ids or allocation ids) the function leaves from, in subnet order. */
  readonly eips: readonly (string | null)[];
  /** The rules that fire (the single NAT's cross-AZ warning is the design's known trade-off). */
  readonly findings?: readonly string[];
}

const ALLOCATIONS = "eipalloc-0123456789abcdef0,eipalloc-0fedcba9876543210";

const EXAMPLES: readonly BuiltExample[] = [
  { name: "nat-gateway-per-az", args: ["nat-gateway", "--azs", "2"], summary: { internet: "reachable" }, eips: ["NatEipA", "NatEipB"] },
  {
    name: "single-nat-gateway",
    args: ["shared-nat-gateway", "--azs", "2"],
    summary: { internet: "reachable" },
    eips: ["NatEipA", "NatEipA"],
    findings: ["nat-gateway-cross-az"],
  },
  {
    name: "fixed-ip-allowlist",
    args: ["nat-gateway", "--azs", "2", "--eip-allocations", ALLOCATIONS],
    summary: { internet: "reachable" },
    eips: ALLOCATIONS.split(","),
  },
  {
    name: "nat-instance",
    args: ["nat-instance", "--azs", "2"],
    summary: { internet: "reachable" },
    eips: ["NatEip", "NatEip"],
  },
  {
    name: "lambda-endpoint",
    args: ["endpoints", "--endpoints", "lambda", "--azs", "2"],
    summary: { internet: "unreachable", "aws:lambda": "reachable" },
    eips: [],
  },
  {
    name: "managed-instances-public",
    args: ["managed-instances-public", "--azs", "2"],
    summary: { internet: "reachable" },
    eips: [],
  },
];

const DIR = join(ROOT, "examples", "built");

describe("examples/built", () => {
  for (const ex of EXAMPLES) {
    it(`${ex.name}: the template and the CDK app are what 'new ${ex.args.join(" ")}' writes`, async () => {
      const template = await runCli(["new", ...ex.args]);
      assert.equal(template.code, 0, template.stderr);
      assert.equal(readFileSync(join(DIR, `${ex.name}.template.yaml`), "utf8"), template.stdout);
      const app = await runCli(["new", ...ex.args, "--format", "cdk"]);
      assert.equal(app.code, 0, app.stderr);
      assert.equal(readFileSync(join(DIR, `${ex.name}.cdk.mjs`), "utf8"), app.stdout);
    });
    it(`${ex.name}: check gives the promised verdicts and findings`, () => {
      const report = checkFile(join(DIR, `${ex.name}.template.yaml`));
      assert.deepEqual(
        report.findings.map((f) => f.rule),
        ex.findings ?? [],
      );
      assert.deepEqual(
        report.diagnostics.filter((d) => d.severity !== "info"),
        [],
      );
      const [fn] = report.functions;
      assert.ok(fn);
      assert.deepEqual(fn.summary, ex.summary);
      const internet = fn.subnets.map((s) => s.destinations.find((d) => d.to === "internet"));
      assert.equal(internet.length, 2);
      if (ex.eips.length > 0) {
        assert.deepEqual(
          internet.map((r) => r?.egress[0]?.eip ?? null),
          ex.eips,
        );
      }
    });
  }
});
