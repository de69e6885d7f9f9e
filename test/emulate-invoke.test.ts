// emulate --invoke's preparation (no privileges needed): the handler and the bootstrap in a temporary directory, and
// refusals that leave nothing behind.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { findPython, InvokeError, prepareInvocation, runtimeApiCommand } from "../src/emulate/invoke.ts";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import type { LambdaFunction } from "../src/model/types.ts";
import { runtimeFamily } from "../src/emulate/runtimes.ts";
import { ROOT } from "./support/helpers.ts";

const EXAMPLE = join(ROOT, "examples", "nat-gateway-per-az", "template.yaml");
const fn = loadCloudFormation(EXAMPLE, readFileSync(EXAMPLE, "utf8"))
  .functions()
  .find((f) => f.id === "PartnerApiFunction");
/** Why the Python tests cannot run here (no python3 every user may run), or undefined. */
function pythonMissing(): string | undefined {
  try {
    findPython("python3.12", process.env.PATH ?? "");
    return undefined;
  } catch (e) {
    process.stdout.write(`# Python bootstrap tests skipped: ${(e as Error).message}\n`);
    return (e as Error).message;
  }
}
const invokeDirs = (): string[] => readdirSync(tmpdir()).filter((d) => d.startsWith("le-invoke-"));

describe("emulate --invoke: preparing the handler", () => {
  it("reads the function's runtime, handler, timeout and inline code from the template", () => {
    assert.ok(fn?.code);
    assert.equal(fn.code.runtime, "nodejs22.x");
    assert.equal(fn.code.handler, "index.handler");
    assert.equal(fn.code.timeoutSeconds, 10);
    assert.ok("inline" in fn.code.source && fn.code.source.inline.includes("checkip.amazonaws.com"));
  });

  it("writes the inline code as index.js beside the bootstrap, and gives it Lambda's environment", () => {
    assert.ok(fn);
    const inv = prepareInvocation(fn, EXAMPLE, undefined, { region: "eu-west-1" });
    try {
      assert.equal(inv.timeoutSeconds, 10);
      assert.ok(existsSync(join(inv.dir, "task", "index.js")));
      assert.equal(inv.codeDir, join(inv.dir, "task"));
      assert.equal(inv.bind, undefined, "inline code: nothing to bind");
      assert.deepEqual(inv.bootstrap, [process.execPath, join(inv.dir, "le-bootstrap.cjs")]);
      assert.equal(inv.eventFile, null);
      assert.equal(inv.functionArn, "arn:aws:lambda:eu-west-1:123456789012:function:PartnerApiFunction");
      const { AWS_LAMBDA_LOG_STREAM_NAME: stream, ...env } = inv.env;
      assert.match(stream ?? "", /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
      assert.deepEqual(env, {
        _HANDLER: "index.handler",
        AWS_REGION: "eu-west-1",
        AWS_DEFAULT_REGION: "eu-west-1",
        AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
        AWS_LAMBDA_FUNCTION_NAME: "PartnerApiFunction",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128",
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
        AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/PartnerApiFunction",
        LAMBDA_TASK_ROOT: join(inv.dir, "task"),
        LAMBDA_RUNTIME_DIR: inv.dir,
        LANG: "en_US.UTF-8",
        TZ: ":UTC",
        PATH: "/usr/local/bin:/usr/bin:/bin",
      });
    } finally {
      rmSync(inv.dir, { recursive: true, force: true });
    }
  });

  it("refuses a missing event file with InvokeError, leaving no temporary directory", () => {
    assert.ok(fn);
    const before = invokeDirs();
    assert.throws(() => prepareInvocation(fn, EXAMPLE, "/nonexistent/event.json"), InvokeError);
    assert.deepEqual(invokeDirs(), before);
  });
});

describe("emulate --invoke: what the template says is checked before anything is written", () => {
  const base = {
    id: "Fn",
    name: "Fn\u0000\n$(reboot)",
    code: { runtime: "nodejs22.x", handler: "index.handler", timeoutSeconds: 3, source: { inline: "exports.handler = async () => 1;" } },
  };
  const make = (code: Record<string, unknown>) => ({ ...base, code: { ...base.code, ...code } }) as unknown as LambdaFunction;
  for (const [what, code, message] of [
    ["a runtime with a NUL", { runtime: "nodejs22.x\u0000" }, /"nodejs22\.x\\u0000" is not a Lambda runtime --invoke knows/],
    ["a timeout over Lambda's 900 seconds", { timeoutSeconds: 1e10 }, /Timeout 10000000000 is over Lambda's 900 seconds/],
    ["a handler with a NUL", { handler: "index\u0000.handler" }, /Handler "index\\u0000\.handler" leaves the function's code folder/],
    ["an absolute handler path", { handler: "/etc/x.handler" }, /Handler "\/etc\/x\.handler" leaves/],
  ] as const) {
    it(`refuses ${what}, leaving no temporary directory`, () => {
      const before = invokeDirs();
      assert.throws(
        () => prepareInvocation(make(code), EXAMPLE, undefined),
        (e: Error) => e instanceof InvokeError && message.test(e.message),
      );
      assert.deepEqual(invokeDirs(), before);
    });
  }
  it("passes the function's name as printable text (an environment variable cannot hold NUL)", () => {
    const inv = prepareInvocation(make({}), EXAMPLE, undefined);
    try {
      assert.equal(inv.env.AWS_LAMBDA_FUNCTION_NAME, "Fn\\x00\\n$(reboot)");
    } finally {
      rmSync(inv.dir, { recursive: true, force: true });
    }
  });
});

/**
 * Runs `code` (index.js, or index.py for a Python runtime) through its bootstrap under the Runtime API server on this
 * host (no emulation, any free port): its stdout lines, the last one parsed, the exit code and the time taken.
 */
export function invoke(
  code: string,
  runtime = "nodejs22.x",
  timeoutSeconds = 5,
  handler = "index.handler",
): { lines: string[]; report: Record<string, unknown>; ms: number; code: number | null; stderr: string } {
  const f = {
    id: "Fn",
    name: null,
    code: { runtime, handler, timeoutSeconds, source: { inline: code } },
  } as unknown as LambdaFunction;
  const inv = prepareInvocation(f, EXAMPLE, undefined);
  try {
    const [cmd, ...args] = runtimeApiCommand({
      mode: "invoke",
      command: inv.bootstrap,
      env: inv.env,
      timeoutSeconds: inv.timeoutSeconds,
      eventFile: inv.eventFile,
      functionArn: inv.functionArn,
      token: "le-test",
      lambdaPort: false,
    }) as [string, ...string[]];
    const started = Date.now();
    const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 20000 });
    const lines = r.stdout.trim().split("\n");
    return {
      lines,
      report: JSON.parse(lines.at(-1) ?? "null") as Record<string, unknown>,
      ms: Date.now() - started,
      code: r.status,
      stderr: r.stderr,
    };
  } finally {
    rmSync(inv.dir, { recursive: true, force: true });
  }
}

/** An error report without its stack trace (checked to be a list of strings). */
function withoutTrace(report: Record<string, unknown>, key = "trace"): Record<string, unknown> {
  const { [key]: trace, ...rest } = report;
  assert.ok(Array.isArray(trace) && trace.every((l) => typeof l === "string"), JSON.stringify(report));
  return rest;
}

describe("emulate --invoke: the bootstrap ends an invocation as Lambda's Node.js runtime does", () => {
  it("seed 000's handler style: a non-async (event, context) handler that never calls back ends with null when the event loop is empty", () => {
    const r = invoke("exports.handler = function (event, context) { setTimeout(() => console.log('Got response: 200'), 300); };");
    assert.deepEqual(r.lines, ["Got response: 200", '{"result":null}']);
    assert.ok(r.ms >= 300, `${r.ms} ms`);
  });

  it("context.done('error', e) fails at once with the error's typeof as its type (legacy context methods)", () => {
    const r = invoke("exports.handler = function (event, context) { setTimeout(() => {}, 3000); context.done('error', new Error('x')); };");
    assert.deepEqual(r.report, { errorType: "string", errorMessage: "error", trace: [] });
    assert.ok(r.ms < 2500, `${r.ms} ms`);
  });

  it("context.succeed and context.fail end at once; fail() without an error fails with 'handled'; only the first call counts", () => {
    const ok = invoke("exports.handler = (e, c) => { setTimeout(() => {}, 3000); c.succeed({ a: 1 }); c.fail(new Error('late')); };");
    assert.deepEqual(ok.report, { result: { a: 1 } });
    assert.ok(ok.ms < 2500, `${ok.ms} ms`);
    assert.deepEqual(invoke("exports.handler = (e, c) => c.fail();").report, { errorType: "string", errorMessage: "handled", trace: [] });
    assert.deepEqual(withoutTrace(invoke("exports.handler = (e, c) => c.fail(new TypeError('bad'));").report), {
      errorType: "TypeError",
      errorMessage: "bad",
    });
  });

  it("callback(null, value) waits for the event loop to empty, unless callbackWaitsForEmptyEventLoop is false; callback(err) does not wait", () => {
    const waits = invoke("exports.handler = (e, c, cb) => { setTimeout(() => console.log('later'), 500); cb(null, 'v'); };");
    assert.deepEqual(waits.lines, ["later", '{"result":"v"}']);
    const now = invoke(
      "exports.handler = (e, c, cb) => { c.callbackWaitsForEmptyEventLoop = false; setTimeout(() => console.log('later'), 3000); cb(null, 'v'); };",
    );
    assert.deepEqual(now.lines, ['{"result":"v"}']);
    assert.ok(now.ms < 2500, `${now.ms} ms`);
    const err = invoke("exports.handler = (e, c, cb) => { setTimeout(() => {}, 3000); cb(new RangeError('r')); };");
    assert.deepEqual(withoutTrace(err.report), { errorType: "RangeError", errorMessage: "r" });
    assert.ok(err.ms < 2500, `${err.ms} ms`);
  });

  it("a promise ends at once when it settles; an async handler whose promise never settles fails with Runtime.NodeJsExit", () => {
    assert.deepEqual(invoke("exports.handler = async () => ({ statusCode: 200 });").report, { result: { statusCode: 200 } });
    const boom = invoke("exports.handler = async () => { throw new Error('boom'); };");
    assert.equal((boom.report.trace as string[])[0], "Error: boom", "the stack's lines, as Lambda's Node.js runtime posts them");
    assert.deepEqual(withoutTrace(boom.report), {
      errorType: "Error",
      errorMessage: "boom",
    });
    assert.equal(invoke("exports.handler = async () => new Promise(() => {});").report.errorType, "Runtime.NodeJsExit");
  });

  it("Lambda's timeout message at the function's Timeout", () => {
    const r = invoke("exports.handler = () => { setInterval(() => {}, 1000); };", "nodejs22.x", 1);
    assert.deepEqual(r.report, { errorType: "Sandbox.Timedout", errorMessage: "Task timed out after 1.00 seconds" });
    assert.equal(r.code, 124, "exit code 124, as timeout(1)");
  });

  it("nodejs24.x: no callbacks; a handler with three parameters is refused, a plain one is awaited and context.done is gone", () => {
    assert.equal(
      invoke("exports.handler = (e, c, cb) => cb(null, 1);", "nodejs24.x").report.errorType,
      "Runtime.CallbackHandlerDeprecated",
    );
    const r = invoke("exports.handler = (e, c) => { setTimeout(() => {}, 3000); return typeof c.done; };", "nodejs24.x");
    assert.deepEqual(r.report, { result: "undefined" });
    assert.ok(r.ms < 2500, `${r.ms} ms`);
  });

  it("a missing module or export fails as Lambda reports it", () => {
    assert.equal(invoke("exports.other = () => 1;").report.errorType, "Runtime.HandlerNotFound");
  });
});

describe("emulate --invoke: Python 3 through the Runtime API (the machine's python3)", { skip: pythonMissing() }, () => {
  it("calls module.function with the event and a context as Lambda's: aws_request_id, function_name, get_remaining_time_in_millis", () => {
    const r = invoke(
      [
        "import os, time",
        "def handler(event, context):",
        "    before = context.get_remaining_time_in_millis()",
        "    time.sleep(0.3)",
        "    print('hello from python')",
        "    return {'event': event, 'id': context.aws_request_id, 'name': context.function_name, 'version': context.function_version,",
        "            'arn': context.invoked_function_arn, 'memory': context.memory_limit_in_mb, 'group': context.log_group_name,",
        "            'before': before, 'after': context.get_remaining_time_in_millis(), 'handler': os.environ['_HANDLER'],",
        "            'api': os.environ['AWS_LAMBDA_RUNTIME_API'].split(':')[0], 'trace': os.environ.get('_X_AMZN_TRACE_ID', '')[:7]}",
      ].join("\n"),
      "python3.12",
      4,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.lines[0], "hello from python", "what it prints comes before its result");
    const v = (r.report as { result: Record<string, unknown> }).result;
    assert.match(String(v.id), /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const { id: _id, before, after, ...rest } = v;
    assert.deepEqual(rest, {
      event: {},
      name: "Fn",
      version: "$LATEST",
      arn: "arn:aws:lambda:us-east-1:123456789012:function:Fn",
      memory: "128",
      group: "/aws/lambda/Fn",
      handler: "index.handler",
      api: "127.0.0.1",
      trace: "Root=1-",
    });
    assert.ok(typeof before === "number" && before <= 4000 && before > 2500, `before ${String(before)}`);
    assert.ok(typeof after === "number" && before - after >= 250 && before - after < 1500, `after ${String(after)}`);
  });

  it("an unhandled exception comes back in Lambda's shape: errorMessage, errorType, requestId, stackTrace; exit code 1", () => {
    const r = invoke("def handler(event, context):\n    raise ValueError('boom')\n", "python3.12");
    assert.equal(r.code, 1);
    const { stackTrace, requestId, ...rest } = r.report;
    assert.deepEqual(rest, { errorMessage: "boom", errorType: "ValueError" });
    assert.match(String(requestId), /^[0-9a-f-]{36}$/);
    assert.ok(Array.isArray(stackTrace) && stackTrace.length === 1, JSON.stringify(stackTrace));
    assert.match(String(stackTrace[0]), /File ".*index\.py", line 2, in handler\n\s+raise ValueError\('boom'\)/);
    assert.match(r.stderr, /\[ERROR\] ValueError: boom/);
  });

  it("a missing module, a missing function and a result that is not JSON fail as Lambda's Python runtime reports them", () => {
    const noModule = invoke("x = 1\n", "python3.12", 3, "nothere.handler");
    assert.deepEqual(withoutTrace(noModule.report, "stackTrace"), {
      errorMessage: "Unable to import module 'nothere': No module named 'nothere'",
      errorType: "Runtime.ImportModuleError",
    });
    assert.deepEqual(withoutTrace(invoke("x = 1\n", "python3.12").report, "stackTrace"), {
      errorMessage: "Handler 'handler' missing on module 'index'",
      errorType: "Runtime.HandlerNotFound",
    });
    const marshal = invoke("def handler(e, c):\n    return object()\n", "python3.12");
    assert.equal(marshal.report.errorType, "Runtime.MarshalError");
  });

  it("Task timed out after N.00 seconds at the function's Timeout, exit code 124", () => {
    const r = invoke("import time\ndef handler(e, c):\n    time.sleep(30)\n", "python3.12", 1);
    assert.deepEqual(r.report, { errorType: "Sandbox.Timedout", errorMessage: "Task timed out after 1.00 seconds" });
    assert.equal(r.code, 124);
    assert.ok(r.ms < 5000, `${r.ms} ms`);
  });

  it("a machine without a python3 every user may run: a clear error naming the runtime, nothing written", () => {
    const before = invokeDirs();
    assert.throws(
      () => findPython("python3.12", "/nonexistent:relative/bin"),
      (e: Error) =>
        e instanceof InvokeError &&
        e.message === "the python3.12 runtime needs python3 on this machine, and there is none that every user may run" &&
        /install Python 3/.test(e.hint),
    );
    const f = {
      id: "Fn",
      name: null,
      code: { runtime: "python3.13", handler: "index.handler", timeoutSeconds: 3, source: { inline: "def handler(e, c): pass" } },
    } as unknown as LambdaFunction;
    assert.throws(() => prepareInvocation(f, EXAMPLE, undefined, { path: "/nonexistent" }), /the python3\.13 runtime needs python3/);
    assert.deepEqual(invokeDirs(), before);
  });
});

describe("emulate --invoke: runtimes it does not emulate get one clear line", () => {
  for (const [what, code, message] of [
    ["Java", { runtime: "java21" }, /function Fn: the "java21" runtime is not emulated/],
    [".NET", { runtime: "dotnet8" }, /the "dotnet8" runtime is not emulated/],
    ["Ruby", { runtime: "ruby3.3" }, /the "ruby3\.3" runtime is not emulated/],
    ["a container image", { runtime: null, packageType: "Image" }, /a container image \(PackageType Image\) is not emulated/],
  ] as const) {
    it(`${what}: not emulated, with --exec as the way out`, () => {
      const f = {
        id: "Fn",
        name: null,
        code: { handler: "index.handler", timeoutSeconds: 3, source: { inline: "" }, ...code },
      } as unknown as LambdaFunction;
      assert.throws(
        () => prepareInvocation(f, EXAMPLE, undefined),
        (e: Error) => e instanceof InvokeError && message.test(e.message) && /--exec/.test(e.hint),
      );
    });
  }
});

describe("emulate --invoke: which bootstrap runs a Runtime", () => {
  it("Node.js (any version name), Python 3, the OS-only runtimes and go1.x; Python 2 is not emulated", () => {
    assert.deepEqual(
      ["nodejs22.x", "nodejs24.x", "nodejs4.3", "python3.13", "provided.al2023", "provided.al2", "provided", "go1.x"].map((r) => {
        const c = runtimeFamily(r, undefined);
        return "family" in c ? c.family : c.notEmulated;
      }),
      ["nodejs", "nodejs", "nodejs", "python", "provided", "provided", "provided", "go1.x"],
    );
    assert.deepEqual(runtimeFamily("python2.7", "Zip"), {
      notEmulated: 'the "python2.7" runtime is not emulated (--invoke runs Node.js, Python 3, provided.al2/al2023 and go1.x)',
    });
    assert.deepEqual(runtimeFamily("nodejs22.x", "Image"), {
      notEmulated: "a container image (PackageType Image) is not emulated by --invoke",
    });
  });
});
