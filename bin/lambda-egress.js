#!/usr/bin/env node
// The CLI entry point: loads the CLI bundle (src/cli/main.ts and what it uses, in one CommonJS file,
// dist/cli.cjs) with V8's code cache, both made by `npm run build`: one file instead of some fifty
// modules, and bytecode instead of a parse of each function run (see dist/boot.cjs, built from
// src/cli/boot.ts). This file is CommonJS (bin/package.json says so): Node starts an ES module
// entry point through its module loader, about 3 % of a small template's check.
"use strict";
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const boot = join(__dirname, "..", "dist", "boot.cjs");
const bundle = join(__dirname, "..", "dist", "cli.cjs");
// A checkout of the repository has no dist/ until it is built: say so instead of a module-not-found trace.
if (!existsSync(boot) || !existsSync(bundle)) {
  process.stderr.write("lambda-egress: the CLI is not built (dist/cli.cjs is missing)\n  hint: run npm run build\n");
  process.exit(2);
}
const { loadCli, directOutput } = require(boot);
const { cli } = loadCli(bundle, `${bundle}.cache`);
const { outputClosed, outputFailed, run } = cli;

// A reader that stops early (`lambda-egress check ... | head`) closes the pipe: stop quietly,
// as other command-line tools do, instead of printing the write error.
// A command with something to undo first (an emulation to tear down) exits by itself.
// Other write errors (a full disk) say so in one line and exit 2.
function failed(e) {
  if (e.code === "EPIPE") {
    if (!outputClosed()) process.exit(process.exitCode ?? 0);
    return;
  }
  // Any other write error (ENOSPC: `> /dev/full` or a full disk, EIO): one line on stderr and exit 2, not a stack trace.
  process.exitCode = outputFailed(e, { stderr: process.stderr });
  if (!outputClosed()) process.exit(process.exitCode);
}

// The output is written to file descriptor 1 directly, and Node's process.stdout is made only where that cannot be
// done (see directOutput in src/cli/boot.ts); process.stderr, only when something is written to it.
const stdout = directOutput(
  1,
  () => {
    process.stdout.on("error", failed);
    return process.stdout;
  },
  failed,
);
const stderr = {
  write: (s) => process.stderr.write(s),
  get isTTY() {
    return process.stderr.isTTY === true;
  },
};

run(process.argv.slice(2), { stdout, stderr, env: process.env, cwd: process.cwd() }).then((code) => {
  process.exitCode = code;
});
