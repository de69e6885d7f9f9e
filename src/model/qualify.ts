// The network of another stack inside a function's model (`check vpc.yaml app.yaml`: app.yaml imports
// vpc.yaml's subnets): that stack's entities keep their origin (file, line, logical id) and take ids
// qualified by the stack, `STACK/LogicalId`, so that two templates' logical ids never meet. The one place
// that knows which fields of an entity name other entities.
import type {
  BlockPublicAccessExclusion,
  BlockPublicAccessOptions,
  EgressOnlyInternetGateway,
  ElasticIp,
  Entity,
  EntityRef,
  Instance,
  InternetGateway,
  NatGateway,
  NetworkAcl,
  NetworkInterface,
  Origin,
  PrefixList,
  PublicAddress,
  Route,
  RouteTable,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  Unknown,
  Vpc,
  VpcEndpoint,
} from "./types.ts";
import { isUnknown } from "./types.ts";

/** Between a stack's name and a logical id. Logical ids are alphanumeric, so an id with it is already qualified. */
const SEPARATOR = "/";

/** The id of entity `id` of stack `stack` in another stack's model (an id already qualified stays as it is). */
export function qualifiedId(stack: string, id: string): string {
  return id.includes(SEPARATOR) ? id : `${stack}${SEPARATOR}${id}`;
}

/** The stack a qualified id belongs to, or undefined for an id of the model's own template. */
export function stackOfId(id: string): string | undefined {
  const i = id.indexOf(SEPARATOR);
  return i > 0 ? id.slice(0, i) : undefined;
}

/** A stack name usable as a qualifier: without the separator (a file's base name may hold anything). */
export function qualifierOf(name: string): string {
  return name.split(SEPARATOR).join("_");
}

/** Renames an id of the stack; prefixes the open condition an origin names with the stack (two templates' conditions are never one). */
interface Q {
  readonly id: (id: string) => string;
  readonly origin: <O extends Origin | undefined>(o: O) => O;
}
/** What to do with each field of an entity: keep it, or rename the ids it holds. Every field must be named (the compiler checks). */
type Plan<T> = { readonly [K in keyof Required<T>]: "keep" | ((v: T[K], q: Q) => T[K]) };

const id = (v: string, q: Q) => q.id(v);
const origin = <O extends Origin | undefined>(o: O, q: Q): O => q.origin(o);
const ref = (v: EntityRef, q: Q): EntityRef => (isUnknown(v) ? v : q.id(v));
const optRef = <T extends EntityRef | null | undefined>(v: T, q: Q): T => (v === null || v === undefined ? v : (ref(v, q) as T));
const refs = <T extends readonly EntityRef[] | Unknown>(v: T, q: Q): T => (isUnknown(v) ? v : (v.map((r) => ref(r, q)) as unknown as T));
const address = (a: PublicAddress | null, q: Q): PublicAddress | null => (a?.kind === "elastic-ip" ? { ...a, eipId: q.id(a.eipId) } : a);
const rules = (list: readonly SecurityGroupRule[], q: Q): readonly SecurityGroupRule[] =>
  list.map((r) =>
    r.peer.kind === "security-group" || r.peer.kind === "prefix-list" ? { ...r, peer: { ...r.peer, id: ref(r.peer.id, q) } } : r,
  );
const routes = (list: readonly Route[], q: Q): readonly Route[] =>
  list.map((r) => ({
    ...r,
    origin: q.origin(r.origin),
    destination: r.destination.kind === "prefix-list" ? { ...r.destination, id: ref(r.destination.id, q) } : r.destination,
    target: "id" in r.target ? { ...r.target, id: ref(r.target.id, q) } : r.target,
  }));

