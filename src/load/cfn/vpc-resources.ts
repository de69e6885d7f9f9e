// Resources a VPC function is wired to -> VpcResource: RDS DB instances and clusters (Aurora
// included), RDS Proxy, ElastiCache, MemoryDB, DocumentDB, Neptune, OpenSearch (in a VPC), MSK,
// Redshift, and EFS file systems with their mount targets and access points. Their subnet groups
// are read first, so a database names its subnets. The ports come from src/aws/vpc-resources.ts.
import {
  cacheEnginePort,
  DOCUMENTDB_PORT,
  EFS_PORT,
  engineName,
  MSK_PORTS,
  NEPTUNE_PORT,
  OPENSEARCH_PORT,
  rdsEnginePort,
  rdsProxyPort,
  REDSHIFT_PORT,
} from "../../aws/vpc-resources.ts";
import type { EntityRef, MountTarget, Unknown, VpcResource } from "../../model/types.ts";
import { isUnknown, unknown } from "../../model/types.ts";
import type { Value } from "./intrinsics.ts";
import { isPlainObject } from "./intrinsics.ts";
import type { LoaderKit, Props } from "./kit.ts";

/** Subnet groups: their subnets, by logical id. */
export const SUBNET_GROUP_TYPES: ReadonlySet<string> = new Set([
  "AWS::RDS::DBSubnetGroup",
  "AWS::ElastiCache::SubnetGroup",
  "AWS::MemoryDB::SubnetGroup",
  "AWS::DocDB::DBSubnetGroup",
  "AWS::Neptune::DBSubnetGroup",
  "AWS::Redshift::ClusterSubnetGroup",
]);

/** The resources read as VpcResource (EFS mount targets and access points attach to their file system). */
export const VPC_RESOURCE_TYPES: ReadonlySet<string> = new Set([
  "AWS::RDS::DBInstance",
  "AWS::RDS::DBCluster",
  "AWS::RDS::DBProxy",
  "AWS::RDS::DBProxyEndpoint",
  "AWS::ElastiCache::CacheCluster",
  "AWS::ElastiCache::ReplicationGroup",
  "AWS::ElastiCache::ServerlessCache",
  "AWS::MemoryDB::Cluster",
  "AWS::DocDB::DBCluster",
  "AWS::DocDB::DBInstance",
  "AWS::Neptune::DBCluster",
  "AWS::Neptune::DBInstance",
  "AWS::OpenSearchService::Domain",
  "AWS::Elasticsearch::Domain",
  "AWS::MSK::Cluster",
  "AWS::MSK::ServerlessCluster",
  "AWS::Redshift::Cluster",
  "AWS::RedshiftServerless::Workgroup",
  "AWS::EFS::FileSystem",
]);

export const EFS_ATTACHMENT_TYPES: ReadonlySet<string> = new Set(["AWS::EFS::MountTarget", "AWS::EFS::AccessPoint"]);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** What the resource loaders gather while the model is built; `finish` turns it into entities. */
export class VpcResourceReader {
  private readonly groups = new Map<string, EntityRef[] | Unknown>();
  private readonly resources = new Map<string, Mutable<VpcResource> & { mountTargets?: MountTarget[] }>();
  /** Instances of a cluster (Aurora, DocumentDB, Neptune) and proxy endpoints: they take their parent's port and groups. */
  private readonly parents = new Map<string, EntityRef>();
  /** EFS access points: their file system. */
  readonly accessPoints = new Map<string, EntityRef>();
  private readonly kit: LoaderKit;

  constructor(kit: LoaderKit) {
    this.kit = kit;
  }

  subnetGroup(id: string, p: Props): void {
    this.groups.set(id, this.kit.refList(p.SubnetIds, "subnet"));
  }

  /** The subnets of a subnet group a resource names. */
  private subnetsOfGroup(v: Value | undefined, what: string, absent: string): EntityRef[] | Unknown {
    if (v === undefined || v === null) return unknown(absent);
    const ref = this.kit.ref(v, what);
    if (ref === null) return unknown(absent);
    if (isUnknown(ref)) return ref;
    return this.groups.get(ref) ?? unknown(`${what} ${ref} is not defined in this template`);
  }

  private groupsOf(v: Value | undefined): EntityRef[] | Unknown {
    return v === undefined || v === null ? [] : this.kit.refList(v, "security group");
  }

  /** A port property: its number, else `dflt` with why. */
  private port(v: Value | undefined, dflt: number | null, dfltWhy: string): { port: number | Unknown; portWhy: string } {
    if (v !== undefined && v !== null) {
      if (isUnknown(v)) return { port: v, portWhy: "its Port is known only at deploy time" };
      const n = Number(v);
      if (Number.isInteger(n) && n > 0 && n < 65536) return { port: n, portWhy: `its Port ${n}` };
      return { port: unknown(`Port ${JSON.stringify(v)} is not a port`), portWhy: "its Port is not a port" };
    }
    if (dflt === null) return { port: unknown(dfltWhy), portWhy: dfltWhy };
    return { port: dflt, portWhy: dfltWhy };
  }

