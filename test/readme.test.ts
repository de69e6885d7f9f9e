// The README's "Intents", "Tracing a path", "CDK cloud assemblies", "Build" and "Cost" sections show real output: each `$ node bin/lambda-egress.js`
// block there is run and compared, so the documentation cannot drift from the tool.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "./cli-helpers.ts";
import { ROOT } from "./helpers.ts";

const readme = readFileSync(join(ROOT, "README.md"), "utf8");

function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}`);
  assert.ok(start >= 0, `README has no section ${title}`);
  const end = readme.indexOf("\n## ", start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

interface Example {
  args: string[];
  output: string[];
  /** The block elides the start of the output with `...`: compare the end only. */
  tail: boolean;
  exit?: number;
}

function examples(text: string): Example[] {
  const out: Example[] = [];
  for (const m of text.matchAll(/```\n\$ node bin\/lambda-egress\.js (.*)\n([\s\S]*?)```/g)) {
    let lines = (m[2] as string).replace(/\n$/, "").split("\n");
    let exit: number | undefined;
    const echo = lines.indexOf("$ echo $?");
    if (echo >= 0) {
      exit = Number(lines[echo + 1]);
      lines = lines.slice(0, echo);
    }
    const tail = lines[0] === "...";
    out.push({ args: (m[1] as string).split(" "), output: tail ? lines.slice(1) : lines, tail, ...(exit !== undefined ? { exit } : {}) });
  }
  return out;
}

describe("README output", () => {
  for (const title of [
    "Intents (`--expect`)",
    "Tracing a path (`trace`)",
    "CDK cloud assemblies (`cdk.out`)",
    "Terraform plans and states",
    "Deployed accounts (`scan`, `--aws`)",
    "Build: lambda-egress new",
    "Cost",
  ]) {
    const blocks = examples(section(title));
    it(`${title}: has examples`, () => assert.ok(blocks.length >= 2));
    for (const b of blocks) {
      it(`${title}: ${b.args.slice(0, 2).join(" ")} ${b.args.slice(2).join(" ").slice(0, 60)}`, async () => {
        const r = await runCli(b.args);
        assert.notEqual(r.code, 2, r.stderr);
        if (b.exit !== undefined) assert.equal(r.code, b.exit);
        const got = r.stdout.replace(/\n$/, "").split("\n");
        assert.deepEqual(b.tail ? got.slice(-b.output.length) : got, b.output);
      });
    }
  }
});
