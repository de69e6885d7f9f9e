// The snapshot `lambda-egress scan` writes: what the read-only Describe/Get/List calls returned,
// normalised to the fields the model needs, sorted, so two scans of the same account diff
// cleanly. Reading one needs no AWS SDK; `check snapshot.json` makes no AWS call.
//
// Shapes follow the EC2, Lambda and IAM API references (DescribeSubnets, DescribeRouteTables,
// ListFunctions, GetRolePolicy, DescribeDBInstances, DescribeMountTargets, ...), field names in
// camelCase. Environment variable values are never kept: only those that name another resource
// (an ARN, a function of the same scan, or the endpoint address of a database or proxy it read).
//
// Versions: 2 adds each region's `resources` (RDS DB instances, clusters and proxies, EFS file
// systems). A snapshot of version 1 is still read, as one without them.
import { LoadError } from "../errors.ts";

export const SNAPSHOT_KIND = "lambda-egress/aws-snapshot";
export const SNAPSHOT_SCHEMA_VERSION = 2;
/** The versions this release reads. */
const READABLE_VERSIONS: readonly unknown[] = [1, 2];

/** The label `--aws` puts among a command's inputs. */
export const LIVE_INPUT = "aws:live";

const KIND_PATTERN = new RegExp(`"kind"\\s*:\\s*"${SNAPSHOT_KIND.replace("/", "\\/")}"`);

/** True when a file's text is a snapshot (its kind appears near the top, as `scan` writes it). */
export function isSnapshotText(text: string): boolean {
  const head = text.slice(0, 4096);
  return head.trimStart().startsWith("{") && KIND_PATTERN.test(head);
}

export interface Snapshot {
  readonly schemaVersion: 1 | 2;
  readonly kind: typeof SNAPSHOT_KIND;
  /** The account the credentials belong to (sts:GetCallerIdentity), null when it was denied. */
  readonly account: string | null;
  readonly partition: string;
  /** ISO 8601, UTC. */
  readonly scannedAt: string;
  /** `--function` names the scan was limited to (empty: every function). */
  readonly functionFilter: readonly string[];
  readonly regions: readonly RegionSnapshot[];
}

/** A read call that was refused: what it leaves unknown. */
export interface DeniedCall {
  /** IAM action, e.g. `ec2:DescribeNatGateways`. */
  readonly action: string;
  /** The error code AWS returned (UnauthorizedOperation, AccessDeniedException, ...). */
  readonly code: string;
  /** What the model lacks because of it. */
  readonly affects: string;
}

export interface RegionSnapshot {
  readonly region: string;
  readonly denied: readonly DeniedCall[];
  readonly vpcs: readonly SnapVpc[];
  readonly subnets: readonly SnapSubnet[];
  readonly routeTables: readonly SnapRouteTable[];
  readonly internetGateways: readonly SnapInternetGateway[];
  readonly egressOnlyInternetGateways: readonly SnapEgressOnlyInternetGateway[];
  readonly natGateways: readonly SnapNatGateway[];
  readonly addresses: readonly SnapAddress[];
  readonly networkAcls: readonly SnapNetworkAcl[];
  readonly securityGroups: readonly SnapSecurityGroup[];
  readonly prefixLists: readonly SnapPrefixList[];
  readonly vpcEndpoints: readonly SnapVpcEndpoint[];
  readonly networkInterfaces: readonly SnapNetworkInterface[];
  readonly instances: readonly SnapInstance[];
  readonly functions: readonly SnapFunction[];
  readonly capacityProviders: readonly SnapCapacityProvider[];
  readonly roles: readonly SnapRole[];
  /** VPC Block Public Access of the region; null when it could not be read. */
  readonly blockPublicAccess: SnapBlockPublicAccess | null;
  /** Databases, proxies and file systems functions may be wired to (absent in a version 1 snapshot). */
  readonly resources?: readonly SnapResource[];
}

/** An RDS DB instance, DB cluster or proxy, or an EFS file system that a function mounts. */
export interface SnapResource {
  /** DBInstanceIdentifier, DBClusterIdentifier, DBProxyName, or FileSystemId. */
  readonly id: string;
  readonly arn: string;
  readonly type: "db-instance" | "db-cluster" | "db-proxy" | "efs-file-system";
  /** The engine (`postgres`, `aurora-mysql`), a proxy's engine family (`POSTGRESQL`); null for a file system. */
  readonly engine: string | null;
  /** The port its endpoint listens on, when AWS gives one. */
  readonly port: number | null;
  /** Its endpoint addresses (instance, cluster writer and reader, proxy); none for a file system. */
  readonly endpoints: readonly string[];
  /** The subnets of its interfaces (a DB instance's subnet group; a cluster's, from its instances); null: not known. */
  readonly subnetIds: readonly string[] | null;
  readonly securityGroupIds: readonly string[];
  /** A DB instance of a cluster: the cluster's identifier. */
  readonly clusterId?: string;
  /** EFS: its mount targets; null when DescribeMountTargets was denied. */
  readonly mountTargets?: readonly SnapMountTarget[] | null;
  /** EFS: the ARNs of its access points. */
  readonly accessPointArns?: readonly string[];
}

