// The rule pages (docs/rules/<id>.md, shipped in the package) as text the reports and `explain` show: what the rule
// reports and why, how to fix it, when not to use it. One place reads them; the page is the one source of a rule's help.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ruleDocsPath } from "../rules/define.ts";

export interface RuleDoc {
  readonly id: string;
  /** The first paragraph of "Rule details": what the rule reports. */
  readonly summary: string;
  /** The whole "Rule details" section (Markdown). */
  readonly details: string;
  /** The "How to fix" section (Markdown). */
  readonly fix: string;
  /** The "When not to use" section (Markdown), or "". */
  readonly whenNotToUse: string;
}

/** The `## NAME` sections of a page (fenced code blocks are not headings), trimmed. */
function sections(md: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | undefined;
  let body: string[] = [];
  let inFence = false;
  const flush = () => {
    if (name !== undefined) out.set(name, body.join("\n").trim());
  };
  for (const line of md.split("\n")) {
    if (line.startsWith("```")) inFence = !inFence;
    const m = inFence ? null : /^## (.+?)\s*$/.exec(line);
    if (m?.[1]) {
      flush();
      name = m[1];
      body = [];
    } else body.push(line);
  }
  flush();
  return out;
}

/** A rule page's text, parsed. Pure. */
export function parseRuleDoc(id: string, md: string): RuleDoc {
  const s = sections(md.replace(/\r\n/g, "\n"));
  const details = s.get("Rule details") ?? "";
  const summary = (details.split(/\n\s*\n/)[0] ?? "").replace(/\s*\n\s*/g, " ").trim();
  return { id, summary, details, fix: s.get("How to fix") ?? "", whenNotToUse: s.get("When not to use") ?? "" };
}

/** The directory of the rule pages: docs/rules beside the package's bin/ and dist/ (found from the bundle or a compiled module). */
export function ruleDocsDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++, dir = dirname(dir))
    if (existsSync(join(dir, "docs", "rules", "README.md"))) return join(dir, "docs", "rules");
  return undefined;
}

/** The pages of the rules named, those that exist (a rule without a page gets no help text). */
export function readRuleDocs(ids: readonly string[], dir = ruleDocsDir()): Map<string, RuleDoc> {
  const out = new Map<string, RuleDoc>();
  if (dir === undefined) return out;
  for (const id of ids) {
    if (!/^[a-z0-9-]+$/.test(id)) continue;
    const path = join(dir, "..", "..", ruleDocsPath(id));
    if (existsSync(path)) out.set(id, parseRuleDoc(id, readFileSync(path, "utf8")));
  }
  return out;
}
