// The library's public API: what `lambda-egress` and `lambda-egress/cdk` export, values and types, as a user's
// TypeScript sees them in the emitted declarations. A refactor that drops or renames an export fails here; an
// intended change updates test/public-api.json (and says so in its commit).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import ts from "typescript";
import { ROOT } from "./support/helpers.ts";

const HAS_CDK = existsSync(join(ROOT, "node_modules", "aws-cdk-lib", "package.json"));
const ENTRIES = { "lambda-egress": "dist/src/index", "lambda-egress/cdk": "dist/src/cdk/index" } as const;
const PINNED = JSON.parse(readFileSync(join(ROOT, "test", "public-api.json"), "utf8")) as Record<keyof typeof ENTRIES, string[]>;

/** The name of every export of a declaration file (values and types), sorted. */
function declaredExports(dts: string): string[] {
  const program = ts.createProgram([dts], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(dts);
  assert.ok(source, `${dts} was emitted`);
  const module = checker.getSymbolAtLocation(source);
  assert.ok(module, `${dts} is a module`);
  return checker
    .getExportsOfModule(module)
    .map((s) => s.name)
    .sort();
}

/** `value NAME` for what the module exports at run time, `type NAME` for what only its declarations export. */
async function exportsOf(base: string): Promise<string[]> {
  const runtime = new Set(Object.keys((await import(pathToFileURL(join(ROOT, `${base}.js`)).href)) as object));
  const declared = declaredExports(join(ROOT, `${base}.d.ts`));
  for (const name of runtime) assert.ok(declared.includes(name), `${name} is exported at run time but not declared`);
  return declared.map((name) => `${runtime.has(name) ? "value" : "type"} ${name}`).sort();
}

describe("public API", () => {
  for (const [entry, base] of Object.entries(ENTRIES) as [keyof typeof ENTRIES, string][]) {
    it(
      `${entry}: its values and types are the pinned ones`,
      { skip: entry === "lambda-egress/cdk" && !HAS_CDK ? "aws-cdk-lib is not installed" : false },
      async () => {
        assert.deepEqual(await exportsOf(base), PINNED[entry]);
      },
    );
  }
});
