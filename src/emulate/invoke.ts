// `emulate --invoke`: prepares a function's own code to run at its ENI's position, as Lambda runs every runtime: a
// bootstrap that speaks the Runtime API (served by servers/runtime-api.ts). The code (inline or a local directory) and
// the bootstrap (NODE_BOOTSTRAP below, python-bootstrap.ts, or the function's own executable) go to a temporary
// directory, with the event and the environment Lambda sets (runtimes.ts).
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { EmulationError } from "../errors.ts";
import { LoadError } from "../load/errors.ts";
import { readBounded } from "../load/read.ts";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import type { LambdaFunction } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";
import { serverDir, worldReadable } from "./apply.ts";
import { PYTHON_BOOTSTRAP } from "./python-bootstrap.ts";
import { emulatedFunctionArn, inlineFileName, LAMBDA_DEFAULT_MEMORY_MB, lambdaEnvironment, runtimeFamily } from "./runtimes.ts";
import type { RuntimeApiConfig } from "./servers/runtime-api.ts";
import { printable } from "./text.ts";

/**
 * The Node.js bootstrap (CommonJS), a client of the Runtime API (AWS_LAMBDA_RUNTIME_API) like Lambda's own: it loads the
 * handler (`_HANDLER` in LAMBDA_TASK_ROOT; a failure goes to `init/error`), asks `invocation/next` for the event, calls
 * the handler, posts its result to `invocation/ID/response` or its error to `invocation/ID/error`, and asks for the next
 * event (the run ends there).
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
 * Errors go out as the Node.js runtime posts them: {errorType, errorMessage, trace} (the stack's lines); one that is
 * not an Error reports its typeof as errorType and an empty trace (so `context.done('error', e)` reports
 * {"errorType":"string","errorMessage":"error","trace":[]}). Its requests close their connection (no keep-alive), so
 * that between them nothing of the bootstrap's own keeps the event loop from emptying.
 */
