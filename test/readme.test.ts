// Every README block that runs the CLI (`$ node bin/lambda-egress.js ...`, `$ lambda-egress ...`) is run and its
// output compared, so the documentation cannot drift from the tool. Each block runs in a directory of its own where
// `examples/` is the repository's: a command may name only files a user of the package has (the bundled examples) or
// files an earlier command of the same block wrote, never the repository's tests. `emulate` blocks run where the
// emulator can (root with ip and nft); a few blocks are transcripts that no test can replay, each listed below with why.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { run } from "../src/cli/main.ts";
import { kernelTestsMissing } from "./support/emulate-fixtures.ts";
import { ROOT } from "./support/helpers.ts";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");

interface Command {
  /** The command line after `$ `, as written. */
  readonly text: string;
  readonly args: readonly string[];
  /** The shown output; a line `...` (indented or not) stands for any number of lines. */
  readonly output: readonly string[];
  /** The exit code a following `$ echo $?` shows. */
  readonly exit?: number;
}

interface Block {
  readonly section: string;
  /** The README line of the block's opening fence (1-based). */
  readonly line: number;
  readonly commands: readonly Command[];
}

const CLI = /^(?:node bin\/lambda-egress\.js|npx lambda-egress|lambda-egress)(?: (.*))?$/;

/**
 * Splits a command line into words as a POSIX shell does for what the README uses: blanks, '...' and "..." quoting.
 * Written by hand: no shell-words package is among the project's dependencies, and this is all a README command needs.
 */
function words(line: string): string[] {
  const out: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === " ") {
      if (word !== undefined) out.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      assert.ok(end > i, `unbalanced ${c} in: ${line}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else word = (word ?? "") + c;
  }
  if (word !== undefined) out.push(word);
  return out;
}

/** The fenced blocks of the README whose lines start with `$ `, split into commands. */
function blocks(): Block[] {
  const lines = readme.split("\n");
  const out: Block[] = [];
  let section = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (/^#{2,3} /.test(line)) section = line.replace(/^#+ /, "");
    const fence = /^(\s*)```[\w-]*$/.exec(line);
    if (!fence) continue;
    const indent = (fence[1] as string).length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```$/.test(lines[j] as string); j++) body.push((lines[j] as string).slice(indent));
    const start = i;
    i = j;
    if (!body.some((l) => l.startsWith("$ "))) continue;
    const commands: Command[] = [];
    for (let k = 0; k < body.length; k++) {
      const text = (body[k] as string).slice(2);
      assert.ok((body[k] as string).startsWith("$ "), `README.md:${start + 2 + k}: output before the block's first command`);
      const cli = CLI.exec(text);
      assert.ok(cli, `README.md:${start + 2 + k}: a README block runs something other than lambda-egress: ${text}`);
      const output: string[] = [];
      while (k + 1 < body.length && !(body[k + 1] as string).startsWith("$ ")) output.push(body[++k] as string);
      let exit: number | undefined;
      if (body[k + 1] === "$ echo $?") {
        exit = Number(body[k + 2]);
        k += 2;
      }
      commands.push({ text, args: words(cli[1] ?? ""), output, ...(exit !== undefined ? { exit } : {}) });
    }
    out.push({ section, line: start + 1, commands });
  }
  return out;
}

/** Blocks that show a session no test can replay; each names why. */
const TRANSCRIPTS: readonly { readonly command: RegExp; readonly why: string }[] = [
  { command: /^emulate --cleanup$/, why: "it cleans up after a run killed with kill -9" },
  { command: / --shell$/, why: "an interactive session, typed at a terminal" },
];

/** Emulation names and timings differ from run to run; the note on the Python version depends on the machine. */
function steady(lines: readonly string[]): string[] {
  return lines
    .filter((l) => !/^note: python3\.\d+ runs with this machine's Python /.test(l))
    .map((l) =>
      l
        .replace(/\ble[0-9a-f]{6}\b/g, "leXXXXXX")
        .replace(/after \d+ milliseconds/g, "after N milliseconds")
        .replace(/ in \d+(\.\d+)? s\b/g, " in N s"),
    );
}

const elided = (line: string): boolean => line.trim() === "...";

/** Whether `got` is `want` where each `...` line of `want` stands for any number of lines. */
function matches(want: readonly string[], got: readonly string[]): boolean {
  const memo = new Map<string, boolean>();
  const at = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let r: boolean;
    if (i === want.length) r = j === got.length;
    else if (elided(want[i] as string)) r = at(i + 1, j) || (j < got.length && at(i, j + 1));
    else r = j < got.length && want[i] === got[j] && at(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return at(0, 0);
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A working directory whose `examples/` is the repository's: the files a user of the package has. */
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), "lambda-egress-readme-"));
  dirs.push(dir);
  symlinkSync(join(ROOT, "examples"), join(dir, "examples"));
  return dir;
}

