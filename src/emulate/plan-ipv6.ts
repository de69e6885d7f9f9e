// IPv6 in the emulation plan (pure): the VPC's IPv6 blocks and its subnets' /64s on documentation addresses, the ENIs'
// IPv6 addresses, VPC Block Public Access as sets of addresses, and the IPv6 rulesets of the internet and egress-only
// internet gateways. plan.ts places the namespaces and links; this module decides the addresses and the rules.
import { blockPublicAccess } from "../analyze/block-public-access.ts";
import type { BlockDirection, GatewayUser } from "../analyze/block-public-access.ts";
import type { Model } from "../model/model.ts";
import type { Subnet, Unknown, Vpc } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";
import type { Cidr } from "../net/ip.ts";
import { cidrContains, cidrOverlaps, formatAddress, makeCidr, mustParseCidr } from "../net/ip.ts";
import { DOCUMENTATION_V6 } from "./address-space.ts";
import { nftComment } from "./text.ts";
import type { NoteSink } from "./plan-notes.ts";
import { planNote } from "./plan-notes.ts";

/** The emulated internet's own IPv6 block (no VPC block, literal or stand-in, is placed in it). */
export const INTERNET6_BLOCK = mustParseCidr("2001:db8:ffff::/48");
/** The IPv6 address of the internet's whoami server; every public name also resolves to it (AAAA). */
export const INTERNET_WHOAMI6 = "2001:db8:ffff::80";
/**
 * Every IPv6 link is numbered with link-local addresses only: the router (or the internet) side is fe80::1, the gateway
 * side fe80::2, so ENIs route `default via fe80::1` and no proxy NDP is needed.
 */
export const LINK_LOCAL_UPSTREAM = "fe80::1";
export const LINK_LOCAL_GATEWAY = "fe80::2";
/** Amazon-provided VPC blocks are /56; so are the stand-ins. */
const STANDIN_PREFIX = 56;
const SUBNET_PREFIX = 64;

/** A VPC's IPv6 as emulated: its blocks (kept or stand-ins) and the /64 of each dual-stack subnet. */
export interface Ipv6Layout {
  readonly blocks: readonly Cidr[];
  /** Subnet id -> its emulated IPv6 block. A subnet absent here has no IPv6 in the emulation. */
  readonly subnets: ReadonlyMap<string, Cidr>;
}

/** The literal IPv6 VPC blocks inside the documentation range (kept as they are), over the whole model. */
export function keptIpv6Blocks(model: Model): Cidr[] {
  const out: Cidr[] = [];
  for (const v of model.all("vpc")) for (const c of v.cidrs) if (!isUnknown(c) && c.family === 6 && kept(c)) out.push(c);
  return out;
}

function kept(c: Cidr): boolean {
  return cidrContains(DOCUMENTATION_V6, c) && !cidrOverlaps(INTERNET6_BLOCK, c);
}

/**
 * The IPv6 layout of `vpc`, or undefined when it has no IPv6 block (and no dual-stack subnet). A literal block inside
 * 2001:db8::/32 is kept; an Amazon-provided (unknown) or other block stands in as the next free /56 of 2001:db8::/32,
 * with a note. Subnets keep a literal /64 inside a kept block; otherwise a /64 keeps its index within its /56 where
 * that is free, and a subnet whose block is not known takes the lowest free index, in model order.
 * `taken`: blocks already used (kept blocks of every VPC and earlier stand-ins); stand-ins are added to it.
 */
