// Writes dist/cli.cjs.cache, V8's code cache for the CLI bundle (see src/cli/boot.ts), for `npm run build`.
// The cache holds the bytecode of every function compiled so far, so it is taken after `check` has run the way
// users run it: on a YAML and a JSON template, with the text and the JSON report. What these runs do not reach
// (other commands, rarer inputs) is compiled on first use, as without a cache. One typical template of each kind,
// not every example: V8 restores all of the cache at every start, and the functions only rarer templates run cost
// more to restore each time than to compile when used (a cache taken after all the examples was 834 KB against
// 738 KB, and made a small template's check 686 M instructions against 670 M, an example outside the runs below
// included).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
  // A YAML template like most hand-written ones: a NAT gateway per zone and a function in the private subnets.
  const yaml = join(root, "examples", "nat-gateway-per-az", "template.yaml");
  const io = { stdout: { write() {} }, stderr: { write() {} }, env: {}, cwd: root };
  for (const args of [
    ["check", yaml],
    ["check", yaml, "--format", "json"],
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
