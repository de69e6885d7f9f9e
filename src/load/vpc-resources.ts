// What every loader does alike with the resources a VPC function is wired to (databases, caches,
// search domains, Kafka clusters, file systems), whatever the input calls their properties: the
// port a resource listens on and why, what it is in the user's words, its subnet groups, the
// instances of a cluster and the endpoints of a proxy completed from their parent, EFS mount
// targets and access points tied to their file system, and an environment value that holds a
// resource's endpoint read back as the resource. The CloudFormation reader (cfn/converters/resources.ts)
// and the Terraform builder (terraform/build.ts) feed it; the deployed-account scan uses the
// endpoint matching. AWS's own facts (ports, engines) live in aws/vpc-resources.ts.
import { cacheEnginePort, EFS_PORT, engineName, MSK_PORTS, rdsEnginePort, rdsProxyPort } from "../aws/vpc-resources.ts";
import type { EntityRef, MountTarget, Unknown, VpcResource } from "../model/types.ts";
import { isUnknown, unknown } from "../model/types.ts";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** An EFS file system as every loader names it: NFS on its mount targets, which say where it is (one per AZ). */
export const EFS_FILE_SYSTEM = { what: "EFS file system", port: EFS_PORT, portWhy: "NFS" } as const;
export type ResourceDraft = Mutable<VpcResource> & { mountTargets?: MountTarget[] };

/** A port and where it comes from. */
export interface PortFacts {
  readonly port: number | Unknown;
  readonly portWhy: string;
}

/**
 * A port property (`Port` in a template, `port` in Terraform): its number, else `dflt` with why.
 * `v` is what the input gives: undefined or null when absent, an Unknown when known at deploy time only.
 */
export function portOf(v: unknown, dflt: number | null, dfltWhy: string, name = "Port"): PortFacts {
  if (v !== undefined && v !== null) {
    if (isUnknown(v)) return { port: v, portWhy: `its ${name} is known only at deploy time` };
    const n = Number(v);
    if (Number.isInteger(n) && n > 0 && n < 65536) return { port: n, portWhy: `its ${name} ${n}` };
    return { port: unknown(`${name} ${JSON.stringify(v)} is not a port`), portWhy: `its ${name} is not a port` };
  }
  if (dflt === null) return { port: unknown(dfltWhy), portWhy: dfltWhy };
  return { port: dflt, portWhy: dfltWhy };
}

/** An engine property: its name, `dflt` when absent, else why it is not known. */
export function engineOf(v: unknown, dflt?: string, name = "Engine"): string | Unknown {
  if (v === undefined || v === null) return dflt ?? unknown(`no ${name} given`);
  if (typeof v === "string") return v;
  return isUnknown(v) ? v : unknown(`the ${name} is not a string`);
}

/** An RDS database (instance or cluster, Aurora included): `PostgreSQL DB instance` on its port or its engine's. */
export function databaseFacts(engine: string | Unknown, kind: string, port: unknown, portName = "Port"): { what: string } & PortFacts {
  const known = typeof engine === "string";
  const dflt = known ? rdsEnginePort(engine) : null;
  const why = known
    ? dflt === null
      ? `the default port of engine ${engine} is not known`
      : `the default port of ${engineName(engine)}`
    : `its engine is not known (${(engine as Unknown).reason})`;
  return { what: known ? `${engineName(engine)} ${kind}` : kind, ...portOf(port, dflt, why, portName) };
}

/** ElastiCache and MemoryDB: `Redis ElastiCache cluster` on its port or its engine's (a serverless cache has no port setting: undefined). */
export function cacheFacts(engine: string | Unknown, kind: string, port: unknown, portName = "Port"): { what: string } & PortFacts {
  const dflt = typeof engine === "string" ? cacheEnginePort(engine) : null;
  const why =
    typeof engine === "string"
      ? dflt === null
        ? `the default port of engine ${engine} is not known`
        : `the default port of ${engineName(engine)}`
      : `its engine is not known (${engine.reason})`;
  return { what: typeof engine === "string" ? `${engineName(engine)} ${kind}` : kind, ...portOf(port, dflt, why, portName) };
}

/** RDS Proxy (or one of its endpoints): its engine family's port. `family` undefined: not given. */
export function proxyFacts(family: unknown, endpoint: boolean, familyName = "EngineFamily"): { what: string } & PortFacts {
  const port = typeof family === "string" ? rdsProxyPort(family) : null;
  const why =
    typeof family === "string"
      ? port === null
        ? `the port an RDS Proxy for ${family} listens on is not documented`
        : `RDS Proxy listens on ${port} for ${family}`
      : endpoint
        ? "its proxy's port"
        : `its ${familyName} is not known`;
  return {
    what: endpoint ? "RDS Proxy endpoint" : `${typeof family === "string" ? `${engineName(family)} ` : ""}RDS Proxy`,
    port: port ?? unknown(why),
    portWhy: why,
  };
}

/** An MSK cluster's client settings, as read from the input. */
export interface MskClientSettings {
  readonly iam: boolean;
  readonly scram: boolean;
  /** TLS client authentication is configured. */
  readonly tls: boolean;
  /** Unauthenticated access: true, false, or undefined when not set (then on when nothing else is). */
  readonly unauthenticated: boolean | undefined;
  /** Encryption between clients and brokers: `TLS` (the default), `TLS_PLAINTEXT` or `PLAINTEXT`. */
  readonly clientBroker: string;
}