  private engine(v: Value | undefined, dflt?: string): string | Unknown {
    if (v === undefined || v === null) return dflt ?? unknown("no Engine given");
    if (typeof v === "string") return v;
    return isUnknown(v) ? v : unknown("the Engine is not a string");
  }

  private add(r: Mutable<VpcResource> & { mountTargets?: MountTarget[] }): void {
    this.resources.set(r.id, r);
  }

  resource(id: string, type: string, p: Props): void {
    const k = this.kit;
    const base = { kind: "resource" as const, id, origin: k.origin(id), type };
    const rds = (engine: string | Unknown, kind: string) => {
      const known = typeof engine === "string";
      const dflt = known ? rdsEnginePort(engine) : null;
      const why = known
        ? dflt === null
          ? `the default port of engine ${engine} is not known`
          : `the default port of ${engineName(engine)}`
        : `its engine is not known (${(engine as Unknown).reason})`;
      return { what: known ? `${engineName(engine)} ${kind}` : kind, ...this.port(p.Port, dflt, why) };
    };
    switch (type) {
      case "AWS::RDS::DBInstance":
      case "AWS::DocDB::DBInstance":
      case "AWS::Neptune::DBInstance": {
        const cluster = p.DBClusterIdentifier === undefined ? null : k.ref(p.DBClusterIdentifier, "DB cluster");
        const what =
          type === "AWS::RDS::DBInstance" ? "DB instance" : type === "AWS::DocDB::DBInstance" ? "DocumentDB instance" : "Neptune instance";
        if (cluster !== null) {
          // An instance of a cluster: the cluster's port and security groups (filled in by finish).
          this.parents.set(id, cluster);
          this.add({
            ...base,
            what,
            port: unknown(`the port of its cluster ${isUnknown(cluster) ? "(not in this template)" : cluster}`),
            portWhy: "its cluster's port",
            subnetIds: this.subnetsOfGroup(p.DBSubnetGroupName, "DB subnet group", "its cluster's subnets"),
            securityGroupIds: [],
          });
          return;
        }
        if (type !== "AWS::RDS::DBInstance") return;
        this.add({
          ...base,
          ...rds(this.engine(p.Engine), what),
          subnetIds: this.subnetsOfGroup(
            p.DBSubnetGroupName,
            "DB subnet group",
            "the instance names no DBSubnetGroupName, so it goes to the default VPC",
          ),
          securityGroupIds: this.groupsOf(p.VPCSecurityGroups),
        });
        return;
      }
      case "AWS::RDS::DBCluster":
        this.add({
          ...base,
          ...rds(this.engine(p.Engine), "DB cluster"),
          subnetIds: this.subnetsOfGroup(
            p.DBSubnetGroupName,
            "DB subnet group",
            "the cluster names no DBSubnetGroupName, so it goes to the default VPC",
          ),
          securityGroupIds: this.groupsOf(p.VpcSecurityGroupIds),
        });
        return;
      case "AWS::RDS::DBProxy":
      case "AWS::RDS::DBProxyEndpoint": {
        const family = p.EngineFamily;
        const port = typeof family === "string" ? rdsProxyPort(family) : null;
        const why =
          typeof family === "string"
            ? port === null
              ? `the port an RDS Proxy for ${family} listens on is not documented`
              : `RDS Proxy listens on ${port} for ${family}`
            : type === "AWS::RDS::DBProxyEndpoint"
              ? "its proxy's port"
              : "its EngineFamily is not known";
        if (type === "AWS::RDS::DBProxyEndpoint") {
          const proxy = k.ref(p.DBProxyName, "DB proxy");
          if (proxy !== null) this.parents.set(id, proxy);
        }
        this.add({
          ...base,
          what:
            type === "AWS::RDS::DBProxy" ? `${typeof family === "string" ? `${engineName(family)} ` : ""}RDS Proxy` : "RDS Proxy endpoint",
          port: port ?? unknown(why),
          portWhy: why,
          subnetIds: k.refList(p.VpcSubnetIds, "subnet"),
          securityGroupIds: this.groupsOf(p.VpcSecurityGroupIds),
        });
        return;
      }
      case "AWS::ElastiCache::CacheCluster":
      case "AWS::ElastiCache::ReplicationGroup":
      case "AWS::ElastiCache::ServerlessCache":
      case "AWS::MemoryDB::Cluster": {
        const memorydb = type === "AWS::MemoryDB::Cluster";
        const engine = this.engine(p.Engine, type === "AWS::ElastiCache::CacheCluster" ? undefined : "redis");
        const dflt = typeof engine === "string" ? cacheEnginePort(engine) : null;
        const why =
          typeof engine === "string"
            ? dflt === null
              ? `the default port of engine ${engine} is not known`
              : `the default port of ${engineName(engine)}`
            : `its engine is not known (${engine.reason})`;
        const kind = memorydb
          ? "MemoryDB cluster"
          : type === "AWS::ElastiCache::ServerlessCache"
            ? "ElastiCache serverless cache"
            : "ElastiCache cluster";
        const subnets =
          type === "AWS::ElastiCache::ServerlessCache"
            ? p.SubnetIds === undefined
              ? unknown("the cache names no SubnetIds, so it goes to the default VPC")
              : k.refList(p.SubnetIds, "subnet")
            : this.subnetsOfGroup(
                memorydb ? p.SubnetGroupName : p.CacheSubnetGroupName,
                memorydb ? "subnet group" : "cache subnet group",
                "it names no subnet group, so it goes to the default VPC",
              );
        this.add({
          ...base,
          what: typeof engine === "string" ? `${engineName(engine)} ${kind}` : kind,
          // A serverless cache has no Port property.
          ...this.port(type === "AWS::ElastiCache::ServerlessCache" ? undefined : p.Port, dflt, why),
          subnetIds: subnets,
          securityGroupIds: this.groupsOf(type === "AWS::ElastiCache::CacheCluster" ? p.VpcSecurityGroupIds : p.SecurityGroupIds),
        });
        return;
      }
      case "AWS::DocDB::DBCluster":
      case "AWS::Neptune::DBCluster": {
        const docdb = type === "AWS::DocDB::DBCluster";
        this.add({
          ...base,
          what: docdb ? "DocumentDB cluster" : "Neptune cluster",
          ...this.port(
            docdb ? p.Port : p.DBPort,
            docdb ? DOCUMENTDB_PORT : NEPTUNE_PORT,
            `the default port of ${docdb ? "DocumentDB" : "Neptune"}`,
          ),
          subnetIds: this.subnetsOfGroup(
            p.DBSubnetGroupName,
            "DB subnet group",
            "the cluster names no DBSubnetGroupName, so it goes to the default VPC",
          ),
          securityGroupIds: this.groupsOf(p.VpcSecurityGroupIds),
        });
        return;
      }
      case "AWS::OpenSearchService::Domain":
      case "AWS::Elasticsearch::Domain": {
        // Without VPCOptions the domain has a public endpoint: not a resource of a VPC.
        if (!isPlainObject(p.VPCOptions) && !isUnknown(p.VPCOptions)) return;
        const vo = p.VPCOptions;
        this.add({
          ...base,
          what: "OpenSearch domain",
          port: OPENSEARCH_PORT,
          portWhy: "a domain answers HTTPS",
          subnetIds: isUnknown(vo) ? vo : k.refList((vo as Props).SubnetIds, "subnet"),
          securityGroupIds: isUnknown(vo) ? vo : this.groupsOf((vo as Props).SecurityGroupIds),
        });
        return;
      }
      case "AWS::MSK::Cluster":
      case "AWS::MSK::ServerlessCluster": {
        const serverless = type === "AWS::MSK::ServerlessCluster";
        const vpc = serverless ? (Array.isArray(p.VpcConfigs) ? (p.VpcConfigs as Value[])[0] : undefined) : p.BrokerNodeGroupInfo;
        const net = isPlainObject(vpc) ? vpc : undefined;
        const ports = serverless ? { port: MSK_PORTS.iam, portWhy: "a serverless cluster's IAM listener" } : mskPort(p);
        this.add({
          ...base,
          what: serverless ? "MSK serverless cluster" : "MSK cluster",
          ...ports,
          subnetIds: net
            ? k.refList(serverless ? net.SubnetIds : net.ClientSubnets, "subnet")
            : unknown("the cluster's subnets are not given"),
          securityGroupIds: net ? this.groupsOf(serverless ? net.SecurityGroups : net.SecurityGroups) : [],
        });
        return;
      }
      case "AWS::Redshift::Cluster":
      case "AWS::RedshiftServerless::Workgroup": {
        const serverless = type === "AWS::RedshiftServerless::Workgroup";
        this.add({
          ...base,
          what: serverless ? "Redshift Serverless workgroup" : "Redshift cluster",
          ...this.port(p.Port, REDSHIFT_PORT, "the default port of Redshift"),
          subnetIds: serverless
            ? k.refList(p.SubnetIds, "subnet")
            : this.subnetsOfGroup(
                p.ClusterSubnetGroupName,
                "cluster subnet group",
                "the cluster names no ClusterSubnetGroupName, so it goes to the default VPC",
              ),
          securityGroupIds: this.groupsOf(serverless ? p.SecurityGroupIds : p.VpcSecurityGroupIds),
        });
        return;
      }
      case "AWS::EFS::FileSystem":
        this.add({
          ...base,
          what: "EFS file system",
          port: EFS_PORT,
          portWhy: "NFS",
          subnetIds: [],
          securityGroupIds: [],
          mountTargets: [],
        });
        return;
    }
  }

