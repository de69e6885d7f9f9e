// The planner and the kernel together (root with ip and nft only, skipped otherwise): the seeds' 2-AZ design emulated
// from its template, each private subnet leaving through its own NAT's Elastic IP, and the same function moved to a
// public subnet timing out, as on AWS. The analyzer gives the same verdicts for both.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "./support/cli-helpers.ts";
import { kernelTestsMissing } from "./support/emulate-fixtures.ts";
import { checkFile, ROOT } from "./support/helpers.ts";

const skip = kernelTestsMissing();
if (skip) process.stdout.write(`# emulate-e2e skipped: ${skip}\n`);

/** An HTTPS GET to a public name from the function's position: the whoami body, or ERR and the error. */
const CLIENT =
  "require('https').get('https://whoami.example/', { timeout: 3000 }, (r) => { let b = ''; r.on('data', (c) => (b += c)); " +
  "r.on('end', () => console.log(b)); }).on('timeout', function () { this.destroy(new Error('timeout')); })" +
  ".on('error', (e) => { console.log('ERR ' + e.message); process.exitCode = 1; });";

const EXAMPLE = join(ROOT, "examples", "nat-gateway-per-az", "template.yaml");
const dir = mkdtempSync(join(tmpdir(), "le-e2e-"));
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

describe("emulate the seeds' 2-AZ design from its template", { skip, timeout: 60000 }, () => {
  it("each private subnet reaches the internet from its own AZ's Elastic IP, as check says", async () => {
    const r = await runCli(["emulate", EXAMPLE, "--function", "PartnerApiFunction", "--exec", "--", process.execPath, "-e", CLIENT]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const blocks = bySubnet(r.stdout);
    const seen = Object.fromEntries(
      Object.entries(blocks).map(([subnet, text]) => [subnet, JSON.parse(/\{.*\}/.exec(text)?.[0] ?? "null")?.sourceIp]),
    );
    assert.deepEqual(Object.keys(seen).sort(), ["PrivateSubnetA", "PrivateSubnetB"]);
    assert.match(seen.PrivateSubnetA, /^203\.0\.113\.\d+$/);
    assert.match(seen.PrivateSubnetB, /^203\.0\.113\.\d+$/);
    assert.notEqual(seen.PrivateSubnetA, seen.PrivateSubnetB);
    const verdicts = checkFile(EXAMPLE).functions[0]?.subnets.map((s) => s.destinations[0]?.verdict);
    assert.deepEqual(verdicts, ["reachable", "reachable"]);
  });

  it("the same function in a public subnet times out (no public IP), as check says", async () => {
    const text = readFileSync(EXAMPLE, "utf8").replace("- !Ref PrivateSubnetA\n          - !Ref PrivateSubnetB", "- !Ref PublicSubnetA");
    assert.notEqual(text, readFileSync(EXAMPLE, "utf8"));
    const file = join(dir, "public.yaml");
    writeFileSync(file, text);
    const r = await runCli(["emulate", file, "--function", "PartnerApiFunction", "--exec", "--", process.execPath, "-e", CLIENT]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(bySubnet(r.stdout).PublicSubnetA ?? "", /ERR timeout/);
    const dest = checkFile(file).functions[0]?.subnets[0]?.destinations[0];
    assert.equal(dest?.verdict, "unreachable");
  });

  it("--invoke runs the function's own handler: from each private subnet it sees its AZ's EIP; in a public subnet, Lambda's timeout", async () => {
    const r = await runCli(["emulate", EXAMPLE, "--function", "PartnerApiFunction", "--invoke"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const blocks = bySubnet(r.stdout);
    const ips = Object.values(blocks).map((b) => /203\.0\.113\.\d+/.exec(b)?.[0]);
    assert.equal(ips.length, 2);
    assert.notEqual(ips[0], ips[1]);
    assert.match(blocks.PrivateSubnetA ?? "", /"statusCode":200/);
    const text = readFileSync(EXAMPLE, "utf8").replace("- !Ref PrivateSubnetA\n          - !Ref PrivateSubnetB", "- !Ref PublicSubnetA");
    const file = join(dir, "public-invoke.yaml");
    writeFileSync(file, text);
    const t = await runCli(["emulate", file, "--function", "PartnerApiFunction", "--invoke"]);
    assert.equal(t.code, 124, t.stdout + t.stderr);
    assert.match(bySubnet(t.stdout).PublicSubnetA ?? "", /"errorMessage":"Task timed out after 10\.00 seconds"/);
  });
});
