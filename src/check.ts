// The `check` job as a library call: template text in, report out. Pure: no file or console.
import type { Analysis, FunctionReport, SubnetView } from "./analyze/analysis.ts";
import { analyze } from "./analyze/analysis.ts";
import { DEFAULT_REGION } from "./aws/facts.ts";
import type { IntentResult } from "./intents/evaluate.ts";
import type { NeedsSetting } from "./intents/parse.ts";
import type { AssemblyStack, CloudAssembly } from "./load/cdk-assembly.ts";
import { stackOptions } from "./load/cdk-assembly.ts";
import type { LoadOptions } from "./load/cfn/index.ts";
import type { StackInput } from "./load/cfn/stacks.ts";
import { loadModel, loadModels } from "./load/index.ts";
import { stackOfId } from "./model/qualify.ts";
import type { Model } from "./model/model.ts";
import type { Diagnostic } from "./model/types.ts";
import type { Finding } from "./rules/define.ts";
import type { RuleOutcome } from "./rules/index.ts";
import { configureRules, evaluateRules, mergeOutcomes, RULE_OUTCOMES, RULES } from "./rules/index.ts";
import type { SuppressedFinding, Suppressions } from "./findings/suppress.ts";
import { applySuppressions, METADATA_KEY, unknownRule } from "./findings/suppress.ts";
import { DIAGNOSTIC_CODES } from "./aws/codes.ts";

export interface CheckOptions extends LoadOptions {
  /** Destinations (`internet`, `internet:PORT`, `internet6`, `aws:SERVICE`, `ADDRESS[/LEN]:PORT`); default: per function, see defaultDestinations. */
  readonly to?: readonly string[];
  /** Destinations analysed in addition to `to` (or to the default), e.g. those an intents file names. */
  readonly alsoTo?: readonly string[];
  /** Rules whose findings are suppressed everywhere (`--ignore RULE`): listed in `suppressed`, not in `findings`. */
  readonly ignore?: readonly string[];
  /** What an intents file says of each function's needs (`needs`, `infer`, `ignore`), by logical id or FunctionName. */
  readonly needs?: ReadonlyMap<string, NeedsSetting>;
  /** Options of rules by rule id (`{ "function-single-az": { minimumAzs: 3 } }`); a rule not named keeps its defaults. Throws RuleOptionsError when invalid. */
  readonly ruleOptions?: Readonly<Record<string, unknown>>;
}

export interface CheckReport {
  readonly schemaVersion: 1;
  readonly files: readonly string[];
  readonly region: string;
  readonly functions: readonly (FunctionReport & { readonly file: string })[];
  /** What a function with allow-all egress would reach from each subnet of the template. */
  readonly subnets: readonly (SubnetView & { readonly file: string })[];
  readonly findings: readonly Finding[];
  /** Findings a suppression accepts (a resource's Metadata, --ignore, the intents file), each with it; absent when none. */
  readonly suppressed?: readonly SuppressedFinding[];
  readonly diagnostics: readonly Diagnostic[];
  /** With `--expect`: every intent, held or broken (see src/intents). */
  readonly intents?: readonly IntentResult[];
  /** For a CDK cloud assembly: each stack's template file and the region it was checked for. */
  readonly stacks?: readonly StackInfo[];
  /** What each rule did: reported, passed, or not applicable (and why). Under a symbol: not in the JSON report. */
  readonly [RULE_OUTCOMES]?: readonly RuleOutcome[];
}

/** A stack of a CDK cloud assembly, as the report names it. */
export interface StackInfo {
  readonly stack: string;
  readonly file: string;
  /** `aws://ACCOUNT/REGION`, when the manifest gives it. */
  readonly environment: string | null;
  /** The stack's own region, else the region asked for (--region, else the default). */
  readonly region: string;
}

export function checkModel(model: Model, options: CheckOptions = {}): CheckReport {
  const ruleOptions = options.ruleOptions ? configureRules(options.ruleOptions) : undefined;
  const analysis: Analysis = analyze(model, options.to, {}, options.alsoTo ?? [], options.needs);
  const file = model.files[0] ?? "";
  const known = RULES.map((r) => r.meta.id);
  // A resource's ignore naming no rule suppresses nothing, and says so.
  const invalid: Diagnostic[] = [];
  for (const [resource, list] of model.ignores)
    for (const i of list) {
      const problem = unknownRule(i.rule, known);
      if (problem)
        invalid.push({
          code: "LOAD_INVALID_SUPPRESSION",
          severity: "warning",
          message: `Metadata ${METADATA_KEY}: ${problem}`,
          location: i.location,
          resource,
          fix: DIAGNOSTIC_CODES.LOAD_INVALID_SUPPRESSION.fix,
        });
    }
  const run = evaluateRules(model, analysis, RULES, ruleOptions);
  const { findings, suppressed } = applySuppressions(run.findings, { byResource: model.ignores, rules: options.ignore ?? [] });
  return {
    schemaVersion: 1,
    files: model.files,
    region: model.region,
    functions: analysis.functions.map((f) => ({ ...f, file })),
    // The template's own subnets: those of a stack it imports from are in that stack's report.
    subnets: analysis.subnets.filter((s) => stackOfId(s.subnet) === undefined).map((s) => ({ ...s, file })),
    findings,
    ...(suppressed.length > 0 ? { suppressed } : {}),
    diagnostics: invalid.length > 0 ? [...model.diagnostics, ...invalid] : model.diagnostics,
    [RULE_OUTCOMES]: run.outcomes,
  };
}

