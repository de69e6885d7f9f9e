// A cloud assembly's manifest never makes the reader leave the assembly folder: an absolute path, `..` or a symlink
// leading out, in a template, a nested assembly or a metadata file, is refused with a clear error (exit 2 in the CLI).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { AssemblyFiles } from "../src/load/cdk-assembly.ts";
import { readCloudAssembly } from "../src/load/cdk-assembly.ts";
import { LoadError } from "../src/load/errors.ts";
import { runCli } from "./support/cli-helpers.ts";
import { ROOT } from "./support/helpers.ts";

const TEMPLATE = readFileSync(join(ROOT, "test/fixtures/nacl-correct/template.yaml"), "utf8");
const root = mkdtempSync(join(tmpdir(), "le-cdkout-"));
after(() => rmSync(root, { recursive: true, force: true }));
// A file outside every assembly, that no manifest may make the reader open.
const secret = join(root, "secret.template.json");
writeFileSync(secret, JSON.stringify({ Resources: {} }));

const disk: AssemblyFiles = {
  read: (p) => {
    try {
      return readFileSync(p, "utf8");
    } catch {
      return undefined;
    }
  },
  isFile: (p) => {
    try {
      readFileSync(p);
      return true;
    } catch {
      return false;
    }
  },
};

let n = 0;
/** A cdk.out folder with `manifest` as its manifest.json (and a good template beside it); `setup` adds files. */
function assembly(artifacts: Record<string, unknown>, setup?: (dir: string) => void): string {
  const dir = join(root, `a${n++}`, "cdk.out");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "Good.template.json"), TEMPLATE);
  writeFileSync(join(dir, "manifest.json"), JSON.stringify({ version: "48.0.0", artifacts }, null, 2));
  setup?.(dir);
  return dir;
}

const stack = (templateFile: string, extra: Record<string, unknown> = {}) => ({
  type: "aws:cloudformation:stack",
  environment: "aws://unknown-account/us-east-1",
  properties: { templateFile },
  ...extra,
});

function refusal(dir: string): LoadError {
  try {
    readCloudAssembly(dir, "cdk.out", disk);
  } catch (e) {
    assert.ok(e instanceof LoadError, String(e));
    return e;
  }
  assert.fail("the assembly was read");
}

describe("a cloud assembly's paths stay inside its folder", () => {
  it("reads a template the manifest names inside the folder", () => {
    const a = readCloudAssembly(assembly({ Good: stack("Good.template.json") }), "cdk.out", disk);
    assert.deepEqual(
      a.stacks.map((s) => s.file),
      ["cdk.out/Good.template.json"],
    );
  });
  const cases: [string, () => string, RegExp][] = [
    [
      "a template named by ../..",
      () => assembly({ S: stack("../../secret.template.json") }),
      /stack S names the template "\.\.\/\.\.\/secret\.template\.json": a path that climbs out of the cloud assembly folder; refused/,
    ],
    [
      "a template named by an absolute path",
      () => assembly({ S: stack(secret) }),
      /stack S names the template ".*secret\.template\.json": an absolute path; refused/,
    ],
    ["/etc/passwd as a template", () => assembly({ S: stack("/etc/passwd") }), /"\/etc\/passwd": an absolute path; refused/],
    [
      "a template that is a symlink leading out",
      () => assembly({ S: stack("S.template.json") }, (d) => symlinkSync(secret, join(d, "S.template.json"))),
      /stack S names the template "S\.template\.json": a symlink to .*secret\.template\.json, outside the cloud assembly folder; refused/,
    ],
    [
      "a nested assembly outside the folder",
      () => assembly({ Stage: { type: "cdk:cloud-assembly", properties: { directoryName: "../.." } } }),
      /nested assembly Stage names the folder "\.\.\/\.\.": a path that climbs out/,
    ],
    [
      "a nested assembly that is a symlink leading out",
      () =>
        assembly({ Stage: { type: "cdk:cloud-assembly", properties: { directoryName: "assembly-Stage" } } }, (d) => {
          const other = join(root, `elsewhere${n}`);
          mkdirSync(other);
          writeFileSync(join(other, "manifest.json"), JSON.stringify({ version: "48.0.0", artifacts: { X: stack("x.json") } }));
          symlinkSync(other, join(d, "assembly-Stage"));
        }),
      /nested assembly Stage names the folder "assembly-Stage": a symlink to .*elsewhere\d+, outside the cloud assembly folder/,
    ],
    [
      "a metadata file outside the folder",
      () => assembly({ S: stack("Good.template.json", { additionalMetadataFile: "../../../etc/passwd" }) }),
      /stack S names the metadata file "\.\.\/\.\.\/\.\.\/etc\/passwd": a path that climbs out/,
    ],
    [
      "a manifest.json that is a symlink leading out",
      () => {
        const dir = join(root, `m${n++}`, "cdk.out");
        mkdirSync(dir, { recursive: true });
        const elsewhere = join(root, `manifest${n}.json`);
        writeFileSync(elsewhere, JSON.stringify({ version: "48.0.0", artifacts: { S: stack("Good.template.json") } }));
        symlinkSync(elsewhere, join(dir, "manifest.json"));
        return dir;
      },
      /manifest\.json is a symlink to .*manifest\d+\.json, outside the cloud assembly folder: refused/,
    ],
  ];
  for (const [what, make, message] of cases) {
    it(`refuses ${what}`, () => {
      const e = refusal(make());
      assert.equal(e.code, "LOAD_CDK_OUTSIDE_ASSEMBLY");
      assert.match(e.message, message);
    });
  }
  it("the CLI says so in one line, exit 2", async () => {
    const dir = assembly({ S: stack("../../secret.template.json") });
    const r = await runCli(["check", dir]);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /manifest\.json.*stack S names the template "\.\.\/\.\.\/secret\.template\.json": a path that climbs out of the cloud assembly folder; refused/,
    );
    assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
  });
});
