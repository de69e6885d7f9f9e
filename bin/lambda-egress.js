#!/usr/bin/env node
// The CLI entry point: a thin shim over the compiled library (see src/cli/main.ts).
import { run } from "../dist/src/cli/main.js";

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