export function ipv6Layout(model: Model, vpc: Vpc, taken: Cidr[], note: NoteSink): Ipv6Layout | undefined {
  const dualStack = model.subnetsOf(vpc.id).filter((s) => s.ipv6Cidrs.length > 0);
  const literal = vpc.cidrs.filter((c): c is Cidr => !isUnknown(c) && c.family === 6);
  const unknownBlock = vpc.cidrs.find((c): c is Unknown => isUnknown(c));
  if (literal.length === 0 && dualStack.length === 0) return undefined;
  const standIn = (): Cidr => {
    for (let n = 1n; ; n++) {
      const c = makeCidr(6, DOCUMENTATION_V6.start + (n << 80n), STANDIN_PREFIX);
      if (!taken.some((t) => cidrOverlaps(t, c)) && !cidrOverlaps(INTERNET6_BLOCK, c)) {
        taken.push(c);
        return c;
      }
    }
  };
  /** Emulated block -> the literal it stands for (or itself). */
  const blocks: { block: Cidr; literal: Cidr | null }[] = [];
  for (const c of literal) {
    if (kept(c)) blocks.push({ block: c, literal: c });
    else {
      const s = standIn();
      blocks.push({ block: s, literal: c });
      note(planNote("IPV6_BLOCK_STAND_IN", { vpc: vpc.id, block: c.text, standIn: s.text }));
    }
  }
  if (blocks.length === 0) {
    const s = standIn();
    blocks.push({ block: s, literal: null });
    const why = unknownBlock ? unknownBlock.reason : "the template gives it none, yet some of its subnets are dual-stack";
    note(planNote("IPV6_BLOCK_UNKNOWN", { vpc: vpc.id, why, standIn: s.text }));
  }
  const subnets = new Map<string, Cidr>();
  const used = new Map<Cidr, Set<bigint>>(blocks.map((b) => [b.block, new Set<bigint>()]));
  const take = (block: Cidr, index: bigint): Cidr | undefined => {
    const size = 1n << BigInt(SUBNET_PREFIX - block.prefix);
    const set = used.get(block) as Set<bigint>;
    if (index < 0n || index >= size || set.has(index)) return undefined;
    set.add(index);
    return makeCidr(6, block.start + (index << BigInt(128 - SUBNET_PREFIX)), SUBNET_PREFIX);
  };
  const free = (block: Cidr): Cidr | undefined => {
    const size = 1n << BigInt(SUBNET_PREFIX - block.prefix);
    for (let i = 0n; i < size; i++) {
      const c = take(block, i);
      if (c) return c;
    }
    return undefined;
  };
  const first = blocks[0] as { block: Cidr; literal: Cidr | null };
  const unplaced: Subnet[] = [];
  // Literal subnet blocks first, so that the unknown ones take what is left.
  for (const s of dualStack) {
    const c = s.ipv6Cidrs.find((x): x is Cidr => !isUnknown(x));
    if (!c || c.family !== 6) {
      unplaced.push(s);
      continue;
    }
    const home = blocks.find((b) => b.literal !== null && cidrContains(b.literal, c));
    if (home && home.literal === home.block) {
      subnets.set(s.id, c);
      (used.get(home.block) as Set<bigint>).add((c.start - home.block.start) >> BigInt(128 - SUBNET_PREFIX));
      continue;
    }
    // Its index within its VPC block, or within the /56 it lies in when that block is not known.
    const base = home?.literal?.start ?? (c.start >> BigInt(128 - STANDIN_PREFIX)) << BigInt(128 - STANDIN_PREFIX);
    const block = home?.block ?? first.block;
    const mapped = take(block, (c.start - base) >> BigInt(128 - SUBNET_PREFIX)) ?? free(block);
    if (!mapped) {
      note(planNote("SUBNET_IPV6_NO_ROOM", { subnet: s.id, vpcBlock: block.text, block: c.text }));
      continue;
    }
    subnets.set(s.id, mapped);
    note(planNote("SUBNET_IPV6_STAND_IN", { subnet: s.id, block: c.text, standIn: mapped.text }));
  }
  const standIns: { subnet: string; block: string }[] = [];
  for (const s of unplaced) {
    const mapped = free(first.block);
    if (!mapped) {
      note(planNote("SUBNET_IPV6_NO_ROOM", { subnet: s.id, vpcBlock: first.block.text }));
      continue;
    }
    subnets.set(s.id, mapped);
    standIns.push({ subnet: s.id, block: mapped.text });
  }
  if (standIns.length > 0) note(planNote("SUBNET_IPV6_UNKNOWN", { vpc: vpc.id, standIns }));
  return { blocks: blocks.map((b) => b.block), subnets };
}

/**
 * An ENI's IPv6 address in `block`: the host offset of its IPv4 address written in hex digits (base+23 -> ::23), so
 * the two read alike.
 */
