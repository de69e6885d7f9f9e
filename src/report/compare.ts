// The `cost --compare` report, text and JSON. Pure.
import type { Comparison } from "../cost/compare.ts";
import { formatUsd } from "../cost/estimate.ts";
import { COST_SCHEMA_VERSION, costJson, formatSeen } from "./cost.ts";
import { escapeStrings, jsonText } from "./escape.ts";

export function renderCompareJson(c: Comparison): string {
  const j = {
    schemaVersion: COST_SCHEMA_VERSION,
    region: c.region,
    needs: c.needs,
    current: costJson(c.current),
    designs: c.designs.map((d) => ({
      pattern: d.pattern,
      endpoints: d.endpoints,
      monthlyUsd: d.estimate.monthlyUsd,
      lowerBound: d.estimate.lowerBound,
      meetsNeeds: d.meetsNeeds,
      givesUp: d.givesUp,
      items: costJson(d.estimate).items,
      pricesSeen: d.estimate.pricesSeen,
    })),
    breakEven: c.breakEven,
    notes: c.notes,
  };
  return `${jsonText(j, 2)}\n`;
}

const usd = (n: number, lower: boolean) => `${formatUsd(n)}${lower ? "+" : " "}`;

export function renderCompareText(comparison: Comparison, fileName: string): string {
  // Template text (logical ids, file names) is shown with its control characters escaped.
  const c = escapeStrings(comparison);
  const file = escapeStrings(fileName);
  const n = c.needs;
  const out: string[] = [];
  const needs = [
    n.internet ? `internet${n.fixedEgressIps ? " from fixed egress IPs" : ""}` : "no internet",
    ...n.services.map((s) => `aws:${s}`),
  ].join(", ");
  out.push(
    `${file}: what ${n.functions.length === 1 ? "its function needs" : `its ${n.functions.length} functions need`}: ${needs}; ${n.azs} AZ${n.azs === 1 ? "" : "s"}; region ${c.region}`,
  );
  out.push(`  this template: ${formatUsd(c.current.monthlyUsd)}${c.current.lowerBound ? "+" : ""} USD/month`);
  out.push("");
  const names = c.designs.map((d) =>
    d.pattern === "endpoints"
      ? `endpoints: ${d.endpoints.join(", ")}`
      : `${d.pattern}${d.endpoints.length > 0 ? ` + ${d.endpoints.join(", ")} endpoint${d.endpoints.length === 1 ? "" : "s"}` : ""}`,
  );
  const w = names.reduce((m, s) => Math.max(m, s.length), 6);
  out.push(`  ${"DESIGN".padEnd(w)}  ${"USD/MONTH".padStart(10)}  GIVES UP`);
  c.designs.forEach((d, i) => {
    const gives = d.givesUp.length > 0 ? d.givesUp.join("; ") : "nothing";
    out.push(
      `  ${(names[i] ?? "").padEnd(w)}  ${usd(d.estimate.monthlyUsd, d.estimate.lowerBound).padStart(10)}  ${gives}${d.meetsNeeds ? "" : " [does not meet the need]"}`,
    );
  });
  if (c.designs.some((d) => d.estimate.lowerBound))
    out.push("  (+: at least; an item is unknown, e.g. a NAT instance's root volume from its AMI)");
  if (c.breakEven.length > 0) {
    out.push("");
    out.push("Break-even, interface endpoint vs NAT gateway (GB per month of the service's traffic):");
    for (const b of c.breakEven) out.push(`  ${b.service}: ${b.gbPerMonth === null ? "none" : b.gbPerMonth} (${b.detail})`);
  }
  out.push("");
  out.push("Notes:");
  for (const note of [...c.notes, ...c.current.notes]) out.push(`  - ${note}`);
  out.push("");
  out.push(`Prices seen ${formatSeen(c.current.pricesSeen)}; each figure's source is in --format json (priceSource).`);
  return `${out.join("\n")}\n`;
}
