// The cost report (`lambda-egress cost`), text and JSON. Pure: (estimate) => string.
import type { CostEstimate, CostItem } from "../cost/estimate.ts";
import { formatUsd } from "../cost/estimate.ts";
import { escapeStrings, jsonText } from "./escape.ts";

/** `2026-07-24 to 2026-09-27`, or what is known of it. */
export function formatSeen(s: CostEstimate["pricesSeen"]): string {
  const range = s.oldest === null ? "no dated price" : s.oldest === s.newest ? s.oldest : `${s.oldest} to ${s.newest}`;
  return s.undated > 0 ? `${range} (${s.undated} price${s.undated === 1 ? "" : "s"} from undated sources)` : range;
}

/** The version of cost's JSON (and of --compare's), as check's report has its own: bumped when a field changes meaning. */
export const COST_SCHEMA_VERSION = 1;

function itemJson(i: CostItem) {
  return {
    resource: i.resource,
    what: i.what,
    monthlyUsd: i.monthlyUsd,
    ...(i.unknown !== undefined ? { unknown: i.unknown } : {}),
    kind: i.kind,
    ...(i.quantity !== undefined ? { quantity: i.quantity, unit: i.unit } : {}),
    ...(i.unitUsd !== undefined ? { unitUsd: i.unitUsd } : {}),
    ...(i.priceSeen !== undefined ? { priceSeen: i.priceSeen, confidence: i.confidence, priceSource: i.priceSource } : {}),
  };
}

export function costJson(e: CostEstimate) {
  return {
    region: e.region,
    monthlyUsd: e.monthlyUsd,
    items: e.items.map(itemJson),
    currency: "USD",
    lowerBound: e.lowerBound,
    hoursPerMonth: e.hoursPerMonth,
    pricesSeen: e.pricesSeen,
    notes: e.notes,
  };
}

export function renderCostJson(e: CostEstimate): string {
  return `${jsonText({ schemaVersion: COST_SCHEMA_VERSION, ...costJson(e) }, 2)}\n`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

/** One line per item: resource, what, USD/month (2 decimals), the date its price was seen. */
export function renderItems(items: readonly CostItem[], indent = "  "): string[] {
  const known = items.filter((i) => i.monthlyUsd !== null);
  let w1 = 8;
  let w2 = 4;
  for (const i of known) {
    w1 = Math.min(32, Math.max(w1, i.resource.length));
    w2 = Math.min(72, Math.max(w2, i.what.length));
  }
  const lines = [`${indent}${pad("RESOURCE", w1)}  ${pad("WHAT", w2)}  ${"USD/MONTH".padStart(10)}  PRICE SEEN`];
  for (const i of known) {
    const seen = i.priceSeen === undefined ? "" : (i.priceSeen ?? "undated");
    lines.push(`${indent}${pad(i.resource, w1)}  ${pad(i.what, w2)}  ${formatUsd(i.monthlyUsd ?? 0).padStart(10)}  ${seen}`);
  }
  return lines;
}

export function renderCostText(estimate: CostEstimate, fileName: string): string {
  // Template text (logical ids, file names) is shown with its control characters escaped.
  const e = escapeStrings(estimate);
  const file = escapeStrings(fileName);
  const out: string[] = [];
  const traffic = e.items.some((i) => i.kind === "traffic");
  out.push(`${file}: monthly cost in ${e.region} (${e.hoursPerMonth} hours a month)${traffic ? "" : ", fixed costs only"}`);
  out.push("");
  if (e.items.some((i) => i.monthlyUsd !== null)) for (const l of renderItems(e.items)) out.push(l);
  else out.push("  (nothing with a known price)");
  const unknown = e.items.filter((i) => i.monthlyUsd === null);
  out.push("");
  out.push(
    `  TOTAL ${formatUsd(e.monthlyUsd)} USD/month${e.lowerBound ? ` at least: ${unknown.length} item${unknown.length === 1 ? "" : "s"} unknown` : ""}`,
  );
  if (unknown.length > 0) {
    out.push("");
    out.push("Unknown (not in the total):");
    for (const i of unknown) out.push(`  ${i.resource}: ${i.what}: ${i.unknown ?? ""}`);
  }
  if (e.notes.length > 0) {
    out.push("");
    out.push("Notes:");
    for (const n of e.notes) out.push(`  - ${n}`);
  }
  out.push("");
  out.push(
    `Prices seen ${formatSeen(e.pricesSeen)}; each figure's source is in --format json (priceSource). Items are shown to the cent; the total adds the exact amounts.`,
  );
  return `${out.join("\n")}\n`;
}
