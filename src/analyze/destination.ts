// Destination classes (`--to`): each is a set of packets (addresses x ports, TCP).
import { DEFAULT_INTERNET_PORT } from "../aws/facts.ts";
import type { Box } from "../net/box-set.ts";
import { BoxSet } from "../net/box-set.ts";
import type { Cidr, Family } from "../net/ip.ts";
import { MAX_ADDRESS, mustParseCidr, NON_PUBLIC_IPV4, parseCidr } from "../net/ip.ts";

export interface Destination {
  /** As the user wrote it, normalised: `internet`, `internet:8443`, `10.0.5.10/32:5432`. */
  readonly label: string;
  readonly kind: "internet" | "address";
  readonly family: Family;
  readonly port: number;
  /** Destination addresses, before the VPC's own CIDRs are taken out (for `internet`). */
  readonly addresses: readonly Cidr[];
}

export class DestinationError extends Error {}

/** Public IPv4 space as address intervals. */
function publicIpv4(): BoxSet {
  let s = BoxSet.of([[0n, MAX_ADDRESS[4]]]);
  for (const c of NON_PUBLIC_IPV4.map(mustParseCidr)) s = s.subtract([[c.start, c.end]]);
  return s;
}

export function parseDestination(text: string): Destination {
  const t = text.trim();
  const port = (p: string | undefined): number => {
    if (p === undefined) return DEFAULT_INTERNET_PORT;
    if (!/^\d{1,5}$/.test(p) || Number(p) > 65535 || Number(p) < 1) {
      throw new DestinationError(`${JSON.stringify(text)}: ${p} is not a port (1-65535)`);
    }
    return Number(p);
  };
  const m = /^internet(?::(.*))?$/.exec(t);
  if (m) {
    const p = port(m[1]);
    const addresses = publicIpv4().boxes.map(([iv]) => {
      const [lo, hi] = iv as readonly [bigint, bigint];
      return { family: 4 as const, start: lo, end: hi, prefix: -1, text: "public IPv4" };
    });
    return { label: m[1] === undefined ? "internet" : `internet:${p}`, kind: "internet", family: 4, port: p, addresses };
  }
  if (t === "internet6" || t.startsWith("internet6:") || t.startsWith("aws:")) {
    throw new DestinationError(`${JSON.stringify(text)}: IPv6 and AWS service destinations are not supported yet`);
  }
  const colon = t.lastIndexOf(":");
  const bracket = /^\[(.+)\]:(\d+)$/.exec(t);
  const addrText = bracket ? (bracket[1] as string) : colon > 0 ? t.slice(0, colon) : "";
  const portText = bracket ? bracket[2] : colon > 0 ? t.slice(colon + 1) : undefined;
  const c = addrText ? parseCidr(addrText) : null;
  if (!c || portText === undefined || portText === "") {
    throw new DestinationError(`${JSON.stringify(text)} is not a destination: use internet, internet:PORT or ADDRESS[/LEN]:PORT`);
  }
  if (c.cidr.family === 6) {
    throw new DestinationError(`${JSON.stringify(text)}: IPv6 destinations are not supported yet`);
  }
  return { label: `${c.cidr.text}:${port(portText)}`, kind: "address", family: 4, port: port(portText), addresses: [c.cidr] };
}

/** The packet set of a destination, less the given blocks (the VPC's own CIDRs for `internet`). */
export function destinationSet(d: Destination, exclude: readonly Cidr[]): BoxSet {
  const p = BigInt(d.port);
  let s = new BoxSet(
    d.addresses.map((c): Box => [
      [c.start, c.end],
      [p, p],
    ]),
  );
  if (d.kind === "internet") {
    for (const c of exclude)
      if (c.family === d.family)
        s = s.subtract([
          [c.start, c.end],
          [0n, 65535n],
        ]);
  }
  return s;
}
