// Terraform resource instances (plan or state) -> network model entities. Never throws on one bad
// resource: it records a diagnostic and goes on. AWS's implicit defaults are materialised as the
// CloudFormation loader does (same ids), with the AWS provider's own semantics where they differ:
// a new aws_security_group has NO egress rule unless given (the provider revokes AWS's default
// allow-all egress), and aws_default_route_table / _network_acl / _security_group adopt the VPC's
// defaults and replace their rules with the configured ones.
import type { DiagnosticCode } from "../../aws/codes.ts";
import { localRoutes, vpcDefaults } from "../implicit.ts";
import { awsManagedPolicyName, awsServiceOfEndpoint, DEFAULT_INSTANCE_TYPE, MANAGED_POLICY_ACTIONS } from "../../aws/facts.ts";
import type {
  Diagnostic,
  Entity,
  EntityKind,
  EntityRef,
  FunctionCode,
  FunctionFileSystem,
  InternetGateway,
  LambdaFunction,
  NatGateway,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  Origin,
  PolicyStatement,
  PortRange,
  Protocol,
  PublicAddress,
  Role,
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
import { defaultIdsOf, implicitIds } from "../cfn/build.ts";
import { DOCUMENTDB_PORT, NEPTUNE_PORT, OPENSEARCH_PORT, REDSHIFT_PORT } from "../../aws/vpc-resources.ts";
import {
  cacheFacts,
  databaseFacts,
  EFS_FILE_SYSTEM,
  endpointToken,
  engineOf,
  mskPort,
  portOf,
  proxyFacts,
  VpcResourceSet,
} from "../vpc-resources.ts";
import type { Expression, Path, References, TfInstance, TfObject, TfValue } from "./plan.ts";
import { describe, parseRef, Pending, splitAddress, splitKey } from "./plan.ts";

/** `module.a.module.b[0]` -> `module.a`; `module.a` -> "". */
function parentModule(module: string): string {
  const parts = splitAddress(module);
  return parts.slice(0, -2).join(".");
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const ANY_IPV4 = mustParseCidr("0.0.0.0/0");
const ANY_IPV6 = mustParseCidr("::/0");
const PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };
const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;
const UNDETERMINED = "${?}";

/** Resource types outside the model that can change what a function reaches. */
const NETWORK_TYPES_NOT_MODELLED =
  /^aws_(ec2_transit_gateway\w*|vpc_peering_connection\w*|vpn_gateway\w*|vpn_connection\w*|customer_gateway|ec2_carrier_gateway|ec2_local_gateway\w*|vpc_dhcp_options\w*|vpc_endpoint_service\w*|networkfirewall_\w+|vpc_block_public_access_\w+|ec2_managed_prefix_list\w*|route_table_propagation|vpn_gateway_route_propagation)$/;

/** The subnet groups of databases and caches, read before the resources that name them. */
const SUBNET_GROUP_TYPES = [
  "aws_db_subnet_group",
  "aws_elasticache_subnet_group",
  "aws_memorydb_subnet_group",
  "aws_docdb_subnet_group",
  "aws_neptune_subnet_group",
  "aws_redshift_subnet_group",
];

/** The resources read as VpcResource (clusters before their instances, proxies before their endpoints). */
const VPC_RESOURCE_TYPES = [
  "aws_db_instance",
  "aws_rds_cluster",
  "aws_docdb_cluster",
  "aws_neptune_cluster",
  "aws_rds_cluster_instance",
  "aws_docdb_cluster_instance",
  "aws_neptune_cluster_instance",
  "aws_db_proxy",
  "aws_db_proxy_endpoint",
  "aws_elasticache_replication_group",
  "aws_elasticache_cluster",
  "aws_elasticache_serverless_cache",
  "aws_memorydb_cluster",
  "aws_opensearch_domain",
  "aws_elasticsearch_domain",
  "aws_msk_cluster",
  "aws_redshift_cluster",
  "aws_efs_file_system",
];

/** The attributes of those resources (AWS provider) that hold an endpoint a function's environment may be given as text. */
const ENDPOINT_ATTRIBUTES = [
  "address",
  "endpoint",
  "reader_endpoint",
  "arn",
  "configuration_endpoint",
  "configuration_endpoint_address",
  "primary_endpoint_address",
  "reader_endpoint_address",
  "cluster_address",
  "dns_name",
  "bootstrap_brokers",
  "bootstrap_brokers_tls",
  "bootstrap_brokers_sasl_iam",
  "bootstrap_brokers_sasl_scram",
];

const ENDPOINT_TYPES = new Set(["Interface", "Gateway", "GatewayLoadBalancer", "Resource", "ServiceNetwork"]);

const isObject = (v: unknown): v is TfObject => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Pending);

function get(v: TfValue | undefined, path: Path): TfValue | undefined {
  let cur: TfValue | undefined = v;
  for (const p of path) {
    if (cur === null || cur === undefined || cur instanceof Pending) return cur;
    cur = typeof p === "number" ? (Array.isArray(cur) ? cur[p] : undefined) : isObject(cur) ? cur[p] : undefined;
  }
  return cur;
}

/** The entities and diagnostics of one plan or state. */
export interface BuildOutput {
  readonly entities: Entity[];
  readonly diagnostics: Diagnostic[];
  readonly dependencies: (id: string) => ReadonlySet<string>;
}

export class TerraformBuilder {
  private readonly diagnostics: Diagnostic[] = [];
  /** A real id or ARN (`subnet-0abc`, `arn:aws:iam::...:role/x`) -> entity id. */
  private readonly byRealId = new Map<string, string>();
  /** An address whose entity has another id (aws_default_route_table -> the VPC's main route table). */
  private readonly alias = new Map<string, string>();
  private readonly kinds = new Map<string, EntityKind>();

  private readonly vpcs = new Map<string, Mutable<Vpc> & { cidrs: (Cidr | Unknown)[] }>();
  private readonly subnets = new Map<string, Mutable<Subnet>>();
  private readonly routeTables = new Map<string, Mutable<RouteTable> & { routes: Route[] }>();
  private readonly igws = new Map<string, Mutable<InternetGateway> & { attachedVpcIds: EntityRef[] }>();
  private readonly nats = new Map<string, Mutable<NatGateway>>();
  private readonly eips = new Map<string, { id: string; publicIp: string | null }>();
  private readonly sgs = new Map<string, Mutable<SecurityGroup> & { ingress: SecurityGroupRule[]; egress: SecurityGroupRule[] }>();
  private readonly nacls = new Map<string, Mutable<NetworkAcl> & { entries: NetworkAclEntry[] }>();
  private readonly enis = new Map<string, Mutable<NetworkInterface>>();
  private readonly endpoints = new Map<string, Mutable<VpcEndpoint>>();
  private readonly roles = new Map<
    string,
    Mutable<Role> & { statements: PolicyStatement[]; unknownPolicies: string[]; attachedPolicyResources: string[] }
  >();
  private readonly policies = new Map<string, PolicyStatement[] | Unknown>();
  private readonly others: Entity[] = [];
  /** aws_vpc_dhcp_options_association instances (see Vpc.dhcpOptions). */
  private readonly dhcpAssociations: TfInstance[] = [];
  private readonly instanceEips = new Map<string, PublicAddress>();
  private readonly eniEips = new Map<string, PublicAddress>();

  private readonly file: string;
  private readonly refs: References;
  private readonly region: string;

  constructor(file: string, refs: References, region: string) {
    this.file = file;
    this.refs = refs;
    this.region = region;
  }

  // ---- origins and diagnostics ---------------------------------------------------------------

  private origin(inst: TfInstance, path?: Path, extra?: Partial<Origin>): Origin {
    const id = inst.values.id;
    const moduleSource = this.refs.moduleSource(inst);
    const at = this.refs.locate(inst);
    return {
      source: "terraform",
      file: at?.file ?? this.file,
      ...(at?.line !== undefined ? { line: at.line } : {}),
      address: inst.address,
      logicalId: inst.address,
      ...(typeof id === "string" && id !== "" ? { physicalId: id } : {}),
      ...(moduleSource !== undefined ? { moduleSource } : {}),
      ...(path && path.length > 0 ? { path: describe(inst, path).slice(inst.address.length + 1) } : {}),
      ...extra,
    };
  }

  private report(code: DiagnosticCode, severity: Severity, message: string, inst: TfInstance): void {
    const moduleSource = this.refs.moduleSource(inst);
    const at = this.refs.locate(inst);
    this.diagnostics.push({
      code,
      severity,
      message,
      location: {
        file: at?.file ?? this.file,
        ...(at?.line !== undefined ? { line: at.line } : {}),
        address: inst.address,
        ...(moduleSource !== undefined ? { moduleSource } : {}),
      },
      resource: inst.address,
    });
  }

  // ---- values --------------------------------------------------------------------------------

  /** The value at `path`; a value known only after apply that the configuration does not set is absent (the provider computes it). */
  private given(inst: TfInstance, path: Path): TfValue | undefined {
    const v = get(inst.values, path);
    if (v === null || v === "") return undefined;
    if (v instanceof Pending && this.refs.hasConfiguration && this.refs.expressionAt(inst, path) === undefined) return undefined;
    return v;
  }

  private pendingReason(inst: TfInstance, path: Path): Unknown {
    return unknown(`${describe(inst, path)} is known only after apply`);
  }

  private str(inst: TfInstance, path: Path): string | Unknown | undefined {
    const v = this.given(inst, path);
    if (v === undefined) return undefined;
    if (typeof v === "string") return v;
    if (typeof v === "number" || typeof v === "boolean") return String(v);
    const e = v instanceof Pending ? this.refs.expressionAt(inst, path) : undefined;
    if (e && !isUnknown(e) && typeof e.constant_value === "string") return e.constant_value;
    return e && isUnknown(e) ? e : this.pendingReason(inst, path);
  }

  private bool(inst: TfInstance, path: Path, dflt: boolean): boolean | Unknown {
    const v = this.given(inst, path);
    if (v === undefined) return dflt;
    if (typeof v === "boolean") return v;
    if (v === "true" || v === "false") return v === "true";
    return this.pendingReason(inst, path);
  }

  private num(inst: TfInstance, path: Path): number | Unknown | undefined {
    const v = this.given(inst, path);
    if (v === undefined) return undefined;
    const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : NaN;
    return Number.isFinite(n) ? n : this.pendingReason(inst, path);
  }

  private cidr(inst: TfInstance, path: Path): Cidr | Unknown | undefined {
    const v = this.str(inst, path);
    if (v === undefined || isUnknown(v)) return v;
    const p = parseCidr(v);
    if (!p) {
      this.report("LOAD_INVALID_VALUE", "error", `${describe(inst, path)} ${JSON.stringify(v)} is not a CIDR block`, inst);
      return unknown(`invalid CIDR ${v}`);
    }
    return p.cidr;
  }

  /** The entity id of an instance (an adopted default's id for aws_default_*). */
  private entityIdOf(inst: TfInstance, what: string): EntityRef {
    if (inst.mode === "data") {
      const id = inst.values.id;
      const known = typeof id === "string" ? this.byRealId.get(id) : undefined;
      if (known) return known;
      return unknown(`${what} is ${inst.address}, a data source for something outside this plan`, typeof id === "string" ? id : undefined);
    }
    return this.alias.get(inst.address) ?? inst.address;
  }

  private lookup(id: string, what: string): EntityRef {
    return this.byRealId.get(id) ?? unknown(`${what} ${id} is not in this plan`, id);
  }

