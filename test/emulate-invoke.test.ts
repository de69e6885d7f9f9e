// emulate --invoke's preparation (no privileges needed): the handler and the bootstrap in a temporary directory, and
// refusals that leave nothing behind.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { InvokeError, prepareInvocation } from "../src/emulate/invoke.ts";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import { ROOT } from "./helpers.ts";

const EXAMPLE = join(ROOT, "examples", "nat-gateway-per-az", "template.yaml");
const fn = loadCloudFormation(EXAMPLE, readFileSync(EXAMPLE, "utf8"))
  .functions()
  .find((f) => f.id === "PartnerApiFunction");
const invokeDirs = (): string[] => readdirSync(tmpdir()).filter((d) => d.startsWith("le-invoke-"));

describe("emulate --invoke: preparing the handler", () => {
  it("reads the function's runtime, handler, timeout and inline code from the template", () => {
    assert.ok(fn?.code);
    assert.equal(fn.code.runtime, "nodejs22.x");
    assert.equal(fn.code.handler, "index.handler");
    assert.equal(fn.code.timeoutSeconds, 10);
    assert.ok("inline" in fn.code.source && fn.code.source.inline.includes("checkip.amazonaws.com"));
  });

  it("writes the inline code as index.js beside the bootstrap, and runs the bootstrap with the function's timeout", () => {
    assert.ok(fn);
    const inv = prepareInvocation(fn, EXAMPLE, undefined);
    try {
      assert.equal(inv.timeoutSeconds, 10);
      assert.ok(existsSync(join(inv.dir, "index.js")));
      assert.deepEqual(inv.command.slice(1), [
        join(inv.dir, "le-bootstrap.cjs"),
        inv.dir,
        "index",
        "handler",
        "10",
        "",
        "PartnerApiFunction",
      ]);
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
