// The network model: network primitives only, never raw CloudFormation shapes.
// Every entity carries its origin; AWS's implicit defaults are materialised and marked
// `isDefault`; a reference that cannot be resolved is an explicit Unknown with a reason.
import type { DiagnosticCode } from "../aws/codes.ts";
import type { Severity } from "../findings/severity.ts";
import type { Cidr } from "../net/ip.ts";

export interface Location {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** The CDK construct path of the resource (`Stack/Vpc/PublicSubnet1/NATGateway`), when the template or cloud assembly names it. */
  readonly constructPath?: string;
  /** The Terraform address of the resource instance (`module.vpc.aws_subnet.private[0]`), for an entity read from a plan or state. */
  readonly address?: string;
  /** The id AWS gave the resource (`subnet-0abc...`), when a Terraform state or plan knows it. */
  readonly physicalId?: string;
  /** The `source` of the Terraform module the resource is declared in (`./modules/vpc`, `terraform-aws-modules/vpc/aws`). */
  readonly moduleSource?: string;
  /** The resource's `Name` tag, for a deployed resource (the location is then its ARN). */
  readonly name?: string;
}

export interface Origin extends Location {
  /** `aws`: read from a deployed account (scan, snapshot); `file` is then the resource's ARN. */
  readonly source: "cloudformation" | "sam" | "terraform" | "default" | "aws";
  /** Logical id of the resource the entity comes from (or that implies it). */
  readonly logicalId?: string;
  /** Property path inside the resource, e.g. `Properties.VpcConfig`. */
  readonly path?: string;
  /** AWS creates this implicitly (main route table, default NACL, default SG egress rule). */
  readonly isDefault?: boolean;
  /** The entity exists only under a condition the template leaves open. */
  readonly conditionUnknown?: string;
}

/** Where an entity is defined, without the rest of its origin. */
export function locationOf(o: Origin): Location {
  if (o.name !== undefined) return { file: o.file, line: o.line, column: o.column, name: o.name };
  const loc: Location =
    o.constructPath === undefined
      ? { file: o.file, line: o.line, column: o.column }
      : { file: o.file, line: o.line, column: o.column, constructPath: o.constructPath };
  if (o.address === undefined) return loc;
  // A Terraform address names the place; a plan has no lines.
  return {
    file: o.file,
    ...(o.line !== undefined ? { line: o.line, column: o.column } : {}),
    address: o.address,
    ...(o.physicalId !== undefined ? { physicalId: o.physicalId } : {}),
    ...(o.moduleSource !== undefined ? { moduleSource: o.moduleSource } : {}),
  };
}

/** A value the configuration does not determine, and why. */
export interface Unknown {
  readonly unknown: true;
  readonly reason: string;
  /** The literal the configuration gave, when there was one (e.g. an existing `subnet-0abc`). */
  readonly literal?: string;
}

export function unknown(reason: string, literal?: string): Unknown {
  return literal === undefined ? { unknown: true, reason } : { unknown: true, reason, literal };
}

export function isUnknown(v: unknown): v is Unknown {
  return typeof v === "object" && v !== null && (v as { unknown?: unknown }).unknown === true;
}

/** Either the id of an entity in the model, or an id outside it / unresolvable. */
export type EntityRef = string | Unknown;

export type Protocol = number | "all"; // IANA number (6 tcp, 17 udp, 1 icmp, 58 icmpv6) or all

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

export const ALL_PORTS: PortRange = { from: 0, to: 65535 };

export interface Vpc {
  readonly kind: "vpc";
  readonly id: string;
  readonly origin: Origin;
  readonly cidrs: readonly (Cidr | Unknown)[];
  readonly enableDnsSupport: boolean;
  readonly enableDnsHostnames: boolean;
  readonly mainRouteTableId: string;
  readonly defaultNetworkAclId: string;
  readonly defaultSecurityGroupId: string;
  /**
   * The DHCP options the input associates with the VPC (not modelled: they may name other DNS servers than the
   * Amazon-provided resolver), as the input names the association; absent for AWS's default set.
   */
  readonly dhcpOptions?: string;
}

