// `emulate --invoke`: runs a function's own Node.js handler with an event at its ENI's position. The handler's code
// (inline or a local directory) and a small bootstrap go to a temporary directory; the bootstrap calls the handler as
// Lambda's Node.js runtime does (promise, callback or the legacy context.done; see BOOTSTRAP), enforces the function's timeout with Lambda's message, and prints one JSON line.
import { LoadError } from "../load/errors.ts";
import { readBounded } from "../load/read.ts";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { LambdaFunction } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";
import { worldReadable } from "./apply.ts";
import { printable } from "./text.ts";

/**
 * The bootstrap (CommonJS): argv = code dir, module, export, timeout seconds, event file (or ""), function name, runtime.
 *
 * It ends an invocation as Lambda's Node.js runtime does (aws-lambda-nodejs-runtime-interface-client: Runtime.js,
 * CallbackContext.js and Errors.js up to nodejs22.x; runtime/buffered-invoke-processor.ts and
 * function/callback-deprecation.ts from nodejs24.x):
 * - up to nodejs22.x the handler gets (event, context, callback). A returned promise ends the invocation when it settles.
 *   `callback(err)` ends it at once; `callback(null, value)` waits for the event loop to empty while
 *   `context.callbackWaitsForEmptyEventLoop` is true (the default), else ends it at once. The legacy `context.done(err,
 *   value)`, `context.succeed(value)` and `context.fail(err)` end it at once (`fail()` without an error fails with
 *   "handled"). Only the first of these counts. A handler that is not an async function and never calls any of them
 *   ends with a null result when the event loop is empty; an async function's pending promise then fails with
 *   Runtime.NodeJsExit.
 * - from nodejs24.x the handler is awaited with (event, context) and the context has no callback methods; a handler
 *   declaring three parameters is refused with Runtime.CallbackHandlerDeprecated.
 * An error that is not an Error reports its typeof as errorType (so `context.done('error', e)` reports
 * {"errorType":"string","errorMessage":"error"}). Timeout: Lambda's "Task timed out after N.00 seconds".
 */
