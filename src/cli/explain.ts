// `lambda-egress explain RULE|CODE`: what a finding's rule or an explanation code means, what AWS does there, and the
// fix, from the rule's documentation page and the code table; without an argument, the list of both.
import { CODES, DIAGNOSTIC_CODES } from "../aws/codes.ts";
import { readRuleDocs } from "../findings/docs.ts";
import { closest } from "../report/suggest.ts";
import { RULES } from "../rules/index.ts";
import { parseArgs } from "./args.ts";
import { EXPLAIN_HELP } from "./help.ts";
import type { Io } from "./main.ts";
import { UsageError } from "../errors.ts";

/** AWS's page of Reachability Analyzer's explanation codes. */
const RA_CODES_PAGE = "https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html";

/** A page's Markdown as terminal text: links between rule pages as the rule's name, code spans as they read. */
function plainMarkdown(md: string): string {
  return md
    .replace(/\[([^\]]+)\]\([a-z0-9-]+\.md(#[^)]*)?\)/g, "$1")
    .replace(/`([^`\n]*)`/g, "$1")
    .replace(/\*\*([^*]+)\*\*/g, "$1")
    .replace(/\*([^*\n]+)\*/g, "$1");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((l) => (l === "" ? "" : `  ${l}`))
    .join("\n");
}

/** Runs `explain` with the arguments after the command name: 0 (a name it does not know is a usage error, exit 2). */
export function runExplain(args: readonly string[], io: Io): number {
  const { values, positionals } = parse(args);
  if (values.help) {
    io.stdout.write(EXPLAIN_HELP);
    return 0;
  }
  if (positionals.length > 1) throw new UsageError(`explain takes one rule or code, not ${positionals.length}`);
  const name = positionals[0];
  if (name === undefined) {
    io.stdout.write(listing());
    return 0;
  }
  const text = explain(name);
  if (text === undefined) {
    const names = [...RULES.map((r) => r.meta.id), ...Object.keys(CODES), ...Object.keys(DIAGNOSTIC_CODES)];
    const near = closest(name, names);
    throw new UsageError(`no rule or code ${JSON.stringify(name)}${near ? ` (did you mean ${near}?)` : ""}`, {
      hint: "lambda-egress explain lists the rules and codes",
    });
  }
  io.stdout.write(text);
  return 0;
}

function parse(args: readonly string[]) {
  return parseArgs(
    { args: [...args], allowPositionals: true, strict: true, options: { help: { type: "boolean", short: "h" } } },
    "explain",
  );
}

/** The explanation of a rule id or a code (any case), or undefined. */
export function explain(name: string): string | undefined {
  const rule = RULES.find((r) => r.meta.id === name.toLowerCase());
  if (rule) {
    const doc = readRuleDocs([rule.meta.id]).get(rule.meta.id);
    const out = [`${rule.meta.id}: ${rule.meta.title}`, `A rule of lambda-egress check; severity ${rule.meta.severity}.`, ""];
    if (doc) {
      out.push("What it reports, and why", indent(plainMarkdown(doc.details)), "");
      out.push("How to fix", indent(plainMarkdown(doc.fix)), "");
      if (doc.whenNotToUse) out.push("When not to use", indent(plainMarkdown(doc.whenNotToUse)), "");
    }
    out.push(
      `Suppress it on a resource with Metadata: { lambda-egress: { ignore: [${rule.meta.id}] } }, or with --ignore ${rule.meta.id}.`,
    );
    return `${out.join("\n")}\n`;
  }
  const upper = name.toUpperCase();
  if (Object.hasOwn(CODES, upper)) {
    const c = CODES[upper as keyof typeof CODES];
    const source = c.fromReachabilityAnalyzer
      ? `AWS Reachability Analyzer reports this code with the same meaning (${RA_CODES_PAGE}).`
      : "A code of lambda-egress, in the style of AWS Reachability Analyzer's, for a case Reachability Analyzer has no code for.";
    return `${upper}: an explanation code of a verdict (check, trace)\n\nMeaning\n${indent(c.meaning)}\n\nAWS\n${indent(source)}\n\nFix\n${indent(c.fix)}\n`;
  }
  if (Object.hasOwn(DIAGNOSTIC_CODES, upper)) {
    const c = DIAGNOSTIC_CODES[upper as keyof typeof DIAGNOSTIC_CODES];
    return `${upper}: a diagnostic about the input (a template, plan, cloud assembly or snapshot)\n\nMeaning\n${indent(c.meaning)}\n\nFix\n${indent(c.fix)}\n`;
  }
  return undefined;
}

function listing(): string {
  const width = Math.max(...RULES.map((r) => r.meta.id.length), ...Object.keys(CODES).map((c) => c.length)) + 2;
  const out = ["Rules (findings of check):"];
  for (const r of RULES) out.push(`  ${r.meta.id.padEnd(width)}${r.meta.severity.padEnd(9)}${r.meta.title}`);
  out.push("", "Explanation codes (verdicts of check and trace):");
  for (const [code, c] of Object.entries(CODES))
    out.push(`  ${code.padEnd(width)}${c.fromReachabilityAnalyzer ? "AWS      " : "         "}${firstSentence(c.meaning)}`);
  out.push("", "Diagnostic codes (about the input: templates, plans, cloud assemblies, snapshots):");
  for (const [code, c] of Object.entries(DIAGNOSTIC_CODES)) out.push(`  ${code.padEnd(width)}         ${firstSentence(c.meaning)}`);
  out.push("", "AWS: the code of AWS Reachability Analyzer with the same meaning. 'lambda-egress explain NAME' explains one.");
  return `${out.join("\n")}\n`;
}

function firstSentence(s: string): string {
  const m = /^(.*?[.:])(\s|$)/.exec(s);
  return m?.[1] ?? s;
}