  /** Adopted defaults: a reference to a VPC where a route table, network ACL or security group is meant. */
  private asKind(ref: EntityRef, want: EntityKind | undefined): EntityRef {
    if (typeof ref !== "string" || !want || this.kinds.get(ref) !== "vpc") return ref;
    if (want === "route-table") return implicitIds.mainRouteTable(ref);
    if (want === "network-acl") return implicitIds.defaultNetworkAcl(ref);
    if (want === "security-group") return implicitIds.defaultSecurityGroup(ref);
    return ref;
  }

  /** A reference to another resource: a real id, or an expression tied through the configuration. */
  private ref(inst: TfInstance, path: Path, what: string, want?: EntityKind): EntityRef | null {
    const v = this.given(inst, path);
    if (v === undefined) return null;
    if (typeof v === "string") return this.asKind(this.lookup(v, what), want);
    if (!(v instanceof Pending)) return unknown(`${describe(inst, path)} is not an id`);
    const e = this.refs.expressionAt(inst, path);
    if (e === undefined) return null;
    if (isUnknown(e)) return e;
    if (typeof e.constant_value === "string") return this.asKind(this.lookup(e.constant_value, what), want);
    const r = this.refs.resolve(inst, e, false, describe(inst, path));
    if (isUnknown(r)) return r;
    if (r.length !== 1) return unknown(`${describe(inst, path)} may be any of ${r.map((x) => x.address).join(", ")}`);
    return this.asKind(this.entityIdOf(r[0] as TfInstance, what), want);
  }

  private refList(inst: TfInstance, path: Path, what: string, want?: EntityKind): EntityRef[] | Unknown {
    const v = this.given(inst, path);
    if (v === undefined) return [];
    if (Array.isArray(v) && v.every((x) => typeof x === "string"))
      return (v as string[]).map((x) => this.asKind(this.lookup(x, what), want));
    if (!Array.isArray(v) && !(v instanceof Pending)) return unknown(`${describe(inst, path)} is not a list`);
    const e = this.refs.expressionAt(inst, path);
    if (e === undefined) return Array.isArray(v) ? [] : [];
    if (isUnknown(e)) return e;
    if (Array.isArray(e.constant_value)) return e.constant_value.map((x) => this.asKind(this.lookup(String(x), what), want));
    const r = this.refs.resolve(inst, e, true, describe(inst, path));
    if (isUnknown(r)) return r;
    if (Array.isArray(v) && v.length !== r.length) {
      return unknown(
        `${describe(inst, path)} has ${v.length} elements known only after apply; its expression refers to ${r.length} instances`,
      );
    }
    return r.map((x) => this.asKind(this.entityIdOf(x, what), want));
  }

  /** The blocks of a nested-block attribute, as value paths (a block list known only after apply comes from the configuration's constant parts). */
  private blocks(inst: TfInstance, key: string): { paths: Path[]; unknown?: Unknown } {
    const v = this.given(inst, [key]);
    if (v === undefined) return { paths: [] };
    if (Array.isArray(v)) return { paths: v.map((_x, i) => [key, i]) };
    if (v instanceof Pending) {
      const cfg = this.refs.configOf(inst)?.expressions[key];
      if (Array.isArray(cfg)) {
        // Materialise each configured block from its constants; the rest stays known only after apply.
        const elements: TfValue[] = cfg.map((b) =>
          Object.fromEntries(
            Object.entries(isObject(b as TfValue) ? (b as Record<string, unknown>) : {}).map(([k, e]) => [
              k,
              e && typeof e === "object" && "constant_value" in e
                ? ((e as { constant_value: TfValue }).constant_value ?? null)
                : new Pending(inst.address),
            ]),
          ),
        );
        (inst.values as Record<string, TfValue>)[key] = elements;
        return { paths: elements.map((_x, i) => [key, i]) };
      }
      return {
        paths: [],
        unknown: unknown(`${describe(inst, [key])} is known only after apply and is not a static block in the configuration`),
      };
    }
    return { paths: [] };
  }

  private protocol(inst: TfInstance, path: Path): Protocol | Unknown {
    const v = this.str(inst, path);
    if (v === undefined) return unknown("no protocol");
    if (isUnknown(v)) return v;
    const s = v.toLowerCase();
    if (s === "-1" || s === "all") return "all";
    if (s in PROTOCOLS) return PROTOCOLS[s] as number;
    const n = Number(s);
    return Number.isInteger(n) ? n : unknown(`unknown protocol ${s}`);
  }

  private ports(inst: TfInstance, protocol: Protocol | Unknown, from: Path, to: Path): PortRange | Unknown {
    if (protocol !== 6 && protocol !== 17) return ALL_PORTS;
    const f = this.num(inst, from);
    const t = this.num(inst, to);
    if (isUnknown(f)) return f;
    if (isUnknown(t)) return t;
    if (f === -1 || t === -1) return ALL_PORTS;
    return { from: Math.max(0, f ?? 0), to: Math.min(65535, t ?? f ?? 65535) };
  }

  // ---- build ---------------------------------------------------------------------------------

  build(instances: readonly TfInstance[]): BuildOutput {
    // Real ids first, so a literal id anywhere resolves to the entity that has it.
    for (const inst of instances) {
      if (inst.mode !== "managed") continue;
      const v = inst.values;
      // aws_default_* share their id with the VPC's default they adopt (see adoptDefault).
      if (inst.type.startsWith("aws_default_")) continue;
      for (const k of ["id", "arn"]) {
        const x = v[k];
        if (typeof x === "string" && x !== "") this.byRealId.set(x, inst.address);
      }
      if (inst.type === "aws_iam_role" && typeof v.name === "string") this.byRealId.set(v.name, inst.address);
      if (inst.type === "aws_eip" && typeof v.allocation_id === "string") this.byRealId.set(v.allocation_id, inst.address);
      // A subnet group is named by its name (which may also be the name of the database that uses it).
      if (SUBNET_GROUP_TYPES.includes(inst.type) && typeof v.name === "string" && v.name !== "")
        this.subnetGroupNames.set(`${inst.type} ${v.name}`, inst.address);
      // Clusters and proxies are named by their identifier or name, which a plan knows before their id.
      if (VPC_RESOURCE_TYPES.includes(inst.type)) {
        for (const k of ["name", "cluster_identifier", "replication_group_id"]) {
          const x = v[k];
          if (typeof x === "string" && x !== "" && !this.byRealId.has(x)) this.byRealId.set(x, inst.address);
        }
      }
      if (inst.type === "aws_vpc") {
        const pairs: [unknown, string][] = [
          [v.main_route_table_id, implicitIds.mainRouteTable(inst.address)],
          [v.default_route_table_id, implicitIds.mainRouteTable(inst.address)],
          [v.default_network_acl_id, implicitIds.defaultNetworkAcl(inst.address)],
          [v.default_security_group_id, implicitIds.defaultSecurityGroup(inst.address)],
        ];
        for (const [real, id] of pairs) if (typeof real === "string" && real !== "") this.byRealId.set(real, id);
      }
    }
    const order: [string, (inst: TfInstance) => void][] = [
      ["aws_vpc", this.vpc],
      ["aws_vpc_ipv4_cidr_block_association", this.vpcCidr],
      ["aws_vpc_ipv6_cidr_block_association", this.vpcCidr],
      ["aws_default_route_table", this.adoptDefault],
      ["aws_default_network_acl", this.adoptDefault],
      ["aws_default_security_group", this.adoptDefault],
      ["aws_subnet", this.subnet],
      ["aws_route_table", this.routeTable],
      ["aws_internet_gateway", this.internetGateway],
      ["aws_internet_gateway_attachment", this.gatewayAttachment],
      ["aws_egress_only_internet_gateway", this.egressOnlyGateway],
      ["aws_eip", this.eip],
      ["aws_eip_association", this.eipAssociation],
      ["aws_nat_gateway", this.natGateway],
      ["aws_security_group", this.securityGroup],
      ["aws_default_security_group", this.securityGroup],
      ["aws_security_group_rule", this.securityGroupRule],
      ["aws_vpc_security_group_ingress_rule", this.vpcSecurityGroupRule],
      ["aws_vpc_security_group_egress_rule", this.vpcSecurityGroupRule],
      ["aws_network_acl", this.networkAcl],
      ["aws_default_network_acl", this.networkAcl],
      ["aws_network_acl_rule", this.networkAclRule],
      ["aws_network_acl_association", this.networkAclAssociation],
      ["aws_network_interface", this.networkInterface],
      ["aws_instance", this.instance],
      ["aws_network_interface_attachment", this.networkInterfaceAttachment],
      ["aws_vpc_endpoint", this.vpcEndpoint],
      ["aws_vpc_endpoint_route_table_association", this.endpointAssociation],
      ["aws_vpc_endpoint_subnet_association", this.endpointAssociation],
      ["aws_vpc_endpoint_security_group_association", this.endpointAssociation],
      ["aws_default_route_table", this.routeTable],
      ["aws_route", this.route],
      ["aws_route_table_association", this.routeTableAssociation],
      ["aws_main_route_table_association", this.mainRouteTableAssociation],
      ["aws_iam_policy", this.iamPolicy],
      ["aws_iam_role", this.role],
      ["aws_iam_role_policy", this.rolePolicy],
      ["aws_iam_role_policy_attachment", this.rolePolicyAttachment],
      ["aws_iam_policy_attachment", this.rolePolicyAttachment],
      ["aws_lambda_capacity_provider", this.capacityProvider],
      ...SUBNET_GROUP_TYPES.map((x): [string, (inst: TfInstance) => void] => [x, this.subnetGroup]),
      ...VPC_RESOURCE_TYPES.map((x): [string, (inst: TfInstance) => void] => [x, this.vpcResource]),
      ["aws_efs_mount_target", this.efsAttachment],
      ["aws_efs_access_point", this.efsAttachment],
      ["aws_lambda_function", this.lambdaFunction],
    ];
    const handled = new Set(order.map(([t]) => t));
    const byType = new Map<string, TfInstance[]>();
    for (const inst of instances) {
      if (inst.mode !== "managed") continue;
      if (!handled.has(inst.type)) {
        if (NETWORK_TYPES_NOT_MODELLED.test(inst.type)) {
          this.report(
            "LOAD_UNSUPPORTED_RESOURCE",
            "info",
            `${inst.type} is not part of the network model yet; verdicts do not account for ${inst.address}`,
            inst,
          );
          if (inst.type === "aws_vpc_dhcp_options_association") this.dhcpAssociations.push(inst);
        }
        continue;
      }
      const list = byType.get(inst.type);
      if (list) list.push(inst);
      else byType.set(inst.type, [inst]);
    }
    for (const [type, handler] of order) {
      for (const inst of byType.get(type) ?? []) {
        try {
          handler.call(this, inst);
        } catch (e) {
          this.report("LOAD_INTERNAL", "error", `could not model ${inst.address}: ${(e as Error).message}`, inst);
        }
      }
    }
    this.finish();
    const entities: Entity[] = [
      ...this.vpcs.values(),
      ...this.subnets.values(),
      ...this.routeTables.values(),
      ...this.igws.values(),
      ...this.nats.values(),
      ...this.sgs.values(),
      ...this.nacls.values(),
      ...this.enis.values(),
      ...this.endpoints.values(),
      ...this.roles.values(),
      ...this.others,
      ...this.vpcResources.finish(),
    ];
    return { entities, diagnostics: this.diagnostics, dependencies: this.dependencies(instances) };
  }