const BOOTSTRAP = `"use strict";
const fs = require("fs");
const path = require("path");
const { pathToFileURL } = require("url");
const [dir, moduleName, exportName, timeoutSeconds, eventFile, functionName, runtime] = process.argv.slice(2);
const major = Number((/^nodejs(\\d+)/.exec(runtime || "") || [])[1] || 0);
const callbacks = major < 24;
const limitMs = Number(timeoutSeconds) * 1000;
const started = Date.now();
let reported = false;
const print = (o, code) => {
  if (reported) return;
  reported = true;
  process.stdout.write(JSON.stringify(o) + "\\n", () => process.exit(code));
};
const isError = (e) => e instanceof Error || (e && typeof e.name === "string" && typeof e.message === "string" && typeof e.stack === "string");
const failWith = (e) => print(isError(e) ? { errorType: e.name, errorMessage: e.message } : { errorType: typeof e, errorMessage: String(e) }, 1);
const succeedWith = (v) => print({ result: v === undefined ? null : v }, 0);
const runtimeError = (name, message) => { const e = new Error(message); e.name = name; return e; };
setTimeout(() => print({ errorType: "Sandbox.Timedout", errorMessage: "Task timed out after " + Number(timeoutSeconds).toFixed(2) + " seconds" }, 1), limitMs).unref();
// What ends the invocation when the event loop is empty (replaced by a callback that waits for it).
let onEmpty = () => undefined;
process.on("beforeExit", () => onEmpty());
process.on("uncaughtException", (e) => failWith(e));
process.on("unhandledRejection", (r) => failWith(runtimeError("Runtime.UnhandledPromiseRejection", String(r))));
(async () => {
  const file = [".js", ".mjs", ".cjs"].map((e) => path.join(dir, moduleName + e)).find((f) => fs.existsSync(f));
  if (!file) throw runtimeError("Runtime.ImportModuleError", "Error: Cannot find module '" + moduleName + "'");
  const mod = await import(pathToFileURL(file).href);
  const handler = mod[exportName] ?? (mod.default && mod.default[exportName]);
  if (typeof handler !== "function") throw runtimeError("Runtime.HandlerNotFound", moduleName + "." + exportName + " is undefined or not exported");
  const event = eventFile ? JSON.parse(fs.readFileSync(eventFile, "utf8")) : {};
  const context = {
    functionName,
    functionVersion: "$LATEST",
    awsRequestId: "emulated-request",
    logGroupName: "/aws/lambda/" + functionName,
    getRemainingTimeInMillis: () => Math.max(0, limitMs - (Date.now() - started)),
  };
  if (!callbacks) {
    if (handler.length >= 3)
      throw runtimeError("Runtime.CallbackHandlerDeprecated", "ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24.");
    onEmpty = () => failWith(runtimeError("Runtime.NodeJsExit", "Error: Runtime exited without providing a reason"));
    succeedWith(await handler(event, context));
    return;
  }
  let waits = true;
  let finished = false;
  const once = (f) => (...args) => { if (!finished) { finished = true; f(...args); } };
  const done = (err, value) => (err !== undefined && err !== null ? failWith(err) : succeedWith(value));
  Object.defineProperty(context, "callbackWaitsForEmptyEventLoop", { enumerable: true, get: () => waits, set: (v) => { waits = v; } });
  context.done = once(done);
  context.succeed = once((value) => done(null, value));
  context.fail = once((err) => done(err === undefined || err === null ? "handled" : err));
  const callback = once((err, value) => {
    if (err !== undefined && err !== null) failWith(err);
    else if (!waits) succeedWith(value);
    else onEmpty = () => setImmediate(() => succeedWith(value));
  });
  onEmpty =
    handler.constructor && handler.constructor.name === "AsyncFunction"
      ? () => failWith(runtimeError("Runtime.NodeJsExit", "Error: Runtime exited without providing a reason"))
      : () => succeedWith(null);
  const r = handler(event, context, callback);
  if (r && typeof r.then === "function") r.then(context.succeed, context.fail);
})().catch((e) => failWith(e));
`;

export interface Invocation {
  /** The command and arguments to run at the ENI's position (in the sandbox: the code is at `codeDir`). */
  readonly command: readonly string[];
  /** The function's timeout (the bootstrap enforces it); the caller's limit should leave a margin above it. */
  readonly timeoutSeconds: number;
  /** The temporary directory to remove afterwards (world-readable: the handler runs as nobody). */
  readonly dir: string;
  /** Where the handler's code is when it runs: the inline code's folder, or the mount point of the local code. */
  readonly codeDir: string;
  /** The local code folder (its real path) to bind read-only at `codeDir` in the sandbox; undefined for inline code. */
  readonly bind?: { readonly source: string; readonly target: string };
}

export class InvokeError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.hint = hint;
  }
}

export interface InvokeOptions {
  /** Where the temporary directory goes (default: the system's); outside /tmp when the handler gets a private /tmp. */
  readonly baseDir?: string;
  /** `--code DIR`: the handler's code folder instead of the template's (inline code or CodeUri). */
  readonly codeDir?: string;
}

/** Lambda's longest function timeout (15 minutes). */
const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/** The most entries a code folder may have (node_modules included) before --invoke gives up looking for symlinks. */
const MAX_CODE_ENTRIES = 200_000;

/** An event file's text when it is a readable JSON file; otherwise an InvokeError saying why. */
/** Lambda's limit for a synchronous event. */
const MAX_EVENT_BYTES = 6 * 1024 * 1024;