  /** An EFS mount target or access point: attached to its file system. */
  attachment(id: string, type: string, p: Props): void {
    const fs = this.kit.ref(p.FileSystemId, "file system") ?? unknown(`${id} names no FileSystemId`);
    if (type === "AWS::EFS::AccessPoint") {
      this.accessPoints.set(id, fs);
      return;
    }
    const target = typeof fs === "string" ? this.resources.get(fs) : undefined;
    if (!target?.mountTargets) return;
    target.mountTargets.push({
      id,
      origin: this.kit.origin(id),
      subnetId: this.kit.ref(p.SubnetId, "subnet") ?? unknown(`${id} names no SubnetId`),
      securityGroupIds: this.groupsOf(p.SecurityGroups),
    });
  }

  /** The resources, instances of a cluster (and proxy endpoints) completed from their parent. */
  finish(): VpcResource[] {
    for (const [id, parentRef] of this.parents) {
      const r = this.resources.get(id);
      const parent = typeof parentRef === "string" ? this.resources.get(parentRef) : undefined;
      if (!r) continue;
      if (!parent) {
        const why = isUnknown(parentRef) ? parentRef.reason : `${parentRef} is not defined in this template`;
        if (isUnknown(r.port)) r.port = unknown(`the port of ${id}'s parent: ${why}`);
        continue;
      }
      if (isUnknown(r.port)) {
        r.port = parent.port;
        r.portWhy = `the port of ${parent.id} (${parent.portWhy})`;
      }
      if (isUnknown(r.subnetIds) || r.subnetIds.length === 0) r.subnetIds = parent.subnetIds;
      if (!isUnknown(r.securityGroupIds) && r.securityGroupIds.length === 0) r.securityGroupIds = parent.securityGroupIds;
      if (r.type !== "AWS::RDS::DBProxyEndpoint") r.what = `${parent.what.replace(/ cluster$/, "")} instance`;
    }
    return [...this.resources.values()];
  }
}

