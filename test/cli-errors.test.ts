// One error model and one printer: every command's usage errors are one class with the command's help as the hint,
// every command prints a bug as a bug (with the "please report" line), and the library's errors share a base class.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { execute, run } from "../src/cli/main.ts";
import { printError } from "../src/cli/print-error.ts";
import { UsageError } from "../src/errors.ts";
import {
  DestinationError,
  LambdaEgressError,
  LoadError,
  parseDestination,
  parseInlineTraffic,
  PriceDataError,
  regionPrices,
  SelectionError,
  TrafficError,
  traceTemplate,
} from "../src/index.ts";
import { runCli } from "./support/cli-helpers.ts";
import { ROOT } from "./support/helpers.ts";

const EXAMPLE = join(ROOT, "examples", "nat-gateway-per-az", "template.yaml");
const FN = "PartnerApiFunction";
const BUG = "  hint: this is a bug; please report it with the template (LAMBDA_EGRESS_DEBUG=1 shows the stack)\n";

/** An Io whose standard output throws on the first write: a bug injected into whatever the command prints. */
function brokenOutput(env: Record<string, string> = {}) {
  let stderr = "";
  const io = {
    stdout: {
      write: (): never => {
        throw new TypeError("injected");
      },
      isTTY: false,
    },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    cwd: ROOT,
  };
  return { io, stderr: () => stderr };
}

/** What a command line throws (execute: run without the printer). */
async function thrown(args: string[]): Promise<unknown> {
  const quiet = { write: () => true, isTTY: false };
  try {
    await execute(args, { stdout: quiet, stderr: quiet, env: { NO_COLOR: "1" }, cwd: ROOT });
  } catch (e) {
    return e;
  }
  assert.fail(`${args.join(" ")} threw nothing`);
}

