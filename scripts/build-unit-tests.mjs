// `npm run test:unit`: the unit part of the tests (scripts/test-parts.js), transpiled by esbuild into .test-unit/ in
// a second or two: one file per test with the sources it imports, source maps inline. No type check (npm run lint
// and npm test do that) and no CLI bundle: these tests run the library in process.
import { readdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { partOf } from "./test-parts.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, ".test-unit");
rmSync(out, { recursive: true, force: true });
const entries = [
  ...readdirSync(join(root, "test"))
    .filter((f) => f.endsWith(".test.ts") && partOf(f) === "unit")
    .map((f) => join(root, "test", f)),
  // Each rule's tests (test/rules/<rule>.test.ts).
  ...readdirSync(join(root, "test", "rules"))
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => join(root, "test", "rules", f)),
];
await build({
  entryPoints: entries,
  bundle: true,
  packages: "external",
  platform: "node",
  target: "node20",
  format: "esm",
  sourcemap: "inline",
  // .test-unit/test/X.test.js: the tests find the repository two folders up, as from dist/test.
  outdir: join(out, "test"),
  outbase: join(root, "test"),
  logLevel: "warning",
  absWorkingDir: root,
});