export interface Subnet {
  readonly kind: "subnet";
  readonly id: string;
  readonly origin: Origin;
  readonly vpcId: EntityRef;
  readonly az: string | Unknown;
  /** The AZ id (`use1-az1`), the same zone in every account; known for a deployed subnet. */
  readonly azId?: string;
  readonly cidr: Cidr | Unknown;
  readonly ipv6Cidrs: readonly (Cidr | Unknown)[];
  readonly mapPublicIpOnLaunch: boolean;
  /** Set when the template does not determine MapPublicIpOnLaunch (`mapPublicIpOnLaunch` is then false). */
  readonly mapPublicIpOnLaunchUnknown?: Unknown;
  /** An IPv6-only subnet (Ipv6Native): no IPv4 block. Lambda does not support these. */
  readonly ipv6Native: boolean;
  /** Explicit association, else the VPC's main route table (marked by `routeTableIsMain`). */
  readonly routeTableId: EntityRef;
  readonly routeTableIsMain: boolean;
  readonly routeTableOrigin?: Origin;
  readonly networkAclId: EntityRef;
  readonly networkAclIsDefault: boolean;
  /** The explicit network ACL association (absent for the VPC's default network ACL). */
  readonly networkAclOrigin?: Origin;
}

export type RouteTarget =
  | { readonly kind: "local" }
  | { readonly kind: "internet-gateway"; readonly id: EntityRef }
  | { readonly kind: "egress-only-internet-gateway"; readonly id: EntityRef }
  | { readonly kind: "nat-gateway"; readonly id: EntityRef }
  | { readonly kind: "instance"; readonly id: EntityRef }
  | { readonly kind: "network-interface"; readonly id: EntityRef }
  | { readonly kind: "vpc-endpoint"; readonly id: EntityRef }
  | {
      readonly kind: "vpc-peering-connection" | "transit-gateway" | "vpn-gateway" | "carrier-gateway" | "local-gateway" | "core-network";
      readonly id: EntityRef;
    }
  | { readonly kind: "none"; readonly reason: string };

export type RouteDestination =
  | { readonly kind: "cidr"; readonly cidr: Cidr }
  | { readonly kind: "prefix-list"; readonly id: EntityRef; readonly cidrs: readonly Cidr[] | Unknown }
  | { readonly kind: "unknown"; readonly reason: string };

export interface Route {
  readonly destination: RouteDestination;
  readonly target: RouteTarget;
  /** `blackhole` when the target no longer exists. */
  readonly state: "active" | "blackhole";
  readonly origin: Origin;
}

export interface RouteTable {
  readonly kind: "route-table";
  readonly id: string;
  readonly origin: Origin;
  readonly vpcId: EntityRef;
  readonly isMain: boolean;
  readonly routes: readonly Route[];
}

export interface InternetGateway {
  readonly kind: "internet-gateway";
  readonly id: string;
  readonly origin: Origin;
  /** VPC ids this gateway is attached to (at most one in AWS). */
  readonly attachedVpcIds: readonly EntityRef[];
  readonly attachmentOrigin?: Origin;
}

export interface EgressOnlyInternetGateway {
  readonly kind: "egress-only-internet-gateway";
  readonly id: string;
  readonly origin: Origin;
  readonly vpcId: EntityRef;
}

export interface ElasticIp {
  readonly kind: "elastic-ip";
  readonly id: string;
  readonly origin: Origin;
  /** The literal address when the configuration states it (a live account does; a template rarely). */
  readonly publicIp: string | null;
}

/** How a public IPv4 address is tied to a NAT gateway or instance. */
export type PublicAddress =
  | { readonly kind: "elastic-ip"; readonly eipId: string; readonly publicIp: string | null }
  | { readonly kind: "allocation"; readonly allocationId: string; readonly publicIp: string | null }
  | { readonly kind: "auto-assigned" }
  | { readonly kind: "unknown"; readonly reason: string };

export interface NatGateway {
  readonly kind: "nat-gateway";
  readonly id: string;
  readonly origin: Origin;
  readonly vpcId: EntityRef;
  readonly connectivity: "public" | "private";
  readonly availability: "zonal" | "regional";
  /** Zonal NAT gateways live in a subnet; regional ones do not. */
  readonly subnetId: EntityRef | null;
  readonly addresses: readonly PublicAddress[];
  /** Regional, manual mode: the AZs given addresses. `auto` when AWS expands it by itself. */
  readonly regionalAzs: readonly (string | Unknown)[] | "auto";
}

