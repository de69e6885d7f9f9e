// Package hygiene: the licence the package names, no install script, nothing in the docs or output that points to a
// file a user of the package does not have, and the CDK app `new --format cdk` writes synthesizes with `node app.mjs`.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "./support/cli-helpers.ts";
import { ROOT } from "./support/helpers.ts";

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
const dir = mkdtempSync(join(tmpdir(), "lambda-egress-pkg-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** What a user reads (the README, the shipped docs, the examples, the CLI's output) must not send them to the repository's insides. */
const INTERNAL = [
  /\.\.\/shared\//,
  /DESIGN(\.md| §)/,
  /\breference\/[\w-]+\.md\b/,
  /\bseeds?'? \d{3}/i,
  /\bthe seeds\b/i,
  // A path into the repository's tests (`test/fixtures/...`), which the package does not ship. (It ships the sources,
  // which the README's map of them and the source maps point to: each such path is checked below.)
  /(^|[\s(`'"[=])(\.\/)?test\/[\w.-]/m,
];

function internalIn(where: string, text: string): void {
  for (const re of INTERNAL) assert.ok(!re.test(text), `${where}: ${re} at "${re.exec(text)?.[0]}"`);
}

/** Every text file under a directory of the repository, relative to the root. */
function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(`${dir}/${d.name}`) : /\.(md|ya?ml|json|tf|mjs)$/.test(d.name) ? [`${dir}/${d.name}`] : [],
  );
}

describe("package hygiene", () => {
  it("a LICENSE file with the licence package.json names", () => {
    assert.equal(pkg.license, "Apache-2.0");
    const text = readFileSync(join(ROOT, "LICENSE"), "utf8");
    assert.match(text, /Apache License\s+Version 2\.0, January 2004/);
    assert.match(text, /END OF TERMS AND CONDITIONS/);
  });

  it("no install-time script: the package is built when packed (prepack) and ships dist/", () => {
    for (const s of ["preinstall", "install", "postinstall", "prepare"]) assert.equal(pkg.scripts[s], undefined, s);
    assert.match(pkg.scripts.prepack, /npm run build/);
    const r = spawnSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const files = (JSON.parse(r.stdout)[0].files as { path: string }[]).map((f) => f.path);
    for (const f of ["LICENSE", "README.md", "bin/lambda-egress.js", "dist/cli.cjs", "dist/cli.cjs.cache", "docs/rules/README.md"])
      assert.ok(files.includes(f), f);
    assert.ok(!files.some((f) => f.startsWith("test/") || f.startsWith("dist/test/") || f.startsWith("dist/bench/")), "no tests");
    // The sources ship, for the source maps of dist/src and the README's map of them: every src/ path the README names
    // is in the package.
    assert.ok(files.includes("src/index.ts"), "the sources");
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const named = [...readme.matchAll(/`(src\/[\w./-]*?)\/?`/g)].map((m) => m[1] as string);
    assert.ok(named.length > 10, named.join(", "));
    for (const path of named)
      assert.ok(
        files.some((f) => f === path || f.startsWith(`${path}/`)),
        `README names ${path}, which the package lacks`,
      );
  });

  it("the README's map of the sources names every folder of src/, and only what is there", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const map = /### The sources\n([\s\S]*?)\n(?:#|$)/.exec(readme)?.[1] ?? "";
    const folders = readdirSync(join(ROOT, "src"), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => `src/${d.name}/`);
    for (const folder of folders) assert.match(map, new RegExp(`^- \`${folder}\``, "m"), `the map has a line for ${folder}`);
    const lines = [...map.matchAll(/^- `(src\/[\w.-]+\/?)`/gm)].map((m) => m[1] as string);
    for (const line of lines) assert.ok(existsSync(join(ROOT, line)), `${line} is in src/`);
  });

  it("the README, the shipped docs, the action and the examples do not point to internal files or names", () => {
    const pages = ["README.md", "action.yml", ...filesUnder("docs"), ...filesUnder("examples")];
    assert.ok(pages.includes("docs/rules/README.md") && pages.includes("examples/README.md"), pages.join(", "));
    for (const page of pages) internalIn(page, readFileSync(join(ROOT, page), "utf8"));
  });

  it("the CLI's help, explanations and reports do not point to internal files or names", async () => {
    const texts: [string, string][] = [];
    const add = async (args: string[]): Promise<string> => {
      const r = await runCli(args);
      texts.push([args.join(" "), r.stdout + r.stderr]);
      return r.stdout;
    };
    await add(["--help"]);
    for (const command of ["check", "trace", "new", "cost", "emulate", "scan", "explain"]) await add([command, "--help"]);
    // Every rule and explanation code explain lists, each explained.
    const names = [...(await add(["explain"])).matchAll(/^ {2}([a-z0-9-]+|[A-Z0-9_]+) /gm)].map((m) => m[1] as string);
    assert.ok(names.includes("function-in-public-subnet") && names.includes("NO_ROUTE_TO_DESTINATION"), names.join(" "));
    for (const name of names) await add(["explain", name]);
    const example = "examples/single-nat-public-and-private/template.yaml";
    for (const format of ["text", "json", "sarif", "markdown"]) await add(["check", example, "--format", format]);
    await add(["trace", example, "--function", "PublicSubnetFunction", "--format", "json"]);
    // A plan file that is not a plan: its hint says what one is (as root, where emulate reads it before any sandbox).
    if (process.getuid?.() === 0) {
      const plan = join(dir, "not-a-plan.json");
      writeFileSync(plan, '{"prefix": 1}');
      assert.match(
        await add(["emulate", "--plan-file", plan, "--exec", "--", "true"]).then(() => texts.at(-1)?.[1] ?? ""),
        /hint: a plan file is/,
      );
    }
    for (const [args, text] of texts) internalIn(args, text);
  });

  it("cost's output names no source file; its price sources no internal document", async () => {
    const text = await runCli(["cost", "examples/single-nat-gateway/template.yaml"]);
    assert.doesNotMatch(text.stdout, /src\//);
    assert.match(text.stdout, /each figure's source is in --format json \(priceSource\)/);
    const json = await runCli(["cost", "examples/single-nat-gateway/template.yaml", "--format", "json"]);
    assert.doesNotMatch(json.stdout, /\.\.\/shared|pricing\.md|src\//);
  });

  it("new --format cdk writes an app that synthesizes with node app.mjs, and names every package it needs", async () => {
    const app = join(dir, "app.mjs");
    const r = await runCli(["new", "nat-gateway", "--format", "cdk", "-o", app]);
    assert.equal(r.code, 0, r.stderr);
    const install = /npm install ([a-z@/ -]+)\n/.exec(r.stdout)?.[1]?.trim().split(" ") ?? [];
    // The packages the app imports, as the install hint names them; linked from this repository (no network).
    const imported = [...readFileSync(app, "utf8").matchAll(/from "([^"]+)"/g)].map((m) => (m[1] as string).split("/")[0] as string);
    for (const p of imported) assert.ok(install.includes(p), `the install hint names ${p}`);
    mkdirSync(join(dir, "node_modules"));
    for (const p of install) {
      const target = p === "lambda-egress" ? ROOT : join(ROOT, "node_modules", p);
      assert.ok(existsSync(target), `${p} is installed here`);
      symlinkSync(target, join(dir, "node_modules", p));
    }
    const env = { ...process.env };
    delete env.CDK_OUTDIR;
    const synth = spawnSync(process.execPath, ["app.mjs"], { cwd: dir, encoding: "utf8", env, timeout: 120_000 });
    assert.equal(synth.status, 0, synth.stderr);
    const manifest = JSON.parse(readFileSync(join(dir, "cdk.out", "manifest.json"), "utf8"));
    assert.ok(manifest.artifacts.LambdaEgressNatGateway, Object.keys(manifest.artifacts).join(", "));
    assert.ok(existsSync(join(dir, "cdk.out", "LambdaEgressNatGateway.template.json")));
    // The assembly it wrote is what check reads: the per-AZ NAT gateways, reachable.
    const check = await runCli(["check", join(dir, "cdk.out"), "--format", "json"]);
    assert.equal(check.code, 0, check.stdout);
    assert.deepEqual(
      JSON.parse(check.stdout).functions.map((f: { summary: Record<string, string> }) => f.summary.internet),
      ["reachable"],
    );
  });
});