  /**
   * Direct dependencies of an entity: what its configuration refers to and its depends_on,
   * followed through module input variables (what the call passes), module outputs (what they
   * refer to) and the module call's own depends_on, which Terraform orders creation by.
   */
  private dependencies(instances: readonly TfInstance[]): (id: string) => ReadonlySet<string> {
    const byAddress = new Map(instances.map((i) => [i.address, i]));
    const memo = new Map<string, Set<string>>();
    const referencesIn = (root: unknown): string[] => {
      const out: string[] = [];
      const stack: unknown[] = [root];
      while (stack.length > 0) {
        const v = stack.pop();
        if (Array.isArray(v)) stack.push(...v);
        else if (v && typeof v === "object") {
          const refs = (v as { references?: unknown }).references;
          if (Array.isArray(refs)) out.push(...refs.map(String));
          else stack.push(...Object.values(v));
        }
      }
      return out;
    };
    return (id: string) => {
      const known = memo.get(id);
      if (known) return known;
      const deps = new Set<string>();
      memo.set(id, deps);
      const inst = byAddress.get(id);
      const cfg = inst ? this.refs.configOf(inst) : undefined;
      if (!inst || !cfg) return deps;
      type Work = { module: string; path: readonly string[]; text: string };
      const work: Work[] = [...(cfg.depends_on ?? []), ...referencesIn(cfg.expressions)].map((text) => ({
        module: inst.module,
        path: inst.modulePath,
        text,
      }));
      // The depends_on of every module call around the resource.
      for (let p = inst.modulePath, m = inst.module; p.length > 0; p = p.slice(0, -1), m = parentModule(m)) {
        for (const text of this.refs.moduleCall(p)?.depends_on ?? []) work.push({ module: parentModule(m), path: p.slice(0, -1), text });
      }
      const seen = new Set<string>();
      while (work.length > 0 && seen.size < 10_000) {
        const w = work.pop() as Work;
        const key = `${w.module}|${w.text}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const parts = splitAddress(w.text);
        if (parts[0] === "var" && parts[1] !== undefined && w.path.length > 0) {
          const call = this.refs.moduleCall(w.path);
          for (const text of referencesIn(call?.expressions?.[parts[1]]))
            work.push({ module: parentModule(w.module), path: w.path.slice(0, -1), text });
          continue;
        }
        if (parts[0] === "module" && parts[1] !== undefined && parts[2] !== undefined) {
          const [name] = splitKey(parts[1]);
          const childPath = [...w.path, name];
          const out = this.refs.moduleOutput(childPath, parts[2]);
          const child = `${w.module === "" ? "" : `${w.module}.`}module.${parts[1]}`;
          for (const text of referencesIn(out)) work.push({ module: child, path: childPath, text });
          continue;
        }
        const target = (parts[0] === "data" ? parts.slice(0, 3) : parts.slice(0, 2)).map((x) => splitKey(x)[0]).join(".");
        for (const d of this.refs.instancesOf(w.module, target)) if (d.address !== id) deps.add(this.alias.get(d.address) ?? d.address);
      }
      return deps;
    };
  }

  // ---- network -------------------------------------------------------------------------------

  private vpc(inst: TfInstance): void {
    const id = inst.address;
    this.kinds.set(id, "vpc");
    const ipam = this.given(inst, ["ipv4_ipam_pool_id"]);
    const cidr =
      this.cidr(inst, ["cidr_block"]) ?? unknown(ipam ? "allocated from an IPAM pool at apply time" : "the VPC has no cidr_block");
    const cidrs: (Cidr | Unknown)[] = [cidr];
    const ipv6 = get(inst.values, ["ipv6_cidr_block"]);
    const wantsIpv6 =
      this.bool(inst, ["assign_generated_ipv6_cidr_block"], false) === true || this.given(inst, ["ipv6_ipam_pool_id"]) !== undefined;
    if (typeof ipv6 === "string" && ipv6 !== "") cidrs.push(this.cidr(inst, ["ipv6_cidr_block"]) ?? unknown("no block"));
    else if (wantsIpv6) cidrs.push(unknown(`the IPv6 block of ${id} is assigned by AWS at apply time`));
    const dns = this.bool(inst, ["enable_dns_support"], true);
    const hostnames = this.bool(inst, ["enable_dns_hostnames"], false);
    this.vpcs.set(id, {
      kind: "vpc",
      id,
      origin: this.origin(inst),
      cidrs,
      enableDnsSupport: dns === true,
      enableDnsHostnames: hostnames === true,
      mainRouteTableId: implicitIds.mainRouteTable(id),
      defaultNetworkAclId: implicitIds.defaultNetworkAcl(id),
      defaultSecurityGroupId: implicitIds.defaultSecurityGroup(id),
    });
    const dflt = this.origin(inst, undefined, { source: "default", isDefault: true });
    // With an IPv6 block AWS also allows all IPv6 out from the default group.
    const d = vpcDefaults(id, defaultIdsOf(id), dflt, cidrs.length > 1);
    this.routeTables.set(d.routeTable.id, d.routeTable);
    this.nacls.set(d.networkAcl.id, d.networkAcl);
    this.sgs.set(d.securityGroup.id, d.securityGroup);
    const sgId = d.securityGroup.id;
    this.kinds.set(sgId, "security-group");
  }

  private vpcCidr(inst: TfInstance): void {
    const vpcRef = this.ref(inst, ["vpc_id"], "VPC");
    const vpc = typeof vpcRef === "string" ? this.vpcs.get(vpcRef) : undefined;
    if (!vpc) return;
    if (inst.type === "aws_vpc_ipv4_cidr_block_association") {
      vpc.cidrs.push(this.cidr(inst, ["cidr_block"]) ?? unknown("allocated from an IPAM pool at apply time"));
      return;
    }
    const c = get(inst.values, ["ipv6_cidr_block"]);
    vpc.cidrs.push(
      typeof c === "string" && c !== ""
        ? (this.cidr(inst, ["ipv6_cidr_block"]) ?? unknown("none"))
        : unknown(`the IPv6 block of ${inst.address} is assigned at apply time`),
    );
    const sg = this.sgs.get(vpc.defaultSecurityGroupId);
    if (sg && sg.origin.isDefault && !sg.egress.some((r) => r.peer.kind === "cidr" && r.peer.cidr.family === 6)) {
      sg.egress.push({ protocol: "all", ports: ALL_PORTS, peer: { kind: "cidr", cidr: ANY_IPV6 }, origin: sg.origin });
    }
  }

  /** aws_default_route_table / _network_acl / _security_group: the VPC default they adopt. */
  private adoptDefault(inst: TfInstance): void {
    const [key, want] =
      inst.type === "aws_default_route_table"
        ? (["default_route_table_id", "route-table"] as const)
        : inst.type === "aws_default_network_acl"
          ? (["default_network_acl_id", "network-acl"] as const)
          : (["vpc_id", "security-group"] as const);
    const ref = this.ref(inst, [key], key, want);
    const adopted = typeof ref === "string" ? (this.asKind(ref, want) as string) : null;
    const known =
      adopted !== null &&
      (want === "route-table" ? this.routeTables.has(adopted) : want === "network-acl" ? this.nacls.has(adopted) : this.sgs.has(adopted));
    if (!known || adopted === null) {
      this.report(
        "LOAD_UNRESOLVED",
        "warning",
        `${inst.address} adopts a VPC default that is not in this plan${isUnknown(ref) ? ` (${ref.reason})` : ""}; it is left out`,
        inst,
      );
      return;
    }
    this.alias.set(inst.address, adopted);
    if (typeof inst.values.id === "string") this.byRealId.set(inst.values.id, adopted);
  }

  private subnet(inst: TfInstance): void {
    const id = inst.address;
    this.kinds.set(id, "subnet");
    const vpcId = this.ref(inst, ["vpc_id"], "VPC") ?? unknown("the subnet has no vpc_id");
    const azValue = get(inst.values, ["availability_zone"]);
    const az =
      typeof azValue === "string" && azValue !== ""
        ? azValue
        : azValue instanceof Pending && this.refs.hasConfiguration && this.refs.expressionAt(inst, ["availability_zone"]) === undefined
          ? typeof inst.values.availability_zone_id === "string"
            ? inst.values.availability_zone_id
            : unknown(`no availability_zone given: AWS picks one at apply time`)
          : (this.str(inst, ["availability_zone"]) ?? unknown("no availability zone"));
    const ipv6 = this.cidr(inst, ["ipv6_cidr_block"]);
    const mapPublic = this.bool(inst, ["map_public_ip_on_launch"], false);
    const vpcKnown = typeof vpcId === "string";
    this.subnets.set(id, {
      kind: "subnet",
      id,
      origin: this.origin(inst),
      vpcId,
      az,
      cidr:
        this.cidr(inst, ["cidr_block"]) ??
        unknown(this.given(inst, ["ipv6_native"]) === true ? "an IPv6-only subnet" : "the subnet has no IPv4 cidr_block"),
      ipv6Cidrs: ipv6 === undefined ? [] : [ipv6],
      mapPublicIpOnLaunch: mapPublic === true,
      ...(isUnknown(mapPublic) ? { mapPublicIpOnLaunchUnknown: mapPublic } : {}),
      ipv6Native: this.bool(inst, ["ipv6_native"], false) === true,
      routeTableId: vpcKnown ? implicitIds.mainRouteTable(vpcId) : unknown(`the subnet's VPC is unknown: ${vpcId.reason}`),
      routeTableIsMain: true,
      networkAclId: vpcKnown ? implicitIds.defaultNetworkAcl(vpcId) : unknown(`the subnet's VPC is unknown: ${vpcId.reason}`),
      networkAclIsDefault: true,
    });
  }

  private routeTable(inst: TfInstance): void {
    let rt: (Mutable<RouteTable> & { routes: Route[] }) | undefined;
    if (inst.type === "aws_default_route_table") {
      rt = this.routeTables.get(this.alias.get(inst.address) ?? "");
      if (!rt) return;
      // The provider replaces every route of the adopted table with the configured ones.
      rt.routes = [];
      rt.origin = { ...this.origin(inst), isDefault: false };
    } else {
      rt = {
        kind: "route-table",
        id: inst.address,
        origin: this.origin(inst),
        vpcId: this.ref(inst, ["vpc_id"], "VPC") ?? unknown("no vpc_id"),
        isMain: false,
        routes: [],
      };
      this.routeTables.set(inst.address, rt);
      this.kinds.set(inst.address, "route-table");
    }
    const { paths, unknown: u } = this.blocks(inst, "route");
    if (u)
      rt.routes.push({
        destination: { kind: "unknown", reason: u.reason },
        target: { kind: "none", reason: u.reason },
        state: "active",
        origin: this.origin(inst, ["route"]),
      });
    for (const p of paths) {
      const r = this.routeOf(inst, p, {
        cidr: "cidr_block",
        ipv6: "ipv6_cidr_block",
        prefixList: "destination_prefix_list_id",
      });
      if (r) rt.routes.push(r);
    }
  }

  private routeOf(inst: TfInstance, base: Path, keys: { cidr: string; ipv6: string; prefixList: string }): Route | null {
    let destination: Route["destination"];
    const c = this.cidr(inst, [...base, keys.cidr]) ?? this.cidr(inst, [...base, keys.ipv6]);
    const pl = this.str(inst, [...base, keys.prefixList]);
    if (c !== undefined) destination = isUnknown(c) ? { kind: "unknown", reason: c.reason } : { kind: "cidr", cidr: c };
    else if (pl !== undefined) {
      destination = isUnknown(pl)
        ? { kind: "unknown", reason: pl.reason }
        : { kind: "prefix-list", id: pl, cidrs: unknown(`the entries of prefix list ${pl} are not in this plan`) };
    } else {
      this.report("LOAD_INVALID_VALUE", "error", `${describe(inst, base)} has no destination`, inst);
      return null;
    }
    const target = this.routeTarget(inst, base);
    return { destination, target, state: target.kind === "none" ? "blackhole" : "active", origin: this.origin(inst, base) };
  }

