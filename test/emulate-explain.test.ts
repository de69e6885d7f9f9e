// Why a run timed out, in check's words (pure, no privileges): the connections still waiting when it ended are mapped
// back to the destinations they stand for in the emulation, and said as `check` decides them from the ENI's subnet.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { checkModel } from "../src/check.ts";
import { checkSays, destinationOf, timeoutLine } from "../src/emulate/explain.ts";
import { planEmulation } from "../src/emulate/plan.ts";
import { pendingConnections } from "../src/emulate/servers/runtime-api.ts";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import { runCli } from "./support/cli-helpers.ts";
import { ROOT } from "./support/helpers.ts";

const read = (f: string) => {
  const file = join(ROOT, f);
  return loadCloudFormation(file, readFileSync(file, "utf8"));
};

describe("the connections a timed-out run was waiting for", () => {
  it("are read from /proc/net/tcp and tcp6: SYN_SENT sockets only, IPv4-mapped IPv6 as IPv4", () => {
    const tcp = [
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
      "   0: 170A000A:A1B2 506433C6:0050 02 00000000:00000000 01:00000200 00000002 65534        0 1 1 0000000000000000 100 0 0 10 -1",
      "   1: 170A000A:A1B3 506433C6:01BB 01 00000000:00000000 00:00000000 00000000 65534        0 2 1 0000000000000000 20 4 30 10 -1",
      "   2: 0100007F:2329 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3 1 0000000000000000 100 0 0 10 0",
    ].join("\n");
    const tcp6 = [
      "  sl  local_address                         remote_address                        st",
      "   0: 00000000000000000000000000000000:A1B4 B80D01200000FFFF0000000080000000:01BB 02 0",
      "   1: 00000000000000000000000000000000:A1B5 0000000000000000FFFF0000506433C6:01BB 02 0",
    ].join("\n");
    assert.deepEqual(pendingConnections(tcp, tcp6), ["198.51.100.80:80", "[2001:db8:ffff::80]:443", "198.51.100.80:443"]);
  });

  it("stand for the destinations of the emulation's servers: the internet by port, an AWS service by its name", () => {
    const plan = planEmulation(read("test/fixtures/endpoints-and-nat/template.yaml"), { prefix: "le0a1b2c" });
    assert.equal(destinationOf(plan, "198.51.100.80:443"), "internet");
    assert.equal(destinationOf(plan, "198.51.100.80:80"), "internet:80");
    assert.equal(destinationOf(plan, "198.51.100.80:8443"), "internet:8443");
    const sqs = plan.servers.find((s) => s.label === "aws:sqs via endpoint");
    assert.ok(sqs);
    assert.equal(destinationOf(plan, `${sqs.address}:443`), "aws:sqs");
    assert.equal(destinationOf(plan, "10.9.9.9:5432"), undefined, "no server of the plan there");
  });

  it("are said as check decides them from the ENI's subnet, with the code and the part that blocks", () => {
    const model = read("examples/nat-gateway-per-az/template.yaml");
    const fn = checkModel(model, { to: ["internet:80", "internet"] }).functions.find((f) => f.id === "PartnerApiFunction");
    const blocked = checkSays(fn, "PrivateSubnetA", "internet:80");
    assert.deepEqual(blocked, {
      to: "internet:80",
      verdict: "unreachable",
      code: "ENI_SG_RULES_MISMATCH",
      component: "FunctionSecurityGroup",
      reason: "no egress rule of FunctionSecurityGroup allows tcp 80 to internet:80",
    });
    assert.equal(
      timeoutLine("PrivateSubnetA", ["198.51.100.80:80"], [blocked as NonNullable<typeof blocked>]),
      "check: internet:80 unreachable from PrivateSubnetA, ENI_SG_RULES_MISMATCH in FunctionSecurityGroup",
    );
    const open = checkSays(fn, "PrivateSubnetB", "internet");
    assert.deepEqual(open, { to: "internet", verdict: "reachable" });
    assert.equal(
      timeoutLine("PrivateSubnetB", ["198.51.100.80:443"], [open as NonNullable<typeof open>]),
      "check: internet reachable from PrivateSubnetB",
    );
    assert.equal(checkSays(fn, "NoSuchSubnet", "internet"), undefined);
    assert.equal(timeoutLine("PrivateSubnetA", [], []), "check: no connection was waiting for an answer when it timed out");
  });
});

describe("emulate --format", () => {
  for (const [args, message] of [
    [["--shell", "--format", "json"], /--format json goes with --exec and --invoke/],
    [["--plan", "--format", "json"], /--format json goes with --exec and --invoke/],
    [["--invoke", "--format", "xml"], /--format xml: use text or json/],
  ] as const) {
    it(`refuses ${args.join(" ")} before anything runs (exit 2)`, async () => {
      const r = await runCli(["emulate", "examples/nat-gateway-per-az/template.yaml", "--function", "PartnerApiFunction", ...args]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, "");
    });
  }
});
