// Resources a VPC function is wired to -> VpcResource: RDS DB instances and clusters (Aurora
// included), RDS Proxy, ElastiCache, MemoryDB, DocumentDB, Neptune, OpenSearch (in a VPC), MSK,
// Redshift, and EFS file systems with their mount targets and access points. Their subnet groups
// are read first, so a database names its subnets. The ports come from src/aws/vpc-resources.ts;
// what does not depend on CloudFormation's property names is shared with Terraform (src/load/vpc-resources.ts).
import { DOCUMENTDB_PORT, MSK_PORTS, NEPTUNE_PORT, OPENSEARCH_PORT, REDSHIFT_PORT } from "../../../aws/vpc-resources.ts";
import type { EntityRef, Unknown, VpcResource } from "../../../model/types.ts";
import { isUnknown, unknown } from "../../../model/types.ts";
import type { PortFacts } from "../../vpc-resources.ts";
import {
  cacheFacts,
  databaseFacts,
  EFS_FILE_SYSTEM,
  engineOf,
  mskPort as mskListenerPort,
  portOf,
  proxyFacts,
  VpcResourceSet,
} from "../../vpc-resources.ts";
import type { Value } from "../intrinsics.ts";
import { isPlainObject } from "../intrinsics.ts";
import type { LoaderKit, Props } from "../kit.ts";
import type { Converter } from "./index.ts";

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

/** What the resource loaders gather while the model is built; `finish` turns it into entities. */
export class VpcResourceReader {
  private readonly set = new VpcResourceSet("this template");
  /** EFS access points: their file system. */
  readonly accessPoints = this.set.accessPoints;
  private readonly kit: LoaderKit;

  constructor(kit: LoaderKit) {
    this.kit = kit;
  }

  subnetGroup(id: string, p: Props): void {
    this.set.subnetGroup(id, this.kit.refList(p.SubnetIds, "subnet"));
  }

  /** The subnets of a subnet group a resource names. */
  private subnetsOfGroup(v: Value | undefined, what: string, absent: string): EntityRef[] | Unknown {
    const ref = v === undefined || v === null ? null : this.kit.ref(v, what);
    return this.set.subnetsOfGroup(ref, what, absent);
  }

  private groupsOf(v: Value | undefined): EntityRef[] | Unknown {
    return v === undefined || v === null ? [] : this.kit.refList(v, "security group");
  }

  /** A port property: its number, else `dflt` with why. */
  private port(v: Value | undefined, dflt: number | null, dfltWhy: string): PortFacts {
    return portOf(v, dflt, dfltWhy);
  }

  private engine(v: Value | undefined, dflt?: string): string | Unknown {
    return engineOf(v, dflt);
  }

  private add(r: Parameters<VpcResourceSet["add"]>[0]): void {
    this.set.add(r);
  }

  resource(id: string, type: string, p: Props): void {
    const k = this.kit;
    const base = { kind: "resource" as const, id, origin: k.origin(id), type };
    const rds = (engine: string | Unknown, kind: string) => databaseFacts(engine, kind, p.Port);
    switch (type) {
      case "AWS::RDS::DBInstance":
      case "AWS::DocDB::DBInstance":
      case "AWS::Neptune::DBInstance": {
        const cluster = p.DBClusterIdentifier === undefined ? null : k.ref(p.DBClusterIdentifier, "DB cluster");
        const what =
          type === "AWS::RDS::DBInstance" ? "DB instance" : type === "AWS::DocDB::DBInstance" ? "DocumentDB instance" : "Neptune instance";
        if (cluster !== null) {
          // An instance of a cluster: the cluster's port and security groups (filled in by finish).
          this.set.parent(id, cluster);
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
        const endpoint = type === "AWS::RDS::DBProxyEndpoint";
        if (endpoint) {
          const proxy = k.ref(p.DBProxyName, "DB proxy");
          if (proxy !== null) this.set.parent(id, proxy);
        }
        this.add({
          ...base,
          ...proxyFacts(p.EngineFamily, endpoint),
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
          // A serverless cache has no Port property.
          ...cacheFacts(engine, kind, type === "AWS::ElastiCache::ServerlessCache" ? undefined : p.Port),
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
          ...EFS_FILE_SYSTEM,
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
      this.set.accessPoint(id, fs);
      return;
    }
    this.set.mountTarget(fs, {
      id,
      origin: this.kit.origin(id),
      subnetId: this.kit.ref(p.SubnetId, "subnet") ?? unknown(`${id} names no SubnetId`),
      securityGroupIds: this.groupsOf(p.SecurityGroups),
    });
  }

  /** The resources, instances of a cluster (and proxy endpoints) completed from their parent. */
  finish(): VpcResource[] {
    return this.set.finish();
  }
}

/** An MSK cluster's listener port from its ClientAuthentication and EncryptionInfo. */
function mskPort(p: Props): PortFacts {
  const auth = isPlainObject(p.ClientAuthentication) ? p.ClientAuthentication : {};
  const sasl = isPlainObject(auth.Sasl) ? auth.Sasl : {};
  const on = (v: Value | undefined) => isPlainObject(v) && (v.Enabled === true || v.Enabled === "true");
  const enc =
    isPlainObject(p.EncryptionInfo) && isPlainObject(p.EncryptionInfo.EncryptionInTransit) ? p.EncryptionInfo.EncryptionInTransit : {};
  return mskListenerPort({
    iam: on(sasl.Iam),
    scram: on(sasl.Scram),
    tls: isPlainObject(auth.Tls) && auth.Tls.Enabled !== false && auth.Tls.Enabled !== "false",
    unauthenticated: isPlainObject(auth.Unauthenticated) ? on(auth.Unauthenticated) : undefined,
    clientBroker: typeof enc.ClientBroker === "string" ? enc.ClientBroker : "TLS",
  });
}

/** Subnet groups first, then the resources naming them, then EFS mount targets and access points (registry order). */
export const VPC_RESOURCES: readonly Converter[] = [
  ...[...SUBNET_GROUP_TYPES].map((type): Converter => ({
    type,
    phase: "vpc-resources",
    convert: (k, id, p) => k.draft.vpcResources.subnetGroup(id, p),
  })),
  ...[...VPC_RESOURCE_TYPES].map((type): Converter => ({
    type,
    phase: "vpc-resources",
    convert: (k, id, p) => k.draft.vpcResources.resource(id, type, p),
  })),
  ...[...EFS_ATTACHMENT_TYPES].map((type): Converter => ({
    type,
    phase: "vpc-resources",
    convert: (k, id, p) => k.draft.vpcResources.attachment(id, type, p),
  })),
];
