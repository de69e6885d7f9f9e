#!/usr/bin/env node
// The CLI entry point: a thin shim over src/cli/main.ts, compiled by tsc and bundled into one
// module by esbuild (`npm run build`): loading one file instead of some fifty ES modules takes
// 50-80 ms off every run, a third of a small template's check.
import { outputClosed, outputFailed, run } from "../dist/cli.js";

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
