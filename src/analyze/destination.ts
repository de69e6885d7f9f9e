// Destination classes (`--to`): each is a set of packets (addresses x ports, TCP).
import { AWS_SERVICE_PORT, DEFAULT_INTERNET_PORT, PUBLIC_IPV6 } from "../aws/facts.ts";
import { didYouMean, isAwsService } from "../aws/service-catalogue.ts";
import { LambdaEgressError } from "../errors.ts";
import { SERVICE_PORTS } from "../aws/services.ts";
import type { Box } from "../net/box-set.ts";
import { BoxSet } from "../net/box-set.ts";
import type { Cidr, Family } from "../net/ip.ts";
import { MAX_ADDRESS, mustParseCidr, NON_PUBLIC_IPV4, parseCidr } from "../net/ip.ts";

export interface Destination {
  /** As the user wrote it, normalised: `internet`, `internet:8443`, `internet6`, `aws:dynamodb`, `10.0.5.10/32:5432`. */
  readonly label: string;
  /**
   * `internet`: every public address of the family; `service`: the regional endpoint of an AWS
   * service (public addresses we do not know one by one, or an endpoint in the VPC); `address`: given.
   */
  readonly kind: "internet" | "service" | "address" | "resource";
  /** For `service`: the service's name as in its endpoint names (`dynamodb`, `s3`, `logs`). */
  readonly service?: string;
  /** For `resource`: the id of the database, cache or file system (see bindResource for its port and addresses). */
  readonly resource?: string;
  /** For `resource`: the port the user named (`resource:Db:6432`), else none: the resource's own. */
  readonly portGiven?: boolean;
  /** For `resource`: why its port or addresses are not known (the verdict is then unknown). */
  readonly undecided?: string;
  readonly family: Family;
  readonly port: number;
  /** Destination addresses, before the VPC's own CIDRs are taken out (for `internet`). */
  readonly addresses: readonly Cidr[];
}

/** A destination (--to, an intent's key) that does not parse, or names what the input does not have. */
export class DestinationError extends LambdaEgressError {
  constructor(message: string) {
    super("input", "DESTINATION_INVALID", message);
    this.name = "DestinationError";
  }
}

const PUBLIC_SPACE: Partial<Record<Family, readonly Cidr[]>> = {};

/** Public address space of a family as blocks (IPv4: all less the special ranges; IPv6: global unicast); computed once. */
function publicSpace(family: Family): readonly Cidr[] {
  return (PUBLIC_SPACE[family] ??= Object.freeze(publicSpaceOf(family)));
}

function publicSpaceOf(family: Family): Cidr[] {
  if (family === 6) return [mustParseCidr(PUBLIC_IPV6)];
  let s = BoxSet.of([[0n, MAX_ADDRESS[4]]]);
  for (const c of NON_PUBLIC_IPV4.map(mustParseCidr)) s = s.subtract([[c.start, c.end]]);
  return s.boxes.map(([iv]) => {
    const [lo, hi] = iv as readonly [bigint, bigint];
    return { family: 4 as const, start: lo, end: hi, prefix: -1, text: "public IPv4" };
  });
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
  const m = /^internet(6)?(?::(.*))?$/.exec(t);
  if (m) {
    const family = m[1] ? 6 : 4;
    const p = port(m[2]);
    const name = `internet${m[1] ?? ""}`;
    return { label: m[2] === undefined ? name : `${name}:${p}`, kind: "internet", family, port: p, addresses: publicSpace(family) };
  }
  const svc = /^aws:(.*)$/.exec(t);
  if (svc) {
    const service = (svc[1] ?? "").toLowerCase();
    if (!isAwsService(service)) {
      throw new DestinationError(
        `${JSON.stringify(text)}: ${service ? `${service} is not an AWS service endpoint name` : "no service named"}${didYouMean(service, false, "aws:")} (name a service as in its endpoint names, e.g. aws:dynamodb, aws:s3, aws:logs)`,
      );
    }
    const port = SERVICE_PORTS[service] ?? AWS_SERVICE_PORT;
    return { label: `aws:${service}`, kind: "service", service, family: 4, port, addresses: publicSpace(4) };
  }
  const res = /^resource:([^:]*)(?::(.*))?$/.exec(t);
  if (res) {
    const id = res[1] ?? "";
    if (!/^[A-Za-z0-9][\w.\-/]*$/.test(id)) {
      throw new DestinationError(`${JSON.stringify(text)}: name a resource by its id, e.g. resource:Database or resource:Database:5432`);
    }
    const given = res[2] !== undefined;
    const p = given ? port(res[2]) : 0;
    return {
      label: given ? `resource:${id}:${p}` : `resource:${id}`,
      kind: "resource",
      resource: id,
      portGiven: given,
      family: 4,
      port: p,
      addresses: [],
    };
  }
  const colon = t.lastIndexOf(":");
  const bracket = /^\[(.+)\]:(\d+)$/.exec(t);
  const addrText = bracket ? (bracket[1] as string) : colon > 0 ? t.slice(0, colon) : "";
  const portText = bracket ? bracket[2] : colon > 0 ? t.slice(colon + 1) : undefined;
  const c = addrText ? parseCidr(addrText) : null;
  if (!c || portText === undefined || portText === "") {
    throw new DestinationError(
      `${JSON.stringify(text)} is not a destination: use internet, internet:PORT, internet6, aws:SERVICE, resource:ID[:PORT] or ADDRESS[/LEN]:PORT`,
    );
  }
  const label = c.cidr.family === 6 ? `[${c.cidr.text}]:${port(portText)}` : `${c.cidr.text}:${port(portText)}`;
  return { label, kind: "address", family: c.cidr.family, port: port(portText), addresses: [c.cidr] };
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
  if (d.kind !== "address" && d.kind !== "resource") {
    for (const c of exclude)
      if (c.family === d.family)
        s = s.subtract([
          [c.start, c.end],
          [0n, 65535n],
        ]);
  }
  return s;
}

const NON_PUBLIC: Partial<Record<Family, BoxSet>> = {};

/** Every packet (any port) to an address outside the family's public space: what the internet does not route. */
export function nonPublicSet(family: Family): BoxSet {
  return (NON_PUBLIC[family] ??= BoxSet.of([
    [0n, MAX_ADDRESS[family]],
    [0n, 65535n],
  ]).subtract(
    new BoxSet(
      publicSpace(family).map((c): Box => [
        [c.start, c.end],
        [0n, 65535n],
      ]),
    ),
  ));
}