async function runIn(cwd: string, args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, {
    stdout: { write: (s: string | Uint8Array) => (stdout += typeof s === "string" ? s : Buffer.from(s).toString("utf8")), isTTY: false },
    stderr: { write: (s: string) => (stderr += s) },
    env: { NO_COLOR: "1", PATH: process.env.PATH ?? "/usr/bin:/bin" },
    cwd,
  });
  return { code, stdout, stderr };
}

const all = blocks();
const emulatorMissing = kernelTestsMissing();
const pythonMissing = spawnSync("python3", ["--version"]).status !== 0;
if (emulatorMissing) process.stdout.write(`# README emulate blocks not run: ${emulatorMissing}\n`);

describe("README output", () => {
  it("has blocks that run the CLI in every part of it", () => {
    const sections = new Set(all.map((b) => b.section));
    for (const s of [
      "check",
      "Stacks that import from each other",
      "AWS services and VPC endpoints",
      "IPv6",
      "Intents (`--expect`)",
      "Tracing a path (`trace`)",
      "CDK cloud assemblies (`cdk.out`)",
      "Terraform plans and states",
      "Build: lambda-egress new",
      "Cost",
      "Emulate",
      "Command line",
    ])
      assert.ok(
        [...sections].some((x) => x.startsWith(s)),
        `no block in ${s}`,
      );
    assert.ok(all.length >= 30, `only ${all.length} blocks`);
  });

  it("no block names a file under test/ (a user of the package does not have the repository's tests)", () => {
    for (const b of all)
      for (const c of b.commands)
        for (const text of [c.text, ...c.output]) assert.doesNotMatch(text, /(^|[\s(`'"=])(\.\/)?test\//, `README.md:${b.line}: ${text}`);
  });

  it("every listed transcript is still in the README", () => {
    for (const t of TRANSCRIPTS)
      assert.ok(
        all.some((b) => b.commands.some((c) => t.command.test(c.args.join(" ")))),
        `${t.command}`,
      );
  });

  for (const b of all) {
    const first = b.commands[0] as Command;
    const transcript = TRANSCRIPTS.find((t) => b.commands.some((c) => t.command.test(c.args.join(" "))));
    const emulate = b.commands.some((c) => c.args[0] === "emulate");
    const python = b.commands.some(
      (c) => c.args[0] === "emulate" && c.args.includes("--invoke") && c.args.some((a) => a.includes("python")),
    );
    const skip = transcript
      ? `a transcript: ${transcript.why}`
      : emulate && emulatorMissing
        ? emulatorMissing
        : python && pythonMissing
          ? "no python3 on this machine"
          : false;
    it(`README.md:${b.line} (${b.section}): ${first.text.slice(0, 110)}`, { skip, timeout: 120_000 }, async () => {
      const cwd = workdir();
      for (const c of b.commands) {
        const r = await runIn(cwd, c.args);
        assert.notEqual(r.code, 2, `${c.text}\n${r.stderr}`);
        if (c.exit !== undefined) assert.equal(r.code, c.exit, `${c.text}: exit code`);
        const got = steady(r.stdout.replace(/\n$/, "").split("\n"));
        const want = steady(c.output);
        if (want.some(elided)) assert.ok(matches(want, got), `${c.text}\n--- shown\n${want.join("\n")}\n--- printed\n${got.join("\n")}`);
        else assert.deepEqual(got, want, c.text);
      }
    });
  }

  it("commands name files that exist (a bundled example, or one an earlier command of the block wrote)", () => {
    for (const b of all) {
      const written = new Set<string>();
      for (const c of b.commands) {
        const own = c.args.includes("--") ? c.args.slice(0, c.args.indexOf("--")) : c.args;
        const o = own.indexOf("-o");
        if (o >= 0) written.add(own[o + 1] as string);
        for (const a of own.map((x) => x.replace(/=.*$/, ""))) {
          if (!/^examples\/|\.(ya?ml|json|tf)$/.test(a) || written.has(a)) continue;
          assert.match(a, /^examples\//, `README.md:${b.line}: ${a} is not a bundled example`);
          assert.ok(existsSync(join(ROOT, a)), `README.md:${b.line}: ${a} does not exist`);
        }
      }
    }
  });
});
