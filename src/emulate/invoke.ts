// `emulate --invoke`: runs a function's own Node.js handler with an event at its ENI's position. The handler's code
// (inline or a local directory) and a small bootstrap go to a temporary directory; the bootstrap calls the handler as
// Lambda does (promise or callback), enforces the function's timeout with Lambda's message, and prints one JSON line.
import { existsSync, mkdtempSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import type { LambdaFunction } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";

/** The bootstrap (CommonJS): argv = code dir, module, export, timeout seconds, event file (or ""), function name. */
const BOOTSTRAP = `"use strict";
const fs = require("fs");
const path = require("path");
const { pathToFileURL } = require("url");
const [dir, moduleName, exportName, timeoutSeconds, eventFile, functionName] = process.argv.slice(2);
const limitMs = Number(timeoutSeconds) * 1000;
const started = Date.now();
const print = (o, code) => { process.stdout.write(JSON.stringify(o) + "\\n"); process.exit(code); };
setTimeout(() => print({ errorType: "Sandbox.Timedout", errorMessage: "Task timed out after " + Number(timeoutSeconds).toFixed(2) + " seconds" }, 1), limitMs).unref();
(async () => {
  const file = [".js", ".mjs", ".cjs"].map((e) => path.join(dir, moduleName + e)).find((f) => fs.existsSync(f));
  if (!file) throw new Error("Cannot find module '" + moduleName + "' in " + dir);
  const mod = await import(pathToFileURL(file).href);
  const handler = mod[exportName] ?? (mod.default && mod.default[exportName]);
  if (typeof handler !== "function") throw new Error(moduleName + "." + exportName + " is not a function");
  const event = eventFile ? JSON.parse(fs.readFileSync(eventFile, "utf8")) : {};
  const context = {
    functionName,
    awsRequestId: "emulated-request",
    getRemainingTimeInMillis: () => Math.max(0, limitMs - (Date.now() - started)),
  };
  const result = await new Promise((res, rej) => {
    const r = handler(event, context, (err, value) => (err ? rej(err) : res(value)));
    if (r && typeof r.then === "function") r.then(res, rej);
  });
  print({ result: result === undefined ? null : result }, 0);
})().catch((e) => print({ errorType: (e && e.name) || "Error", errorMessage: (e && e.message) || String(e) }, 1));
`;

export interface Invocation {
  /** The command and arguments to run at the ENI's position. */
  readonly command: readonly string[];
  /** The function's timeout (the bootstrap enforces it); the caller's limit should leave a margin above it. */
  readonly timeoutSeconds: number;
  /** The temporary directory to remove afterwards. */
  readonly dir: string;
}

export class InvokeError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.hint = hint;
  }
}

/**
 * Writes the function's code and the bootstrap to a temporary directory. `templateFile` locates a `CodeUri` path;
 * `eventFile` is the event (JSON) or undefined for `{}`. Throws InvokeError when the function cannot be run here.
 */
export function prepareInvocation(fn: LambdaFunction, templateFile: string, eventFile: string | undefined): Invocation {
  const code = fn.code;
  if (!code) throw new InvokeError(`function ${fn.id} has no code the template shows`, "use --exec to run a command instead");
  if (!code.runtime?.startsWith("nodejs")) {
    throw new InvokeError(
      `function ${fn.id} runs ${code.runtime ?? "an unknown runtime"}; --invoke runs Node.js handlers only`,
      "use --exec to run any command at the function's position",
    );
  }
  const handler = code.handler ?? "";
  const dot = handler.lastIndexOf(".");
  if (dot <= 0) throw new InvokeError(`function ${fn.id} has no handler of the form module.export (${handler || "none"})`, "set Handler");
  if (isUnknown(code.source))
    throw new InvokeError(`cannot run ${fn.id}: ${code.source.reason}`, "use --exec, or a template with inline code or a local CodeUri");
  // Everything that can be refused is checked before the temporary directory exists, so a refusal leaves nothing behind.
  const event = eventFile === undefined ? "" : resolve(eventFile);
  if (event !== "" && !existsSync(event)) throw new InvokeError(`${eventFile}: no such file`, "--event takes a JSON file");
  const source = code.source;
  const localDir = "path" in source ? resolve(dirname(templateFile), source.path) : undefined;
  if ("path" in source && localDir !== undefined && (!existsSync(localDir) || !statSync(localDir).isDirectory())) {
    throw new InvokeError(
      `the code of ${fn.id}, ${source.path}, is not a local directory`,
      "build it first (e.g. sam build), or use --exec",
    );
  }
  const dir = mkdtempSync(join(tmpdir(), "le-invoke-"));
  // Lambda writes inline Node.js code to index.js.
  if ("inline" in source) writeFileSync(join(dir, "index.js"), source.inline);
  const codeDir = localDir ?? dir;
  writeFileSync(join(dir, "le-bootstrap.cjs"), BOOTSTRAP);
  return {
    command: [
      process.execPath,
      join(dir, "le-bootstrap.cjs"),
      codeDir,
      handler.slice(0, dot),
      handler.slice(dot + 1),
      String(code.timeoutSeconds),
      event,
      fn.name ?? fn.id,
    ],
    timeoutSeconds: code.timeoutSeconds,
    dir,
  };
}