export function readEvent(eventFile: string, shown: string = eventFile): string {
  const tooLarge = () => new InvokeError(`--event ${shown}: over 6 MB, Lambda's limit for a synchronous event`, "use a smaller event");
  let st;
  try {
    st = statSync(eventFile);
  } catch {
    throw new InvokeError(`--event ${shown}: no such file`, "--event takes a JSON file");
  }
  if (!st.isFile())
    throw new InvokeError(
      `--event ${shown}: ${st.isDirectory() ? "a directory" : "not a regular file"}, not a JSON file`,
      "--event takes a JSON file",
    );
  if (st.size > MAX_EVENT_BYTES) throw tooLarge();
  // Read bounded by the bytes read, not by stat's size (a file may grow while it is read).
  let text: string;
  try {
    text = readBounded(eventFile, shown, {
      maxBytes: MAX_EVENT_BYTES,
      tooLarge: () => new LoadError("EVENT_TOO_LARGE", "over 6 MB", { file: shown }),
    });
  } catch (e) {
    throw e instanceof LoadError && e.code === "EVENT_TOO_LARGE" ? tooLarge() : e;
  }
  try {
    JSON.parse(text);
  } catch (e) {
    throw new InvokeError(`--event ${shown}: not JSON (${(e as Error).message})`, "--event takes a JSON file");
  }
  return text;
}

function inside(root: string, p: string): boolean {
  const r = relative(root, p);
  return r === "" || (!r.startsWith("..") && !isAbsolute(r));
}

/** Refuses a symlink in `dir` that leads outside it (the sandbox binds only that folder). */
function checkSymlinks(dir: string, what: string): void {
  let count = 0;
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (++count > MAX_CODE_ENTRIES)
        throw new InvokeError(`${what} has over ${MAX_CODE_ENTRIES} files and folders`, "point --code at the built function only");
      const p = join(d, e.name);
      if (e.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(p);
        } catch {
          throw new InvokeError(`${what}: ${relative(dir, p)} is a broken symlink`, "remove it, or build the code into a plain folder");
        }
        if (!inside(dir, target))
          throw new InvokeError(
            `${what}: ${relative(dir, p)} is a symlink to ${target}, outside the function's code`,
            "copy what it points to into the code folder (the handler sees that folder only)",
          );
      } else if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
}

/**
 * Writes the function's code (inline) and the bootstrap to a temporary directory and finds its local code folder: only
 * inside the template's folder (real paths: no `..`, absolute path or symlink leading out) or `--code DIR`. `eventFile`
 * is the event (JSON) or undefined for `{}`. Throws InvokeError when the function cannot be run here.
 */
