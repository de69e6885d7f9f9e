// The rule registry, sorted by id. A consistency test checks it against the files and docs.
import type { Analysis } from "../analyze/analysis.ts";
import type { Model } from "../model/model.ts";
import type { Finding, Rule, RuleReport } from "./define.ts";
import { formatMessage, resolveOptions, RuleOptionsError } from "./define.ts";
import { compareSeverity } from "../findings/severity.ts";
import { unknownRule } from "../findings/suppress.ts";
import dualStackWithoutIpv6Egress from "./dual-stack-without-ipv6-egress.ts";
import egressPathBroken from "./egress-path-broken.ts";
import endpointBlocksFunction from "./endpoint-blocks-function.ts";
import endpointCustomPolicy from "./endpoint-custom-policy.ts";
import endpointMissingAz from "./endpoint-missing-az.ts";
import endpointPrivateDnsDisabled from "./endpoint-private-dns-disabled.ts";
import endpointPrivateDnsWithoutDnsHostnames from "./endpoint-private-dns-without-dns-hostnames.ts";
import functionInPublicSubnet from "./function-in-public-subnet.ts";
import grantedServiceUnreached from "./granted-service-unreached.ts";
import functionMissingInvokePermission from "./function-missing-invoke-permission.ts";
import functionMissingPolicyDependency from "./function-missing-policy-dependency.ts";
import functionSingleAz from "./function-single-az.ts";
import functionSubnetsDisagree from "./function-subnets-disagree.ts";
import functionSubnetsNotDualStack from "./function-subnets-not-dual-stack.ts";
import internetGatewayNotAttached from "./internet-gateway-not-attached.ts";
import managedInstancesWithoutTelemetryPath from "./managed-instances-without-telemetry-path.ts";
import natGatewayCrossAz from "./nat-gateway-cross-az.ts";
import natGatewayWithoutInternetRoute from "./nat-gateway-without-internet-route.ts";
import roleMissingEniPermissions from "./role-missing-eni-permissions.ts";
import vpcConfigLimits from "./vpc-config-limits.ts";
import wiredResourceUnreachable from "./wired-resource-unreachable.ts";

export const RULES: readonly Rule[] = [
  dualStackWithoutIpv6Egress,
  egressPathBroken,
  endpointBlocksFunction,
  endpointCustomPolicy,
  endpointMissingAz,
  endpointPrivateDnsDisabled,
  endpointPrivateDnsWithoutDnsHostnames,
  functionInPublicSubnet,
  functionMissingInvokePermission,
  functionMissingPolicyDependency,
  functionSingleAz,
  functionSubnetsDisagree,
  functionSubnetsNotDualStack,
  grantedServiceUnreached,
  internetGatewayNotAttached,
  managedInstancesWithoutTelemetryPath,
  natGatewayCrossAz,
  natGatewayWithoutInternetRoute,
  roleMissingEniPermissions,
  vpcConfigLimits,
  wiredResourceUnreachable,
];

/** What a rule did with a model, as cdk-nag has it: it reported findings, it passed, or it did not apply (and why). */
export type RuleOutcome =
  | { readonly rule: string; readonly outcome: "reported" | "passed" }
  | { readonly rule: string; readonly outcome: "not-applicable"; readonly reason: string };

/** A check report's rule outcomes (see CheckReport): a symbol, so that the JSON report does not carry them. */
export const RULE_OUTCOMES: unique symbol = Symbol("lambda-egress.ruleOutcomes");

/** The outcomes of several runs (several templates) as one per rule: reported by any, else passed by any, else not applicable. */
export function mergeOutcomes(runs: readonly (readonly RuleOutcome[])[]): RuleOutcome[] {
  const out = new Map<string, RuleOutcome>();
  const rank = { reported: 0, passed: 1, "not-applicable": 2 } as const;
  for (const run of runs)
    for (const o of run) {
      const cur = out.get(o.rule);
      if (!cur || rank[o.outcome] < rank[cur.outcome]) out.set(o.rule, o);
    }
  return [...out.values()];
}

