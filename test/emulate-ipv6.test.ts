// IPv6, egress-only internet gateways and VPC Block Public Access on a real kernel (root with ip and nft only, skipped
// otherwise): plans of real templates applied, a real client in each ENI's namespace (and in the internet's), and the
// analyzer's verdict for the same (function, subnet, destination) beside what the packets did.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { Emulation } from "../src/emulate/apply.ts";
import { applyPlan } from "../src/emulate/apply.ts";
import { INTERNET_WHOAMI, INTERNET_WHOAMI6, planEmulation } from "../src/emulate/plan.ts";
import type { Plan } from "../src/emulate/plan-types.ts";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import { kernelTestsMissing, newPrefix } from "./support/emulate-fixtures.ts";
import { checkFile, FIXTURES } from "./support/helpers.ts";

const skip = kernelTestsMissing();
if (skip) process.stdout.write(`# emulate-ipv6 skipped: ${skip}\n`);

/** A blocked path must time out (not fail fast); this long. */
const BLOCKED_MS = 1500;
const OPEN_MS = 4000;

/**
 * `node -e CLIENT URL MS`: GETs URL, prints the whoami body's sourceIp, or `ERR <code>` (`ERR timeout` when nothing came
 * back within MS).
 */
const CLIENT = `
const [url, ms] = process.argv.slice(1);
const mod = require(url.startsWith("https:") ? "https" : "http");
const req = mod.get(url, { timeout: Number(ms) }, (r) => {
  let b = "";
  r.on("data", (c) => (b += c));
  r.on("end", () => console.log(JSON.parse(b).sourceIp));
});
req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "timeout" })));
req.on("error", (e) => { console.log("ERR " + (e.code || e.message)); process.exitCode = 1; });
`;

const dir = mkdtempSync(join(tmpdir(), "le-ipv6-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function fixture(name: string): string {
  return join(FIXTURES, name, "template.yaml");
}

/** A variant of a fixture: `edit` applied to its text (which must change it), written to a file of its own. */
function variant(name: string, from: string, edit: (text: string) => string): string {
  const text = readFileSync(fixture(from), "utf8");
  const changed = edit(text);
  assert.notEqual(changed, text, `the edit changes ${from}`);
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, changed);
  return path;
}

/** The analyzer's verdicts: subnet -> destination -> verdict (and code when not reachable). */
function verdicts(path: string): Record<string, Record<string, string>> {
  const report = checkFile(path, { to: ["internet", "internet6"] });
  const out: Record<string, Record<string, string>> = {};
  for (const f of report.functions)
    for (const s of f.subnets)
      out[s.subnet] = Object.fromEntries(
        s.destinations.map((d) => [d.to, d.verdict === "reachable" ? "reachable" : `${d.verdict} ${d.code ?? ""}`]),
      );
  return out;
}

interface Run {
  readonly plan: Plan;
  readonly emu: Emulation;
  /** The namespace and addresses of the function's ENI in `subnet`. */
  eni(subnet: string): { ns: string; ipv4: string; ipv6: string | undefined };
  /** What a GET of `url` from `ns` gave: the source address whoami saw, or `ERR <code>`. */
  get(ns: string, url: string, ms?: number): Promise<string>;
}

/** Plans and applies the template, runs `body`, and tears down whatever happens. */
async function emulate(path: string, body: (run: Run) => Promise<void>): Promise<void> {
  const plan = planEmulation(loadCloudFormation(path, readFileSync(path, "utf8")), { prefix: newPrefix() });
  const emu = await applyPlan(plan);
  try {
    await body({
      plan,
      emu,
      eni(subnet) {
        const e = plan.enis.find((x) => x.subnetId === subnet);
        assert.ok(e, `an ENI in ${subnet}`);
        return { ns: e.ns, ipv4: e.ipv4, ipv6: e.ipv6 };
      },
      async get(ns, url, ms = OPEN_MS) {
        const r = await emu.exec(ns, process.execPath, ["-e", CLIENT, url, String(ms)], ms + 5000);
        return (r.stdout.trim() || r.stderr.trim()).split("\n")[0] ?? "";
      },
    });
  } finally {
    await emu.teardown();
  }
  const left = spawnSync("ip", ["netns", "list"], { encoding: "utf8" })
    .stdout.split("\n")
    .filter((l) => l.startsWith(plan.prefix));
  assert.deepEqual(left, [], "the run leaves no namespace behind");
}

/** The egress-only fixture's security group opened to TCP from any IPv6 address (so only a gateway can stop inbound). */
function openSecurityGroup(text: string): string {
  return text.replace(
    "      SecurityGroupEgress:",
    "      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 0\n          ToPort: 65535\n          CidrIpv6: '::/0'\n      SecurityGroupEgress:",
  );
}