export interface SecurityGroupRule {
  readonly protocol: Protocol | Unknown;
  readonly ports: PortRange | Unknown;
  readonly peer:
    | { readonly kind: "cidr"; readonly cidr: Cidr }
    | { readonly kind: "security-group"; readonly id: EntityRef }
    | { readonly kind: "prefix-list"; readonly id: EntityRef }
    | { readonly kind: "unknown"; readonly reason: string };
  readonly origin: Origin;
}

export interface SecurityGroup {
  readonly kind: "security-group";
  readonly id: string;
  readonly origin: Origin;
  readonly vpcId: EntityRef | null;
  readonly ingress: readonly SecurityGroupRule[];
  readonly egress: readonly SecurityGroupRule[];
}

export interface NetworkAclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  readonly action: "allow" | "deny";
  readonly protocol: Protocol | Unknown;
  readonly ports: PortRange | Unknown;
  readonly cidr: Cidr | Unknown;
  readonly origin: Origin;
}

export interface NetworkAcl {
  readonly kind: "network-acl";
  readonly id: string;
  readonly origin: Origin;
  readonly vpcId: EntityRef;
  readonly isDefault: boolean;
  readonly entries: readonly NetworkAclEntry[];
}

export interface Instance {
  readonly kind: "instance";
  readonly id: string;
  readonly origin: Origin;
  readonly subnetId: EntityRef;
  readonly securityGroupIds: readonly EntityRef[];
  readonly sourceDestCheck: boolean | Unknown;
  readonly publicAddress: PublicAddress | null;
  /** Network interfaces (logical ids) that belong to the instance. */
  readonly networkInterfaceIds: readonly string[];
  /** `InstanceType` (CloudFormation's default when absent), Unknown when the template leaves it open; absent when the loader does not read it. */
  readonly instanceType?: string | Unknown;
  /** The EBS volumes `BlockDeviceMappings` gives (the AMI's own root volume is not among them unless a mapping names its device). */
  readonly volumes?: readonly InstanceVolume[];
}

/** An EBS volume of an instance's block device mappings. */
export interface InstanceVolume {
  readonly device: string | Unknown;
  readonly sizeGb: number | Unknown;
  readonly type: string | Unknown;
}

export interface NetworkInterface {
  readonly kind: "network-interface";
  readonly id: string;
  readonly origin: Origin;
  readonly subnetId: EntityRef;
  readonly securityGroupIds: readonly EntityRef[];
  readonly sourceDestCheck: boolean | Unknown;
  readonly instanceId: string | null;
  readonly publicAddress: PublicAddress | null;
}

export interface PrefixList {
  readonly kind: "prefix-list";
  readonly id: string;
  readonly origin: Origin;
  readonly cidrs: readonly Cidr[];
}

/** An AWS::EC2::VPCEndpoint: an interface endpoint (ENIs in subnets) or a gateway endpoint (route-table entries). */
export interface VpcEndpoint {
  readonly kind: "vpc-endpoint";
  readonly id: string;
  readonly origin: Origin;
  readonly vpcId: EntityRef;
  readonly type: "Interface" | "Gateway" | "GatewayLoadBalancer" | "Resource" | "ServiceNetwork" | Unknown;
  /** The full service name, e.g. `com.amazonaws.us-east-1.dynamodb`. */
  readonly serviceName: string | Unknown;
  /** The AWS service it serves (`dynamodb`, `s3`, `logs`, ...), or null for a service that is not AWS's own. */
  readonly service: string | null | Unknown;
  /** Interface endpoints: whether the service's regional name resolves to the endpoint inside the VPC. */
  readonly privateDnsEnabled: boolean | Unknown;
  /**
   * S3/DynamoDB interface endpoints: `DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint:
   * OnlyInboundResolver`, where private DNS answers only queries from on-premises (through an
   * inbound Resolver endpoint) and the VPC's own clients keep the public name (and the gateway endpoint).
   */
  readonly privateDnsInboundOnly: boolean;
  /** Interface endpoints: one ENI per subnet. */
  readonly subnetIds: readonly EntityRef[] | Unknown;
  /** Interface endpoints: the ENIs' security groups (none given: the VPC's default group). */
  readonly securityGroupIds: readonly EntityRef[] | Unknown;
  /** Gateway endpoints: the route tables that get the prefix-list route. */
  readonly routeTableIds: readonly EntityRef[] | Unknown;
  /** A policy other than the default allow-all was given. */
  readonly hasCustomPolicy: boolean;
}