/** The report with the findings `s` suppresses moved from `findings` to `suppressed` (e.g. an intents file's ignores). */
export function suppressInReport(report: CheckReport, s: Suppressions): CheckReport {
  const { findings, suppressed } = applySuppressions(report.findings, s);
  if (suppressed.length === 0) return report;
  // The same keys in the same order (`suppressed` right after `findings`).
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(report)) {
    if (k === "suppressed") continue;
    out[k] = k === "findings" ? findings : v;
    if (k === "findings") out.suppressed = [...(report.suppressed ?? []), ...suppressed];
  }
  if (report[RULE_OUTCOMES]) (out as Record<PropertyKey, unknown>)[RULE_OUTCOMES] = report[RULE_OUTCOMES];
  return out as unknown as CheckReport;
}

/** Loads a CloudFormation/SAM template or a Terraform plan/state (`terraform show -json`) from its text and checks it. Throws LoadError when unreadable. */
export function checkTemplate(file: string, text: string, options: CheckOptions = {}): CheckReport {
  return checkModel(loadModel(file, text, options), options);
}

/**
 * Checks templates together, one report each, in order: each template's `Fn::ImportValue` reads the
 * exports of the others (see load/cfn/stacks.ts). Throws LoadError when one is unreadable.
 */
export function checkTemplates(inputs: readonly StackInput[], options: CheckOptions = {}): CheckReport[] {
  return loadModels(inputs, options).map((m) => checkModel(m, options));
}

/** Several reports as one (the CLI given several templates); a finding or diagnostic two reports share (a stack's, seen again by a stack importing from it) is kept once. */
export function mergeReports(reports: readonly CheckReport[]): CheckReport {
  const first = reports[0];
  if (reports.length === 1 && first) return first;
  const stacks = reports.flatMap((r) => r.stacks ?? []);
  return {
    schemaVersion: 1,
    files: [...new Set(reports.flatMap((r) => r.files))],
    region: first?.region ?? "",
    functions: reports.flatMap((r) => r.functions),
    subnets: reports.flatMap((r) => r.subnets),
    findings: once(reports.flatMap((r) => r.findings)),
    ...(reports.some((r) => r.suppressed) ? { suppressed: once(reports.flatMap((r) => r.suppressed ?? [])) } : {}),
    diagnostics: once(reports.flatMap((r) => r.diagnostics)),
    ...(stacks.length > 0 ? { stacks } : {}),
    [RULE_OUTCOMES]: mergeOutcomes(reports.map((r) => r[RULE_OUTCOMES] ?? [])),
  };
}

/**
 * Checks every stack of a CDK cloud assembly (see readCloudAssembly), each in its own region when
 * its environment names one, with the construct paths the manifest gives, as one report.
 * `template` returns a stack's template text (the caller reads the file).
 */
export function checkAssembly(
  assembly: CloudAssembly,
  template: (stack: AssemblyStack) => string,
  options: CheckOptions = {},
): CheckReport {
  // Loaded together: CDK writes a reference from one stack to another as an export and a Fn::ImportValue.
  const reports = checkTemplates(
    assembly.stacks.map((stack) => ({ file: stack.file, text: template(stack), options: stackOptions(stack, {}), qualifier: stack.id })),
    options,
  );
  const merged = mergeReports(reports);
  return {
    ...merged,
    // The region asked for; each stack's own is in `stacks` (a template given beside the assembly is checked in this one).
    region: options.region ?? DEFAULT_REGION,
    diagnostics: [...assembly.diagnostics, ...merged.diagnostics],
    stacks: assembly.stacks.map((s, i) => ({ stack: s.name, file: s.file, environment: s.environment, region: reports[i]?.region ?? "" })),
  };
}

/** The items, each distinct one once (compared by content), in order. */
function once<T>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((x) => {
    const key = JSON.stringify(x);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
