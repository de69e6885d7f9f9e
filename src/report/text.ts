// Text report: what a person reads at a glance. Pure; colour only when asked for.
import { styleText } from "node:util";
import type { FunctionReport, SubnetReport, SubnetView } from "../analyze/analysis.ts";
import type { Egress, ReachResult } from "../analyze/reach.ts";
import type { CheckReport } from "../check.ts";
import type { IntentResult } from "../intents/evaluate.ts";
import { formatLocation } from "../load/errors.ts";
import type { Location } from "../model/types.ts";
import { escapeStrings } from "./escape.ts";
import { atOrAbove } from "../findings/severity.ts";

export interface TextOptions {
  readonly color: boolean;
  /** Show info diagnostics one by one (else only their count). */
  readonly verbose?: boolean;
}

type Style = "red" | "green" | "yellow" | "bold" | "dim" | "cyan";

/**
 * Text in a style (ANSI escape codes) when `color`. Whether to colour is decided once, by the CLI (--no-color, NO_COLOR,
 * FORCE_COLOR, a terminal): styleText is told not to look at process.stdout itself (validateStream: false), so the
 * report stays a pure function of its options.
 */
export function painter(color: boolean): (style: Style, s: string) => string {
  return color ? (style, s) => styleText(style, s, { validateStream: false }) : (_style, s) => s;
}

export function renderText(checked: CheckReport, opts: TextOptions): string {
  // Template text (logical ids, values in messages, file names) is shown with its control characters escaped.
  const report = escapeStrings(checked);
  const paint = painter(opts.color);
  const verdictStyle = (v: string): Style => (v === "reachable" ? "green" : v === "unknown" ? "yellow" : "red");
  const out: string[] = [];
  const rel = (loc: Location | undefined) => (loc ? formatLocation(loc) : "");

  for (const file of report.files) {
    const fns = report.functions.filter((f) => f.file === file);
    const stack = report.stacks?.find((st) => st.file === file);
    out.push(
      paint("bold", `${file}`) + paint("dim", stack ? `  (stack ${stack.stack}, region ${stack.region})` : `  (region ${report.region})`),
    );
    out.push("");
    if (fns.length === 0) {
      const views = report.subnets.filter((s) => s.file === file);
      out.push("No Lambda functions in this template.");
      if (views.length > 0) {
        out.push("What a function placed in each subnet would reach (with an allow-all security group):");
        for (const v of views) for (const l of subnetViewLines(v, paint, verdictStyle)) out.push(l);
      }
      out.push("");
    }
    for (const fn of fns) {
      for (const l of functionLines(fn, paint, verdictStyle)) out.push(l);
      out.push("");
    }
  }

  const findings = report.findings;
  if (findings.length > 0) {
    out.push(paint("bold", "Findings"));
    for (const f of findings) {
      const sev =
        f.severity === "error" ? paint("red", "error  ") : f.severity === "warning" ? paint("yellow", "warning") : paint("cyan", "info   ");
      out.push(`  ${sev}  ${paint("bold", f.rule)}  ${f.resource}  ${paint("dim", rel(f.location))}`);
      out.push(`           ${f.message}`);
      out.push(`           ${paint("dim", "fix:")} ${f.fix}`);
    }
    out.push("");
  }

  const suppressed = report.suppressed ?? [];
  if (suppressed.length > 0) {
    out.push(paint("bold", "Suppressed") + paint("dim", "  (accepted: not counted, not failing)"));
    for (const f of suppressed)
      out.push(`  ${f.severity.padEnd(7)}  ${f.rule}  ${f.resource}  ${paint("dim", f.suppression.justification)}`);
    out.push("");
  }

  const shown = report.diagnostics.filter((d) => opts.verbose || atOrAbove(d.severity, "warning"));
  const hidden = report.diagnostics.length - shown.length;
  if (shown.length > 0 || hidden > 0) {
    out.push(paint("bold", "Diagnostics"));
    for (const d of shown) {
      out.push(`  ${d.severity.padEnd(7)}  ${d.code}  ${paint("dim", rel(d.location))}  ${d.message}`);
      if (d.fix) out.push(`           ${paint("dim", "fix:")} ${d.fix}`);
    }
    if (hidden > 0)
      out.push(paint("dim", `  ${hidden} info diagnostic${hidden > 1 ? "s" : ""} (resources not modelled yet); --verbose shows them`));
    out.push("");
  }

  if (report.intents) {
    for (const l of intentLines(report.intents, paint, verdictStyle)) out.push(l);
    out.push("");
  }

  const count = (sev: string) => findings.filter((f) => f.severity === sev).length;
  // Error diagnostics (a template AWS rejects) count as errors, and are named as such.
  const rejected = report.diagnostics.filter((d) => d.severity === "error").length;
  const e = count("error") + rejected;
  const w = count("warning");
  const n = report.functions.length;
  const errors = `${e} error${e === 1 ? "" : "s"}${rejected > 0 ? ` (${rejected} in the template: AWS rejects it)` : ""}`;
  out.push(
    `${e > 0 ? paint("red", errors) : "0 errors"}, ${w} warning${w === 1 ? "" : "s"}` +
      ` in ${n} function${n === 1 ? "" : "s"} (${report.files.length} file${report.files.length === 1 ? "" : "s"})` +
      (report.intents ? `; ${intentCount(report.intents, paint)}` : ""),
  );
  return `${out.join("\n")}\n`;
}

