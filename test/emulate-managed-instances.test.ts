// Lambda Managed Instances in the emulator: the function runs on instances in its capacity provider's subnets, with the
// provider's security groups; in a subnet with MapPublicIpOnLaunch an instance has a public address and reaches the
// internet through the internet gateway, in a private one through a NAT. The plan (pure), then the kernel (root with ip,
// nft and util-linux, skipped otherwise): the internet and the telemetry path (CloudWatch Logs, X-Ray) from each subnet,
// as `check` decides them.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { checkModel } from "../src/check.ts";
import { buildPlan, planEmulation } from "../src/emulate/plan.ts";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import { runCli } from "./support/cli-helpers.ts";
import { kernelTestsMissing } from "./support/emulate-fixtures.ts";
import { ROOT } from "./support/helpers.ts";

const fixture = (name: string): string => join(ROOT, "test", "fixtures", name, "template.yaml");
const load = (name: string) => loadCloudFormation(fixture(name), readFileSync(fixture(name), "utf8"));

describe("Managed Instances in the plan", () => {
  it("the capacity provider's subnet, and a stand-in public address at the internet gateway where MapPublicIpOnLaunch is on", () => {
    const { plan, notes } = buildPlan(load("lmi-public-subnet"), { prefix: "le0a1b2c" });
    assert.deepEqual(
      plan.enis.map((e) => [e.functionId, e.subnetId, e.ipv4]),
      [["Function", "PublicSubnet", "10.0.0.23"]],
    );
    assert.deepEqual(
      notes.map((n) => n.code),
      ["MANAGED_INSTANCES"],
    );
    assert.equal(notes[0]?.code === "MANAGED_INSTANCES" && notes[0].data.fn, "Function");
    const igw = plan.namespaces.find((n) => n.role === "igw");
    assert.match(igw?.nft ?? "", /10\.0\.0\.23 : 203\.0\.113\.\d+/, "1:1 at the internet gateway");
  });

  it("no public address without MapPublicIpOnLaunch", () => {
    const plan = planEmulation(load("lmi-public-subnet-without-public-ip"), { prefix: "le0a1b2c" });
    assert.equal(plan.enis.length, 1);
    assert.doesNotMatch(plan.namespaces.find((n) => n.role === "igw")?.nft ?? "", /10\.0\.0\.23 :/);
  });

  it("private subnets through the NAT: one ENI per subnet of the provider", () => {
    const plan = planEmulation(load("lmi-private-nat"), { prefix: "le0a1b2c" });
    assert.deepEqual(
      plan.enis.map((e) => e.subnetId),
      ["PrivateSubnetA", "PrivateSubnetB"],
    );
  });
});

const skip = kernelTestsMissing();
if (skip) process.stdout.write(`# emulate-managed-instances kernel tests skipped: ${skip}\n`);

/** The destinations probed, and the name each is called by. */
const PROBES = [
  ["internet", "api.partner.example"],
  ["aws:logs", "logs.us-east-1.amazonaws.com"],
  ["aws:xray", "xray.us-east-1.amazonaws.com"],
] as const;

describe("Managed Instances on the kernel: the internet and the telemetry path as check decides them", { skip, timeout: 180000 }, () => {
  for (const name of [
    "lmi-public-subnet",
    "lmi-public-subnet-without-public-ip",
    "lmi-private-nat",
    "lmi-telemetry-endpoints",
    "lmi-no-path",
  ]) {
    it(name, async () => {
      const script = PROBES.map(([, host]) => `curl -s -m 3 -o /dev/null -w '%{http_code}\\n' https://${host}/ || true`).join("; ");
      const r = await runCli([
        "emulate",
        fixture(name),
        "--function",
        "Function",
        "--timeout",
        "30",
        "--format",
        "json",
        "--exec",
        "--",
        "sh",
        "-c",
        script,
      ]);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      const runs = (JSON.parse(r.stdout) as { runs: { subnet: string; stdout: string }[] }).runs;
      const report = checkModel(load(name), { to: PROBES.map(([to]) => to) }).functions.find((f) => f.id === "Function");
      const expected = (report?.subnets ?? []).map((s) => [
        s.subnet,
        PROBES.map(([to]) => `${to} ${s.destinations.find((d) => d.to === to)?.verdict}`),
      ]);
      const seen = runs.map((run) => [
        run.subnet,
        run.stdout
          .trim()
          .split("\n")
          .map((code, k) => `${PROBES[k]?.[0]} ${code === "200" ? "reachable" : "unreachable"}`),
      ]);
      assert.ok(expected.length > 0);
      assert.deepEqual(seen, expected);
    });
  }
});
