// Scenario fixtures: a template in, exact verdicts, codes, egress and findings out.
// Each test/fixtures/<scenario>/ holds template.yaml and expected.json (format in its README).
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { SubnetReport } from "../src/analyze/analysis.ts";
import type { ReachResult } from "../src/analyze/reach.ts";
import { checkExitCode, parseFailOn } from "../src/cli/main.ts";
import { checkFile, FIXTURES } from "./support/helpers.ts";

interface ExpectedDest {
  verdict: string;
  code?: string;
  via?: string[];
  eip?: (string | null)[];
  /** A part of the one-sentence reason (e.g. the road: "through interface endpoint X"). */
  reason?: string;
  /** Every blocker on the road, in order: code and component. */
  blockers?: { code: string; component: string }[];
}
interface Expected {
  description: string;
  params?: Record<string, string>;
  to?: string[];
  region?: string;
  functions: Record<string, { inVpc: boolean; summary: Record<string, string>; subnets: Record<string, Record<string, ExpectedDest>> }>;
  findings: { rule: string; resource: string }[];
  exitCode: number;
}

const EXAMPLES = join(FIXTURES, "..", "..", "examples");
/** Scenario fixtures and the bundled examples, which carry the same expected.json. */
const scenarios = [FIXTURES, EXAMPLES]
  .flatMap((root) =>
    readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(root, d.name, "expected.json")))
      .map((d) => join(root, d.name)),
  )
  .sort();

describe("scenario fixtures", () => {
  it("has scenarios", () => assert.ok(scenarios.length >= 20, `only ${scenarios.length} scenarios`));
  for (const dir of scenarios) {
    it(dir.slice(dir.lastIndexOf("/", dir.lastIndexOf("/") - 1) + 1), () => {
      const expected = JSON.parse(readFileSync(join(dir, "expected.json"), "utf8")) as Expected;
      const report = checkFile(join(dir, "template.yaml"), {
        params: expected.params ?? {},
        to: expected.to ?? [],
        ...(expected.region ? { region: expected.region } : {}),
      });
      assert.deepEqual(report.functions.map((f) => f.id).sort(), Object.keys(expected.functions).sort(), "functions");
      for (const [id, exp] of Object.entries(expected.functions)) {
        const fn = report.functions.find((f) => f.id === id);
        assert.ok(fn);
        assert.equal(fn.inVpc, exp.inVpc, `${id} inVpc`);
        assert.deepEqual(fn.summary, exp.summary, `${id} summary`);
        assert.deepEqual(fn.subnets.map((s) => s.subnet).sort(), Object.keys(exp.subnets).sort(), `${id} subnets`);
        for (const [subnet, dests] of Object.entries(exp.subnets)) {
          const s: SubnetReport | undefined = fn.subnets.find((x: SubnetReport) => x.subnet === subnet);
          for (const [to, d] of Object.entries(dests)) {
            const r: ReachResult | undefined = s?.destinations.find((x: ReachResult) => x.to === to);
            assert.ok(r, `${id}/${subnet}/${to} missing`);
            const where = `${id}/${subnet}/${to}: ${r.reason}`;
            assert.equal(r.verdict, d.verdict, where);
            if (d.verdict !== "reachable") assert.equal(r.code, d.code, where);
            if (d.via)
              assert.deepEqual(
                r.egress.map((e) => e.via),
                d.via,
                `${where} via`,
              );
            if (d.reason) assert.ok(r.reason.includes(d.reason), `${where}: reason lacks ${JSON.stringify(d.reason)}`);
            if (d.blockers)
              assert.deepEqual(
                (r.blockers ?? []).map((b) => ({ code: b.code, component: b.component })),
                d.blockers,
                `${where} blockers`,
              );
            if (d.eip)
              assert.deepEqual(
                r.egress.map((e) => e.eip),
                d.eip,
                `${where} eip`,
              );
          }
        }
      }
      const got = report.findings.map((f) => `${f.rule} ${f.resource}`).sort();
      const want = expected.findings.map((f) => `${f.rule} ${f.resource}`).sort();
      assert.deepEqual(got, want, "findings");
      // The CLI's exit code with the default --fail-on (error findings, or a template AWS rejects).
      const exit = checkExitCode(report, parseFailOn("error"));
      assert.equal(exit, expected.exitCode, "exit code");
    });
  }
});
