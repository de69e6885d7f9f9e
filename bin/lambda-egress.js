#!/usr/bin/env node
// The CLI entry point: a thin shim over the compiled library (see src/cli/main.ts).
import { run } from "../dist/src/cli/main.js";

// A reader that stops early (`lambda-egress check ... | head`) closes the pipe: stop quietly,
// as other command-line tools do, instead of printing the write error.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
