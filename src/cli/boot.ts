// Loads the CLI bundle (dist/cli.cjs) with V8's code cache (dist/cli.cjs.cache), the way the
// command-line launcher starts every command.
//
// Why by hand: Node 20 has no compile cache for modules (module.enableCompileCache came in 22.1),
// and a small template's check spends a good part of its time compiling the functions it runs.
// `vm.Script` takes the cache V8 wrote after a run of the same bundle (`npm run build` makes it,
// scripts/code-cache.mjs), so those functions start as bytecode instead of being parsed again.
// The cache is a hint: where V8 refuses it (another Node version, other V8 flags) or it is
// missing, the bundle is compiled as usual and behaves the same.
//
// Only Node's own modules here: this runs before anything else.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";
import type * as Cli from "./main.ts";

/** What the bundle exports to the launcher. */
export type CliModule = Pick<typeof Cli, "run" | "outputClosed" | "outputFailed">;

/** The name under which the bundle sees the launcher's import() (scripts/build.mjs writes the bundle's import-external.ts with it). */
export const EXTERNAL_IMPORT = "__lambda_egress_import";

/** The first line of the bundle: `// lambda-egress build ID`, the same ID the cache's first bytes carry. */
const BUILD_LINE = /^\/\/ lambda-egress build ([0-9a-f]{16,64})\n/;

/** The build ID a bundle's first line names, or null. */
export function buildId(source: string): string | null {
  return BUILD_LINE.exec(source)?.[1] ?? null;
}

/** A cache file: the build ID in ASCII, a line feed, then V8's cached data. */
export function cacheFile(id: string, data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(`${id}\n`, "latin1"), data]);
}

/** V8's data from a cache file, when it was made for this build; otherwise undefined (a stale or foreign cache is never used). */
export function cachedDataFor(id: string | null, file: Buffer | undefined): Buffer | undefined {
  if (id === null || file === undefined) return undefined;
  const nl = file.indexOf(10);
  if (nl < 0 || file.toString("latin1", 0, nl) !== id) return undefined;
  return file.subarray(nl + 1);
}

export interface LoadedCli {
  readonly cli: CliModule;
  /** The compiled bundle: scripts/code-cache.mjs asks it for V8's cached data after a run. */
  readonly script: Script;
  /** Whether V8 took the cache. */
  readonly cacheUsed: boolean;
}

/** Compiles and runs the CommonJS bundle at `bundlePath`, with its cache at `cachePath` when that file is there and matches. */
export function loadCli(bundlePath: string, cachePath: string | null): LoadedCli {
  const source = readFileSync(bundlePath, "utf8");
  let cache: Buffer | undefined;
  if (cachePath !== null) {
    try {
      cache = readFileSync(cachePath);
    } catch {
      cache = undefined;
    }
  }
  const cachedData = cachedDataFor(buildId(source), cache);
  // CommonJS's own wrapper, so the bundle sees require, module and __filename as under require(), and the import()
  // of this module for the packages it loads when used (the bundle's import-external.ts calls it).
  const script = new Script(`(function (exports, require, module, __filename, __dirname, ${EXTERNAL_IMPORT}) {${source}\n})`, {
    filename: bundlePath,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as CliModule };
  const importExternal = (specifier: string): Promise<unknown> => import(specifier);
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath), importExternal);
  return { cli: module.exports, script, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}