  private routeTarget(inst: TfInstance, base: Path): RouteTarget {
    const targets: [string, RouteTarget["kind"], EntityKind?][] = [
      ["nat_gateway_id", "nat-gateway"],
      ["egress_only_gateway_id", "egress-only-internet-gateway"],
      ["network_interface_id", "network-interface"],
      ["instance_id", "instance"],
      ["vpc_endpoint_id", "vpc-endpoint"],
      ["vpc_peering_connection_id", "vpc-peering-connection"],
      ["transit_gateway_id", "transit-gateway"],
      ["carrier_gateway_id", "carrier-gateway"],
      ["local_gateway_id", "local-gateway"],
      ["core_network_arn", "core-network"],
    ];
    const gw = this.given(inst, [...base, "gateway_id"]);
    if (gw !== undefined) {
      if (gw === "local") return { kind: "local" };
      const ref = this.ref(inst, [...base, "gateway_id"], "gateway") ?? unknown("empty gateway_id");
      const isVgw = (typeof gw === "string" && gw.startsWith("vgw-")) || (typeof ref === "string" && /(^|\.)aws_vpn_gateway\./.test(ref));
      return { kind: isVgw ? "vpn-gateway" : "internet-gateway", id: ref } as RouteTarget;
    }
    const given = targets.filter(([k]) => this.given(inst, [...base, k]) !== undefined);
    if (given.length === 0) {
      this.report("LOAD_INVALID_VALUE", "error", `${describe(inst, base)} has no target; AWS rejects such a route`, inst);
      return { kind: "none", reason: "the route has no target" };
    }
    if (given.length > 1) this.report("LOAD_INVALID_VALUE", "error", `${describe(inst, base)} names more than one target`, inst);
    const [key, kind] = given[0] as [string, RouteTarget["kind"]];
    const id = this.ref(inst, [...base, key], key.replace(/_id$|_arn$/, "").replace(/_/g, " ")) ?? unknown(`empty ${key}`);
    // `network_interface_id = aws_instance.nat.primary_network_interface_id`: the instance's own interface.
    if (kind === "network-interface" && typeof id === "string" && /(^|\.)aws_instance\.[^.]+$/.test(id))
      return { kind: "instance", id } as RouteTarget;
    return { kind, id } as RouteTarget;
  }

  private route(inst: TfInstance): void {
    const rtRef = this.ref(inst, ["route_table_id"], "route table", "route-table");
    const rt = typeof rtRef === "string" ? this.routeTables.get(rtRef) : undefined;
    if (!rt) {
      this.report(
        "LOAD_UNRESOLVED",
        "warning",
        `${inst.address} belongs to a route table that is not in this plan${isUnknown(rtRef) ? ` (${rtRef.reason})` : ""}`,
        inst,
      );
      return;
    }
    const r = this.routeOf(inst, [], {
      cidr: "destination_cidr_block",
      ipv6: "destination_ipv6_cidr_block",
      prefixList: "destination_prefix_list_id",
    });
    if (!r) return;
    // A state lists the routes of aws_route resources in the table's own `route` too: keep one.
    const same = (x: Route) =>
      x.destination.kind === r.destination.kind &&
      (x.destination.kind === "cidr" && r.destination.kind === "cidr"
        ? x.destination.cidr.text === r.destination.cidr.text
        : x.destination.kind === "prefix-list" && r.destination.kind === "prefix-list" && x.destination.id === r.destination.id);
    rt.routes = rt.routes.filter((x) => !same(x));
    rt.routes.push(r);
  }

  private routeTableAssociation(inst: TfInstance): void {
    if (this.given(inst, ["gateway_id"]) !== undefined && this.given(inst, ["subnet_id"]) === undefined) return; // an edge association
    const subnetRef = this.ref(inst, ["subnet_id"], "subnet");
    const subnet = typeof subnetRef === "string" ? this.subnets.get(subnetRef) : undefined;
    const rt = this.ref(inst, ["route_table_id"], "route table", "route-table");
    if (!subnet) {
      if (isUnknown(subnetRef)) {
        // Which subnet it is is not certain: every subnet it may be loses its certainty.
        this.report(
          "LOAD_UNRESOLVED",
          "warning",
          `${inst.address} associates a subnet the plan does not determine: ${subnetRef.reason}`,
          inst,
        );
        this.unsureAssociations.push({ inst, reason: subnetRef.reason });
      } else this.report("LOAD_UNRESOLVED", "info", `${inst.address} associates a subnet that is not in this plan`, inst);
      return;
    }
    if (!subnet.routeTableIsMain) {
      this.report("LOAD_INVALID_VALUE", "error", `subnet ${subnet.id} is associated with two route tables; AWS allows one`, inst);
      return;
    }
    subnet.routeTableId = rt ?? unknown("empty route_table_id");
    subnet.routeTableIsMain = false;
    subnet.routeTableOrigin = this.origin(inst);
  }

  private readonly unsureAssociations: { inst: TfInstance; reason: string }[] = [];

  private mainRouteTableAssociation(inst: TfInstance): void {
    const vpcRef = this.ref(inst, ["vpc_id"], "VPC");
    const vpc = typeof vpcRef === "string" ? this.vpcs.get(vpcRef) : undefined;
    const rt = this.ref(inst, ["route_table_id"], "route table", "route-table");
    if (!vpc) return;
    // The VPC's main route table becomes this one: subnets without an explicit association follow it.
    const main = this.routeTables.get(vpc.mainRouteTableId);
    const table = typeof rt === "string" ? this.routeTables.get(rt) : undefined;
    if (main) main.isMain = false;
    if (table) table.isMain = true;
    for (const s of this.subnets.values()) {
      if (s.vpcId === vpc.id && s.routeTableIsMain) {
        s.routeTableId = rt ?? unknown("empty route_table_id");
        s.routeTableOrigin = this.origin(inst);
      }
    }
  }

  private internetGateway(inst: TfInstance): void {
    const vpc = this.ref(inst, ["vpc_id"], "VPC");
    this.igws.set(inst.address, {
      kind: "internet-gateway",
      id: inst.address,
      origin: this.origin(inst),
      attachedVpcIds: vpc === null ? [] : [vpc],
      ...(vpc === null ? {} : { attachmentOrigin: this.origin(inst, ["vpc_id"]) }),
    });
  }

  private gatewayAttachment(inst: TfInstance): void {
    const igwRef = this.ref(inst, ["internet_gateway_id"], "internet gateway");
    const igw = typeof igwRef === "string" ? this.igws.get(igwRef) : undefined;
    const vpc = this.ref(inst, ["vpc_id"], "VPC");
    if (igw && vpc !== null) {
      igw.attachedVpcIds.push(vpc);
      igw.attachmentOrigin = this.origin(inst);
    }
  }

  private egressOnlyGateway(inst: TfInstance): void {
    this.others.push({
      kind: "egress-only-internet-gateway",
      id: inst.address,
      origin: this.origin(inst),
      vpcId: this.ref(inst, ["vpc_id"], "VPC") ?? unknown("no vpc_id"),
    });
  }

  private eip(inst: TfInstance): void {
    const ip = get(inst.values, ["public_ip"]);
    const publicIp = typeof ip === "string" && ip !== "" ? ip : null;
    this.others.push({ kind: "elastic-ip", id: inst.address, origin: this.origin(inst), publicIp });
    this.eips.set(inst.address, { id: inst.address, publicIp });
    const addr: PublicAddress = { kind: "elastic-ip", eipId: inst.address, publicIp };
    const instance = this.ref(inst, ["instance"], "instance");
    if (typeof instance === "string") this.instanceEips.set(instance, addr);
    const eni = this.ref(inst, ["network_interface"], "network interface");
    if (typeof eni === "string") this.eniEips.set(eni, addr);
  }

  /** A public address from an allocation id: the EIP it names, with its address when known. */
  private allocation(inst: TfInstance, path: Path, fallbackIp: string | null): PublicAddress | null {
    const ref = this.ref(inst, path, "Elastic IP allocation");
    if (ref === null) return null;
    if (typeof ref === "string") {
      const eip = this.eips.get(ref);
      if (!eip) {
        this.report("LOAD_INVALID_VALUE", "error", `${describe(inst, path)} refers to ${ref}, which is not an Elastic IP`, inst);
        return { kind: "unknown", reason: `${describe(inst, path)} refers to ${ref}, which is not an Elastic IP` };
      }
      return { kind: "elastic-ip", eipId: ref, publicIp: eip.publicIp ?? fallbackIp };
    }
    if (ref.literal !== undefined) return { kind: "allocation", allocationId: ref.literal, publicIp: fallbackIp };
    return { kind: "unknown", reason: ref.reason };
  }

  private eipAssociation(inst: TfInstance): void {
    const addr = this.allocation(inst, ["allocation_id"], typeof inst.values.public_ip === "string" ? inst.values.public_ip : null);
    if (!addr) {
      this.report("LOAD_INVALID_VALUE", "warning", `${inst.address} names no Elastic IP allocation`, inst);
      return;
    }
    const instance = this.ref(inst, ["instance_id"], "instance");
    if (typeof instance === "string") this.instanceEips.set(instance, addr);
    const eni = this.ref(inst, ["network_interface_id"], "network interface");
    if (typeof eni === "string") this.eniEips.set(eni, addr);
  }

  private natGateway(inst: TfInstance): void {
    const connectivity = this.str(inst, ["connectivity_type"]) === "private" ? "private" : "public";
    const availability = this.str(inst, ["availability_mode"]) === "regional" ? "regional" : "zonal";
    const ip = get(inst.values, ["public_ip"]);
    const publicIp = typeof ip === "string" && ip !== "" ? ip : null;
    const addresses: PublicAddress[] = [];
    let regionalAzs: NatGateway["regionalAzs"] = "auto";
    if (availability === "regional") {
      const { paths } = this.blocks(inst, "availability_zone_address");
      if (paths.length > 0) {
        const azs: (string | Unknown)[] = [];
        regionalAzs = azs;
        for (const p of paths) {
          const az = this.str(inst, [...p, "availability_zone"]) ?? this.str(inst, [...p, "availability_zone_id"]);
          azs.push(az ?? unknown("no availability zone"));
          const ids = this.refList(inst, [...p, "allocation_ids"], "Elastic IP allocation");
          if (isUnknown(ids)) addresses.push({ kind: "unknown", reason: ids.reason });
          else for (const x of ids) addresses.push(this.addressOf(x, null));
        }
      }
    } else {
      const main = this.allocation(inst, ["allocation_id"], publicIp);
      if (main) addresses.push(main);
    }
    const secondary = this.refList(inst, ["secondary_allocation_ids"], "Elastic IP allocation");
    if (isUnknown(secondary)) addresses.push({ kind: "unknown", reason: secondary.reason });
    else for (const x of secondary) addresses.push(this.addressOf(x, null));
    if (connectivity === "public" && availability === "zonal" && addresses.length === 0) {
      this.report(
        "LOAD_INVALID_VALUE",
        "error",
        `public NAT gateway ${inst.address} has no allocation_id; AWS requires an Elastic IP for it`,
        inst,
      );
    }
    this.nats.set(inst.address, {
      kind: "nat-gateway",
      id: inst.address,
      origin: this.origin(inst),
      vpcId: this.ref(inst, ["vpc_id"], "VPC") ?? unknown("not yet known"),
      connectivity,
      availability,
      subnetId: availability === "zonal" ? (this.ref(inst, ["subnet_id"], "subnet") ?? unknown("no subnet_id")) : null,
      addresses,
      regionalAzs,
    });
  }

