// Tests of the emulator's planner: exact namespaces, addresses, rules and rulesets for known templates, without privileges.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { validatePlan } from "../src/emulate/apply.ts";
import { buildPlan, describePlan, INTERNET_WHOAMI6, planEmulation } from "../src/emulate/plan.ts";
import type { PlannedEmulation } from "../src/emulate/plan.ts";
import type { PlanNote } from "../src/emulate/plan-notes.ts";
import type { NamespacePlan, Plan } from "../src/emulate/plan-types.ts";
import { renderIpOps } from "../src/emulate/ip-ops.ts";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import { CORPUS, HAS_CORPUS, ROOT } from "./support/helpers.ts";

const PREFIX = "le1a2b3c";

function planFile(rel: string, functions?: string[]): Plan {
  const path = join(ROOT, rel);
  const model = loadCloudFormation(path, readFileSync(path, "utf8"));
  return planEmulation(model, functions ? { prefix: PREFIX, functions } : { prefix: PREFIX });
}

function planYaml(yaml: string): Plan {
  return planEmulation(loadCloudFormation("inline.yaml", yaml), { prefix: PREFIX });
}

/** The plan of a template and its notes, typed. */
function buildYaml(yaml: string): PlannedEmulation {
  return buildPlan(loadCloudFormation("inline.yaml", yaml), { prefix: PREFIX });
}

function buildFile(rel: string): PlannedEmulation {
  const path = join(ROOT, rel);
  return buildPlan(loadCloudFormation(path, readFileSync(path, "utf8")), { prefix: PREFIX });
}

/** Notes as [code, data] pairs, for exact comparisons. */
const noteList = (notes: readonly PlanNote[]): [string, unknown][] => notes.map((n) => [n.code, n.data]);

/** A namespace's ip operations as the `ip -batch` lines apply runs. */
const ip = (n: NamespacePlan): string[] => renderIpOps(n.ip);
const ip6 = (n: NamespacePlan): string[] => renderIpOps(n.ip6 ?? []);

function ns(plan: Plan, name: string): NamespacePlan {
  const found = plan.namespaces.find((n) => n.name === name);
  assert.ok(found, `namespace ${name} in the plan`);
  return found;
}

function byRole(plan: Plan, role: NamespacePlan["role"]): NamespacePlan[] {
  return plan.namespaces.filter((n) => n.role === role);
}

/** A small structural reading of an nft ruleset: its tables, sets/maps and chains with their rule lines. */
interface NftText {
  readonly tables: string[];
  readonly sets: Map<string, string[]>;
  readonly chains: Map<string, string[]>;
}

