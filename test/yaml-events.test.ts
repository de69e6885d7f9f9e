// The quick road for YAML templates (js-yaml's events, src/load/cfn/yaml-events.ts) must give exactly what the
// `yaml` package's road gives: the same values and the same position for every mapping, sequence, key and
// short-form tag. Checked on every YAML template the project has and on snippets of each YAML feature; where the
// quick road is not sure, it must step aside (and the `yaml` road answers).
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseYamlQuickly, parseYamlSlowly, type ParsedText } from "../src/load/cfn/parse.ts";
import { coreScalar } from "../src/load/cfn/yaml-events.ts";
import { CORPUS, FIXTURES, HAS_CORPUS, ROOT } from "./support/helpers.ts";

interface Pos {
  line: number;
  column: number;
}
type Positions = ParsedText["positions"];

/** Every difference between the two reads (values, object positions, key positions), as paths. */
function differences(a: unknown, pa: Positions, b: unknown, pb: Positions, path = "$", out: string[] = []): string[] {
  if (out.length > 20) return out;
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) {
    out.push(`${path}: ${JSON.stringify(a)} / ${JSON.stringify(b)}`);
    return out;
  }
  if (a === null || typeof a !== "object") {
    if (!Object.is(a, b)) out.push(`${path}: ${String(a)} / ${String(b)}`);
    return out;
  }
  const qa = pa.get(a);
  const qb = pb.get(b as object);
  const at = (p: Pos | undefined) => (p ? `${p.line}:${p.column}` : "none");
  if (at(qa) !== at(qb)) out.push(`${path} at ${at(qa)} / ${at(qb)}`);
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  if (ka.join("\0") !== kb.join("\0")) out.push(`${path} keys ${ka.join(",")} / ${kb.join(",")}`);
  for (const k of ka) {
    if (!Array.isArray(a) && at(qa?.keys.get(k)) !== at(qb?.keys.get(k)))
      out.push(`${path}.${k} key at ${at(qa?.keys.get(k))} / ${at(qb?.keys.get(k))}`);
    differences((a as Record<string, unknown>)[k], pa, (b as Record<string, unknown>)[k], pb, `${path}.${k}`, out);
  }
  return out;
}

/** Both roads on one text: the differences, or "slow only" when the quick road stepped aside. */
function compare(text: string): string[] | "slow only" {
  const quick = parseYamlQuickly("t.yaml", text);
  if (quick === undefined) return "slow only";
  const slow = parseYamlSlowly("t.yaml", text);
  const out = differences(slow.value, slow.positions, quick.value, quick.positions);
  if (slow.warnings.length > 0) out.push(`the yaml road warns: ${slow.warnings.map((w) => w.code).join(", ")}`);
  return out;
}

/** Whether the quick road answers this text. */
function quick(text: string): boolean {
  return parseYamlQuickly("t.yaml", text) !== undefined;
}

function yamlFiles(dir: string, depth = 3): string[] {
  if (!existsSync(dir) || depth < 0) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? yamlFiles(join(dir, d.name), depth - 1) : /\.(ya?ml|template)$/.test(d.name) ? [join(dir, d.name)] : [],
  );
}

/** Both roads on each file: every file the quick road reads gives what the yaml road gives, and most files take it. */
function compareFiles(files: readonly string[]): void {
  let quickly = 0;
  for (const file of files) {
    const text = readFileSync(file, "utf8").replace(/^\uFEFF/, "");
    if (text.trimStart().startsWith("{")) continue;
    const result = compare(text);
    if (result === "slow only") continue;
    quickly++;
    assert.deepEqual(result, [], file);
  }
  // Most of them take the quick road: otherwise it is not worth having.
  assert.ok(quickly > files.length / 2, `${quickly} of ${files.length} read quickly`);
}