/** How many rules reported, passed and did not apply. */
export function countOutcomes(outcomes: readonly RuleOutcome[]): Record<RuleOutcome["outcome"], number> {
  const n = { reported: 0, passed: 0, "not-applicable": 0 };
  for (const o of outcomes) n[o.outcome]++;
  return n;
}

/** One rule's run: its reports (each with its message's text) and its outcome. Throws what the rule throws. */
export function runRule(
  rule: Rule,
  model: Model,
  analysis: Analysis,
  options: Readonly<Record<string, unknown>> = resolveOptions(rule.meta),
): { reports: (RuleReport & { readonly message: string })[]; outcome: RuleOutcome } {
  const reports: (RuleReport & { readonly message: string })[] = [];
  const result = rule.check({
    model,
    analysis,
    options,
    report: (r) => reports.push({ ...r, message: formatMessage(rule.meta, r.messageId, r.data) }),
    notApplicable: (reason) => ({ notApplicable: reason }),
  });
  const id = rule.meta.id;
  const outcome: RuleOutcome =
    reports.length > 0
      ? { rule: id, outcome: "reported" }
      : result && typeof result.notApplicable === "string"
        ? { rule: id, outcome: "not-applicable", reason: result.notApplicable }
        : { rule: id, outcome: "passed" };
  return { reports, outcome };
}

/**
 * Runs every rule, each with its options (`options` by rule id, already resolved; the defaults otherwise): the
 * findings, most severe first, and each rule's outcome. A rule that throws becomes an `internal-rule-error` finding.
 */
export function evaluateRules(
  model: Model,
  analysis: Analysis,
  rules: readonly Rule[] = RULES,
  options?: ReadonlyMap<string, Readonly<Record<string, unknown>>>,
): { findings: Finding[]; outcomes: RuleOutcome[] } {
  const findings: Finding[] = [];
  const outcomes: RuleOutcome[] = [];
  for (const rule of rules) {
    const { id, severity } = rule.meta;
    try {
      const { reports, outcome } = runRule(rule, model, analysis, options?.get(id));
      for (const r of reports)
        findings.push({ rule: id, severity, resource: r.resource, location: r.location, message: r.message, fix: r.fix });
      outcomes.push(outcome);
    } catch (e) {
      findings.push({
        rule: "internal-rule-error",
        severity: "error",
        message: `rule ${id} failed: ${(e as Error).message}`,
        resource: "",
        location: { file: model.files[0] ?? "" },
        fix: "Please report this with the template.",
      });
      outcomes.push({ rule: id, outcome: "reported" });
    }
  }
  findings.sort((a, b) => compareSeverity(a.severity, b.severity) || a.resource.localeCompare(b.resource) || a.rule.localeCompare(b.rule));
  return { findings, outcomes };
}

/** Runs every rule with its default options; a rule that throws becomes an `internal-rule-error` finding. */
export function runRules(model: Model, analysis: Analysis, rules: readonly Rule[] = RULES): Finding[] {
  return evaluateRules(model, analysis, rules).findings;
}

/**
 * Options by rule id (`{ "function-single-az": { minimumAzs: 3 } }`), each validated against its rule's schema and
 * completed with the defaults. Throws RuleOptionsError for a rule that does not exist or an option it does not take.
 */
export function configureRules(
  given: Readonly<Record<string, unknown>>,
  rules: readonly Rule[] = RULES,
): Map<string, Readonly<Record<string, unknown>>> {
  const out = new Map<string, Readonly<Record<string, unknown>>>();
  for (const [id, value] of Object.entries(given)) {
    const rule = rules.find((r) => r.meta.id === id);
    if (!rule) {
      throw new RuleOptionsError(
        `rule options: ${
          unknownRule(
            id,
            rules.map((r) => r.meta.id),
          ) ?? id
        }`,
        "lambda-egress explain lists the rules",
      );
    }
    out.set(id, resolveOptions(rule.meta, value));
  }
  return out;
}
