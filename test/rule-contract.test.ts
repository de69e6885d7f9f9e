// The rule contract (src/rules/define.ts): messages by id with data, options validated against each rule's schema,
// the three outcomes (reported, passed, not applicable) on the check report, and the one order of severities.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { analyze } from "../src/analyze/analysis.ts";
import { checkTemplate, mergeReports, suppressInReport } from "../src/check.ts";
import { atOrAbove, compareSeverity, SEVERITIES } from "../src/findings/severity.ts";
import { loadModel } from "../src/load/index.ts";
import { defineRule, formatMessage, resolveOptions, RuleOptionsError } from "../src/rules/define.ts";
import { configureRules, countOutcomes, evaluateRules, RULE_OUTCOMES, RULES } from "../src/rules/index.ts";
import singleAz from "../src/rules/function-single-az.ts";
import { fn, network, NO_VPC_FUNCTION, PRIVATE_AB } from "./support/rule-templates.ts";

const TWO_AZS = network(PRIVATE_AB, fn("Fn", ["SubnetA", "SubnetB"]));

describe("rule messages", () => {
  const meta = defineRule({
    meta: { id: "x", title: "x", severity: "info", messages: { hello: "{{who}} meets {{ other }} ({{who}})" } },
    check() {},
  }).meta;

  it("fills every placeholder from the data", () => {
    assert.equal(formatMessage(meta, "hello", { who: "Fn", other: 2 }), "Fn meets 2 (Fn)");
  });

  it("throws on an unknown message id and on a placeholder without data", () => {
    assert.throws(() => formatMessage(meta, "bye", {}), /rule x has no message "bye"/);
    assert.throws(() => formatMessage(meta, "hello", { who: "Fn" }), /rule x, message hello: no data for \{\{other\}\}/);
  });

  it("a rule that reports an unknown message id is an internal-rule-error finding", () => {
    const broken = defineRule({
      meta: { id: "broken", title: "broken", severity: "warning", messages: { a: "a" } },
      check(ctx) {
        ctx.report({ messageId: "b" as "a", resource: "R", location: { file: "f" }, fix: "" });
      },
    });
    const model = loadModel("inline.yaml", TWO_AZS, {});
    const { findings, outcomes } = evaluateRules(model, analyze(model), [broken]);
    assert.deepEqual(
      findings.map((f) => [f.rule, f.message]),
      [["internal-rule-error", 'rule broken failed: rule broken has no message "b"']],
    );
    assert.deepEqual(outcomes, [{ rule: "broken", outcome: "reported" }]);
  });

  it("every rule's docs is its page, docs/rules/<id>.md", () => {
    for (const r of RULES) assert.equal(r.meta.docs, `docs/rules/${r.meta.id}.md`);
  });
});

describe("rule options", () => {
  it("are the defaults when none are given", () => {
    assert.deepEqual(resolveOptions(singleAz.meta), { minimumAzs: 2 });
    assert.deepEqual(resolveOptions(RULES.find((r) => r.meta.id === "vpc-config-limits")!.meta), {});
  });

  it("are validated against the rule's schema, with what it takes", () => {
    assert.deepEqual(resolveOptions(singleAz.meta, { minimumAzs: 3 }), { minimumAzs: 3 });
    const fails = (given: unknown, message: RegExp) =>
      assert.throws(
        () => resolveOptions(singleAz.meta, given),
        (e: unknown) =>
          e instanceof RuleOptionsError &&
          e.code === "RULE_OPTIONS_INVALID" &&
          message.test(e.message) &&
          e.hint === "function-single-az takes minimumAzs: integer 2..6, default 2",
      );
    fails({ minimumAzs: 1 }, /^rule function-single-az, option minimumAzs: 1 is below 2$/);
    fails({ minimumAzs: "3" }, /option minimumAzs: "3" is not an integer/);
    fails({ minimumAzs: 2.5 }, /is not an integer/);
    fails({ minAzs: 3 }, /^rule function-single-az has no option "minAzs"$/);
    fails([3], /expected a mapping of option names to values/);
  });

  it("name existing rules (with the nearest name)", () => {
    assert.throws(
      () => configureRules({ "function-single-azs": {} }),
      /no rule "function-single-azs" \(did you mean function-single-az\?\)/,
    );
  });

  it("reach the rule through check", () => {
    const rules = (r: ReturnType<typeof checkTemplate>) => r.findings.map((f) => `${f.rule} ${f.resource}: ${f.message}`);
    assert.deepEqual(
      rules(checkTemplate("t.yaml", TWO_AZS)).filter((f) => f.startsWith("function-single-az")),
      [],
    );
    assert.deepEqual(
      rules(checkTemplate("t.yaml", TWO_AZS, { ruleOptions: { "function-single-az": { minimumAzs: 3 } } })).filter((f) =>
        f.startsWith("function-single-az"),
      ),
      [
        "function-single-az Fn: Function Fn runs in 2 Availability Zones only (us-east-1a, us-east-1b), fewer than 3: an outage of one of them takes away its share of the capacity",
      ],
    );
    assert.throws(() => checkTemplate("t.yaml", TWO_AZS, { ruleOptions: { "function-single-az": { minimumAzs: 0 } } }), RuleOptionsError);
  });
});

