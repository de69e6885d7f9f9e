// The emulator's nftables rulesets, rendered from plain data (pure: no model, no plan state). A ruleset that meets
// something it cannot render (a rule not fully known) leaves it out and returns a typed note saying so; the plan
// builder (plan-builder.ts) adds those notes to the plan in the order they come.
import type { NetworkAcl, PortRange, Protocol, SecurityGroup, SecurityGroupRule } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";
import type { Cidr } from "../net/ip.ts";
import { cidrContains } from "../net/ip.ts";
import { DOCUMENTATION_V6 } from "./address-space.ts";
import type { PlanNote } from "./plan-notes.ts";
import { planNote, refText, whyUnknown } from "./plan-notes.ts";
import { nftComment, nftName } from "./text.ts";

/** The nft name of a router port's chains: its veth name (the planner's own, `<prefix>-<letter><n>`) with `_` for `-`. */
export function chainName(veth: string): string {
  return veth.replace(/[^A-Za-z0-9_]/g, "_");
}

function protoText(p: Protocol): string | null {
  if (p === "all") return null;
  if (p === 6) return "tcp";
  if (p === 17) return "udp";
  if (p === 1) return "icmp";
  if (p === 58) return "ipv6-icmp";
  return String(p);
}

/** The nft match for a protocol and destination port range ("" when it matches everything). */
export function protoPortMatch(protocol: Protocol, ports: PortRange): string {
  const proto = protoText(protocol);
  if (proto === null) return "";
  const parts = [`meta l4proto ${proto}`];
  if ((protocol === 6 || protocol === 17) && !(ports.from <= 0 && ports.to >= 65535)) {
    parts.push(ports.from === ports.to ? `th dport ${ports.from}` : `th dport ${ports.from}-${ports.to}`);
  }
  return parts.join(" ");
}

function join(...parts: string[]): string {
  return parts.filter((p) => p !== "").join(" ");
}

/** A NAT gateway: SNAT to its private address for what it forwards, nothing unsolicited in. */
export function natRuleset(address: string, vpcCidrs: readonly Cidr[]): string {
  return [
    "table ip natgw {",
    "  chain postrouting {",
    "    type nat hook postrouting priority srcnat; policy accept;",
    `    oifname "eth0" ip saddr != ${address} snat to ${address}`,
    "  }",
    "  chain input {",
    "    type filter hook input priority filter; policy drop;",
    "    ct state established,related accept",
    "  }",
    "  chain forward {",
    "    type filter hook forward priority filter; policy drop;",
    "    ct state established,related accept",
    ...(vpcCidrs.length > 0 ? [`    ip saddr { ${vpcCidrs.map((c) => c.text).join(", ")} } accept`] : []),
    "  }",
    "}",
    "",
  ].join("\n");
}

/** An internet gateway: 1:1 NAT between public and private addresses; traffic of an unmapped private address is dropped. */
export function igwRuleset(
  maps: readonly { privateIp: string; publicIp: string; what: string }[],
  blocked: readonly { privateIp: string; what: string }[],
): string {
  const elements = (pairs: string[]): string[] => (pairs.length > 0 ? [`    elements = { ${pairs.join(", ")} }`] : []);
  // VPC Block Public Access: the addresses it blocks keep their mapping but nothing of theirs passes, either way.
  const bpaSet =
    blocked.length > 0
      ? [
          "  set bpa_blocked {",
          ...blocked.map((b) => `    # ${nftComment(`${b.what}: blocked by VPC Block Public Access`)}`),
          "    type ipv4_addr;",
          ...elements(blocked.map((b) => b.privateIp)),
          "  }",
        ]
      : [];
  const bpaRules = blocked.length > 0 ? ["    ip saddr @bpa_blocked drop", "    ip daddr @bpa_blocked drop"] : [];
  return [
    "table ip igw {",
    "  map public_to_private {",
    "    type ipv4_addr : ipv4_addr;",
    ...elements(maps.map((m) => `${m.publicIp} : ${m.privateIp}`)),
    "  }",
    "  map private_to_public {",
    "    type ipv4_addr : ipv4_addr;",
    ...elements(maps.map((m) => `${m.privateIp} : ${m.publicIp}`)),
    "  }",
    "  set mapped_private {",
    "    type ipv4_addr;",
    ...elements(maps.map((m) => m.privateIp)),
    "  }",
    ...bpaSet,
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
    ...bpaRules,
    '    iifname "eth0" oifname "inet0" ip saddr @mapped_private accept',
    '    iifname "inet0" oifname "eth0" ip daddr @mapped_private accept',
    "  }",
    "}",
    "",
  ].join("\n");
}

/** A rendered piece of a ruleset and the notes of what it left out, in order. */
export interface Rendered<T> {
  readonly value: T;
  readonly notes: readonly PlanNote[];
}