describe("errors: one model, one printer", () => {
  it("every command prints an unexpected failure as a bug: the report line, exit 2", async () => {
    const commands = [
      ["check", EXAMPLE],
      ["trace", EXAMPLE, "--function", FN],
      ["new", "nat-gateway"],
      ["cost", EXAMPLE],
      ["explain", "function-in-public-subnet"],
      ["emulate", EXAMPLE, "--function", FN, "--plan"],
      ["scan", "--help"],
      ["--version"],
    ];
    for (const args of commands) {
      const { io, stderr } = brokenOutput();
      const code = await run(args, io);
      assert.equal(code, 2, args.join(" "));
      assert.equal(stderr(), `lambda-egress: internal error: injected\n${BUG}`, args.join(" "));
    }
  });

  it("LAMBDA_EGRESS_DEBUG shows a bug's stack, between the line and the hint", async () => {
    const { io, stderr } = brokenOutput({ LAMBDA_EGRESS_DEBUG: "1" });
    assert.equal(await run(["new", "nat-gateway"], io), 2);
    assert.match(stderr(), /^lambda-egress: internal error: injected\nTypeError: injected\n\s+at [^\n]+\n[^]*\n {2}hint: this is a bug;/);
  });

  it("every usage error is a UsageError (code USAGE, exit 2) whose hint is its command's help", async () => {
    const cases: [string[], string | undefined][] = [
      [["bogus"], "lambda-egress --help lists the options"],
      [["check"], "lambda-egress check --help lists the options"],
      [["check", EXAMPLE, "--formt", "json"], "lambda-egress check --help lists the options"],
      [["check", EXAMPLE, "--fail-on", "loud"], "lambda-egress check --help lists the options"],
      [["check", EXAMPLE, "--var", "x"], "lambda-egress check --help lists the options"],
      [["trace", EXAMPLE], "lambda-egress trace --help lists the options"],
      [["new"], "lambda-egress new --help lists the patterns and options"],
      [["new", "nat-gateway", "--bogus"], "lambda-egress new --help lists the patterns and options"],
      [["cost"], "lambda-egress cost --help lists the options"],
      [["cost", EXAMPLE, "--format", "xml"], "lambda-egress cost --help lists the options"],
      [["emulate"], "lambda-egress emulate --help lists the options"],
      [["emulate", EXAMPLE, "--function", FN, "--bogus"], "lambda-egress emulate --help lists the options"],
      [["scan", "x"], "lambda-egress scan --help lists the options"],
      [["explain", "--x"], "lambda-egress explain --help"],
      [["explain", "nope"], "lambda-egress explain lists the rules and codes"],
      [["explain", "a", "b"], undefined],
    ];
    for (const [args, hint] of cases) {
      const e = await thrown(args);
      assert.ok(e instanceof UsageError, `${args.join(" ")}: ${String(e)}`);
      assert.equal(e.code, "USAGE");
      assert.equal(e.kind, "usage");
      assert.equal(e.exitCode, 2);
      assert.equal(e.hint, hint, args.join(" "));
    }
  });

  it("a parser error names the option as typed, found by the error's code (not its text)", async () => {
    const cases: [string[], string][] = [
      [["check", EXAMPLE, "-o"], "-o needs a value"],
      [["check", EXAMPLE, "--output"], "--output needs a value"],
      [["check", EXAMPLE, "--to", "--format", "json"], "--to needs a value"],
      [["check", EXAMPLE, "--quiet=1"], "--quiet takes no value"],
      [["new", "nat-gateway", "--force=yes"], "--force takes no value"],
      [["check", EXAMPLE, "--formt", "json"], "unknown option --formt (did you mean --format?)"],
      [["check", EXAMPLE, "-qx"], "unknown option -x"],
      [["scan", "x"], "unexpected argument x"],
    ];
    for (const [args, message] of cases) {
      const e = await thrown(args);
      assert.ok(e instanceof UsageError, String(e));
      assert.equal(e.message, message);
      assert.equal((e.cause as { code?: string }).code?.startsWith("ERR_PARSE_ARGS"), true, "the parser's error is the cause");
    }
    const r = await runCli(["check", EXAMPLE, "--output"]);
    assert.deepEqual(
      [r.code, r.stderr],
      [2, "lambda-egress: --output needs a value\n  hint: lambda-egress check --help lists the options\n"],
    );
  });

  it("new: an existing output file is an output error (exit 2, no hint), not a bug", async () => {
    const e = await thrown(["new", "nat-gateway", "-o", EXAMPLE]);
    assert.ok(e instanceof LambdaEgressError);
    assert.deepEqual([e.kind, e.code, e.exitCode, e.hint], ["output", "OUTPUT_EXISTS", 2, undefined]);
    assert.equal((e.cause as NodeJS.ErrnoException).code, "EEXIST");
  });

  it("the library's errors are LambdaEgressErrors with a stable code; the printer puts the place first", () => {
    const caught = (f: () => unknown): LambdaEgressError => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof LambdaEgressError, String(e));
        return e;
      }
      assert.fail("nothing thrown");
    };
    const load = caught(() => traceTemplate("t.yaml", "Resources: [\n", { function: "F" }));
    assert.ok(load instanceof LoadError);
    assert.equal(load.kind, "input");
    const selection = caught(() => traceTemplate("t.yaml", "Resources: {}\n", { function: "F" }));
    assert.ok(selection instanceof SelectionError);
    assert.deepEqual([selection.kind, selection.code], ["usage", "SELECTION_NOT_FOUND"]);
    const destination = caught(() => parseDestination("nowhere"));
    assert.ok(destination instanceof DestinationError);
    assert.deepEqual([destination.kind, destination.code], ["input", "DESTINATION_INVALID"]);
    const traffic = caught(() => parseInlineTraffic("bogus=1"));
    assert.ok(traffic instanceof TrafficError);
    assert.deepEqual([traffic.kind, traffic.code], ["input", "TRAFFIC_INVALID"]);
    const prices = caught(() => regionPrices("xx-nowhere-1"));
    assert.ok(prices instanceof PriceDataError);
    assert.deepEqual([prices.kind, prices.code], ["input", "NO_PRICE_DATA"]);

    let stderr = "";
    const io = { stderr: { write: (s: string) => (stderr += s) } };
    const code = printError(io, new LoadError("LOAD_SYNTAX", "not valid \u001b[31mYAML", { file: "t.yaml", line: 2, column: 3 }, "fix it"));
    assert.equal(code, 2);
    assert.equal(stderr, "lambda-egress: t.yaml:2:3: not valid \\e[31mYAML\n  hint: fix it\n");
  });
});