export function prepareInvocation(
  fn: LambdaFunction,
  templateFile: string,
  eventFile: string | undefined,
  options: InvokeOptions = {},
): Invocation {
  const code = fn.code;
  if (!code) throw new InvokeError(`function ${fn.id} has no code the template shows`, "use --exec to run a command instead");
  if (!code.runtime?.startsWith("nodejs")) {
    throw new InvokeError(
      `function ${fn.id} runs ${code.runtime ?? "an unknown runtime"}; --invoke runs Node.js handlers only`,
      "use --exec to run any command at the function's position",
    );
  }
  if (!/^nodejs[0-9.x]*$/.test(code.runtime))
    throw new InvokeError(
      `function ${fn.id}: Runtime ${JSON.stringify(code.runtime)} is not a Node.js runtime name (e.g. nodejs22.x)`,
      "set Runtime",
    );
  if (!Number.isFinite(code.timeoutSeconds) || code.timeoutSeconds > LAMBDA_MAX_TIMEOUT_SECONDS)
    throw new InvokeError(
      `function ${fn.id}: Timeout ${code.timeoutSeconds} is over Lambda's ${LAMBDA_MAX_TIMEOUT_SECONDS} seconds (AWS refuses it)`,
      `set Timeout to at most ${LAMBDA_MAX_TIMEOUT_SECONDS}`,
    );
  const handler = code.handler ?? "";
  const dot = handler.lastIndexOf(".");
  if (dot <= 0) throw new InvokeError(`function ${fn.id} has no handler of the form module.export (${handler || "none"})`, "set Handler");
  const moduleName = handler.slice(0, dot);
  if (/[\s\p{Cc}\\]/u.test(handler) || isAbsolute(moduleName) || moduleName.split("/").includes(".."))
    throw new InvokeError(
      `function ${fn.id}: Handler ${JSON.stringify(handler)} leaves the function's code folder (an absolute path, .. or a blank)`,
      "Handler is a path inside the code folder, e.g. src/app.handler",
    );
  const source = code.source;
  if (options.codeDir === undefined && isUnknown(source))
    throw new InvokeError(
      `cannot run ${fn.id}: ${source.reason}`,
      "use --code DIR or --exec, or a template with inline code or a local CodeUri",
    );
  // Everything that can be refused is checked before the temporary directory exists, so a refusal leaves nothing behind.
  const event = eventFile === undefined ? undefined : readEvent(resolve(eventFile), eventFile);
  let localDir: string | undefined;
  if (options.codeDir !== undefined) {
    if (!existsSync(options.codeDir) || !statSync(options.codeDir).isDirectory())
      throw new InvokeError(`--code ${options.codeDir}: not a directory`, "--code takes the folder of the built function");
    localDir = realpathSync(options.codeDir);
  } else if (!isUnknown(source) && "path" in source) {
    const folder = realpathSync(dirname(resolve(templateFile)));
    const wanted = resolve(folder, source.path);
    if (!existsSync(wanted) || !statSync(wanted).isDirectory())
      throw new InvokeError(
        `the code of ${fn.id}, ${source.path}, is not a local directory`,
        "build it first (e.g. sam build), or use --exec",
      );
    localDir = realpathSync(wanted);
    if (!inside(folder, localDir))
      throw new InvokeError(
        `the code of ${fn.id}, CodeUri ${source.path}, is outside the template's folder (${localDir})`,
        "keep the code under the template's folder, or name it with --code DIR",
      );
  }
  if (localDir !== undefined) checkSymlinks(localDir, `the code of ${fn.id} (${localDir})`);
  if (options.baseDir !== undefined) {
    mkdirSync(options.baseDir, { recursive: true, mode: 0o755 });
    // The handler runs as nobody: the run's folders must be searchable whatever the umask.
    worldReadable([dirname(options.baseDir), options.baseDir]);
  }
  const dir = mkdtempSync(join(options.baseDir ?? tmpdir(), "le-invoke-"));
  // The handler runs as nobody: it reads the bootstrap, the event and the code, and writes nothing here.
  chmodSync(dir, 0o755);
  const codeDir = join(dir, "task");
  mkdirSync(codeDir, { mode: 0o755 });
  chmodSync(codeDir, 0o755);
  // Lambda writes inline Node.js code to index.js.
  if (localDir === undefined && !isUnknown(source) && "inline" in source)
    writeFileSync(join(codeDir, "index.js"), source.inline, { mode: 0o644 });
  writeFileSync(join(dir, "le-bootstrap.cjs"), BOOTSTRAP, { mode: 0o644 });
  if (event !== undefined) writeFileSync(join(dir, "event.json"), event, { mode: 0o644 });
  // Whatever the umask: the handler (nobody) reads these.
  worldReadable(
    [dir, codeDir],
    [join(dir, "le-bootstrap.cjs"), join(codeDir, "index.js"), join(dir, "event.json")].filter((f) => existsSync(f)),
  );
  return {
    command: [
      process.execPath,
      join(dir, "le-bootstrap.cjs"),
      codeDir,
      moduleName,
      handler.slice(dot + 1),
      String(code.timeoutSeconds),
      event === undefined ? "" : join(dir, "event.json"),
      // An argument cannot hold NUL: the name as printable text.
      printable(fn.name ?? fn.id),
      code.runtime,
    ],
    timeoutSeconds: code.timeoutSeconds,
    dir,
    codeDir,
    ...(localDir !== undefined ? { bind: { source: localDir, target: codeDir } } : {}),
  };
}
