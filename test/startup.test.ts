// What `check` loads at start-up: the CLI bundle's static import graph holds no other command's code,
// its source is ASCII (V8 keeps a source with one non-ASCII character as two-byte text, slower to read and
// compile), and the YAML parser comes from its one-file bundle in dist/vendor, not from its seventy-odd files.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { ROOT } from "./helpers.ts";

const CLI = join(ROOT, "dist", "cli.js");

/** The files `import ... from "./x.js"` reaches from a module of the bundle, itself included (dynamic imports left out). */
function staticClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  // esbuild writes static imports at the top of a line: `import {...} from "./chunks/x.js";` or `import "./x.js";`.
  for (const m of text.matchAll(/^(?:import|export)\s[^;]*?["'](\.{1,2}\/[^"']+)["'];?$/gms))
    staticClosure(join(dirname(file), m[1] as string), seen);
  return seen;
}

describe("start-up of check", () => {
  const closure = [...staticClosure(CLI)];
  const sources = closure.map((f) => readFileSync(f, "utf8"));

  it("the modules check loads hold none of the other commands (cost, new, emulate, scan)", () => {
    assert.ok(closure.length >= 2, `the bundle imports its chunks: ${closure.map((f) => relative(ROOT, f)).join(", ")}`);
    const all = sources.join("\n");
    assert.match(all, /^\/\/ dist\/src\/analyze\/reach\.js$/m, "the analyzer is among them (esbuild marks each module with a comment)");
    for (const other of [
      "cli/cost.js",
      "cli/emulate.js",
      "cli/new.js",
      "cli/scan.js",
      "load/aws/scan.js",
      "emulate/plan.js",
      "cost/estimate.js",
    ])
      assert.doesNotMatch(all, new RegExp(`^// dist/src/${other.replace(".", "\\.")}$`, "m"), `${other} is loaded only when used`);
  });

  it("the bundle's source is ASCII", () => {
    closure.forEach((f, n) => {
      const at = (sources[n] as string).search(/[^\x00-\x7f]/);
      assert.equal(at, -1, `${relative(ROOT, f)} has a non-ASCII character at offset ${at}`);
    });
  });

  it("check of a YAML template loads the YAML parser from its one-file bundle", () => {
    const probe =
      `import { createRequire } from "node:module"; const { run } = await import(${JSON.stringify(pathToFileURL(CLI).href)}); ` +
      `const io = { stdout: { write() {} }, stderr: { write() {} }, env: {}, cwd: ${JSON.stringify(ROOT)} }; ` +
      `const code = await run(["check", "examples/nat-gateway-per-az/template.yaml"], io); ` +
      `console.log(JSON.stringify({ code, loaded: Object.keys(createRequire(import.meta.url).cache) }));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", probe], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    const out = JSON.parse(r.stdout.trim().split("\n").pop() as string) as { code: number; loaded: string[] };
    assert.equal(out.code, 0, r.stderr);
    const ours = out.loaded.map((f) => relative(ROOT, f));
    assert.ok(ours.includes(join("dist", "vendor", "yaml.cjs")), ours.join(", "));
    assert.deepEqual(
      ours.filter((f) => f.startsWith(join("node_modules", "yaml"))),
      [],
      "no file of the yaml package itself",
    );
  });
});