function readNft(text: string): NftText {
  const tables: string[] = [];
  const sets = new Map<string, string[]>();
  const chains = new Map<string, string[]>();
  let depth = 0;
  let current: string[] | undefined;
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const table = /^table (ip|ip6|inet) (\w+) \{$/.exec(line);
    const block = /^(chain|set|map) (\w+) \{$/.exec(line);
    if (table) {
      assert.equal(depth, 0, `table at top level: ${line}`);
      tables.push(`${table[1]} ${table[2]}`);
      depth = 1;
    } else if (block) {
      assert.equal(depth, 1, `${block[1]} inside a table: ${line}`);
      current = [];
      (block[1] === "chain" ? chains : sets).set(block[2] as string, current);
      depth = 2;
    } else if (line === "}") {
      depth--;
      current = undefined;
      assert.ok(depth >= 0, "balanced braces");
    } else {
      assert.equal(depth, 2, `a statement inside a chain or set: ${line}`);
      assert.ok(!line.includes("}") || line.includes("{"), `braces in one line are paired: ${line}`);
      current?.push(line);
    }
  }
  assert.equal(depth, 0, "every block is closed");
  // Every jump goes to a chain of the ruleset, every @name to a set or map.
  for (const rules of chains.values()) {
    for (const r of rules) {
      for (const m of r.matchAll(/jump (\w+)/g)) assert.ok(chains.has(m[1] as string), `chain ${m[1]} exists`);
      for (const m of r.matchAll(/@(\w+)/g)) assert.ok(sets.has(m[1] as string), `set ${m[1]} exists`);
    }
  }
  return { tables, sets, chains };
}

/** Checks every ruleset of the plan with `nft -c -f` when nft can run here; returns why it could not. */
function nftCheck(plan: Plan): string | null {
  const dir = mkdtempSync(join(tmpdir(), "le-plan-"));
  try {
    for (const n of plan.namespaces) {
      if (n.nft === undefined) continue;
      const file = join(dir, `${n.name}.nft`);
      writeFileSync(file, n.nft);
      const r = spawnSync("nft", ["-c", "-f", file], { encoding: "utf8" });
      if (r.error) return `nft is not available (${r.error.message})`;
      if (r.status !== 0 && /Operation not permitted|Permission denied|EPERM|EACCES/i.test(r.stderr)) {
        return `nft -c needs privileges here (${r.stderr.trim().split("\n")[0]})`;
      }
      assert.equal(r.status, 0, `nft -c accepts the ruleset of ${n.name}:\n${r.stderr}\n${n.nft}`);
    }
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Facts every plan must hold whatever the template. */
function assertWellFormed(plan: Plan): void {
  const names = plan.namespaces.map((n) => n.name);
  assert.equal(new Set(names).size, names.length, "namespace names are unique");
  for (const n of plan.namespaces) {
    assert.ok(n.name.startsWith(`${PREFIX}-`), `${n.name} carries the prefix`);
    for (const line of [...ip(n), ...ip6(n)]) {
      assert.ok(!/^ip\s/.test(line) && !/(^|\s)-n\s/.test(line), `an ip -batch line without 'ip' or '-n': ${line}`);
      assert.ok(!/link add/.test(line), `links are the kernel side's: ${line}`);
    }
  }
  for (const l of plan.links) {
    for (const end of [l.a, l.b]) {
      assert.ok(end.name.length <= 15, `interface name ${end.name} fits IFNAMSIZ`);
      assert.ok(names.includes(end.ns), `link end in a planned namespace: ${end.ns}`);
    }
  }
  for (const s of plan.servers) assert.ok(names.includes(s.ns), `server ${s.kind} ${s.address} runs in a planned namespace`);
  // Nothing public outside the documentation ranges.
  const internet = plan.namespaces.filter((n) => n.role === "internet" || n.role === "igw");
  for (const n of internet) {
    for (const line of ip(n)) {
      for (const m of line.matchAll(/\b(\d+\.\d+\.\d+\.\d+)\b/g)) {
        const a = m[1] as string;
        assert.ok(
          /^(10\.|169\.254\.|192\.0\.2\.|198\.51\.100\.|203\.0\.113\.|172\.(1[6-9]|2\d|3[01])\.|192\.168\.)/.test(a),
          `${a} is private or documentation`,
        );
      }
    }
  }
  // IPv6: link-local, or documentation addresses in the gateways and the internet.
  for (const n of plan.namespaces.filter((x) => x.role === "internet" || x.role === "igw" || x.role === "eigw")) {
    for (const line of ip6(n)) {
      for (const m of line.matchAll(/\b([0-9a-f]*:[0-9a-f:]*:[0-9a-f]*)(\/\d+)?\b/g)) {
        assert.ok(/^(2001:db8:|fe80::)/.test(m[1] as string), `${m[1]} is link-local or documentation (${line})`);
      }
    }
  }
  for (const n of plan.namespaces) if (n.nft !== undefined) readNft(n.nft);
  assert.deepEqual(validatePlan(plan), [], "the plan passes the apply step's safety checks");
}

describe("emulate plan: nat-gateway-per-az", () => {
  const plan = planFile("examples/nat-gateway-per-az/template.yaml");
  const router = ns(plan, `${PREFIX}-r0`);
  const igw = ns(plan, `${PREFIX}-g0`);

  it("has the namespaces and roles of the design", () => {
    assert.deepEqual(
      plan.namespaces.map((n) => [n.name, n.role, n.entity]),
      [
        [`${PREFIX}-i0`, "internet", "internet"],
        [`${PREFIX}-r0`, "router", "Vpc"],
        [`${PREFIX}-e0`, "eni", "PrivateSubnetA"],
        [`${PREFIX}-e1`, "eni", "PrivateSubnetB"],
        [`${PREFIX}-n0`, "nat-gateway", "NatGatewayA"],
        [`${PREFIX}-n1`, "nat-gateway", "NatGatewayB"],
        [`${PREFIX}-g0`, "igw", "InternetGateway"],
      ],
    );
    assert.deepEqual(plan.notes, []);
    assertWellFormed(plan);
  });

  it("places one ENI per (function, subnet) at base+23", () => {
    assert.deepEqual(plan.enis, [
      { functionId: "PartnerApiFunction", subnetId: "PrivateSubnetA", ns: `${PREFIX}-e0`, ipv4: "10.0.10.23" },
      { functionId: "PartnerApiFunction", subnetId: "PrivateSubnetB", ns: `${PREFIX}-e1`, ipv4: "10.0.11.23" },
    ]);
    const e0 = ns(plan, `${PREFIX}-e0`);
    assert.ok(ip(e0).includes("addr add 10.0.10.23/24 dev eth0"));
    assert.ok(ip(e0).includes("route add default via 10.0.10.1 dev eth0"));
    assert.equal(e0.resolvConf, "nameserver 10.0.0.2\n");
  });

  it("links every namespace to the router, the IGW also to the internet", () => {
    assert.deepEqual(
      plan.links.map((l) => `${l.a.ns}:${l.a.name}-${l.b.ns}:${l.b.name}`),
      [
        `${PREFIX}-r0:${PREFIX}-e0-${PREFIX}-e0:eth0`,
        `${PREFIX}-r0:${PREFIX}-e1-${PREFIX}-e1:eth0`,
        `${PREFIX}-r0:${PREFIX}-n0-${PREFIX}-n0:eth0`,
        `${PREFIX}-r0:${PREFIX}-n1-${PREFIX}-n1:eth0`,
        `${PREFIX}-r0:${PREFIX}-g0-${PREFIX}-g0:eth0`,
        `${PREFIX}-i0:${PREFIX}-g0-${PREFIX}-g0:inet0`,
      ],
    );
  });

  it("makes the router forward with proxy ARP answering at once", () => {
    assert.equal(router.sysctls["net.ipv4.ip_forward"], "1");
    for (const v of ["e0", "e1", "n0", "n1", "g0"]) {
      assert.equal(router.sysctls[`net.ipv4.conf.${PREFIX}-${v}.proxy_arp`], "1");
      assert.equal(router.sysctls[`net.ipv4.neigh.${PREFIX}-${v}.proxy_delay`], "0");
    }
    for (const a of ["10.0.0.2", "10.0.0.1", "10.0.1.1", "10.0.10.1", "10.0.11.1"])
      assert.ok(ip(router).includes(`addr add ${a}/32 dev lo`), a);
  });

  it("has the local route, iif rules and one table per route table", () => {
    const rules = ip(router).filter((l) => l.startsWith("rule "));
    assert.deepEqual(rules, [
      "rule add pref 100 to 10.0.0.0/16 lookup 1000",
      `rule add pref 200 iif ${PREFIX}-e0 lookup 1001`,
      `rule add pref 201 iif ${PREFIX}-e1 lookup 1002`,
      `rule add pref 202 iif ${PREFIX}-n0 lookup 1003`,
      `rule add pref 203 iif ${PREFIX}-n1 lookup 1003`,
    ]);
    assert.ok(!ip(router).some((l) => / from /.test(l)), "no from-based rules");
    const routes = ip(router).filter((l) => l.startsWith("route "));
    assert.deepEqual(routes, [
      "route add blackhole 10.0.0.0/16 table 1000",
      `route add 10.0.10.23/32 dev ${PREFIX}-e0 table 1000`,
      `route add 10.0.11.23/32 dev ${PREFIX}-e1 table 1000`,
      `route add 10.0.0.10/32 dev ${PREFIX}-n0 table 1000`,
      `route add 10.0.1.10/32 dev ${PREFIX}-n1 table 1000`,
      "route add blackhole default table default",
      // private A -> NAT A, private B -> NAT B, public -> IGW
      `route add 0.0.0.0/0 via 10.0.0.10 dev ${PREFIX}-n0 onlink table 1001`,
      `route add 0.0.0.0/0 via 10.0.1.10 dev ${PREFIX}-n1 onlink table 1002`,
      `route add 0.0.0.0/0 via 169.254.0.1 dev ${PREFIX}-g0 onlink table 1003`,
    ]);
  });

  it("makes each NAT gateway SNAT to its private address and drop unsolicited traffic", () => {
    const nat = ns(plan, `${PREFIX}-n0`);
    assert.ok(ip(nat).includes("addr add 10.0.0.10/24 dev eth0"));
    assert.equal(nat.sysctls["net.ipv4.ip_forward"], "1");
    assert.equal(nat.sysctls["net.ipv4.conf.eth0.send_redirects"], "0");
    const t = readNft(nat.nft ?? "");
    assert.deepEqual(t.chains.get("postrouting")?.slice(1), ['oifname "eth0" ip saddr != 10.0.0.10 snat to 10.0.0.10']);
    assert.deepEqual(t.chains.get("input"), [
      "type filter hook input priority filter; policy drop;",
      "ct state established,related accept",
    ]);
  });

  it("maps two distinct stand-in EIPs 1:1 in the internet gateway", () => {
    const t = readNft(igw.nft ?? "");
    assert.deepEqual(t.sets.get("public_to_private"), [
      "type ipv4_addr : ipv4_addr;",
      "elements = { 203.0.113.10 : 10.0.0.10, 203.0.113.11 : 10.0.1.10 }",
    ]);
    assert.deepEqual(t.sets.get("private_to_public"), [
      "type ipv4_addr : ipv4_addr;",
      "elements = { 10.0.0.10 : 203.0.113.10, 10.0.1.10 : 203.0.113.11 }",
    ]);
    assert.deepEqual(t.chains.get("forward"), [
      "type filter hook forward priority filter; policy drop;",
      'iifname "eth0" oifname "inet0" ip saddr @mapped_private accept',
      'iifname "inet0" oifname "eth0" ip daddr @mapped_private accept',
    ]);
    const internet = ns(plan, `${PREFIX}-i0`);
    assert.ok(ip(internet).includes(`route add 203.0.113.10/32 via 192.0.2.10 dev ${PREFIX}-g0 onlink`));
    assert.ok(ip(internet).includes(`route add 203.0.113.11/32 via 192.0.2.10 dev ${PREFIX}-g0 onlink`));
    assert.ok(ip(igw).includes("route add 10.0.0.0/16 dev eth0"));
  });

  it("filters with NACLs before conntrack and security groups after, in one inet table", () => {
    const t = readNft(router.nft ?? "");
    assert.deepEqual(t.tables, ["inet vpc"]);
    assert.deepEqual(
      [...t.chains.keys()],
      [
        "nacl_out_1",
        "nacl_in_1",
        "nacl_out_2",
        "nacl_in_2",
        "nacl_out_3",
        "nacl_in_3",
        "nacl_out_4",
        "nacl_in_4",
        `sg_out_${PREFIX}_e0`,
        `sg_in_${PREFIX}_e0`,
        `sg_out_${PREFIX}_e1`,
        `sg_in_${PREFIX}_e1`,
        "forward",
      ],
    );
    const forward = t.chains.get("forward") ?? [];
    const at = (s: string): number => forward.findIndex((l) => l.startsWith(s));
    assert.equal(forward[0], "type filter hook forward priority filter; policy drop;");
    assert.ok(at("iifgroup vmap") > 0 && at("oifgroup vmap") > at("iifgroup vmap"));
    assert.ok(at("ct state established,related accept") > at("oifgroup vmap"), "NACLs run before conntrack");
    assert.ok(at("iifname vmap") > at("ct state"), "security groups run after conntrack");
    assert.equal(forward.at(-1), "accept");
    // The default NACL allows all with `return` (an accept would skip the security groups); in-subnet traffic skips it.
    assert.deepEqual(t.chains.get("nacl_out_1"), [
      "oifgroup 1 return",
      'ip daddr 0.0.0.0/0 return comment "rule 100"',
      'ip6 daddr ::/0 return comment "rule 101"',
      "drop",
    ]);
    assert.deepEqual(t.chains.get("nacl_in_3"), [
      "iifgroup 3 return",
      'ip saddr 0.0.0.0/0 return comment "rule 100"',
      'ip6 saddr ::/0 return comment "rule 101"',
      "drop",
    ]);
    // Egress 443 only; no ingress rules (stateful: replies pass as established).
    assert.deepEqual(t.chains.get(`sg_out_${PREFIX}_e0`), ["ip daddr 0.0.0.0/0 meta l4proto tcp th dport 443 return", "drop"]);
    assert.deepEqual(t.chains.get(`sg_in_${PREFIX}_e0`), ["drop"]);
    assert.ok(ip(router).includes(`link set ${PREFIX}-e0 group 1`) && ip(router).includes(`link set ${PREFIX}-n1 group 4`));
  });

  it("runs the VPC resolver at base+2 and an internet that answers every name with whoami", () => {
    assert.deepEqual(
      plan.servers.map((s) => [s.ns, s.kind, s.address, s.port, s.label ?? null]),
      [
        [`${PREFIX}-r0`, "dns", "10.0.0.2", 53, null],
        [`${PREFIX}-i0`, "dns", "198.51.100.53", 53, null],
        [`${PREFIX}-i0`, "whoami", "198.51.100.80", 80, "internet"],
        [`${PREFIX}-i0`, "whoami", "198.51.100.80", 443, "internet"],
      ],
    );
    assert.deepEqual(plan.servers[0]?.records, { "*": ["198.51.100.80"], "*.amazonaws.com": ["198.51.100.80"] });
    assert.deepEqual(plan.servers[1]?.records, { "*": ["198.51.100.80"], "*.amazonaws.com": ["198.51.100.80"] });
  });

  it("is deterministic and describes itself", () => {
    assert.deepEqual(planFile("examples/nat-gateway-per-az/template.yaml"), plan);
    const text = describePlan(plan);
    assert.match(text, new RegExp(`namespace ${PREFIX}-r0 \\(router, Vpc\\)`));
    assert.match(text, /PartnerApiFunction in PrivateSubnetA: 10\.0\.10\.23/);
    assert.match(text, /whoami 198\.51\.100\.80:443/);
  });

  it("passes nft -c when nft can run here", (t) => {
    const why = nftCheck(plan);
    if (why) t.skip(why);
  });
});

describe("emulate plan: other examples", () => {
  it("single NAT gateway: both private subnets route to the one NAT", () => {
    const plan = planFile("examples/single-nat-gateway/template.yaml");
    assertWellFormed(plan);
    assert.equal(byRole(plan, "nat-gateway").length, 1);
    assert.equal(byRole(plan, "igw").length, 1);
    assert.deepEqual(plan.notes, []);
  });

  it("NAT instance: a namespace in its subnet, filtered by its security group, mapped to its EIP", () => {
    const plan = planFile("examples/nat-instance/template.yaml");
    assertWellFormed(plan);
    assert.deepEqual(plan.notes, []);
    const m0 = ns(plan, `${PREFIX}-m0`);
    assert.equal(m0.role, "nat-instance");
    assert.equal(m0.entity, "NatInstance");
    assert.ok(ip(m0).includes("addr add 10.0.0.10/24 dev eth0"));
    assert.match(m0.nft ?? "", /snat to 10\.0\.0\.10/);
    assert.match(m0.nft ?? "", /ip saddr \{ 10\.0\.0\.0\/16 \} accept/);
    const router = ns(plan, `${PREFIX}-r0`);
    assert.ok(ip(router).includes(`route add 0.0.0.0/0 via 10.0.0.10 dev ${PREFIX}-m0 onlink table 1001`));
    const r = readNft(router.nft ?? "");
    assert.deepEqual(r.chains.get(`sg_in_${PREFIX}_m0`), ["ip saddr 10.0.0.0/16 meta l4proto tcp return", "drop"]);
    const igw = readNft(ns(plan, `${PREFIX}-g0`).nft ?? "");
    assert.deepEqual(igw.sets.get("public_to_private"), ["type ipv4_addr : ipv4_addr;", "elements = { 203.0.113.10 : 10.0.0.10 }"]);
  });

  it("NAT instance with source/destination checking on forwards nothing", () => {
    const path = join(ROOT, "examples/nat-instance/template.yaml");
    const text = readFileSync(path, "utf8");
    assert.ok(text.includes("SourceDestCheck: false"));
    const plan = planYaml(text.replace("SourceDestCheck: false", "SourceDestCheck: true"));
    const m0 = ns(plan, `${PREFIX}-m0`);
    assert.deepEqual(readNft(m0.nft ?? "").chains.get("forward"), [
      "type filter hook forward priority filter; policy drop;",
      "ct state established,related accept",
    ]);
  });

  it("regional NAT gateway: outside every subnet, straight to the internet gateway, mapped to its EIP", () => {
    const plan = planFile("test/fixtures/regional-nat-gateway-getatt-id/template.yaml");
    assertWellFormed(plan);
    assert.deepEqual(plan.notes, []);
    const n0 = ns(plan, `${PREFIX}-n0`);
    assert.equal(n0.role, "nat-gateway");
    assert.deepEqual(ip(n0).slice(2), ["addr add 169.254.64.1/32 dev eth0", "route add default dev eth0"]);
    const router = ns(plan, `${PREFIX}-r0`);
    for (const line of [
      `route add 169.254.64.1/32 dev ${PREFIX}-n0`,
      `route add 0.0.0.0/0 via 169.254.0.1 dev ${PREFIX}-g0 onlink table 1500`,
      `rule add pref 150 iif ${PREFIX}-n0 lookup 1500`,
      `route add 0.0.0.0/0 via 169.254.64.1 dev ${PREFIX}-n0 onlink table 1001`,
    ]) {
      assert.ok(ip(router).includes(line), line);
    }
    assert.ok(
      !ip(router).includes(`link set ${PREFIX}-n0 group 0`) && !ip(router).some((l) => l.startsWith(`link set ${PREFIX}-n0 group`)),
      "in no subnet",
    );
    const g0 = ns(plan, `${PREFIX}-g0`);
    assert.ok(ip(g0).includes("route add 169.254.64.1/32 dev eth0"));
    assert.deepEqual(readNft(g0.nft ?? "").sets.get("public_to_private"), [
      "type ipv4_addr : ipv4_addr;",
      "elements = { 203.0.113.10 : 169.254.64.1 }",
    ]);
  });

  it("regional NAT gateway with manual AZs takes traffic only from the subnets of those AZs", () => {
    const text = readFileSync(join(ROOT, "test/fixtures/regional-nat-gateway-getatt-id/template.yaml"), "utf8");
    const manual = text.replace(
      "      AllocationId: !GetAtt NatEip.AllocationId\n",
      "      AvailabilityZoneAddresses:\n        - AvailabilityZone: us-east-1a\n          AllocationIds: [!GetAtt NatEip.AllocationId]\n",
    );
    assert.notEqual(manual, text);
    const plan = planYaml(manual);
    const t = readNft(ns(plan, `${PREFIX}-n0`).nft ?? "");
    assert.deepEqual(t.chains.get("forward"), [
      "type filter hook forward priority filter; policy drop;",
      "ct state established,related accept",
      "ip saddr { 10.0.1.0/24 } accept",
    ]);
  });

  it("interface endpoint with private DNS: ENIs, whoami stand-ins and private records", () => {
    const plan = planFile("examples/built/lambda-endpoint.template.yaml");
    assertWellFormed(plan);
    const eps = byRole(plan, "endpoint");
    assert.deepEqual(
      eps.map((n) => [n.name, n.entity]),
      [
        [`${PREFIX}-p0`, "LambdaEndpoint"],
        [`${PREFIX}-p1`, "LambdaEndpoint"],
      ],
    );
    const vpcDns = plan.servers.find((s) => s.kind === "dns" && s.ns === `${PREFIX}-r0`);
    assert.deepEqual(vpcDns?.records?.["lambda.us-east-1.amazonaws.com"], ["10.0.128.50", "10.0.160.50"]);
    const publicDns = plan.servers.find((s) => s.kind === "dns" && s.ns === `${PREFIX}-i0`);
    assert.deepEqual(publicDns?.records?.["lambda.us-east-1.amazonaws.com"], ["198.51.100.100"]);
    const labels = plan.servers.filter((s) => s.kind === "whoami" && s.port === 443).map((s) => `${s.address} ${s.label ?? ""}`);
    assert.deepEqual(labels, [
      "10.0.128.50 aws:lambda via endpoint",
      "10.0.160.50 aws:lambda via endpoint",
      "198.51.100.80 internet",
      "198.51.100.100 aws:lambda via internet",
    ]);
    // The endpoint SG admits 443 from the function's group: a named set of its ENIs' addresses.
    const t = readNft(ns(plan, `${PREFIX}-r0`).nft ?? "");
    assert.deepEqual(t.sets.get("sg_FunctionSecurityGroup"), ["type ipv4_addr;", "elements = { 10.0.128.23, 10.0.160.23 }"]);
    assert.deepEqual(t.chains.get(`sg_in_${PREFIX}_p0`), [
      "ip saddr @sg_FunctionSecurityGroup meta l4proto tcp th dport 443 return",
      "drop",
    ]);
  });

  it("every example passes nft -c when nft can run here", (t) => {
    for (const rel of [
      "examples/single-nat-gateway/template.yaml",
      "examples/nat-instance/template.yaml",
      "examples/fixed-ip-allowlist/template.yaml",
      "examples/built/lambda-endpoint.template.yaml",
      "test/fixtures/regional-nat-gateway-getatt-id/template.yaml",
    ]) {
      const why = nftCheck(planFile(rel));
      if (why) {
        t.skip(why);
        return;
      }
    }
  });
});

/** A one-VPC template: a public subnet (route to the IGW), a private one, and `extra` resources. */
function template(opts: { functionSubnets: string; extra?: string; params?: string; privateRoute?: string }): string {
  return `
${opts.params ?? ""}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.1.0.0/16, EnableDnsSupport: true, EnableDnsHostnames: true }
  Igw:
    Type: AWS::EC2::InternetGateway
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: { VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw }
  Public:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.1.0.0/24, MapPublicIpOnLaunch: true }
  Private:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.1.1.0/24 }
  PublicRt:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref Vpc }
  PublicDefault:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref PublicRt, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw }
  PublicAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref Public, RouteTableId: !Ref PublicRt }
  PrivateRt:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref Vpc }
  PrivateAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref Private, RouteTableId: !Ref PrivateRt }
${opts.privateRoute ?? ""}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: { GroupDescription: fn, VpcId: !Ref Vpc }
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] }
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Code: { ZipFile: 'exports.handler = async () => 1' }
      VpcConfig: { SubnetIds: ${opts.functionSubnets}, SecurityGroupIds: [!Ref Sg] }
${opts.extra ?? ""}
`;
}

describe("emulate plan: inline templates", () => {
  it("a function in a public subnet gets no public mapping (a Lambda ENI has no public IP)", () => {
    const plan = planYaml(template({ functionSubnets: "[!Ref Public]" }));
    assertWellFormed(plan);
    assert.deepEqual(plan.enis, [{ functionId: "Fn", subnetId: "Public", ns: `${PREFIX}-e0`, ipv4: "10.1.0.23" }]);
    const router = ns(plan, `${PREFIX}-r0`);
    assert.ok(ip(router).includes(`route add 0.0.0.0/0 via 169.254.0.1 dev ${PREFIX}-g0 onlink table 1001`));
    assert.ok(ip(router).includes(`rule add pref 200 iif ${PREFIX}-e0 lookup 1001`));
    const t = readNft(ns(plan, `${PREFIX}-g0`).nft ?? "");
    assert.deepEqual(t.sets.get("public_to_private"), ["type ipv4_addr : ipv4_addr;"], "no element: nothing is mapped");
    assert.deepEqual(t.sets.get("mapped_private"), ["type ipv4_addr;"]);
    assert.ok(!ip(ns(plan, `${PREFIX}-i0`)).some((l) => l.includes("203.0.113.")), "no EIP route in the internet");
    // A new security group without egress rules gets CloudFormation's allow-all egress.
    assert.deepEqual(readNft(router.nft ?? "").chains.get(`sg_out_${PREFIX}_e0`), ["ip daddr 0.0.0.0/0 return", "drop"]);
  });

  it("a route without a target is a kernel blackhole; a missing route falls to blackhole default", () => {
    const plan = planYaml(
      template({
        functionSubnets: "[!Ref Private]",
        privateRoute: `
  PrivateHole:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref PrivateRt, DestinationCidrBlock: 192.0.2.0/24 }`,
      }),
    );
    assertWellFormed(plan);
    const router = ns(plan, `${PREFIX}-r0`);
    assert.ok(ip(router).includes("route add blackhole 192.0.2.0/24 table 1001"), ip(router).join("\n"));
    assert.ok(ip(router).includes("route add blackhole default table default"));
    assert.ok(!ip(router).some((l) => / table 1001$/.test(l) && l.includes("0.0.0.0/0")), "no default route in the private table");
  });

  it("a subnet given as a parameter yields a note and is left out", () => {
    const { plan, notes } = buildYaml(
      template({
        functionSubnets: "[!Ref Private, !Ref OtherSubnet]",
        params: "Parameters:\n  OtherSubnet:\n    Type: AWS::EC2::Subnet::Id\n",
      }),
    );
    assertWellFormed(plan);
    assert.deepEqual(
      plan.enis.map((e) => e.subnetId),
      ["Private"],
    );
    assert.deepEqual(
      notes.map((n) => n.code),
      ["SUBNET_UNKNOWN"],
      plan.notes.join("\n"),
    );
    assert.equal(notes[0]?.code === "SUBNET_UNKNOWN" && notes[0].data.what, "function Fn");
  });

  it("a custom NACL: lowest rule first, allow = return, deny = drop, implicit deny", () => {
    const plan = planYaml(
      template({
        functionSubnets: "[!Ref Private]",
        extra: `
  Acl:
    Type: AWS::EC2::NetworkAcl
    Properties: { VpcId: !Ref Vpc }
  AclAssoc:
    Type: AWS::EC2::SubnetNetworkAclAssociation
    Properties: { SubnetId: !Ref Private, NetworkAclId: !Ref Acl }
  OutDeny:
    Type: AWS::EC2::NetworkAclEntry
    Properties: { NetworkAclId: !Ref Acl, RuleNumber: 200, Egress: true, Protocol: -1, RuleAction: allow, CidrBlock: 0.0.0.0/0 }
  OutHttps:
    Type: AWS::EC2::NetworkAclEntry
    Properties: { NetworkAclId: !Ref Acl, RuleNumber: 100, Egress: true, Protocol: 6, PortRange: { From: 443, To: 443 }, RuleAction: deny, CidrBlock: 198.51.100.0/24 }
  InEphemeral:
    Type: AWS::EC2::NetworkAclEntry
    Properties: { NetworkAclId: !Ref Acl, RuleNumber: 100, Egress: false, Protocol: 6, PortRange: { From: 1024, To: 65535 }, RuleAction: allow, CidrBlock: 0.0.0.0/0 }
`,
      }),
    );
    assertWellFormed(plan);
    const t = readNft(ns(plan, `${PREFIX}-r0`).nft ?? "");
    assert.deepEqual(t.chains.get("nacl_out_1"), [
      "oifgroup 1 return",
      'ip daddr 198.51.100.0/24 meta l4proto tcp th dport 443 drop comment "rule 100"',
      'ip daddr 0.0.0.0/0 return comment "rule 200"',
      "drop",
    ]);
    assert.deepEqual(t.chains.get("nacl_in_1"), [
      "iifgroup 1 return",
      'ip saddr 0.0.0.0/0 meta l4proto tcp th dport 1024-65535 return comment "rule 100"',
      "drop",
    ]);
  });

  it("an interface endpoint without private DNS resolves publicly; a gateway endpoint routes only its tables", () => {
    const plan = planYaml(
      template({
        functionSubnets: "[!Ref Private]",
        extra: `
  Sqs:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.\${AWS::Region}.sqs
      VpcEndpointType: Interface
      PrivateDnsEnabled: false
      SubnetIds: [!Ref Private]
  S3:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.\${AWS::Region}.s3
      VpcEndpointType: Gateway
      RouteTableIds: [!Ref PrivateRt]
`,
      }),
    );
    assertWellFormed(plan);
    const vpcDns = plan.servers.find((s) => s.kind === "dns" && s.ns === `${PREFIX}-r0`);
    assert.deepEqual(vpcDns?.records, {
      "*": ["198.51.100.80"],
      "*.amazonaws.com": ["198.51.100.80"],
      "sqs.us-east-1.amazonaws.com": ["198.51.100.100"],
      "s3.us-east-1.amazonaws.com": ["198.51.100.101"],
    });
    const eps = byRole(plan, "endpoint").map((n) => [n.name, n.entity]);
    assert.deepEqual(eps, [
      [`${PREFIX}-p0`, "Sqs"],
      [`${PREFIX}-p1`, "S3"],
    ]);
    const router = ns(plan, `${PREFIX}-r0`);
    const s3Routes = ip(router).filter((l) => l.startsWith("route add 198.51.100.101/32"));
    assert.deepEqual(s3Routes, [`route add 198.51.100.101/32 via 169.254.128.1 dev ${PREFIX}-p1 onlink table 1001`]);
    const gw = plan.servers.filter((s) => s.ns === `${PREFIX}-p1`).map((s) => `${s.address}:${s.port} ${s.label ?? ""}`);
    assert.deepEqual(gw, ["198.51.100.101:80 aws:s3 via gateway endpoint", "198.51.100.101:443 aws:s3 via gateway endpoint"]);
  });

  it("every inline template passes nft -c when nft can run here", (t) => {
    for (const yaml of [template({ functionSubnets: "[!Ref Public]" }), template({ functionSubnets: "[!Ref Private]" })]) {
      const why = nftCheck(planYaml(yaml));
      if (why) {
        t.skip(why);
        return;
      }
    }
  });

  it("a VPC without DNS support has no resolver; a route inside the VPC is noted, not emulated", () => {
    const yaml = template({
      functionSubnets: "[!Ref Private]",
      privateRoute: `
  PrivateInside:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref PrivateRt, DestinationCidrBlock: 10.1.0.0/24, GatewayId: !Ref Igw }`,
    }).replace("EnableDnsSupport: true", "EnableDnsSupport: false");
    const { plan, notes } = buildYaml(yaml);
    assertWellFormed(plan);
    assert.deepEqual(
      plan.servers.filter((s) => s.kind === "dns").map((s) => s.ns),
      [`${PREFIX}-i0`],
    );
    assert.deepEqual(
      noteList(notes).filter(([code]) => code === "DNS_SUPPORT_OFF" || code === "ROUTE_INSIDE_VPC"),
      [
        ["ROUTE_INSIDE_VPC", { routeTable: "PrivateRt", cidrs: ["10.1.0.0/24"], target: "internet-gateway" }],
        ["DNS_SUPPORT_OFF", { vpc: "Vpc", resolver: "10.1.0.2" }],
      ],
      plan.notes.join("\n"),
    );
    assert.ok(!ip(ns(plan, `${PREFIX}-r0`)).some((l) => l.startsWith("route add 10.1.0.0/24")));
  });

  it("a NAT gateway on a literal allocation id gets a stand-in EIP; a subnet listed twice gets one ENI", () => {
    const plan = planYaml(
      template({
        functionSubnets: "[!Ref Private, !Ref Private]",
        privateRoute: `
  PrivateDefault:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref PrivateRt, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat }
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: { SubnetId: !Ref Public, AllocationId: eipalloc-0123456789abcdef0 }`,
      }),
    );
    assertWellFormed(plan);
    assert.deepEqual(plan.notes, []);
    assert.deepEqual(
      plan.enis.map((e) => e.ipv4),
      ["10.1.1.23"],
    );
    const t = readNft(ns(plan, `${PREFIX}-g0`).nft ?? "");
    assert.deepEqual(t.sets.get("public_to_private"), ["type ipv4_addr : ipv4_addr;", "elements = { 203.0.113.10 : 10.1.0.10 }"]);
    assert.ok(ip(ns(plan, `${PREFIX}-r0`)).includes(`route add 0.0.0.0/0 via 10.1.0.10 dev ${PREFIX}-n0 onlink table 1001`));
  });

  it("rejects a prefix that would not fit interface names", () => {
    assert.throws(() =>
      planEmulation(loadCloudFormation("inline.yaml", template({ functionSubnets: "[!Ref Private]" })), {
        prefix: "averyveryverylongprefix",
      }),
    );
  });

  it("emulates only the functions asked for, and notes the unknown ones", () => {
    const { plan, notes } = buildPlan(loadCloudFormation("inline.yaml", template({ functionSubnets: "[!Ref Private]" })), {
      prefix: PREFIX,
      functions: ["Nope"],
    });
    assert.deepEqual(plan.enis, []);
    assert.deepEqual(noteList(notes), [["FUNCTION_NOT_IN_MODEL", { fn: "Nope" }]]);
  });
});

/** A dual-stack VPC: subnet A routes ::/0 to the internet gateway, B to the egress-only one; `v6` is the VPC block's properties. */
function dualStackTemplate(opts: { v6: string; a6: string; b6: string; extra?: string }): string {
  return `
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.2.0.0/16, EnableDnsSupport: true, EnableDnsHostnames: true }
  V6:
    Type: AWS::EC2::VPCCidrBlock
    Properties: { VpcId: !Ref Vpc, ${opts.v6} }
  Igw:
    Type: AWS::EC2::InternetGateway
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: { VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw }
  Eigw:
    Type: AWS::EC2::EgressOnlyInternetGateway
    Properties: { VpcId: !Ref Vpc }
  A:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.2.1.0/24, Ipv6CidrBlock: ${opts.a6} }
  B:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.2.2.0/24, Ipv6CidrBlock: ${opts.b6} }
  RtA:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref Vpc }
  RtB:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref Vpc }
  AssocA:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref A, RouteTableId: !Ref RtA }
  AssocB:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref B, RouteTableId: !Ref RtB }
  ToIgw:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref RtA, DestinationIpv6CidrBlock: '::/0', GatewayId: !Ref Igw }
  ToEigw:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref RtB, DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: !Ref Eigw }
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: fn
      VpcId: !Ref Vpc
      SecurityGroupEgress:
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIpv6: '::/0' }
  SelfIngress:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: { GroupId: !Ref Sg, IpProtocol: tcp, FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: !Ref Sg }
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Version: '2012-10-17', Statement: [] }
      ManagedPolicyArns: [arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: !GetAtt Role.Arn
      Code: { ZipFile: 'exports.handler = async () => 1' }
      VpcConfig: { SubnetIds: [!Ref A, !Ref B], SecurityGroupIds: [!Ref Sg], Ipv6AllowedForDualStack: true }
${opts.extra ?? ""}
`;
}

/** The internet gateway's IPv6 table alone (both of its tables have a `forward` chain). */
function igw6(p: Plan): string {
  const text = ns(p, `${PREFIX}-g0`).nft ?? "";
  return text.slice(text.indexOf("table ip6 igw6"));
}

const ND_INPUT = ["type filter hook input priority filter; policy drop;", "icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept"];

describe("emulate plan: IPv6 and egress-only internet gateways", () => {
  const plan = planFile("test/fixtures/ipv6-egress-only-gateway/template.yaml");
  const router = ns(plan, `${PREFIX}-r0`);

  it("stands in for the Amazon-provided block and the subnets' /64s, and says so", () => {
    assertWellFormed(plan);
    assert.deepEqual(noteList(buildFile("test/fixtures/ipv6-egress-only-gateway/template.yaml").notes), [
      [
        "IPV6_BLOCK_UNKNOWN",
        { vpc: "Vpc", why: "the IPv6 block of VpcIpv6Block is assigned by AWS at deploy time", standIn: "2001:db8:1::/56" },
      ],
      [
        "SUBNET_IPV6_UNKNOWN",
        {
          vpc: "Vpc",
          standIns: [
            { subnet: "PrivateSubnetA", block: "2001:db8:1::/64" },
            { subnet: "PrivateSubnetB", block: "2001:db8:1:1::/64" },
          ],
        },
      ],
    ]);
    assert.deepEqual(
      plan.namespaces.map((n) => [n.name, n.role, n.entity]),
      [
        [`${PREFIX}-i0`, "internet", "internet"],
        [`${PREFIX}-r0`, "router", "Vpc"],
        [`${PREFIX}-e0`, "eni", "PrivateSubnetA"],
        [`${PREFIX}-e1`, "eni", "PrivateSubnetB"],
        [`${PREFIX}-o0`, "eigw", "EgressOnlyInternetGateway"],
      ],
    );
  });

  it("gives the dual-stack function's ENIs <subnet /64>::<IPv4 offset>, routed by fe80::1 without a prefix route", () => {
    assert.deepEqual(plan.enis, [
      { functionId: "Function", subnetId: "PrivateSubnetA", ns: `${PREFIX}-e0`, ipv4: "10.0.1.23", ipv6: "2001:db8:1::23" },
      { functionId: "Function", subnetId: "PrivateSubnetB", ns: `${PREFIX}-e1`, ipv4: "10.0.2.23", ipv6: "2001:db8:1:1::23" },
    ]);
    const e0 = ns(plan, `${PREFIX}-e0`);
    assert.deepEqual(ip6(e0), ["addr add 2001:db8:1::23/64 dev eth0 nodad noprefixroute", "route add default via fe80::1 dev eth0"]);
    assert.equal(e0.sysctls["net.ipv6.conf.eth0.accept_dad"], "0");
    assert.match(describePlan(plan), /Function in PrivateSubnetA: 10\.0\.1\.23, 2001:db8:1::23 \(/);
  });

  it("routes IPv6 through the same iif rules and tables as IPv4, to a silent blackhole when no route matches", () => {
    assert.equal(router.sysctls["net.ipv6.conf.all.forwarding"], "1");
    assert.deepEqual(ip6(router), [
      `addr add fe80::1/64 dev ${PREFIX}-e0 nodad`,
      `addr add fe80::1/64 dev ${PREFIX}-e1 nodad`,
      `addr add fe80::1/64 dev ${PREFIX}-o0 nodad`,
      "rule add pref 100 to 2001:db8:1::/56 lookup 1000",
      "route add blackhole 2001:db8:1::/56 table 1000",
      `route add 2001:db8:1::23/128 dev ${PREFIX}-e0 table 1000`,
      `route add 2001:db8:1:1::23/128 dev ${PREFIX}-e1 table 1000`,
      "rule add pref 32767 lookup default",
      "route add blackhole default table default",
      `route add ::/0 via fe80::2 dev ${PREFIX}-o0 table 1001`,
      `rule add pref 200 iif ${PREFIX}-e0 lookup 1001`,
      `rule add pref 201 iif ${PREFIX}-e1 lookup 1001`,
    ]);
    assert.ok(ip(router).includes(`rule add pref 200 iif ${PREFIX}-e0 lookup 1001`), "the IPv4 rule of the same port, same pref and table");
    // The security group's IPv6 egress rule and the default NACL's IPv6 entries.
    const t = readNft(router.nft ?? "");
    assert.deepEqual(t.chains.get(`sg_out_${PREFIX}_e0`), ["ip daddr 0.0.0.0/0 return", "ip6 daddr ::/0 return", "drop"]);
    assert.deepEqual(t.chains.get("nacl_out_1"), [
      "oifgroup 1 return",
      'ip daddr 0.0.0.0/0 return comment "rule 100"',
      'ip6 daddr ::/0 return comment "rule 101"',
      "drop",
    ]);
  });

  it("makes the egress-only gateway forward IPv6 out and let back only established flows", () => {
    const o0 = ns(plan, `${PREFIX}-o0`);
    assert.deepEqual(ip(o0), ["link set lo up", "link set eth0 up", "link set inet0 up"]);
    assert.deepEqual(ip6(o0), [
      "addr add fe80::2/64 dev eth0 nodad",
      "addr add fe80::2/64 dev inet0 nodad",
      "route add default via fe80::1 dev inet0",
      "route add 2001:db8:1::/56 via fe80::1 dev eth0",
    ]);
    assert.deepEqual(o0.sysctls, {
      "net.ipv6.conf.all.forwarding": "1",
      "net.ipv6.conf.eth0.accept_dad": "0",
      "net.ipv6.conf.inet0.accept_dad": "0",
    });
    const t = readNft(o0.nft ?? "");
    assert.deepEqual(t.tables, ["ip6 eigw"]);
    assert.deepEqual(t.sets.get("egress"), ["type ipv6_addr;", "flags interval;", "elements = { 2001:db8:1::/64, 2001:db8:1:1::/64 }"]);
    assert.deepEqual(t.chains.get("input"), ND_INPUT);
    assert.deepEqual(t.chains.get("forward"), [
      "type filter hook forward priority filter; policy drop;",
      "ct state established,related accept",
      'iifname "eth0" oifname "inet0" ip6 saddr @egress accept',
    ]);
  });

  it("puts whoami on 2001:db8:ffff::80 too, answers AAAA for every public name, and routes the VPC's block back", () => {
    const internet = ns(plan, `${PREFIX}-i0`);
    assert.deepEqual(ip6(internet), [
      `addr add ${INTERNET_WHOAMI6}/128 dev lo`,
      `addr add fe80::1/64 dev ${PREFIX}-o0 nodad`,
      `route add 2001:db8:1::/56 via fe80::2 dev ${PREFIX}-o0`,
    ]);
    assert.deepEqual(
      plan.servers.map((s) => [s.ns, s.kind, s.address, s.port]),
      [
        [`${PREFIX}-r0`, "dns", "10.0.0.2", 53],
        [`${PREFIX}-i0`, "dns", "198.51.100.53", 53],
        [`${PREFIX}-i0`, "whoami", "198.51.100.80", 80],
        [`${PREFIX}-i0`, "whoami", "198.51.100.80", 443],
        [`${PREFIX}-i0`, "whoami", INTERNET_WHOAMI6, 80],
        [`${PREFIX}-i0`, "whoami", INTERNET_WHOAMI6, 443],
      ],
    );
    assert.deepEqual(plan.servers[0]?.records, { "*": ["198.51.100.80", INTERNET_WHOAMI6], "*.amazonaws.com": ["198.51.100.80"] });
    assert.match(describePlan(plan), /whoami \[2001:db8:ffff::80\]:443 in /);
  });

  it("passes nft -c when nft can run here", (t) => {
    const why = nftCheck(plan);
    if (why) t.skip(why);
  });

  it("a function without Ipv6AllowedForDualStack, or in an IPv4-only subnet, gets no IPv6 address", () => {
    const off = planFile("test/fixtures/ipv6-not-allowed/template.yaml");
    assertWellFormed(off);
    assert.ok(off.enis.length === 2 && off.enis.every((e) => e.ipv6 === undefined));
    assert.ok(!ip6(ns(off, `${PREFIX}-r0`)).some((l) => / iif /.test(l)), "no IPv6 rule for an ENI without IPv6");
    const mixed = planFile("test/fixtures/ipv6-flag-ipv4-only-subnet/template.yaml");
    assert.deepEqual(
      mixed.enis.map((e) => [e.subnetId, e.ipv6 ?? null]),
      [
        ["PrivateSubnetA", "2001:db8:1::23"],
        ["PrivateSubnetB", null],
      ],
    );
  });

  it("a ::/0 route to a NAT gateway is a blackhole, noted (no NAT64); IPv4 still goes to the NAT", () => {
    const { plan: p, notes } = buildFile("test/fixtures/ipv6-route-to-nat-gateway/template.yaml");
    assertWellFormed(p);
    const r = ns(p, `${PREFIX}-r0`);
    assert.ok(ip6(r).includes("route add blackhole ::/0 table 1001"), ip6(r).join("\n"));
    assert.ok(ip(r).includes(`route add 0.0.0.0/0 via 10.0.0.10 dev ${PREFIX}-n0 onlink table 1001`));
    assert.deepEqual(
      noteList(notes).filter(([code]) => code === "IPV6_ROUTE_TO_NAT"),
      [["IPV6_ROUTE_TO_NAT", { routeTable: "PrivateRouteTable", cidr: "::/0", nat: "NatGateway" }]],
      p.notes.join("\n"),
    );
  });

  it("keeps literal documentation blocks; a literal block elsewhere stands in, its subnets keeping their index", () => {
    const kept = planYaml(
      dualStackTemplate({
        v6: "Ipv6CidrBlock: 2001:db8:42::/56",
        a6: "2001:db8:42:5::/64",
        b6: "!Select [9, !Cidr [2001:db8:42::/56, 16, 64]]",
      }),
    );
    assertWellFormed(kept);
    assert.deepEqual(kept.notes, []);
    assert.deepEqual(
      kept.enis.map((e) => e.ipv6),
      ["2001:db8:42:5::23", "2001:db8:42:9::23"],
    );
    const { plan: moved, notes } = buildYaml(
      dualStackTemplate({ v6: "Ipv6CidrBlock: 2600:1f18:1234:5600::/56", a6: "2600:1f18:1234:5603::/64", b6: "2600:1f18:1234:5607::/64" }),
    );
    assertWellFormed(moved);
    assert.deepEqual(noteList(notes), [
      ["IPV6_BLOCK_STAND_IN", { vpc: "Vpc", block: "2600:1f18:1234:5600::/56", standIn: "2001:db8:1::/56" }],
      ["SUBNET_IPV6_STAND_IN", { subnet: "A", block: "2600:1f18:1234:5603::/64", standIn: "2001:db8:1:3::/64" }],
      ["SUBNET_IPV6_STAND_IN", { subnet: "B", block: "2600:1f18:1234:5607::/64", standIn: "2001:db8:1:7::/64" }],
    ]);
    assert.deepEqual(
      moved.enis.map((e) => e.ipv6),
      ["2001:db8:1:3::23", "2001:db8:1:7::23"],
    );
  });

  it("an internet gateway carries a function's own IPv6 address both ways; security group references match both families", () => {
    const p = planYaml(dualStackTemplate({ v6: "AmazonProvidedIpv6CidrBlock: true", a6: "2001:db8:42:5::/64", b6: "2001:db8:42:6::/64" }));
    assertWellFormed(p);
    const r = ns(p, `${PREFIX}-r0`);
    assert.ok(ip6(r).includes(`route add ::/0 via fe80::2 dev ${PREFIX}-g0 table 1001`));
    assert.ok(ip6(r).includes(`route add ::/0 via fe80::2 dev ${PREFIX}-o0 table 1002`));
    const g0 = ns(p, `${PREFIX}-g0`);
    assert.deepEqual(readNft(g0.nft ?? "").tables, ["ip igw", "ip6 igw6"]);
    const t = readNft(igw6(p));
    assert.deepEqual(t.sets.get("public"), ["type ipv6_addr;", "flags interval;", "elements = { 2001:db8:1:5::/64, 2001:db8:1:6::/64 }"]);
    assert.deepEqual(t.chains.get("input"), ND_INPUT);
    assert.deepEqual(t.chains.get("forward"), [
      "type filter hook forward priority filter; policy drop;",
      'iifname "eth0" oifname "inet0" ip6 saddr @public accept',
      'iifname "inet0" oifname "eth0" ip6 daddr @public accept',
    ]);
    // The internet reaches the VPC's block through the internet gateway; B's /64 comes back through the egress-only one.
    const internet = ns(p, `${PREFIX}-i0`);
    assert.deepEqual(
      ip6(internet)?.filter((l) => l.startsWith("route ")),
      [`route add 2001:db8:1::/56 via fe80::2 dev ${PREFIX}-g0`, `route add 2001:db8:1:6::/64 via fe80::2 dev ${PREFIX}-o0`],
    );
    const sg = readNft(r.nft ?? "");
    assert.deepEqual(sg.sets.get("sg6_Sg"), ["type ipv6_addr;", "elements = { 2001:db8:1:5::23, 2001:db8:1:6::23 }"]);
    assert.deepEqual(sg.chains.get(`sg_in_${PREFIX}_e0`), [
      "ip saddr @sg_Sg meta l4proto tcp th dport 8080 return",
      "ip6 saddr @sg6_Sg meta l4proto tcp th dport 8080 return",
      "drop",
    ]);
    assert.deepEqual(sg.chains.get(`sg_out_${PREFIX}_e0`), ["ip6 daddr ::/0 meta l4proto tcp th dport 443 return", "drop"]);
  });

  it("every IPv6 plan passes nft -c when nft can run here", (t) => {
    for (const p of [
      planYaml(dualStackTemplate({ v6: "AmazonProvidedIpv6CidrBlock: true", a6: "2001:db8:42:5::/64", b6: "2001:db8:42:6::/64" })),
      planFile("test/fixtures/ipv6-route-to-nat-gateway/template.yaml"),
      planFile("test/fixtures/bpa-bidirectional-blocks-nat/template.yaml"),
    ]) {
      const why = nftCheck(p);
      if (why) {
        t.skip(why);
        return;
      }
    }
  });
});

describe("emulate plan: VPC Block Public Access", () => {
  const bpa = (mode: string): string =>
    `  Bpa:\n    Type: AWS::EC2::VPCBlockPublicAccessOptions\n    Properties: { InternetGatewayBlockMode: ${mode} }\n`;
  const exclude = (what: string, mode: string): string =>
    `  Exclusion:\n    Type: AWS::EC2::VPCBlockPublicAccessExclusion\n    Properties: { ${what}, InternetGatewayExclusionMode: ${mode} }\n`;
  const igwOf = (p: Plan): NftText => readNft(ns(p, `${PREFIX}-g0`).nft ?? "");

  it("bidirectional mode: the NAT gateway's address stays mapped but nothing of it passes the internet gateway", () => {
    const p = planFile("test/fixtures/bpa-bidirectional-blocks-nat/template.yaml");
    assertWellFormed(p);
    assert.deepEqual(p.notes, []);
    const t = igwOf(p);
    assert.deepEqual(t.sets.get("bpa_blocked"), ["type ipv4_addr;", "elements = { 10.0.0.10 }"]);
    assert.match(ns(p, `${PREFIX}-g0`).nft ?? "", /# NAT gateway NatGateway: blocked by VPC Block Public Access\n/);
    assert.deepEqual(t.chains.get("forward"), [
      "type filter hook forward priority filter; policy drop;",
      "ip saddr @bpa_blocked drop",
      "ip daddr @bpa_blocked drop",
      'iifname "eth0" oifname "inet0" ip saddr @mapped_private accept',
      'iifname "inet0" oifname "eth0" ip daddr @mapped_private accept',
    ]);
    assert.deepEqual(t.sets.get("public_to_private"), ["type ipv4_addr : ipv4_addr;", "elements = { 203.0.113.10 : 10.0.0.10 }"]);
  });

  it("ingress-only mode and an allow-egress exclusion of the NAT's subnet let the NAT gateway through", () => {
    for (const rel of ["test/fixtures/bpa-ingress-only/template.yaml", "test/fixtures/bpa-exclusion-nat-subnet/template.yaml"]) {
      const p = planFile(rel);
      assertWellFormed(p);
      assert.deepEqual(p.notes, [], rel);
      assert.equal(igwOf(p).sets.get("bpa_blocked"), undefined, rel);
    }
  });

  it("ingress-only mode blocks a NAT instance's public address; an allow-bidirectional exclusion of its VPC lifts it", () => {
    const text = readFileSync(join(ROOT, "examples/nat-instance/template.yaml"), "utf8");
    const blocked = planYaml(text.replace("\nResources:\n", `\nResources:\n${bpa("block-ingress")}`));
    assert.deepEqual(igwOf(blocked).sets.get("bpa_blocked"), ["type ipv4_addr;", "elements = { 10.0.0.10 }"]);
    const excluded = planYaml(
      text.replace("\nResources:\n", `\nResources:\n${bpa("block-ingress")}${exclude("VpcId: !Ref Vpc", "allow-bidirectional")}`),
    );
    assert.equal(igwOf(excluded).sets.get("bpa_blocked"), undefined);
  });

  it("IPv6: bidirectional mode leaves blocked subnets out of both gateways' sets, an allow-egress exclusion lets out (not in); ingress-only mode blocks the internet gateway's side only", () => {
    const base = { v6: "AmazonProvidedIpv6CidrBlock: true", a6: "2001:db8:42:5::/64", b6: "2001:db8:42:6::/64" };
    const sets = (p: Plan): [string[] | undefined, string[] | undefined, string[] | undefined] => [
      readNft(igw6(p)).sets.get("public"),
      readNft(igw6(p)).sets.get("egress_only"),
      readNft(ns(p, `${PREFIX}-o0`).nft ?? "").sets.get("egress"),
    ];
    const none = ["type ipv6_addr;", "flags interval;"];
    const both = [...none, "elements = { 2001:db8:1:5::/64, 2001:db8:1:6::/64 }"];
    const onlyB = [...none, "elements = { 2001:db8:1:6::/64 }"];
    const bidirectional = planYaml(
      dualStackTemplate({ ...base, extra: bpa("block-bidirectional") + exclude("SubnetId: !Ref B", "allow-egress") }),
    );
    assertWellFormed(bidirectional);
    // The internet gateway lets B out (and its flows' replies back) but nothing unsolicited in: allow-egress.
    assert.deepEqual(sets(bidirectional), [none, onlyB, onlyB]);
    assert.deepEqual(readNft(igw6(bidirectional)).chains.get("forward"), [
      "type filter hook forward priority filter; policy drop;",
      'iifname "eth0" oifname "inet0" ip6 saddr @public accept',
      'iifname "inet0" oifname "eth0" ip6 daddr @public accept',
      'iifname "inet0" oifname "eth0" ip6 daddr @egress_only ct state established,related accept',
      'iifname "eth0" oifname "inet0" ip6 saddr @egress_only accept',
    ]);
    assert.match(ns(bidirectional, `${PREFIX}-o0`).nft ?? "", /# not A: blocked by VPC Block Public Access\n/);
    const ingress = planYaml(dualStackTemplate({ ...base, extra: bpa("block-ingress") }));
    assert.deepEqual(sets(ingress), [none, undefined, both]);
    assert.deepEqual(sets(planYaml(dualStackTemplate(base))), [both, undefined, both]);
  });

  it("a mode that is not known is noted and emulated as blocked", () => {
    const { plan: p, notes } = buildYaml(
      dualStackTemplate({
        v6: "AmazonProvidedIpv6CidrBlock: true",
        a6: "2001:db8:42:5::/64",
        b6: "2001:db8:42:6::/64",
        extra: `  Bpa:\n    Type: AWS::EC2::VPCBlockPublicAccessOptions\n    Properties: { InternetGatewayBlockMode: !Ref Mode }\n`,
      }).replace("\nResources:\n", "\nParameters:\n  Mode:\n    Type: String\nResources:\n"),
    );
    assertWellFormed(p);
    assert.deepEqual(readNft(ns(p, `${PREFIX}-o0`).nft ?? "").sets.get("egress"), ["type ipv6_addr;", "flags interval;"]);
    const bpa = notes.flatMap((n) => (n.code === "BPA_UNKNOWN_IPV6" ? [n.data] : []));
    assert.deepEqual(
      bpa.map((d) => [d.gateway, d.subnet]),
      [
        ["egress-only internet gateway Eigw", "A"],
        ["egress-only internet gateway Eigw", "B"],
        ["internet gateway Igw", "A"],
        ["internet gateway Igw", "B"],
      ],
      p.notes.join("\n"),
    );
    assert.ok(
      bpa.every((d) => d.why.startsWith("the VPC Block Public Access mode of Bpa is not known")),
      p.notes.join("\n"),
    );
  });
});

describe("emulate plan: every corpus template", { skip: HAS_CORPUS ? false : "../shared/corpus is absent" }, () => {
  it("plans without breaking a safety rule; a VPC on a public block is left out with a note", () => {
    let planned = 0;
    for (const file of readdirSync(CORPUS).filter((f) => /\.(ya?ml|json)$/.test(f))) {
      const path = join(CORPUS, file);
      let model;
      try {
        model = loadCloudFormation(path, readFileSync(path, "utf8"));
      } catch {
        continue; // not a CloudFormation template (the loader's own tests cover what it refuses)
      }
      const { plan, notes } = buildPlan(model, { prefix: PREFIX });
      assert.deepEqual(validatePlan(plan), [], file);
      planned++;
      if (file.includes("apigw-lambda-memorydb")) {
        assert.deepEqual(plan.enis, []);
        assert.ok(notes.some((n) => n.code === "VPC_PUBLIC_CIDR" && n.data.vpc === "memdbClusterVPC" && n.data.cidr === "30.0.0.0/16"));
      }
    }
    assert.ok(planned >= 25, `${planned} corpus templates planned`);
  });
});
