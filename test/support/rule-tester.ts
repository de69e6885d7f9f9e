// RuleTester, after ESLint's: one rule against small templates written in the test, each case a node:test `it`.
//
//   testRule(rule, {
//     valid: [{ name: "two AZs", yaml: `...` }],
//     invalid: [{ name: "one AZ", yaml: `...`, errors: [{ messageId: "oneAz", data: { fn: "Fn", azs: "us-east-1a" } }] }],
//     notApplicable: [{ name: "no function", yaml: `...`, reason: "no function" }],
//   });
//
// Each case loads its template, analyses it (to the default destinations, or `to`), and runs the one rule with its
// options (validated against the rule's schema). It fails on a duplicate case, an unknown messageId or a placeholder
// without data (the rule throws), a report the case does not expect or an expected one missing, a rule that changes
// the analysis it reads, and a valid case that the rule calls not applicable (or the reverse).
// Test-only: users cannot add rules to lambda-egress, so this is not exported by the package.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze } from "../../src/analyze/analysis.ts";
import { loadModel } from "../../src/load/index.ts";
import type { Rule } from "../../src/rules/define.ts";
import { placeholders, resolveOptions } from "../../src/rules/define.ts";
import type { RuleOutcome } from "../../src/rules/index.ts";
import { runRule } from "../../src/rules/index.ts";

export interface RuleCase {
  /** What the case shows (the test's name). */
  readonly name: string;
  /** The template (CloudFormation or SAM, YAML). */
  readonly yaml: string;
  /** The rule's options (over its defaults). */
  readonly options?: Readonly<Record<string, unknown>>;
  /** Destinations, as `check --to` takes them; default: check's own. */
  readonly to?: readonly string[];
}

export interface ExpectedReport {
  readonly messageId: string;
  /** Every placeholder value, when given (compared whole). */
  readonly data?: Readonly<Record<string, string | number>>;
  readonly resource?: string;
  /** The whole message text, when given. */
  readonly message?: string;
  readonly fix?: string;
}

export interface InvalidCase extends RuleCase {
  /** The reports, in order. */
  readonly errors: readonly ExpectedReport[];
}

export interface NotApplicableCase extends RuleCase {
  /** The reason the rule gives, when given. */
  readonly reason?: string;
}

export interface RuleTests {
  readonly valid: readonly RuleCase[];
  readonly invalid: readonly InvalidCase[];
  readonly notApplicable?: readonly NotApplicableCase[];
}

/** One rule on one case: its reports (with their text) and its outcome. */
export function runCase(rule: Rule, c: RuleCase): { reports: ReturnType<typeof runRule>["reports"]; outcome: RuleOutcome } {
  const model = loadModel("inline.yaml", c.yaml, {});
  const analysis = analyze(model, c.to);
  const snapshot = () => JSON.stringify(analysis, (_, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
  const before = snapshot();
  const result = runRule(rule, model, analysis, resolveOptions(rule.meta, c.options ?? {}));
  assert.equal(snapshot(), before, `rule ${rule.meta.id} changed the analysis it reads`);
  return result;
}

export function testRule(rule: Rule, tests: RuleTests): void {
  const id = rule.meta.id;
  describe(`rule ${id}`, () => {
    it("has cases: one valid and one invalid at least, none twice, every message's placeholders named", () => {
      assert.ok(tests.valid.length > 0, "no valid case");
      assert.ok(tests.invalid.length > 0, "no invalid case");
      const all = [...tests.valid, ...tests.invalid, ...(tests.notApplicable ?? [])];
      const keys = all.map((c) => JSON.stringify([c.yaml, c.options ?? {}, c.to ?? null]));
      assert.equal(new Set(keys).size, keys.length, "two cases are the same (template, options and destinations)");
      const names = all.map((c) => c.name);
      assert.equal(new Set(names).size, names.length, "two cases have the same name");
      for (const e of tests.invalid.flatMap((c) => c.errors))
        assert.ok(Object.hasOwn(rule.meta.messages, e.messageId), `${id} has no message ${e.messageId}`);
      for (const [messageId, text] of Object.entries(rule.meta.messages)) {
        const rest = placeholders(text).reduce((t, name) => t.replace(new RegExp(`\\{\\{\\s*${name}\\s*\\}\\}`), ""), text);
        assert.doesNotMatch(rest, /\{\{|\}\}/, `message ${messageId} has a malformed placeholder`);
      }
    });

    for (const c of tests.valid)
      it(`valid: ${c.name}`, () => {
        const { reports, outcome } = runCase(rule, c);
        assert.deepEqual(
          reports.map((r) => `${r.messageId} ${r.resource}: ${r.message}`),
          [],
        );
        assert.equal(outcome.outcome, "passed", `a valid case is one the rule applies to; it said ${JSON.stringify(outcome)}`);
      });

    for (const c of tests.invalid)
      it(`invalid: ${c.name}`, () => {
        const { reports, outcome } = runCase(rule, c);
        assert.equal(outcome.outcome, "reported");
        assert.equal(
          reports.length,
          c.errors.length,
          `expected ${c.errors.length} report(s), got: ${JSON.stringify(reports.map((r) => `${r.messageId} ${r.resource}: ${r.message}`))}`,
        );
        c.errors.forEach((e, i) => {
          const r = reports[i];
          assert.ok(r);
          assert.equal(r.messageId, e.messageId, `report ${i}: ${r.message}`);
          if (e.data !== undefined) assert.deepEqual({ ...r.data }, { ...e.data }, `report ${i}'s data`);
          if (e.resource !== undefined) assert.equal(r.resource, e.resource);
          if (e.message !== undefined) assert.equal(r.message, e.message);
          if (e.fix !== undefined) assert.equal(r.fix, e.fix);
          assert.doesNotMatch(r.message, /\{\{|undefined|\[object /, `report ${i}'s message has a hole: ${r.message}`);
        });
      });

    for (const c of tests.notApplicable ?? [])
      it(`not applicable: ${c.name}`, () => {
        const { reports, outcome } = runCase(rule, c);
        assert.deepEqual(reports, []);
        assert.equal(outcome.outcome, "not-applicable");
        if (c.reason !== undefined && outcome.outcome === "not-applicable") assert.equal(outcome.reason, c.reason);
      });
  });
}
