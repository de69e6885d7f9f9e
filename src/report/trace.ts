// `trace` output: one line per hop (step, kind, component, rule matched, action, location),
// then the verdict with its code, reason, fix and egress. Pure; colour only when asked for.
import { formatLocation } from "../load/errors.ts";
import type { Trace, TraceReport } from "../trace.ts";
import { escapeStrings, jsonText } from "./escape.ts";
import { egressText, painter } from "./text.ts";

export interface TraceTextOptions {
  readonly color: boolean;
}

export function renderTraceJson(report: TraceReport): string {
  return `${jsonText(report, 2)}\n`;
}

export function renderTraceText(traced: TraceReport, opts: TraceTextOptions): string {
  // Template text (logical ids, values, file names) is shown with its control characters escaped.
  const report = escapeStrings(traced);
  const paint = painter(opts.color);
  const bold = (s: string) => paint("bold", s);
  const dim = (s: string) => paint("dim", s);
  const verdict = (v: string) => paint(v === "reachable" ? "green" : v === "unknown" ? "yellow" : "red", v);
  const action = (a: string) => (a === "deny" || a === "drop" ? paint("red", a) : a === "unknown" ? paint("yellow", a) : a);
  const out: string[] = [];
  for (const t of report.traces) {
    out.push(bold(`${report.function}${from(t)} -> ${t.to}`));
    const rows = t.hops.map((h) => ({
      step: String(h.step),
      kind: h.kind,
      component: h.component,
      rule: h.rule ?? h.detail,
      action: h.action,
      where: h.location ? formatLocation(h.location) : "",
      // The detail where the rule alone does not say it: which leg a NACL hop is, why a hop is open.
      detail: h.rule && (h.kind === "network-acl" || h.action === "unknown") ? h.detail : "",
    }));
    const w = (k: keyof (typeof rows)[number]) => rows.reduce((m, r) => Math.max(m, r[k].length), 0);
    const [ws, wk, wc, wr, wa, ww] = [w("step"), w("kind"), w("component"), w("rule"), w("action"), w("where")];
    for (const r of rows) {
      const cols = [
        r.step.padStart(ws + 2),
        r.kind.padEnd(wk),
        r.component.padEnd(wc),
        r.rule.padEnd(wr),
        action(r.action) + " ".repeat(wa - r.action.length),
        r.detail ? dim(r.where.padEnd(ww)) : dim(r.where),
      ];
      out.push(`${cols.join("  ")}${r.detail ? `  ${dim(r.detail)}` : ""}`.trimEnd());
    }
    if (t.hops.length === 0) out.push(dim("  (no hops)"));
    out.push(`  ${verdict(t.verdict)}${t.code ? `  ${t.code}` : ""}`);
    if (t.verdict === "reachable") {
      if (t.egress.length > 0) out.push(`    ${dim("egress")}  ${egressText(t.egress)}`);
      else out.push(`    ${dim("why")}     ${t.reason}`);
    } else {
      out.push(`    ${dim("why")}     ${t.reason}`);
      if (t.location) out.push(`    ${dim("at")}      ${formatLocation(t.location)}`);
      if (t.fix) out.push(`    ${dim("fix")}     ${t.fix}`);
      // Every further blocker on the road (each found assuming the ones before it fixed), with its own fix.
      for (const b of t.blockers?.slice(1) ?? []) {
        out.push(`    ${dim("and")}     ${b.component}: ${b.code}, ${b.reason}`);
        if (b.location) out.push(`    ${dim("at")}      ${formatLocation(b.location)}`);
        if (b.fix) out.push(`    ${dim("fix")}     ${b.fix}`);
      }
    }
    out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}

function from(t: Trace): string {
  if (t.subnet === null) return "";
  return ` from ${t.subnet}${t.az ? ` (${t.az})` : ""}`;
}
