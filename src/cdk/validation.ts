// LambdaEgressValidation: a CDK policy validation plugin that runs lambda-egress's analyzer on every synthesized template.
import { createRequire } from "node:module";
import { CfnResource, Stack } from "aws-cdk-lib";
import type {
  IPolicyValidationContext,
  IPolicyValidationContextBeta1,
  IPolicyValidationPlugin,
  IPolicyValidationPluginBeta1,
  PolicyValidationPluginReportBeta1,
  PolicyViolationBeta1,
} from "aws-cdk-lib";
import type { CheckReport } from "../check.ts";
import { checkTemplate, mergeReports } from "../check.ts";
import { evaluateIntents } from "../intents/evaluate.ts";
import type { Intent, IntentsFile } from "../intents/parse.ts";
import { intentDestinations, MAX_INTENTS_BYTES, parseIntents } from "../intents/parse.ts";
import { LoadError } from "../load/errors.ts";
import { readBounded, readTemplateFile } from "../load/read.ts";
import type { Location } from "../model/types.ts";
import { RULES } from "../rules/index.ts";
import { atOrAbove, isFailOnLevel } from "../findings/severity.ts";
import type { IConstruct } from "constructs";

/** Properties of a LambdaEgressValidation plugin. */
export interface LambdaEgressValidationProps {
  /**
   * An intents file (YAML, the format of `lambda-egress check --expect`): what each function must
   * reach. Functions are named by logical id, `FunctionName`, or construct path (`Stack/Network/Api`,
   * with or without `/Resource`). A broken intent fails synthesis.
   *
   * @default - no intents
   */
  readonly intents?: string;
  /**
   * Findings at or above this severity fail synthesis: `error`, `warning`, `info`, or `none`.
   *
   * @default "error"
   */
  readonly failOn?: "error" | "warning" | "info" | "none";
  /**
   * The region `Fn::GetAZs` and `AWS::Region` stand for, when the stack does not say.
   *
   * @default "us-east-1"
   */
  readonly region?: string;
}

function packageVersion(): string | undefined {
  try {
    const version = (createRequire(import.meta.url)("../../../package.json") as { version?: unknown }).version;
    return typeof version === "string" ? version : undefined;
  } catch {
    return undefined;
  }
}

function where(location: Location | undefined): string[] {
  return location?.line !== undefined ? [`line ${location.line}, column ${location.column ?? 1}`] : [];
}

/**
 * Runs lambda-egress's analyzer on each template the CDK synthesizes and reports a violation for
 * each finding at or above `failOn` (default: errors, e.g. a function in a public subnet, a NAT
 * gateway without a route to an internet gateway, an execution role without the ENI actions) and
 * for each broken intent, so that synthesis fails. Works on any CDK app:
 * `new App({ policyValidationBeta1: [new LambdaEgressValidation()] })`.
 */
export class LambdaEgressValidation implements IPolicyValidationPluginBeta1, IPolicyValidationPlugin {
  /** The plugin's name in the CDK's validation report. */
  readonly name = "lambda-egress";
  /** The version of lambda-egress. */
  readonly version: string | undefined;
  /** The analyzer's rules (finding ids), plus `intent` for broken intents and `template-unreadable`. */
  readonly ruleIds: string[];
  private readonly props: LambdaEgressValidationProps;

  /** A plugin; `props` sets the intents file, the severity that fails and the default region. */
  constructor(props: LambdaEgressValidationProps = {}) {
    const failOn = props.failOn ?? "error";
    if (!isFailOnLevel(failOn)) {
      throw new Error(`LambdaEgressValidation: failOn ${String(failOn)}: use error, warning, info or none`);
    }
    this.props = props;
    this.version = packageVersion();
    this.ruleIds = [...RULES.map((r) => r.meta.id), "intent", "template-unreadable"];
  }