export interface SnapMountTarget {
  readonly id: string;
  readonly subnetId: string;
  /** null when DescribeMountTargetSecurityGroups was denied. */
  readonly securityGroupIds: readonly string[] | null;
}

export interface SnapBlockPublicAccess {
  /** InternetGatewayBlockMode: off, block-bidirectional, block-ingress. */
  readonly mode: string;
  /** Exclusions in effect (their state is create-complete or update-complete). */
  readonly exclusions: readonly {
    readonly id: string;
    /** allow-bidirectional or allow-egress. */
    readonly mode: string;
    /** The VPC or subnet excluded, from the exclusion's ResourceArn. */
    readonly resource: string;
  }[];
}

export interface SnapVpc {
  readonly id: string;
  readonly name?: string;
  readonly ownerId: string | null;
  readonly cidrs: readonly string[];
  readonly ipv6Cidrs: readonly string[];
  /** null: DescribeVpcAttribute was denied. */
  readonly enableDnsSupport: boolean | null;
  readonly enableDnsHostnames: boolean | null;
}

export interface SnapSubnet {
  readonly id: string;
  readonly name?: string;
  readonly vpcId: string;
  readonly ownerId: string | null;
  readonly az: string;
  readonly azId: string | null;
  readonly cidr: string | null;
  readonly ipv6Cidrs: readonly string[];
  readonly mapPublicIpOnLaunch: boolean;
  readonly ipv6Native: boolean;
}

export interface SnapRoute {
  /** A CIDR (IPv4 or IPv6), or a prefix list id (`pl-...`). */
  readonly destination: string;
  /** `local`, or the target's id (`igw-`, `nat-`, `eigw-`, `i-`, `eni-`, `vpce-`, `pcx-`, `tgw-`, `vgw-`, ...). */
  readonly target: string;
  readonly state: "active" | "blackhole";
  /** CreateRouteTable, CreateRoute or EnableVgwRoutePropagation. */
  readonly origin: string | null;
}

export interface SnapRouteTable {
  readonly id: string;
  readonly name?: string;
  readonly vpcId: string;
  readonly ownerId: string | null;
  readonly main: boolean;
  readonly subnetIds: readonly string[];
  readonly routes: readonly SnapRoute[];
}

export interface SnapInternetGateway {
  readonly id: string;
  readonly name?: string;
  /** VPCs it is attached to (state `available`). */
  readonly vpcIds: readonly string[];
}

export interface SnapEgressOnlyInternetGateway {
  readonly id: string;
  readonly name?: string;
  readonly vpcIds: readonly string[];
}

export interface SnapNatAddress {
  readonly allocationId: string | null;
  readonly publicIp: string | null;
  readonly privateIp: string | null;
  /** Regional NAT gateways: the AZ the address serves. */
  readonly az: string | null;
}

export interface SnapNatGateway {
  readonly id: string;
  readonly name?: string;
  readonly vpcId: string;
  /** Zonal NAT gateways; null for a regional one. */
  readonly subnetId: string | null;
  readonly connectivity: "public" | "private";
  readonly availability: "zonal" | "regional";
  /** pending, available, failed, deleting, deleted. */
  readonly state: string;
  readonly addresses: readonly SnapNatAddress[];
}

export interface SnapAddress {
  readonly allocationId: string;
  readonly name?: string;
  readonly publicIp: string;
  readonly instanceId: string | null;
  readonly networkInterfaceId: string | null;
}

export interface SnapAclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  readonly action: "allow" | "deny";
  /** `-1` (all) or an IANA number as text, as EC2 gives it. */
  readonly protocol: string;
  readonly cidr: string;
  readonly ports: { readonly from: number; readonly to: number } | null;
}

export interface SnapNetworkAcl {
  readonly id: string;
  readonly name?: string;
  readonly vpcId: string;
  readonly isDefault: boolean;
  readonly subnetIds: readonly string[];
  readonly entries: readonly SnapAclEntry[];
}

export interface SnapSgRule {
  /** `-1`, `tcp`, `udp`, `icmp`, `icmpv6` or a number, as EC2 gives it. */
  readonly protocol: string;
  readonly fromPort: number | null;
  readonly toPort: number | null;
  /** One of: a CIDR, a security group id, a prefix list id. */
  readonly cidr?: string;
  readonly groupId?: string;
  readonly prefixListId?: string;
}

export interface SnapSecurityGroup {
  readonly id: string;
  readonly name: string;
  readonly vpcId: string | null;
  readonly ingress: readonly SnapSgRule[];
  readonly egress: readonly SnapSgRule[];
}

export interface SnapPrefixList {
  readonly id: string;
  readonly name: string;
  /** null when GetManagedPrefixListEntries was denied. */
  readonly cidrs: readonly string[] | null;
}

