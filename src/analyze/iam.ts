// What a role's statements, as the template shows them, allow. Only what the template shows:
// permission boundaries, SCPs and session policies are outside it.
import type { PolicyStatement, Role } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";

/** Compiled action patterns (a template has few distinct ones; a large one asks about them often). */
const PATTERNS = new Map<string, RegExp>();

/** IAM action patterns: `*` and `?` wildcards, case-insensitive. */
export function actionMatches(pattern: string, action: string): boolean {
  if (!pattern.includes("*") && !pattern.includes("?")) return pattern.toLowerCase() === action.toLowerCase();
  let re = PATTERNS.get(pattern);
  if (!re) {
    re = new RegExp(
      `^${pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
      "i",
    );
    if (PATTERNS.size >= 10_000) PATTERNS.clear();
    PATTERNS.set(pattern, re);
  }
  return re.test(action);
}

export type Permission = "allowed" | "denied" | "conditional" | "unknown";

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
    const matches = s.notActions ? !s.notActions.some((p) => actionMatches(p, action)) : s.actions.some((p) => actionMatches(p, action));
    if (!matches) continue;
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
