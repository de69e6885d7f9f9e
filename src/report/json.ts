// JSON report, schemaVersion 1 (DESIGN §5). Deterministic: the analysis is already sorted.
import type { CheckReport } from "../check.ts";
import { jsonText } from "./escape.ts";

/** Reports with more functions than this are printed compact (the same JSON, about half the size). */
export const PRETTY_JSON_MAX_FUNCTIONS = 2000;

export function renderJson(report: CheckReport): string {
  const indent = report.functions.length > PRETTY_JSON_MAX_FUNCTIONS ? undefined : 2;
  return `${jsonText(report, indent)}\n`;
}