describe("rule outcomes", () => {
  it("each rule reported, passed or did not apply, on the report under a symbol the JSON leaves out", () => {
    const report = checkTemplate("t.yaml", NO_VPC_FUNCTION);
    const outcomes = report[RULE_OUTCOMES] ?? [];
    assert.equal(outcomes.length, RULES.length);
    assert.deepEqual(
      outcomes.find((o) => o.rule === "function-in-public-subnet"),
      { rule: "function-in-public-subnet", outcome: "not-applicable", reason: "no function in a VPC subnet" },
    );
    assert.deepEqual(
      outcomes.find((o) => o.rule === "function-missing-invoke-permission"),
      { rule: "function-missing-invoke-permission", outcome: "passed" },
    );
    assert.deepEqual(countOutcomes(outcomes), { reported: 0, passed: 4, "not-applicable": 17 });
    assert.ok(!JSON.stringify(report).includes("not-applicable"));
  });

  it("are kept by suppressions and merged across reports (reported by any, else passed by any)", () => {
    const a = checkTemplate("a.yaml", NO_VPC_FUNCTION);
    const b = checkTemplate("b.yaml", network(PRIVATE_AB, fn("Fn", ["SubnetA"])));
    assert.deepEqual(suppressInReport(b, { rules: ["function-single-az"] })[RULE_OUTCOMES], b[RULE_OUTCOMES]);
    const merged = mergeReports([a, b])[RULE_OUTCOMES] ?? [];
    assert.deepEqual(
      merged.find((o) => o.rule === "function-single-az"),
      { rule: "function-single-az", outcome: "reported" },
    );
    assert.deepEqual(
      merged.find((o) => o.rule === "function-in-public-subnet"),
      { rule: "function-in-public-subnet", outcome: "passed" },
    );
    assert.equal(countOutcomes(merged)["not-applicable"] < countOutcomes(a[RULE_OUTCOMES] ?? [])["not-applicable"], true);
  });
});

describe("severity order", () => {
  it("is error, warning, info, most severe first", () => {
    assert.deepEqual(SEVERITIES, ["error", "warning", "info"]);
    assert.deepEqual(
      ["info", "error", "warning"].sort((a, b) => compareSeverity(a as "info", b as "info")),
      ["error", "warning", "info"],
    );
  });

  it("sets what a threshold lets through", () => {
    assert.deepEqual(
      SEVERITIES.filter((s) => atOrAbove(s, "warning")),
      ["error", "warning"],
    );
    assert.deepEqual(
      SEVERITIES.filter((s) => atOrAbove(s, "info")),
      ["error", "warning", "info"],
    );
    assert.deepEqual(
      SEVERITIES.filter((s) => atOrAbove(s, "none")),
      [],
    );
  });

  it("sorts the findings of check, errors first", () => {
    const report = checkTemplate("t.yaml", network(PRIVATE_AB, fn("Fn", ["PublicSubnet"])));
    const severities = report.findings.map((f) => f.severity);
    assert.ok(severities.includes("error") && severities.includes("warning"), JSON.stringify(severities));
    assert.deepEqual(severities, [...severities].sort(compareSeverity));
  });
});