/**
 * The port of an MSK cluster's brokers for a client in the VPC: the one listener its
 * authentication and encryption settings open (IAM, SASL/SCRAM, TLS, plaintext). With several,
 * which one the function's code uses is not known: name it with `resource:ID:PORT`.
 */
function mskPort(p: Props): { port: number | Unknown; portWhy: string } {
  const auth = isPlainObject(p.ClientAuthentication) ? p.ClientAuthentication : {};
  const sasl = isPlainObject(auth.Sasl) ? auth.Sasl : {};
  const on = (v: Value | undefined) => isPlainObject(v) && (v.Enabled === true || v.Enabled === "true");
  const enc =
    isPlainObject(p.EncryptionInfo) && isPlainObject(p.EncryptionInfo.EncryptionInTransit) ? p.EncryptionInfo.EncryptionInTransit : {};
  const clientBroker = typeof enc.ClientBroker === "string" ? enc.ClientBroker : "TLS";
  const listeners: [string, number][] = [];
  if (on(sasl.Iam)) listeners.push(["IAM", MSK_PORTS.iam]);
  if (on(sasl.Scram)) listeners.push(["SASL/SCRAM", MSK_PORTS.scram]);
  const tlsAuth = isPlainObject(auth.Tls) && auth.Tls.Enabled !== false && auth.Tls.Enabled !== "false";
  const unauth = isPlainObject(auth.Unauthenticated) ? on(auth.Unauthenticated) : listeners.length === 0 && !tlsAuth;
  if ((tlsAuth || unauth) && clientBroker !== "PLAINTEXT") listeners.push(["TLS", MSK_PORTS.tls]);
  if (unauth && clientBroker !== "TLS") listeners.push(["plaintext", MSK_PORTS.plaintext]);
  const one = listeners[0];
  if (listeners.length === 1 && one) return { port: one[1], portWhy: `its ${one[0]} listener` };
  const why =
    listeners.length === 0
      ? "its client authentication settings open no listener we can tell"
      : `it has several listeners (${listeners.map(([n, port]) => `${n} ${port}`).join(", ")}): name one with resource:ID:PORT`;
  return { port: unknown(why), portWhy: why };
}