export const NODE_BOOTSTRAP = `"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");
const { pathToFileURL } = require("url");
const [host, port] = (process.env.AWS_LAMBDA_RUNTIME_API || "").split(":");
const runtime = (process.env.AWS_EXECUTION_ENV || "").replace(/^AWS_Lambda_/, "");
const major = Number((/^nodejs(\\d+)/.exec(runtime) || [])[1] || 0);
const callbacks = major < 24;
const call = (method, what, body, headers) =>
  new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(body);
    const req = http.request(
      { host, port: Number(port), method, path: "/2018-06-01/runtime/" + what, agent: false,
        headers: Object.assign({}, headers, data ? { "content-type": "application/json", "content-length": data.length } : {}) },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve({ headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(data);
  });
const isError = (e) => e instanceof Error || (e && typeof e.name === "string" && typeof e.message === "string" && typeof e.stack === "string");
const errorDocument = (e) =>
  isError(e)
    ? { errorType: e.name, errorMessage: e.message, trace: String(e.stack || "").split("\\n") }
    : { errorType: typeof e, errorMessage: String(e), trace: [] };
const runtimeError = (name, message) => { const e = new Error(message); e.name = name; return e; };
let requestId;
let reported = false;
// Posts the outcome once, then asks for the next event: the run ends while that ask waits.
const report = (what, body, headers) => {
  if (reported) return;
  reported = true;
  call("POST", what, body, headers)
    .then(() => call("GET", "invocation/next"))
    .catch((e) => { process.stderr.write("Runtime API: " + e.message + "\\n"); process.exit(1); });
};
const failWith = (e) => {
  const doc = errorDocument(e);
  report(requestId === undefined ? "init/error" : "invocation/" + requestId + "/error", JSON.stringify(doc), { "Lambda-Runtime-Function-Error-Type": doc.errorType });
};
const succeedWith = (v) => {
  let text;
  try {
    text = JSON.stringify(v === undefined ? null : v);
  } catch (e) {
    return failWith(runtimeError("Runtime.MarshalError", "Unable to stringify response body"));
  }
  report("invocation/" + requestId + "/response", text);
};
// What ends the invocation when the event loop is empty (replaced by a callback that waits for it).
let onEmpty = () => undefined;
process.on("beforeExit", () => onEmpty());
process.on("uncaughtException", (e) => failWith(e));
process.on("unhandledRejection", (r) => failWith(runtimeError("Runtime.UnhandledPromiseRejection", String(r))));
(async () => {
  const handlerName = process.env._HANDLER || "";
  const dot = handlerName.lastIndexOf(".");
  const moduleName = handlerName.slice(0, dot);
  const exportName = handlerName.slice(dot + 1);
  const dir = process.env.LAMBDA_TASK_ROOT;
  const file = [".js", ".mjs", ".cjs"].map((e) => path.join(dir, moduleName + e)).find((f) => fs.existsSync(f));
  if (!file) throw runtimeError("Runtime.ImportModuleError", "Error: Cannot find module '" + moduleName + "'");
  const mod = await import(pathToFileURL(file).href);
  const handler = mod[exportName] ?? (mod.default && mod.default[exportName]);
  if (typeof handler !== "function") throw runtimeError("Runtime.HandlerNotFound", moduleName + "." + exportName + " is undefined or not exported");
  if (!callbacks && handler.length >= 3)
    throw runtimeError("Runtime.CallbackHandlerDeprecated", "ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24.");
  const next = await call("GET", "invocation/next");
  requestId = next.headers["lambda-runtime-aws-request-id"];
  const deadline = Number(next.headers["lambda-runtime-deadline-ms"]);
  if (next.headers["lambda-runtime-trace-id"]) process.env._X_AMZN_TRACE_ID = next.headers["lambda-runtime-trace-id"];
  const event = JSON.parse(next.body);
  const functionName = process.env.AWS_LAMBDA_FUNCTION_NAME;
  const context = {
    functionName,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    invokedFunctionArn: next.headers["lambda-runtime-invoked-function-arn"],
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  if (!callbacks) {
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
  /** The bootstrap's command line, run in the sandbox (the code is at `codeDir`). */
  readonly bootstrap: readonly string[];
  /** The environment Lambda gives the function's process (AWS_LAMBDA_RUNTIME_API is added by the Runtime API server). */
  readonly env: Readonly<Record<string, string>>;
  /** The function's timeout (the Runtime API server enforces it); the caller's limit should leave a margin above it. */
  readonly timeoutSeconds: number;
  /** The event file (JSON) in `dir`, or null for `{}`. */
  readonly eventFile: string | null;
  /** The function's ARN as the Runtime API gives it (an example account: the emulation knows none). */
  readonly functionArn: string;
  /** The temporary directory to remove afterwards (world-readable: the handler runs as nobody). */
  readonly dir: string;
  /** Where the handler's code is when it runs: the inline code's folder, or the mount point of the local code. */
  readonly codeDir: string;
  /** The local code folder (its real path) to bind read-only at `codeDir` in the sandbox; undefined for inline code. */
  readonly bind?: { readonly source: string; readonly target: string };
  /** What differs from Lambda here (e.g. the machine's Python is another version than the function's). */
  readonly notes: readonly string[];
}

/** A handler that --invoke cannot run as asked (its event, its code, its runtime), with what to do instead. */
export class InvokeError extends EmulationError {
  declare readonly hint: string;
  constructor(message: string, hint: string) {
    super("INVOKE_REFUSED", message, { hint });
    this.name = "InvokeError";
  }
}

export interface InvokeOptions {
  /** Where the temporary directory goes (default: the system's); outside /tmp when the handler gets a private /tmp. */
  readonly baseDir?: string;
  /** `--code DIR`: the handler's code folder instead of the template's (inline code or CodeUri). */
  readonly codeDir?: string;
  /** The region (AWS_REGION); default us-east-1. */
  readonly region?: string;
  /** Where to look for python3 (default: this process's PATH). */
  readonly path?: string;
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
  const choice = runtimeFamily(code.runtime, code.packageType);
  if ("notEmulated" in choice)
    throw new InvokeError(
      `function ${fn.id}: ${printable(choice.notEmulated)}`,
      "use --exec to run any command at the function's position",
    );
  const family = choice.family;
  const runtime = code.runtime as string;
  if (!Number.isFinite(code.timeoutSeconds) || code.timeoutSeconds > LAMBDA_MAX_TIMEOUT_SECONDS)
    throw new InvokeError(
      `function ${fn.id}: Timeout ${code.timeoutSeconds} is over Lambda's ${LAMBDA_MAX_TIMEOUT_SECONDS} seconds (AWS refuses it)`,
      `set Timeout to at most ${LAMBDA_MAX_TIMEOUT_SECONDS}`,
    );
  const handler = code.handler ?? "";
  // Node.js and Python load module.function; go1.x runs the executable the Handler names; a provided runtime's
  // bootstrap reads the Handler as it likes (it only has to be there for Lambda).
  const dot = handler.lastIndexOf(".");
  if ((family === "nodejs" || family === "python") && dot <= 0)
    throw new InvokeError(`function ${fn.id} has no handler of the form module.export (${handler || "none"})`, "set Handler");
  if (family === "go1.x" && handler === "")
    throw new InvokeError(`function ${fn.id} (go1.x) has no Handler naming its executable`, "set Handler");
  const modulePath = family === "nodejs" || family === "python" ? handler.slice(0, dot) : handler;
  if (/[\s\p{Cc}\\]/u.test(handler) || (family !== "provided" && (isAbsolute(modulePath) || modulePath.split("/").includes(".."))))
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
  const inlineFile = inlineFileName(family);
  if (options.codeDir === undefined && !isUnknown(source) && "inline" in source && inlineFile === undefined)
    throw new InvokeError(
      `function ${fn.id} runs ${runtime} with inline code: Lambda takes inline code for Node.js and Python only`,
      "give its bootstrap in a local CodeUri, or name the folder with --code DIR",
    );
  const python = family === "python" ? findPython(runtime, options.path ?? process.env.PATH ?? "") : undefined;
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
  if (family === "provided" || family === "go1.x") {
    const name = family === "provided" ? "bootstrap" : handler;
    checkExecutable(join(localDir as string, name), `the code of ${fn.id} (${runtime})`, name);
  }
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
  const files: string[] = [];
  const write = (path: string, text: string): void => {
    writeFileSync(path, text, { mode: 0o644 });
    files.push(path);
  };
  // Lambda writes inline code to index.js (Node.js) or index.py (Python).
  if (localDir === undefined && !isUnknown(source) && "inline" in source && inlineFile !== undefined)
    write(join(codeDir, inlineFile), source.inline);
  let bootstrap: string[];
  if (family === "nodejs") {
    write(join(dir, "le-bootstrap.cjs"), NODE_BOOTSTRAP);
    bootstrap = [process.execPath, join(dir, "le-bootstrap.cjs")];
  } else if (family === "python") {
    write(join(dir, "le-bootstrap.py"), PYTHON_BOOTSTRAP);
    // -u: its output unbuffered, so that what it prints comes before its result, as in Lambda's log.
    bootstrap = [(python as { path: string }).path, "-u", join(dir, "le-bootstrap.py")];
  } else bootstrap = [join(codeDir, family === "provided" ? "bootstrap" : handler)];
  if (event !== undefined) write(join(dir, "event.json"), event);
  // Whatever the umask: the handler (nobody) reads these.
  worldReadable([dir, codeDir], files);
  const region = options.region ?? "us-east-1";
  // An environment variable cannot hold NUL: the name as printable text.
  const functionName = printable(fn.name ?? fn.id);
  const now = new Date();
  const env = lambdaEnvironment({
    runtime,
    family,
    functionName,
    handler,
    memoryMb: code.memorySizeMb ?? LAMBDA_DEFAULT_MEMORY_MB,
    region,
    taskRoot: codeDir,
    runtimeDir: dir,
    variables: Object.fromEntries(
      // Only the values the template gives (a token stands for what it leaves open); an environment holds no NUL.
      Object.entries(fn.environment ?? {}).filter(([, v]) => !v.includes("${") && !v.includes("\0")),
    ),
    logStream: {
      date: `${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, "0")}/${String(now.getUTCDate()).padStart(2, "0")}`,
      hex: randomBytes(16).toString("hex"),
    },
  });
  return {
    bootstrap,
    env,
    timeoutSeconds: code.timeoutSeconds,
    eventFile: event === undefined ? null : join(dir, "event.json"),
    functionArn: emulatedFunctionArn(region, functionName),
    dir,
    codeDir,
    ...(localDir !== undefined ? { bind: { source: localDir, target: codeDir } } : {}),
    notes: python?.note !== undefined ? [python.note] : [],
  };
}