  /** Checks every template of `context` (called by the CDK during synthesis). */
  validate(context: IPolicyValidationContextBeta1 | IPolicyValidationContext): PolicyValidationPluginReportBeta1 {
    const violations: PolicyViolationBeta1[] = [];
    let intents: IntentsFile | undefined;
    if (this.props.intents !== undefined) {
      try {
        intents = parseIntents(this.props.intents, readBounded(this.props.intents, this.props.intents, { maxBytes: MAX_INTENTS_BYTES }));
      } catch (e) {
        const message = e instanceof LoadError ? `${e.message}${e.hint ? ` (${e.hint})` : ""}` : String(e);
        violations.push({
          ruleName: "intent",
          description: `intents file ${this.props.intents}: ${message}`,
          severity: "error",
          violatingResources: [],
        });
        return { success: false, violations };
      }
    }
    const regions = new Map<string, string | undefined>();
    for (const s of "stackTemplates" in context ? context.stackTemplates : []) regions.set(s.templatePath, s.region);
    const alsoTo = intents ? intentDestinations(intents) : [];
    const reports: CheckReport[] = [];
    const failOn = this.props.failOn ?? "error";
    for (const templatePath of context.templatePaths) {
      let text: string;
      let report: CheckReport;
      try {
        text = readTemplateFile(templatePath, templatePath);
        const region = regions.get(templatePath) ?? this.props.region;
        report = checkTemplate(templatePath, text, {
          ...(region && !region.startsWith("${") ? { region } : {}),
          alsoTo,
          ...(intents ? { needs: intents.needs } : {}),
        });
      } catch (e) {
        violations.push({
          ruleName: "template-unreadable",
          description: `lambda-egress cannot read ${templatePath}: ${e instanceof Error ? e.message : String(e)}`,
          severity: "error",
          violatingResources: [{ resourceLogicalId: "", templatePath, locations: [] }],
        });
        continue;
      }
      reports.push(report);
      for (const f of report.findings) {
        if (!atOrAbove(f.severity, failOn)) continue;
        violations.push({
          ruleName: f.rule,
          description: f.message,
          fix: f.fix,
          severity: f.severity,
          violatingResources: [{ resourceLogicalId: f.resource, templatePath, locations: where(f.location) }],
        });
      }
    }
    if (intents && reports.length > 0) {
      const merged = mergeReports(reports);
      for (const v of this.intentViolations(renameByPath(intents, constructPaths(context.appConstruct)), merged)) violations.push(v);
    }
    return { success: violations.length === 0, violations, ...(this.version ? { pluginVersion: this.version } : {}) };
  }

  private intentViolations(intents: IntentsFile, report: CheckReport): PolicyViolationBeta1[] {
    let results;
    try {
      results = evaluateIntents(intents, report);
    } catch (e) {
      const message = e instanceof LoadError ? `${e.message}${e.hint ? `; ${e.hint}` : ""}` : String(e);
      return [
        {
          ruleName: "intent",
          description: `intents file ${intents.file}: ${message}`,
          severity: "error",
          violatingResources: report.files.map((templatePath) => ({ resourceLogicalId: "", templatePath, locations: [] })),
        },
      ];
    }
    return results
      .filter((r) => !r.held)
      .map((r) => {
        const expected = typeof r.expected === "string" ? r.expected : `[${r.expected.join(", ")}]`;
        const actual = typeof r.actual === "string" ? r.actual : `[${r.actual.join(", ")}]`;
        const fix = r.evidence.find((e) => e.fix)?.fix;
        return {
          ruleName: "intent",
          description: `${r.function} ${r.intent}: ${expected} required, the network gives ${actual}${r.reason ? `: ${r.reason}` : ""} (${intents.file}:${r.location.line ?? 1})`,
          ...(fix ? { fix } : {}),
          severity: "error",
          violatingResources: [{ resourceLogicalId: r.function, templatePath: r.file, locations: where(r.location) }],
        };
      });
  }
}

/** Construct path -> logical id of every CloudFormation resource of the app (`Stack/Api/Resource` and `Stack/Api`). */
function constructPaths(root: IConstruct | undefined): Map<string, { logicalId: string }> {
  const out = new Map<string, { logicalId: string }>();
  for (const node of root?.node.findAll() ?? []) {
    if (!CfnResource.isCfnResource(node)) continue;
    const logicalId = Stack.of(node).resolve(node.logicalId) as unknown;
    if (typeof logicalId !== "string") continue;
    const path = node.node.path;
    out.set(path, { logicalId });
    if (path.endsWith("/Resource")) out.set(path.slice(0, -"/Resource".length), { logicalId });
  }
  return out;
}

/** The intents with functions named by construct path renamed to their logical ids. */
function renameByPath(intents: IntentsFile, paths: ReadonlyMap<string, { logicalId: string }>): IntentsFile {
  const rename = (name: string): string => paths.get(name)?.logicalId ?? name;
  return {
    file: intents.file,
    intents: intents.intents.map((i): Intent => ({ ...i, function: rename(i.function) })),
    functions: new Map([...intents.functions].map(([name, loc]) => [rename(name), loc])),
    needs: new Map([...intents.needs].map(([name, setting]) => [rename(name), setting])),
  };
}