export interface SnapVpcEndpoint {
  readonly id: string;
  readonly name?: string;
  readonly vpcId: string;
  readonly type: string;
  readonly serviceName: string;
  readonly state: string;
  readonly privateDnsEnabled: boolean;
  readonly privateDnsInboundOnly: boolean;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly routeTableIds: readonly string[];
  /** The policy differs from the default allow-all. */
  readonly customPolicy: boolean;
}

export interface SnapNetworkInterface {
  readonly id: string;
  readonly subnetId: string;
  readonly securityGroupIds: readonly string[];
  readonly sourceDestCheck: boolean;
  readonly instanceId: string | null;
  readonly publicIp: string | null;
  readonly allocationId: string | null;
}

export interface SnapInstance {
  readonly id: string;
  readonly name?: string;
  readonly subnetId: string | null;
  readonly state: string;
  readonly instanceType: string;
  readonly securityGroupIds: readonly string[];
  readonly sourceDestCheck: boolean;
  readonly publicIp: string | null;
  readonly networkInterfaceIds: readonly string[];
}

export interface SnapFunction {
  readonly name: string;
  readonly arn: string;
  readonly runtime: string | null;
  readonly handler: string | null;
  readonly timeout: number;
  readonly role: string | null;
  readonly vpcConfig: {
    readonly subnetIds: readonly string[];
    readonly securityGroupIds: readonly string[];
    readonly ipv6AllowedForDualStack: boolean;
  } | null;
  readonly capacityProviderArn: string | null;
  readonly fileSystems: readonly string[];
  /** Only the variables whose value names a resource (an ARN, a function of this scan, or a database's or proxy's endpoint, alone or as host:port), with that value. */
  readonly environmentReferences: Readonly<Record<string, string>>;
}

export interface SnapCapacityProvider {
  readonly name: string;
  readonly arn: string;
  readonly state: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

export interface SnapPolicy {
  /** `inline` (GetRolePolicy) or `managed` (GetPolicyVersion of the default version). */
  readonly kind: "inline" | "managed";
  readonly name: string;
  readonly arn: string | null;
  /** The policy document, parsed; null when it could not be read (see `unreadable`). */
  readonly document: unknown;
  readonly unreadable?: string;
}

export interface SnapRole {
  readonly name: string;
  readonly arn: string;
  readonly policies: readonly SnapPolicy[];
  /** Why the list of policies itself is incomplete (ListRolePolicies / ListAttachedRolePolicies denied). */
  readonly incomplete: readonly string[];
}

/** True when the parsed JSON is a snapshot (by its kind), whatever its version. */
export function looksLikeSnapshot(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v) && (v as { kind?: unknown }).kind === SNAPSHOT_KIND;
}

const REGION_ARRAYS = [
  "denied",
  "vpcs",
  "subnets",
  "routeTables",
  "internetGateways",
  "egressOnlyInternetGateways",
  "natGateways",
  "addresses",
  "networkAcls",
  "securityGroups",
  "prefixLists",
  "vpcEndpoints",
  "networkInterfaces",
  "instances",
  "functions",
  "capacityProviders",
  "roles",
] as const;

/**
 * Checks a parsed snapshot's envelope (kind, version, regions and their lists); throws a
 * LoadError naming the file and the first thing wrong.
 */
export function parseSnapshot(file: string, value: unknown): Snapshot {
  const bad = (message: string, hint?: string) => new LoadError("LOAD_BAD_SNAPSHOT", message, { file }, hint);
  if (!looksLikeSnapshot(value)) throw bad(`is not a lambda-egress snapshot (no "kind": "${SNAPSHOT_KIND}")`);
  const s = value as Record<string, unknown>;
  if (!READABLE_VERSIONS.includes(s.schemaVersion)) {
    throw bad(
      `is a snapshot of schemaVersion ${JSON.stringify(s.schemaVersion)}; this version reads ${READABLE_VERSIONS.join(" and ")}`,
      "scan the account again with this version of lambda-egress",
    );
  }
  if (!Array.isArray(s.regions)) throw bad("regions: expected a list");
  s.regions.forEach((r: unknown, i: number) => {
    if (typeof r !== "object" || r === null || typeof (r as { region?: unknown }).region !== "string")
      throw bad(`regions[${i}]: expected an object with a region name`);
    const bpa = (r as Record<string, unknown>).blockPublicAccess;
    if (bpa !== null && (typeof bpa !== "object" || !Array.isArray((bpa as { exclusions?: unknown }).exclusions)))
      throw bad(`regions[${i}] (${(r as { region: string }).region}).blockPublicAccess: expected null or an object with exclusions`);
    const res = (r as Record<string, unknown>).resources;
    if (res !== undefined && !Array.isArray(res))
      throw bad(`regions[${i}] (${(r as { region: string }).region}).resources: expected a list`);
    for (const k of REGION_ARRAYS) {
      if (!Array.isArray((r as Record<string, unknown>)[k]))
        throw bad(`regions[${i}] (${(r as { region: string }).region}).${k}: expected a list`);
    }
  });
  return value as Snapshot;
}

/** The snapshot as text: two-space JSON, a final newline (its lists are sorted by the scan). */
export function renderSnapshot(snapshot: Snapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}
