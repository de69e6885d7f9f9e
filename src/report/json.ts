// JSON report, schemaVersion 1 (the README's "JSON report" lists its fields). Deterministic: the analysis is already sorted.
import type { CheckReport } from "../check.ts";
import { jsonBytes, jsonPieces, jsonText } from "./escape.ts";

/** Reports with more functions than this are printed compact (the same JSON, about half the size). */
export const PRETTY_JSON_MAX_FUNCTIONS = 2000;

export function renderJson(report: CheckReport): string {
  return `${jsonText(report, jsonIndent(report))}\n`;
}

/**
 * renderJson's text as UTF-8 bytes, what the command line writes: one piece for a report printed indented, pieces of
 * about a megabyte for a large compact one (never the whole report as one string and then as bytes: about 120 MiB and
 * a copy less for 10,000 functions).
 */
export function renderJsonBytes(report: CheckReport): Iterable<Uint8Array> {
  const indent = jsonIndent(report);
  return indent === undefined ? jsonPieces(report as unknown as Record<string, unknown>) : [jsonBytes(report, indent)];
}

function jsonIndent(report: CheckReport): number | undefined {
  return report.functions.length > PRETTY_JSON_MAX_FUNCTIONS ? undefined : 2;
}
