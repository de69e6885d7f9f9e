// Diagnostic codes (src/aws/codes.ts DIAGNOSTIC_CODES): every code a loader or check gives a diagnostic is in the
// list, documented, and explained by `lambda-egress explain CODE`; no entry of the list is one nothing gives.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { CODES, DIAGNOSTIC_CODES } from "../src/aws/codes.ts";
import { explain } from "../src/cli/explain.ts";
import { runCli } from "./support/cli-helpers.ts";
import { ROOT } from "./support/helpers.ts";

/** Every .ts file under src/, with its text. */
function sources(dir = join(ROOT, "src")): { file: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? sources(join(dir, e.name))
      : e.name.endsWith(".ts")
        ? [{ file: join(dir, e.name).slice(ROOT.length + 1), text: readFileSync(join(dir, e.name), "utf8") }]
        : [],
  );
}

const CODE = String.raw`"([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)"`;
/** Where a code is given: a `report("CODE"` call, a `code: "CODE"` property, a `..._CODE = "CODE"` constant. */
const GIVEN = [
  new RegExp(String.raw`report\(\s*${CODE}`, "g"),
  new RegExp(String.raw`\bcode:\s*${CODE}`, "g"),
  new RegExp(String.raw`_CODE = ${CODE}`, "g"),
];
/** The codes of errors thrown (LoadError, OutputError and the rest of the error model, exit 2), which are not diagnostics. */
const THROWN = new RegExp(String.raw`new [A-Z]\w*Error\(\s*${CODE}`, "g");

const files = sources().filter((f) => f.file !== join("src", "aws", "codes.ts"));

describe("diagnostic codes", () => {
  it("every code given in src/ is a diagnostic code (or an explanation code, or a fatal error's)", () => {
    const thrown = new Set(files.flatMap((f) => [...f.text.matchAll(THROWN)].map((m) => m[1] as string)));
    const missing: string[] = [];
    for (const { file, text } of files) {
      for (const re of GIVEN) {
        for (const m of text.matchAll(re)) {
          const code = m[1] as string;
          if (Object.hasOwn(DIAGNOSTIC_CODES, code) || Object.hasOwn(CODES, code) || thrown.has(code)) continue;
          missing.push(`${file}: ${code}`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  it("every diagnostic code is given somewhere in src/", () => {
    const all = files.map((f) => f.text).join("\n");
    const unused = Object.keys(DIAGNOSTIC_CODES).filter((code) => !all.includes(`"${code}"`));
    assert.deepEqual(unused, []);
  });

  it("every diagnostic code says what it means and how to fix it, in sentences", () => {
    for (const [code, c] of Object.entries(DIAGNOSTIC_CODES)) {
      assert.match(c.meaning, /^[A-Z(-].{20,}\.$/s, `${code}: meaning`);
      assert.match(c.fix, /^[A-Z].{10,}\.$/s, `${code}: fix`);
      assert.ok(!Object.hasOwn(CODES, code), `${code} is not also an explanation code`);
    }
  });

  it("lambda-egress explain CODE explains each, and the listing lists each", async () => {
    for (const [code, c] of Object.entries(DIAGNOSTIC_CODES)) {
      const text = explain(code.toLowerCase());
      assert.ok(text !== undefined && text.startsWith(`${code}: a diagnostic about the input`), code);
      assert.ok(text.includes(c.meaning) && text.includes(c.fix), code);
    }
    const r = await runCli(["explain", "LOAD_UNRESOLVED"]);
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      `LOAD_UNRESOLVED: a diagnostic about the input (a template, plan, cloud assembly or snapshot)\n\nMeaning\n  ${DIAGNOSTIC_CODES.LOAD_UNRESOLVED.meaning}\n\nFix\n  ${DIAGNOSTIC_CODES.LOAD_UNRESOLVED.fix}\n`,
    );
    const listing = (await runCli(["explain"])).stdout;
    for (const code of Object.keys(DIAGNOSTIC_CODES)) assert.match(listing, new RegExp(`^  ${code} `, "m"), code);
  });
});
