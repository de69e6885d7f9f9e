// Every runtime through the Runtime API, on the kernel (root with ip, nft and util-linux; skipped otherwise): a Python
// handler and a provided.al2023 shell `bootstrap` each see their AZ's NAT address (distinct per AZ) in the 2-AZ design,
// time out from a public subnet (exit 124, Lambda's message), and report an unhandled error in Lambda's shape; a Go
// binary where a Go toolchain exists.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { findPython } from "../src/emulate/invoke.ts";
import { runCli } from "./support/cli-helpers.ts";
import { kernelTestsMissing } from "./support/emulate-fixtures.ts";
import { ROOT } from "./support/helpers.ts";

function missing(): string | undefined {
  const k = kernelTestsMissing();
  if (k) return k;
  for (const tool of ["unshare", "setpriv", "findmnt", "curl"])
    if (spawnSync(tool, ["--version"]).status !== 0) return `${tool} is missing`;
  try {
    findPython("python3.12", process.env.PATH ?? "");
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}
const skip = missing();
if (skip) process.stdout.write(`# emulate-runtimes skipped: ${skip}\n`);

const root = mkdtempSync(join(tmpdir(), "le-runtimes-"));
chmodSync(root, 0o755);
after(() => rmSync(root, { recursive: true, force: true }));

/** `template` with function `id`'s Runtime, Handler and Timeout replaced, and its code in the folder `code` (a CodeUri). */
function withFunction(template: string, id: string, runtime: string, handler: string, timeout: number, code: string): string {
  const t = readFileSync(join(ROOT, template), "utf8");
  const start = t.indexOf(`  ${id}:\n    Type: AWS::Lambda::Function\n`);
  assert.ok(start >= 0, `${id} in ${template}`);
  const rest = t.slice(start + 1);
  const next = rest.search(/\n( {2}\S|\S)/);
  const end = next < 0 ? t.length : start + 1 + next;
  const block = t
    .slice(start, end)
    .replace(/Runtime: \S+/, `Runtime: ${runtime}`)
    .replace(/Handler: \S+/, `Handler: ${handler}`)
    .replace(/Timeout: \d+/, `Timeout: ${timeout}`);
  const cut = block.indexOf("      Code:\n");
  assert.ok(cut > 0);
  return `${t.slice(0, start)}${block.slice(0, cut)}      Code: ${code}\n${t.slice(end)}`;
}

/** Writes a folder of code (files world-readable, `bootstrap` and `main` executable) and a template using it. */
function app(name: string, files: Record<string, string>, template: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, "code"), { recursive: true });
  for (const [f, text] of Object.entries(files)) {
    writeFileSync(join(dir, "code", f), text);
    chmodSync(join(dir, "code", f), f === "bootstrap" || f === "main" ? 0o755 : 0o644);
  }
  for (const d of [dir, join(dir, "code")]) chmodSync(d, 0o755);
  writeFileSync(join(dir, "template.yaml"), template);
  return join(dir, "template.yaml");
}

const TWO_AZ = "examples/nat-gateway-per-az/template.yaml";
const SEED = "test/fixtures/single-nat-public-and-private/template.yaml";

/** The Python handler: GETs the emulated internet over HTTPS (the function's group allows 443 only). */
const PY_CALL = `import json, urllib.request
def handler(event, context):
    with urllib.request.urlopen("https://api.partner.example/", timeout=30) as r:
        return json.loads(r.read())

def fails(event, context):
    raise KeyError("missing")

def api(event, context):
    import os
    return os.environ["AWS_LAMBDA_RUNTIME_API"]
`;

/** A provided.al2023 bootstrap in shell: the Runtime API with curl, as AWS's custom runtime tutorial does it. */
const SH_BOOTSTRAP = `#!/bin/sh
set -eu
api="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"
curl -sS -D /tmp/headers -o /tmp/event "$api/invocation/next"
id=$(grep -i '^lambda-runtime-aws-request-id:' /tmp/headers | tr -d '\\r' | cut -d' ' -f2)
case "$_HANDLER" in
  call|main)
    body=$(curl -sS -m 30 https://api.partner.example/)
    curl -sS -o /dev/null -X POST -d "$body" "$api/invocation/$id/response" ;;
  fail)
    curl -sS -o /dev/null -X POST -H 'Lambda-Runtime-Function-Error-Type: Unhandled' \\
      -d '{"errorMessage":"bad input","errorType":"InputError","stackTrace":["bootstrap: fail"]}' "$api/invocation/$id/error" ;;
  exit)
    echo "giving up" >&2
    exit 3 ;;
esac
curl -sS "$api/invocation/next" >/dev/null
`;

