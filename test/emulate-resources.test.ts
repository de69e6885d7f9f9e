// The emulator's resource stand-ins on the kernel (root with ip and nft only, skipped otherwise): the example's function
// connects to its PostgreSQL database at the address its environment's DB_HOST carries, from each of its subnets, as
// check says; with the database's security group lacking the function's ingress, the connection times out, and the run
// says why in check's words. --invoke hands the handler the same environment.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "./support/cli-helpers.ts";
import { kernelTestsMissing } from "./support/emulate-fixtures.ts";
import { checkFile, ROOT } from "./support/helpers.ts";

const skip = kernelTestsMissing();
if (skip) process.stdout.write(`# emulate-resources skipped: ${skip}\n`);

const EXAMPLE = join(ROOT, "examples", "database-and-file-system", "template.yaml");
/** A TCP connection to $DB_HOST:5432 that waits as long as it takes (the run's --timeout ends it). */
const CONNECT =
  "const s = require('net').connect(5432, process.env.DB_HOST, () => { console.log('connected to ' + s.remoteAddress); s.end(); });" +
  "s.on('error', (e) => { console.log('ERR ' + e.message); process.exitCode = 1; });";
/** The database's security group: tcp 5432 from the function's. */
const INGRESS = "          FromPort: 5432\n          ToPort: 5432\n";

const dir = mkdtempSync(join(tmpdir(), "le-resources-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Output blocks per subnet: `== FUNCTION in SUBNET (ADDRESS)`, then the command's output. */
function bySubnet(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const block of stdout.split(/^== /m).slice(1)) {
    const subnet = /^\S+ in (\S+)/.exec(block)?.[1];
    if (subnet) out[subnet] = block;
  }
  return out;
}

/** check's verdict for resource:Database from each subnet. */
function verdicts(file: string): string[] {
  const fn = checkFile(file).functions[0];
  return (fn?.subnets ?? []).map((s) => `${s.subnet} ${s.destinations.find((d) => d.to === "resource:Database")?.verdict}`);
}

describe("emulate: a function and its database", { skip, timeout: 90000 }, () => {
  it("connects to the stand-in at $DB_HOST:5432 from each subnet, as check says", async () => {
    assert.deepEqual(verdicts(EXAMPLE), ["PrivateSubnetA reachable", "PrivateSubnetB reachable"]);
    const r = await runCli([
      "emulate",
      EXAMPLE,
      "--function",
      "Function",
      "--timeout",
      "5",
      "--exec",
      "--",
      process.execPath,
      "-e",
      CONNECT,
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const blocks = bySubnet(r.stdout);
    assert.match(blocks.PrivateSubnetA ?? "", /^connected to 10\.0\.11\.70$/m);
    assert.match(blocks.PrivateSubnetB ?? "", /^connected to 10\.0\.11\.70$/m);
  });

  it("times out when the database's security group does not admit the function, and says check's verdict", async () => {
    const text = readFileSync(EXAMPLE, "utf8");
    assert.ok(text.includes(INGRESS));
    const file = join(dir, "no-ingress.yaml");
    // The database's group admits 5433 instead of 5432.
    writeFileSync(file, text.replace(INGRESS, INGRESS.replace(/5432/g, "5433")));
    assert.deepEqual(verdicts(file), ["PrivateSubnetA unreachable", "PrivateSubnetB unreachable"]);
    const r = await runCli(["emulate", file, "--function", "Function", "--timeout", "3", "--exec", "--", process.execPath, "-e", CONNECT]);
    assert.equal(r.code, 124, r.stdout + r.stderr);
    const blocks = bySubnet(r.stdout);
    for (const subnet of ["PrivateSubnetA", "PrivateSubnetB"]) {
      const block = blocks[subnet] ?? "";
      assert.doesNotMatch(block, /connected/);
      assert.match(
        block,
        new RegExp(`^check: resource:Database unreachable from ${subnet}, ENI_SG_RULES_MISMATCH in DatabaseSecurityGroup$`, "m"),
        block,
      );
    }
  });

  it("--invoke: the handler's environment has DB_HOST at the stand-in", async () => {
    const r = await runCli(["emulate", EXAMPLE, "--function", "Function", "--subnet", "PrivateSubnetB", "--invoke"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /"db":"10\.0\.11\.70"/);
  });
});
