// What `check` loads at start-up: one CommonJS bundle (dist/cli.cjs) with V8's code cache. The bundle's entry
// initializes no other command's modules (esbuild runs a module imported with import() only when it is imported), its
// source is ASCII (V8 keeps a source with one non-ASCII character as two-byte text, slower to read and compile), the
// YAML parser is part of it, the cache is used and never with another build, and the bundle writes the same reports as
// the library's modules, byte for byte, on every example, fixture and corpus template.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { buildId, cachedDataFor, cacheFile, loadCli } from "../src/cli/boot.ts";
import { run } from "../src/cli/main.ts";
import { CORPUS, FIXTURES, HAS_CORPUS, ROOT } from "./support/helpers.ts";

const BUNDLE = join(ROOT, "dist", "cli.cjs");
const CACHE = `${BUNDLE}.cache`;
const BOOT = pathToFileURL(join(ROOT, "dist", "src", "cli", "boot.js")).href;

/** The modules (by the path esbuild names them with) that only other commands use. */
const OTHER_COMMANDS = [
  "cli/cost.js",
  "cli/emulate.js",
  "cli/new.js",
  "cli/scan.js",
  "load/aws/scan.js",
  "emulate/plan.js",
  "cost/estimate.js",
  "report/html.js",
  "load/terraform/hcl/index.js",
];

/**
 * The modules the bundle initializes when it is loaded: esbuild wraps a module in `var init_X = __esm({ "PATH"() {...} })`
 * and calls `init_X()` where it is needed; a call inside `Promise.resolve().then(() => (init_X(), ...))` is an import()
 * and runs only when that code runs. Starts from the calls outside every wrapper (the bundle's top level).
 */
function initializedAtLoad(source: string): Set<string> {
  const wrapper = /^var (init_\w+) = __esm\(\{\n {2}"([^"]+)"\(\) \{\n([\s\S]*?)\n {2}\}\n\}\);$/gm;
  const bodies = new Map<string, { path: string; body: string }>();
  let topLevel = source;
  for (const m of source.matchAll(wrapper)) {
    bodies.set(m[1] as string, { path: m[2] as string, body: m[3] as string });
    topLevel = topLevel.replace(m[0], "");
  }
  assert.ok(bodies.size > 50, `the bundle wraps its modules (${bodies.size} wrappers found)`);
  const calls = (code: string) =>
    [...code.replace(/Promise\.resolve\(\)\.then\(\(\) => \(init_\w+\(\), \w+\)\)/g, "").matchAll(/\b(init_\w+)\(\)/g)].map(
      (m) => m[1] as string,
    );
  const seen = new Set<string>();
  const todo = calls(topLevel);
  while (todo.length > 0) {
    const name = todo.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    todo.push(...calls(bodies.get(name)?.body ?? ""));
  }
  return new Set([...seen].map((n) => bodies.get(n)?.path ?? n));
}