/** The rules of one direction of a network ACL, by rule number (an entry not fully known is left out, noted). */
export function naclEntries(acl: NetworkAcl, egress: boolean): Rendered<string[]> {
  const out: string[] = [];
  const notes: PlanNote[] = [];
  const entries = acl.entries.filter((e) => e.egress === egress).sort((a, b) => a.ruleNumber - b.ruleNumber);
  for (const e of entries) {
    if (isUnknown(e.protocol) || isUnknown(e.ports) || isUnknown(e.cidr)) {
      notes.push(planNote("NACL_ENTRY_UNKNOWN", { acl: acl.id, egress, rule: e.ruleNumber }));
      continue;
    }
    const addr = `${e.cidr.family === 4 ? "ip" : "ip6"} ${egress ? "daddr" : "saddr"} ${e.cidr.text}`;
    out.push(join(addr, protoPortMatch(e.protocol, e.ports), e.action === "allow" ? "return" : "drop", `comment "rule ${e.ruleNumber}"`));
  }
  return { value: out, notes };
}

/** What a security group rule's prefix-list peer stands for: the list's blocks when known (undefined: not known). */
export type PrefixListBlocks = (id: string) => readonly Cidr[] | undefined;

/** Where security group rules look up their peers. */
export interface PeerContext {
  readonly prefixList: PrefixListBlocks;
  /** The /32s of every gateway endpoint's service stand-in: what an unknown prefix list is taken as. */
  readonly gatewayPrefixes: readonly string[];
}

/** The IPv4 (or CIDR-family) match of a security group rule, null when it is left out (then with a note). */
export function sgRuleMatch(rule: SecurityGroupRule, egress: boolean, groupId: string, peers: PeerContext): Rendered<string | null> {
  const dir = egress ? "daddr" : "saddr";
  const none = (n: PlanNote): Rendered<string | null> => ({ value: null, notes: [n] });
  if (isUnknown(rule.protocol) || isUnknown(rule.ports)) return none(planNote("SG_RULE_PORTS_UNKNOWN", { group: groupId, egress }));
  const pm = protoPortMatch(rule.protocol, rule.ports);
  const peer = rule.peer;
  if (peer.kind === "cidr") return { value: join(`${peer.cidr.family === 4 ? "ip" : "ip6"} ${dir} ${peer.cidr.text}`, pm), notes: [] };
  if (peer.kind === "security-group") {
    if (isUnknown(peer.id)) return none(planNote("SG_RULE_PEER_GROUP_UNKNOWN", { group: groupId, why: whyUnknown(peer.id) }));
    return { value: join(`ip ${dir} @sg_${nftName(peer.id)}`, pm), notes: [] };
  }
  if (peer.kind === "prefix-list") {
    const blocks = isUnknown(peer.id) ? undefined : peers.prefixList(peer.id);
    if (blocks) {
      const v4 = blocks.filter((c) => c.family === 4).map((c) => c.text);
      return { value: v4.length === 0 ? null : join(`ip ${dir} { ${v4.join(", ")} }`, pm), notes: [] };
    }
    if (peers.gatewayPrefixes.length > 0)
      return {
        value: join(`ip ${dir} { ${peers.gatewayPrefixes.join(", ")} }`, pm),
        notes: [planNote("SG_RULE_PREFIX_LIST_AS_GATEWAY_ENDPOINTS", { group: groupId, prefixList: refText(peer.id) })],
      };
    return none(planNote("SG_RULE_PREFIX_LIST_UNKNOWN", { group: groupId, prefixList: refText(peer.id) }));
  }
  return none(planNote("SG_RULE_PEER_UNKNOWN", { group: groupId, why: peer.reason }));
}

/** The IPv6 twin of a rule naming a security group or a prefix list with IPv6 blocks (null: none). */
export function sgRuleMatch6(rule: SecurityGroupRule, egress: boolean, prefixList: PrefixListBlocks): string | null {
  if (isUnknown(rule.protocol) || isUnknown(rule.ports)) return null;
  const dir = egress ? "daddr" : "saddr";
  const pm = protoPortMatch(rule.protocol, rule.ports);
  const peer = rule.peer;
  if (peer.kind === "security-group" && !isUnknown(peer.id)) return join(`ip6 ${dir} @sg6_${nftName(peer.id)}`, pm);
  if (peer.kind === "prefix-list") {
    const v6 =
      (isUnknown(peer.id) ? undefined : prefixList(peer.id))?.filter((c) => c.family === 6 && cidrContains(DOCUMENTATION_V6, c)) ?? [];
    if (v6.length > 0) return join(`ip6 ${dir} { ${v6.map((c) => c.text).join(", ")} }`, pm);
  }
  return null;
}

/** One router interface a ruleset filters: a function ENI, an endpoint ENI, a NAT, ... */
export interface RulesetPort {
  /** The router-side veth name. */
  readonly veth: string;
  readonly address: string | null;
  readonly address6?: string;
  /** Its security groups; null: not an ENI with groups (no security group chains). */
  readonly groups: readonly SecurityGroup[] | null;
  /** What it stands for, for the chains' comments. */
  readonly what: string;
}

/** The network ACL of one subnet with a router port: its interface group, and its ACL or why that is not known. */
export interface RulesetSubnet {
  readonly subnetId: string;
  readonly group: number;
  readonly acl: NetworkAcl | undefined;
  /** Why the ACL is not known (used when `acl` is undefined). */
  readonly aclWhy: string;
}

