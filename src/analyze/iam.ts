// What a role's statements, as the template shows them, allow. Only what the template shows:
// permission boundaries, SCPs and session policies are outside it.
import type { PolicyStatement, Role } from "../model/types.ts";
import { memoizeText } from "../memo.ts";
import { isUnknown } from "../model/types.ts";

/** Compiled action patterns (a template has few distinct ones; a large one asks about them often). */
const actionPattern = memoizeText(
  (pattern) =>
    new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
      "i",
    ),
  10_000,
);

/** IAM action patterns: `*` and `?` wildcards, case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  if (!pattern.includes("*") && !pattern.includes("?")) return pattern.toLowerCase() === action.toLowerCase();
  return actionPattern(pattern).test(action);
}

export type Permission = "allowed" | "denied" | "conditional" | "unknown";

/** Whether a statement whose actions are known names `action` (through Action, or by leaving it out of NotAction). */
function namesAction(s: PolicyStatement, actions: readonly string[], action: string): boolean {
  return s.notActions ? !s.notActions.some((p) => actionMatches(p, action)) : actions.some((p) => actionMatches(p, action));
}

/** Whether the statements allow `action` on every resource ("*"). */
export function permission(statements: readonly PolicyStatement[], action: string, hasUnknownPolicies: boolean): Permission {
  let allowed = false;
  let conditional = false;
  let unknownSeen = hasUnknownPolicies;
  for (const s of statements) {
    if (isUnknown(s.actions)) {
      unknownSeen = true;
      continue;
    }
    if (!namesAction(s, s.actions, action)) continue;
    if (s.effect === "Deny") {
      if (!s.hasCondition) return "denied";
      conditional = true;
      continue;
    }
    if (s.hasCondition) conditional = true;
    else allowed = true;
  }
  if (allowed && !conditional) return "allowed";
  if (allowed || conditional) return "conditional";
  return unknownSeen ? "unknown" : "denied";
}

export function roleStatements(role: Role, onlyFrom?: ReadonlySet<string>): PolicyStatement[] {
  return role.statements.filter((s) => !onlyFrom || (s.origin.logicalId !== undefined && onlyFrom.has(s.origin.logicalId)));
}

// ---- resources ----------------------------------------------------------------------------------
// Resource patterns and the ARNs they are compared with are SymbolicStrings (model/types.ts):
// tokens stand for what the template does not determine. A comparison answers "yes" only when
// it holds whatever the tokens turn out to be, "no" only when it fails whatever they are.

export type Match = "yes" | "no" | "unknown";

