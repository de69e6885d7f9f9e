// The GitHub Action's check step (scripts/github-action.sh, run by action.yml) under a fake GITHUB_* environment, and
// the action and pre-commit hook definitions it comes with.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parse } from "yaml";
import { ROOT } from "./support/helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "lambda-egress-action-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A fake workspace with the templates given, and the step run in it as the runner would. */
function runStep(templates: Record<string, string>, inputs: Record<string, string>) {
  const ws = mkdtempSync(join(dir, `ws${++n}-`));
  for (const [name, from] of Object.entries(templates)) copyFileSync(join(ROOT, from), join(ws, name));
  const output = join(ws, "github-output");
  const summary = join(ws, "step-summary");
  writeFileSync(output, "");
  writeFileSync(summary, "");
  const r = spawnSync("bash", [join(ROOT, "scripts/github-action.sh")], {
    cwd: ws,
    encoding: "utf8",
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? ws,
      GITHUB_ACTIONS: "true",
      GITHUB_WORKSPACE: ws,
      GITHUB_ACTION_PATH: ROOT,
      GITHUB_OUTPUT: output,
      GITHUB_STEP_SUMMARY: summary,
      ...inputs,
    },
  });
  const outputs = Object.fromEntries(
    readFileSync(output, "utf8")
      .split("\n")
      .filter((l) => l.includes("="))
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, outputs, summary: readFileSync(summary, "utf8"), ws };
}

describe("GitHub Action", () => {
  it("a template with an error finding: SARIF written and named, summary written, exit code 1 handed on", () => {
    const r = runStep({ "template.yaml": "test/fixtures/function-in-public-subnet/template.yaml" }, { INPUT_TEMPLATES: "template.yaml" });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.outputs, { sarif: "lambda-egress.sarif", "exit-code": "1" });
    const sarif = JSON.parse(readFileSync(join(r.ws, "lambda-egress.sarif"), "utf8"));
    const result = sarif.runs[0].results[0];
    assert.equal(result.ruleId, "function-in-public-subnet");
    assert.deepEqual(result.locations[0].physicalLocation.artifactLocation, { uri: "template.yaml", uriBaseId: "%SRCROOT%" });
    assert.match(r.summary, /^## lambda-egress check\n\n❌ \*\*1 error\*\*/);
    assert.match(r.stdout, /findings at or above error \(exit code 1\)/);
  });

  it("globs, several templates, --fail-on and more options; a clean run hands on 0", () => {
    const r = runStep(
      { "a.template.yaml": "examples/nat-gateway-per-az/template.yaml", "b.template.yaml": "examples/single-nat-gateway/template.yaml" },
      { INPUT_TEMPLATES: "*.template.yaml", INPUT_FAIL_ON: "error", INPUT_ARGS: "--region eu-west-1", INPUT_SARIF: "out.sarif" },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.outputs, { sarif: "out.sarif", "exit-code": "0" });
    const sarif = JSON.parse(readFileSync(join(r.ws, "out.sarif"), "utf8"));
    assert.deepEqual(
      sarif.runs[0].results.map((x: { ruleId: string }) => x.ruleId),
      ["nat-gateway-cross-az"],
    );
    assert.match(r.summary, /\(`a\.template\.yaml`, `b\.template\.yaml`\)/);
    assert.match(r.summary, /eu-west-1a/);
    const warn = runStep(
      { "t.yaml": "examples/single-nat-gateway/template.yaml" },
      { INPUT_TEMPLATES: "t.yaml", INPUT_FAIL_ON: "warning" },
    );
    assert.equal(warn.outputs["exit-code"], "1");
  });

  it("a usage or input error stops the step with exit 2 and no SARIF", () => {
    const r = runStep({}, { INPUT_TEMPLATES: "missing.yaml" });
    assert.equal(r.status, 2);
    assert.deepEqual(r.outputs, { "exit-code": "2" });
    assert.equal(existsSync(join(r.ws, "lambda-egress.sarif")), false);
    assert.match(r.stderr, /missing\.yaml: no such file/);
    const empty = runStep({}, { INPUT_TEMPLATES: " \n" });
    assert.equal(empty.status, 2);
    assert.match(empty.stdout, /::error title=lambda-egress::the templates input is empty/);
  });

  it("action.yml: a composite action that sets up Node, runs the step with every input, uploads the SARIF, then fails as check did", () => {
    const action = parse(readFileSync(join(ROOT, "action.yml"), "utf8"));
    assert.equal(action.runs.using, "composite");
    const steps = action.runs.steps as {
      uses?: string;
      run?: string;
      env?: Record<string, string>;
      if?: string;
      with?: Record<string, string>;
    }[];
    assert.match(steps[0]?.uses ?? "", /^actions\/setup-node@/);
    const check = steps.find((s) => s.run?.includes("scripts/github-action.sh"));
    assert.ok(check);
    for (const input of ["templates", "args", "fail-on", "sarif"])
      assert.equal(check.env?.[`INPUT_${input.toUpperCase().replace("-", "_")}`], `\${{ inputs.${input} }}`, input);
    assert.ok(existsSync(join(ROOT, "scripts/github-action.sh")));
    const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
    assert.equal(upload?.with?.sarif_file, "${{ steps.check.outputs.sarif }}");
    assert.match(steps[steps.length - 1]?.run ?? "", /^exit \$\{\{ steps\.check\.outputs\.exit-code/);
  });

  it(".pre-commit-hooks.yaml: a node hook that runs check on templates", () => {
    const hooks = parse(readFileSync(join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as Record<string, unknown>[];
    const hook = hooks.find((h) => h.id === "lambda-egress");
    assert.ok(hook);
    assert.equal(hook.entry, "lambda-egress check");
    assert.equal(hook.language, "node");
    const files = new RegExp(hook.files as string);
    for (const f of ["template.yaml", "infra/template.yml", "stacks/vpc.template.json"]) assert.match(f, files);
    for (const f of ["package.json", ".github/workflows/ci.yaml", "docker-compose.yml"]) assert.doesNotMatch(f, files);
  });
});
