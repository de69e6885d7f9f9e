// Suppressions: a finding the team accepts is listed as suppressed (JSON `suppressed`, SARIF `suppressions`), never
// dropped. Three places say it, the way cfn-lint and cfn_nag do it:
//   - on the resource:      Metadata: { lambda-egress: { ignore: [RULE, { rule: RULE, reason: TEXT }] } }
//   - on the command line:  --ignore RULE (every finding of the rule)
//   - in the intents file:  FunctionId: { suppress: [RULE] } (the function's own findings)
// Pure.
import type { Location } from "../model/types.ts";
import { closest } from "../report/suggest.ts";
import type { Finding } from "../rules/define.ts";

/** The Metadata key of a resource's suppressions. */
export const METADATA_KEY = "lambda-egress";

export interface Suppression {
  /** Where it is written: the resource's Metadata, the command line (--ignore), the intents file. */
  readonly kind: "resource" | "command-line" | "intents";
  /** Why: the reason written beside it, else where it is written. */
  readonly justification: string;
  readonly location?: Location;
}

export interface SuppressedFinding extends Finding {
  readonly suppression: Suppression;
}

/** A rule ignored on one resource (its Metadata) or for one function (the intents file). */
export interface RuleIgnore {
  readonly rule: string;
  readonly reason?: string;
  readonly location: Location;
}

/** What suppresses findings: by resource (Metadata), by function (intents), by rule (--ignore). */
export interface Suppressions {
  readonly byResource?: ReadonlyMap<string, readonly RuleIgnore[]>;
  readonly byFunction?: ReadonlyMap<string, readonly RuleIgnore[]>;
  readonly rules?: readonly string[];
}

/** The suppression of a finding, if any: the resource's own first, then the intents file's, then the command line's. */
export function suppressionOf(f: Finding, s: Suppressions): Suppression | undefined {
  const own = s.byResource?.get(f.resource)?.find((i) => i.rule === f.rule);
  if (own)
    return {
      kind: "resource",
      justification: own.reason ?? `ignored in the Metadata of ${f.resource}`,
      location: own.location,
    };
  const intent = s.byFunction?.get(f.resource)?.find((i) => i.rule === f.rule);
  if (intent)
    return {
      kind: "intents",
      justification: intent.reason ?? `ignored for ${f.resource} in the intents file`,
      location: intent.location,
    };
  if (s.rules?.includes(f.rule)) return { kind: "command-line", justification: `--ignore ${f.rule}` };
  return undefined;
}

/** The findings split into those that stand and those suppressed (each with its suppression), order kept. */
export function applySuppressions(findings: readonly Finding[], s: Suppressions): { findings: Finding[]; suppressed: SuppressedFinding[] } {
  const kept: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  for (const f of findings) {
    const why = suppressionOf(f, s);
    if (why) suppressed.push({ ...f, suppression: why });
    else kept.push(f);
  }
  return { findings: kept, suppressed };
}

/** A problem in a resource's `lambda-egress` Metadata: the message (the caller makes it a diagnostic). */
export interface IgnoreProblem {
  readonly message: string;
  readonly fix: string;
}

/**
 * The rules a resource's Metadata ignores, and the problems in its shape (not a list, an entry that names no rule);
 * `at` is the location of the Metadata. Whether each rule exists is checked with the rules (see unknownRule).
 */
export function readIgnores(metadata: unknown, at: Location): { ignores: RuleIgnore[]; problems: IgnoreProblem[] } {
  const ignores: RuleIgnore[] = [];
  const problems: IgnoreProblem[] = [];
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata) || !Object.hasOwn(metadata, METADATA_KEY))
    return { ignores, problems };
  const ours = (metadata as Record<string, unknown>)[METADATA_KEY];
  const shape = `write ${METADATA_KEY}: { ignore: [RULE, ...] } (a rule id, or { rule: RULE, reason: TEXT })`;
  const list = ours !== null && typeof ours === "object" && !Array.isArray(ours) ? (ours as Record<string, unknown>).ignore : undefined;
  if (!Array.isArray(list)) {
    problems.push({ message: `Metadata ${METADATA_KEY} has no ignore list`, fix: shape });
    return { ignores, problems };
  }
  for (const item of list) {
    const entry = item !== null && typeof item === "object" && !Array.isArray(item) ? (item as Record<string, unknown>) : undefined;
    const rule = typeof item === "string" ? item : entry?.rule;
    const reason = entry && typeof entry.reason === "string" ? entry.reason : undefined;
    if (typeof rule !== "string") {
      problems.push({ message: `Metadata ${METADATA_KEY}: an ignore entry names no rule`, fix: shape });
      continue;
    }
    ignores.push({ rule, ...(reason !== undefined ? { reason } : {}), location: at });
  }
  return { ignores, problems };
}

/** "no rule X (did you mean Y?)" for a name that is not a rule id, else undefined. */
export function unknownRule(name: string, known: readonly string[]): string | undefined {
  if (known.includes(name)) return undefined;
  const near = closest(name, known);
  return `no rule ${JSON.stringify(name)}${near ? ` (did you mean ${near}?)` : ""}`;
}
