// JSON report, schemaVersion 1 (DESIGN §5). Deterministic: the analysis is already sorted.
import type { CheckReport } from "../check.ts";

export function renderJson(report: CheckReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
