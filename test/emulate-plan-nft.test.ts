// The emulator's nftables renderers (src/emulate/plan-nft.ts) on their own: plain data in, the exact ruleset text and
// typed notes out, without a model or a plan.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { NetworkAcl, NetworkAclEntry, SecurityGroup, SecurityGroupRule } from "../src/model/types.ts";
import { unknown } from "../src/model/types.ts";
import { mustParseCidr } from "../src/net/ip.ts";
import type { PeerContext } from "../src/emulate/plan-nft.ts";
import {
  chainName,
  igwRuleset,
  naclEntries,
  natRuleset,
  protoPortMatch,
  routerRuleset,
  sgRuleMatch,
  sgRuleMatch6,
} from "../src/emulate/plan-nft.ts";

const origin = { file: "t.yaml", source: "cloudformation" } as const;
const rule = (r: Pick<SecurityGroupRule, "protocol" | "ports" | "peer">): SecurityGroupRule => ({ ...r, origin });
const entry = (e: Omit<NetworkAclEntry, "origin">): NetworkAclEntry => ({ ...e, origin });
const NO_PEERS: PeerContext = { prefixList: () => undefined, gatewayPrefixes: [] };

describe("plan-nft: matches", () => {
  it("protocol and ports: all, one port, a range, the whole range, ICMP", () => {
    assert.equal(protoPortMatch("all", { from: 0, to: 65535 }), "");
    assert.equal(protoPortMatch(6, { from: 443, to: 443 }), "meta l4proto tcp th dport 443");
    assert.equal(protoPortMatch(17, { from: 1024, to: 65535 }), "meta l4proto udp th dport 1024-65535");
    assert.equal(protoPortMatch(6, { from: 0, to: 65535 }), "meta l4proto tcp");
    assert.equal(protoPortMatch(1, { from: 8, to: 8 }), "meta l4proto icmp");
    assert.equal(protoPortMatch(58, { from: 0, to: 65535 }), "meta l4proto ipv6-icmp");
    assert.equal(protoPortMatch(50, { from: 0, to: 65535 }), "meta l4proto 50");
  });

  it("a chain's name is its veth name with _ for -", () => {
    assert.equal(chainName("le1a2b3c-e0"), "le1a2b3c_e0");
  });
});