  private addressOf(ref: EntityRef, publicIp: string | null): PublicAddress {
    if (typeof ref === "string") return { kind: "elastic-ip", eipId: ref, publicIp: this.eips.get(ref)?.publicIp ?? publicIp };
    return ref.literal !== undefined
      ? { kind: "allocation", allocationId: ref.literal, publicIp }
      : { kind: "unknown", reason: ref.reason };
  }

  // ---- security groups and network ACLs ------------------------------------------------------

  /** The rules of one inline block (aws_security_group ingress/egress), one per peer. */
  private inlineSgRules(inst: TfInstance, base: Path, selfId: string): SecurityGroupRule[] {
    const protocol = this.protocol(inst, [...base, "protocol"]);
    const ports = this.ports(inst, protocol, [...base, "from_port"], [...base, "to_port"]);
    const origin = this.origin(inst, base);
    const out: SecurityGroupRule[] = [];
    const push = (peer: SecurityGroupRule["peer"]) => out.push({ protocol, ports, peer, origin });
    for (const key of ["cidr_blocks", "ipv6_cidr_blocks"]) {
      const v = this.given(inst, [...base, key]);
      if (Array.isArray(v)) v.forEach((_x, i) => this.pushCidrPeer(inst, [...base, key, i], push));
      else if (v instanceof Pending) push({ kind: "unknown", reason: this.pendingReason(inst, [...base, key]).reason });
    }
    const pls = this.refList(inst, [...base, "prefix_list_ids"], "prefix list");
    if (isUnknown(pls)) push({ kind: "unknown", reason: pls.reason });
    else for (const id of pls) push({ kind: "prefix-list", id });
    const groups = this.refList(inst, [...base, "security_groups"], "security group", "security-group");
    if (isUnknown(groups)) push({ kind: "unknown", reason: groups.reason });
    else for (const id of groups) push({ kind: "security-group", id });
    const self = this.bool(inst, [...base, "self"], false);
    if (self === true) push({ kind: "security-group", id: selfId });
    else if (isUnknown(self)) push({ kind: "unknown", reason: self.reason });
    return out;
  }

  private pushCidrPeer(inst: TfInstance, path: Path, push: (peer: SecurityGroupRule["peer"]) => void): void {
    const c = this.cidr(inst, path);
    if (c === undefined) return;
    push(isUnknown(c) ? { kind: "unknown", reason: c.reason } : { kind: "cidr", cidr: c });
  }

  private securityGroup(inst: TfInstance): void {
    let sg: (Mutable<SecurityGroup> & { ingress: SecurityGroupRule[]; egress: SecurityGroupRule[] }) | undefined;
    if (inst.type === "aws_default_security_group") {
      sg = this.sgs.get(this.alias.get(inst.address) ?? "");
      if (!sg) return;
      // The provider removes every rule of the default group, then adds the configured ones.
      sg.ingress = [];
      sg.egress = [];
      sg.origin = this.origin(inst);
    } else {
      sg = {
        kind: "security-group",
        id: inst.address,
        origin: this.origin(inst),
        vpcId: this.ref(inst, ["vpc_id"], "VPC"),
        ingress: [],
        egress: [],
      };
      this.sgs.set(inst.address, sg);
      this.kinds.set(inst.address, "security-group");
    }
    for (const dir of ["ingress", "egress"] as const) {
      const { paths, unknown: u } = this.blocks(inst, dir);
      if (u) sg[dir].push({ protocol: u, ports: u, peer: { kind: "unknown", reason: u.reason }, origin: this.origin(inst, [dir]) });
      for (const p of paths) sg[dir].push(...this.inlineSgRules(inst, p, sg.id));
    }
    // No default egress: the AWS provider revokes the allow-all rule AWS adds to a new group.
  }

  private ruleTarget(
    inst: TfInstance,
    key: string,
  ): (Mutable<SecurityGroup> & { ingress: SecurityGroupRule[]; egress: SecurityGroupRule[] }) | undefined {
    const ref = this.ref(inst, [key], "security group", "security-group");
    const sg = typeof ref === "string" ? this.sgs.get(ref) : undefined;
    if (!sg) {
      this.report(
        "LOAD_UNRESOLVED",
        isUnknown(ref) && ref.literal === undefined ? "warning" : "info",
        `${inst.address} adds a rule to a security group that is not in this plan${isUnknown(ref) ? ` (${ref.reason})` : ""}`,
        inst,
      );
    }
    return sg;
  }

  private securityGroupRule(inst: TfInstance): void {
    const sg = this.ruleTarget(inst, "security_group_id");
    if (!sg) return;
    const type = this.str(inst, ["type"]);
    const dir = type === "egress" ? "egress" : "ingress";
    const rules = this.inlineSgRules(inst, [], sg.id);
    const source = this.ref(inst, ["source_security_group_id"], "security group", "security-group");
    if (source !== null) {
      const protocol = this.protocol(inst, ["protocol"]);
      rules.push({
        protocol,
        ports: this.ports(inst, protocol, ["from_port"], ["to_port"]),
        peer: { kind: "security-group", id: source },
        origin: this.origin(inst),
      });
    }
    this.addRules(sg[dir], rules);
  }

  /** Adds rules a rule resource defines; a state or plan lists them in the group's own rules too: keep one of each. */
  private addRules(list: SecurityGroupRule[], rules: readonly SecurityGroupRule[]): void {
    const peer = (p: SecurityGroupRule["peer"]) =>
      p.kind === "cidr" ? p.cidr.text : p.kind === "unknown" ? p.reason : typeof p.id === "string" ? p.id : p.id.reason;
    const key = (r: SecurityGroupRule) => JSON.stringify([r.protocol, r.ports, r.peer.kind, peer(r.peer)]);
    for (const r of rules) {
      const k = key(r);
      const i = list.findIndex((x) => key(x) === k);
      if (i >= 0)
        list[i] = r; // the rule resource is the more precise origin
      else list.push(r);
    }
  }

  private vpcSecurityGroupRule(inst: TfInstance): void {
    const sg = this.ruleTarget(inst, "security_group_id");
    if (!sg) return;
    const dir = inst.type === "aws_vpc_security_group_egress_rule" ? "egress" : "ingress";
    const protocol = this.protocol(inst, ["ip_protocol"]);
    const ports = this.ports(inst, protocol, ["from_port"], ["to_port"]);
    let peer: SecurityGroupRule["peer"] | undefined;
    const c = this.cidr(inst, ["cidr_ipv4"]) ?? this.cidr(inst, ["cidr_ipv6"]);
    if (c !== undefined) peer = isUnknown(c) ? { kind: "unknown", reason: c.reason } : { kind: "cidr", cidr: c };
    else {
      const pl = this.ref(inst, ["prefix_list_id"], "prefix list");
      const group = this.ref(inst, ["referenced_security_group_id"], "security group", "security-group");
      if (pl !== null) peer = { kind: "prefix-list", id: pl };
      else if (group !== null) peer = { kind: "security-group", id: group };
    }
    if (!peer) {
      this.report("LOAD_INVALID_VALUE", "warning", `${inst.address} names no peer (CIDR, group or prefix list)`, inst);
      return;
    }
    this.addRules(sg[dir], [{ protocol, ports, peer, origin: this.origin(inst) }]);
  }

  private networkAcl(inst: TfInstance): void {
    let acl: (Mutable<NetworkAcl> & { entries: NetworkAclEntry[] }) | undefined;
    if (inst.type === "aws_default_network_acl") {
      acl = this.nacls.get(this.alias.get(inst.address) ?? "");
      if (!acl) return;
      // The provider removes every rule of the default ACL, then adds the configured ones.
      acl.entries = [];
      acl.origin = { ...this.origin(inst), isDefault: false };
    } else {
      acl = {
        kind: "network-acl",
        id: inst.address,
        origin: this.origin(inst),
        vpcId: this.ref(inst, ["vpc_id"], "VPC") ?? unknown("no vpc_id"),
        isDefault: false,
        entries: [],
      };
      this.nacls.set(inst.address, acl);
      this.kinds.set(inst.address, "network-acl");
    }
    for (const dir of ["ingress", "egress"] as const) {
      const { paths, unknown: u } = this.blocks(inst, dir);
      if (u) this.report("LOAD_UNRESOLVED", "warning", `${u.reason}; the rules of ${inst.address} are incomplete`, inst);
      for (const p of paths) {
        const protocol = this.protocol(inst, [...p, "protocol"]);
        const rn = this.num(inst, [...p, "rule_no"]);
        const c = this.cidr(inst, [...p, "cidr_block"]) ?? this.cidr(inst, [...p, "ipv6_cidr_block"]);
        acl.entries.push({
          ruleNumber: typeof rn === "number" ? rn : 0,
          egress: dir === "egress",
          action: String(this.str(inst, [...p, "action"])).toLowerCase() === "deny" ? "deny" : "allow",
          protocol,
          ports: this.ports(inst, protocol, [...p, "from_port"], [...p, "to_port"]),
          cidr: c ?? unknown("no CIDR"),
          origin: this.origin(inst, p),
        });
      }
    }
    const subnets = this.refList(inst, ["subnet_ids"], "subnet");
    if (!isUnknown(subnets)) for (const s of subnets) this.associateAcl(s, acl.id);
  }

  private associateAcl(subnetRef: EntityRef, aclId: EntityRef): void {
    const subnet = typeof subnetRef === "string" ? this.subnets.get(subnetRef) : undefined;
    if (!subnet) return;
    subnet.networkAclId = aclId;
    subnet.networkAclIsDefault = typeof aclId === "string" && this.nacls.get(aclId)?.isDefault === true;
  }

  private networkAclRule(inst: TfInstance): void {
    const ref = this.ref(inst, ["network_acl_id"], "network ACL", "network-acl");
    const acl = typeof ref === "string" ? this.nacls.get(ref) : undefined;
    if (!acl) {
      this.report("LOAD_UNRESOLVED", "warning", `${inst.address} belongs to a network ACL that is not in this plan`, inst);
      return;
    }
    const protocol = this.protocol(inst, ["protocol"]);
    const rn = this.num(inst, ["rule_number"]);
    const c = this.cidr(inst, ["cidr_block"]) ?? this.cidr(inst, ["ipv6_cidr_block"]);
    acl.entries.push({
      ruleNumber: typeof rn === "number" ? rn : 0,
      egress: this.bool(inst, ["egress"], false) === true,
      action: String(this.str(inst, ["rule_action"])).toLowerCase() === "deny" ? "deny" : "allow",
      protocol,
      ports: this.ports(inst, protocol, ["from_port"], ["to_port"]),
      cidr: c ?? unknown("no CIDR"),
      origin: this.origin(inst),
    });
  }

  private networkAclAssociation(inst: TfInstance): void {
    const acl = this.ref(inst, ["network_acl_id"], "network ACL", "network-acl");
    const subnet = this.ref(inst, ["subnet_id"], "subnet");
    if (subnet !== null) this.associateAcl(subnet, acl ?? unknown("empty network_acl_id"));
  }

  // ---- instances and interfaces (NAT instances) ----------------------------------------------

  private networkInterface(inst: TfInstance): void {
    const sgs = this.refList(inst, ["security_groups"], "security group", "security-group");
    const attached = this.ref(inst, ["attachment", 0, "instance"], "instance");
    this.enis.set(inst.address, {
      kind: "network-interface",
      id: inst.address,
      origin: this.origin(inst),
      subnetId: this.ref(inst, ["subnet_id"], "subnet") ?? unknown("no subnet_id"),
      securityGroupIds: isUnknown(sgs) ? [sgs] : sgs,
      sourceDestCheck: this.bool(inst, ["source_dest_check"], true),
      instanceId: typeof attached === "string" ? attached : null,
      publicAddress: this.eniEips.get(inst.address) ?? null,
    });
  }