export interface RouterRulesetInput {
  readonly ports: readonly RulesetPort[];
  /** Subnets in interface-group order. */
  readonly subnets: readonly RulesetSubnet[];
  /** Whether the VPC has IPv6 (then every rule naming a security group gets its IPv6 twin). */
  readonly ipv6: boolean;
  readonly peers: PeerContext;
}

/** The router's one nft ruleset: NACLs (stateless, before conntrack), then security groups (stateful). */
export function routerRuleset(input: RouterRulesetInput): Rendered<string> {
  const notes: PlanNote[] = [];
  const lines: string[] = ["table inet vpc {"];
  // Named sets: the emulated members of every security group a rule refers to.
  const members = new Map<string, string[]>();
  const members6 = new Map<string, string[]>();
  for (const p of input.ports) {
    for (const g of p.groups ?? []) {
      const l = members.get(g.id) ?? [];
      if (p.address !== null) l.push(p.address);
      members.set(g.id, l);
      const l6 = members6.get(g.id) ?? [];
      if (p.address6 !== undefined) l6.push(p.address6);
      members6.set(g.id, l6);
    }
  }
  const referenced = new Set<string>();
  const sgPorts = input.ports.filter((p) => p.groups !== null);
  for (const p of sgPorts)
    for (const g of p.groups ?? [])
      for (const rule of [...g.ingress, ...g.egress])
        if (rule.peer.kind === "security-group" && !isUnknown(rule.peer.id)) referenced.add(rule.peer.id);
  for (const id of [...referenced].sort()) {
    const addrs = members.get(id) ?? [];
    lines.push(`  set sg_${nftName(id)} {`, "    type ipv4_addr;");
    if (addrs.length > 0) lines.push(`    elements = { ${addrs.join(", ")} }`);
    lines.push("  }");
    if (!input.ipv6) continue;
    // Its members' IPv6 addresses (a rule naming a security group matches both families).
    const addrs6 = members6.get(id) ?? [];
    lines.push(`  set sg6_${nftName(id)} {`, "    type ipv6_addr;");
    if (addrs6.length > 0) lines.push(`    elements = { ${addrs6.join(", ")} }`);
    lines.push("  }");
  }
  // NACL chains, one pair per subnet that has a router port.
  for (const { subnetId, group, acl, aclWhy } of input.subnets) {
    for (const egress of [true, false]) {
      const chain = `nacl_${egress ? "out" : "in"}_${group}`;
      lines.push(
        `  chain ${chain} {`,
        `    # ${nftComment(`${egress ? "outbound" : "inbound"} rules of ${acl?.id ?? "an unknown network ACL"} for ${subnetId}`)}`,
      );
      lines.push(`    ${egress ? "oifgroup" : "iifgroup"} ${group} return`);
      if (acl) {
        const entries = naclEntries(acl, egress);
        lines.push(...entries.value.map((l) => `    ${l}`));
        notes.push(...entries.notes);
      } else if (egress) notes.push(planNote("NACL_UNKNOWN", { subnet: subnetId, why: aclWhy })); // once for both chains
      lines.push("    drop", "  }");
    }
  }
  // Security group chains, one pair per ENI.
  for (const p of sgPorts) {
    for (const egress of [true, false]) {
      lines.push(
        `  chain sg_${egress ? "out" : "in"}_${chainName(p.veth)} {`,
        `    # ${nftComment(`${egress ? "egress" : "ingress"} of ${p.what}: ${(p.groups ?? []).map((g) => g.id).join(", ") || "no security group"}`)}`,
      );
      for (const g of p.groups ?? [])
        for (const rule of egress ? g.egress : g.ingress) {
          const m = sgRuleMatch(rule, egress, g.id, input.peers);
          notes.push(...m.notes);
          if (m.value !== null) lines.push(`    ${join(m.value, "return")}`);
          const m6 = input.ipv6 ? sgRuleMatch6(rule, egress, input.peers.prefixList) : null;
          if (m6 !== null) lines.push(`    ${join(m6, "return")}`);
        }
      lines.push("    drop", "  }");
    }
  }
  const groups = input.subnets.map((s) => s.group);
  lines.push("  chain forward {", "    type filter hook forward priority filter; policy drop;");
  if (groups.length > 0) {
    lines.push(`    iifgroup vmap { ${groups.map((g) => `${g} : jump nacl_out_${g}`).join(", ")} }`);
    lines.push(`    oifgroup vmap { ${groups.map((g) => `${g} : jump nacl_in_${g}`).join(", ")} }`);
  }
  lines.push("    ct state established,related accept");
  if (sgPorts.length > 0) {
    lines.push(`    iifname vmap { ${sgPorts.map((p) => `"${p.veth}" : jump sg_out_${chainName(p.veth)}`).join(", ")} }`);
    lines.push(`    oifname vmap { ${sgPorts.map((p) => `"${p.veth}" : jump sg_in_${chainName(p.veth)}`).join(", ")} }`);
  }
  lines.push("    accept", "  }", "}");
  return { value: lines.join("\n") + "\n", notes };
}