export function ipv6Address(block: Cidr, ipv4Offset: bigint): string {
  return formatAddress(6, block.start + BigInt(`0x${ipv4Offset.toString()}`));
}

/** What VPC Block Public Access decides for traffic of `subnet` (null: a regional NAT gateway) meeting a gateway. */
export interface BpaDecision {
  readonly blocked: boolean;
  /** Why (blocked), or why it is not known (then emulated as blocked, and `unknown` is set). */
  readonly reason?: string;
  readonly unknown?: boolean;
}

/** The analyzer's own decision (src/analyze/block-public-access.ts); an unknown one is emulated as blocked. */
export function bpaDecision(
  model: Model,
  vpcId: string,
  subnet: Subnet | null,
  user: GatewayUser,
  direction: BlockDirection = "egress",
): BpaDecision {
  const v = blockPublicAccess(model, vpcId, subnet, user, direction);
  if (v.kind === "allowed") return { blocked: false };
  return v.kind === "blocked" ? { blocked: true, reason: v.reason } : { blocked: true, reason: v.reason, unknown: true };
}

function elements(items: readonly string[]): string[] {
  return items.length > 0 ? [`    elements = { ${items.join(", ")} }`] : [];
}

/** Accepts neighbour discovery to the gateway's own link-local address; drops everything else addressed to it. */
const ND_INPUT = [
  "  chain input {",
  "    type filter hook input priority filter; policy drop;",
  "    icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept",
  "  }",
];

/** A set of subnet blocks, with comments naming the subnets in it and those VPC Block Public Access keeps out. */
function subnetSet(
  name: string,
  allowed: readonly { id: string; cidr: Cidr }[],
  blocked: readonly { id: string; why: string }[],
): string[] {
  return [
    `  set ${name} {`,
    ...allowed.map((a) => `    # ${nftComment(a.id)}`),
    ...blocked.map((b) => `    # ${nftComment(`not ${b.id}: ${b.why}`)}`),
    "    type ipv6_addr;",
    "    flags interval;",
    ...elements(allowed.map((a) => a.cidr.text)),
    "  }",
  ];
}

/**
 * The internet gateway's IPv6 side: no translation, the ENIs' own addresses both ways (unsolicited inbound included,
 * which security groups and network ACLs decide), only for subnets VPC Block Public Access lets through; `egressOnly`:
 * subnets it lets out but not in (an allow-egress exclusion in bidirectional mode): their flows' replies only come back.
 */
export function igw6Ruleset(
  allowed: readonly { id: string; cidr: Cidr }[],
  blocked: readonly { id: string; why: string }[],
  egressOnly: readonly { id: string; cidr: Cidr }[] = [],
): string {
  const egress =
    egressOnly.length > 0
      ? {
          set: subnetSet("egress_only", egressOnly, []),
          rules: [
            '    iifname "inet0" oifname "eth0" ip6 daddr @egress_only ct state established,related accept',
            '    iifname "eth0" oifname "inet0" ip6 saddr @egress_only accept',
          ],
        }
      : { set: [], rules: [] };
  return [
    "table ip6 igw6 {",
    ...subnetSet("public", allowed, blocked),
    ...egress.set,
    ...ND_INPUT,
    "  chain forward {",
    "    type filter hook forward priority filter; policy drop;",
    '    iifname "eth0" oifname "inet0" ip6 saddr @public accept',
    '    iifname "inet0" oifname "eth0" ip6 daddr @public accept',
    ...egress.rules,
    "  }",
    "}",
    "",
  ].join("\n");
}

/** An egress-only internet gateway: IPv6 out from the subnets it carries, back in only what belongs to those flows. */
export function eigwRuleset(allowed: readonly { id: string; cidr: Cidr }[], blocked: readonly { id: string; why: string }[]): string {
  return [
    "table ip6 eigw {",
    ...subnetSet("egress", allowed, blocked),
    ...ND_INPUT,
    "  chain forward {",
    "    type filter hook forward priority filter; policy drop;",
    "    ct state established,related accept",
    '    iifname "eth0" oifname "inet0" ip6 saddr @egress accept',
    "  }",
    "}",
    "",
  ].join("\n");
}