  private instance(inst: TfInstance): void {
    let subnetId: EntityRef = this.ref(inst, ["subnet_id"], "subnet") ?? unknown("no subnet_id: AWS picks the default subnet");
    let sgs = this.refList(inst, ["vpc_security_group_ids"], "security group", "security-group");
    let publicAddress: PublicAddress | null = this.instanceEips.get(inst.address) ?? null;
    const eniIds: string[] = [];
    const { paths } = this.blocks(inst, "network_interface");
    for (const p of paths) {
      const eniRef = this.ref(inst, [...p, "network_interface_id"], "network interface");
      if (typeof eniRef !== "string") continue;
      eniIds.push(eniRef);
      const eni = this.enis.get(eniRef);
      if (eni && Number(get(inst.values, [...p, "device_index"]) ?? 0) === 0) {
        subnetId = eni.subnetId;
        sgs = [...eni.securityGroupIds];
        eni.instanceId = inst.address;
        publicAddress ??= eni.publicAddress;
      }
    }
    if (!publicAddress && this.bool(inst, ["associate_public_ip_address"], false) === true) publicAddress = { kind: "auto-assigned" };
    const type = this.str(inst, ["instance_type"]);
    this.others.push({
      kind: "instance",
      id: inst.address,
      origin: this.origin(inst),
      subnetId,
      securityGroupIds: isUnknown(sgs) ? [sgs] : sgs,
      sourceDestCheck: this.bool(inst, ["source_dest_check"], true),
      publicAddress,
      networkInterfaceIds: eniIds,
      instanceType:
        type ??
        (this.given(inst, ["launch_template"]) ? unknown("the instance type comes from the launch template") : DEFAULT_INSTANCE_TYPE),
    });
  }

  private networkInterfaceAttachment(inst: TfInstance): void {
    const eniRef = this.ref(inst, ["network_interface_id"], "network interface");
    const eni = typeof eniRef === "string" ? this.enis.get(eniRef) : undefined;
    const instance = this.ref(inst, ["instance_id"], "instance");
    if (eni && typeof instance === "string") eni.instanceId = instance;
  }

  // ---- VPC endpoints -------------------------------------------------------------------------

  private vpcEndpoint(inst: TfInstance): void {
    const typeValue = this.str(inst, ["vpc_endpoint_type"]) ?? "Gateway";
    const type: VpcEndpoint["type"] = isUnknown(typeValue)
      ? typeValue
      : ENDPOINT_TYPES.has(typeValue)
        ? (typeValue as VpcEndpoint["type"] & string)
        : unknown(`vpc_endpoint_type ${JSON.stringify(typeValue)} is not a known endpoint type`);
    const serviceName = this.str(inst, ["service_name"]) ?? unknown("no service_name");
    const service = typeof serviceName === "string" ? awsServiceOfEndpoint(serviceName, this.region) : serviceName;
    const policy = this.given(inst, ["policy"]);
    const inbound = get(inst.values, ["dns_options", 0, "private_dns_only_for_inbound_resolver_endpoint"]);
    this.endpoints.set(inst.address, {
      kind: "vpc-endpoint",
      id: inst.address,
      origin: this.origin(inst),
      vpcId: this.ref(inst, ["vpc_id"], "VPC") ?? unknown("the endpoint has no vpc_id"),
      type,
      serviceName,
      service,
      // The provider's default is false.
      privateDnsEnabled: type === "Interface" ? this.bool(inst, ["private_dns_enabled"], false) : false,
      privateDnsInboundOnly: inbound === true,
      subnetIds: type === "Interface" ? this.refList(inst, ["subnet_ids"], "subnet") : [],
      securityGroupIds: type === "Interface" ? this.refList(inst, ["security_group_ids"], "security group", "security-group") : [],
      routeTableIds: type === "Gateway" ? this.refList(inst, ["route_table_ids"], "route table", "route-table") : [],
      hasCustomPolicy: typeof policy === "string" ? !isDefaultEndpointPolicy(policy, service) : policy instanceof Pending,
    });
    if (!isUnknown(type) && type !== "Interface" && type !== "Gateway") {
      this.report(
        "LOAD_UNSUPPORTED_RESOURCE",
        "info",
        `${inst.address} is a ${type} endpoint, which is not part of the network model yet`,
        inst,
      );
    }
  }

  private endpointAssociation(inst: TfInstance): void {
    const ref = this.ref(inst, ["vpc_endpoint_id"], "VPC endpoint");
    const ep = typeof ref === "string" ? this.endpoints.get(ref) : undefined;
    if (!ep) {
      this.report("LOAD_UNRESOLVED", "warning", `${inst.address} belongs to a VPC endpoint that is not in this plan`, inst);
      return;
    }
    const add = (key: "routeTableIds" | "subnetIds" | "securityGroupIds", v: EntityRef | null) => {
      if (v === null) return;
      const list = ep[key];
      ep[key] = isUnknown(list) ? list : [...list, v];
    };
    if (inst.type === "aws_vpc_endpoint_route_table_association")
      add("routeTableIds", this.ref(inst, ["route_table_id"], "route table", "route-table"));
    else if (inst.type === "aws_vpc_endpoint_subnet_association") add("subnetIds", this.ref(inst, ["subnet_id"], "subnet"));
    else add("securityGroupIds", this.ref(inst, ["security_group_id"], "security group", "security-group"));
  }

  // ---- IAM and Lambda ------------------------------------------------------------------------

  private statements(inst: TfInstance, path: Path): PolicyStatement[] | Unknown {
    const v = this.str(inst, path);
    if (v === undefined) return [];
    if (isUnknown(v)) return v;
    let doc: unknown;
    try {
      doc = JSON.parse(v);
    } catch {
      this.report("LOAD_INVALID_VALUE", "error", `${describe(inst, path)} is not a JSON policy document`, inst);
      return unknown("the policy is not JSON");
    }
    const st = isObject(doc as TfValue) ? (doc as Record<string, unknown>).Statement : undefined;
    const list = Array.isArray(st) ? st : st ? [st] : [];
    const strings = (x: unknown): string[] =>
      x === undefined ? [] : (Array.isArray(x) ? x : [x]).map((y) => (typeof y === "string" ? y : "?"));
    return list
      .filter((s): s is Record<string, unknown> => typeof s === "object" && s !== null && !Array.isArray(s))
      .map((s) => {
        const cond = typeof s.Condition === "object" && s.Condition !== null ? (s.Condition as Record<string, unknown>) : {};
        const conditionKeys = Object.values(cond).flatMap((o) => (typeof o === "object" && o !== null ? Object.keys(o) : []));
        return {
          effect: s.Effect === "Deny" ? ("Deny" as const) : ("Allow" as const),
          actions: strings(s.Action),
          ...(s.NotAction !== undefined ? { notActions: strings(s.NotAction) } : {}),
          resources: s.NotResource !== undefined ? unknown("the statement uses NotResource") : strings(s.Resource ?? []),
          hasCondition: conditionKeys.length > 0,
          conditionKeys,
          origin: this.origin(inst, path),
        };
      });
  }

  private iamPolicy(inst: TfInstance): void {
    this.policies.set(inst.address, this.statements(inst, ["policy"]));
  }

  private role(inst: TfInstance): void {
    const statements: PolicyStatement[] = [];
    const unknownPolicies: string[] = [];
    const { paths, unknown: u } = this.blocks(inst, "inline_policy");
    if (u) unknownPolicies.push(u.reason);
    for (const p of paths) {
      const s = this.statements(inst, [...p, "policy"]);
      if (isUnknown(s)) unknownPolicies.push(s.reason);
      else statements.push(...s);
    }
    const arns = this.given(inst, ["managed_policy_arns"]);
    if (arns instanceof Pending) {
      const e = this.refs.expressionAt(inst, ["managed_policy_arns"]);
      if (e !== undefined) unknownPolicies.push(this.pendingReason(inst, ["managed_policy_arns"]).reason);
    } else if (Array.isArray(arns)) {
      for (const a of arns) if (typeof a === "string") this.managedPolicy(inst, a, statements, unknownPolicies, ["managed_policy_arns"]);
    }
    this.roles.set(inst.address, {
      kind: "role",
      id: inst.address,
      origin: this.origin(inst),
      statements,
      unknownPolicies,
      attachedPolicyResources: [],
    });
  }

  private managedPolicy(inst: TfInstance, arn: string, statements: PolicyStatement[], unknownPolicies: string[], path: Path): void {
    const own = this.byRealId.get(arn);
    const ownStatements = own ? this.policies.get(own) : undefined;
    if (ownStatements) {
      if (isUnknown(ownStatements)) unknownPolicies.push(ownStatements.reason);
      else statements.push(...ownStatements);
      return;
    }
    const name = awsManagedPolicyName(arn);
    const actions = name ? MANAGED_POLICY_ACTIONS[name] : undefined;
    if (actions) {
      statements.push({
        effect: "Allow",
        actions,
        resources: ["*"],
        hasCondition: false,
        conditionKeys: [],
        origin: this.origin(inst, path, { path: `${describe(inst, path).slice(inst.address.length + 1)} (${name})` }),
        policy: { kind: "aws-managed-policy", name: name as string },
      });
    } else unknownPolicies.push(arn);
  }

  private roleOf(
    inst: TfInstance,
    path: Path,
  ): (Mutable<Role> & { statements: PolicyStatement[]; unknownPolicies: string[]; attachedPolicyResources: string[] }) | undefined {
    const ref = this.ref(inst, path, "role");
    return typeof ref === "string" ? this.roles.get(ref) : undefined;
  }

  private rolePolicy(inst: TfInstance): void {
    const role = this.roleOf(inst, ["role"]);
    if (!role) return;
    const s = this.statements(inst, ["policy"]);
    if (isUnknown(s)) role.unknownPolicies.push(s.reason);
    else role.statements.push(...s);
    role.attachedPolicyResources.push(inst.address);
  }

  private rolePolicyAttachment(inst: TfInstance): void {
    const roles =
      inst.type === "aws_iam_policy_attachment"
        ? (() => {
            const list = this.refList(inst, ["roles"], "role");
            // Roles not known: the policy may be attached to any role, so every role's policies are unknown.
            return isUnknown(list) ? [...this.roles.values()] : list.map((r) => (typeof r === "string" ? this.roles.get(r) : undefined));
          })()
        : [this.roleOf(inst, ["role"])];
    const arn = this.given(inst, ["policy_arn"]);
    let resolvedArn: string | null = typeof arn === "string" ? arn : null;
    let viaRef: string | null = null;
    if (arn instanceof Pending) {
      const ref = this.ref(inst, ["policy_arn"], "policy");
      if (typeof ref === "string") viaRef = ref;
      else resolvedArn = null;
    }
    for (const role of roles) {
      if (!role) continue;
      if (viaRef) {
        const st = this.policies.get(viaRef);
        if (!st) role.unknownPolicies.push(viaRef);
        else if (isUnknown(st)) role.unknownPolicies.push(st.reason);
        else role.statements.push(...st);
      } else if (resolvedArn) this.managedPolicy(inst, resolvedArn, role.statements, role.unknownPolicies, ["policy_arn"]);
      else if (arn === undefined) role.unknownPolicies.push(`${inst.address} has an empty policy_arn`);
      else role.unknownPolicies.push(this.pendingReason(inst, ["policy_arn"]).reason);
      role.attachedPolicyResources.push(inst.address);
    }
  }

