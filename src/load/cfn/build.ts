// CloudFormation resources (after SAM expansion) -> network model entities.
// Never throws on one bad resource: it records a diagnostic and goes on.
import { localRoutes, vpcDefaults } from "../implicit.ts";
import { didYouMean } from "../../aws/service-catalogue.ts";
import {
  awsManagedPolicyName,
  awsServiceOfEndpoint,
  unknownAwsServiceOfEndpoint,
  DEFAULT_INSTANCE_TYPE,
  lambdaFunctionArn,
  MANAGED_POLICY_ACTIONS,
} from "../../aws/facts.ts";
import type {
  InstanceVolume,
  Diagnostic,
  Entity,
  EntityRef,
  InternetGateway,
  FunctionCode,
  FunctionFileSystem,
  LambdaFunction,
  NatGateway,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  Origin,
  PolicyStatement,
  PortRange,
  PrefixList,
  Protocol,
  PublicAddress,
  Role,
  SymbolicString,
  Route,
  RouteTable,
  RouteTarget,
  SecurityGroup,
  SecurityGroupRule,
  Severity,
  Subnet,
  Unknown,
  Vpc,
  VpcConfig,
  VpcEndpoint,
} from "../../model/types.ts";
import { ALL_PORTS, isUnknown, unknown } from "../../model/types.ts";
import type { Cidr } from "../../net/ip.ts";
import { mustParseCidr, parseCidr } from "../../net/ip.ts";
import type { RawResource, Resolver, Value } from "./intrinsics.ts";
import { isIntrinsicCall, isPlainObject, isResourceRef } from "./intrinsics.ts";
import type { Pos } from "./parse.ts";
import { blockPublicAccessExclusion, blockPublicAccessOptions } from "./block-public-access.ts";
import { capacityProvider } from "./capacity-provider.ts";
import type { LoaderKit } from "./kit.ts";
import { eventSourceKind } from "../../aws/role-services.ts";
import { EFS_ATTACHMENT_TYPES, SUBNET_GROUP_TYPES, VPC_RESOURCE_TYPES, VpcResourceReader } from "./vpc-resources.ts";
import type { Problem } from "./validate.ts";
import { checkModel, checkProperties } from "./validate.ts";

type Props = Record<string, Value>;

/** Ids of the implicit entities AWS creates with a VPC. */
/** The ids of a VPC's implicit main route table, default network ACL and default security group. */
export function defaultIdsOf(vpcId: string) {
  return {
    mainRouteTable: implicitIds.mainRouteTable(vpcId),
    defaultNetworkAcl: implicitIds.defaultNetworkAcl(vpcId),
    defaultSecurityGroup: implicitIds.defaultSecurityGroup(vpcId),
  };
}

export const implicitIds = {
  mainRouteTable: (vpc: string) => `${vpc}.MainRouteTable`,
  defaultNetworkAcl: (vpc: string) => `${vpc}.DefaultNetworkAcl`,
  defaultSecurityGroup: (vpc: string) => `${vpc}.DefaultSecurityGroup`,
};

/** The SymbolicString token for a part the template does not determine. */
const UNDETERMINED = "${?}";

/** A raw template mapping that is not an intrinsic function call. */
function isRawObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v) && !isIntrinsicCall(v);
}

/** Resource types outside the model that can change what a function reaches. */
const NETWORK_TYPES_NOT_MODELLED =
  /^AWS::EC2::(TransitGateway\w*|VPCPeeringConnection|VPNGateway|VPNGatewayRoutePropagation|VPNConnection\w*|CarrierGateway|LocalGateway\w*|GatewayRouteTableAssociation|DHCPOptions|VPCDHCPOptionsAssociation|VPCEndpointService)$|^AWS::NetworkFirewall::|^AWS::CloudFormation::Stack$|^AWS::Serverless::Application$/;

/** The resource types the model reads (others are skipped, some with an info diagnostic). */
export const HANDLED: ReadonlySet<string> = new Set([
  "AWS::EC2::VPC",
  "AWS::EC2::VPCCidrBlock",
  "AWS::EC2::Subnet",
  "AWS::EC2::RouteTable",
  "AWS::EC2::Route",
  "AWS::EC2::SubnetRouteTableAssociation",
  "AWS::EC2::InternetGateway",
  "AWS::EC2::VPCGatewayAttachment",
  "AWS::EC2::EgressOnlyInternetGateway",
  "AWS::EC2::EIP",
  "AWS::EC2::EIPAssociation",
  "AWS::EC2::NatGateway",
  "AWS::EC2::SecurityGroup",
  "AWS::EC2::SecurityGroupIngress",
  "AWS::EC2::SecurityGroupEgress",
  "AWS::EC2::NetworkAcl",
  "AWS::EC2::NetworkAclEntry",
  "AWS::EC2::SubnetNetworkAclAssociation",
  "AWS::EC2::Instance",
  "AWS::EC2::NetworkInterface",
  "AWS::EC2::NetworkInterfaceAttachment",
  "AWS::EC2::PrefixList",
  "AWS::EC2::VPCEndpoint",
  "AWS::Lambda::Function",
  "AWS::IAM::Role",
  "AWS::IAM::Policy",
  "AWS::IAM::ManagedPolicy",
  "AWS::IAM::RolePolicy",
  // Through the loaders of capacity-provider.ts and block-public-access.ts.
  "AWS::Lambda::CapacityProvider",
  "AWS::EC2::VPCBlockPublicAccessOptions",
  "AWS::EC2::VPCBlockPublicAccessExclusion",
  // Through vpc-resources.ts: what a function may be wired to.
  ...SUBNET_GROUP_TYPES,
  ...VPC_RESOURCE_TYPES,
  ...EFS_ATTACHMENT_TYPES,
]);
const ENDPOINT_TYPES = new Set(["Interface", "Gateway", "GatewayLoadBalancer", "Resource", "ServiceNetwork"]);

/**
 * The default endpoint policy, allow everything to everyone, or its equivalent for the
 * endpoint's service (`s3:*` on an S3 endpoint), written in any statement form.
 */
function isDefaultEndpointPolicy(policy: Value, service: string | null | Unknown): boolean {
  if (!isPlainObject(policy)) return false;
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return statements.every((st) => {
    if (!isPlainObject(st) || st.Effect !== "Allow" || st.Condition !== undefined) return false;
    const all = (v: Value | undefined, also?: string) =>
      v === "*" || v === also || (Array.isArray(v) && v.length === 1 && (v[0] === "*" || v[0] === also));
    const principal = st.Principal;
    const anyone = all(principal) || (isPlainObject(principal) && all(principal.AWS));
    const everyAction = all(st.Action, typeof service === "string" ? `${service}:*` : undefined);
    return anyone && everyAction && all(st.Resource ?? "*");
  });
}

/** Lambda's default timeout, in seconds. */
const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;

/** Runtime, handler, timeout and code of a function (resolved properties; SAM's InlineCode and CodeUri too). */
function functionCode(p: Props): FunctionCode {
  const code = p.Code;
  const inline =
    isPlainObject(code) && typeof code.ZipFile === "string" ? code.ZipFile : typeof p.InlineCode === "string" ? p.InlineCode : null;
  const path = typeof p.CodeUri === "string" ? p.CodeUri : typeof code === "string" ? code : null;
  const timeout = Number(p.Timeout ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS);
  const memory = Number(p.MemorySize);
  return {
    ...(Number.isInteger(memory) && memory > 0 ? { memorySizeMb: memory } : {}),
    ...(typeof p.PackageType === "string" ? { packageType: p.PackageType } : {}),
    runtime: typeof p.Runtime === "string" ? p.Runtime : null,
    handler: typeof p.Handler === "string" ? p.Handler : null,
    timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : LAMBDA_DEFAULT_TIMEOUT_SECONDS,
    source:
      inline !== null
        ? { inline }
        : path !== null
          ? { path }
          : unknown(
              code === undefined && p.CodeUri === undefined
                ? "the function has no code in the template"
                : "the code is in S3 or an image, not in the template",
            ),
  };
}

const PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };
const ANY_IPV4 = mustParseCidr("0.0.0.0/0");
const ANY_IPV6 = mustParseCidr("::/0");

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface BuildOutput {
  readonly entities: Entity[];
  readonly diagnostics: Diagnostic[];
}

export class ModelBuilder {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly props = new Map<string, Props>();
  /** Source and condition of the resources that are SAM or conditional; the others are plain CloudFormation. */
  private readonly origins = new Map<string, Origin>();
  private readonly types = new Map<string, string>();

