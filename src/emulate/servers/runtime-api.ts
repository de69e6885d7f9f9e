// The Lambda Runtime API of one invocation (`emulate --invoke`), and the timer of `--exec`. Started by the CLI inside a
// function ENI's network namespace (`ip netns exec`), outside the sandbox: it serves the documented 2018-06-01 API on
// 127.0.0.1 (Lambda's 127.0.0.1:9001; another free port when that one is taken), a loopback address that only the
// processes of that namespace reach, and those are this server and the function's. It starts the function's bootstrap
// in the sandbox (the command in the config) with Lambda's environment and AWS_LAMBDA_RUNTIME_API, hands it one event
// on `invocation/next`, and prints what the bootstrap posts: `{"result":...}` after `invocation/ID/response`, the error
// document after `invocation/ID/error` or `init/error` (Lambda's shape: errorType, errorMessage and the runtime's stack
// trace), `Runtime.ExitError` when the bootstrap exits without either, and Lambda's `Task timed out after N.00
// seconds` at the function's timeout (counted from the bootstrap's start, its init included).
//
// At the timeout (or --exec's limit) it first lists the TCP connections of the namespace still waiting for an answer
// (SYN sent, none back: /proc/net/tcp and tcp6), one `TOKEN pending ADDRESS:PORT` line each on stderr for the CLI, and
// `TOKEN timed-out`, then kills the process group and exits with 124, as timeout(1) does.
//
// Written by hand: the Runtime API is four paths and four headers, and AWS publishes it as a document, not a library.
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { accessSync, constants, readFileSync } from "node:fs";
import { constants as osConstants } from "node:os";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";

export interface RuntimeApiConfig {
  /** `invoke`: serve the Runtime API to `command`; `exec`: only run `command` within the limit. */
  readonly mode: "invoke" | "exec";
  /** What to start (the sandbox's command line, the bootstrap at its end), in its own process group. */
  readonly command: readonly string[];
  /** invoke: the bootstrap's whole environment (AWS_LAMBDA_RUNTIME_API is added); exec: added to this process's. */
  readonly env: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  /** The event (JSON), or null for `{}`. */
  readonly eventFile: string | null;
  readonly functionArn: string;
  /** Starts the lines this process writes for the CLI on stderr (the rest is the function's own output). */
  readonly token: string;
  /** Variables of this process's environment passed on to the bootstrap (the run's CA). */
  readonly passEnv?: readonly string[];
  /** Ask for Lambda's port (9001) first; false: any free port (tests on a shared host). */
  readonly lambdaPort?: boolean;
}

const API = "/2018-06-01/runtime";
/** Lambda's limit for a synchronous response (and error) payload. */
const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** Lambda's port for the Runtime API. */
const LAMBDA_PORT = 9001;

/** The remote address:port of every socket of /proc/net/tcp{,6}'s text in state SYN_SENT (02). */
export function pendingConnections(tcp: string, tcp6: string): string[] {
  const out: string[] = [];
  const v4 = (hex: string): string =>
    (hex.match(/../g) ?? [])
      .reverse()
      .map((b) => parseInt(b, 16))
      .join(".");
  const v6 = (hex: string): string => {
    // Four 32-bit words, each in the host's (little-endian) byte order.
    const words = hex.match(/.{8}/g) ?? [];
    const bytes = words.flatMap((w) => (w.match(/../g) ?? []).reverse());
    const groups = [];
    for (let i = 0; i < 16; i += 2) groups.push(parseInt(`${bytes[i]}${bytes[i + 1]}`, 16).toString(16));
    const text = groups.join(":");
    const mapped = /^0:0:0:0:0:ffff:([0-9a-f]+):([0-9a-f]+)$/.exec(text);
    if (mapped) {
      const n = (parseInt(mapped[1] as string, 16) << 16) | parseInt(mapped[2] as string, 16);
      return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
    }
    // The URL parser writes an IPv6 address in its shortest form.
    return new URL(`http://[${text}]/`).hostname;
  };
  for (const [text, addr] of [
    [tcp, v4],
    [tcp6, v6],
  ] as const)
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f[3] !== "02" || f[2] === undefined) continue;
      const [a, p] = f[2].split(":") as [string, string];
      const entry = `${addr(a)}:${parseInt(p, 16)}`;
      if (!out.includes(entry)) out.push(entry);
    }
  return out;
}