describe("start-up of check", () => {
  const source = readFileSync(BUNDLE, "utf8");

  it("loading the bundle initializes none of the other commands' modules (cost, new, emulate, scan, html, .tf)", () => {
    const eager = initializedAtLoad(source);
    assert.ok(eager.has("dist/src/analyze/reach.js"), "the analyzer is among the modules initialized at load");
    for (const other of OTHER_COMMANDS) {
      assert.match(source, new RegExp(`"dist/src/${other.replace(/\./g, "\\.")}"\\(\\) \\{`), `${other} is in the bundle`);
      assert.ok(!eager.has(`dist/src/${other}`), `${other} is initialized only when used`);
    }
  });

  it("the bundle's source is ASCII", () => {
    const at = source.search(/[^\x00-\x7f]/);
    assert.equal(at, -1, `dist/cli.cjs has a non-ASCII character at offset ${at}: ${JSON.stringify(source.slice(at - 40, at + 10))}`);
  });

  it("the bundle has no import() left: packages are imported through the launcher", () => {
    // An import() in code V8 restores from its cache has no loader: every package goes through import-external.ts.
    const calls = [...source.matchAll(/(?<![\w.$"'`])import\((?!pathToFileURL\(file\)\.href\))/g)].map((m) =>
      source.slice(m.index ?? 0, (m.index ?? 0) + 60),
    );
    assert.deepEqual(calls, []);
  });

  /** check of `template` through the launcher's loader: exit code, whether the cache was taken, the files required. */
  function probeCheck(template: string): { code: number; cacheUsed: boolean; loaded: string[]; stdout: string } {
    const probe =
      `import { createRequire } from "node:module"; const { loadCli } = await import(${JSON.stringify(BOOT)}); ` +
      `const { cli, cacheUsed } = loadCli(${JSON.stringify(BUNDLE)}, ${JSON.stringify(CACHE)}); ` +
      `let stdout = ""; const io = { stdout: { write(s) { stdout += s; } }, stderr: { write() {} }, env: {}, cwd: ${JSON.stringify(ROOT)} }; ` +
      `const code = await cli.run(["check", ${JSON.stringify(template)}, "--format", "json"], io); ` +
      `console.log(JSON.stringify({ code, cacheUsed, loaded: Object.keys(createRequire(import.meta.url).cache), stdout }));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", probe], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim().split("\n").pop() as string) as ReturnType<typeof probeCheck>;
  }
  const yamlFiles = (loaded: readonly string[]) =>
    loaded.filter((f) => f.includes(`${join("node_modules", "yaml")}`) || f.includes(join("dist", "vendor")));

  it("the launcher takes the code cache, and check of a YAML template loads no file of the yaml package", () => {
    const out = probeCheck("examples/nat-gateway-per-az/template.yaml");
    assert.equal(out.code, 0);
    assert.equal(out.cacheUsed, true, "V8 took dist/cli.cjs.cache");
    assert.deepEqual(
      yamlFiles(out.loaded),
      [],
      "js-yaml, the YAML reader of such a template, is part of the bundle; yaml is loaded only for what js-yaml leaves",
    );
  });

  it("a template only the yaml package reads (an anchor) loads it from dist/vendor beside the bundle", () => {
    const dir = mkdtempSync(join(tmpdir(), "lambda-egress-anchor-"));
    try {
      const template = join(dir, "anchor.yaml");
      const example = readFileSync(join(ROOT, "examples/nat-gateway-per-az/template.yaml"), "utf8");
      // The same template with an anchor and its alias in a comment-free spot: the values are unchanged.
      writeFileSync(template, example.replace(/^Resources:/m, "x-defaults: &region us-east-1\nx-again: *region\nResources:"));
      const out = probeCheck(template);
      assert.equal(out.code, 0);
      assert.deepEqual(yamlFiles(out.loaded), [join(ROOT, "dist", "vendor", "yaml.cjs")]);
      const plain = probeCheck("examples/nat-gateway-per-az/template.yaml");
      const verdicts = (stdout: string) => (JSON.parse(stdout) as { functions: { summary: unknown }[] }).functions.map((f) => f.summary);
      assert.deepEqual(verdicts(out.stdout), verdicts(plain.stdout));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a cache made for another build is never used, and the bundle still runs", () => {
    const id = buildId(source);
    assert.match(id ?? "", /^[0-9a-f]{32}$/, "the bundle's first line names its build");
    const data = readFileSync(CACHE);
    assert.ok(cachedDataFor(id, data), "the build's own cache matches");
    assert.equal(cachedDataFor("0".repeat(32), data), undefined, "another build's cache does not");
    assert.equal(cachedDataFor(null, data), undefined, "a bundle without a build line takes no cache");
    assert.equal(cachedDataFor(id, Buffer.from("no line feed")), undefined);
    const dir = mkdtempSync(join(tmpdir(), "lambda-egress-cache-test-"));
    try {
      const stale = join(dir, "stale.cache");
      writeFileSync(stale, cacheFile("f".repeat(32), (cachedDataFor(id, data) as Buffer).subarray(0)));
      const loaded = loadCli(BUNDLE, stale);
      assert.equal(loaded.cacheUsed, false);
      assert.equal(typeof loaded.cli.run, "function");
      const missing = loadCli(BUNDLE, join(dir, "missing.cache"));
      assert.equal(missing.cacheUsed, false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Every template check is run on in the tests and the README: examples, fixtures, corpus. */
function inputs(): string[] {
  const out: string[] = [];
  const examples = join(ROOT, "examples");
  for (const d of readdirSync(examples, { withFileTypes: true }))
    if (d.isDirectory() && existsSync(join(examples, d.name, "template.yaml"))) out.push(join(examples, d.name, "template.yaml"));
  for (const d of readdirSync(FIXTURES, { withFileTypes: true }))
    for (const name of ["template.yaml", "template.yml", "template.json"])
      if (d.isDirectory() && existsSync(join(FIXTURES, d.name, name))) out.push(join(FIXTURES, d.name, name));
  if (HAS_CORPUS) for (const f of readdirSync(CORPUS).sort()) if (!/\.(md|tf)$/.test(f)) out.push(join(CORPUS, f));
  return out;
}

describe("the bundle writes the library's reports, byte for byte", () => {
  it("check --format json and text on every example, fixture and corpus template", async () => {
    const { cli } = loadCli(BUNDLE, CACHE);
    const capture = async (runner: typeof run, args: string[]): Promise<string> => {
      const chunks: string[] = [];
      const io = {
        stdout: { write: (s: string | Uint8Array) => chunks.push(typeof s === "string" ? s : Buffer.from(s).toString("utf8")) },
        stderr: { write: (s: string) => chunks.push(`stderr: ${s}`) },
        env: {},
        cwd: ROOT,
      };
      const code = await runner(args, io);
      return `${chunks.join("")}exit ${code}`;
    };
    const files = inputs();
    assert.ok(files.length >= 30, `${files.length} templates`);
    for (const f of files)
      for (const format of ["json", "text"]) {
        const args = ["check", f, "--format", format];
        assert.equal(await capture(cli.run, args), await capture(run, args), `${f} --format ${format}`);
      }
  });
});
