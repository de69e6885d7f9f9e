// Rule documentation: every rule has docs/rules/<id>.md with the standard sections, and its
// `bad` example triggers the rule while its `good` example does not. Also checks the registry.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { checkTemplate } from "../src/check.ts";
import { RULES } from "../src/rules/index.ts";

/** The repository root (tests run from dist/test). */
const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const DOCS = join(ROOT, "docs", "rules");
const RULES_SRC = join(ROOT, "src", "rules");

const SECTIONS = ["Rule details", "Examples", "How to fix", "When not to use"] as const;

/** The `## <name>` sections of a page, in order, with their bodies. */
function sections(md: string): { name: string; body: string }[] {
  const out: { name: string; body: string }[] = [];
  let inFence = false;
  for (const line of md.split("\n")) {
    if (line.startsWith("```")) inFence = !inFence;
    const m = !inFence ? /^## (.+?)\s*$/.exec(line) : null;
    if (m?.[1]) out.push({ name: m[1], body: "" });
    else if (out.length > 0) (out[out.length - 1] as { body: string }).body += `${line}\n`;
  }
  return out;
}

/** The fenced blocks of a text: info string and content. */
function fences(md: string): { info: string; code: string }[] {
  return [...md.matchAll(/^```([^\n]*)\n([\s\S]*?)^```[ \t]*$/gm)].map((m) => ({ info: (m[1] ?? "").trim(), code: m[2] ?? "" }));
}

function example(md: string, kind: "bad" | "good"): string {
  const examples = sections(md).find((s) => s.name === "Examples");
  assert.ok(examples, "no ## Examples section");
  const blocks = fences(examples.body).filter((b) => b.info === `yaml ${kind}`);
  assert.equal(blocks.length, 1, `expected exactly one \`\`\`yaml ${kind} block in ## Examples`);
  return (blocks[0] as { code: string }).code;
}

describe("rule registry", () => {
  it("registers every rule file, with meta.id equal to the file name", () => {
    const files = readdirSync(RULES_SRC)
      .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && f !== "define.ts" && f !== "index.ts")
      .map((f) => f.slice(0, -".ts".length))
      .sort();
    assert.deepEqual(RULES.map((r) => r.meta.id).sort(), files);
  });

  it("has unique ids, sorted", () => {
    const ids = RULES.map((r) => r.meta.id);
    assert.equal(new Set(ids).size, ids.length, "duplicate rule ids");
    assert.deepEqual(ids, [...ids].sort());
  });

  it("has RuleTester cases for every rule, test/rules/<id>.test.ts, and each rule's docs is its page", () => {
    for (const { meta } of RULES) {
      assert.ok(existsSync(join(ROOT, "test", "rules", `${meta.id}.test.ts`)), `no test/rules/${meta.id}.test.ts`);
      assert.equal(meta.docs, `docs/rules/${meta.id}.md`);
      assert.ok(existsSync(join(ROOT, meta.docs)), `${meta.docs} does not exist`);
    }
  });

  it("lists every rule in docs/rules/README.md", () => {
    const readme = readFileSync(join(DOCS, "README.md"), "utf8");
    for (const { meta } of RULES) {
      assert.ok(readme.includes(`[${meta.id}](${meta.id}.md)`), `README.md does not link ${meta.id}`);
      const row = readme.split("\n").find((l) => l.includes(`[${meta.id}](${meta.id}.md)`)) ?? "";
      assert.ok(row.includes(meta.severity), `README.md row of ${meta.id} lacks severity ${meta.severity}`);
      assert.ok(row.includes(meta.title), `README.md row of ${meta.id} lacks its title`);
    }
  });
});

describe("rule docs", () => {
  for (const { meta } of RULES) {
    describe(meta.id, () => {
      const path = join(DOCS, `${meta.id}.md`);
      const md = () => readFileSync(path, "utf8");

      it("has a page", () => assert.ok(existsSync(path), `missing docs/rules/${meta.id}.md`));

      it("has the title, the severity and the four sections", () => {
        const text = md();
        const lines = text.split("\n").filter((l) => l.trim() !== "");
        assert.equal(lines[0], `# ${meta.id}`);
        assert.match(lines[1] ?? "", new RegExp(`severity\\W+${meta.severity}\\b`, "i"));
        assert.deepEqual(
          sections(text).map((s) => s.name),
          [...SECTIONS],
        );
        for (const s of sections(text)) assert.ok(s.body.trim() !== "", `empty section ${s.name}`);
      });

      it("bad example triggers the rule", () => {
        const report = checkTemplate(`docs/rules/${meta.id}.md#bad`, example(md(), "bad"));
        const hits = report.findings.filter((f) => f.rule === meta.id);
        assert.ok(hits.length > 0, `no ${meta.id} finding; got ${JSON.stringify(report.findings.map((f) => `${f.rule} ${f.resource}`))}`);
        assert.ok(
          !report.findings.some((f) => f.rule === "internal-rule-error"),
          JSON.stringify(report.findings.filter((f) => f.rule === "internal-rule-error")),
        );
      });

      it("good example does not trigger the rule", () => {
        const report = checkTemplate(`docs/rules/${meta.id}.md#good`, example(md(), "good"));
        const hits = report.findings.filter((f) => f.rule === meta.id || f.rule === "internal-rule-error");
        assert.deepEqual(
          hits.map((f) => `${f.rule} ${f.resource}: ${f.message}`),
          [],
        );
      });
    });
  }
});
