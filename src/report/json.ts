// JSON report, schemaVersion 1 (the README's "JSON report" lists its fields). Deterministic: the analysis is already sorted.
import type { CheckReport } from "../check.ts";
import { jsonBytes, jsonText } from "./escape.ts";

/** Reports with more functions than this are printed compact (the same JSON, about half the size). */
export const PRETTY_JSON_MAX_FUNCTIONS = 2000;

export function renderJson(report: CheckReport): string {
  return `${jsonText(report, jsonIndent(report))}\n`;
}

/** renderJson's text as UTF-8 bytes, what the command line writes (no second copy of a large report's text). */
export function renderJsonBytes(report: CheckReport): Uint8Array {
  return jsonBytes(report, jsonIndent(report));
}

function jsonIndent(report: CheckReport): number | undefined {
  return report.functions.length > PRETTY_JSON_MAX_FUNCTIONS ? undefined : 2;
}