/**
 * A string value as the template shows it, with the parts it does not determine spelled as
 * tokens: `${AWS::Partition}`, `${AWS::Region}`, `${AWS::AccountId}` (pseudo parameters),
 * `${X}` for the generated name of Lambda function X (a literal `FunctionName` is written out),
 * `${X}` / `${X.Attr}` for the value of another resource X (Ref / Fn::GetAtt), and `${?}` for
 * anything else the template leaves open. A function's ARN reads
 * `arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:<name>`.
 */
export type SymbolicString = string;

export interface PolicyStatement {
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[] | Unknown;
  readonly notActions?: readonly string[];
  /**
   * The `Resource` patterns as symbolic strings (see {@link SymbolicString}); Unknown when the
   * statement uses `NotResource` or its resources are not determined.
   */
  readonly resources: readonly string[] | Unknown;
  readonly hasCondition: boolean;
  readonly conditionKeys: readonly string[];
  readonly origin: Origin;
  /**
   * The named policy the statement comes from, where the input names one rather than writing the statement out: a SAM
   * policy template (`LambdaInvokePolicy`) or an AWS managed policy whose statements we know.
   */
  readonly policy?: { readonly kind: "sam-policy-template" | "aws-managed-policy"; readonly name: string };
}

export interface Role {
  readonly kind: "role";
  readonly id: string;
  readonly origin: Origin;
  /** Statements the template shows for this role, from every source. */
  readonly statements: readonly PolicyStatement[];
  /** Managed policy ARNs we do not know the contents of. */
  readonly unknownPolicies: readonly string[];
  /** Separate policy resources (AWS::IAM::Policy / ManagedPolicy) that attach to this role. */
  readonly attachedPolicyResources: readonly string[];
  /** Created by SAM for a function (the `<Function>Role` convention). */
  readonly generatedBySam?: string;
}

export interface VpcConfig {
  readonly subnetIds: readonly EntityRef[] | Unknown;
  readonly securityGroupIds: readonly EntityRef[] | Unknown;
  readonly ipv6AllowedForDualStack: boolean | Unknown;
  readonly origin: Origin;
}

export interface LambdaFunction {
  readonly kind: "function";
  readonly id: string;
  readonly origin: Origin;
  readonly name: string | null;
  readonly vpcConfig: VpcConfig | null;
  readonly roleId: EntityRef | null;
  /** Lambda Managed Instances: the capacity provider whose VpcConfig the function runs in. */
  readonly capacityProviderId: EntityRef | null;
  /** `Environment.Variables`, as symbolic strings (absent when the loader does not read them). */
  readonly environment?: Readonly<Record<string, SymbolicString>>;
  /** What `emulate --invoke` runs (absent when the loader does not read it). */
  readonly code?: FunctionCode;
  /** Where `Environment` is written (absent when the loader does not read it). */
  readonly environmentOrigin?: Origin;
  /** The kinds of event source whose pollers read for the function with its role (`sqs`, `kinesis`, `dynamodb`, `kafka`, `mq`, `docdb`). */
  readonly eventSources?: readonly string[];
  /** `KmsKeyArn` is set: Lambda decrypts the environment with the role's kms:Decrypt. */
  readonly environmentKms?: boolean;
  /** Where Lambda sends its asynchronous invocations' records: DLQ and destination ARNs, as symbolic strings. */
  readonly asyncTargets?: readonly SymbolicString[];
  /** `FileSystemConfigs`: the EFS file systems the function mounts (absent when the loader does not read them). */
  readonly fileSystems?: readonly FunctionFileSystem[];
}

/** One entry of a function's `FileSystemConfigs`: the access point it names, and that access point's file system. */
export interface FunctionFileSystem {
  /** The file system (a `resource` of the model), or why it is not known. */
  readonly fileSystem: EntityRef;
  /** The access point the entry names (its logical id), when the template defines it. */
  readonly accessPoint: string | null;
  readonly origin: Origin;
}

