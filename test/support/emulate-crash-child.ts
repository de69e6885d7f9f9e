// A run that is killed half-way through bring-up (by test/emulate-kernel.test.ts): it applies a plan and stalls after the first server.
import { applyPlan } from "../../src/emulate/apply.ts";
import { twoNamespacePlan } from "./emulate-fixtures.ts";

const prefix = process.argv[2] as string;
await applyPlan(twoNamespacePlan(prefix), undefined, {
  onStep: (step) => {
    process.stdout.write(`${step}\n`);
    if (step.startsWith("server whoami")) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20000);
  },
});
