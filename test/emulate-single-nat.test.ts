// Seed 000 on the kernel (root with ip and nft only, skipped otherwise): the article's own handler (an http.get of a public
// page, 2017 callback style, nothing called on success) run with --invoke from the fixture's two functions. In the private
// subnet it logs "Got response: 200" and returns null when its event loop is empty; in the public subnet it ends in
// Lambda's timeout at the function's own Timeout (3 s). The analyzer gives the same verdicts.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "./support/cli-helpers.ts";
import { kernelTestsMissing } from "./support/emulate-fixtures.ts";
import { checkFile, ROOT } from "./support/helpers.ts";

const skip = kernelTestsMissing();
if (skip) process.stdout.write(`# emulate-single-nat skipped: ${skip}\n`);

const SEED = join(ROOT, "test", "fixtures", "single-nat-public-and-private", "template.yaml");

function verdict(fn: string): string | undefined {
  return checkFile(SEED)
    .functions.find((f) => f.id === fn)
    ?.subnets[0]?.destinations.find((d) => d.to === "internet")?.verdict;
}

describe("seed 000's handler on the kernel", { skip, timeout: 60000 }, () => {
  it("in the private subnet (NAT gateway) it logs Got response: 200 and returns null, as check says (reachable)", async () => {
    const r = await runCli(["emulate", SEED, "--function", "ApiClientFunction", "--invoke"]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.stdout, '== ApiClientFunction in PrivateSubnet (10.0.1.23)\nGot response: 200\n{"result":null}\nexit code 0\n');
    assert.equal(verdict("ApiClientFunction"), "reachable");
  });

  it("in the public subnet it ends in Lambda's timeout at the function's Timeout (exit code 124), as check says (unreachable)", async () => {
    const started = Date.now();
    const r = await runCli(["emulate", SEED, "--function", "PublicSubnetFunction", "--invoke"]);
    const ms = Date.now() - started;
    assert.equal(r.code, 124, r.stdout + r.stderr);
    assert.equal(
      r.stdout,
      '== PublicSubnetFunction in PublicSubnet (10.0.0.23)\n{"errorType":"Sandbox.Timedout","errorMessage":"Task timed out after 3.00 seconds"}\n' +
        "check: internet:80 unreachable from PublicSubnet, IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS in InternetGateway\nexit code 124\n",
    );
    assert.ok(ms >= 3000 && ms < 15000, `${ms} ms`);
    assert.equal(verdict("PublicSubnetFunction"), "unreachable");
  });
});
