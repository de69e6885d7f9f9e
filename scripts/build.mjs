// `npm run build`: compiles the sources (tsc), bundles the CLI into dist/cli.js (the commands `check`
// does not need in chunks of their own, dist/chunks/, loaded when used), and bundles each
// parser the CLI loads on first use (src/vendor.ts) into one CommonJS file in dist/vendor/.
// Why bundles: Node resolves, reads and compiles every ES module or CommonJS file separately, and on
// a small machine some fifty project modules took 50-80 ms and the yaml package's seventy-odd files
// about 45 ms, where one file each takes a fraction of that (bench/README.md has the figures).
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(join(root, "package.json"));
/** The packages src/vendor.ts loads from dist/vendor (its VENDORED list). */
const VENDORED = ["yaml", "jsonc-parser"];

execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(root, "tsconfig.json")], { stdio: "inherit" });
// Chunk names carry a hash of their content: drop the previous build's.
rmSync(join(root, "dist/chunks"), { recursive: true, force: true });

const common = { bundle: true, platform: "node", target: "node20", logLevel: "warning", absWorkingDir: root };
await Promise.all([
  build({
    ...common,
    entryPoints: [join(root, "dist/src/cli/main.js")],
    format: "esm",
    packages: "external",
    // The commands main.ts imports when used (cost, new, emulate, scan) go to chunks of their own.
    splitting: true,
    outdir: join(root, "dist"),
    entryNames: "cli",
    chunkNames: "chunks/[name]-[hash]",
  }),
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
