// `check --format sarif` and suppressions: the SARIF is validated against the official SARIF 2.1.0 JSON schema (the
// copy the @microsoft/jest-sarif package ships, read with ajv), and suppressed findings are listed, never dropped.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { after, describe, it } from "node:test";
import AjvModule from "ajv";
import { RULES } from "../src/rules/index.ts";
import { runCli } from "./support/cli-helpers.ts";
import { ROOT } from "./support/helpers.ts";

const require = createRequire(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), "lambda-egress-sarif-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function file(text: string, ext = "yaml"): string {
  const p = join(dir, `t${++n}.${ext}`);
  writeFileSync(p, text);
  return p;
}

/** The official schema (draft-04, which ajv 8 reads once its `id` is spelled `$id`), with the formats it uses. */
function sarifValidator() {
  const schema = JSON.parse(readFileSync(require.resolve("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json"), "utf8"));
  const { id, $schema: _draft, ...rest } = schema;
  const Ajv = (AjvModule as unknown as { default?: typeof AjvModule }).default ?? AjvModule;
  const ajv = new (
    Ajv as unknown as new (o: object) => {
      addFormat(name: string, f: (s: string) => boolean): void;
      compile(s: object): ((d: unknown) => boolean) & { errors?: unknown };
    }
  )({ allErrors: true, strict: false, unicodeRegExp: false }); // the schema has a pattern that is invalid in unicode mode
  ajv.addFormat("uri", (s) => URL.canParse(s));
  ajv.addFormat("uri-reference", (s) => URL.canParse(s, "file:///base/"));
  ajv.addFormat("date-time", (s) => !Number.isNaN(Date.parse(s)));
  return ajv.compile({ ...rest, $id: id });
}
const validate = sarifValidator();

function assertValid(sarif: unknown): void {
  const ok = validate(sarif);
  assert.ok(ok, JSON.stringify((validate as { errors?: unknown }).errors, null, 2)?.slice(0, 2000));
}

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation?: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number; startColumn?: number } };
  }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; justification: string }[];
}
interface Sarif {
  version: string;
  runs: {
    tool: {
      driver: {
        name: string;
        rules: {
          id: string;
          shortDescription: { text: string };
          fullDescription: { text: string };
          help: { text: string; markdown: string };
        }[];
      };
    };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: SarifResult[];
  }[];
}

async function sarif(args: string[]): Promise<{ code: number; sarif: Sarif }> {
  const r = await runCli(["check", ...args, "--format", "sarif"]);
  assert.notEqual(r.code, 2, r.stderr);
  const parsed = JSON.parse(r.stdout) as Sarif;
  assertValid(parsed);
  return { code: r.code, sarif: parsed };
}

const PUBLIC = "test/fixtures/function-in-public-subnet/template.yaml";
const PUBLIC_TEXT = readFileSync(join(ROOT, PUBLIC), "utf8");
/** The public-subnet fixture with Metadata written on its function. */
function withMetadata(metadata: string): string {
  const out = PUBLIC_TEXT.replace(
    "  WebhookFunction:\n    Type: AWS::Lambda::Function\n",
    `  WebhookFunction:\n    Type: AWS::Lambda::Function\n    Metadata:\n${metadata}`,
  );
  assert.notEqual(out, PUBLIC_TEXT);
  return out;
}