function readProc(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

/** Reads a request's body up to `max` bytes; undefined when it is larger. */
function readBody(req: IncomingMessage, max: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > max) over = true;
      else chunks.push(c);
    });
    req.on("end", () => resolve(over ? undefined : Buffer.concat(chunks)));
    req.on("error", () => resolve(undefined));
  });
}

/** A trace header in X-Ray's format (Root=1-<time>-<24 hex>;Parent=<16 hex>;Sampled=0). */
function traceId(now: number): string {
  return `Root=1-${Math.floor(now / 1000).toString(16)}-${randomBytes(12).toString("hex")};Parent=${randomBytes(8).toString("hex")};Sampled=0`;
}

/** What the invocation printed: its final line and exit code. */
function errorLine(errorType: string, errorMessage: string): string {
  return JSON.stringify({ errorType, errorMessage });
}

/** An error document as the runtime posted it when it is a JSON object, else Lambda's shape around its text. */
function errorDocument(body: Buffer, typeHeader: string | undefined): string {
  const text = body.toString("utf8");
  try {
    const v = JSON.parse(text) as unknown;
    if (v !== null && typeof v === "object" && !Array.isArray(v)) return JSON.stringify(v);
  } catch {
    // not JSON: wrapped below
  }
  return errorLine(typeHeader ?? "Unhandled", text);
}

/** The response payload as `{"result": ...}`: its JSON, or its text when it is not JSON. */
function resultLine(body: Buffer): string {
  const text = body.toString("utf8");
  let value: unknown = text;
  try {
    value = text === "" ? null : (JSON.parse(text) as unknown);
  } catch {
    // a payload that is not JSON is shown as its text
  }
  return JSON.stringify({ result: value });
}

