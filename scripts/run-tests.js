// Runs the compiled test files with node's own test runner (Node 20's `--test` does not expand globs, so the files are
// listed here), with source maps on so a stack trace names the .ts line.
//
//   node scripts/run-tests.js [FILTER...]           every test file (npm test), or those whose path holds a FILTER
//   node scripts/run-tests.js --part PART [FILTER...]
//
// The parts (npm run test:PART):
//   unit          the pure core: loaders, analyzer, rules, reports, cost, the emulator's plan. No process is spawned
//                 and nothing needs root; with --fast (npm run test:unit) the tests are transpiled by esbuild
//                 into .test-unit/ in a second or two, without the type check and the CLI bundle of a full build.
//   cli           the command line, the bundled examples, the README's commands, the corpus, package hygiene.
//   kernel        the emulator against the kernel: namespaces, nftables, the sandbox (root; skipped elsewhere).
//   differential  the analyzer against the kernel on random networks (root; DIFFERENTIAL_RUNS=0 skips it).
//   browser       the HTML report in Chromium.
// A test file is in the part scripts/test-parts.js lists it under; a file not listed is in `cli`.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { ALL_PARTS, partOf } from "./test-parts.js";

function find(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...find(path));
    else if (entry.name.endsWith(".test.js")) out.push(path);
  }
  return out;
}

function main(argv) {
  let part;
  let dir = "dist/test";
  const filter = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--part") part = argv[++i];
    else if (argv[i] === "--dir") dir = argv[++i];
    else filter.push(argv[i]);
  }
  if (part !== undefined && !ALL_PARTS.includes(part)) {
    process.stderr.write(`run-tests: no part ${part}; the parts are ${ALL_PARTS.join(", ")}\n`);
    return 2;
  }
  const files = find(dir)
    .filter((f) => part === undefined || partOf(f) === part)
    .filter((f) => filter.length === 0 || filter.some((s) => f.includes(s)))
    .sort();
  if (files.length === 0) {
    process.stderr.write(`run-tests: no test file in ${dir} matches\n`);
    return 1;
  }
  const result = spawnSync(process.execPath, ["--enable-source-maps", "--test", "--test-reporter=spec", ...files], { stdio: "inherit" });
  return result.status ?? 1;
}

process.exit(main(process.argv.slice(2)));