/** Refuses a bootstrap (or go1.x executable) that is missing or that the handler's user cannot run, as Lambda would. */
function checkExecutable(file: string, what: string, name: string): void {
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new InvokeError(`${what} has no ${name}`, `build the function's ${name} executable into the code folder`);
  }
  if (!st.isFile() || (st.mode & 0o001) === 0)
    throw new InvokeError(
      `${what}: ${name} is not an executable file everyone may run`,
      `chmod 755 ${name} (Lambda runs it as another user, and so does the emulation)`,
    );
}

/** Whether every user may run `file` (and search each folder above it): the handler runs as nobody. */
function runnableByAll(file: string): boolean {
  try {
    const real = realpathSync(file);
    if ((statSync(real).mode & 0o001) === 0 || !statSync(real).isFile()) return false;
    for (let d = dirname(real); ; d = dirname(d)) {
      if ((statSync(d).mode & 0o001) === 0) return false;
      if (dirname(d) === d) return true;
    }
  } catch {
    return false;
  }
}

/**
 * The machine's python3 for a Python function: the first on `path` that the handler's user (nobody) can run (a python3
 * under a private home, as pyenv's, is passed over), and a note when its version is not the function's.
 */
export function findPython(runtime: string, path: string): { path: string; note?: string } {
  const candidates = path
    .split(":")
    .filter((d) => isAbsolute(d))
    .map((d) => join(d, "python3"));
  const found = candidates.find((c) => existsSync(c) && runnableByAll(c));
  if (found === undefined)
    throw new InvokeError(
      `the ${runtime} runtime needs python3 on this machine, and there is none that every user may run`,
      "install Python 3 (e.g. apt-get install python3)",
    );
  const r = spawnSync(found, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], { encoding: "utf8", timeout: 10000 });
  const version = r.status === 0 ? r.stdout.trim() : undefined;
  if (version === undefined)
    throw new InvokeError(`the ${runtime} runtime needs python3: ${found} does not run`, "install Python 3 (e.g. apt-get install python3)");
  return `python${version}` === runtime
    ? { path: found }
    : { path: found, note: `${runtime} runs with this machine's Python ${version} (${found})` };
}

/** The command that runs the Runtime API server (servers/runtime-api.ts) with `config`, inside an ENI's namespace. */
export function runtimeApiCommand(config: RuntimeApiConfig): string[] {
  return [process.execPath, join(serverDir(), "runtime-api.js"), JSON.stringify(config)];
}