/** The ENIs' blocks of the output: subnet -> its lines (between the `==` line and `exit code`), and the exit codes. */
function blocks(stdout: string): Map<string, { lines: string[]; code: number }> {
  const out = new Map<string, { lines: string[]; code: number }>();
  let current: string[] | undefined;
  for (const line of stdout.split("\n")) {
    const head = /^== \S+ in (\S+) /.exec(line);
    if (head) {
      current = [];
      out.set(head[1] as string, { lines: current, code: NaN });
      continue;
    }
    const code = /^exit code (\d+)$/.exec(line);
    if (code && current) {
      const entry = [...out.values()].at(-1) as { lines: string[]; code: number };
      entry.code = Number(code[1]);
      current = undefined;
    } else current?.push(line);
  }
  return out;
}

const json = (line: string | undefined): Record<string, unknown> => JSON.parse(line ?? "null") as Record<string, unknown>;

describe("every runtime through the Runtime API, on the kernel", { skip, timeout: 120000 }, () => {
  it("a Python handler sees its AZ's NAT address in each AZ, from one bring-up", async () => {
    const file = app("py", { "app.py": PY_CALL }, withFunction(TWO_AZ, "PartnerApiFunction", "python3.12", "app.handler", 10, "./code"));
    const r = await runCli(["emulate", file, "--function", "PartnerApiFunction", "--invoke"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const b = blocks(r.stdout);
    assert.deepEqual(
      [...b.entries()].map(([subnet, { lines, code }]) => [subnet, json(lines.at(-1)), code]),
      [
        ["PrivateSubnetA", { result: { sourceIp: "203.0.113.10", label: "internet", host: "api.partner.example" } }, 0],
        ["PrivateSubnetB", { result: { sourceIp: "203.0.113.11", label: "internet", host: "api.partner.example" } }, 0],
      ],
    );
  });

  it("a provided.al2023 shell bootstrap sees its AZ's NAT address in each AZ", async () => {
    const file = app(
      "sh",
      { bootstrap: SH_BOOTSTRAP },
      withFunction(TWO_AZ, "PartnerApiFunction", "provided.al2023", "call", 10, "./code"),
    );
    const r = await runCli(["emulate", file, "--function", "PartnerApiFunction", "--invoke"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const b = blocks(r.stdout);
    assert.deepEqual(
      [...b.values()].map(({ lines }) => (json(lines.at(-1)).result as { sourceIp: string }).sourceIp),
      ["203.0.113.10", "203.0.113.11"],
    );
  });

  it("the Runtime API is Lambda's 127.0.0.1:9001 in every ENI at once: each ENI's namespace has its own loopback", async () => {
    const file = app("py-api", { "app.py": PY_CALL }, withFunction(TWO_AZ, "PartnerApiFunction", "python3.12", "app.api", 10, "./code"));
    const r = await runCli(["emulate", file, "--function", "PartnerApiFunction", "--invoke", "--format", "json"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { runs: { result: unknown }[] }).runs.map((run) => run.result),
      ["127.0.0.1:9001", "127.0.0.1:9001"],
    );
  });

  it("go1.x runs the executable its Handler names (here a script standing in for the Go binary)", async () => {
    const file = app("go1", { main: SH_BOOTSTRAP }, withFunction(TWO_AZ, "PartnerApiFunction", "go1.x", "main", 10, "./code"));
    const r = await runCli(["emulate", file, "--function", "PartnerApiFunction", "--subnet", "PrivateSubnetB", "--invoke"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal((json(blocks(r.stdout).get("PrivateSubnetB")?.lines.at(-1)).result as { sourceIp: string }).sourceIp, "203.0.113.11");
  });

  it("from a public subnet (no public address) both time out at the function's Timeout: Lambda's message, exit code 124", async () => {
    for (const [name, runtime, handler, files] of [
      ["py-public", "python3.12", "app.handler", { "app.py": PY_CALL }],
      ["sh-public", "provided.al2", "call", { bootstrap: SH_BOOTSTRAP }],
    ] as const) {
      const file = app(name, files, withFunction(SEED, "PublicSubnetFunction", runtime, handler, 2, "./code"));
      const started = Date.now();
      const r = await runCli(["emulate", file, "--function", "PublicSubnetFunction", "--invoke"]);
      assert.equal(r.code, 124, r.stdout + r.stderr);
      const { lines, code } = blocks(r.stdout).get("PublicSubnet") ?? { lines: [], code: NaN };
      assert.equal(code, 124);
      assert.deepEqual(json(lines.find((l) => l.startsWith("{"))), {
        errorType: "Sandbox.Timedout",
        errorMessage: "Task timed out after 2.00 seconds",
      });
      assert.ok(Date.now() - started < 20000);
    }
  });

  it("an unhandled error comes back in Lambda's shape: Python's exception, a bootstrap's posted error, a bootstrap that exits", async () => {
    const py = app("py-fail", { "app.py": PY_CALL }, withFunction(SEED, "ApiClientFunction", "python3.12", "app.fails", 5, "./code"));
    const p = await runCli(["emulate", py, "--function", "ApiClientFunction", "--invoke"]);
    assert.equal(p.code, 1, p.stdout + p.stderr);
    const pe = json(
      blocks(p.stdout)
        .get("PrivateSubnet")
        ?.lines.find((l) => l.startsWith("{")),
    );
    assert.deepEqual([pe.errorType, pe.errorMessage, (pe.stackTrace as string[]).length], ["KeyError", "'missing'", 1]);
    assert.match((pe.stackTrace as string[])[0] ?? "", /app\.py", line 7, in fails/);

    const sh = app("sh-fail", { bootstrap: SH_BOOTSTRAP }, withFunction(SEED, "ApiClientFunction", "provided.al2023", "fail", 5, "./code"));
    const s = await runCli(["emulate", sh, "--function", "ApiClientFunction", "--invoke"]);
    assert.equal(s.code, 1, s.stdout + s.stderr);
    assert.deepEqual(json(blocks(s.stdout).get("PrivateSubnet")?.lines.at(-1)), {
      errorMessage: "bad input",
      errorType: "InputError",
      stackTrace: ["bootstrap: fail"],
    });

    const ex = app("sh-exit", { bootstrap: SH_BOOTSTRAP }, withFunction(SEED, "ApiClientFunction", "provided.al2023", "exit", 5, "./code"));
    const e = await runCli(["emulate", ex, "--function", "ApiClientFunction", "--invoke"]);
    assert.equal(e.code, 1, e.stdout + e.stderr);
    const lines = blocks(e.stdout).get("PrivateSubnet")?.lines ?? [];
    const report = json(lines.find((l) => l.startsWith("{")));
    assert.equal(report.errorType, "Runtime.ExitError");
    assert.match(String(report.errorMessage), /^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3$/);
    assert.ok(lines.includes("giving up"), "what the bootstrap wrote to stderr is shown");
  });
});

/** A Go toolchain that can build here, or why not. */
function goMissing(): string | undefined {
  if (skip) return skip;
  if (spawnSync("go", ["version"]).status !== 0) return "no Go toolchain (go) on this machine";
  return undefined;
}
const noGo = goMissing();
if (noGo) process.stdout.write(`# emulate-runtimes Go test skipped: ${noGo}\n`);

/** A Go bootstrap on the Runtime API with the standard library only (aws-lambda-go would need the module proxy). */
const GO_MAIN = `package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
)

func main() {
	api := "http://" + os.Getenv("AWS_LAMBDA_RUNTIME_API") + "/2018-06-01/runtime"
	next, err := http.Get(api + "/invocation/next")
	if err != nil {
		panic(err)
	}
	id := next.Header.Get("Lambda-Runtime-Aws-Request-Id")
	res, err := http.Get("https://api.partner.example/")
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(res.Body)
	http.Post(api+"/invocation/"+id+"/response", "application/json", bytes.NewReader(body))
	http.Get(api + "/invocation/next")
}
`;

describe("a Go bootstrap (provided.al2023), built here", { skip: noGo, timeout: 180000 }, () => {
  it("sees its AZ's NAT address in each AZ", async () => {
    const dir = join(root, "go");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "main.go"), GO_MAIN);
    writeFileSync(join(dir, "go.mod"), "module bootstrap\n\ngo 1.21\n");
    const file = app("go-app", {}, withFunction(TWO_AZ, "PartnerApiFunction", "provided.al2023", "unused", 10, "./code"));
    const built = spawnSync("go", ["build", "-o", join(root, "go-app", "code", "bootstrap"), "."], {
      cwd: dir,
      env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-mod=mod" },
      encoding: "utf8",
    });
    assert.equal(built.status, 0, built.stderr);
    chmodSync(join(root, "go-app", "code", "bootstrap"), 0o755);
    const r = await runCli(["emulate", file, "--function", "PartnerApiFunction", "--invoke"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(
      [...blocks(r.stdout).values()].map(({ lines }) => (json(lines.at(-1)).result as { sourceIp: string }).sourceIp),
      ["203.0.113.10", "203.0.113.11"],
    );
  });
});

describe("a run that times out explains itself (kernel)", { skip, timeout: 120000 }, () => {
  it("--exec: exit code 124, and what check says of the destination it was waiting for, from each subnet; --format json per ENI", async () => {
    const cmd = ["--timeout", "3", "--exec", "--", "curl", "-sS", "http://api.partner.example/"];
    const r = await runCli(["emulate", join(ROOT, TWO_AZ), "--function", "PartnerApiFunction", ...cmd]);
    assert.equal(r.code, 124, r.stdout + r.stderr);
    assert.equal(
      r.stdout,
      [
        "== PartnerApiFunction in PrivateSubnetA (10.0.10.23)",
        "check: internet:80 unreachable from PrivateSubnetA, ENI_SG_RULES_MISMATCH in FunctionSecurityGroup",
        "exit code 124",
        "== PartnerApiFunction in PrivateSubnetB (10.0.11.23)",
        "check: internet:80 unreachable from PrivateSubnetB, ENI_SG_RULES_MISMATCH in FunctionSecurityGroup",
        "exit code 124",
        "",
      ].join("\n"),
    );
    const j = await runCli(["emulate", join(ROOT, TWO_AZ), "--function", "PartnerApiFunction", "--format", "json", ...cmd]);
    assert.equal(j.code, 124, j.stdout + j.stderr);
    const doc = JSON.parse(j.stdout) as { runs: Record<string, unknown>[]; notes: string[] };
    assert.deepEqual(doc.notes, []);
    assert.deepEqual(
      doc.runs.map((run) => [run.subnet, run.address, run.exitCode, run.timedOut, run.pending, run.check]),
      ["PrivateSubnetA", "PrivateSubnetB"].map((subnet, k) => [
        subnet,
        `10.0.1${k}.23`,
        124,
        true,
        ["198.51.100.80:80"],
        [
          {
            to: "internet:80",
            verdict: "unreachable",
            code: "ENI_SG_RULES_MISMATCH",
            component: "FunctionSecurityGroup",
            reason: "no egress rule of FunctionSecurityGroup allows tcp 80 to internet:80",
          },
        ],
      ]),
    );
  });

  it("a command's own exit code 124 is not a timeout: no check line", async () => {
    const r = await runCli([
      "emulate",
      join(ROOT, TWO_AZ),
      "--function",
      "PartnerApiFunction",
      "--subnet",
      "PrivateSubnetA",
      "--exec",
      "--",
      "sh",
      "-c",
      "exit 124",
    ]);
    assert.equal(r.code, 124);
    assert.equal(r.stdout, "== PartnerApiFunction in PrivateSubnetA (10.0.10.23)\nexit code 124\n");
  });

  it("--invoke --format json: each ENI's result, parsed, beside what the function printed", async () => {
    const file = app(
      "py-json",
      { "app.py": PY_CALL.replace("def handler(event, context):\n", "def handler(event, context):\n    print('calling')\n") },
      withFunction(TWO_AZ, "PartnerApiFunction", "python3.12", "app.handler", 10, "./code"),
    );
    const r = await runCli(["emulate", file, "--function", "PartnerApiFunction", "--invoke", "--format", "json"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const doc = JSON.parse(r.stdout) as { runs: Record<string, unknown>[] };
    assert.deepEqual(
      doc.runs.map((run) => [run.subnet, run.exitCode, run.timedOut, run.stdout, (run.result as { sourceIp: string }).sourceIp]),
      [
        ["PrivateSubnetA", 0, false, "calling\n", "203.0.113.10"],
        ["PrivateSubnetB", 0, false, "calling\n", "203.0.113.11"],
      ],
    );
  });
});