function which(cmd: string, path: string | undefined): string {
  if (cmd.includes("/")) return cmd;
  for (const d of (path ?? "/usr/bin:/bin").split(":")) {
    const p = `${d}/${cmd}`;
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return cmd;
}

export async function main(config: RuntimeApiConfig): Promise<void> {
  const started = Date.now();
  const deadline = started + config.timeoutSeconds * 1000;
  const requestId = randomUUID();
  const trace = traceId(started);
  let finished = false;
  let child: ReturnType<typeof spawn> | undefined;
  const killGroup = (): void => {
    if (child?.pid === undefined) return;
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  };
  const finish = (line: string | undefined, code: number): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    killGroup();
    server?.close();
    server?.closeAllConnections();
    if (line === undefined) process.exit(code);
    else process.stdout.write(`${line}\n`, () => process.exit(code));
  };
  const timer = setTimeout(() => {
    for (const p of pendingConnections(readProc("/proc/net/tcp"), readProc("/proc/net/tcp6")))
      process.stderr.write(`${config.token} pending ${p}\n`);
    // So that a command's own exit code 124 is not taken for a timeout.
    process.stderr.write(`${config.token} timed-out\n`);
    finish(
      config.mode === "invoke"
        ? errorLine("Sandbox.Timedout", `Task timed out after ${config.timeoutSeconds.toFixed(2)} seconds`)
        : undefined,
      124,
    );
  }, config.timeoutSeconds * 1000);

  let server: ReturnType<typeof createServer> | undefined;
  const env: Record<string, string> = {};
  if (config.mode === "invoke") {
    const event = config.eventFile === null ? Buffer.from("{}") : readFileSync(config.eventFile);
    let handedOut = false;
    const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
      const text = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(text);
    };
    const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
      const url = (req.url ?? "").split("?")[0] ?? "";
      if (req.method === "GET" && url === `${API}/invocation/next`) {
        // One invocation: the next ask waits, as a frozen runtime would, until the run ends.
        if (handedOut) return;
        handedOut = true;
        reply(res, 200, event, {
          "Lambda-Runtime-Aws-Request-Id": requestId,
          "Lambda-Runtime-Deadline-Ms": String(deadline),
          "Lambda-Runtime-Invoked-Function-Arn": config.functionArn,
          "Lambda-Runtime-Trace-Id": trace,
        });
        return;
      }
      const m = /^\/2018-06-01\/runtime\/(?:invocation\/([^/]+)\/(response|error)|(init)\/error)$/.exec(url);
      if (req.method !== "POST" || !m) {
        reply(res, 404, { errorType: "NotFound", errorMessage: `no ${req.method} ${url} in the Runtime API` });
        return;
      }
      if (m[3] === undefined && (m[1] !== requestId || !handedOut)) {
        reply(res, 400, { errorType: "InvalidRequestID", errorMessage: "Invalid request ID" });
        return;
      }
      const body = await readBody(req, MAX_PAYLOAD_BYTES);
      if (body === undefined) {
        reply(res, 413, { errorType: "RequestEntityTooLarge", errorMessage: "over 6291456 bytes" });
        finish(
          errorLine(
            "Function.ResponseSizeTooLarge",
            `Response payload size exceeded maximum allowed payload size (${MAX_PAYLOAD_BYTES} bytes).`,
          ),
          1,
        );
        return;
      }
      reply(res, 202, { status: "OK" });
      const typeHeader = req.headers["lambda-runtime-function-error-type"];
      if (m[2] === "response") finish(resultLine(body), 0);
      else finish(errorDocument(body, typeof typeHeader === "string" ? typeHeader : undefined), 1);
    };
    server = createServer((req, res) => void handle(req, res));
    const listen = (port: number): Promise<number> =>
      new Promise((resolve, reject) => {
        server?.once("error", reject);
        server?.listen(port, "127.0.0.1", () => {
          server?.removeListener("error", reject);
          const a = server?.address();
          resolve(typeof a === "object" && a !== null ? a.port : port);
        });
      });
    let port: number;
    try {
      port = await listen(config.lambdaPort === false ? 0 : LAMBDA_PORT);
    } catch {
      port = await listen(0);
    }
    for (const k of config.passEnv ?? []) {
      const v = process.env[k];
      if (v !== undefined) env[k] = v;
    }
    Object.assign(env, config.env, { AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}` });
  } else Object.assign(env, process.env, config.env);

  const [cmd, ...args] = config.command as [string, ...string[]];
  // The sandbox's tools are found with this process's PATH; the bootstrap gets Lambda's.
  child = spawn(which(cmd, process.env.PATH), args, { stdio: ["ignore", "inherit", "inherit"], env, detached: true });
  child.on("error", (e) => {
    process.stderr.write(`cannot start ${cmd}: ${e.message}\n`);
    finish(config.mode === "invoke" ? errorLine("Runtime.InvalidEntrypoint", e.message) : undefined, 127);
  });
  child.on("exit", (code, signal) => {
    if (config.mode === "exec") {
      finish(undefined, code ?? 128 + (signal === null ? 0 : osConstants.signals[signal]));
      return;
    }
    // Lambda's words for a runtime that exits before it answers.
    const status = code !== null ? `exit status ${code}` : `signal: ${signal === "SIGKILL" ? "killed" : String(signal)}`;
    finish(errorLine("Runtime.ExitError", `RequestId: ${requestId} Error: Runtime exited with error: ${status}`), 1);
  });
}

const arg = process.argv[2];
if (arg !== undefined && process.argv[1]?.endsWith("runtime-api.js")) {
  void main(JSON.parse(arg) as RuntimeApiConfig);
}
