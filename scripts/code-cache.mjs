// Writes dist/cli.cjs.cache, V8's code cache for the CLI bundle (see src/cli/boot.ts), for `npm run build`.
// The cache holds the bytecode of every function compiled so far, so it is taken after `check` has run the way
// users run it: on YAML and JSON templates, with the text and the JSON report. What these runs do not reach (other
// commands, rarer inputs) is compiled on first use, as without a cache.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { loadCli, cacheFile, buildId } = await import(join(root, "dist/src/cli/boot.js"));
const { generateTemplate } = await import(join(root, "dist/bench/generate.js"));

const bundle = join(root, "dist/cli.cjs");
const { cli, script } = loadCli(bundle, null);
const work = mkdtempSync(join(tmpdir(), "lambda-egress-cache-"));
try {
  // A JSON template like CDK's and SAM's output: the JSON reader's code.
  const json = join(work, "template.json");
  writeFileSync(json, JSON.stringify(generateTemplate({ vpcs: 2, functionsPerVpc: 2 })));
  const templates = readdirSync(join(root, "examples"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, "examples", d.name, "template.yaml"))
    .filter((f) => existsSync(f));
  const io = { stdout: { write() {} }, stderr: { write() {} }, env: {}, cwd: root };
  for (const args of [
    ["check", ...templates],
    ["check", ...templates, "--format", "json"],
    ["check", json, "--format", "json"],
    ["check", json],
  ]) {
    const code = await cli.run(args, io);
    if (code === 2) throw new Error(`code cache: lambda-egress ${args.join(" ")} failed`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const source = readFileSync(bundle, "utf8");
writeFileSync(join(root, "dist/cli.cjs.cache"), cacheFile(buildId(source), script.createCachedData()));