const VPC: Plan<Vpc> = {
  kind: "keep",
  id,
  origin,
  cidrs: "keep",
  enableDnsSupport: "keep",
  enableDnsHostnames: "keep",
  mainRouteTableId: id,
  defaultNetworkAclId: id,
  defaultSecurityGroupId: id,
  dhcpOptions: (v, q) => (v === undefined ? v : q.id(v)),
};
const SUBNET: Plan<Subnet> = {
  kind: "keep",
  id,
  origin,
  vpcId: ref,
  az: "keep",
  azId: "keep",
  cidr: "keep",
  ipv6Cidrs: "keep",
  mapPublicIpOnLaunch: "keep",
  mapPublicIpOnLaunchUnknown: "keep",
  ipv6Native: "keep",
  routeTableId: ref,
  routeTableIsMain: "keep",
  routeTableOrigin: origin,
  networkAclId: ref,
  networkAclIsDefault: "keep",
  networkAclOrigin: origin,
};
const ROUTE_TABLE: Plan<RouteTable> = { kind: "keep", id, origin, vpcId: ref, isMain: "keep", routes };
const IGW: Plan<InternetGateway> = { kind: "keep", id, origin, attachedVpcIds: refs, attachmentOrigin: origin };
const EIGW: Plan<EgressOnlyInternetGateway> = { kind: "keep", id, origin, vpcId: ref };
const EIP: Plan<ElasticIp> = { kind: "keep", id, origin, publicIp: "keep" };
const NAT: Plan<NatGateway> = {
  kind: "keep",
  id,
  origin,
  vpcId: ref,
  connectivity: "keep",
  availability: "keep",
  subnetId: optRef,
  addresses: (v, q) => v.map((a) => address(a, q) as PublicAddress),
  regionalAzs: "keep",
};
const SG: Plan<SecurityGroup> = { kind: "keep", id, origin, vpcId: optRef, ingress: rules, egress: rules };
const NACL: Plan<NetworkAcl> = {
  kind: "keep",
  id,
  origin,
  vpcId: ref,
  isDefault: "keep",
  entries: (v, q) => v.map((x) => ({ ...x, origin: q.origin(x.origin) })),
};
const INSTANCE: Plan<Instance> = {
  kind: "keep",
  id,
  origin,
  subnetId: ref,
  securityGroupIds: refs,
  sourceDestCheck: "keep",
  publicAddress: address,
  networkInterfaceIds: (v, q) => v.map(q.id),
  instanceType: "keep",
  volumes: "keep",
};
const ENI: Plan<NetworkInterface> = {
  kind: "keep",
  id,
  origin,
  subnetId: ref,
  securityGroupIds: refs,
  sourceDestCheck: "keep",
  instanceId: (v, q) => (v === null ? v : q.id(v)),
  publicAddress: address,
};
const PREFIX_LIST: Plan<PrefixList> = { kind: "keep", id, origin, cidrs: "keep" };
const ENDPOINT: Plan<VpcEndpoint> = {
  kind: "keep",
  id,
  origin,
  vpcId: ref,
  type: "keep",
  serviceName: "keep",
  service: "keep",
  privateDnsEnabled: "keep",
  privateDnsInboundOnly: "keep",
  subnetIds: refs,
  securityGroupIds: refs,
  routeTableIds: refs,
  hasCustomPolicy: "keep",
};
const BPA_OPTIONS: Plan<BlockPublicAccessOptions> = { kind: "keep", id, origin, mode: "keep" };
const BPA_EXCLUSION: Plan<BlockPublicAccessExclusion> = {
  kind: "keep",
  id,
  origin,
  scope: (v, q) => (isUnknown(v) ? v : { ...v, id: ref(v.id, q) }),
  mode: "keep",
};

/** The plan of each kind of entity that crosses stacks. Functions, roles and capacity providers stay in their own stack's report. */
const PLANS: { readonly [K in Entity["kind"]]?: Plan<Extract<Entity, { kind: K }>> } = {
  vpc: VPC,
  subnet: SUBNET,
  "route-table": ROUTE_TABLE,
  "internet-gateway": IGW,
  "egress-only-internet-gateway": EIGW,
  "elastic-ip": EIP,
  "nat-gateway": NAT,
  "security-group": SG,
  "network-acl": NACL,
  instance: INSTANCE,
  "network-interface": ENI,
  "prefix-list": PREFIX_LIST,
  "vpc-endpoint": ENDPOINT,
  "block-public-access-options": BPA_OPTIONS,
  "block-public-access-exclusion": BPA_EXCLUSION,
};

function apply<T extends object>(e: T, plan: Plan<T>, q: Q): T {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(e) as (keyof T & string)[]) {
    const how = plan[k];
    const v = e[k];
    out[k] = how === "keep" || v === undefined ? v : (how as (x: unknown, q: Q) => unknown)(v, q);
  }
  return out as T;
}

/**
 * The network entities of stack `stack`'s model (its own, not those it holds of other stacks), as they
 * appear in another stack's model: ids qualified, origins unchanged. Pure.
 */
export function qualifyNetwork(entities: readonly Entity[], stack: string): Entity[] {
  const q: Q = {
    id: (v) => qualifiedId(stack, v),
    origin: (o) => (o?.conditionUnknown === undefined ? o : { ...o, conditionUnknown: `${stack}${SEPARATOR}${o.conditionUnknown}` }),
  };
  const out: Entity[] = [];
  for (const e of entities) {
    if (stackOfId(e.id) !== undefined) continue;
    const plan = PLANS[e.kind] as Plan<Entity> | undefined;
    if (plan) out.push(apply(e, plan, q));
  }
  return out;
}
