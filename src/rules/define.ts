// The rule contract, after ESLint's and cdk-nag's: one rule per file, pure, built on the model and the analysis.
//
//   export default defineRule({
//     meta: {
//       id: "function-single-az",                       // kebab-case, the file's name and docs/rules/<id>.md
//       title: "Function in one Availability Zone only",
//       severity: "warning",                            // its default; the order of severities is findings/severity.ts
//       messages: { oneAz: "Function {{fn}} runs in one Availability Zone only ({{az}})" },
//       options: { minimumAzs: { type: "integer", default: 2, min: 2, description: "..." } },
//     },
//     check(ctx) {
//       if (ctx.model.functions().length === 0) return ctx.notApplicable("no function");
//       ctx.report({ messageId: "oneAz", data: { fn: "Api", az: "us-east-1a" }, resource, location, fix });
//     },
//   });
//
// A rule's outcome is one of three, as cdk-nag has them: it reported (one finding per report), it passed (it looked
// and found nothing), or it does not apply to this model (nothing to look at: no function in a VPC, no endpoint).
// The docs of a rule are its page in the package, `docs/rules/<id>.md` (meta.docs, derived from the id): the package
// has no web address, so no URL is made up; the reports embed the page's text instead (SARIF `help`, `explain`).
import type { Analysis } from "../analyze/analysis.ts";
import type { Model } from "../model/model.ts";
import type { Location } from "../model/types.ts";
import type { Severity } from "../findings/severity.ts";

/** One option of a rule: its type, its default and what it means. */
export type RuleOptionSpec =
  | { readonly type: "integer"; readonly default: number; readonly min?: number; readonly max?: number; readonly description: string }
  | { readonly type: "boolean"; readonly default: boolean; readonly description: string }
  | { readonly type: "string"; readonly default: string; readonly enum?: readonly string[]; readonly description: string };

/** A rule's options schema: option name -> its spec. */
export type RuleOptionsSchema = Readonly<Record<string, RuleOptionSpec>>;

/** The values a schema describes, typed (an integer option is a number, and so on). */
export type RuleOptionValues<S extends RuleOptionsSchema> = {
  readonly [K in keyof S]: S[K] extends { type: "integer" } ? number : S[K] extends { type: "boolean" } ? boolean : string;
};

export interface RuleMeta {
  /** kebab-case, equal to the file name and to docs/rules/<id>.md. */
  readonly id: string;
  readonly title: string;
  /** The severity of its findings. */
  readonly severity: Severity;
  /** The rule's page, relative to the package's root: `docs/rules/<id>.md` (the package ships docs/). */
  readonly docs: string;
  /** Its messages by id (camelCase), each a text with `{{placeholders}}` that a report's data fills. */
  readonly messages: Readonly<Record<string, string>>;
  /** Its options, each with a default (none: {}). */
  readonly options: RuleOptionsSchema;
}

export interface Finding {
  readonly rule: string;
  readonly severity: Severity;
  readonly resource: string;
  readonly location: Location;
  readonly message: string;
  readonly fix: string;
}

/** What a rule reports: a message of its own by id, the values of its placeholders, the resource, where, and the fix. */
export interface RuleReport<M extends string = string> {
  readonly messageId: M;
  readonly data?: Readonly<Record<string, string | number>>;
  readonly resource: string;
  readonly location: Location;
  readonly fix: string;
}

/** Returned by `check` when the rule has nothing to look at in this model. */
export interface NotApplicable {
  readonly notApplicable: string;
}

export interface RuleContext<M extends string = string, O = Readonly<Record<string, unknown>>> {
  readonly model: Model;
  readonly analysis: Analysis;
  /** The rule's options: the defaults, with what the caller configured over them (validated). */
  readonly options: O;
  report(r: RuleReport<M>): void;
  /** `return ctx.notApplicable("no function in a VPC")`: the rule does not apply to this model. */
  notApplicable(reason: string): NotApplicable;
}

export interface Rule {
  readonly meta: RuleMeta;
  check(ctx: RuleContext): void | NotApplicable;
}

