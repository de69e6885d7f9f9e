// Markdown report (`check --format markdown`): a GitHub-flavoured summary for a pull request comment or
// $GITHUB_STEP_SUMMARY. A table of functions by destinations first, then the findings, the details folded. Pure and
// deterministic. Text from the template (ids, messages) is escaped: it cannot close a table cell, open HTML or a link.
import type { FunctionReport } from "../analyze/analysis.ts";
import type { Egress } from "../analyze/reach.ts";
import type { CheckReport } from "../check.ts";
import { formatLocation } from "../load/errors.ts";
import { escapeStrings } from "./escape.ts";
import { atOrAbove } from "../findings/severity.ts";

const MARK: Record<string, string> = { reachable: "✅", partial: "⚠️", unreachable: "❌", unknown: "❔" };

/** Text as Markdown that shows it literally, on one line (table cells, list items). */
export function md(s: string): string {
  return s
    .replace(/\s*\n\s*/g, " ")
    .replace(/[\\`*_[\]|~]/g, "\\$&")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/** Inline code for an id (backticks inside are dropped: an id never needs them). */
function code(s: string): string {
  const t = s
    .replace(/`/g, "'")
    .replace(/\s*\n\s*/g, " ")
    .replace(/\|/g, "\\|");
  return `\`${t}\``;
}

function verdictCell(v: string | undefined): string {
  return v === undefined ? "—" : `${MARK[v] ?? ""} ${v}`;
}

function ipsOf(fn: FunctionReport, dest: string): string[] {
  const seen: Egress[] = [];
  for (const s of fn.subnets)
    for (const r of s.destinations) if (r.to === dest) for (const e of r.egress) if (!seen.some((x) => x.via === e.via)) seen.push(e);
  return seen.map((e) => e.publicIp ?? e.eip).filter((x): x is string => x !== null);
}

export function renderMarkdown(checked: CheckReport): string {
  const report = escapeStrings(checked);
  const out: string[] = [];
  const errors =
    report.findings.filter((f) => f.severity === "error").length + report.diagnostics.filter((d) => d.severity === "error").length;
  const warnings = report.findings.filter((f) => f.severity === "warning").length;
  const broken = report.intents?.filter((i) => !i.held).length ?? 0;
  const ok = errors === 0 && broken === 0;
  const n = report.functions.length;
  out.push("## lambda-egress check", "");
  out.push(
    `${ok ? "✅" : "❌"} **${errors} error${errors === 1 ? "" : "s"}**, ${warnings} warning${warnings === 1 ? "" : "s"}` +
      ` in ${n} function${n === 1 ? "" : "s"} (${report.files.map(code).join(", ")})` +
      (report.intents ? `; intents: ${report.intents.length - broken} held, ${broken} broken` : "") +
      (report.suppressed?.length ? `; ${report.suppressed.length} suppressed` : ""),
    "",
  );

  if (n > 0) {
    const dests: string[] = [];
    for (const fn of report.functions) for (const d of Object.keys(fn.summary)) if (!dests.includes(d)) dests.push(d);
    out.push(`| Function | ${dests.map(code).join(" | ")} | Egress IPs to allowlist |`);
    out.push(`|---|${dests.map(() => "---").join("|")}|---|`);
    for (const fn of report.functions) {
      const ips = fn.summary.internet !== undefined && fn.summary.internet !== "unreachable" ? ipsOf(fn, "internet") : [];
      const where = fn.inVpc ? "" : " (not in a VPC)";
      out.push(
        `| ${code(fn.id)}${where} | ${dests.map((d) => verdictCell(fn.summary[d])).join(" | ")} | ${ips.length > 0 ? ips.map(code).join(", ") : "—"} |`,
      );
    }
    out.push("");
  }

  if (report.findings.length > 0) {
    out.push("### Findings", "");
    out.push("| Severity | Rule | Resource | Where | Message |", "|---|---|---|---|---|");
    for (const f of report.findings) {
      const sev = f.severity === "error" ? "❌ error" : f.severity === "warning" ? "⚠️ warning" : "ℹ️ info";
      out.push(
        `| ${sev} | ${code(f.rule)} | ${code(f.resource)} | ${code(formatLocation(f.location))} | ${md(/[.!?]$/.test(f.message) ? f.message : `${f.message}.`)} Fix: ${md(f.fix)} |`,
      );
    }
    out.push("");
  }

  const shown = report.diagnostics.filter((d) => atOrAbove(d.severity, "warning"));
  if (shown.length > 0) {
    out.push("<details><summary>Diagnostics (" + shown.length + ")</summary>", "");
    for (const d of shown) out.push(`- **${d.severity}** ${code(d.code)} ${code(formatLocation(d.location))}: ${md(d.message)}`);
    out.push("", "</details>", "");
  }

  if (report.suppressed && report.suppressed.length > 0) {
    out.push(`<details><summary>Suppressed findings (${report.suppressed.length})</summary>`, "");
    for (const f of report.suppressed)
      out.push(
        `- ${f.severity} ${code(f.rule)} on ${code(f.resource)}: ${md(f.message)} (${f.suppression.kind}: ${md(f.suppression.justification)})`,
      );
    out.push("", "</details>", "");
  }

  if (report.intents && report.intents.length > 0) {
    out.push("### Intents", "", "| | Function | Intent | Actual |", "|---|---|---|---|");
    for (const i of report.intents) {
      const v = (x: string | readonly string[]) => (typeof x === "string" ? x : `[${x.join(", ")}]`);
      out.push(
        `| ${i.held ? "✅ held" : "❌ broken"} | ${code(i.function)} | ${md(`${i.intent}: ${v(i.expected)}`)} | ${md(v(i.actual))} |`,
      );
    }
    out.push("");
  }

  for (const fn of report.functions) {
    if (!fn.inVpc || fn.subnets.length === 0) continue;
    out.push(`<details><summary>${md(fn.id)}: by subnet</summary>`, "");
    out.push("| Subnet | AZ | Destination | Verdict | Via / why | Fix |", "|---|---|---|---|---|---|");
    for (const s of fn.subnets)
      for (const r of s.destinations) {
        const via =
          r.verdict === "reachable"
            ? r.egress.length > 0
              ? r.egress.map((e) => `${md(e.via)}${e.publicIp ? ` ${md(e.publicIp)}` : e.eip ? ` (EIP ${md(e.eip)})` : ""}`).join(", ")
              : md(r.reason)
            : `${r.code ? `${code(r.code)} ` : ""}${md(r.reason)}`;
        out.push(
          `| ${code(s.subnet)} | ${md(s.az ?? "?")} | ${code(r.to)} | ${verdictCell(r.verdict)} | ${via} | ${r.verdict !== "reachable" && r.fix ? md(r.fix) : ""} |`,
        );
      }
    if (fn.reason) out.push("", md(fn.reason));
    out.push("", "</details>", "");
  }
  return `${out.join("\n").replace(/\n+$/, "")}\n`;
}
