// Severities and their one order, most severe first. Every sort of findings, every threshold (`check --fail-on`,
// the CDK plugin's failOn) and every comparison of two severities goes through this module. Pure.

/** The severities, most severe first. */
export const SEVERITIES = ["error", "warning", "info"] as const;

export type Severity = (typeof SEVERITIES)[number];

/** What a threshold (`--fail-on`, failOn) takes: a severity, or none (nothing fails). */
export const FAIL_ON_LEVELS = [...SEVERITIES, "none"] as const;

export type FailOnLevel = (typeof FAIL_ON_LEVELS)[number];

export function isSeverity(x: unknown): x is Severity {
  return (SEVERITIES as readonly unknown[]).includes(x);
}

export function isFailOnLevel(x: unknown): x is FailOnLevel {
  return (FAIL_ON_LEVELS as readonly unknown[]).includes(x);
}

/** Negative when `a` is more severe than `b`, 0 when equal: sorts the most severe first. */
export function compareSeverity(a: Severity, b: Severity): number {
  return SEVERITIES.indexOf(a) - SEVERITIES.indexOf(b);
}

/** Whether a finding of severity `s` is at or above `level` (never for `none`). */
export function atOrAbove(s: Severity, level: FailOnLevel): boolean {
  return level !== "none" && compareSeverity(s, level) <= 0;
}
