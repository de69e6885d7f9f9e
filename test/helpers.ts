// Shared test helpers: paths and template loading.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { CheckOptions, CheckReport } from "../src/check.ts";
import { checkTemplate } from "../src/check.ts";

/** The repository root (tests run from dist/test). */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
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