  private readonly vpcs = new Map<string, Mutable<Vpc> & { cidrs: (Cidr | Unknown)[] }>();
  private readonly subnets = new Map<string, Mutable<Subnet>>();
  private readonly routeTables = new Map<string, RouteTable & { routes: Route[] }>();
  private readonly igws = new Map<string, Mutable<InternetGateway> & { attachedVpcIds: EntityRef[] }>();
  private readonly nats = new Map<string, Mutable<NatGateway>>();
  private readonly sgs = new Map<string, SecurityGroup & { ingress: SecurityGroupRule[]; egress: SecurityGroupRule[] }>();
  private readonly nacls = new Map<string, NetworkAcl & { entries: NetworkAclEntry[] }>();
  private readonly enis = new Map<string, Mutable<NetworkInterface>>();
  private readonly roles = new Map<
    string,
    Role & { statements: PolicyStatement[]; unknownPolicies: string[]; attachedPolicyResources: string[] }
  >();
  private readonly others: Entity[] = [];
  /** AWS::EC2::VPCDHCPOptionsAssociation resources (see Vpc.dhcpOptions). */
  private readonly dhcpAssociations: string[] = [];
  private readonly instanceEips = new Map<string, PublicAddress>();
  private readonly eniEips = new Map<string, PublicAddress>();

  private readonly resolver: Resolver;
  private readonly resources: Readonly<Record<string, RawResource>>;
  private readonly samGenerated: ReadonlyMap<string, string>;

  private readonly constructPaths: Readonly<Record<string, string>>;

  constructor(
    resolver: Resolver,
    resources: Readonly<Record<string, RawResource>>,
    samGenerated: ReadonlyMap<string, string>,
    constructPaths: Readonly<Record<string, string>> = {},
  ) {
    this.resolver = resolver;
    this.resources = resources;
    this.samGenerated = samGenerated;
    this.constructPaths = constructPaths;
  }

  /**
   * The CDK construct path of a resource: its `Metadata: { "aws:cdk:path": ... }`, else what the
   * cloud assembly's manifest maps its logical id to. Resources SAM generates take their owner's.
   */
  private constructPath(id: string): string | undefined {
    // A few lookups, no cache: a cache of every resource's answer cost more than the lookups on large templates.
    const owner = this.samGenerated.get(id) ?? id;
    const meta = this.resources[owner]?.Metadata;
    const fromMeta = meta !== undefined && isPlainObject(meta) ? meta["aws:cdk:path"] : undefined;
    if (typeof fromMeta === "string" && fromMeta !== "") return fromMeta;
    return Object.hasOwn(this.constructPaths, owner) ? this.constructPaths[owner] : undefined;
  }

  private report(code: string, severity: Severity, message: string, id: string, key?: string, fix?: string): void {
    this.diagnostics.push(this.diagnostic(code, severity, message, id, key, fix));
  }

  private diagnostic(code: string, severity: Severity, message: string, id: string, key?: string, fix?: string, at?: Pos): Diagnostic {
    const pos = at ?? this.keyPos(id, key);
    const constructPath = this.constructPath(id);
    return {
      code,
      severity,
      message,
      location: { file: this.resolver.parsed.file, line: pos?.line, column: pos?.column, ...(constructPath ? { constructPath } : {}) },
      resource: id,
      ...(fix ? { fix } : {}),
    };
  }

  /** Error diagnostics for problems that make AWS reject the template (validate.ts), at the value, key or resource they name. */
  diagnose(problems: readonly Problem[]): Diagnostic[] {
    return problems.map((p) => {
      const o = p.origin;
      const found = p.at ? this.resolver.positionOf(p.at) : undefined;
      const at = o?.line !== undefined ? { line: o.line, column: o.column ?? 1 } : (found?.keys.get("Fn::GetAtt") ?? found);
      return this.diagnostic(p.code, "error", p.message, p.resource, p.key, p.fix, at);
    });
  }

  private keyPos(id: string, key?: string): Pos | undefined {
    const owner = this.samGenerated.get(id) ?? id;
    const positions = this.resolver.parsed.positions;
    const keyPos = key ? positions.properties(owner)?.keys.get(key) : undefined;
    return keyPos ?? positions.resource(owner);
  }

  private origin(id: string, key?: string, extra?: Partial<Origin>): Origin {
    const base = this.origins.get(id);
    const pos = this.keyPos(id, key);
    const constructPath = this.constructPath(id);
    // Built key by key (the keys in this order), not from spreads of small objects: every entity of a template has one.
    const o: { -readonly [K in keyof Origin]: Origin[K] } = {
      source: base?.source ?? "cloudformation",
      file: this.resolver.parsed.file,
      line: pos?.line,
      column: pos?.column,
    };
    if (constructPath) o.constructPath = constructPath;
    o.logicalId = id;
    if (key) o.path = `Properties.${key}`;
    if (base?.conditionUnknown) o.conditionUnknown = base.conditionUnknown;
    return extra ? Object.assign(o, extra) : o;
  }

  build(): BuildOutput {
    // Pass 1: resolve properties of every created resource.
    for (const id in this.resources) {
      const res = this.resources[id];
      if (!res || typeof res !== "object" || typeof res.Type !== "string") {
        this.report("LOAD_INVALID_RESOURCE", "error", `resource ${id} has no Type`, id);
        continue;
      }
      const exists = this.resolver.resourceCondition(id);
      if (exists === false) continue;
      const type = res.Type;
      const isSam = (res as { SamType?: string }).SamType !== undefined || this.samGenerated.has(id);
      // Only what differs from a plain CloudFormation resource is kept (see origin()).
      if (isSam || isUnknown(exists)) {
        this.origins.set(id, {
          source: isSam ? "sam" : "cloudformation",
          file: this.resolver.parsed.file,
          logicalId: id,
          ...(isUnknown(exists) ? { conditionUnknown: `condition ${String(res.Condition)}: ${exists.reason}` } : {}),
        });
      }
      if (!HANDLED.has(type)) {
        if (NETWORK_TYPES_NOT_MODELLED.test(type)) {
          this.report(
            "LOAD_UNSUPPORTED_RESOURCE",
            "info",
            `${type} is not part of the network model yet; verdicts do not account for ${id}`,
            id,
          );
          if (type === "AWS::EC2::VPCDHCPOptionsAssociation") this.dhcpAssociations.push(id);
        }
        continue;
      }
      this.types.set(id, type);
      const resolved = this.resolver.resolve(res.Properties ?? {}, this.resolver.whereResource(id, this.samGenerated.get(id) ?? id));
      const props = isPlainObject(resolved) ? resolved : {};
      this.props.set(id, props);
      this.diagnostics.push(...this.diagnose(checkProperties(id, type, props)));
    }
    // Pass 2: primary entities, then the resources that attach to them.
    const order: [string, (id: string, p: Props) => void][] = [
      ["AWS::EC2::VPC", this.vpc],
      ["AWS::EC2::VPCCidrBlock", this.vpcCidrBlock],
      ["AWS::EC2::Subnet", this.subnet],
      ["AWS::EC2::RouteTable", this.routeTable],
      ["AWS::EC2::InternetGateway", this.internetGateway],
      ["AWS::EC2::VPCGatewayAttachment", this.gatewayAttachment],
      ["AWS::EC2::EgressOnlyInternetGateway", this.egressOnlyGateway],
      ["AWS::EC2::EIP", this.eip],
      ["AWS::EC2::EIPAssociation", this.eipAssociation],
      ["AWS::EC2::NatGateway", this.natGateway],
      ["AWS::EC2::SecurityGroup", this.securityGroup],
      ["AWS::EC2::SecurityGroupIngress", this.securityGroupRule],
      ["AWS::EC2::SecurityGroupEgress", this.securityGroupRule],
      ["AWS::EC2::NetworkAcl", this.networkAcl],
      ["AWS::EC2::NetworkAclEntry", this.networkAclEntry],
      ["AWS::EC2::NetworkInterface", this.networkInterface],
      ["AWS::EC2::Instance", this.instance],
      ["AWS::EC2::NetworkInterfaceAttachment", this.networkInterfaceAttachment],
      ["AWS::EC2::PrefixList", this.prefixList],
      ["AWS::EC2::VPCEndpoint", this.vpcEndpoint],
      ["AWS::EC2::Route", this.route],
      ["AWS::EC2::SubnetRouteTableAssociation", this.routeTableAssociation],
      ["AWS::EC2::SubnetNetworkAclAssociation", this.networkAclAssociation],
      ["AWS::IAM::Role", this.role],
      ["AWS::IAM::Policy", this.policy],
      ["AWS::IAM::RolePolicy", this.policy],
      ["AWS::IAM::ManagedPolicy", this.policy],
      // What functions may be wired to: subnet groups first, then the resources naming them, then EFS mount targets and access points.
      ...[...SUBNET_GROUP_TYPES].map((t): [string, (id: string, p: Props) => void] => [t, this.subnetGroup]),
      ...[...VPC_RESOURCE_TYPES].map((t): [string, (id: string, p: Props) => void] => [t, this.vpcResource]),
      ...[...EFS_ATTACHMENT_TYPES].map((t): [string, (id: string, p: Props) => void] => [t, this.efsAttachment]),
      ["AWS::Lambda::Function", this.lambdaFunction],
      // Lambda Managed Instances and VPC Block Public Access.
      ["AWS::Lambda::CapacityProvider", this.capacityProvider],
      ["AWS::EC2::VPCBlockPublicAccessOptions", this.blockPublicAccessOptions],
      ["AWS::EC2::VPCBlockPublicAccessExclusion", this.blockPublicAccessExclusion],
    ];
    const byType = new Map<string, string[]>();
    for (const [id, t] of this.types) {
      const list = byType.get(t);
      if (list) list.push(id);
      else byType.set(t, [id]);
    }
    for (const [type, handler] of order) {
      for (const id of byType.get(type) ?? []) {
        try {
          handler.call(this, id, this.props.get(id) ?? {});
        } catch (e) {
          this.report("LOAD_INTERNAL", "error", `could not model ${id}: ${(e as Error).message}`, id);
        }
      }
    }
    this.finish();
    const entities: Entity[] = [
      ...this.vpcResources.finish(),
      ...this.vpcs.values(),
      ...this.subnets.values(),
      ...this.routeTables.values(),
      ...this.igws.values(),
      ...this.nats.values(),
      ...this.sgs.values(),
      ...this.nacls.values(),
      ...this.enis.values(),
      ...this.roles.values(),
      ...this.others,
    ];
    this.diagnostics.push(...this.diagnose(checkModel(entities)));
    return { entities, diagnostics: [...this.resolver.diagnostics, ...this.diagnostics] };
  }

