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
// Start-up on a small template is mostly Node's own, and much of the rest is memory first touched (each new page is
// a page fault, costly on virtual machines). So the bundle is read as Latin-1 (it is ASCII, which the build checks):
// the bytes read and one text, where a UTF-8 read touched half as much again. And the file holds the function V8
// compiles, CommonJS's wrapper included: the source is not copied once more into a wrapped string. `directOutput`
// writes the output without Node's stream objects, which a command that only prints a report does not need.
//
// Only Node's own modules here: this runs before anything else.
import { readFileSync, writeSync } from "node:fs";
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

/**
 * The text of dist/cli.cjs (scripts/build.mjs): the build line, then esbuild's CommonJS bundle inside CommonJS's own
 * wrapper, so the bundle sees require, module and __filename as under require(), and the import() of this module for
 * the packages it loads when used (the bundle's import-external.ts calls it). The script's value is that function.
 */
export function bundleFile(id: string, bundle: string): string {
  return `// lambda-egress build ${id}\n(function (exports, require, module, __filename, __dirname, ${EXTERNAL_IMPORT}) {${bundle}\n})`;
}

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
  // ASCII (the build refuses anything else), so Latin-1 reads the same text.
  const source = readFileSync(bundlePath, "latin1");
  let cache: Buffer | undefined;
  if (cachePath !== null) {
    try {
      cache = readFileSync(cachePath);
    } catch {
      cache = undefined;
    }
  }
  const cachedData = cachedDataFor(buildId(source), cache);
  const script = new Script(source, {
    filename: bundlePath,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as CliModule };
  const importExternal = (specifier: string): Promise<unknown> => import(specifier);
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, createRequire(bundlePath), module, bundlePath, dirname(bundlePath), importExternal);
  return { cli: module.exports, script, cacheUsed: cachedData !== undefined && !script.cachedDataRejected };
}

/** What a command writes its output to (the CLI's `Io.stdout`). */
export interface Output {
  write(s: string | Uint8Array): boolean;
  readonly isTTY: boolean;
}

/**
 * The output on file descriptor `fd`, written with write(2) straight away: on Linux and macOS, Node writes to a file,
 * a terminal or a pipe synchronously too, and a command that prints one report needs none of the stream objects
 * `process.stdout` builds on first use. Where the descriptor is non-blocking (EAGAIN), and on Windows (whose console
 * wants Node's own conversion), everything from then on goes through `stream()`, in order. A write that fails calls
 * `failed` (EPIPE when the reader went away, ENOSPC, EIO) once, and what is written after it is dropped.
 */
export function directOutput(fd: number, stream: () => Output, failed: (e: NodeJS.ErrnoException) => void): Output {
  let through: Output | undefined = process.platform === "win32" ? stream() : undefined;
  let broken = false;
  let tty: boolean | undefined;
  return {
    // Asked only by a command that colours its text: Node's tty module loads its streams and net.
    get isTTY(): boolean {
      if (through) return through.isTTY === true;
      tty ??= (createRequire(process.execPath)("node:tty") as typeof import("node:tty")).isatty(fd);
      return tty;
    },
    write(s: string | Uint8Array): boolean {
      if (through) return through.write(s);
      if (broken) return false;
      const bytes = typeof s === "string" ? Buffer.from(s) : s;
      let done = 0;
      while (done < bytes.length) {
        try {
          done += writeSync(fd, bytes, done, bytes.length - done);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "EAGAIN") {
            through = stream();
            return through.write(bytes.subarray(done));
          }
          broken = true;
          failed(e as NodeJS.ErrnoException);
          return false;
        }
      }
      return true;
    },
  };
}
