#!/usr/bin/env node
// The CLI entry point: loads the CLI bundle (src/cli/main.ts and what it uses, in one CommonJS file,
// dist/cli.cjs) with V8's code cache, both made by `npm run build`: one file instead of some fifty
// modules, and bytecode instead of a parse of each function run (see dist/src/cli/boot.js).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const boot = new URL("../dist/src/cli/boot.js", import.meta.url);
const bundle = fileURLToPath(new URL("../dist/cli.cjs", import.meta.url));
// A checkout of the repository has no dist/ until it is built: say so instead of a module-not-found trace.
if (!existsSync(fileURLToPath(boot)) || !existsSync(bundle)) {
  process.stderr.write("lambda-egress: the CLI is not built (dist/cli.cjs is missing)\n  hint: run npm run build\n");
  process.exit(2);
}
const { loadCli } = await import(boot.href);
const { cli } = loadCli(bundle, `${bundle}.cache`);
const { outputClosed, outputFailed, run } = cli;

// A reader that stops early (`lambda-egress check ... | head`) closes the pipe: stop quietly,
// as other command-line tools do, instead of printing the write error.
// A command with something to undo first (an emulation to tear down) exits by itself.
// Other write errors (a full disk) say so in one line and exit 2.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") {
    if (!outputClosed()) process.exit(process.exitCode ?? 0);
    return;
  }
  // Any other write error (ENOSPC: `> /dev/full` or a full disk, EIO): one line on stderr and exit 2, not a stack trace.
  process.exitCode = outputFailed(e, { stderr: process.stderr });
  if (!outputClosed()) process.exit(process.exitCode);
});

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