  // ---- value helpers -------------------------------------------------------------------------

  /** A reference to another resource (Ref / GetAtt / literal id). */
  private ref(v: Value | undefined, what: string): EntityRef | null {
    if (v === undefined || v === null) return null;
    if (isResourceRef(v)) return v.$attr && !/^(GroupId|Id|AllocationId|Arn)$/.test(v.$attr) ? `${v.$ref}.${v.$attr}` : v.$ref;
    if (isUnknown(v)) return v;
    if (typeof v === "string") return unknown(`${what} ${v} is not defined in this template`, v);
    return unknown(`${what} is not a reference`);
  }

  private refList(v: Value | undefined, what: string): EntityRef[] | Unknown {
    if (v === undefined || v === null) return [];
    if (isUnknown(v)) return v;
    if (!Array.isArray(v)) return [this.ref(v, what) ?? unknown(`${what} is empty`)];
    return (v as Value[]).map((x) => this.ref(x, what) ?? unknown(`${what} is empty`));
  }

  private bool(v: Value | undefined, dflt: boolean): boolean | Unknown {
    if (v === undefined || v === null) return dflt;
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    if (isUnknown(v)) return v;
    return unknown("not a boolean");
  }

  private cidr(id: string, key: string, v: Value | undefined): Cidr | Unknown | null {
    if (v === undefined || v === null) return null;
    if (isUnknown(v)) return v;
    if (typeof v !== "string") return unknown(`${key} is known only at deploy time`);
    const p = parseCidr(v);
    if (!p) {
      this.report("LOAD_INVALID_VALUE", "error", `${key} ${JSON.stringify(v)} is not a CIDR block`, id, key);
      return unknown(`invalid CIDR ${v}`);
    }
    if (!v.includes("/")) {
      const bits = p.cidr.family === 4 ? 32 : 128;
      this.report(
        "LOAD_INVALID_VALUE",
        "error",
        `CIDR block ${JSON.stringify(v)} (${key} of ${id}) has no prefix length; AWS rejects a CIDR block without one`,
        id,
        key,
        `write ${v.trim()}/${bits} for the one address, or the block's prefix length`,
      );
      return unknown(`${key} ${v} has no prefix length`);
    }
    if (p.hostBitsSet) {
      this.report("LOAD_INVALID_VALUE", "warning", `${key} ${v} has host bits set; AWS rejects it (did you mean ${p.cidr.text}?)`, id, key);
    }
    return p.cidr;
  }

  private protocol(v: Value | undefined): Protocol | Unknown {
    if (v === undefined || v === null) return unknown("no protocol");
    if (isUnknown(v)) return v;
    const s = String(v).toLowerCase();
    if (s === "-1" || s === "all") return "all";
    if (s in PROTOCOLS) return PROTOCOLS[s] as number;
    const n = Number(s);
    return Number.isInteger(n) ? n : unknown(`unknown protocol ${s}`);
  }

  private ports(protocol: Protocol | Unknown, from: Value | undefined, to: Value | undefined): PortRange | Unknown {
    if (protocol !== 6 && protocol !== 17) return ALL_PORTS;
    if (isUnknown(from)) return from;
    if (isUnknown(to)) return to;
    const f = Number(from ?? 0);
    const t = Number(to ?? from ?? 65535);
    if (!Number.isInteger(f) || !Number.isInteger(t)) return unknown("ports known only at deploy time");
    if (f === -1 || t === -1) return ALL_PORTS;
    return { from: Math.max(0, f), to: Math.min(65535, t) };
  }

  private publicAddressFromAllocation(v: Value | undefined, what: string): PublicAddress | null {
    if (v === undefined || v === null) return null;
    if (isResourceRef(v)) return { kind: "elastic-ip", eipId: v.$ref, publicIp: null };
    if (typeof v === "string") return { kind: "allocation", allocationId: v, publicIp: null };
    if (isUnknown(v)) return { kind: "unknown", reason: `${what}: ${v.reason}` };
    return { kind: "unknown", reason: `${what} is not an allocation id` };
  }

  // ---- handlers -----------------------------------------------------------------------------

  private vpc(id: string, p: Props): void {
    const cidr =
      p.Ipv4IpamPoolId !== undefined && p.CidrBlock === undefined
        ? unknown("allocated from an IPAM pool at deploy time")
        : (this.cidr(id, "CidrBlock", p.CidrBlock) ?? unknown("the VPC has no CidrBlock"));
    const enableDnsSupport = this.bool(p.EnableDnsSupport, true);
    const enableDnsHostnames = this.bool(p.EnableDnsHostnames, false);
    this.vpcs.set(id, {
      kind: "vpc",
      id,
      origin: this.origin(id),
      cidrs: [cidr],
      enableDnsSupport: enableDnsSupport === true,
      enableDnsHostnames: enableDnsHostnames === true,
      mainRouteTableId: implicitIds.mainRouteTable(id),
      defaultNetworkAclId: implicitIds.defaultNetworkAcl(id),
      defaultSecurityGroupId: implicitIds.defaultSecurityGroup(id),
    });
    const dflt = this.origin(id, undefined, { source: "default", isDefault: true });
    const d = vpcDefaults(id, defaultIdsOf(id), dflt, false);
    this.routeTables.set(d.routeTable.id, d.routeTable);
    this.nacls.set(d.networkAcl.id, d.networkAcl);
    this.sgs.set(d.securityGroup.id, d.securityGroup);
  }

  private vpcCidrBlock(id: string, p: Props): void {
    const vpc = this.vpcs.get(String(this.ref(p.VpcId, "VpcId")));
    if (!vpc) return;
    if (p.CidrBlock === undefined && p.Ipv4IpamPoolId === undefined) {
      // An IPv6 block: AWS adds "allow all IPv6 out" to the VPC's default security group
      // (its default network ACL already carries the IPv6 entries).
      const sg = this.sgs.get(vpc.defaultSecurityGroupId);
      const dflt = this.origin(vpc.id, undefined, { source: "default", isDefault: true });
      if (sg && !sg.egress.some((r) => r.peer.kind === "cidr" && r.peer.cidr.family === 6 && r.peer.cidr.prefix === 0)) {
        sg.egress.push({ protocol: "all", ports: ALL_PORTS, peer: { kind: "cidr", cidr: ANY_IPV6 }, origin: dflt });
      }
    }
    if (p.CidrBlock !== undefined) vpc.cidrs.push(this.cidr(id, "CidrBlock", p.CidrBlock) ?? unknown("no CidrBlock"));
    else if (p.Ipv6CidrBlock !== undefined) vpc.cidrs.push(this.cidr(id, "Ipv6CidrBlock", p.Ipv6CidrBlock) ?? unknown("no block"));
    else if (p.AmazonProvidedIpv6CidrBlock === true || p.AmazonProvidedIpv6CidrBlock === "true") {
      vpc.cidrs.push(unknown(`the IPv6 block of ${id} is assigned by AWS at deploy time`));
    } else vpc.cidrs.push(unknown(`${id} gets its block from an IPAM pool at deploy time`));
  }