describe("the quick YAML road reads templates exactly as the yaml package does", () => {
  const files = [...yamlFiles(join(ROOT, "examples")), ...yamlFiles(FIXTURES), ...yamlFiles(join(ROOT, "docs"))];
  it(`every example and fixture YAML template (${files.length})`, () => compareFiles(files));

  it("every corpus YAML template", { skip: HAS_CORPUS ? false : "the corpus folder is not beside the project" }, () => {
    const corpus = yamlFiles(CORPUS, 0);
    assert.ok(corpus.length > 10);
    compareFiles(corpus);
  });

  const snippets: Record<string, string> = {
    "plain scalars of every core type":
      "a: ~\nb: null\nc: Null\nd:\ne: true\nf: False\ng: 0o17\nh: 0x1F\ni: 012\nj: +12\nk: -7\nl: 1_000\nm: .5\nn: 1.\no: 1e3\np: -2.5E-3\nq: .inf\nr: -.Inf\ns: .NaN\nt: 0b11\nu: 12:30\nv: yes\nw: 2010-09-09\nx: 1.0\n",
    "keys that are not strings": "1: a\ntrue: b\n~: c\n0x10: d\n1.50: e\n'q': f\n\"d\": g\n",
    "quoted scalars and escapes": "a: 'it''s'\nb: \"\\x41\\u0042\\t\\\\\"\nc: \"\"\nd: ''\n",
    "block scalars": "a: |\n  x\n   y\n\nb: >-\n  p\n  q\n\n  r\nc: |+\n  keep\n\nd: |2\n   two\ne: >\n  folded\n",
    "short-form tags on every kind":
      "a: !Ref X\nb: !GetAtt A.B.C\nc: !GetAtt [A, B]\nd: !Sub 'x ${Y}'\ne: !If\n  - C\n  - !Ref A\n  - !Ref AWS::NoValue\nf: !Join ['', [a, !Ref B]]\ng: !Sub |\n  line ${X}\nh: !Base64\n  Fn::Sub: x\ni: !Select [0, !GetAZs '']\nj: !Equals [!Ref A, 'b']\n",
    "tags with comments and line breaks before the value": 'a: !Sub\n  # the value\n  "x"\nb: !If # why\n  [C, 1, 2]\n',
    "flow collections": "a: [1, {x: 2, 'y': [3]}, []]\nb: {}\nc: { k: v , l: [a, b] }\n",
    "sequences in sequences and at the key's column": "a:\n- - 1\n  - 2\n- k: v\n  l: w\n- []\n",
    "comments and blank lines everywhere": "# top\n\na: 1 # c\n\n# between\nb:   # after key\n  # before value\n  c: 2\n",
    "CRLF line ends": "a: 1\r\nb:\r\n  - x\r\n  - y\r\nc: |\r\n  z\r\n",
    "a document start and end": "---\na: 1\n...\n",
    "a root sequence": "- a\n- b: c\n",
    "a root scalar": "just text\n",
    "long plain scalars over lines": "a: one\n  two\n\n  three\nb: [x\n  y, z]\n",
    "tabs after values": "a:\t1\nb: x\t# c\n",
    unicode: 'a: héllo ☃\n"ключ": "\\u263A"\n',
  };
  for (const [name, text] of Object.entries(snippets)) {
    it(name, () => {
      const result = compare(text);
      assert.notEqual(result, "slow only", "the quick road should read this");
      assert.deepEqual(result, []);
    });
  }

  const aside: Record<string, string> = {
    "a duplicate key (the warning comes from the yaml road)": "a: 1\na: 2\n",
    "an anchor and an alias": "a: &x [1]\nb: *x\n",
    "a merge key": "a: {x: 1}\nb:\n  <<: {y: 2}\n",
    "a verbatim tag": "a: !<tag:x> 1\n",
    "a YAML tag": "a: !!str 1\n",
    "a directive": "%YAML 1.1\n---\na: yes\n",
    "two documents": "a: 1\n---\nb: 2\n",
    "a complex key": "? [a, b]\n: 1\n",
    "a tagged key": "!Ref a: 1\n",
    "a lone carriage return": "a: 1\rb: 2\r",
    "nesting deeper than the quick road goes": `${"[".repeat(70)}${"]".repeat(70)}\n`,
    "a proto key": "__proto__: {a: 1}\n",
    "indentation only PyYAML accepts": "R:\n  V: { S: [a],\n  G: [b] }\n",
    "a syntax error": "a: [1,\n",
    "an empty text": "",
  };
  for (const [name, text] of Object.entries(aside)) {
    it(`steps aside for ${name}`, () => assert.equal(quick(text), false));
  }
});

describe("core schema scalars", () => {
  it("resolves like YAML 1.2's core schema", () => {
    assert.deepEqual(
      [
        "",
        "~",
        "NULL",
        "TRUE",
        "false",
        "0o10",
        "0x10",
        "010",
        "-0",
        "+1",
        "1_0",
        ".5",
        "5.",
        "1e2",
        "-.INF",
        ".NaN",
        "0b1",
        "yes",
        "1.2.3",
      ].map(coreScalar),
      [null, null, null, true, false, 8, 16, 10, -0, 1, "1_0", 0.5, 5, 100, -Infinity, NaN, "0b1", "yes", "1.2.3"],
    );
  });
});