/** A rule as its file writes it: `meta` without `docs` (derived from the id), message ids and options typed. */
export interface RuleDefinition<M extends Readonly<Record<string, string>>, S extends RuleOptionsSchema> {
  readonly meta: {
    readonly id: string;
    readonly title: string;
    readonly severity: Severity;
    readonly messages: M;
    readonly options?: S;
  };
  check(ctx: RuleContext<keyof M & string, RuleOptionValues<S>>): void | NotApplicable;
}

/** A rule's page, relative to the package's root (the one place that says where the pages are). */
export function ruleDocsPath(id: string): string {
  return `docs/rules/${id}.md`;
}

export function defineRule<const M extends Readonly<Record<string, string>>, const S extends RuleOptionsSchema = {}>(
  rule: RuleDefinition<M, S>,
): Rule {
  const { id, title, severity, messages, options } = rule.meta;
  return {
    meta: { id, title, severity, docs: ruleDocsPath(id), messages, options: options ?? {} },
    check: rule.check as Rule["check"],
  };
}

/** `{{ name }}` in a message. */
const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The text of a rule's message `messageId` with `data` filled in. Throws on an unknown id or a placeholder without data. */
export function formatMessage(meta: RuleMeta, messageId: string, data: Readonly<Record<string, string | number>> = {}): string {
  const template = Object.hasOwn(meta.messages, messageId) ? meta.messages[messageId] : undefined;
  if (template === undefined) throw new Error(`rule ${meta.id} has no message ${JSON.stringify(messageId)}`);
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const v = Object.hasOwn(data, name) ? data[name] : undefined;
    if (v === undefined) throw new Error(`rule ${meta.id}, message ${messageId}: no data for {{${name}}}`);
    return String(v);
  });
}

/** The placeholder names of a message, in order. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string);
}

/** Options that are not what a rule's schema allows: the caller's error, with what to write instead. */
export class RuleOptionsError extends Error {
  readonly code = "RULE_OPTIONS_INVALID";
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.name = "RuleOptionsError";
    this.hint = hint;
  }
}

/**
 * A rule's options: its defaults with `given` over them, each checked against the schema. Pure. Throws
 * RuleOptionsError for an option the rule does not have or a value of the wrong type or range.
 * (Hand-written: the schemas hold three scalar types, and no schema library is among the runtime dependencies.)
 */
export function resolveOptions(meta: RuleMeta, given: unknown = {}): Readonly<Record<string, unknown>> {
  const names = Object.keys(meta.options);
  const hint =
    names.length === 0
      ? `${meta.id} has no options`
      : `${meta.id} takes ${names.map((n) => describeOption(n, meta.options[n] as RuleOptionSpec)).join("; ")}`;
  if (given === null || typeof given !== "object" || Array.isArray(given))
    throw new RuleOptionsError(`options of rule ${meta.id}: expected a mapping of option names to values`, hint);
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(meta.options)) out[name] = spec.default;
  for (const [name, value] of Object.entries(given)) {
    const spec = Object.hasOwn(meta.options, name) ? meta.options[name] : undefined;
    if (spec === undefined) throw new RuleOptionsError(`rule ${meta.id} has no option ${JSON.stringify(name)}`, hint);
    const problem = optionProblem(spec, value);
    if (problem) throw new RuleOptionsError(`rule ${meta.id}, option ${name}: ${JSON.stringify(value)} ${problem}`, hint);
    out[name] = value;
  }
  return out;
}

function optionProblem(spec: RuleOptionSpec, value: unknown): string | undefined {
  switch (spec.type) {
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) return "is not an integer";
      if (spec.min !== undefined && value < spec.min) return `is below ${spec.min}`;
      if (spec.max !== undefined && value > spec.max) return `is above ${spec.max}`;
      return undefined;
    case "boolean":
      return typeof value === "boolean" ? undefined : "is not true or false";
    case "string":
      if (typeof value !== "string") return "is not a string";
      return spec.enum && !spec.enum.includes(value) ? `is not one of ${spec.enum.join(", ")}` : undefined;
  }
}

function describeOption(name: string, spec: RuleOptionSpec): string {
  const range =
    spec.type === "integer" && (spec.min !== undefined || spec.max !== undefined)
      ? ` ${spec.min ?? ""}..${spec.max ?? ""}`
      : spec.type === "string" && spec.enum
        ? ` (${spec.enum.join(", ")})`
        : "";
  return `${name}: ${spec.type}${range}, default ${JSON.stringify(spec.default)}`;
}
