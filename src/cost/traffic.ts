// Traffic for `cost --traffic`: GB per month per destination class, from a YAML/JSON file or an
// inline list (`internet=100,internet-in=400,s3=500,sqs=50`).
//   internet (or internet-out)  GB sent to the public internet (IPv4)
//   internet-in                 GB received from it (through a NAT: processed, not charged as transfer)
//   SERVICE (s3, dynamodb, sqs, lambda, ...)  GB to and from that AWS service's regional endpoint, both directions
//   free-internet               GB of the account's monthly free internet egress left for these functions (default 0)
//   cross-az-sides              1 or 2: sides of a cross-AZ transfer billed (default 2, see prices.ts)
//   functions                   (file only) a mapping of function id to its own traffic classes; that traffic
//                               is that function's alone, the top-level classes are split among all functions
import { closestService, isAwsService } from "../aws/service-catalogue.ts";
import { LambdaEgressError } from "../errors.ts";
import { DEFAULT_CROSS_AZ_SIDES } from "./prices.ts";

/** GB per month by destination class. */
export interface Volumes {
  readonly internetOutGb: number;
  readonly internetInGb: number;
  /** GB per month, both directions, per AWS service short name. */
  readonly services: Readonly<Record<string, number>>;
}

export interface Traffic extends Volumes {
  readonly freeInternetGb: number;
  readonly crossAzSides: 1 | 2;
  /** Traffic of one function alone, by function id (logical id, FunctionName or construct path), in addition to the shared classes. */
  readonly functions?: Readonly<Record<string, Volumes>>;
}

/** Traffic (--traffic, a traffic file) that does not parse. */
export class TrafficError extends LambdaEgressError {
  constructor(message: string) {
    super("input", "TRAFFIC_INVALID", message);
    this.name = "TrafficError";
  }
}

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
export function trafficFromEntries(entries: readonly (readonly [string, unknown])[], allowFunctions = false): Traffic {
  let internetOutGb = 0;
  let internetInGb = 0;
  let freeInternetGb = 0;
  let crossAzSides: 1 | 2 = DEFAULT_CROSS_AZ_SIDES;
  const services: Record<string, number> = {};
  let functions: Record<string, Volumes> | undefined;
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
    } else if (canonical === "functions" && allowFunctions) functions = functionsFrom(v);
    else if (SERVICE.test(canonical) && isAwsService(canonical)) services[canonical] = number(rawKey, v);
    else {
      const near = closestService(canonical);
      throw new TrafficError(`${JSON.stringify(rawKey)} is not a traffic class${near ? ` (did you mean ${near}?)` : ""}; use ${KEYS_HELP}`);
    }
  }
  return { internetOutGb, internetInGb, services, freeInternetGb, crossAzSides, ...(functions ? { functions } : {}) };
}

function functionsFrom(v: unknown): Record<string, Volumes> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new TrafficError(
      'functions: is not a mapping of function id to its traffic (e.g. "functions: { MyFunction: { internet: 10 } }")',
    );
  const out: Record<string, Volumes> = {};
  for (const [fn, classes] of Object.entries(v as Record<string, unknown>)) {
    if (typeof classes !== "object" || classes === null || Array.isArray(classes))
      throw new TrafficError(`functions: ${fn}: is not a mapping of traffic class to GB per month`);
    let t: Traffic;
    try {
      t = trafficFromEntries(Object.entries(classes as Record<string, unknown>));
    } catch (e) {
      if (e instanceof TrafficError) throw new TrafficError(`functions: ${fn}: ${e.message}`);
      throw e;
    }
    if (
      t.freeInternetGb !== 0 ||
      t.crossAzSides !== DEFAULT_CROSS_AZ_SIDES ||
      Object.keys(classes as object).some((k) => /^(free-internet|cross-az-sides)$/i.test(k.trim()))
    )
      throw new TrafficError(`functions: ${fn}: free-internet and cross-az-sides apply to the whole template; give them at the top level`);
    out[fn] = { internetOutGb: t.internetOutGb, internetInGb: t.internetInGb, services: t.services };
  }
  return out;
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
  return trafficFromEntries(Object.entries(doc as Record<string, unknown>), true);
}

export interface TrafficClass {
  /** `internet`, `internet-in` or `aws:SERVICE`. */
  readonly key: string;
  readonly label: string;
  readonly gb: number;
}

export function trafficClasses(t: Volumes): TrafficClass[] {
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
  const all = [t, ...Object.values(t.functions ?? {})].flatMap((v) => trafficClasses(v));
  return [...new Set(all.map((c) => destinationOfClass(c.key)))];
}

/** The same traffic with every function's own classes added to the shared ones (for a template with other functions). */
export function mergedTraffic(t: Traffic): Traffic {
  const services: Record<string, number> = { ...t.services };
  let internetOutGb = t.internetOutGb;
  let internetInGb = t.internetInGb;
  for (const v of Object.values(t.functions ?? {})) {
    internetOutGb += v.internetOutGb;
    internetInGb += v.internetInGb;
    for (const [svc, gb] of Object.entries(v.services)) services[svc] = (services[svc] ?? 0) + gb;
  }
  return { internetOutGb, internetInGb, services, freeInternetGb: t.freeInternetGb, crossAzSides: t.crossAzSides };
}