/** The egress-only fixture with an attached internet gateway in place of the egress-only one. */
function throughInternetGateway(text: string): string {
  return text
    .replace(
      "  EgressOnlyInternetGateway:\n    Type: AWS::EC2::EgressOnlyInternetGateway\n    Properties:\n      VpcId: !Ref Vpc\n",
      "  InternetGateway:\n    Type: AWS::EC2::InternetGateway\n\n  GatewayAttachment:\n    Type: AWS::EC2::VPCGatewayAttachment\n    Properties:\n      VpcId: !Ref Vpc\n      InternetGatewayId: !Ref InternetGateway\n",
    )
    .replace("EgressOnlyInternetGatewayId: !Ref EgressOnlyInternetGateway", "GatewayId: !Ref InternetGateway");
}

/** VPC Block Public Access resources to add at the top of Resources. */
function bpa(mode: string, exclusion = ""): string {
  return `\n  Bpa:\n    Type: AWS::EC2::VPCBlockPublicAccessOptions\n    Properties:\n      InternetGatewayBlockMode: ${mode}\n${exclusion}`;
}
const EXCLUDE_A =
  "\n  ExcludeA:\n    Type: AWS::EC2::VPCBlockPublicAccessExclusion\n    Properties:\n      SubnetId: !Ref PrivateSubnetA\n      InternetGatewayExclusionMode: allow-egress\n";
const withResources = (extra: string) => (text: string) => text.replace("\nResources:\n", `\nResources:\n${extra}`);

const WHOAMI6 = `https://[${INTERNET_WHOAMI6}]/`;
const WHOAMI4 = `https://${INTERNET_WHOAMI}/`;
const internetNs = (plan: Plan): string => plan.namespaces.find((n) => n.role === "internet")?.name ?? "";

describe("emulate IPv6 and egress-only internet gateways on the kernel", { skip, timeout: 60000 }, () => {
  it("a dual-stack function leaves through the egress-only gateway from its own IPv6 address; IPv4 has no route and times out; as check says", async () => {
    const path = fixture("ipv6-egress-only-gateway");
    assert.deepEqual(verdicts(path), {
      PrivateSubnetA: { internet: "unreachable NO_ROUTE_TO_DESTINATION", internet6: "reachable" },
      PrivateSubnetB: { internet: "unreachable NO_ROUTE_TO_DESTINATION", internet6: "reachable" },
    });
    await emulate(path, async (run) => {
      for (const subnet of ["PrivateSubnetA", "PrivateSubnetB"]) {
        const eni = run.eni(subnet);
        assert.match(eni.ipv6 ?? "", /^2001:db8:1:/);
        assert.equal(await run.get(eni.ns, WHOAMI6), eni.ipv6, `${subnet}: whoami sees the ENI's own IPv6 address`);
        // By name: the VPC resolver answers AAAA too, and the client prefers IPv6.
        assert.equal(await run.get(eni.ns, "https://api.partner.example/"), eni.ipv6, `${subnet} by name`);
        assert.equal(await run.get(eni.ns, WHOAMI4, BLOCKED_MS), "ERR timeout", `${subnet}: IPv4 has no route`);
      }
    });
  });

  it("unsolicited inbound IPv6 to the ENI: the egress-only gateway drops it (a timeout), an internet gateway delivers it, whatever the open security group", async () => {
    const eigw = variant("eigw-open-sg", "ipv6-egress-only-gateway", openSecurityGroup);
    await emulate(eigw, async (run) => {
      const eni = run.eni("PrivateSubnetA");
      assert.equal(await run.get(internetNs(run.plan), `http://[${eni.ipv6 ?? ""}]:8080/`, BLOCKED_MS), "ERR timeout");
    });
    const igw = variant("igw-open-sg", "ipv6-egress-only-gateway", (t) => throughInternetGateway(openSecurityGroup(t)));
    assert.equal(verdicts(igw).PrivateSubnetA?.internet6, "reachable");
    await emulate(igw, async (run) => {
      const eni = run.eni("PrivateSubnetA");
      // Nothing listens on 8080: the ENI's own kernel refuses, so the SYN got there and the RST back.
      assert.equal(await run.get(internetNs(run.plan), `http://[${eni.ipv6 ?? ""}]:8080/`, OPEN_MS), "ERR ECONNREFUSED");
      assert.equal(await run.get(eni.ns, WHOAMI6), eni.ipv6, "outbound through the internet gateway, from the ENI's own address");
    });
  });

  it("without a ::/0 route IPv6 times out (no fast failure), as check says (NO_ROUTE_TO_DESTINATION)", async () => {
    const path = variant("no-v6-route", "ipv6-egress-only-gateway", (t) =>
      t.replace(
        "  PrivateIpv6DefaultRoute:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref PrivateRouteTable\n      DestinationIpv6CidrBlock: '::/0'\n      EgressOnlyInternetGatewayId: !Ref EgressOnlyInternetGateway\n",
        "",
      ),
    );
    assert.deepEqual(verdicts(path).PrivateSubnetA, {
      internet: "unreachable NO_ROUTE_TO_DESTINATION",
      internet6: "unreachable NO_ROUTE_TO_DESTINATION",
    });
    await emulate(path, async (run) => {
      const eni = run.eni("PrivateSubnetA");
      assert.equal(await run.get(eni.ns, WHOAMI6, BLOCKED_MS), "ERR timeout");
    });
  });

  it("::/0 to a NAT gateway: IPv6 times out (no NAT64), IPv4 leaves through the NAT's Elastic IP, as check says", async () => {
    const path = fixture("ipv6-route-to-nat-gateway");
    assert.deepEqual(verdicts(path).PrivateSubnetA, { internet: "reachable", internet6: "unreachable CANNOT_ROUTE" });
    await emulate(path, async (run) => {
      const eni = run.eni("PrivateSubnetA");
      assert.ok(eni.ipv6 !== undefined);
      assert.equal(await run.get(eni.ns, WHOAMI6, BLOCKED_MS), "ERR timeout");
      assert.match(await run.get(eni.ns, WHOAMI4), /^203\.0\.113\.\d+$/);
    });
  });
});

