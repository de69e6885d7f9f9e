// The parts of the test suite (see scripts/run-tests.js): which test file runs in which.

export const ALL_PARTS = ["unit", "cli", "kernel", "differential", "browser"];

/** Test files by part (file names without `.test.ts`); the rest are `cli`. */
export const PARTS = {
  unit: [
    "aws-snapshot",
    "block-public-access",
    "conditions",
    "converters",
    "cost",
    "emulate-plan",
    "emulate-plan-builder",
    "emulate-plan-nft",
    "emulate-plan-resources",
    "fix-safety",
    "iam",
    "intrinsics",
    "intrinsics-property",
    "managed-instances",
    "memo",
    "needs",
    "net",
    "resource-terms",
    "route-targets",
    "rule-contract",
    "rules-road",
    "rule-docs",
    "scenarios",
    "service-catalogue",
    "special-destinations",
    "typed-facts",
    "yaml-events",
    "yaml-lenient",
  ],
  kernel: [
    "emulate-apply",
    "emulate-e2e",
    "emulate-explain",
    "emulate-invoke",
    "emulate-ipv6",
    "emulate-kernel",
    "emulate-managed-instances",
    "emulate-resources",
    "emulate-runtimes",
    "emulate-safety",
    "emulate-sandbox",
    "emulate-services",
    "emulate-shell",
    "emulate-single-nat",
  ],
  differential: ["differential", "differential-regressions"],
  browser: ["html"],
};

/** The part a test file (`name.test.js`) belongs to; a rule's tests (`rules/<rule>.test.js`) are unit tests. */
export function partOf(file) {
  if (/(^|[\\/])rules[\\/][^\\/]+$/.test(file)) return "unit";
  const name = file.replace(/^.*[\\/]/, "").replace(/\.test\.[jt]s$/, "");
  for (const [part, names] of Object.entries(PARTS)) if (names.includes(name)) return part;
  return "cli";
}