describe("sarif", () => {
  it("the schema rejects what is not SARIF (the validator can fail)", () => {
    assert.equal(validate({ version: "2.1.0", runs: [{ results: [] }] }), false);
    assert.equal(validate({ version: "2.0.0", runs: [] }), false);
  });

  it("a finding is a result with rule, level, message, relative file and region; the rules carry their page's help", async () => {
    const { code, sarif: s } = await sarif([PUBLIC]);
    assert.equal(code, 1);
    const run = s.runs[0]!;
    assert.equal(s.version, "2.1.0");
    assert.equal(run.tool.driver.name, "lambda-egress");
    assert.deepEqual(run.originalUriBaseIds["%SRCROOT%"], { uri: pathToFileURL(ROOT + "/").href });
    assert.equal(run.results.length, 1);
    const r = run.results[0]!;
    assert.equal(r.ruleId, "function-in-public-subnet");
    assert.equal(r.level, "error");
    assert.equal(run.tool.driver.rules[r.ruleIndex!]?.id, "function-in-public-subnet");
    assert.match(
      r.message.text,
      /^Function WebhookFunction is in public subnets PublicSubnetA, PublicSubnetB .* Fix: Put the function in private subnets/,
    );
    assert.deepEqual(r.locations[0]?.physicalLocation, {
      artifactLocation: { uri: PUBLIC, uriBaseId: "%SRCROOT%" },
      region: { startLine: 90, startColumn: 7 },
    });
    // Every rule described, with the title, the page's first paragraph and its fix.
    const rule = run.tool.driver.rules.find((x) => x.id === "function-in-public-subnet")!;
    assert.deepEqual(
      run.tool.driver.rules.map((x) => x.id),
      RULES.map((x) => x.meta.id),
    );
    assert.equal(rule.shortDescription.text, "Function in a public subnet");
    const page = readFileSync(join(ROOT, "docs/rules/function-in-public-subnet.md"), "utf8");
    assert.ok(page.replace(/\s+/g, " ").includes(rule.fullDescription.text.slice(0, 120)), rule.fullDescription.text);
    assert.match(rule.help.markdown, /## How to fix/);
    assert.match(rule.help.text, /How to fix: /);
  });

  it("a clean template is valid SARIF without results; warnings are warnings", async () => {
    assert.equal((await sarif(["examples/nat-gateway-per-az/template.yaml"])).sarif.runs[0]?.results.length, 0);
    const single = (await sarif(["examples/single-nat-gateway/template.yaml"])).sarif.runs[0]!;
    assert.deepEqual(
      single.results.map((r) => [r.ruleId, r.level]),
      [["nat-gateway-cross-az", "warning"]],
    );
  });

  it("fingerprints do not move with the line; a file outside the directory is a file: URI", async () => {
    const a = (await sarif([file(PUBLIC_TEXT)])).sarif.runs[0]!.results[0]!;
    const moved = (await sarif([file(`# a comment\n# and another\n${PUBLIC_TEXT}`)])).sarif.runs[0]!.results[0]!;
    assert.equal(a.locations[0]?.physicalLocation?.region?.startLine, 90);
    assert.equal(moved.locations[0]?.physicalLocation?.region?.startLine, 92);
    assert.match(a.locations[0]?.physicalLocation?.artifactLocation.uri ?? "", /^file:\/\/\/.*\.yaml$/);
    assert.equal(a.locations[0]?.physicalLocation?.artifactLocation.uriBaseId, undefined);
    // Same name in another directory: another file, another fingerprint; the same file moved down: the same.
    const key = "lambdaEgressFinding/v1";
    assert.notEqual(a.partialFingerprints[key], moved.partialFingerprints[key]);
    const same = (await sarif([PUBLIC])).sarif.runs[0]!.results[0]!;
    const again = (await sarif([PUBLIC])).sarif.runs[0]!.results[0]!;
    assert.equal(same.partialFingerprints[key], again.partialFingerprints[key]);
    assert.match(same.partialFingerprints[key] ?? "", /^[0-9a-f]{32}:1$/);
  });
});

describe("sarif: every example and fixture", () => {
  const templates = [
    ...readdirSync(join(ROOT, "examples"))
      .map((d) => `examples/${d}/template.yaml`)
      .filter((f) => existsSync(join(ROOT, f))),
    ...readdirSync(join(ROOT, "test/fixtures"))
      .map((d) => `test/fixtures/${d}/template.yaml`)
      .filter((f) => existsSync(join(ROOT, f))),
  ];
  it(`is valid SARIF 2.1.0 with one result per finding (${templates.length} templates)`, async () => {
    assert.ok(templates.length > 50);
    for (const t of templates) {
      const json = await runCli(["check", t, "--format", "json"]);
      if (json.code === 2) continue;
      const s = await runCli(["check", t, "--format", "sarif"]);
      assert.equal(s.code, json.code, t);
      const parsed = JSON.parse(s.stdout);
      assert.ok(validate(parsed), `${t}: ${JSON.stringify((validate as { errors?: unknown }).errors)?.slice(0, 500)}`);
      assert.equal(parsed.runs[0].results.length, JSON.parse(json.stdout).findings.length, t);
    }
  });
});

describe("suppressions", () => {
  it("Metadata ignore on the resource: listed as suppressed (JSON, SARIF inSource), not counted, exit 0", async () => {
    const t = file(
      withMetadata(
        "      lambda-egress:\n        ignore:\n          - rule: function-in-public-subnet\n            reason: a webhook receiver that needs no egress\n",
      ),
    );
    const json = await runCli(["check", t, "--format", "json"]);
    assert.equal(json.code, 0, json.stderr);
    const j = JSON.parse(json.stdout);
    assert.deepEqual(j.findings, []);
    assert.equal(j.suppressed.length, 1);
    assert.equal(j.suppressed[0].rule, "function-in-public-subnet");
    assert.deepEqual(j.suppressed[0].suppression, {
      kind: "resource",
      justification: "a webhook receiver that needs no egress",
      location: { file: t, line: 85, column: 5 },
    });
    const { code, sarif: s } = await sarif([t]);
    assert.equal(code, 0);
    assert.deepEqual(s.runs[0]?.results[0]?.suppressions, [
      { kind: "inSource", status: "accepted", justification: "a webhook receiver that needs no egress" },
    ]);
    const text = await runCli(["check", t]);
    assert.match(
      text.stdout,
      /Suppressed .*\n {2}error {4}function-in-public-subnet {2}WebhookFunction {2}a webhook receiver that needs no egress/,
    );
    assert.match(text.stdout, /0 errors, 0 warnings in 1 function/);
  });

  it("--ignore RULE on the command line: external suppression; an unknown rule is a usage error with a suggestion", async () => {
    const { code, sarif: s } = await sarif([PUBLIC, "--ignore", "function-in-public-subnet"]);
    assert.equal(code, 0);
    assert.deepEqual(
      s.runs[0]?.results.map((r) => [r.ruleId, r.suppressions]),
      [["function-in-public-subnet", [{ kind: "external", status: "accepted", justification: "--ignore function-in-public-subnet" }]]],
    );
    const bad = await runCli(["check", PUBLIC, "--ignore", "function-in-public-subnets"]);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /--ignore function-in-public-subnets: no rule "function-in-public-subnets" \(did you mean function-in-public-subnet\?\)/,
    );
  });

  it("suppress in the intents file: the function's findings suppressed; an unknown rule is an intents error", async () => {
    const intents = file("WebhookFunction:\n  internet: unreachable\n  suppress: [function-in-public-subnet]\n");
    const r = await runCli(["check", PUBLIC, "--expect", intents, "--format", "json"]);
    assert.equal(r.code, 0, r.stdout);
    const j = JSON.parse(r.stdout);
    assert.deepEqual(j.findings, []);
    assert.equal(j.suppressed[0].suppression.kind, "intents");
    assert.equal(j.suppressed[0].suppression.location.line, 3);
    const bad = await runCli(["check", PUBLIC, "--expect", file("WebhookFunction:\n  suppress: [function-single-zone]\n")]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /:2:14: WebhookFunction: suppress: no rule "function-single-zone" \(did you mean function-single-az\?\)/);
  });

  it("a Metadata ignore naming no rule suppresses nothing and says so", async () => {
    const t = file(withMetadata("      lambda-egress:\n        ignore: [function-in-public-subnets]\n"));
    const r = await runCli(["check", t, "--format", "json"]);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout);
    assert.equal(j.findings.length, 1);
    assert.equal(j.suppressed, undefined);
    const d = j.diagnostics.find((x: { code: string }) => x.code === "LOAD_INVALID_SUPPRESSION");
    assert.equal(d.severity, "warning");
    assert.equal(d.resource, "WebhookFunction");
    assert.match(d.message, /no rule "function-in-public-subnets" \(did you mean function-in-public-subnet\?\)/);
    const shape = JSON.parse(
      (await runCli(["check", file(withMetadata("      lambda-egress: function-in-public-subnet\n")), "--format", "json"])).stdout,
    );
    assert.match(shape.diagnostics.find((x: { code: string }) => x.code === "LOAD_INVALID_SUPPRESSION").message, /has no ignore list/);
  });
});
