// IPv4/IPv6 addresses and CIDR blocks as integer ranges.
// Parsing is ipaddr.js's; the range arithmetic (bigint, so one code path serves both
// families) is ours because no library offers closed-interval sets over 128-bit values.
import { ipaddr } from "../vendor.ts";

export type Family = 4 | 6;

export interface Cidr {
  readonly family: Family;
  /** First address of the block (network address). */
  readonly start: bigint;
  /** Last address of the block (inclusive). */
  readonly end: bigint;
  readonly prefix: number;
  /** Canonical text, e.g. `10.0.0.0/16`. */
  readonly text: string;
}

export const ADDRESS_BITS: Record<Family, number> = { 4: 32, 6: 128 };
export const MAX_ADDRESS: Record<Family, bigint> = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n };

function bytesToBigint(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

export function formatAddress(family: Family, value: bigint): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => ((value >> s) & 255n).toString()).join(".");
  }
  // `::`, the address of `::/0` (every VPC's default network ACL has it): no need of the library for it.
  if (value === 0n) return "::";
  const parts: number[] = [];
  for (let i = 7; i >= 0; i--) parts.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  return ipaddr()
    .fromByteArray(parts.flatMap((p) => [p >> 8, p & 255]))
    .toString();
}

/** Parses a bare address (no prefix). Returns null when the text is not an address. */
const DOTTED_QUAD = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

export function parseAddress(text: string): { family: Family; value: bigint } | null {
  const t = text.trim();
  // IPv6's unspecified address, of `::/0` (every VPC's default network ACL has it): no need of the library for it.
  if (t === "::") return { family: 6, value: 0n };
  // The common case, dotted-quad IPv4, without the library (a hot path on large templates).
  const q = DOTTED_QUAD.exec(t);
  if (q) {
    const parts = q.slice(1, 5).map(Number);
    if (parts.some((p) => p > 255)) return null;
    return {
      family: 4,
      value: BigInt((parts[0] as number) * 16777216 + (parts[1] as number) * 65536 + (parts[2] as number) * 256 + (parts[3] as number)),
    };
  }
  if (ipaddr().IPv4.isValidFourPartDecimal(t)) {
    return { family: 4, value: bytesToBigint(ipaddr().IPv4.parse(t).toByteArray()) };
  }
  if (ipaddr().IPv6.isValid(t) && t.includes(":")) {
    return { family: 6, value: bytesToBigint(ipaddr().IPv6.parse(t).toByteArray()) };
  }
  return null;
}

export function makeCidr(family: Family, network: bigint, prefix: number): Cidr {
  const bits = ADDRESS_BITS[family];
  const hostBits = BigInt(bits - prefix);
  const mask = (1n << hostBits) - 1n;
  const start = network & ~mask & MAX_ADDRESS[family];
  const end = start | mask;
  return { family, start, end, prefix, text: `${formatAddress(family, start)}/${prefix}` };
}

export interface CidrParse {
  readonly cidr: Cidr;
  /** True when the text had bits set beyond the prefix (e.g. `30.0.1.0/23`). */
  readonly hostBitsSet: boolean;
}

/**
 * Parsed blocks by text: templates repeat the same few (`0.0.0.0/0` in every security group rule). Bounded: emptied
 * when full. Results are shared, hence frozen. Not memoizeText (src/memo.ts): parseCidr is the hottest function of an
 * analysis, and a cache of its own costs 1.7 % fewer instructions on 200 VPCs than the shared closure.
 */
const parsed = new Map<string, CidrParse | null>();
const PARSED_MAX = 8192;

/** Parses `a.b.c.d/n` or `x::/n`; a bare address is taken as a host route (/32, /128). */
export function parseCidr(text: string): CidrParse | null {
  let p = parsed.get(text);
  if (p === undefined) {
    if (parsed.size >= PARSED_MAX) parsed.clear();
    p = parseCidrText(text);
    if (p) Object.freeze(p.cidr);
    parsed.set(text, p === null ? null : Object.freeze(p));
  }
  return p;
}

function parseCidrText(text: string): CidrParse | null {
  const t = text.trim();
  const slash = t.indexOf("/");
  const addrText = slash < 0 ? t : t.slice(0, slash);
  const addr = parseAddress(addrText);
  if (!addr) return null;
  const bits = ADDRESS_BITS[addr.family];
  let prefix = bits;
  if (slash >= 0) {
    const p = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > bits) return null;
  }
  const cidr = makeCidr(addr.family, addr.value, prefix);
  return { cidr, hostBitsSet: cidr.start !== addr.value };
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.start <= inner.start && inner.end <= outer.end;
}

export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

/**
 * CloudFormation's Fn::Cidr: `count` consecutive blocks with `hostBits` host bits each,
 * starting at the network address of `block`. Returns an error text when they do not fit.
 */
export function subdivide(block: Cidr, count: number, hostBits: number): Cidr[] | string {
  const bits = ADDRESS_BITS[block.family];
  if (!Number.isInteger(count) || count < 1 || count > 256) {
    return `count must be a whole number from 1 to 256, got ${count}`;
  }
  const prefix = bits - hostBits;
  if (!Number.isInteger(hostBits) || prefix < block.prefix || hostBits < 0) {
    return `cidrBits ${hostBits} does not fit inside ${block.text}`;
  }
  const available = 1n << BigInt(prefix - block.prefix);
  if (BigInt(count) > available) {
    return `${block.text} holds only ${available} blocks of /${prefix}, ${count} were asked for`;
  }
  const size = 1n << BigInt(hostBits);
  const out: Cidr[] = [];
  for (let i = 0n; i < BigInt(count); i++) out.push(makeCidr(block.family, block.start + i * size, prefix));
  return out;
}

/**
 * IPv4 blocks that are not "the internet": private, shared (CGNAT), loopback, link-local,
 * "this network", multicast and reserved. Documentation ranges (TEST-NET) count as public
 * on purpose: the emulator uses them as its stand-in internet.
 */
export const NON_PUBLIC_IPV4: readonly string[] = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "224.0.0.0/4",
  "240.0.0.0/4",
];

/** IPv6 blocks that are not global unicast internet addresses (everything outside 2000::/3). */
export const PUBLIC_IPV6 = "2000::/3";

export function mustParseCidr(text: string): Cidr {
  const p = parseCidr(text);
  if (!p) throw new Error(`internal: bad CIDR literal ${text}`);
  return p.cidr;
}

/** True when every address of the block is in private or otherwise non-public space. */
export function isPrivateIpv4(c: Cidr): boolean {
  return c.family === 4 && NON_PUBLIC_IPV4.map(mustParseCidr).some((p) => cidrContains(p, c));
}