describe("emulate VPC Block Public Access on the kernel", { skip, timeout: 60000 }, () => {
  it("bidirectional mode: the NAT gateway path times out; ingress-only mode and an allow-egress exclusion of the NAT's subnet let it through; as check says", async () => {
    const cases: [string, string][] = [
      ["bpa-bidirectional-blocks-nat", "unreachable VPC_BLOCK_PUBLIC_ACCESS_ENABLED"],
      ["bpa-ingress-only", "reachable"],
      ["bpa-exclusion-nat-subnet", "reachable"],
    ];
    for (const [name, verdict] of cases) {
      const path = fixture(name);
      assert.equal(verdicts(path).PrivateSubnetA?.internet, verdict, name);
      await emulate(path, async (run) => {
        const got = await run.get(run.eni("PrivateSubnetA").ns, WHOAMI4, verdict === "reachable" ? OPEN_MS : BLOCKED_MS);
        if (verdict === "reachable") assert.match(got, /^203\.0\.113\.\d+$/, name);
        else assert.equal(got, "ERR timeout", name);
      });
    }
  });

  it("bidirectional mode blocks the egress-only gateway too, except for an excluded subnet; ingress-only mode does not; as check says", async () => {
    const cases: [string, string, { A: boolean; B: boolean }][] = [
      ["bpa-bidirectional-eigw", bpa("block-bidirectional", EXCLUDE_A), { A: true, B: false }],
      ["bpa-ingress-eigw", bpa("block-ingress"), { A: true, B: true }],
    ];
    for (const [name, extra, open] of cases) {
      const path = variant(name, "ipv6-egress-only-gateway", withResources(extra));
      const v = verdicts(path);
      assert.equal(v.PrivateSubnetA?.internet6, open.A ? "reachable" : "unreachable VPC_BLOCK_PUBLIC_ACCESS_ENABLED", name);
      assert.equal(v.PrivateSubnetB?.internet6, open.B ? "reachable" : "unreachable VPC_BLOCK_PUBLIC_ACCESS_ENABLED", name);
      await emulate(path, async (run) => {
        for (const [subnet, reachable] of [
          ["PrivateSubnetA", open.A],
          ["PrivateSubnetB", open.B],
        ] as const) {
          const eni = run.eni(subnet);
          const got = await run.get(eni.ns, WHOAMI6, reachable ? OPEN_MS : BLOCKED_MS);
          assert.equal(got, reachable ? eni.ipv6 : "ERR timeout", `${name} ${subnet}`);
        }
      });
    }
  });

  it("a function's IPv6 through an internet gateway: ingress-only mode blocks it; bidirectional mode with an allow-egress exclusion lets it out but nothing unsolicited in; as check says", async () => {
    const ingress = variant("bpa-ingress-igw6", "ipv6-egress-only-gateway", (t) =>
      withResources(bpa("block-ingress"))(throughInternetGateway(t)),
    );
    assert.equal(verdicts(ingress).PrivateSubnetA?.internet6, "unreachable VPC_BLOCK_PUBLIC_ACCESS_ENABLED");
    await emulate(ingress, async (run) => {
      assert.equal(await run.get(run.eni("PrivateSubnetA").ns, WHOAMI6, BLOCKED_MS), "ERR timeout");
    });
    const egress = variant("bpa-egress-igw6", "ipv6-egress-only-gateway", (t) =>
      withResources(bpa("block-bidirectional", EXCLUDE_A))(throughInternetGateway(openSecurityGroup(t))),
    );
    const v = verdicts(egress);
    assert.equal(v.PrivateSubnetA?.internet6, "reachable");
    assert.equal(v.PrivateSubnetB?.internet6, "unreachable VPC_BLOCK_PUBLIC_ACCESS_ENABLED");
    await emulate(egress, async (run) => {
      const a = run.eni("PrivateSubnetA");
      assert.equal(await run.get(a.ns, WHOAMI6), a.ipv6);
      assert.equal(
        await run.get(internetNs(run.plan), `http://[${a.ipv6 ?? ""}]:8080/`, BLOCKED_MS),
        "ERR timeout",
        "nothing unsolicited in",
      );
      assert.equal(await run.get(run.eni("PrivateSubnetB").ns, WHOAMI6, BLOCKED_MS), "ERR timeout");
    });
  });
});