  private lambdaFunction(inst: TfInstance): void {
    let vpcConfig: VpcConfig | null = null;
    const { paths, unknown: u } = this.blocks(inst, "vpc_config");
    const base = paths[0];
    if (u) vpcConfig = { subnetIds: u, securityGroupIds: u, ipv6AllowedForDualStack: false, origin: this.origin(inst, ["vpc_config"]) };
    else if (base) {
      const subnetIds = this.refList(inst, [...base, "subnet_ids"], "subnet");
      if (isUnknown(subnetIds) || subnetIds.length > 0) {
        vpcConfig = {
          subnetIds,
          securityGroupIds: this.refList(inst, [...base, "security_group_ids"], "security group", "security-group"),
          ipv6AllowedForDualStack: this.bool(inst, [...base, "ipv6_allowed_for_dual_stack"], false),
          origin: this.origin(inst, ["vpc_config"]),
        };
      }
    }
    const roleRef = this.ref(inst, ["role"], "execution role");
    const cp = ["capacity_provider_config", 0, "lambda_managed_instances_capacity_provider_config", 0];
    const hasCp = Array.isArray(get(inst.values, ["capacity_provider_config"])) && get(inst.values, cp) !== undefined;
    const name = this.str(inst, ["function_name"]);
    const env = get(inst.values, ["environment", 0, "variables"]);
    const fn: LambdaFunction = {
      kind: "function",
      id: inst.address,
      origin: this.origin(inst),
      name: typeof name === "string" ? name : null,
      vpcConfig,
      roleId: roleRef,
      capacityProviderId: hasCp
        ? (this.ref(inst, [...cp, "capacity_provider_arn"], "capacity provider") ?? unknown("no capacity_provider_arn"))
        : null,
      ...(isObject(env) ? { environment: this.environment(inst, env) } : {}),
      code: this.functionCode(inst),
      ...(this.given(inst, ["file_system_config"]) !== undefined ? { fileSystems: this.fileSystems(inst) } : {}),
    };
    this.others.push(fn);
  }

  // ---- resources a function is wired to (databases, caches, search domains, Kafka, EFS) --------

  private readonly vpcResources = new VpcResourceSet("this plan");
  /** Each endpoint value a resource shows (an address, an ARN) -> its token, for environment values given as text. */
  private readonly endpointValues = new Map<string, string>();

  private subnetGroup(inst: TfInstance): void {
    this.vpcResources.subnetGroup(inst.address, this.refList(inst, ["subnet_ids"], "subnet"));
  }

  /** Subnet groups by `type name`: a database names its group by name. */
  private readonly subnetGroupNames = new Map<string, string>();

  /** The subnets of the subnet group (of type `groupType`) at `key`; `absent`: where the resource goes without one. */
  private groupSubnets(inst: TfInstance, key: string, groupType: string, what: string, absent: string): EntityRef[] | Unknown {
    const v = this.given(inst, [key]);
    const named = typeof v === "string" ? this.subnetGroupNames.get(`${groupType} ${v}`) : undefined;
    return this.vpcResources.subnetsOfGroup(named ?? this.ref(inst, [key], what), what, absent);
  }

  /** A port attribute: undefined when not set, else its number or why it is not known. */
  private portValue(inst: TfInstance, path: Path): number | Unknown | undefined {
    return this.num(inst, path);
  }