/**
 * The port of an MSK cluster's brokers for a client in the VPC: the one listener its
 * authentication and encryption settings open (IAM, SASL/SCRAM, TLS, plaintext). With several,
 * which one the function's code uses is not known: name it with `resource:ID:PORT`.
 */
export function mskPort(s: MskClientSettings): PortFacts {
  const listeners: [string, number][] = [];
  if (s.iam) listeners.push(["IAM", MSK_PORTS.iam]);
  if (s.scram) listeners.push(["SASL/SCRAM", MSK_PORTS.scram]);
  const unauth = s.unauthenticated ?? (listeners.length === 0 && !s.tls);
  if ((s.tls || unauth) && s.clientBroker !== "PLAINTEXT") listeners.push(["TLS", MSK_PORTS.tls]);
  if (unauth && s.clientBroker !== "TLS") listeners.push(["plaintext", MSK_PORTS.plaintext]);
  const one = listeners[0];
  if (listeners.length === 1 && one) return { port: one[1], portWhy: `its ${one[0]} listener` };
  const why =
    listeners.length === 0
      ? "its client authentication settings open no listener we can tell"
      : `it has several listeners (${listeners.map(([n, port]) => `${n} ${port}`).join(", ")}): name one with resource:ID:PORT`;
  return { port: unknown(why), portWhy: why };
}

/** The resources of one input as a loader reads them; `finish` completes them into entities. */
export class VpcResourceSet {
  /** Subnet groups: their subnets, by id. */
  private readonly groups = new Map<string, EntityRef[] | Unknown>();
  private readonly resources = new Map<string, ResourceDraft>();
  /** Instances of a cluster (Aurora, DocumentDB, Neptune) and proxy endpoints: they take their parent's port and groups. */
  private readonly parents = new Map<string, EntityRef>();
  /** EFS access points: their file system. */
  readonly accessPoints = new Map<string, EntityRef>();
  /** Where an id of the input is not defined (`this template`, `this plan`). */
  private readonly where: string;

  constructor(where: string) {
    this.where = where;
  }

  subnetGroup(id: string, subnets: EntityRef[] | Unknown): void {
    this.groups.set(id, subnets);
  }

  /** The subnets of the subnet group a resource names (`ref`, null when it names none: `absent` says where it goes). */
  subnetsOfGroup(ref: EntityRef | null, what: string, absent: string): EntityRef[] | Unknown {
    if (ref === null) return unknown(absent);
    if (isUnknown(ref)) return ref;
    return this.groups.get(ref) ?? unknown(`${what} ${ref} is not defined in ${this.where}`);
  }

  add(r: ResourceDraft): void {
    this.resources.set(r.id, r);
  }

  has(id: string): boolean {
    return this.resources.has(id);
  }

  /** An instance of a cluster, or an endpoint of a proxy: completed from its parent by finish. */
  parent(id: string, parent: EntityRef): void {
    this.parents.set(id, parent);
  }

  accessPoint(id: string, fileSystem: EntityRef): void {
    this.accessPoints.set(id, fileSystem);
  }

  /** An EFS mount target: attached to its file system (when that is one of the input's). */
  mountTarget(fileSystem: EntityRef, target: MountTarget): void {
    const fs = typeof fileSystem === "string" ? this.resources.get(fileSystem) : undefined;
    fs?.mountTargets?.push(target);
  }

  /** The resources, instances of a cluster (and proxy endpoints) completed from their parent. */
  finish(): VpcResource[] {
    for (const [id, parentRef] of this.parents) {
      const r = this.resources.get(id);
      const parent = typeof parentRef === "string" ? this.resources.get(parentRef) : undefined;
      if (!r) continue;
      if (!parent) {
        const why = isUnknown(parentRef) ? parentRef.reason : `${parentRef} is not defined in ${this.where}`;
        if (isUnknown(r.port)) r.port = unknown(`the port of ${id}'s parent: ${why}`);
        continue;
      }
      if (isUnknown(r.port)) {
        r.port = parent.port;
        r.portWhy = `the port of ${parent.id} (${parent.portWhy})`;
      }
      if (isUnknown(r.subnetIds) || r.subnetIds.length === 0) r.subnetIds = parent.subnetIds;
      if (!isUnknown(r.securityGroupIds) && r.securityGroupIds.length === 0) r.securityGroupIds = parent.securityGroupIds;
      if (!/Proxy endpoint$/.test(r.what)) r.what = `${parent.what.replace(/ cluster$/, "")} instance`;
    }
    return [...this.resources.values()];
  }
}

/**
 * An environment value that holds a resource's endpoint, as the token of that resource
 * (`${Id.Attribute}`, see model SymbolicString), else null. `endpoints` maps each endpoint value
 * the input shows (an address, a `host:port`, an ARN) to its token; the value may also be one
 * address followed by a port (`db.example:5432` -> `${Db.Endpoint}:5432`).
 */
export function endpointToken(value: string, endpoints: ReadonlyMap<string, string>): string | null {
  const exact = endpoints.get(value);
  if (exact !== undefined) return exact;
  const m = /^(.+):(\d{1,5})$/.exec(value);
  const token = m ? endpoints.get(m[1] as string) : undefined;
  return token === undefined ? null : `${token}:${m?.[2] as string}`;
}