  private subnet(id: string, p: Props): void {
    const vpcId = this.ref(p.VpcId, "VpcId") ?? unknown("the subnet has no VpcId");
    const az = p.AvailabilityZone;
    const ipv6 = p.Ipv6CidrBlock === undefined ? [] : [this.cidr(id, "Ipv6CidrBlock", p.Ipv6CidrBlock) ?? unknown("none")];
    const mainRt = typeof vpcId === "string" ? implicitIds.mainRouteTable(vpcId) : unknown("the subnet's VPC is unknown");
    const defNacl = typeof vpcId === "string" ? implicitIds.defaultNetworkAcl(vpcId) : unknown("the subnet's VPC is unknown");
    const mapPublic = this.bool(p.MapPublicIpOnLaunch, false);
    const mapPublicUnknown = isUnknown(mapPublic) ? { mapPublicIpOnLaunchUnknown: mapPublic } : {};
    this.subnets.set(id, {
      kind: "subnet",
      id,
      origin: this.origin(id),
      vpcId,
      az:
        typeof az === "string"
          ? az
          : isUnknown(az)
            ? az
            : az === undefined && p.AvailabilityZoneId === undefined
              ? unknown("no AvailabilityZone given: AWS picks one at deploy time")
              : typeof p.AvailabilityZoneId === "string"
                ? p.AvailabilityZoneId
                : unknown("AvailabilityZone known only at deploy time"),
      cidr:
        this.cidr(id, "CidrBlock", p.CidrBlock) ??
        unknown(p.Ipv4IpamPoolId ? "allocated from an IPAM pool" : "the subnet has no IPv4 CidrBlock"),
      ipv6Cidrs: ipv6,
      mapPublicIpOnLaunch: mapPublic === true,
      ...mapPublicUnknown,
      ipv6Native: this.bool(p.Ipv6Native, false) === true,
      routeTableId: mainRt,
      routeTableIsMain: true,
      networkAclId: defNacl,
      networkAclIsDefault: true,
    });
  }

  private routeTable(id: string, p: Props): void {
    this.routeTables.set(id, {
      kind: "route-table",
      id,
      origin: this.origin(id),
      vpcId: this.ref(p.VpcId, "VpcId") ?? unknown("no VpcId"),
      isMain: false,
      routes: [],
    });
  }

  private internetGateway(id: string): void {
    this.igws.set(id, { kind: "internet-gateway", id, origin: this.origin(id), attachedVpcIds: [] });
  }

  private gatewayAttachment(id: string, p: Props): void {
    if (p.InternetGatewayId === undefined) return; // a VPN gateway attachment
    const igwRef = this.ref(p.InternetGatewayId, "InternetGatewayId");
    const igw = typeof igwRef === "string" ? this.igws.get(igwRef) : undefined;
    const vpc = this.ref(p.VpcId, "VpcId");
    if (igw && vpc !== null) {
      igw.attachedVpcIds.push(vpc);
      igw.attachmentOrigin = this.origin(id);
    }
  }

  private egressOnlyGateway(id: string, p: Props): void {
    this.others.push({
      kind: "egress-only-internet-gateway",
      id,
      origin: this.origin(id),
      vpcId: this.ref(p.VpcId, "VpcId") ?? unknown("no VpcId"),
    });
  }

  private eip(id: string, p: Props): void {
    this.others.push({ kind: "elastic-ip", id, origin: this.origin(id), publicIp: null });
    const cond = this.origin(id).conditionUnknown;
    const addr: PublicAddress = cond
      ? { kind: "unknown", reason: `${id} exists only under ${cond}` }
      : { kind: "elastic-ip", eipId: id, publicIp: null };
    const inst = this.ref(p.InstanceId, "InstanceId");
    if (typeof inst === "string") this.instanceEips.set(inst, addr);
  }

  private eipAssociation(id: string, p: Props): void {
    const addr =
      this.publicAddressFromAllocation(p.AllocationId, "AllocationId") ??
      (isResourceRef(p.EIP) ? { kind: "elastic-ip" as const, eipId: p.EIP.$ref, publicIp: null } : null) ??
      (typeof p.EIP === "string" ? { kind: "allocation" as const, allocationId: p.EIP, publicIp: p.EIP } : null);
    if (!addr) {
      this.report("LOAD_INVALID_VALUE", "warning", `${id} names no Elastic IP`, id);
      return;
    }
    // An association the template makes conditional may or may not give the address (no entity of its own carries it).
    const cond = this.origin(id).conditionUnknown;
    const given: PublicAddress = cond ? { kind: "unknown", reason: `${id} associates the address only under ${cond}` } : addr;
    const inst = this.ref(p.InstanceId, "InstanceId");
    if (typeof inst === "string") this.instanceEips.set(inst, given);
    const eni = this.ref(p.NetworkInterfaceId, "NetworkInterfaceId");
    if (typeof eni === "string") this.eniEips.set(eni, given);
  }

  private natGateway(id: string, p: Props): void {
    const connectivity = p.ConnectivityType === "private" ? "private" : "public";
    const availability = p.AvailabilityMode === "regional" ? "regional" : "zonal";
    const addresses: PublicAddress[] = [];
    const main = this.publicAddressFromAllocation(p.AllocationId, "AllocationId");
    if (main) addresses.push(main);
    if (Array.isArray(p.SecondaryAllocationIds)) {
      for (const a of p.SecondaryAllocationIds as Value[]) {
        const x = this.publicAddressFromAllocation(a, "SecondaryAllocationIds");
        if (x) addresses.push(x);
      }
    }
    let regionalAzs: NatGateway["regionalAzs"] = "auto";
    if (availability === "regional" && Array.isArray(p.AvailabilityZoneAddresses)) {
      const azs: (string | Unknown)[] = [];
      regionalAzs = azs;
      for (const entry of p.AvailabilityZoneAddresses as Value[]) {
        if (!isPlainObject(entry)) continue;
        const az = entry.AvailabilityZone ?? entry.AvailabilityZoneId;
        azs.push(typeof az === "string" ? az : unknown("AZ known only at deploy time"));
        for (const a of Array.isArray(entry.AllocationIds) ? (entry.AllocationIds as Value[]) : []) {
          const x = this.publicAddressFromAllocation(a, "AllocationIds");
          if (x) addresses.push(x);
        }
      }
    }
    if (connectivity === "public" && availability === "zonal" && addresses.length === 0) {
      this.report("LOAD_INVALID_VALUE", "error", `public NAT gateway ${id} has no AllocationId; AWS requires an Elastic IP for it`, id);
    }
    const subnetId = availability === "zonal" ? (this.ref(p.SubnetId, "SubnetId") ?? unknown("no SubnetId")) : null;
    this.nats.set(id, {
      kind: "nat-gateway",
      id,
      origin: this.origin(id),
      vpcId: this.ref(p.VpcId, "VpcId") ?? unknown("not yet known"),
      connectivity,
      availability,
      subnetId,
      addresses,
      regionalAzs,
    });
  }

  private sgRule(id: string, r: Value, direction: "ingress" | "egress", key: string): SecurityGroupRule | null {
    if (!isPlainObject(r)) return null;
    const protocol = this.protocol(r.IpProtocol);
    const ports = this.ports(protocol, r.FromPort, r.ToPort);
    const origin = this.origin(id, key);
    const peerSg = direction === "ingress" ? r.SourceSecurityGroupId : r.DestinationSecurityGroupId;
    const peerPl = direction === "ingress" ? r.SourcePrefixListId : r.DestinationPrefixListId;
    let peer: SecurityGroupRule["peer"];
    if (r.CidrIp !== undefined || r.CidrIpv6 !== undefined) {
      const c = this.cidr(id, key, r.CidrIp ?? r.CidrIpv6);
      peer = c && !isUnknown(c) ? { kind: "cidr", cidr: c } : { kind: "unknown", reason: c ? c.reason : "no CIDR" };
    } else if (peerSg !== undefined) {
      const ref = this.ref(peerSg, "security group");
      peer = ref === null ? { kind: "unknown", reason: "empty security group reference" } : { kind: "security-group", id: ref };
    } else if (peerPl !== undefined) {
      const ref = this.ref(peerPl, "prefix list");
      peer = ref === null ? { kind: "unknown", reason: "empty prefix list" } : { kind: "prefix-list", id: ref };
    } else if (r.SourceSecurityGroupName !== undefined) {
      peer = { kind: "unknown", reason: "security group referenced by name (EC2-Classic/default VPC)" };
    } else {
      this.report("LOAD_INVALID_VALUE", "warning", `a ${direction} rule of ${id} names no peer (CIDR, group or prefix list)`, id, key);
      return null;
    }
    return { protocol, ports, peer, origin };
  }

  private securityGroup(id: string, p: Props): void {
    const ingress = (Array.isArray(p.SecurityGroupIngress) ? (p.SecurityGroupIngress as Value[]) : [])
      .map((r) => this.sgRule(id, r, "ingress", "SecurityGroupIngress"))
      .filter((r): r is SecurityGroupRule => r !== null);
    const explicitEgress = Array.isArray(p.SecurityGroupEgress) ? (p.SecurityGroupEgress as Value[]) : [];
    const egress = explicitEgress
      .map((r) => this.sgRule(id, r, "egress", "SecurityGroupEgress"))
      .filter((r): r is SecurityGroupRule => r !== null);
    if (explicitEgress.length === 0) {
      // CloudFormation keeps EC2's default allow-all IPv4 egress unless egress rules are given.
      egress.push({
        protocol: "all",
        ports: ALL_PORTS,
        peer: { kind: "cidr", cidr: ANY_IPV4 },
        origin: this.origin(id, undefined, { isDefault: true }),
      });
    }
    this.sgs.set(id, {
      kind: "security-group",
      id,
      origin: this.origin(id),
      vpcId: this.ref(p.VpcId, "VpcId"),
      ingress,
      egress,
    });
  }