  private vpcResource(inst: TfInstance): void {
    const id = inst.address;
    const t = inst.type;
    const base = { kind: "resource" as const, id, origin: this.origin(inst), type: t };
    const sgs = (key: string) => this.refList(inst, [key], "security group", "security-group");
    const engine = (dflt?: string) => engineOf(this.str(inst, ["engine"]), dflt, "engine");
    const defaultVpc = (key: string) => `it names no ${key}, so it goes to the default VPC`;
    this.recordEndpoints(inst);
    switch (t) {
      case "aws_db_instance":
      case "aws_rds_cluster":
        this.vpcResources.add({
          ...base,
          ...databaseFacts(engine(), t === "aws_db_instance" ? "DB instance" : "DB cluster", this.portValue(inst, ["port"]), "port"),
          subnetIds: this.groupSubnets(
            inst,
            "db_subnet_group_name",
            "aws_db_subnet_group",
            "DB subnet group",
            defaultVpc("db_subnet_group_name"),
          ),
          securityGroupIds: sgs("vpc_security_group_ids"),
        });
        return;
      case "aws_rds_cluster_instance":
      case "aws_docdb_cluster_instance":
      case "aws_neptune_cluster_instance": {
        // An instance of a cluster: the cluster's port and security groups (filled in by finish).
        const cluster = this.ref(inst, ["cluster_identifier"], "DB cluster") ?? unknown(`${id} names no cluster_identifier`);
        this.vpcResources.parent(id, cluster);
        const groupKey = t === "aws_neptune_cluster_instance" ? "neptune_subnet_group_name" : "db_subnet_group_name";
        const groupType =
          t === "aws_rds_cluster_instance"
            ? "aws_db_subnet_group"
            : t === "aws_docdb_cluster_instance"
              ? "aws_docdb_subnet_group"
              : "aws_neptune_subnet_group";
        this.vpcResources.add({
          ...base,
          what:
            t === "aws_rds_cluster_instance"
              ? "DB instance"
              : t === "aws_docdb_cluster_instance"
                ? "DocumentDB instance"
                : "Neptune instance",
          port: unknown(`the port of its cluster ${isUnknown(cluster) ? "(not in this plan)" : cluster}`),
          portWhy: "its cluster's port",
          subnetIds: this.groupSubnets(inst, groupKey, groupType, "DB subnet group", "its cluster's subnets"),
          securityGroupIds: [],
        });
        return;
      }
      case "aws_db_proxy":
      case "aws_db_proxy_endpoint": {
        const endpoint = t === "aws_db_proxy_endpoint";
        if (endpoint) {
          const proxy = this.ref(inst, ["db_proxy_name"], "DB proxy");
          if (proxy !== null) this.vpcResources.parent(id, proxy);
        }
        const family = endpoint ? undefined : this.str(inst, ["engine_family"]);
        this.vpcResources.add({
          ...base,
          ...proxyFacts(family, endpoint, "engine_family"),
          subnetIds: this.refList(inst, ["vpc_subnet_ids"], "subnet"),
          securityGroupIds: sgs("vpc_security_group_ids"),
        });
        return;
      }
      case "aws_elasticache_cluster":
      case "aws_elasticache_replication_group":
      case "aws_elasticache_serverless_cache":
      case "aws_memorydb_cluster": {
        const serverless = t === "aws_elasticache_serverless_cache";
        const member = t === "aws_elasticache_cluster" ? this.ref(inst, ["replication_group_id"], "replication group") : null;
        if (member !== null) this.vpcResources.parent(id, member);
        const kind =
          t === "aws_memorydb_cluster" ? "MemoryDB cluster" : serverless ? "ElastiCache serverless cache" : "ElastiCache cluster";
        const facts = cacheFacts(
          engine(t === "aws_elasticache_cluster" && member === null ? undefined : "redis"),
          kind,
          serverless ? undefined : this.portValue(inst, ["port"]),
          "port",
        );
        this.vpcResources.add({
          ...base,
          ...facts,
          // A node of a replication group: the group's port (filled in by finish).
          ...(member !== null && !isUnknown(facts.port) && this.given(inst, ["port"]) === undefined
            ? { port: unknown("the port of its replication group"), portWhy: "its replication group's port" }
            : {}),
          subnetIds: serverless
            ? this.given(inst, ["subnet_ids"]) === undefined
              ? unknown(defaultVpc("subnet_ids"))
              : this.refList(inst, ["subnet_ids"], "subnet")
            : this.groupSubnets(
                inst,
                "subnet_group_name",
                t === "aws_memorydb_cluster" ? "aws_memorydb_subnet_group" : "aws_elasticache_subnet_group",
                t === "aws_memorydb_cluster" ? "subnet group" : "cache subnet group",
                defaultVpc("subnet_group_name"),
              ),
          securityGroupIds: sgs("security_group_ids"),
        });
        return;
      }
      case "aws_docdb_cluster":
      case "aws_neptune_cluster": {
        const docdb = t === "aws_docdb_cluster";
        const groupKey = docdb ? "db_subnet_group_name" : "neptune_subnet_group_name";
        this.vpcResources.add({
          ...base,
          what: docdb ? "DocumentDB cluster" : "Neptune cluster",
          ...portOf(
            this.portValue(inst, ["port"]),
            docdb ? DOCUMENTDB_PORT : NEPTUNE_PORT,
            `the default port of ${docdb ? "DocumentDB" : "Neptune"}`,
            "port",
          ),
          subnetIds: this.groupSubnets(
            inst,
            groupKey,
            docdb ? "aws_docdb_subnet_group" : "aws_neptune_subnet_group",
            "DB subnet group",
            defaultVpc(groupKey),
          ),
          securityGroupIds: sgs("vpc_security_group_ids"),
        });
        return;
      }
      case "aws_opensearch_domain":
      case "aws_elasticsearch_domain": {
        // Without vpc_options the domain has a public endpoint: not a resource of a VPC.
        const { paths, unknown: u } = this.blocks(inst, "vpc_options");
        const vo = paths[0];
        if (!vo && !u) return;
        this.vpcResources.add({
          ...base,
          what: "OpenSearch domain",
          port: OPENSEARCH_PORT,
          portWhy: "a domain answers HTTPS",
          subnetIds: vo ? this.refList(inst, [...vo, "subnet_ids"], "subnet") : (u as Unknown),
          securityGroupIds: vo ? this.refList(inst, [...vo, "security_group_ids"], "security group", "security-group") : (u as Unknown),
        });
        return;
      }
      case "aws_msk_cluster": {
        const net = ["broker_node_group_info", 0];
        const auth = ["client_authentication", 0];
        const flag = (path: Path) => this.bool(inst, path, false) === true;
        const unauth = this.given(inst, [...auth, "unauthenticated"]);
        const broker = this.str(inst, ["encryption_info", 0, "encryption_in_transit", 0, "client_broker"]);
        this.vpcResources.add({
          ...base,
          what: "MSK cluster",
          ...mskPort({
            iam: flag([...auth, "sasl", 0, "iam"]),
            scram: flag([...auth, "sasl", 0, "scram"]),
            tls: Array.isArray(this.given(inst, [...auth, "tls"])) && (this.given(inst, [...auth, "tls"]) as TfValue[]).length > 0,
            unauthenticated: unauth === undefined ? undefined : this.bool(inst, [...auth, "unauthenticated"], false) === true,
            clientBroker: typeof broker === "string" ? broker : "TLS",
          }),
          subnetIds:
            this.given(inst, net) === undefined
              ? unknown("the cluster's subnets are not given")
              : this.refList(inst, [...net, "client_subnets"], "subnet"),
          securityGroupIds: this.refList(inst, [...net, "security_groups"], "security group", "security-group"),
        });
        return;
      }
      case "aws_redshift_cluster":
        this.vpcResources.add({
          ...base,
          what: "Redshift cluster",
          ...portOf(this.portValue(inst, ["port"]), REDSHIFT_PORT, "the default port of Redshift", "port"),
          subnetIds: this.groupSubnets(
            inst,
            "cluster_subnet_group_name",
            "aws_redshift_subnet_group",
            "cluster subnet group",
            defaultVpc("cluster_subnet_group_name"),
          ),
          securityGroupIds: sgs("vpc_security_group_ids"),
        });
        return;
      case "aws_efs_file_system":
        this.vpcResources.add({
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
  private efsAttachment(inst: TfInstance): void {
    const fs = this.ref(inst, ["file_system_id"], "file system") ?? unknown(`${inst.address} names no file_system_id`);
    if (inst.type === "aws_efs_access_point") {
      this.vpcResources.accessPoint(inst.address, fs);
      return;
    }
    this.vpcResources.mountTarget(fs, {
      id: inst.address,
      origin: this.origin(inst),
      subnetId: this.ref(inst, ["subnet_id"], "subnet") ?? unknown(`${inst.address} names no subnet_id`),
      securityGroupIds: this.refList(inst, ["security_groups"], "security group", "security-group"),
    });
  }

  /** The endpoint values a resource shows as text (a state, an update plan): an environment value equal to one is that resource. */
  private recordEndpoints(inst: TfInstance): void {
    const put = (v: TfValue | undefined, attr: string) => {
      if (typeof v === "string" && v !== "" && !this.endpointValues.has(v)) this.endpointValues.set(v, `\${${inst.address}.${attr}}`);
    };
    for (const attr of ENDPOINT_ATTRIBUTES) put(inst.values[attr], attr);
    // aws_elasticache_serverless_cache: endpoint[0].address.
    put(get(inst.values, ["endpoint", 0, "address"]), "endpoint[0].address");
  }

  /**
   * A function's environment.variables, each value as text, as the token of the resource it holds
   * (`${aws_db_instance.db.address}`), or `${?}` for a value known only after apply from something else.
   * A `.tf` configuration ties each value to its expression; a plan records the references of the
   * whole map only: the values known only after apply are tied to a resource when every reference
   * of the map whose value is known only after apply names that one resource.
   */
  private environment(inst: TfInstance, env: TfObject): Record<string, string> {
    const path: Path = ["environment", 0, "variables"];
    const out: Record<string, string> = {};
    const pendingKeys: string[] = [];
    for (const [k, v] of Object.entries(env)) {
      if (typeof v === "string") out[k] = endpointToken(v, this.endpointValues) ?? v;
      else if (typeof v === "number" || typeof v === "boolean") out[k] = String(v);
      else if (v instanceof Pending) {
        const e = this.refs.expressionAt(inst, [...path, k]);
        if (e !== undefined && !isUnknown(e)) out[k] = this.tokensOf(inst, e).join("") || UNDETERMINED;
        else {
          out[k] = UNDETERMINED;
          pendingKeys.push(k);
        }
      } else out[k] = UNDETERMINED;
    }
    if (pendingKeys.length === 0) return out;
    const whole = this.refs.expressionAt(inst, path);
    if (whole === undefined || isUnknown(whole)) return out;
    // The references whose value is known only after apply: what the pending values come from.
    const sources = new Set<string>();
    const attrs = new Set<string>();
    const refs = whole.references ?? [];
    for (const r of refs) {
      const p = parseRef(r);
      if (p.kind !== "resource" && p.kind !== "module-output") continue;
      if (p.kind === "resource" && p.attr === undefined && refs.some((x) => x.startsWith(`${r}.`))) continue;
      const hit = this.refs.resolve(inst, { references: [r] }, false, r);
      if (isUnknown(hit) || hit.length !== 1) return out;
      const target = hit[0] as TfInstance;
      if (p.kind === "resource" && p.attr !== undefined && !(get(target.values, [p.attr]) instanceof Pending)) continue;
      sources.add(target.address);
      if (p.kind === "resource" && p.attr !== undefined) attrs.add(p.attr);
      else attrs.add("");
    }
    const [source] = [...sources];
    if (sources.size !== 1 || source === undefined || !this.vpcResources.has(source)) return out;
    // Every value known only after apply comes from this one resource.
    const [attr] = [...attrs];
    const token = attrs.size === 1 && attr ? `\${${source}.${attr}}` : `\${${source}}`;
    for (const k of pendingKeys) out[k] = token;
    return out;
  }

  /** The tokens of the resources of a VPC an expression refers to: `${aws_db_instance.db.address}`, one per attribute. */
  private tokensOf(inst: TfInstance, e: Expression): string[] {
    const out: string[] = [];
    for (const r of e.references ?? []) {
      const p = parseRef(r);
      if (p.kind !== "resource" && p.kind !== "module-output") continue;
      const hit = this.refs.resolve(inst, { ...e, references: [r] }, false, r);
      if (isUnknown(hit) || hit.length !== 1) continue;
      const target = hit[0] as TfInstance;
      if (!this.vpcResources.has(target.address)) continue;
      // A .tf configuration names the instance by its full address (`module.db.aws_db_instance.this.address`).
      const attr = p.kind === "resource" ? p.attr : r.startsWith(`${target.address}.`) ? r.slice(target.address.length + 1) : undefined;
      // `aws_db_instance.db` next to `aws_db_instance.db.address`: Terraform lists the resource too.
      if (attr === undefined && (e.references ?? []).some((x) => x !== r && x.startsWith(`${r}.`))) continue;
      const token = attr === undefined ? `\${${target.address}}` : `\${${target.address}.${attr}}`;
      if (!out.includes(token)) out.push(token);
    }
    return out;
  }

  /** `file_system_config`: the access point each block names, and its file system. */
  private fileSystems(inst: TfInstance): FunctionFileSystem[] {
    const { paths, unknown: u } = this.blocks(inst, "file_system_config");
    const origin = this.origin(inst, ["file_system_config"]);
    const out: FunctionFileSystem[] = u ? [{ fileSystem: u, accessPoint: null, origin }] : [];
    for (const p of paths) {
      const ap = this.ref(inst, [...p, "arn"], "access point");
      if (ap === null) out.push({ fileSystem: unknown("a file_system_config block names no access point arn"), accessPoint: null, origin });
      else if (isUnknown(ap)) out.push({ fileSystem: ap, accessPoint: null, origin });
      else {
        const fs = this.vpcResources.accessPoints.get(ap);
        out.push({ fileSystem: fs ?? unknown(`access point ${ap} is not in this plan`), accessPoint: fs ? ap : null, origin });
      }
    }
    for (const e of out) {
      if (isUnknown(e.fileSystem))
        this.report(
          "LOAD_UNRESOLVED",
          "info",
          `${inst.address} mounts an EFS file system that is not checked: ${e.fileSystem.reason}`,
          inst,
        );
    }
    return out;
  }

  /** Lambda Managed Instances: the instances run in the subnets and security groups of its vpc_config. */
  private capacityProvider(inst: TfInstance): void {
    const { paths, unknown: u } = this.blocks(inst, "vpc_config");
    const base = paths[0];
    let vpcConfig: VpcConfig | Unknown;
    if (u) vpcConfig = u;
    else if (!base) {
      this.report("LOAD_INVALID_VALUE", "error", `capacity provider ${inst.address} has no vpc_config; AWS requires one`, inst);
      vpcConfig = unknown(`capacity provider ${inst.address} has no vpc_config`);
    } else {
      vpcConfig = {
        subnetIds: this.refList(inst, [...base, "subnet_ids"], "subnet"),
        securityGroupIds: this.refList(inst, [...base, "security_group_ids"], "security group", "security-group"),
        // The capacity provider's VPC configuration has no IPv6 switch.
        ipv6AllowedForDualStack: false,
        origin: this.origin(inst, ["vpc_config"]),
      };
    }
    const name = this.str(inst, ["name"]);
    this.others.push({
      kind: "capacity-provider",
      id: inst.address,
      origin: this.origin(inst),
      name: typeof name === "string" ? name : null,
      vpcConfig,
    });
  }

  private functionCode(inst: TfInstance): FunctionCode {
    const filename = this.str(inst, ["filename"]);
    const timeout = this.num(inst, ["timeout"]);
    const runtime = this.str(inst, ["runtime"]);
    const handler = this.str(inst, ["handler"]);
    return {
      runtime: typeof runtime === "string" && runtime !== "" ? runtime : null,
      handler: typeof handler === "string" && handler !== "" ? handler : null,
      timeoutSeconds: typeof timeout === "number" && timeout > 0 ? timeout : LAMBDA_DEFAULT_TIMEOUT_SECONDS,
      source:
        typeof filename === "string"
          ? { path: filename }
          : unknown(this.given(inst, ["image_uri"]) !== undefined ? "the code is a container image" : "the code is in S3, not in the plan"),
    };
  }

  /** Implicit facts that need every resource: local routes, zonal NAT gateways' VPC, auto-assigned public IPs. */
  private finish(): void {
    // DHCP options name their VPC; one whose vpc_id cannot be told may be any of them.
    for (const a of this.dhcpAssociations) {
      const ref = this.ref(a, ["vpc_id"], "vpc_id", "vpc");
      const named = typeof ref === "string" && this.vpcs.has(ref) ? ref : undefined;
      for (const [vid, vpc] of this.vpcs)
        if (vpc.dhcpOptions === undefined && (named === undefined || named === vid)) vpc.dhcpOptions = a.address;
    }
    for (const rt of this.routeTables.values()) {
      const vpc = typeof rt.vpcId === "string" ? this.vpcs.get(rt.vpcId) : undefined;
      if (!vpc) continue;
      rt.routes.unshift(...localRoutes(vpc));
    }
    for (const nat of this.nats.values()) {
      if (nat.availability !== "zonal" || typeof nat.subnetId !== "string") continue;
      const subnet = this.subnets.get(nat.subnetId);
      if (subnet && (isUnknown(nat.vpcId) || typeof nat.vpcId !== "string")) nat.vpcId = subnet.vpcId;
    }
    for (const e of this.others) {
      if (e.kind !== "instance" || e.publicAddress) continue;
      const subnet = typeof e.subnetId === "string" ? this.subnets.get(e.subnetId) : undefined;
      if (subnet?.mapPublicIpOnLaunch) (e as Mutable<typeof e>).publicAddress = { kind: "auto-assigned" };
    }
    // An association whose subnet the plan leaves open: any subnet it may name has an uncertain route table.
    for (const { inst, reason } of this.unsureAssociations) {
      const cfg = this.refs.configOf(inst)?.expressions.subnet_id as { references?: string[] } | undefined;
      const targets = new Set((cfg?.references ?? []).map((r) => r.split(".").slice(0, 2).join(".").replace(/\[.*$/, "")));
      for (const s of this.subnets.values()) {
        const subnetInst = s.origin.address ?? "";
        const module = inst.module === "" ? "" : `${inst.module}.`;
        const inModule =
          subnetInst.startsWith(module) && [...targets].some((t) => subnetInst.slice(module.length).replace(/\[.*$/, "") === t);
        if (inModule && s.routeTableIsMain) {
          s.routeTableId = unknown(`${inst.address} may associate it with another route table: ${reason}`);
          s.routeTableIsMain = false;
        }
      }
    }
  }
}

/** The default endpoint policy (allow everything to everyone), or its equivalent for the endpoint's service. */
function isDefaultEndpointPolicy(text: string, service: string | null | Unknown): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return false;
  }
  if (!doc || typeof doc !== "object") return false;
  const st = (doc as Record<string, unknown>).Statement;
  const list = Array.isArray(st) ? st : [st];
  const all = (v: unknown, also?: string) =>
    v === "*" || v === also || (Array.isArray(v) && v.length === 1 && (v[0] === "*" || v[0] === also));
  return list.every((s) => {
    if (!s || typeof s !== "object") return false;
    const x = s as Record<string, unknown>;
    if (x.Effect !== "Allow" || x.Condition !== undefined) return false;
    const p = x.Principal;
    const anyone = all(p) || (typeof p === "object" && p !== null && all((p as Record<string, unknown>).AWS));
    return anyone && all(x.Action, typeof service === "string" ? `${service}:*` : undefined) && all(x.Resource ?? "*");
  });
}
