// `npm run build`: compiles the sources (tsc), bundles the CLI into one CommonJS file, dist/cli.cjs,
// with the parsers check always or often needs (js-yaml, ipaddr.js), and writes V8's code cache for that
// bundle (dist/cli.cjs.cache, scripts/code-cache.mjs). It also bundles each of the parsers only some inputs
// need (yaml, jsonc-parser) into one CommonJS file in dist/vendor/, which the library and the CLI bundle
// load on first use (src/vendor.ts).
// Why one bundle: Node resolves, reads and compiles every ES module or CommonJS file separately, and
// on a small machine some fifty project modules took 50-80 ms and the yaml package's seventy-odd
// files about 45 ms, where one file takes a fraction of that; one CommonJS file is also what V8's
// code cache can be used with in Node 20 (src/cli/boot.ts). The commands `check` does not run
// (cost, new, emulate, scan, the other report formats) are in the same file, but esbuild wraps each
// module so that its code runs, and V8 compiles it, only when it is first imported.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
/** The packages src/vendor.ts loads from dist/vendor (its VENDORED list). */
const VENDORED = ["yaml", "jsonc-parser"];

// tsc leaves the output of a renamed or deleted source behind (a stale test would still run): start from nothing.
for (const out of ["dist/src", "dist/test", "dist/bench"]) rmSync(join(root, out), { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(root, "tsconfig.json")], { stdio: "inherit" });
// The launcher's loader: the bundle's file (bundleFile) and the name under which the bundle sees its import().
const { bundleFile, EXTERNAL_IMPORT } = await import(join(root, "dist/src/cli/boot.js"));
// What earlier builds wrote and this one does not: an ES module bundle and its chunks.
for (const old of ["dist/cli.js", "dist/chunks", "dist/cli.cjs.cache", "dist/boot.cjs"])
  rmSync(join(root, old), { recursive: true, force: true });

const common = { bundle: true, platform: "node", target: "node20", logLevel: "warning", absWorkingDir: root };

/**
 * Two modules the CLI bundle replaces: src/vendor.ts (js-yaml and ipaddr.js are part of the bundle; yaml and
 * jsonc-parser are required from dist/vendor beside it when first used) and src/import-external.ts (the launcher's
 * import()). yaml reads only what js-yaml's quick road leaves (anchors, merge keys, ...: 2 of the 146 example,
 * fixture and corpus templates), intents files and `new`'s YAML; jsonc-parser only locates a JSON syntax error or
 * a value in a cloud assembly's manifest. Their 306 KB out of the bundle are that much less read at every start
 * (a small template's check 2-3 % faster, 220 fewer pages of memory touched).
 */
const bundleReplacements = {
  name: "bundle-replacements",
  setup(b) {
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/]vendor\.js$/ }, () => ({
      contents: [
        `export const VENDORED = ${JSON.stringify(VENDORED)};`,
        `export const yaml = () => require("./vendor/yaml.cjs");`,
        `export const jsonc = () => require("./vendor/jsonc-parser.cjs");`,
        `export const jsYaml = () => require("js-yaml");`,
        `export const ipaddr = () => require("ipaddr.js");`,
      ].join("\n"),
      loader: "js",
      resolveDir: root,
    }));
    // The launcher's import() (src/cli/boot.ts passes it to the bundle under this name).
    b.onLoad({ filter: /[\\/]dist[\\/]src[\\/]import-external\.js$/ }, () => ({
      contents: `export const importExternal = (specifier) => ${EXTERNAL_IMPORT}(specifier);`,
      loader: "js",
    }));
  },
};

const [cli] = await Promise.all([
  build({
    ...common,
    entryPoints: [join(root, "dist/src/cli/main.js")],
    format: "cjs",
    // Bundled: the project and the parsers check always or often needs. Loaded from node_modules when used:
    // the AWS SDK (scan), the HCL parser (.tf input), the layout engine (--format html), the CDK (never by the CLI).
    // The parsers of dist/vendor are required from there, by the path beside the bundle (its require's base).
    external: ["@aws-sdk/*", "@smithy/*", "@cdktn/*", "@hpcc-js/*", "aws-cdk-lib", "constructs", "./vendor/*"],
    // From a package's ES module build where it has one (a UMD wrapper's inner requires are beyond a bundler).
    mainFields: ["module", "main"],
    plugins: [bundleReplacements],
    // A CommonJS file has no import.meta: the modules that find files beside them get the bundle's own URL.
    define: { "import.meta.url": "__lambda_egress_bundle_url" },
    banner: { js: 'var __lambda_egress_bundle_url = require("node:url").pathToFileURL(__filename).href;' },
    write: false,
    metafile: true,
    outfile: join(root, "dist/cli.cjs"),
  }),
  // The launcher's loader (bin/lambda-egress.js, CommonJS) as one CommonJS file.
  build({ ...common, entryPoints: [join(root, "dist/src/cli/boot.js")], format: "cjs", outfile: join(root, "dist/boot.cjs") }),
  ...VENDORED.map((pkg) =>
    build({
      ...common,
      // From the package's ES module build where it has one: jsonc-parser's CommonJS build is a UMD
      // wrapper whose inner requires a bundler cannot follow.
      stdin: { contents: `module.exports = require(${JSON.stringify(pkg)});`, resolveDir: root, loader: "js" },
      mainFields: ["module", "main"],
      format: "cjs",
      outfile: join(root, "dist/vendor", `${pkg}.cjs`),
    }),
  ),
]);

// The bundle's first line names the build (a hash of its text); its code cache carries the same name, so a cache
// is never used with another build's bundle (src/cli/boot.ts).
// An import() left in the bundle would fail once V8 restores its code from the cache: packages are imported through
// src/import-external.ts.
for (const out of Object.values(cli.metafile.outputs))
  for (const imp of out.imports)
    if (imp.kind === "dynamic-import" && imp.external)
      throw new Error(`build: the CLI bundle imports ${imp.path} with import(): use importExternal (src/import-external.ts)`);
const text = cli.outputFiles[0].text;
// The launcher reads the bundle as Latin-1 (src/cli/boot.ts): esbuild writes ASCII unless told otherwise.
const nonAscii = text.search(/[^\x00-\x7f]/);
if (nonAscii >= 0) throw new Error(`build: the CLI bundle has a non-ASCII character: ${JSON.stringify(text.slice(nonAscii - 40, nonAscii + 10))}`);
const id = createHash("sha256").update(text).digest("hex").slice(0, 32);
writeFileSync(join(root, "dist/cli.cjs"), bundleFile(id, text));
execFileSync(process.execPath, [join(root, "scripts/code-cache.mjs")], { stdio: "inherit" });