  private securityGroupRule(id: string, p: Props): void {
    const direction = this.types.get(id) === "AWS::EC2::SecurityGroupIngress" ? "ingress" : "egress";
    const groupRef = this.ref(p.GroupId, "GroupId");
    const sg = typeof groupRef === "string" ? this.sgs.get(groupRef.replace(/\.GroupId$/, "")) : undefined;
    if (!sg) {
      if (groupRef === null || typeof groupRef === "string") {
        this.report("LOAD_UNRESOLVED", "warning", `${id} adds a rule to a security group that is not in this template`, id, "GroupId");
      }
      return;
    }
    const rule = this.sgRule(id, p, direction, "IpProtocol");
    if (rule) (direction === "ingress" ? sg.ingress : sg.egress).push(rule);
  }

  private networkAcl(id: string, p: Props): void {
    this.nacls.set(id, {
      kind: "network-acl",
      id,
      origin: this.origin(id),
      vpcId: this.ref(p.VpcId, "VpcId") ?? unknown("no VpcId"),
      isDefault: false,
      entries: [],
    });
  }

  private networkAclEntry(id: string, p: Props): void {
    const aclRef = this.ref(p.NetworkAclId, "NetworkAclId");
    const acl = typeof aclRef === "string" ? this.nacls.get(aclRef) : undefined;
    if (!acl) {
      this.report("LOAD_UNRESOLVED", "warning", `${id} belongs to a network ACL that is not in this template`, id, "NetworkAclId");
      return;
    }
    const protocol = this.protocol(p.Protocol);
    const range = isPlainObject(p.PortRange) ? p.PortRange : {};
    const ports = this.ports(protocol, range.From, range.To);
    const action = String(p.RuleAction).toLowerCase() === "deny" ? "deny" : "allow";
    const cidr = this.cidr(id, p.CidrBlock !== undefined ? "CidrBlock" : "Ipv6CidrBlock", p.CidrBlock ?? p.Ipv6CidrBlock);
    const egress = this.bool(p.Egress, false);
    acl.entries.push({
      ruleNumber: Number(p.RuleNumber),
      egress: egress === true,
      action,
      protocol,
      ports,
      cidr: cidr ?? unknown("no CIDR"),
      origin: this.origin(id),
    });
  }

  private networkInterface(id: string, p: Props): void {
    const sgs = this.refList(p.GroupSet, "security group");
    this.enis.set(id, {
      kind: "network-interface",
      id,
      origin: this.origin(id),
      subnetId: this.ref(p.SubnetId, "SubnetId") ?? unknown("no SubnetId"),
      securityGroupIds: isUnknown(sgs) ? [sgs] : sgs,
      sourceDestCheck: this.bool(p.SourceDestCheck, true),
      instanceId: null,
      publicAddress: this.eniEips.get(id) ?? null,
    });
  }

  private instance(id: string, p: Props): void {
    const nics = Array.isArray(p.NetworkInterfaces) ? (p.NetworkInterfaces as Value[]).filter(isPlainObject) : [];
    const primary = nics.find((n) => String(n.DeviceIndex ?? "0") === "0") ?? nics[0];
    let subnetId: EntityRef = this.ref(p.SubnetId, "SubnetId") ?? unknown("no SubnetId");
    let sgs = this.refList(p.SecurityGroupIds, "security group");
    let publicAddress: PublicAddress | null = this.instanceEips.get(id) ?? null;
    const eniIds: string[] = [];
    if (primary) {
      if (primary.SubnetId !== undefined) subnetId = this.ref(primary.SubnetId, "SubnetId") ?? subnetId;
      if (primary.GroupSet !== undefined) sgs = this.refList(primary.GroupSet, "security group");
      const eniRef = this.ref(primary.NetworkInterfaceId, "NetworkInterfaceId");
      if (typeof eniRef === "string") {
        eniIds.push(eniRef);
        const eni = this.enis.get(eniRef);
        if (eni) {
          subnetId = eni.subnetId;
          sgs = [...eni.securityGroupIds];
          eni.instanceId = id;
          publicAddress ??= eni.publicAddress;
        }
      }
      if (!publicAddress && (primary.AssociatePublicIpAddress === true || primary.AssociatePublicIpAddress === "true")) {
        publicAddress = { kind: "auto-assigned" };
      }
    }
    if (p.SecurityGroups !== undefined && p.SecurityGroupIds === undefined && !primary) {
      sgs = [unknown("security groups named by name (SecurityGroups) are not resolved")];
    }
    this.others.push({
      kind: "instance",
      id,
      origin: this.origin(id),
      subnetId,
      securityGroupIds: isUnknown(sgs) ? [sgs] : sgs,
      sourceDestCheck: this.bool(p.SourceDestCheck, true),
      // Auto-assigned addresses from the subnet's MapPublicIpOnLaunch are filled in later.
      publicAddress,
      networkInterfaceIds: eniIds,
      instanceType: this.instanceType(p),
      volumes: this.volumes(p.BlockDeviceMappings),
    });
  }

  private instanceType(p: Props): string | Unknown {
    const v = p.InstanceType;
    if (v === undefined || v === null) {
      return p.LaunchTemplate !== undefined ? unknown("the instance type comes from the launch template") : DEFAULT_INSTANCE_TYPE;
    }
    if (typeof v === "string") return v;
    if (isUnknown(v)) return v;
    return unknown("InstanceType is known only at deploy time");
  }

  private volumes(v: Value | undefined): InstanceVolume[] {
    const out: InstanceVolume[] = [];
    if (!Array.isArray(v)) return out;
    for (const m of v as Value[]) {
      if (!isPlainObject(m) || !isPlainObject(m.Ebs)) continue;
      const device = typeof m.DeviceName === "string" ? m.DeviceName : unknown("DeviceName is known only at deploy time");
      const size = m.Ebs.VolumeSize;
      const n = typeof size === "number" ? size : typeof size === "string" && /^\d+$/.test(size) ? Number(size) : NaN;
      const sizeGb = Number.isFinite(n)
        ? n
        : isUnknown(size)
          ? size
          : unknown(size === undefined ? "no VolumeSize (the snapshot's size applies)" : "VolumeSize is known only at deploy time");
      const type = m.Ebs.VolumeType;
      out.push({
        device,
        sizeGb,
        type:
          typeof type === "string"
            ? type
            : isUnknown(type)
              ? type
              : unknown(type === undefined ? "no VolumeType (EC2's default applies)" : "VolumeType is known only at deploy time"),
      });
    }
    return out;
  }

  private networkInterfaceAttachment(_id: string, p: Props): void {
    const eni = this.enis.get(String(this.ref(p.NetworkInterfaceId, "NetworkInterfaceId")));
    const inst = this.ref(p.InstanceId, "InstanceId");
    if (eni && typeof inst === "string") eni.instanceId = inst;
  }

  private prefixList(id: string, p: Props): void {
    const cidrs: Cidr[] = [];
    for (const e of Array.isArray(p.Entries) ? (p.Entries as Value[]) : []) {
      if (isPlainObject(e) && typeof e.Cidr === "string") {
        const c = parseCidr(e.Cidr);
        if (c) cidrs.push(c.cidr);
      }
    }
    const pl: PrefixList = { kind: "prefix-list", id, origin: this.origin(id), cidrs };
    this.others.push(pl);
  }

  private vpcEndpoint(id: string, p: Props): void {
    const typeValue = p.VpcEndpointType ?? "Gateway";
    const type: VpcEndpoint["type"] = isUnknown(typeValue)
      ? typeValue
      : typeof typeValue === "string" && ENDPOINT_TYPES.has(typeValue)
        ? (typeValue as VpcEndpoint["type"] & string)
        : unknown(`VpcEndpointType ${JSON.stringify(typeValue)} is not a known endpoint type`);
    const name = p.ServiceName;
    const serviceName = typeof name === "string" ? name : isUnknown(name) ? name : unknown("the service name is not a string");
    const service = typeof serviceName === "string" ? awsServiceOfEndpoint(serviceName, this.resolver.options.region) : serviceName;
    const unknownService = typeof serviceName === "string" ? unknownAwsServiceOfEndpoint(serviceName, this.resolver.options.region) : null;
    if (unknownService !== null) {
      this.report(
        "LOAD_UNKNOWN_SERVICE",
        "warning",
        `${serviceName} names no AWS service we know (${unknownService}${didYouMean(unknownService, true).replace(/^; /, ": ")}); the endpoint is treated as another provider's service`,
        id,
        "ServiceName",
      );
    }
    const interfaceLike = type === "Interface";
    const policy = p.PolicyDocument;
    this.others.push({
      kind: "vpc-endpoint",
      id,
      origin: this.origin(id),
      vpcId: this.ref(p.VpcId, "VpcId") ?? unknown("the endpoint has no VpcId"),
      type,
      serviceName,
      service,
      // CloudFormation's default is false (the console and CDK turn it on explicitly).
      privateDnsEnabled: interfaceLike ? this.bool(p.PrivateDnsEnabled, false) : false,
      privateDnsInboundOnly: isPlainObject(p.DnsOptions) && p.DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint === "OnlyInboundResolver",
      subnetIds: interfaceLike ? this.refList(p.SubnetIds, "subnet") : [],
      securityGroupIds: interfaceLike ? this.refList(p.SecurityGroupIds, "security group") : [],
      routeTableIds: type === "Gateway" ? this.refList(p.RouteTableIds, "route table") : [],
      hasCustomPolicy: policy !== undefined && policy !== null && !isDefaultEndpointPolicy(policy, service),
    });
    if (!isUnknown(type) && type !== "Interface" && type !== "Gateway") {
      this.report(
        "LOAD_UNSUPPORTED_RESOURCE",
        "info",
        `${id} is a ${type} endpoint, which is not part of the network model yet; verdicts do not account for it`,
        id,
        "VpcEndpointType",
      );
    }
  }