/** A function's runtime, handler, timeout and code, as the template gives them. */
export interface FunctionCode {
  readonly runtime: string | null;
  readonly handler: string | null;
  /** Seconds (Lambda's default: 3). */
  readonly timeoutSeconds: number;
  /** Inline source (`Code.ZipFile`, SAM `InlineCode`), a local path (SAM `CodeUri`, or `Code` as a path before packaging), or why neither. */
  readonly source: { readonly inline: string } | { readonly path: string } | Unknown;
  /** `MemorySize` in MB, when the template gives a number (Lambda's default: 128). */
  readonly memorySizeMb?: number;
  /** `PackageType` (`Zip`, Lambda's default, or `Image`), when the template gives it. */
  readonly packageType?: string;
}

/**
 * Lambda Managed Instances: a capacity provider launches EC2 instances in the subnets of its
 * VpcConfig, with its security groups; the functions bound to it run on those instances.
 */
export interface CapacityProvider {
  readonly kind: "capacity-provider";
  readonly id: string;
  readonly origin: Origin;
  readonly name: string | null;
  /** Unknown when the template gives no readable VpcConfig. */
  readonly vpcConfig: VpcConfig | Unknown;
}

/** VPC Block Public Access modes (AWS::EC2::VPCBlockPublicAccessOptions InternetGatewayBlockMode). */
export type BlockPublicAccessMode = "off" | "block-bidirectional" | "block-ingress";
/** VPC Block Public Access exclusion modes (InternetGatewayExclusionMode). */
export type BlockPublicAccessExclusionMode = "allow-bidirectional" | "allow-egress";

/** VPC Block Public Access for the account and region the template is deployed to. */
export interface BlockPublicAccessOptions {
  readonly kind: "block-public-access-options";
  readonly id: string;
  readonly origin: Origin;
  readonly mode: BlockPublicAccessMode | Unknown;
}

/** Exempts one VPC or one subnet from VPC Block Public Access. */
export interface BlockPublicAccessExclusion {
  readonly kind: "block-public-access-exclusion";
  readonly id: string;
  readonly origin: Origin;
  readonly scope: { readonly kind: "vpc" | "subnet"; readonly id: EntityRef } | Unknown;
  readonly mode: BlockPublicAccessExclusionMode | Unknown;
}

/**
 * A resource of a VPC that a function may be wired to: a database, a cache, a search domain, a
 * Kafka cluster, a file system. Its network interfaces lie in some of its subnets, behind its
 * security groups, listening on its port.
 */
export interface VpcResource {
  readonly kind: "resource";
  readonly id: string;
  readonly origin: Origin;
  /** The CloudFormation type (or the Terraform resource type) it was read from. */
  readonly type: string;
  /** What it is, in the user's words: `PostgreSQL DB instance`, `EFS file system`. */
  readonly what: string;
  /** The port it listens on, and where that port comes from (`Port`, the engine's default). */
  readonly port: number | Unknown;
  readonly portWhy: string;
  /** The subnets its network interfaces may be in (any of them: which one is AWS's choice). Empty for a file system: see mountTargets. */
  readonly subnetIds: readonly EntityRef[] | Unknown;
  /** Its security groups; empty: the VPC's default group. */
  readonly securityGroupIds: readonly EntityRef[] | Unknown;
  /** EFS: its mount targets, at most one per AZ (a client uses the one in its own AZ). */
  readonly mountTargets?: readonly MountTarget[];
}

/** An EFS mount target: the file system's interface in one subnet (and so one AZ). */
export interface MountTarget {
  readonly id: string;
  readonly origin: Origin;
  readonly subnetId: EntityRef;
  readonly securityGroupIds: readonly EntityRef[] | Unknown;
}

export type Entity =
  | VpcResource
  | Vpc
  | Subnet
  | RouteTable
  | InternetGateway
  | EgressOnlyInternetGateway
  | ElasticIp
  | NatGateway
  | SecurityGroup
  | NetworkAcl
  | Instance
  | NetworkInterface
  | PrefixList
  | VpcEndpoint
  | Role
  | LambdaFunction
  | CapacityProvider
  | BlockPublicAccessOptions
  | BlockPublicAccessExclusion;

export type EntityKind = Entity["kind"];

/** error, warning or info: their order is defined once, in findings/severity.ts. */
export type { Severity };

export interface Diagnostic {
  /** One of DIAGNOSTIC_CODES (`lambda-egress explain CODE` explains it). */
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  readonly location: Location;
  readonly resource?: string;
  /** How to fix it, when the diagnostic says the template is wrong. */
  readonly fix?: string;
}