type Paint = (style: Style, s: string) => string;

export function egressText(e: readonly Egress[]): string {
  return e
    .map((x) => `via ${x.via}${x.publicIp ? ` ${x.publicIp}` : x.eip ? ` (EIP ${x.eip})` : " (public IP assigned at launch)"}`)
    .join(", ");
}

/** A reachable verdict in a few words: the NATs and addresses, else the road (an endpoint, an egress-only gateway). */
function reachableText(r: ReachResult): string {
  return r.egress.length > 0 ? egressText(r.egress) : r.reason;
}

function resultLines(r: ReachResult, indent: string, paint: Paint): string[] {
  if (r.verdict === "reachable") return [];
  const lines: string[] = [];
  const block = [...r.trace].reverse().find((h) => h.action === "drop" || h.action === "deny" || h.action === "unknown");
  if (block)
    lines.push(
      `${indent}${paint("dim", "at ")}  ${block.component}: ${block.detail}${r.location ? paint("dim", `  (${formatLocation(r.location)})`) : ""}`,
    );
  lines.push(`${indent}${paint("dim", "why")}  ${r.reason}`);
  if (r.fix) lines.push(`${indent}${paint("dim", "fix")}  ${r.fix}`);
  // Every further blocker on the road (each found assuming the ones before it fixed), with its own fix.
  for (const b of r.blockers?.slice(1) ?? []) {
    lines.push(
      `${indent}${paint("dim", "and")}  ${b.component}: ${b.code}, ${b.reason}${b.location ? paint("dim", `  (${formatLocation(b.location)})`) : ""}`,
    );
    if (b.fix) lines.push(`${indent}${paint("dim", "fix")}  ${b.fix}`);
  }
  return lines;
}

function functionLines(fn: FunctionReport, paint: Paint, vs: (v: string) => Style): string[] {
  const lines: string[] = [];
  const where = fn.inVpc
    ? fn.vpc
      ? `vpc ${fn.vpc}${fn.vpcName !== undefined ? ` (${fn.vpcName})` : ""}, ${fn.subnets.length} subnet${fn.subnets.length === 1 ? "" : "s"}`
      : "in a VPC"
    : "not in a VPC";
  lines.push(`${paint("bold", `Function ${fn.id}`)}  ${paint("dim", `${where}  ${formatLocation(fn.location)}`)}`);
  if (!fn.inVpc) {
    for (const [dest, s] of Object.entries(fn.summary)) {
      lines.push(
        `  ${dest.padEnd(12)} ${paint(vs(s), s)}  ${paint("dim", "through Lambda's own network (the function is not attached to a VPC)")}`,
      );
    }
    return lines;
  }
  if (fn.reason) {
    // The subnets are not known; what the function's own security groups decide alone is shown with its reason.
    const decided = (dest: string) => fn.subnets[0]?.destinations.find((d) => d.to === dest && d.verdict !== "unknown");
    for (const [dest, s] of Object.entries(fn.summary)) {
      const r = decided(dest);
      lines.push(`  ${dest.padEnd(12)} ${paint(vs(s), s)}${r?.code ? `  ${r.code}` : ""}`);
      if (r) lines.push(...resultLines(r, "      ", paint));
    }
    lines.push(`    ${paint("dim", "why")}  ${fn.reason}`);
    return lines;
  }
  // A deployed subnet is shown with its Name tag, and its AZ with the AZ id (the same zone in every account).
  const subnetLabel = (s: SubnetReport) => (s.name !== undefined ? `${s.subnet} (${s.name})` : s.subnet);
  const azLabel = (s: SubnetReport) => (s.azId !== undefined ? `${s.az ?? "?"} (${s.azId})` : (s.az ?? "?"));
  const width = fn.subnets.reduce((w, s) => Math.max(w, subnetLabel(s).length), 6);
  const azWidth = fn.subnets.reduce((w, s) => Math.max(w, azLabel(s).length + 1), 16);
  // Each subnet's results by destination, found once (a search per destination is quadratic in --expect's destinations).
  const results = fn.subnets.map((sub) => new Map(sub.destinations.map((d) => [d.to, d])));
  const needs = new Map((fn.needs ?? []).map((n) => [n.to, n]));
  for (const [dest, s] of Object.entries(fn.summary)) {
    const label = s === "partial" ? "partial (works from some subnets only: intermittent failures)" : s;
    lines.push(`  ${dest.padEnd(12)} ${paint(vs(s === "partial" ? "unreachable" : s), label)}`);
    const need = needs.get(dest);
    if (need) lines.push(`    ${paint("dim", "because")} ${need.because}${paint("dim", `  (${formatLocation(need.location)})`)}`);
    const egress: Egress[] = [];
    for (const [k, sub] of fn.subnets.entries()) {
      const r = results[k]?.get(dest);
      if (!r) continue;
      for (const e of r.egress) if (!egress.some((x) => x.via === e.via)) egress.push(e);
      const detail = r.verdict === "reachable" ? reachableText(r) : (r.code ?? "");
      lines.push(
        `    ${subnetLabel(sub).padEnd(width)}  ${azLabel(sub).padEnd(azWidth)} ${paint(vs(r.verdict), r.verdict.padEnd(11))}  ${detail}`,
      );
      for (const l of resultLines(r, "      ", paint)) lines.push(l);
    }
    const ips = egress.map((e) => e.publicIp ?? e.eip).filter((x): x is string => x !== null);
    if (ips.length > 0 && s !== "unreachable") lines.push(`    ${paint("dim", "egress IPs to allowlist:")} ${ips.join(", ")}`);
  }
  return lines;
}

