// The small CLI validations of issue 12: emulate's --event (malformed JSON, a directory), --timeout outside its range and
// --region; new's --vpc-cidr outside what a VPC may use; an unknown --param name (check, cost, emulate).
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { vpcCidrProblem } from "../src/generate/patterns.ts";
import { closestName } from "../src/load/params.ts";
import { runCli } from "./support/cli-helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "le-cli-validation-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const badJson = join(dir, "bad.json");
writeFileSync(badJson, '{"key": ');
const eventDir = join(dir, "events");
mkdirSync(eventDir);
const FIXTURE = "test/fixtures/conditions-and-params/template.yaml";
const SEED = "test/fixtures/single-nat-public-and-private/template.yaml";

/** Exit 2, the message, one `lambda-egress:` line, no stack trace. */
function refused(r: { code: number; stdout: string; stderr: string }, message: RegExp): void {
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, message);
  assert.equal(r.stderr.split("\n").filter((l) => l.startsWith("lambda-egress:")).length, 1, r.stderr);
  assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
}

describe("emulate: --event, --timeout and --region are checked before anything runs", () => {
  const invoke = ["emulate", SEED, "--function", "ApiClientFunction", "--invoke"];
  it("--event that is not JSON: exit 2 with the parser's reason, not the function's error", async () => {
    refused(await runCli([...invoke, "--event", badJson]), /--event .*bad\.json: not JSON \(.+\)/);
  });
  it("--event that is a directory: exit 2, says so", async () => {
    refused(await runCli([...invoke, "--event", eventDir]), /--event .*events: a directory, not a JSON file/);
  });
  it("--event that does not exist: exit 2", async () => {
    refused(await runCli([...invoke, "--event", join(dir, "none.json")]), /--event .*none\.json: no such file/);
  });
  for (const t of ["0.5", "0", "-1", "3601", "abc", ""]) {
    it(`--timeout ${JSON.stringify(t)} is outside 1 to 3600 seconds: exit 2`, async () => {
      refused(
        await runCli(["emulate", SEED, "--function", "ApiClientFunction", `--timeout=${t}`, "--exec", "--", "true"]),
        /--timeout .*: use 1 to 3600 seconds/,
      );
    });
  }
  it("--region that is not a region name: exit 2 (it would name the emulated AWS services)", async () => {
    refused(
      await runCli(["emulate", "--plan", SEED, "--function", "ApiClientFunction", "--region", "us-east-1\nx"]),
      /--region .* is not a region name/,
    );
  });
});

describe("new --vpc-cidr: only what a VPC may use", () => {
  for (const [cidr, message] of [
    ["127.0.0.0/16", /is in the loopback \(127\.0\.0\.0\/8\) range, which a VPC cannot use/],
    ["169.254.0.0/16", /is in the link-local \(169\.254\.0\.0\/16/],
    ["224.0.0.0/16", /is in the multicast \(224\.0\.0\.0\/4\) range/],
    ["239.255.0.0/16", /multicast/],
    ["0.0.0.0/16", /'this network' \(0\.0\.0\.0\/8\)/],
    ["240.0.0.0/16", /reserved \(240\.0\.0\.0\/4\)/],
    ["10.0.0.0/8", /has a \/8 prefix: use \/16 to \/24/],
    ["10.0.0.0/28", /has a \/28 prefix: use \/16 to \/24/],
    ["999.0.0.0/16", /999\.0\.0\.0\/16 is not an IPv4 block/],
    ["10.0.0.5/16", /has host bits set: did you mean 10\.0\.0\.0\/16\?/],
    ["2001:db8::/56", /is not an IPv4 block/],
  ] as const) {
    it(`refuses ${cidr}: exit 2`, async () => {
      refused(await runCli(["new", "nat-gateway", "--vpc-cidr", cidr]), message);
      assert.match(vpcCidrProblem(cidr) ?? "", message);
    });
  }
  it("takes private and other unicast blocks from /16 to /24", async () => {
    for (const cidr of ["10.0.0.0/16", "172.31.0.0/16", "192.168.10.0/24", "100.64.0.0/16"])
      assert.equal(vpcCidrProblem(cidr), undefined, cidr);
    const r = await runCli(["new", "nat-gateway", "--vpc-cidr", "172.31.0.0/16"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /172\.31\.0\.0\/16/);
  });
});

describe("an unknown --param name is said, with the template's parameters", () => {
  const warning =
    /--param EnvTipe: the template has no parameter EnvTipe, so it changes nothing \(its parameters: EnvType, VpcCidr[^)]*\); did you mean EnvType\?|--param EnvTyp: .*did you mean EnvType\?/;
  it("check: a warning diagnostic", async () => {
    const r = await runCli(["check", FIXTURE, "--param", "EnvTyp=dev", "--format", "json"]);
    const report = JSON.parse(r.stdout) as { diagnostics: { code: string; message: string; location: { file: string } }[] };
    const d = report.diagnostics.filter((x) => x.code === "LOAD_UNKNOWN_PARAMETER");
    assert.equal(d.length, 1);
    assert.match(d[0]?.message ?? "", warning);
    assert.equal(d[0]?.location.file, FIXTURE);
    const text = await runCli(["check", FIXTURE, "--param", "EnvTyp=dev"]);
    assert.match(text.stdout + text.stderr, /--param EnvTyp: the template has no parameter EnvTyp/);
  });
  it("cost: a warning line on stderr, the estimate still on stdout", async () => {
    const r = await runCli(["cost", FIXTURE, "--param", "EnvTipe=dev"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^lambda-egress: warning: --param EnvTipe: .*did you mean EnvType\?$/m);
  });
  it("emulate: a warning line on stderr", async () => {
    const r = await runCli(["emulate", "--plan", FIXTURE, "--function", "ApiClientFunction", "--param", "EnvTipe=dev"]);
    assert.match(r.stderr, /^lambda-egress: warning: --param EnvTipe: .*did you mean EnvType\?$/m);
  });
  it("a known name gives no warning; a far one gives no suggestion", async () => {
    const r = await runCli(["cost", FIXTURE, "--param", "EnvType=dev"]);
    assert.equal(r.stderr, "");
    const far = await runCli(["cost", FIXTURE, "--param", "Zzzzzzzz=1"]);
    assert.match(
      far.stderr,
      /--param Zzzzzzzz: the template has no parameter Zzzzzzzz, so it changes nothing \(its parameters: EnvType, VpcCidr[^)]*\)\n/,
    );
    assert.equal(closestName("vpccidr", ["EnvType", "VpcCidr"]), "VpcCidr");
    assert.equal(closestName("Zzzzzzzz", ["EnvType", "VpcCidr"]), undefined);
  });
});