  private route(id: string, p: Props): void {
    const rtRef = this.ref(p.RouteTableId, "RouteTableId");
    const rt = typeof rtRef === "string" ? this.routeTables.get(rtRef) : undefined;
    if (!rt) {
      this.report("LOAD_UNRESOLVED", "warning", `${id} belongs to a route table that is not in this template`, id, "RouteTableId");
      return;
    }
    let destination: Route["destination"];
    if (p.DestinationCidrBlock !== undefined || p.DestinationIpv6CidrBlock !== undefined) {
      const key = p.DestinationCidrBlock !== undefined ? "DestinationCidrBlock" : "DestinationIpv6CidrBlock";
      const c = this.cidr(id, key, p[key]);
      destination = c && !isUnknown(c) ? { kind: "cidr", cidr: c } : { kind: "unknown", reason: c ? c.reason : "no destination" };
    } else if (p.DestinationPrefixListId !== undefined) {
      const plRef = this.ref(p.DestinationPrefixListId, "prefix list") ?? unknown("empty");
      const pl =
        typeof plRef === "string" ? this.others.find((e): e is PrefixList => e.kind === "prefix-list" && e.id === plRef) : undefined;
      destination = {
        kind: "prefix-list",
        id: plRef,
        cidrs: pl ? pl.cidrs : unknown("the prefix list's entries are not in this template"),
      };
    } else {
      this.report("LOAD_INVALID_VALUE", "error", `${id} has no destination`, id);
      return;
    }
    const target = this.routeTarget(id, p);
    const route: Route = {
      destination,
      target,
      state: target.kind === "none" ? "blackhole" : "active",
      origin: this.origin(id),
    };
    rt.routes.push(route);
  }

  private routeTarget(id: string, p: Props): RouteTarget {
    const targets: [string, RouteTarget["kind"]][] = [
      ["NatGatewayId", "nat-gateway"],
      ["InstanceId", "instance"],
      ["NetworkInterfaceId", "network-interface"],
      ["EgressOnlyInternetGatewayId", "egress-only-internet-gateway"],
      ["VpcPeeringConnectionId", "vpc-peering-connection"],
      ["TransitGatewayId", "transit-gateway"],
      ["VpcEndpointId", "vpc-endpoint"],
      ["CarrierGatewayId", "carrier-gateway"],
      ["LocalGatewayId", "local-gateway"],
      ["CoreNetworkArn", "core-network"],
    ];
    const given = targets.filter(([k]) => p[k] !== undefined);
    if (p.GatewayId !== undefined) {
      const ref = this.ref(p.GatewayId, "gateway");
      const type = typeof ref === "string" ? this.types.get(ref) : undefined;
      const raw = p.GatewayId;
      const isVgw = type === "AWS::EC2::VPNGateway" || (typeof raw === "string" && raw.startsWith("vgw-"));
      const isLocal = raw === "local";
      if (isLocal) return { kind: "local" };
      return { kind: isVgw ? "vpn-gateway" : "internet-gateway", id: ref ?? unknown("empty GatewayId") } as RouteTarget;
    }
    if (given.length === 0) {
      this.report("LOAD_INVALID_VALUE", "error", `${id} has no target; AWS rejects such a route`, id);
      return { kind: "none", reason: "the route has no target" };
    }
    if (given.length > 1) this.report("LOAD_INVALID_VALUE", "error", `${id} names more than one target`, id);
    const [key, kind] = given[0] as [string, RouteTarget["kind"]];
    const ref = this.ref(p[key], key) ?? unknown(`empty ${key}`);
    return { kind, id: ref } as RouteTarget;
  }

  private routeTableAssociation(id: string, p: Props): void {
    const subnet = this.subnets.get(String(this.ref(p.SubnetId, "SubnetId")));
    const rt = this.ref(p.RouteTableId, "RouteTableId");
    if (!subnet) {
      this.report("LOAD_UNRESOLVED", "info", `${id} associates a subnet that is not in this template`, id, "SubnetId");
      return;
    }
    if (!subnet.routeTableIsMain) {
      this.report("LOAD_INVALID_VALUE", "error", `subnet ${subnet.id} is associated with two route tables; AWS allows one`, id, "SubnetId");
      return;
    }
    subnet.routeTableId = rt ?? unknown("empty RouteTableId");
    subnet.routeTableIsMain = false;
    subnet.routeTableOrigin = this.origin(id);
  }

  private networkAclAssociation(id: string, p: Props): void {
    const subnet = this.subnets.get(String(this.ref(p.SubnetId, "SubnetId")));
    if (!subnet) return;
    subnet.networkAclId = this.ref(p.NetworkAclId, "NetworkAclId") ?? unknown("empty NetworkAclId");
    subnet.networkAclIsDefault = false;
    subnet.networkAclOrigin = this.origin(id);
  }

  /** The raw (unresolved) properties of a resource, after SAM expansion. */
  private rawProps(id: string): Record<string, unknown> {
    const p = this.resources[id]?.Properties;
    return p && typeof p === "object" && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
  }

