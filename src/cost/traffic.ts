// Traffic for `cost --traffic`: GB per month per destination class, from a YAML/JSON file or an
// inline list (`internet=100,internet-in=400,s3=500,sqs=50`).
//   internet (or internet-out)  GB sent to the public internet (IPv4)
//   internet-in                 GB received from it (through a NAT: processed, not charged as transfer)
//   SERVICE (s3, dynamodb, sqs, lambda, ...)  GB to and from that AWS service's regional endpoint, both directions
//   free-internet               GB of the account's monthly free internet egress left for these functions (default 0)
//   cross-az-sides              1 or 2: sides of a cross-AZ transfer billed (default 2, see prices.ts)
import { DEFAULT_CROSS_AZ_SIDES } from "./prices.ts";

export interface Traffic {
  readonly internetOutGb: number;
  readonly internetInGb: number;
  /** GB per month, both directions, per AWS service short name. */
  readonly services: Readonly<Record<string, number>>;
  readonly freeInternetGb: number;
  readonly crossAzSides: 1 | 2;
}

export class TrafficError extends Error {}

/** Traffic files are small: a few lines. */
export const MAX_TRAFFIC_BYTES = 64 * 1024;

const SERVICE = /^[a-z0-9][a-z0-9.-]*$/;
const KEYS_HELP = "internet, internet-in, free-internet, cross-az-sides, or an AWS service short name (s3, dynamodb, sqs, ...)";

function number(key: string, v: unknown): number {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > 1e12) throw new TrafficError(`${key}: ${JSON.stringify(v)} is not a number of GB (0 or more)`);
  return n;
}

/** Traffic from key/value pairs (the parsed file, or the inline list). */
export function trafficFromEntries(entries: readonly (readonly [string, unknown])[]): Traffic {
  let internetOutGb = 0;
  let internetInGb = 0;
  let freeInternetGb = 0;
  let crossAzSides: 1 | 2 = DEFAULT_CROSS_AZ_SIDES;
  const services: Record<string, number> = {};
  const seen = new Set<string>();
  for (const [rawKey, v] of entries) {
    const key = rawKey.trim().toLowerCase();
    const canonical = key === "internet-out" ? "internet" : key.startsWith("aws:") ? key.slice(4) : key;
    if (seen.has(canonical)) throw new TrafficError(`${rawKey} is given twice`);
    seen.add(canonical);
    if (canonical === "internet") internetOutGb = number(rawKey, v);
    else if (canonical === "internet-in") internetInGb = number(rawKey, v);
    else if (canonical === "free-internet") freeInternetGb = number(rawKey, v);
    else if (canonical === "cross-az-sides") {
      const n = number(rawKey, v);
      if (n !== 1 && n !== 2) throw new TrafficError(`cross-az-sides: ${JSON.stringify(v)}: use 1 or 2`);
      crossAzSides = n;
    } else if (SERVICE.test(canonical) && !canonical.startsWith("internet") && !canonical.startsWith("free"))
      services[canonical] = number(rawKey, v);
    else throw new TrafficError(`${JSON.stringify(rawKey)} is not a traffic class; use ${KEYS_HELP}`);
  }
  return { internetOutGb, internetInGb, services, freeInternetGb, crossAzSides };
}

/** `internet=100,s3=50`: the inline form. */
export function parseInlineTraffic(text: string): Traffic {
  const entries: [string, string][] = [];
  for (const part of text.split(",")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    if (eq <= 0) throw new TrafficError(`${JSON.stringify(part.trim())}: use CLASS=GB, e.g. internet=100,s3=50`);
    entries.push([part.slice(0, eq), part.slice(eq + 1)]);
  }
  if (entries.length === 0) throw new TrafficError("no traffic given; use CLASS=GB, e.g. internet=100,s3=50");
  return trafficFromEntries(entries);
}

/** A traffic file's parsed content (YAML or JSON): a flat mapping of class to GB. */
export function trafficFromDocument(doc: unknown): Traffic {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc))
    throw new TrafficError(`is not a mapping of traffic class to GB per month (e.g. "internet: 100"); keys: ${KEYS_HELP}`);
  return trafficFromEntries(Object.entries(doc as Record<string, unknown>));
}

export interface TrafficClass {
  /** `internet`, `internet-in` or `aws:SERVICE`. */
  readonly key: string;
  readonly label: string;
  readonly gb: number;
}

export function trafficClasses(t: Traffic): TrafficClass[] {
  return [
    { key: "internet", label: "internet out", gb: t.internetOutGb },
    { key: "internet-in", label: "internet in", gb: t.internetInGb },
    ...Object.keys(t.services)
      .sort()
      .map((s) => ({ key: `aws:${s}`, label: `to and from ${s}`, gb: t.services[s] ?? 0 })),
  ];
}

/** check's destination for a traffic class. */
export function destinationOfClass(key: string): string {
  return key === "internet-in" ? "internet" : key;
}

/** The destinations check must analyse for `t`. */
export function trafficDestinations(t: Traffic): string[] {
  return [...new Set(trafficClasses(t).map((c) => destinationOfClass(c.key)))];
}