function subnetViewLines(v: SubnetView, paint: Paint, vs: (v: string) => Style): string[] {
  const lines: string[] = [];
  for (const r of v.destinations) {
    const detail = r.verdict === "reachable" ? reachableText(r) : (r.code ?? "");
    lines.push(
      `  ${v.subnet.padEnd(24)} ${(v.az ?? "?").padEnd(16)} ${r.to.padEnd(12)} ${paint(vs(r.verdict), r.verdict.padEnd(11))}  ${detail}`,
    );
  }
  return lines;
}

function intentCount(intents: readonly IntentResult[], paint: Paint): string {
  const broken = intents.filter((i) => !i.held).length;
  const held = intents.length - broken;
  return `intents: ${held} held, ${broken > 0 ? paint("red", `${broken} broken`) : "0 broken"}`;
}

/** What the network does, in the intent's terms; for egressIps also the paths without a fixed address. */
function actualShown(i: IntentResult): string | readonly string[] {
  if (typeof i.actual === "string") return i.actual;
  const loose = new Set<string>();
  for (const e of i.evidence) for (const x of e.egress) if (x.publicIp === null && x.eip === null) loose.add(`${x.via}: no fixed address`);
  const all = [...i.actual, ...loose];
  return all.length > 0 ? all : "none";
}

/** An intent's value as it is written in the intents file. */
function intentValue(v: string | readonly string[]): string {
  return typeof v === "string" ? v : `[${v.join(", ")}]`;
}

/** Held intents on one line each; a broken one as a diff (expected, actual) with the evidence per subnet. */
export function intentLines(intents: readonly IntentResult[], paint: Paint, vs: (v: string) => Style): string[] {
  const file = intents[0]?.location.file;
  const lines: string[] = [paint("bold", "Intents") + (file ? paint("dim", `  ${file}`) : "")];
  const width = intents.reduce((w, i) => Math.max(w, i.function.length), 8);
  for (const i of intents) {
    const what = `${i.intent}: ${intentValue(i.expected)}`;
    if (i.held) {
      const shown = i.intent === "egressIps" && typeof i.actual !== "string" ? `  ${paint("dim", `(in use: ${i.actual.join(", ")})`)}` : "";
      lines.push(`  ${paint("green", "held  ")}  ${i.function.padEnd(width)}  ${what}${shown}`);
      continue;
    }
    lines.push(`  ${paint("red", "BROKEN")}  ${i.function.padEnd(width)}  ${what}  ${paint("dim", formatLocation(i.location))}`);
    lines.push(`    - ${i.intent}: ${intentValue(i.expected)}`);
    lines.push(`    + ${i.intent}: ${paint("red", intentValue(actualShown(i)))}`);
    if (i.reason) lines.push(`      ${i.reason}`);
    const sw = i.evidence.reduce((w, e) => Math.max(w, e.subnet.length), 6);
    for (const e of i.evidence) {
      const detail = e.verdict === "reachable" ? egressText(e.egress) : (e.code ?? "");
      lines.push(`      ${e.subnet.padEnd(sw)}  ${(e.az ?? "?").padEnd(12)} ${paint(vs(e.verdict), e.verdict.padEnd(11))}  ${detail}`);
      if (e.at) {
        const where = e.location ? paint("dim", `  (${formatLocation(e.location)})`) : "";
        lines.push(`        ${paint("dim", "at ")}  ${e.at.component}: ${e.at.detail}${where}`);
      }
      if ((e.verdict !== "reachable" || i.intent === "egressIps") && !i.reason?.includes(e.reason))
        lines.push(`        ${paint("dim", "why")}  ${e.reason}`);
      if (e.fix && e.verdict !== "reachable") lines.push(`        ${paint("dim", "fix")}  ${e.fix}`);
    }
  }
  return lines;
}