describe("plan-nft: NAT and internet gateways", () => {
  it("a NAT gateway SNATs to its address and forwards only the VPC's sources", () => {
    assert.equal(
      natRuleset("10.0.0.10", [mustParseCidr("10.0.0.0/16"), mustParseCidr("10.1.0.0/16")]),
      [
        "table ip natgw {",
        "  chain postrouting {",
        "    type nat hook postrouting priority srcnat; policy accept;",
        '    oifname "eth0" ip saddr != 10.0.0.10 snat to 10.0.0.10',
        "  }",
        "  chain input {",
        "    type filter hook input priority filter; policy drop;",
        "    ct state established,related accept",
        "  }",
        "  chain forward {",
        "    type filter hook forward priority filter; policy drop;",
        "    ct state established,related accept",
        "    ip saddr { 10.0.0.0/16, 10.1.0.0/16 } accept",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("a NAT that forwards nothing (source/destination check on) has no accept rule for new flows", () => {
    const text = natRuleset("10.0.0.10", []);
    assert.ok(!text.includes("ip saddr {"), text);
    assert.ok(text.endsWith("    ct state established,related accept\n  }\n}\n"), text);
  });

  it("an internet gateway maps 1:1 and drops what VPC Block Public Access blocks, both ways", () => {
    const maps = [
      { privateIp: "10.0.0.10", publicIp: "203.0.113.10", what: "NAT gateway Nat" },
      { privateIp: "10.0.1.23", publicIp: "203.0.113.11", what: "instance I" },
    ];
    assert.equal(
      igwRuleset(maps, [maps[1] as (typeof maps)[number]]),
      [
        "table ip igw {",
        "  map public_to_private {",
        "    type ipv4_addr : ipv4_addr;",
        "    elements = { 203.0.113.10 : 10.0.0.10, 203.0.113.11 : 10.0.1.23 }",
        "  }",
        "  map private_to_public {",
        "    type ipv4_addr : ipv4_addr;",
        "    elements = { 10.0.0.10 : 203.0.113.10, 10.0.1.23 : 203.0.113.11 }",
        "  }",
        "  set mapped_private {",
        "    type ipv4_addr;",
        "    elements = { 10.0.0.10, 10.0.1.23 }",
        "  }",
        "  set bpa_blocked {",
        "    # instance I: blocked by VPC Block Public Access",
        "    type ipv4_addr;",
        "    elements = { 10.0.1.23 }",
        "  }",
        "  chain prerouting {",
        "    type nat hook prerouting priority dstnat; policy accept;",
        '    iifname "inet0" dnat to ip daddr map @public_to_private',
        "  }",
        "  chain postrouting {",
        "    type nat hook postrouting priority srcnat; policy accept;",
        '    oifname "inet0" snat to ip saddr map @private_to_public',
        "  }",
        "  chain input {",
        "    type filter hook input priority filter; policy drop;",
        "  }",
        "  chain forward {",
        "    type filter hook forward priority filter; policy drop;",
        "    ip saddr @bpa_blocked drop",
        "    ip daddr @bpa_blocked drop",
        '    iifname "eth0" oifname "inet0" ip saddr @mapped_private accept',
        '    iifname "inet0" oifname "eth0" ip daddr @mapped_private accept',
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("an internet gateway without mappings has empty maps (no elements line) and no blocked set", () => {
    const text = igwRuleset([], []);
    assert.ok(!text.includes("elements"), text);
    assert.ok(!text.includes("bpa_blocked"), text);
  });
});

describe("plan-nft: network ACL entries", () => {
  const acl: NetworkAcl = {
    kind: "network-acl",
    id: "Acl",
    origin,
    vpcId: "Vpc",
    isDefault: false,
    entries: [
      entry({
        ruleNumber: 200,
        egress: true,
        action: "deny",
        protocol: "all",
        ports: { from: 0, to: 65535 },
        cidr: mustParseCidr("0.0.0.0/0"),
      }),
      entry({
        ruleNumber: 100,
        egress: true,
        action: "allow",
        protocol: 6,
        ports: { from: 443, to: 443 },
        cidr: mustParseCidr("0.0.0.0/0"),
      }),
      entry({
        ruleNumber: 150,
        egress: true,
        action: "allow",
        protocol: 6,
        ports: unknown("parameter Port"),
        cidr: mustParseCidr("10.0.0.0/8"),
      }),
      entry({
        ruleNumber: 100,
        egress: false,
        action: "allow",
        protocol: 6,
        ports: { from: 1024, to: 65535 },
        cidr: mustParseCidr("::/0"),
      }),
    ],
  };

  it("one direction, lowest rule first; allow returns, deny drops; an entry not fully known is left out, noted", () => {
    assert.deepEqual(naclEntries(acl, true), {
      value: ['ip daddr 0.0.0.0/0 meta l4proto tcp th dport 443 return comment "rule 100"', 'ip daddr 0.0.0.0/0 drop comment "rule 200"'],
      notes: [{ code: "NACL_ENTRY_UNKNOWN", data: { acl: "Acl", egress: true, rule: 150 } }],
    });
    assert.deepEqual(naclEntries(acl, false), {
      value: ['ip6 saddr ::/0 meta l4proto tcp th dport 1024-65535 return comment "rule 100"'],
      notes: [],
    });
  });
});

describe("plan-nft: security group rules", () => {
  const https = { protocol: 6, ports: { from: 443, to: 443 } } as const;

  it("a CIDR, a security group (its set), and IPv6 twins", () => {
    assert.deepEqual(sgRuleMatch(rule({ ...https, peer: { kind: "cidr", cidr: mustParseCidr("0.0.0.0/0") } }), true, "Sg", NO_PEERS), {
      value: "ip daddr 0.0.0.0/0 meta l4proto tcp th dport 443",
      notes: [],
    });
    const bySg = rule({ ...https, peer: { kind: "security-group", id: "DbSg" } });
    assert.deepEqual(sgRuleMatch(bySg, false, "Sg", NO_PEERS), { value: "ip saddr @sg_DbSg meta l4proto tcp th dport 443", notes: [] });
    assert.equal(sgRuleMatch6(bySg, false, NO_PEERS.prefixList), "ip6 saddr @sg6_DbSg meta l4proto tcp th dport 443");
    assert.equal(
      sgRuleMatch6(rule({ ...https, peer: { kind: "cidr", cidr: mustParseCidr("0.0.0.0/0") } }), true, NO_PEERS.prefixList),
      null,
    );
  });

  it("a prefix list: its IPv4 blocks; unknown: the gateway endpoints' stand-ins (noted), or left out (noted)", () => {
    const toList = rule({ ...https, peer: { kind: "prefix-list", id: "Pl" } });
    const known: PeerContext = {
      prefixList: (id) => (id === "Pl" ? [mustParseCidr("52.94.0.0/22"), mustParseCidr("2001:db8:5::/48")] : undefined),
      gatewayPrefixes: [],
    };
    assert.deepEqual(sgRuleMatch(toList, true, "Sg", known), {
      value: "ip daddr { 52.94.0.0/22 } meta l4proto tcp th dport 443",
      notes: [],
    });
    assert.equal(sgRuleMatch6(toList, true, known.prefixList), "ip6 daddr { 2001:db8:5::/48 } meta l4proto tcp th dport 443");
    assert.deepEqual(sgRuleMatch(toList, true, "Sg", { prefixList: () => undefined, gatewayPrefixes: ["198.51.100.100/32"] }), {
      value: "ip daddr { 198.51.100.100/32 } meta l4proto tcp th dport 443",
      notes: [{ code: "SG_RULE_PREFIX_LIST_AS_GATEWAY_ENDPOINTS", data: { group: "Sg", prefixList: "Pl" } }],
    });
    assert.deepEqual(sgRuleMatch(toList, true, "Sg", NO_PEERS), {
      value: null,
      notes: [{ code: "SG_RULE_PREFIX_LIST_UNKNOWN", data: { group: "Sg", prefixList: "Pl" } }],
    });
  });

  it("ports, a peer group or a peer that is not known: left out, noted", () => {
    assert.deepEqual(
      sgRuleMatch(
        rule({ protocol: 6, ports: unknown("parameter P"), peer: { kind: "cidr", cidr: mustParseCidr("0.0.0.0/0") } }),
        false,
        "Sg",
        NO_PEERS,
      ),
      { value: null, notes: [{ code: "SG_RULE_PORTS_UNKNOWN", data: { group: "Sg", egress: false } }] },
    );
    assert.deepEqual(
      sgRuleMatch(rule({ ...https, peer: { kind: "security-group", id: unknown("an import", "sg-0abc") } }), true, "Sg", NO_PEERS),
      {
        value: null,
        notes: [{ code: "SG_RULE_PEER_GROUP_UNKNOWN", data: { group: "Sg", why: "sg-0abc: an import" } }],
      },
    );
    assert.deepEqual(sgRuleMatch(rule({ ...https, peer: { kind: "unknown", reason: "a condition" } }), true, "Sg", NO_PEERS), {
      value: null,
      notes: [{ code: "SG_RULE_PEER_UNKNOWN", data: { group: "Sg", why: "a condition" } }],
    });
  });
});

describe("plan-nft: the router's ruleset", () => {
  const sg = (id: string, egress: SecurityGroupRule[], ingress: SecurityGroupRule[] = []): SecurityGroup => ({
    kind: "security-group",
    id,
    origin,
    vpcId: "Vpc",
    ingress,
    egress,
  });
  const fnSg = sg("FnSg", [rule({ protocol: 6, ports: { from: 5432, to: 5432 }, peer: { kind: "security-group", id: "DbSg" } })]);
  const dbSg = sg("DbSg", [], [rule({ protocol: 6, ports: { from: 5432, to: 5432 }, peer: { kind: "security-group", id: "FnSg" } })]);

  it("sets of the groups rules name, NACL chains per subnet group, SG chains per ENI, and the forward chain's maps", () => {
    const out = routerRuleset({
      ports: [
        { veth: "le1-e0", address: "10.0.1.23", groups: [fnSg], what: "function Fn" },
        { veth: "le1-d0", address: "10.0.2.70", groups: [dbSg], what: "database Db" },
        { veth: "le1-n0", address: "10.0.0.10", groups: null, what: "NAT gateway Nat" },
      ],
      subnets: [
        { subnetId: "Private", group: 1, acl: undefined, aclWhy: "acl-0abc is not in the model" },
        {
          subnetId: "Data",
          group: 2,
          acl: { kind: "network-acl", id: "DataAcl", origin, vpcId: "Vpc", isDefault: false, entries: [] },
          aclWhy: "",
        },
      ],
      ipv6: false,
      peers: NO_PEERS,
    });
    assert.deepEqual(out.notes, [{ code: "NACL_UNKNOWN", data: { subnet: "Private", why: "acl-0abc is not in the model" } }]);
    assert.equal(
      out.value,
      [
        "table inet vpc {",
        "  set sg_DbSg {",
        "    type ipv4_addr;",
        "    elements = { 10.0.2.70 }",
        "  }",
        "  set sg_FnSg {",
        "    type ipv4_addr;",
        "    elements = { 10.0.1.23 }",
        "  }",
        "  chain nacl_out_1 {",
        "    # outbound rules of an unknown network ACL for Private",
        "    oifgroup 1 return",
        "    drop",
        "  }",
        "  chain nacl_in_1 {",
        "    # inbound rules of an unknown network ACL for Private",
        "    iifgroup 1 return",
        "    drop",
        "  }",
        "  chain nacl_out_2 {",
        "    # outbound rules of DataAcl for Data",
        "    oifgroup 2 return",
        "    drop",
        "  }",
        "  chain nacl_in_2 {",
        "    # inbound rules of DataAcl for Data",
        "    iifgroup 2 return",
        "    drop",
        "  }",
        "  chain sg_out_le1_e0 {",
        "    # egress of function Fn: FnSg",
        "    ip daddr @sg_DbSg meta l4proto tcp th dport 5432 return",
        "    drop",
        "  }",
        "  chain sg_in_le1_e0 {",
        "    # ingress of function Fn: FnSg",
        "    drop",
        "  }",
        "  chain sg_out_le1_d0 {",
        "    # egress of database Db: DbSg",
        "    drop",
        "  }",
        "  chain sg_in_le1_d0 {",
        "    # ingress of database Db: DbSg",
        "    ip saddr @sg_FnSg meta l4proto tcp th dport 5432 return",
        "    drop",
        "  }",
        "  chain forward {",
        "    type filter hook forward priority filter; policy drop;",
        "    iifgroup vmap { 1 : jump nacl_out_1, 2 : jump nacl_out_2 }",
        "    oifgroup vmap { 1 : jump nacl_in_1, 2 : jump nacl_in_2 }",
        "    ct state established,related accept",
        '    iifname vmap { "le1-e0" : jump sg_out_le1_e0, "le1-d0" : jump sg_out_le1_d0 }',
        '    oifname vmap { "le1-e0" : jump sg_in_le1_e0, "le1-d0" : jump sg_in_le1_d0 }',
        "    accept",
        "  }",
        "}",
        "",
      ].join("\n"),
    );
  });

  it("with IPv6, each named group also has an ipv6_addr set and each rule naming it its ip6 twin", () => {
    const out = routerRuleset({
      ports: [{ veth: "le1-e0", address: "10.0.1.23", address6: "2001:db8:1::23", groups: [fnSg, dbSg], what: "function Fn" }],
      subnets: [],
      ipv6: true,
      peers: NO_PEERS,
    });
    assert.deepEqual(out.notes, []);
    assert.ok(out.value.includes("  set sg6_DbSg {\n    type ipv6_addr;\n    elements = { 2001:db8:1::23 }\n  }\n"), out.value);
    assert.ok(
      out.value.includes(
        "    ip daddr @sg_DbSg meta l4proto tcp th dport 5432 return\n    ip6 daddr @sg6_DbSg meta l4proto tcp th dport 5432 return\n",
      ),
      out.value,
    );
    assert.ok(!out.value.includes("iifgroup vmap"), "no NACL maps without subnets");
  });
});
