// How the bench's child scripts (measure.ts, synth.ts, emulate.ts) hand their figures to run.ts: one JSON line to the
// file named by LAMBDA_EGRESS_MEASURE_OUT, or to stderr when that is unset.
import { writeFileSync } from "node:fs";

export const MEASURE_OUT_ENV = "LAMBDA_EGRESS_MEASURE_OUT";

export function writeMeasurement(value: unknown): void {
  const line = `${JSON.stringify(value)}\n`;
  const out = process.env[MEASURE_OUT_ENV];
  if (out) writeFileSync(out, line);
  else process.stderr.write(line);
}
