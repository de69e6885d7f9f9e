// Shared test helpers: paths and template loading.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CheckOptions, CheckReport } from "../../src/check.ts";
import { checkTemplate } from "../../src/check.ts";

/** The repository root: the folder above with this package's package.json (tests run from dist/test or .test-unit/test). */
export const ROOT = ((): string => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++, dir = dirname(dir)) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "lambda-egress") return dir;
  }
  throw new Error("the tests run inside the lambda-egress repository");
})();
export const FIXTURES = join(ROOT, "test", "fixtures");
export const CORPUS = join(ROOT, "..", "shared", "corpus");
export const HAS_CORPUS = existsSync(CORPUS);

export function checkFile(path: string, options: CheckOptions = {}): CheckReport {
  return checkTemplate(path, readFileSync(path, "utf8"), options);
}

/** A template from inline YAML. */
export function checkYaml(yaml: string, options: CheckOptions = {}): CheckReport {
  return checkTemplate("inline.yaml", yaml, options);
}