const TOKEN = /\$\{(?:\?|AWS::[A-Za-z]+|[A-Za-z0-9]+(?:\.[A-Za-z0-9.]+)?)\}/;
const PSEUDO_TOKEN = /\$\{AWS::([A-Za-z]+)\}/g;
const GENERATED_NAME = /^\$\{([A-Za-z0-9]+)\}$/;
/** Compiled resource patterns (see resourceGlob). */
const resourcePattern = memoizeText((pattern) => {
  const body = pattern
    .split(":")
    .map((seg) =>
      seg
        .split("")
        .map((c, i) => (c === "*" ? (i === seg.length - 1 ? ".*" : "[^:]*") : c === "?" ? "[^:]" : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
        .join(""),
    )
    .join(":");
  return new RegExp(`^${body}$`, "s");
}, 10_000);

function hasToken(s: string): boolean {
  return TOKEN.test(s);
}

/**
 * IAM resource wildcards, case-sensitive: `?` is one character, `*` any run within an ARN
 * segment, and a `*` that ends a segment also matches past the colons that follow ("If the *
 * wildcard is the last character of a resource ARN segment, it can expand to match beyond colon
 * boundaries": IAM User Guide, reference_policies_elements_resource.html). Tokens compare as text.
 */
export function resourceGlob(pattern: string, value: string): boolean {
  if (!pattern.includes("*") && !pattern.includes("?")) return pattern === value;
  return resourcePattern(pattern).test(value);
}

function segment(pattern: string, value: string): Match {
  if (resourceGlob(pattern, value)) return "yes";
  return hasToken(pattern) || hasToken(value) ? "unknown" : "no";
}

/** The literal text of a pattern before its first wildcard or token. */
function literalPrefix(pattern: string): string {
  const cut = pattern.search(/[*?]|\$\{/);
  return cut < 0 ? pattern : pattern.slice(0, cut);
}

/**
 * Whether an IAM `Resource` pattern covers the ARN of a Lambda function
 * (`arn:P:lambda:R:A:function:NAME`). `functionIds` are the logical ids of the template's
 * functions: two of them never share a name, and a generated name is never the prefix of another.
 */
export function resourceCoversFunction(pattern: string, arn: string, functionIds: ReadonlySet<string>): Match {
  // Pseudo-parameter tokens hold colons: spell them without, so that colons separate segments.
  pattern = pattern.replace(PSEUDO_TOKEN, "$${AWS.$1}");
  arn = arn.replace(PSEUDO_TOKEN, "$${AWS.$1}");
  if (resourceGlob(pattern, arn)) return "yes";
  const p = pattern.split(":");
  const t = arn.split(":");
  if (t.length < 7) return "unknown";
  const results: Match[] = [];
  // Whole segments before the name (a shorter pattern's last one may swallow the rest).
  for (let i = 0; i < Math.min(6, p.length - 1); i++) results.push(segment(p[i] as string, t[i] as string));
  if (p.length < 7) return results.includes("no") ? "no" : "unknown";
  const restP = p.slice(6).join(":");
  const restT = t.slice(6).join(":");
  results.push(nameMatch(restP, restT, functionIds));
  if (results.includes("no")) return "no";
  return results.includes("unknown") ? "unknown" : "yes";
}

function nameMatch(pattern: string, name: string, functionIds: ReadonlySet<string>): Match {
  if (resourceGlob(pattern, name)) return "yes";
  if (!hasToken(pattern) && !hasToken(name)) return "no";
  // A function name never holds a colon: a pattern whose literal start has one (an ARN where a
  // name belongs) matches no unqualified function.
  if (!name.includes(":") && literalPrefix(pattern).includes(":")) return "no";
  // The generated names of two different functions of the stack: neither equal nor a prefix.
  const mine = GENERATED_NAME.exec(name)?.[1];
  const theirs = /^\$\{([A-Za-z0-9]+)\}\*?$/.exec(pattern)?.[1];
  if (mine && theirs && mine !== theirs && functionIds.has(mine) && functionIds.has(theirs)) return "no";
  return "unknown";
}

export interface ResourcePermission {
  readonly permission: Permission;
  /** The statement that denies it, when one does. */
  readonly deniedBy?: PolicyStatement;
  /** Resource patterns on which the statements allow the action (for messages). */
  readonly allowedOn: readonly string[];
}

/** Whether the statements allow `action` on a Lambda function's ARN (a SymbolicString). */
export function functionPermission(
  statements: readonly PolicyStatement[],
  action: string,
  arn: string,
  functionIds: ReadonlySet<string>,
  hasUnknownPolicies: boolean,
): ResourcePermission {
  let allowed = false;
  let conditional = false;
  let unknownSeen = hasUnknownPolicies;
  const allowedOn: string[] = [];
  for (const s of statements) {
    if (isUnknown(s.actions)) {
      unknownSeen = true;
      continue;
    }
    if (!namesAction(s, s.actions, action)) continue;
    let m: Match = "no";
    if (isUnknown(s.resources) || s.resources.length === 0) m = "unknown";
    else {
      for (const r of s.resources) {
        const one = resourceCoversFunction(r, arn, functionIds);
        if (one === "yes") {
          m = "yes";
          break;
        }
        if (one === "unknown") m = "unknown";
      }
    }
    if (s.effect === "Deny") {
      if (m === "yes" && !s.hasCondition) return { permission: "denied", deniedBy: s, allowedOn };
      if (m !== "no") conditional = true;
      continue;
    }
    if (!isUnknown(s.resources)) for (const r of s.resources) allowedOn.push(r);
    if (m === "unknown") unknownSeen = true;
    else if (m === "yes") {
      if (s.hasCondition) conditional = true;
      else allowed = true;
    }
  }
  const permission: Permission =
    allowed && !conditional ? "allowed" : allowed || conditional ? "conditional" : unknownSeen ? "unknown" : "denied";
  return { permission, allowedOn };
}
