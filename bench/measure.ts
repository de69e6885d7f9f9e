// Runs the CLI in this process with its stdout discarded, then reports one JSON line:
//   { "exitCode", "maxRssKiB", "totalMs", "runMs", "stdoutBytes" }
// to the file named by LAMBDA_EGRESS_MEASURE_OUT, or to stderr when that is unset.
// maxRssKiB is process.resourceUsage().maxRSS: the peak resident set of this process (KiB).
// totalMs counts from process start (node bootstrap and module loading included),
// runMs only the call to run().
//
//   node --max-old-space-size=4096 dist/bench/measure.js check <template> --format json
import { Writable } from "node:stream";
import { run } from "../src/cli/main.ts";
import { writeMeasurement } from "./measure-out.ts";

export interface Measurement {
  readonly exitCode: number;
  readonly maxRssKiB: number;
  readonly totalMs: number;
  readonly runMs: number;
  readonly stdoutBytes: number;
}

type Io = Parameters<typeof run>[1];

let stdoutBytes = 0;
const sink = new Writable({
  write(chunk: Buffer | string, _encoding, callback) {
    stdoutBytes += typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.length;
    callback();
  },
});

const started = performance.now();
const exitCode = await run(process.argv.slice(2), {
  // The CLI writes its report here; a plain Writable stands in for process.stdout
  // (the cast only matters if the CLI types stdout as the tty stream).
  stdout: sink as Io["stdout"],
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
const ended = performance.now();

const measurement: Measurement = {
  exitCode,
  maxRssKiB: process.resourceUsage().maxRSS,
  totalMs: ended,
  runMs: ended - started,
  stdoutBytes,
};
writeMeasurement(measurement);
process.exitCode = exitCode;
