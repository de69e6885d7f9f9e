// The rule contract: one rule per file, pure, built on the model and the analysis.
import type { Analysis } from "../analyze/check.ts";
import type { Model } from "../model/model.ts";
import type { Location, Severity } from "../model/types.ts";

export interface RuleMeta {
  /** kebab-case, equal to the file name and to docs/rules/<id>.md. */
  readonly id: string;
  readonly title: string;
  readonly severity: Severity;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  readonly resource: string;
  readonly location: Location;
  readonly fix: string;
}

export interface RuleContext {
  readonly model: Model;
  readonly analysis: Analysis;
  report(f: { resource: string; message: string; fix: string; location: Location }): void;
}

export interface Rule {
  readonly meta: RuleMeta;
  check(ctx: RuleContext): void;
}

export function defineRule(rule: Rule): Rule {
  return rule;
}