  /**
   * A raw template value as a symbolic string (model SymbolicString): what the template
   * determines written out, tokens for the rest. Resource references stay recognisable, which
   * the resolver's plain evaluation loses inside Fn::Sub and Fn::Join.
   */
  private symbolic(from: string, v: unknown, depth = 0): SymbolicString {
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    if (depth > 16 || !v || typeof v !== "object" || Array.isArray(v)) return UNDETERMINED;
    const entries = Object.entries(v);
    const [fn, arg] = entries.length === 1 ? (entries[0] as [string, unknown]) : ["", undefined];
    switch (fn) {
      case "Ref":
        return typeof arg === "string" ? this.symbolicRef(from, arg) : UNDETERMINED;
      case "Fn::GetAtt": {
        const [res, attr] = Array.isArray(arg)
          ? (arg as unknown[])
          : typeof arg === "string" && arg.includes(".")
            ? [arg.slice(0, arg.indexOf(".")), arg.slice(arg.indexOf(".") + 1)]
            : [];
        if (typeof res === "string" && typeof attr === "string" && res in this.resolver.resources) return this.symbolicAttr(res, attr);
        return this.symbolicFallback(from, v);
      }
      case "Fn::Sub": {
        const [tpl, vars] = Array.isArray(arg) ? (arg as unknown[]) : [arg, {}];
        if (typeof tpl !== "string") return this.symbolicFallback(from, v);
        const named = vars && typeof vars === "object" && !Array.isArray(vars) ? (vars as Record<string, unknown>) : {};
        return tpl.replace(/\$\{([^}]*)\}/g, (_whole, name: string) => {
          if (name.startsWith("!")) return `\${${name.slice(1)}}`;
          const key = name.trim();
          if (key in named) return this.symbolic(from, named[key], depth + 1);
          const dot = key.indexOf(".");
          if (dot > 0 && !key.startsWith("AWS::"))
            return this.symbolic(from, { "Fn::GetAtt": [key.slice(0, dot), key.slice(dot + 1)] }, depth + 1);
          return this.symbolicRef(from, key);
        });
      }
      case "Fn::Join": {
        const [delim, list] = Array.isArray(arg) ? (arg as unknown[]) : [];
        if (typeof delim !== "string" || !Array.isArray(list)) return this.symbolicFallback(from, v);
        return list.map((x) => this.symbolic(from, x, depth + 1)).join(delim);
      }
      default:
        return this.symbolicFallback(from, v);
    }
  }

  /** Resolves a value the symbolic reading does not handle (without repeating diagnostics). */
  private symbolicFallback(from: string, v: unknown): SymbolicString {
    const seen = this.resolver.diagnostics.length;
    const r = this.resolver.resolve(v, { logicalId: from });
    this.resolver.diagnostics.length = seen;
    if (typeof r === "string" || typeof r === "number" || typeof r === "boolean") return String(r);
    if (isResourceRef(r)) return r.$attr ? this.symbolicAttr(r.$ref, r.$attr) : this.symbolicRef(from, r.$ref);
    return UNDETERMINED;
  }

  private symbolicRef(from: string, name: string): SymbolicString {
    if (name === "AWS::Partition" || name === "AWS::Region" || name === "AWS::AccountId") return `\${${name}}`;
    if (name in this.resolver.resources) {
      return this.resolver.resources[name]?.Type === "AWS::Lambda::Function" ? this.functionName(name) : `\${${name}}`;
    }
    return this.symbolicFallback(from, { Ref: name });
  }

  private symbolicAttr(id: string, attr: string): SymbolicString {
    if (this.resolver.resources[id]?.Type === "AWS::Lambda::Function" && attr === "Arn") {
      return lambdaFunctionArn(this.functionName(id));
    }
    return `\${${id}.${attr}}`;
  }

  /** A function's name: its literal FunctionName, else the token of its generated name. */
  private functionName(id: string): SymbolicString {
    const name = this.props.get(id)?.FunctionName;
    return typeof name === "string" ? name : `\${${id}}`;
  }

  /** A statement's Resource as symbolic patterns, read from the raw value when it lines up. */
  private resourcePatterns(id: string, resolved: Value | undefined, raw: unknown): SymbolicString[] | Unknown {
    if (resolved === undefined) return [];
    const list = Array.isArray(resolved) ? (resolved as Value[]) : [resolved];
    const rawList = raw === undefined ? undefined : Array.isArray(raw) ? (raw as unknown[]) : [raw];
    if (rawList && rawList.length === list.length) return rawList.map((r) => this.symbolic(id, r));
    if (isUnknown(resolved)) return resolved;
    return list.map((x) =>
      typeof x === "string"
        ? x
        : isResourceRef(x)
          ? x.$attr
            ? this.symbolicAttr(x.$ref, x.$attr)
            : this.symbolicRef(id, x.$ref)
          : UNDETERMINED,
    );
  }

  private statements(id: string, doc: Value | undefined, key: string, rawDoc?: unknown, path?: string): PolicyStatement[] {
    if (!isPlainObject(doc)) return [];
    const list = Array.isArray(doc.Statement) ? (doc.Statement as Value[]) : doc.Statement ? [doc.Statement] : [];
    const strings = (v: Value | undefined): string[] | Unknown => {
      if (v === undefined) return [];
      if (isUnknown(v)) return v;
      const arr = Array.isArray(v) ? (v as Value[]) : [v];
      return arr.map((x) => (typeof x === "string" ? x : "?"));
    };
    // The raw statements, when they line up one to one with the resolved ones.
    const rawStatement = isRawObject(rawDoc) ? rawDoc.Statement : undefined;
    const rawList = Array.isArray(rawStatement) ? (rawStatement as unknown[]) : rawStatement === undefined ? [] : [rawStatement];
    const plain = list.filter(isPlainObject);
    const aligned = rawList.length === plain.length && rawList.every(isRawObject);
    return plain.map((s, j) => {
      const cond = isPlainObject(s.Condition) ? s.Condition : {};
      const conditionKeys = Object.values(cond).flatMap((o) => (isPlainObject(o) ? Object.keys(o) : []));
      const notActions = strings(s.NotAction);
      const raw = aligned ? (rawList[j] as Record<string, unknown>) : undefined;
      return {
        effect: s.Effect === "Deny" ? ("Deny" as const) : ("Allow" as const),
        actions: strings(s.Action),
        ...(s.NotAction !== undefined && !isUnknown(notActions) ? { notActions } : {}),
        resources:
          s.NotResource !== undefined ? unknown("the statement uses NotResource") : this.resourcePatterns(id, s.Resource, raw?.Resource),
        hasCondition: conditionKeys.length > 0,
        conditionKeys,
        origin: this.origin(id, key, path ? { path } : {}),
      };
    });
  }

  private role(id: string, p: Props): void {
    const statements: PolicyStatement[] = [];
    const unknownPolicies: string[] = [];
    const policies = Array.isArray(p.Policies) ? (p.Policies as Value[]) : [];
    const rawPolicies = this.rawProps(id).Policies;
    const rawAligned = Array.isArray(rawPolicies) && rawPolicies.length === policies.length ? (rawPolicies as unknown[]) : [];
    policies.forEach((pol, i) => {
      const raw = rawAligned[i];
      if (!isPlainObject(pol)) return;
      // SAM policy templates are named in the path: `Properties.Policies (LambdaInvokePolicy)`.
      const template = typeof pol.SamPolicyTemplate === "string" ? `Properties.Policies (${pol.SamPolicyTemplate})` : undefined;
      for (const s of this.statements(id, pol.PolicyDocument, "Policies", isRawObject(raw) ? raw.PolicyDocument : undefined, template))
        statements.push(
          typeof pol.SamPolicyTemplate === "string" ? { ...s, policy: { kind: "sam-policy-template", name: pol.SamPolicyTemplate } } : s,
        );
    });
    for (const arn of Array.isArray(p.ManagedPolicyArns) ? (p.ManagedPolicyArns as Value[]) : []) {
      if (isResourceRef(arn)) {
        // A customer managed policy of this template, attached by reference: read it below.
        const mp = this.props.get(arn.$ref);
        if (mp)
          for (const s of this.statements(arn.$ref, mp.PolicyDocument, "PolicyDocument", this.rawProps(arn.$ref).PolicyDocument))
            statements.push(s);
        else unknownPolicies.push(arn.$ref);
        continue;
      }
      const name = typeof arn === "string" ? awsManagedPolicyName(arn) : null;
      const actions = name ? MANAGED_POLICY_ACTIONS[name] : undefined;
      if (actions) {
        statements.push({
          effect: "Allow",
          actions,
          resources: ["*"],
          hasCondition: false,
          conditionKeys: [],
          origin: this.origin(id, "ManagedPolicyArns", { path: `Properties.ManagedPolicyArns (${name})` }),
          policy: { kind: "aws-managed-policy", name: name as string },
        });
      } else {
        unknownPolicies.push(typeof arn === "string" ? arn : isUnknown(arn) ? arn.reason : "a computed ARN");
      }
    }
    this.roles.set(id, {
      kind: "role",
      id,
      origin: this.origin(id),
      statements,
      unknownPolicies,
      attachedPolicyResources: [],
      ...(this.samGenerated.has(id) ? { generatedBySam: this.samGenerated.get(id) as string } : {}),
    });
  }

  private policy(id: string, p: Props): void {
    const roleRefs = Array.isArray(p.Roles) ? (p.Roles as Value[]) : p.RoleName !== undefined ? [p.RoleName] : [];
    for (const r of roleRefs) {
      if (!isResourceRef(r)) continue;
      const role = this.roles.get(r.$ref);
      if (!role) continue;
      for (const s of this.statements(id, p.PolicyDocument, "PolicyDocument", this.rawProps(id).PolicyDocument)) role.statements.push(s);
      role.attachedPolicyResources.push(id);
    }
  }

  private lambdaFunction(id: string, p: Props): void {
    const vc = p.VpcConfig;
    let vpcConfig: VpcConfig | null = null;
    if (isUnknown(vc)) {
      vpcConfig = { subnetIds: vc, securityGroupIds: vc, ipv6AllowedForDualStack: false, origin: this.origin(id, "VpcConfig") };
    } else if (isPlainObject(vc)) {
      const subnetIds = this.refList(vc.SubnetIds, "subnet");
      const sgIds = this.refList(vc.SecurityGroupIds, "security group");
      // An empty VpcConfig (no subnets) detaches the function from any VPC.
      if (isUnknown(subnetIds) || subnetIds.length > 0) {
        vpcConfig = {
          subnetIds,
          securityGroupIds: sgIds,
          ipv6AllowedForDualStack: this.bool(vc.Ipv6AllowedForDualStack, false),
          origin: this.origin(id, "VpcConfig"),
        };
      }
    }
    const role = p.Role;
    const roleId: EntityRef | null = isResourceRef(role)
      ? role.$ref
      : role === undefined
        ? null
        : isUnknown(role)
          ? role
          : unknown(`the execution role ${String(role)} is defined outside this template`);
    const cpc = isPlainObject(p.CapacityProviderConfig) ? p.CapacityProviderConfig : undefined;
    const lmi =
      cpc && isPlainObject(cpc.LambdaManagedInstancesCapacityProviderConfig) ? cpc.LambdaManagedInstancesCapacityProviderConfig : cpc;
    const cpArn = lmi ? (lmi.CapacityProviderArn ?? lmi.Arn) : undefined;
    const rawEnv = this.rawProps(id).Environment;
    const rawVars = isRawObject(rawEnv) ? rawEnv.Variables : undefined;
    const fn: LambdaFunction = {
      kind: "function",
      id,
      origin: this.origin(id),
      name: typeof p.FunctionName === "string" ? p.FunctionName : null,
      vpcConfig,
      roleId,
      capacityProviderId: cpc === undefined ? null : (this.ref(cpArn, "capacity provider") ?? unknown("no capacity provider ARN")),
      ...(isRawObject(rawVars)
        ? {
            environment: Object.fromEntries(Object.entries(rawVars).map(([k, v]) => [k, this.symbolic(id, v)])),
            environmentOrigin: this.origin(id, "Environment"),
          }
        : {}),
      code: functionCode(p),
      ...(p.FileSystemConfigs !== undefined ? { fileSystems: this.fileSystems(id, p.FileSystemConfigs) } : {}),
      ...this.serviceSide(id),
    };
    this.others.push(fn);
  }

  // ---- Lambda Managed Instances and VPC Block Public Access ---------------------------------

  private kit(): LoaderKit {
    return {
      ref: (v, what) => this.ref(v, what),
      refList: (v, what) => this.refList(v, what),
      origin: (id, key) => this.origin(id, key),
      report: (code, severity, message, id, key) => this.report(code, severity, message, id, key),
    };
  }

  private readonly vpcResources = new VpcResourceReader(this.kit());

  private subnetGroup(id: string, p: Props): void {
    this.vpcResources.subnetGroup(id, p);
  }

  private vpcResource(id: string, p: Props): void {
    this.vpcResources.resource(id, this.types.get(id) ?? "", p);
  }

  private efsAttachment(id: string, p: Props): void {
    this.vpcResources.attachment(id, this.types.get(id) ?? "", p);
  }

  /** Per function: its event source mappings' source kinds and its EventInvokeConfig destinations, from the resources that name it. */
  private attachedToFunctions: Map<string, { sources: string[]; targets: unknown[] }> | undefined;

  /** What Lambda does with the function's role outside its network: the pollers of its event sources, KMS for its environment, its DLQ and destinations. */
  private serviceSide(id: string): Pick<LambdaFunction, "eventSources" | "environmentKms" | "asyncTargets"> {
    if (!this.attachedToFunctions) {
      this.attachedToFunctions = new Map();
      const refOf = (v: unknown): string | undefined => {
        if (typeof v === "string") return v in this.resources ? v : undefined;
        if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
        const r =
          (v as Record<string, unknown>).Ref ??
          (Array.isArray((v as Record<string, unknown>)["Fn::GetAtt"])
            ? ((v as Record<string, unknown>)["Fn::GetAtt"] as unknown[])[0]
            : (v as Record<string, unknown>)["Fn::GetAtt"]);
        return typeof r === "string" ? r.split(".")[0] : undefined;
      };
      for (const rid in this.resources) {
        const res = this.resources[rid];
        if (res?.Type !== "AWS::Lambda::EventSourceMapping" && res?.Type !== "AWS::Lambda::EventInvokeConfig") continue;
        const props = isRawObject(res.Properties) ? res.Properties : {};
        const fn = refOf(props.FunctionName);
        if (!fn) continue;
        const entry = this.attachedToFunctions.get(fn) ?? { sources: [], targets: [] };
        this.attachedToFunctions.set(fn, entry);
        if (res.Type === "AWS::Lambda::EventSourceMapping") {
          const src = refOf(props.EventSourceArn);
          const arn = this.symbolic(rid, props.EventSourceArn);
          const kind = src
            ? eventSourceKind(String(this.resources[src]?.Type ?? ""))
            : eventSourceKind(/^arn:[^:]*:([^:]+):/.exec(arn)?.[1] ?? "");
          if (kind) entry.sources.push(kind);
          else if (props.SelfManagedEventSource !== undefined) entry.sources.push("kafka");
        } else entry.targets.push(...destinationsOf(props.DestinationConfig));
      }
    }
    const raw = this.rawProps(id);
    const attached = this.attachedToFunctions.get(id);
    const sources = [...(attached?.sources ?? [])];
    // SAM Events, still on the function after expansion.
    if (isRawObject(raw.Events)) {
      for (const ev of Object.values(raw.Events)) {
        const kind = isRawObject(ev) && typeof ev.Type === "string" ? eventSourceKind(ev.Type) : null;
        if (kind) sources.push(kind);
      }
    }
    const targets: unknown[] = [...(attached?.targets ?? [])];
    if (isRawObject(raw.DeadLetterConfig)) targets.push(raw.DeadLetterConfig.TargetArn);
    if (isRawObject(raw.DeadLetterQueue)) targets.push(raw.DeadLetterQueue.TargetArn);
    if (isRawObject(raw.EventInvokeConfig)) targets.push(...destinationsOf(raw.EventInvokeConfig.DestinationConfig));
    const out: { -readonly [K in "eventSources" | "environmentKms" | "asyncTargets"]?: LambdaFunction[K] } = {};
    if (sources.length > 0) out.eventSources = [...new Set(sources)];
    if (raw.KmsKeyArn !== undefined) out.environmentKms = true;
    const symbolic = targets.filter((t) => t !== undefined).map((t) => this.symbolic(id, t));
    if (symbolic.length > 0) out.asyncTargets = symbolic;
    return out;
  }

  /** `FileSystemConfigs`: each entry's access point and its file system. */
  private fileSystems(id: string, v: Value | undefined): FunctionFileSystem[] {
    if (v === undefined || v === null) return [];
    const origin = this.origin(id, "FileSystemConfigs");
    const entry = (e: Value): FunctionFileSystem => {
      const ap = isPlainObject(e) ? this.ref(e.Arn, "access point") : null;
      if (ap === null) return { fileSystem: unknown("a FileSystemConfigs entry names no access point Arn"), accessPoint: null, origin };
      if (isUnknown(ap)) return { fileSystem: ap, accessPoint: null, origin };
      const fs = this.vpcResources.accessPoints.get(ap);
      return { fileSystem: fs ?? unknown(`access point ${ap} is not defined in this template`), accessPoint: fs ? ap : null, origin };
    };
    const out: FunctionFileSystem[] = Array.isArray(v)
      ? (v as Value[]).map(entry)
      : [{ fileSystem: isUnknown(v) ? v : unknown("FileSystemConfigs is not a list"), accessPoint: null, origin }];
    // A file system the template does not show is not checked: say so, rather than leave it out silently.
    for (const e of out) {
      if (!isUnknown(e.fileSystem)) continue;
      this.report(
        "LOAD_UNRESOLVED",
        "info",
        `${id} mounts an EFS file system that is not checked: ${e.fileSystem.reason}`,
        id,
        "FileSystemConfigs",
      );
    }
    return out;
  }

  private capacityProvider(id: string, p: Props): void {
    this.others.push(capacityProvider(this.kit(), id, p));
  }

  private blockPublicAccessOptions(id: string, p: Props): void {
    this.others.push(blockPublicAccessOptions(this.kit(), id, p));
  }

  private blockPublicAccessExclusion(id: string, p: Props): void {
    this.others.push(blockPublicAccessExclusion(this.kit(), id, p));
  }

  /**
   * Implicit facts that need every resource in place: the local route of each route table,
   * the VPC of zonal NAT gateways (their subnet's), and auto-assigned public IPs of instances
   * in subnets that map one on launch.
   */
  private finish(): void {
    // DHCP options name their VPC; one whose VpcId is not a VPC of the template may be any of them.
    for (const a of this.dhcpAssociations) {
      const v = this.resolver.resolve(this.rawProps(a).VpcId, this.resolver.whereResource(a));
      const named = isResourceRef(v) && this.vpcs.has(v.$ref) ? v.$ref : undefined;
      for (const [vid, vpc] of this.vpcs) if (vpc.dhcpOptions === undefined && (named === undefined || named === vid)) vpc.dhcpOptions = a;
    }
    for (const rt of this.routeTables.values()) {
      const vpc = typeof rt.vpcId === "string" ? this.vpcs.get(rt.vpcId) : undefined;
      if (!vpc) continue;
      rt.routes.unshift(...localRoutes(vpc));
    }
    for (const nat of this.nats.values()) {
      if (nat.availability !== "zonal" || typeof nat.subnetId !== "string") continue;
      const subnet = this.subnets.get(nat.subnetId);
      if (subnet) nat.vpcId = subnet.vpcId;
    }
    for (const e of this.others) {
      if (e.kind !== "instance" || e.publicAddress) continue;
      const subnet = typeof e.subnetId === "string" ? this.subnets.get(e.subnetId) : undefined;
      if (subnet?.mapPublicIpOnLaunch) (e as Mutable<typeof e>).publicAddress = { kind: "auto-assigned" };
    }
  }
}

/** The destinations of a DestinationConfig (OnSuccess, OnFailure), raw. */
function destinationsOf(config: unknown): unknown[] {
  if (!isRawObject(config)) return [];
  const out: unknown[] = [];
  for (const k of ["OnSuccess", "OnFailure"]) {
    const d = config[k];
    if (isRawObject(d) && d.Destination !== undefined) out.push(d.Destination);
  }
  return out;
}
