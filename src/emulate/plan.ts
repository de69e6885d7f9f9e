// The emulator's planner: the frozen network model -> a Plan of namespaces, links, rules and servers (pure, no I/O).
import type { Model } from "../model/model.ts";
import type {
  CapacityProvider,
  EntityRef,
  Instance,
  PublicAddress,
  RouteTarget,
  LambdaFunction,
  NatGateway,
  NetworkAcl,
  PortRange,
  Protocol,
  RouteTable,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  Unknown,
  Vpc,
  VpcEndpoint,
} from "../model/types.ts";
import { urlSuffixOf } from "../aws/facts.ts";
import { isUnknown } from "../model/types.ts";
import type { Cidr } from "../net/ip.ts";
import { cidrContains, formatAddress, mustParseCidr, parseAddress } from "../net/ip.ts";
import type { GatewayUser } from "../analyze/block-public-access.ts";
import { groupsOrDefault, privateDnsCaptures, routePrecedence } from "../analyze/aws-defaults.ts";
import { capacityProviderOf, managedInstancesHost } from "../analyze/managed-instances.ts";
import { DOCUMENTATION_V4, DOCUMENTATION_V6, PRIVATE_V4 } from "./address-space.ts";
import type { EniPlan, LinkPlan, NamespacePlan, NamespaceRole, Plan, ServerPlan } from "./plan-types.ts";
import type { IpOp } from "./ip-ops.ts";
import { renderIpOp } from "./ip-ops.ts";
import { planResources, resourceEnvironment } from "./plan-resources.ts";
import { nftComment, nftName, printable } from "./text.ts";
import type { Ipv6Layout } from "./plan-ipv6.ts";
import {
  bpaDecision,
  eigwRuleset,
  igw6Ruleset,
  INTERNET_WHOAMI6,
  ipv6Address,
  ipv6Layout,
  keptIpv6Blocks,
  LINK_LOCAL_GATEWAY,
  LINK_LOCAL_UPSTREAM,
} from "./plan-ipv6.ts";

export { INTERNET_WHOAMI6 } from "./plan-ipv6.ts";

/*
 * Layout:
 * - `<prefix>-r<v>`: one router per VPC. Its veth to every other namespace carries that
 *   namespace's name; the far end is `eth0` (the IGW's link to the internet is `inet0`).
 *   Subnet gateways (base+1) and the resolver (VPC base+2) sit on its `lo`. Rules: pref 100
 *   `to <VPC CIDR>` -> table 1000(v+1) (the local route: /32 per ENI, blackhole for the rest);
 *   pref 150+ `iif` of a regional NAT gateway -> its table (to the IGW); pref 200+ `iif` of each
 *   ENI, NAT or endpoint ENI -> the kernel table of its subnet's route table (1000(v+1)+1...);
 *   `blackhole default` in table `default`. Router veths of a subnet share interface group n
 *   (1-based per router), which the NACL chains select on.
 * - `<prefix>-e<n>` function ENIs at base+23+k, `-n<n>` NAT gateways at base+10 (regional ones
 *   on 169.254.64.x), `-m<n>` NAT instances at base+10, `-p<n>` endpoints (interface ENIs at
 *   base+50, gateway endpoints on 169.254.128+.1 serving the service stand-in's /32),
 *   `-d<n>` a resource's interfaces (a database in each of its subnets, a file system's mount targets) at base+70
 *   with the whoami server at its port (plan-resources.ts),
 *   `-g<n>` internet gateways (169.254.v.1 towards the router, 192.0.2.(10+v) towards the
 *   internet), `-i0` the internet (198.51.100.80 whoami, 198.51.100.53 resolver,
 *   198.51.100.100+ AWS service stand-ins, 203.0.113.10+ stand-in EIPs routed to their IGW).
 * - IPv6 (plan-ipv6.ts), for a VPC with an IPv6 block: `ip -6` lines in `ip6`. The VPC's blocks are
 *   kept when inside 2001:db8::/32, else stand-in /56s; dual-stack functions' ENIs get
 *   <subnet /64>::<IPv4 offset in hex digits> (`nodad noprefixroute`, default via fe80::1). Every
 *   IPv6 link is link-local only: fe80::1 on the router's (and the internet's) side, fe80::2 on a
 *   gateway's. The router uses the same iif rules and kernel tables as for IPv4, pref 32767 ->
 *   `blackhole default` in table `default`. `-o<n>` egress-only internet gateways; the internet
 *   answers on 2001:db8:ffff::80 too (every public name has that AAAA record).
 * - VPC Block Public Access (the analyzer's block-public-access.ts decides): a blocked NAT or
 *   instance address is dropped at the internet gateway (`bpa_blocked`); a blocked subnet's
 *   IPv6 block is left out of the internet or egress-only gateway's set.
 */

export interface PlanOptions {
  /** Per-run prefix of every name (`le<6 hex>`); at most 10 characters so interface names fit in 15. */
  readonly prefix: string;
  /** Function ids (logical ids) or names to emulate; all VPC-attached functions when absent. */
  readonly functions?: readonly string[];
}

/** Linux IFNAMSIZ - 1. */
const IFNAME_MAX = 15;
/** The whoami server of the emulated internet; every public name resolves to it. */
export const INTERNET_WHOAMI = "198.51.100.80";
/** The public resolver of the emulated internet. */
export const INTERNET_RESOLVER = "198.51.100.53";
/** The internet namespace's own address on its links to the internet gateways. */
const INTERNET_LINK = "192.0.2.1";
/** First stand-in Elastic IP. */
const EIP_STANDIN_FIRST = 10;
/** First stand-in address of an AWS service's public endpoint (198.51.100.x). */
const SERVICE_STANDIN_FIRST = 100;
const WHOAMI_PORTS = [80, 443] as const;
/** Where a resource's stand-in sits in its subnet, when free: base+70. */
const RESOURCE_OFFSET = 70n;
/** A NAT forwards out of the interface it received on: no ICMP redirects, no reverse-path filter. */
const NAT_SYSCTLS: Readonly<Record<string, string>> = {
  "net.ipv4.ip_forward": "1",
  "net.ipv4.conf.all.send_redirects": "0",
  "net.ipv4.conf.eth0.send_redirects": "0",
  "net.ipv4.conf.all.rp_filter": "0",
  "net.ipv4.conf.eth0.rp_filter": "0",
};

interface MutableNs {
  name: string;
  role: NamespaceRole;
  entity: string;
  sysctls: Record<string, string>;
  ip: IpOp[];
  ip6: IpOp[];
  nft?: string;
  resolvConf?: string;
}

/** An interface of the router that leads to one emulated thing. */
interface RouterPort {
  /** The router-side veth name (the peer namespace's name). */
  readonly veth: string;
  /** The subnet it sits in (ENIs, NAT gateways, endpoint ENIs), or null (IGW, gateway endpoint). */
  readonly subnet: Subnet | null;
  /** Its private address, for the VPC local table. */
  readonly address: string | null;
  /** Security groups filtering it (function and endpoint ENIs); null: not an ENI with groups. */
  readonly groups: readonly SecurityGroup[] | null;
  /** Why its groups are not fully known (then it fails closed). */
  readonly groupsNote?: string;
  readonly what: string;
  /** Its IPv6 address (a dual-stack function's ENI in a dual-stack subnet). */
  readonly address6?: string;
}

interface VpcState {
  readonly vpc: Vpc;
  readonly index: number;
  readonly router: MutableNs;
  readonly cidrs: readonly Cidr[];
  readonly localTable: number;
  readonly resolver: string;
  readonly ports: RouterPort[];
  /** Subnet id -> interface group (1-based). */
  readonly groups: Map<string, number>;
  /** Subnet id -> next free host offset allocator. */
  readonly used: Map<string, Set<bigint>>;
  /** Route table id -> kernel table. */
  readonly tables: Map<string, number>;
  /** NAT gateway id -> its router-side veth and private address. */
  readonly nats: Map<string, { veth: string; address: string }>;
  /** Regional NAT gateways: outside every subnet, on link-local stand-in addresses. */
  readonly regionalNats: { veth: string; address: string }[];
  igw?: { id: string; veth: string; address: string };
  /** Gateway endpoint id -> veth and the prefix it serves. */
  readonly gatewayEndpoints: Map<string, { veth: string; address: string; prefix: string }>;
  /** Private DNS records of the VPC resolver. */
  readonly privateRecords: Record<string, string[]>;
  /** Its IPv6 blocks and subnet blocks; undefined: IPv4 only. */
  readonly v6: Ipv6Layout | undefined;
  /** The egress-only internet gateway emulated for it (IPv6). */
  eigw?: { id: string; veth: string };
}

const up = (dev: string): IpOp => ({ op: "link-up", dev });
const addr = (cidr: string, dev: string): IpOp => ({ op: "addr-add", cidr, dev });
/** How a route table's route leaves the router: through a gateway's veth, or nowhere (a blackhole). */
type RouteVia = { readonly via: string; readonly dev: string; readonly onlink?: boolean } | { readonly blackhole: true };
const BLACKHOLE: RouteVia = { blackhole: true };

/** The nft name of a router port's chains: its veth name (the planner's own, `<prefix>-<letter><n>`) with `_` for `-`. */
function chainName(veth: string): string {
  return veth.replace(/[^A-Za-z0-9_]/g, "_");
}

function protoText(p: Protocol): string | null {
  if (p === "all") return null;
  if (p === 6) return "tcp";
  if (p === 17) return "udp";
  if (p === 1) return "icmp";
  if (p === 58) return "ipv6-icmp";
  return String(p);
}

/** The nft match for a protocol and destination port range ("" when it matches everything). */
function protoPortMatch(protocol: Protocol, ports: PortRange): string {
  const proto = protoText(protocol);
  if (proto === null) return "";
  const parts = [`meta l4proto ${proto}`];
  if ((protocol === 6 || protocol === 17) && !(ports.from <= 0 && ports.to >= 65535)) {
    parts.push(ports.from === ports.to ? `th dport ${ports.from}` : `th dport ${ports.from}-${ports.to}`);
  }
  return parts.join(" ");
}

function join(...parts: string[]): string {
  return parts.filter((p) => p !== "").join(" ");
}

function inDocumentationRange(address: string): boolean {
  const a = parseAddress(address);
  if (!a || a.family !== 4) return false;
  return DOCUMENTATION_V4.some((c) => c.start <= a.value && a.value <= c.end);
}

/** The regional DNS name of an AWS service's public endpoint. */
export function serviceDnsName(service: string, region: string): string {
  return `${service}.${region}.${urlSuffixOf(region)}`;
}

function reason(u: Unknown): string {
  return u.literal === undefined ? u.reason : `${u.literal}: ${u.reason}`;
}

function refText(r: EntityRef): string {
  return isUnknown(r) ? (r.literal ?? `(${r.reason})`) : r;
}

/**
 * Computes the emulation of the model's VPC-attached functions: one router namespace per VPC,
 * one namespace per (function, subnet) ENI, NAT gateway, internet gateway, interface endpoint
 * ENI and gateway endpoint, and one internet namespace. What the model leaves open is noted in
 * `notes` and left out, never guessed.
 */
export function planEmulation(model: Model, options: PlanOptions): Plan {
  const prefix = options.prefix;
  if (!/^[a-z][a-z0-9]*$/.test(prefix) || prefix.length > IFNAME_MAX - 5) {
    throw new Error(`emulation prefix must be lowercase letters and digits, at most ${IFNAME_MAX - 5} characters: ${prefix}`);
  }
  const notes: string[] = [];
  const note = (n: string): void => {
    if (!notes.includes(n)) notes.push(n);
  };
  const namespaces: MutableNs[] = [];
  const links: LinkPlan[] = [];
  const servers: ServerPlan[] = [];
  const enis: EniPlan[] = [];
  const counters = new Map<string, number>();
  const newNs = (short: string, role: NamespaceRole, entity: string): MutableNs => {
    const n = counters.get(short) ?? 0;
    counters.set(short, n + 1);
    const ns: MutableNs = { name: `${prefix}-${short}${n}`, role, entity, sysctls: {}, ip: [up("lo")], ip6: [] };
    namespaces.push(ns);
    return ns;
  };
  const link = (a: MutableNs, aName: string, b: MutableNs, bName: string): void => {
    links.push({ a: { ns: a.name, name: aName }, b: { ns: b.name, name: bName } });
    a.ip.push(up(aName));
    b.ip.push(up(bName));
  };

  // --- which functions, which VPCs -------------------------------------------------------
  const wanted = options.functions;
  const functions: LambdaFunction[] = [];
  for (const f of model.functions()) {
    if (wanted && !wanted.includes(f.id) && !(f.name !== null && wanted.includes(f.name))) continue;
    functions.push(f);
  }
  for (const w of wanted ?? []) {
    if (!model.functions().some((f) => f.id === w || f.name === w)) note(`function ${w} is not in the model: left out`);
  }
  const internet = newNs("i", "internet", "internet");
  internet.ip.push(addr(`${INTERNET_WHOAMI}/32`, "lo"), addr(`${INTERNET_RESOLVER}/32`, "lo"), addr(`${INTERNET_LINK}/32`, "lo"));
  internet.resolvConf = `nameserver ${INTERNET_RESOLVER}\n`;

  const vpcStates = new Map<string, VpcState>();
  /** Public DNS: every other name answers with the internet's whoami; AWS service names with their stand-ins. */
  // AWS services' regional names have IPv4 addresses only: no AAAA for them, even where the internet answers on IPv6.
  const publicRecords: Record<string, string[]> = { "*": [INTERNET_WHOAMI], [`*.${urlSuffixOf(model.region)}`]: [INTERNET_WHOAMI] };
  const serviceStandins = new Map<string, string>();
  /** `bpa`: who meets the internet gateway with that address, for VPC Block Public Access. */
  const eipMap: {
    vpcId: string;
    privateIp: string;
    publicIp: string;
    what: string;
    bpa: { subnet: Subnet | null; user: GatewayUser };
  }[] = [];
  const igwNamespaces: { st: VpcState; ns: MutableNs; inetSide: string }[] = [];
  const eipStandins = new Set<string>();
  let nextEip = EIP_STANDIN_FIRST;
  const standinEip = (): string => {
    while (eipStandins.has(`203.0.113.${nextEip}`)) nextEip++;
    const a = `203.0.113.${nextEip}`;
    eipStandins.add(a);
    nextEip++;
    return a;
  };
  // Literal EIPs inside the documentation ranges are kept; reserve them before any stand-in is given.
  for (const e of model.all("elastic-ip")) if (e.publicIp !== null && inDocumentationRange(e.publicIp)) eipStandins.add(e.publicIp);
  /** IPv6 VPC blocks in use: the documentation blocks kept as they are, then each stand-in. */
  const ipv6Taken = keptIpv6Blocks(model);

  const vpcState = (vpc: Vpc): VpcState | undefined => {
    const known = vpcStates.get(vpc.id);
    if (known) return known;
    const cidrs: Cidr[] = [];
    const known4 = vpc.cidrs.some((c) => !isUnknown(c) && c.family === 4);
    const v6 = known4 ? ipv6Layout(model, vpc, ipv6Taken, note) : undefined;
    // The IPv6 layout stood in for the first unknown block when the VPC names no literal IPv6 block.
    const standsIn = v6 && !vpc.cidrs.some((c) => !isUnknown(c) && c.family === 6) ? vpc.cidrs.find((c) => isUnknown(c)) : undefined;
    for (const c of vpc.cidrs) {
      if (isUnknown(c)) {
        if (c !== standsIn) note(`a CIDR block of ${vpc.id} is not known (${reason(c)}): left out`);
      } else if (c.family === 4) cidrs.push(c);
    }
    const publicBlock = cidrs.find((c) => !PRIVATE_V4.some((p) => cidrContains(p, c)));
    if (publicBlock) {
      note(
        `${vpc.id} uses ${publicBlock.text}, outside the private ranges (${PRIVATE_V4.map((c) => c.text).join(", ")}): the emulator gives nothing a public address but documentation ones, so ${vpc.id} is not emulated`,
      );
      return undefined;
    }
    const primary = cidrs[0];
    if (!primary) {
      note(`${vpc.id} has no known IPv4 CIDR block: not emulated`);
      return undefined;
    }
    const index = vpcStates.size;
    const router = newNs("r", "router", vpc.id);
    const resolver = formatAddress(4, primary.start + 2n);
    const st: VpcState = {
      vpc,
      index,
      router,
      cidrs,
      localTable: 1000 * (index + 1),
      resolver,
      ports: [],
      groups: new Map(),
      used: new Map(),
      tables: new Map(),
      nats: new Map(),
      regionalNats: [],
      gatewayEndpoints: new Map(),
      privateRecords: {},
      v6,
    };
    Object.assign(router.sysctls, {
      "net.ipv4.ip_forward": "1",
      "net.ipv4.conf.all.rp_filter": "0",
      "net.ipv4.conf.default.rp_filter": "0",
      "net.ipv4.conf.all.send_redirects": "0",
    });
    if (v6) router.sysctls["net.ipv6.conf.all.forwarding"] = "1";
    router.ip.push(addr(`${resolver}/32`, "lo"));
    for (const s of model.subnetsOf(vpc.id)) {
      if (!isUnknown(s.cidr) && s.cidr.family === 4) {
        const gw = `${formatAddress(4, s.cidr.start + 1n)}/32`;
        if (!router.ip.some((o) => o.op === "addr-add" && o.cidr === gw)) router.ip.push(addr(gw, "lo"));
      }
    }
    vpcStates.set(vpc.id, st);
    return st;
  };

  /** The VPC, subnet CIDR and VPC state of a subnet, or a note and undefined. */
  const placeSubnet = (ref: EntityRef, what: string, inVpc?: VpcState): { subnet: Subnet; cidr: Cidr; st: VpcState } | undefined => {
    if (isUnknown(ref)) {
      note(`${what}: subnet ${reason(ref)}: left out`);
      return undefined;
    }
    const subnet = model.get("subnet", ref);
    if (!subnet) {
      note(`${what}: subnet ${ref} is not defined in the model: left out`);
      return undefined;
    }
    if (isUnknown(subnet.cidr) || subnet.cidr.family !== 4) {
      note(`${what}: the IPv4 CIDR of ${subnet.id} is not known${isUnknown(subnet.cidr) ? ` (${reason(subnet.cidr)})` : ""}: left out`);
      return undefined;
    }
    const vpc = model.vpc(subnet.vpcId);
    if (!vpc) {
      note(`${what}: the VPC of ${subnet.id} (${refText(subnet.vpcId)}) is not in the model: left out`);
      return undefined;
    }
    if (inVpc !== undefined && vpc.id !== inVpc.vpc.id) {
      note(`${what}: ${subnet.id} lies in ${vpc.id}, not in ${inVpc.vpc.id}: left out`);
      return undefined;
    }
    const st = vpcState(vpc);
    if (!st) return undefined;
    if (!st.cidrs.some((c) => cidrContains(c, subnet.cidr as Cidr))) {
      note(`${what}: ${subnet.id} (${subnet.cidr.text}) lies outside the known CIDR blocks of ${vpc.id}: left out`);
      return undefined;
    }
    return { subnet, cidr: subnet.cidr, st };
  };

  /** A free address in the subnet: `preferred` host offset when free, else the lowest free one (AWS reserves base+0..3 and the last). */
  const allocate = (st: VpcState, subnet: Subnet, cidr: Cidr, preferred: bigint): string | undefined => {
    const used = st.used.get(subnet.id) ?? new Set<bigint>();
    st.used.set(subnet.id, used);
    const size = cidr.end - cidr.start + 1n;
    const fits = (o: bigint): boolean => o >= 4n && o <= size - 2n && !used.has(o);
    let off: bigint | undefined = fits(preferred) ? preferred : undefined;
    for (let o = 4n; off === undefined && o <= size - 2n; o++) if (fits(o)) off = o;
    if (off === undefined) return undefined;
    used.add(off);
    return formatAddress(4, cidr.start + off);
  };

  const groupOf = (st: VpcState, subnet: Subnet): number => {
    const g = st.groups.get(subnet.id) ?? st.groups.size + 1;
    st.groups.set(subnet.id, g);
    return g;
  };

  /**
   * Links a namespace into the router at `address` in `subnet` (and at its IPv6 twin when `ipv6` and the subnet is
   * dual-stack); returns that IPv6 address, if any.
   */
  const attach = (
    st: VpcState,
    ns: MutableNs,
    subnet: Subnet,
    cidr: Cidr,
    address: string,
    port: Omit<RouterPort, "veth" | "subnet" | "address" | "address6">,
    ipv6 = false,
  ): string | undefined => {
    const veth = ns.name;
    link(st.router, veth, ns, "eth0");
    routerPortSysctls(st.router, veth);
    st.router.ip.push({ op: "link-group", dev: veth, group: groupOf(st, subnet) });
    ns.ip.push(addr(`${address}/${cidr.prefix}`, "eth0"), {
      op: "route-add",
      to: "default",
      via: formatAddress(4, cidr.start + 1n),
      dev: "eth0",
    });
    ns.resolvConf = `nameserver ${st.resolver}\n`;
    const block6 = ipv6 ? st.v6?.subnets.get(subnet.id) : undefined;
    let address6: string | undefined;
    if (block6) {
      address6 = ipv6Address(block6, (parseAddress(address)?.value ?? cidr.start) - cidr.start);
      linkLocal6(st.router, veth, LINK_LOCAL_UPSTREAM);
      ns.sysctls["net.ipv6.conf.eth0.accept_dad"] = "0";
      ns.ip6.push(
        { op: "addr-add", cidr: `${address6}/${block6.prefix}`, dev: "eth0", nodad: true, noprefixroute: true },
        { op: "route-add", to: "default", via: LINK_LOCAL_UPSTREAM, dev: "eth0" },
      );
    }
    st.ports.push({ veth, subnet, address, ...port, ...(address6 !== undefined ? { address6 } : {}) });
    return address6;
  };

  const securityGroupsOf = (refs: readonly EntityRef[] | Unknown, what: string): { groups: SecurityGroup[]; groupsNote?: string } => {
    if (isUnknown(refs)) {
      const n = `${what}: its security groups are not known (${reason(refs)}): all its traffic is dropped`;
      note(n);
      return { groups: [], groupsNote: n };
    }
    const groups: SecurityGroup[] = [];
    let groupsNote: string | undefined;
    if (refs.length === 0) {
      groupsNote = `${what}: no security group is given: all its traffic is dropped`;
      note(groupsNote);
    }
    for (const r of refs) {
      const g = model.securityGroup(r);
      if (g) groups.push(g);
      else {
        groupsNote = `${what}: security group ${refText(r)} is not in the model: its rules are left out`;
        note(groupsNote);
      }
    }
    return groupsNote === undefined ? { groups } : { groups, groupsNote };
  };

  /**
   * A namespace in `subnet` linked into the router (a function ENI, a NAT, an endpoint ENI), at the address `preferred`
   * above the subnet's base when free; with its security groups (`sgRefs`, named `sgWhat` in notes) unless null.
   * Undefined, with a note, when the subnet has no address left.
   */
  const addInterface = (
    st: VpcState,
    subnet: Subnet,
    cidr: Cidr,
    preferred: bigint,
    ns: { readonly short: string; readonly role: NamespaceRole; readonly entity: string },
    what: string,
    sgRefs: readonly EntityRef[] | Unknown | null,
    sgWhat: string = what,
    ipv6 = false,
  ): { ns: MutableNs; address: string; address6?: string } | undefined => {
    const address = allocate(st, subnet, cidr, preferred);
    if (!address) {
      note(`${what}: ${subnet.id} has no free address left: left out`);
      return undefined;
    }
    const created = newNs(ns.short, ns.role, ns.entity);
    let port: Omit<RouterPort, "veth" | "subnet" | "address" | "address6"> = { groups: null, what };
    if (sgRefs !== null) {
      const { groups, groupsNote } = securityGroupsOf(sgRefs, sgWhat);
      port = { groups, ...(groupsNote ? { groupsNote } : {}), what };
    }
    const address6 = attach(st, created, subnet, cidr, address, port, ipv6);
    return address6 !== undefined ? { ns: created, address, address6 } : { ns: created, address };
  };

  // --- function ENIs ---------------------------------------------------------------------
  for (const f of functions) {
    // Lambda Managed Instances (the analyzer's managed-instances.ts decides): the function runs on EC2 instances in its
    // capacity provider's subnets, with the provider's security groups; an instance in a subnet with
    // MapPublicIpOnLaunch gets a public address (a stand-in, 1:1 at the internet gateway), as a NAT instance's.
    let cfg = f.vpcConfig;
    let provider: CapacityProvider | undefined;
    if (f.capacityProviderId !== null) {
      const cp = capacityProviderOf(model, f);
      if ("reason" in cp) {
        note(`function ${f.id} ${cp.reason}: not emulated`);
        continue;
      }
      provider = cp.provider;
      cfg = cp.vpcConfig;
      note(
        `function ${f.id} runs on Lambda Managed Instances (capacity provider ${provider.id}): its ENIs stand for the instances, in the provider's subnets with its security groups`,
      );
    }
    if (!cfg) {
      note(`function ${f.id} is not attached to a VPC (it uses Lambda's own network): not emulated`);
      continue;
    }
    // Lambda gives the ENI an IPv6 address only with Ipv6AllowedForDualStack, in a dual-stack subnet.
    const dualStack = cfg.ipv6AllowedForDualStack === true;
    if (isUnknown(cfg.ipv6AllowedForDualStack))
      note(
        `function ${f.id}: whether Ipv6AllowedForDualStack is on is not known (${reason(cfg.ipv6AllowedForDualStack)}): its ENIs get IPv4 only`,
      );
    if (isUnknown(cfg.subnetIds)) {
      note(`function ${f.id}: its subnets are not known (${reason(cfg.subnetIds)}): left out`);
      continue;
    }
    const seen = new Set<string>();
    for (const ref of cfg.subnetIds) {
      // Lambda places one ENI per subnet, however often the subnet is listed.
      if (typeof ref === "string") {
        if (seen.has(ref)) continue;
        seen.add(ref);
      }
      const placed = placeSubnet(ref, `function ${f.id}`);
      if (!placed) continue;
      const { subnet, cidr, st } = placed;
      const count = enis.filter((e) => e.subnetId === subnet.id).length;
      const added = addInterface(
        st,
        subnet,
        cidr,
        23n + BigInt(count),
        { short: "e", role: "eni", entity: subnet.id },
        `function ${f.id}`,
        cfg.securityGroupIds,
        `function ${f.id} in ${subnet.id}`,
        dualStack,
      );
      if (!added) continue;
      const { ns, address, address6 } = added;
      if (provider !== undefined) {
        const host = managedInstancesHost(provider, subnet);
        const what = `function ${f.id}'s Managed Instance (capacity provider ${provider.id}) in ${subnet.id}`;
        if (host.publicIp === true) mapPublic(st, what, address, { kind: "auto-assigned" }, { subnet, user: "public-address" });
        else if (isUnknown(host.publicIp))
          note(`${what}: whether it gets a public address is not known (${host.publicIpWhy}): it has none`);
      }
      enis.push({
        functionId: f.id,
        subnetId: subnet.id,
        ns: ns.name,
        ipv4: address,
        ...(address6 !== undefined ? { ipv6: address6 } : {}),
      });
    }
  }

  // --- per VPC: NAT gateways, internet gateway, endpoints, routes, filters ---------------
  const internet6 = [...vpcStates.values()].some((st) => st.v6 !== undefined);
  if (internet6) {
    // The internet answers on IPv6 too: every public name also has its AAAA record.
    publicRecords["*"]?.push(INTERNET_WHOAMI6);
    internet.ip6.push(addr(`${INTERNET_WHOAMI6}/128`, "lo"));
  }
  for (const st of [...vpcStates.values()]) {
    const vpcId = st.vpc.id;
    for (const nat of model.all("nat-gateway")) {
      const natVpc = subnetVpc(model, nat);
      if (natVpc !== undefined ? natVpc !== vpcId : nat.vpcId !== vpcId) continue;
      planNat(nat, st);
    }
    for (const inst of routedInstances(st)) planNatInstance(inst, st);
    planIgw(st);
    planEigw(st);
    for (const ep of model.vpcEndpointsOf(vpcId)) planEndpoint(ep, st);
  }
  // Databases, caches, file systems and the like of the emulated VPCs: a stand-in listener each (plan-resources.ts).
  const resourcesIn = new Map<string, bigint>();
  const resources = planResources(model, {
    note,
    addInterface: (ref, entity, what, securityGroups) => {
      const known = isUnknown(ref) ? undefined : model.get("subnet", ref);
      if (known && typeof known.vpcId === "string" && !vpcStates.has(known.vpcId)) return "elsewhere";
      const placed = placeSubnet(ref, what);
      if (!placed) return undefined;
      const { subnet, cidr, st } = placed;
      const refs = isUnknown(securityGroups) || securityGroups.length > 0 ? securityGroups : [st.vpc.defaultSecurityGroupId];
      const before = resourcesIn.get(subnet.id) ?? 0n;
      resourcesIn.set(subnet.id, before + 1n);
      const added = addInterface(
        st,
        subnet,
        cidr,
        RESOURCE_OFFSET + before,
        { short: "d", role: "resource", entity },
        what,
        refs,
        `${what} in ${subnet.id}`,
      );
      return added && { ns: added.ns.name, address: added.address, subnet };
    },
  });
  servers.push(...resources.servers);
  for (const { st, ns, inetSide } of igwNamespaces) {
    const mine = eipMap.filter((m) => m.vpcId === st.vpc.id);
    const blocked = mine.filter((m) => {
      const d = bpaDecision(model, st.vpc.id, m.bpa.subnet, m.bpa.user);
      if (d.unknown) note(`internet gateway ${st.igw?.id ?? ""}: ${d.reason ?? ""}: ${m.what} is emulated as blocked`);
      return d.blocked;
    });
    ns.nft = igwRuleset(mine, blocked);
    if (st.v6) {
      const { allowed, kept } = ipv6Subnets(st, "public-address", `internet gateway ${st.igw?.id ?? ""}`);
      // Let out but not in (an allow-egress exclusion): only the replies of its own flows come back.
      const inbound = new Set(
        allowed
          .filter((a) => !bpaDecision(model, st.vpc.id, model.get("subnet", a.id) ?? null, "public-address", "ingress").blocked)
          .map((a) => a.id),
      );
      ns.nft += igw6Ruleset(
        allowed.filter((a) => inbound.has(a.id)),
        kept,
        allowed.filter((a) => !inbound.has(a.id)),
      );
    }
    for (const m of mine) internet.ip.push({ op: "route-add", to: `${m.publicIp}/32`, via: inetSide, dev: ns.name, onlink: true });
  }
  for (const st of vpcStates.values()) {
    planRoutes(st);
    internetRoutes6(st);
    st.router.nft = routerRuleset(st);
    // With EnableDnsSupport off, the Amazon-provided resolver does not answer at all.
    if (st.vpc.enableDnsSupport) {
      servers.push({
        ns: st.router.name,
        kind: "dns",
        address: st.resolver,
        port: 53,
        records: { ...publicRecords, ...st.privateRecords },
      });
    } else {
      note(`${st.vpc.id} has EnableDnsSupport off: no resolver answers at ${st.resolver}, so names do not resolve in it`);
    }
  }

  // --- the internet ----------------------------------------------------------------------
  servers.push({ ns: internet.name, kind: "dns", address: INTERNET_RESOLVER, port: 53, records: { ...publicRecords } });
  for (const port of WHOAMI_PORTS) servers.push({ ns: internet.name, kind: "whoami", address: INTERNET_WHOAMI, port, label: "internet" });
  if (internet6)
    for (const port of WHOAMI_PORTS)
      servers.push({ ns: internet.name, kind: "whoami", address: INTERNET_WHOAMI6, port, label: "internet" });
  for (const [service, address] of serviceStandins) {
    internet.ip.push(addr(`${address}/32`, "lo"));
    for (const port of WHOAMI_PORTS) {
      servers.push({ ns: internet.name, kind: "whoami", address, port, label: `aws:${service} via internet` });
    }
  }

  return {
    prefix,
    namespaces: namespaces.map(freezeNs),
    links,
    servers,
    enis: enis.map((e) => {
      const fn = functions.find((f) => f.id === e.functionId);
      const env = fn ? resourceEnvironment(model, fn, model.get("subnet", e.subnetId), resources.standins, note) : {};
      return Object.keys(env).length > 0 ? { ...e, env } : e;
    }),
    notes,
  };

  // --- helpers that add to the plan (hoisted; they close over the state above) ----------

  function planNat(nat: NatGateway, st: VpcState): void {
    if (nat.availability === "regional" || nat.subnetId === null) {
      planRegionalNat(nat, st);
      return;
    }
    const placed = placeSubnet(nat.subnetId, `NAT gateway ${nat.id}`, st);
    if (!placed) return;
    const { subnet, cidr } = placed;
    const added = addInterface(st, subnet, cidr, 10n, { short: "n", role: "nat-gateway", entity: nat.id }, `NAT gateway ${nat.id}`, null);
    if (!added) return;
    const { ns, address } = added;
    Object.assign(ns.sysctls, NAT_SYSCTLS);
    ns.nft = natRuleset(address, st.cidrs);
    st.nats.set(nat.id, { veth: ns.name, address });
    if (nat.connectivity === "private") return;
    // Its public address: a 1:1 mapping in the internet gateway.
    if (nat.addresses.length > 1) note(`NAT gateway ${nat.id}: only its first public address is emulated (${nat.addresses.length} given)`);
    mapPublic(st, `NAT gateway ${nat.id}`, address, nat.addresses[0] ?? { kind: "unknown", reason: "none given" }, {
      subnet,
      user: "nat-gateway",
    });
  }

  /**
   * A regional NAT gateway: in no subnet, linked to the router like a gateway, translating to a
   * link-local stand-in of its private address, then straight to the internet gateway; it takes
   * traffic only from the subnets of the AZs it covers.
   */
  function planRegionalNat(nat: NatGateway, st: VpcState): void {
    const address = `169.254.64.${1 + st.regionalNats.length}`;
    const ns = newNs("n", "nat-gateway", nat.id);
    link(st.router, ns.name, ns, "eth0");
    routerPortSysctls(st.router, ns.name);
    ns.ip.push(addr(`${address}/32`, "eth0"), { op: "route-add", to: "default", dev: "eth0" });
    ns.resolvConf = `nameserver ${st.resolver}\n`;
    Object.assign(ns.sysctls, NAT_SYSCTLS);
    let sources: readonly Cidr[] = st.cidrs;
    if (nat.regionalAzs !== "auto") {
      const azs = nat.regionalAzs;
      for (const az of azs)
        if (isUnknown(az)) note(`regional NAT gateway ${nat.id}: an AZ it covers is not known (${reason(az)}): left out`);
      const covered: Cidr[] = [];
      for (const sub of model.subnetsOf(st.vpc.id)) {
        if (isUnknown(sub.cidr) || sub.cidr.family !== 4) continue;
        if (isUnknown(sub.az)) note(`regional NAT gateway ${nat.id}: the AZ of ${sub.id} is not known: its traffic is not taken`);
        else if (azs.includes(sub.az)) covered.push(sub.cidr);
      }
      sources = covered;
    }
    ns.nft = natRuleset(address, sources);
    st.nats.set(nat.id, { veth: ns.name, address });
    st.regionalNats.push({ veth: ns.name, address });
    if (nat.connectivity === "private") return;
    if (nat.addresses.length > 1)
      note(`regional NAT gateway ${nat.id}: only its first public address is emulated (${nat.addresses.length} given)`);
    mapPublic(st, `NAT gateway ${nat.id}`, address, nat.addresses[0] ?? { kind: "unknown", reason: "none given" }, {
      subnet: null,
      user: "nat-gateway",
    });
  }

  /** A 1:1 mapping of `privateIp` to the public address `a` stands for (a stand-in unless a documentation literal). */
  function mapPublic(
    st: VpcState,
    what: string,
    privateIp: string,
    a: PublicAddress,
    bpa: { subnet: Subnet | null; user: GatewayUser },
  ): void {
    let publicIp: string | undefined;
    if (a.kind === "unknown") {
      note(
        `${what}: its public address is not known (${a.reason}): it has no public mapping (its traffic is dropped at the internet gateway)`,
      );
    } else if (a.kind === "auto-assigned") {
      publicIp = standinEip();
    } else {
      const literal = a.publicIp ?? (a.kind === "elastic-ip" ? (model.get("elastic-ip", a.eipId)?.publicIp ?? null) : null);
      const label = a.kind === "elastic-ip" ? a.eipId : a.allocationId;
      if (literal !== null && inDocumentationRange(literal)) publicIp = literal;
      else {
        publicIp = standinEip();
        if (literal !== null)
          note(`Elastic IP ${label} (${literal}) stands in as ${publicIp}: the emulator uses documentation addresses only`);
      }
    }
    if (publicIp !== undefined) eipMap.push({ vpcId: st.vpc.id, privateIp, publicIp, what, bpa });
  }

  /** The instances the VPC's route tables send traffic to (NAT instances), in model order. */
  function routedInstances(st: VpcState): Instance[] {
    const ids = new Set<string>();
    for (const rt of model.all("route-table")) {
      if (rt.vpcId !== st.vpc.id) continue;
      for (const r of rt.routes) {
        const inst = instanceOfTarget(r.target);
        if (inst) ids.add(inst.id);
      }
    }
    return model.all("instance").filter((i) => ids.has(i.id));
  }

  function instanceOfTarget(t: RouteTarget): Instance | undefined {
    if (t.kind === "instance") return model.get("instance", t.id);
    return t.kind === "network-interface" ? model.instanceOfInterface(t.id) : undefined;
  }

  function planNatInstance(inst: Instance, st: VpcState): void {
    const placed = placeSubnet(inst.subnetId, `NAT instance ${inst.id}`, st);
    if (!placed || placed.st !== st) return;
    const { subnet, cidr } = placed;
    const refs = groupsOrDefault(inst.securityGroupIds, st.vpc);
    const added = addInterface(
      st,
      subnet,
      cidr,
      10n,
      { short: "m", role: "nat-instance", entity: inst.id },
      `NAT instance ${inst.id}`,
      refs,
    );
    if (!added) return;
    const { ns, address } = added;
    Object.assign(ns.sysctls, NAT_SYSCTLS);
    // Source/destination checking on: AWS drops what is not addressed to the instance, so it forwards nothing.
    const forwards = inst.sourceDestCheck === false;
    if (isUnknown(inst.sourceDestCheck)) {
      note(
        `NAT instance ${inst.id}: whether source/destination checking is off is not known (${reason(inst.sourceDestCheck)}): it forwards nothing`,
      );
    }
    ns.nft = natRuleset(address, forwards ? st.cidrs : []);
    st.nats.set(inst.id, { veth: ns.name, address });
    if (inst.publicAddress !== null)
      mapPublic(st, `NAT instance ${inst.id}`, address, inst.publicAddress, { subnet, user: "public-address" });
  }

  function planIgw(st: VpcState): void {
    const igws = model.internetGatewaysOf(st.vpc.id);
    const igw = igws[0];
    if (!igw) return;
    if (igws.length > 1) note(`${st.vpc.id} has ${igws.length} internet gateways attached; only ${igw.id} is emulated`);
    const ns = newNs("g", "igw", igw.id);
    const k = st.index;
    const vpcSide = `169.254.${k % 256}.1`;
    const inetSide = `192.0.2.${10 + k}`;
    link(st.router, ns.name, ns, "eth0");
    routerPortSysctls(st.router, ns.name);
    link(internet, ns.name, ns, "inet0");
    ns.ip.push(addr(`${vpcSide}/32`, "eth0"), addr(`${inetSide}/32`, "inet0"), {
      op: "route-add",
      to: "default",
      via: INTERNET_LINK,
      dev: "inet0",
      onlink: true,
    });
    for (const c of st.cidrs) ns.ip.push({ op: "route-add", to: c.text, dev: "eth0" });
    for (const n of st.regionalNats) ns.ip.push({ op: "route-add", to: `${n.address}/32`, dev: "eth0" });
    Object.assign(ns.sysctls, {
      "net.ipv4.ip_forward": "1",
      "net.ipv4.conf.all.rp_filter": "0",
      "net.ipv4.conf.eth0.rp_filter": "0",
      "net.ipv4.conf.inet0.rp_filter": "0",
    });
    st.igw = { id: igw.id, veth: ns.name, address: vpcSide };
    igwNamespaces.push({ st, ns, inetSide });
    if (st.v6) gatewayIpv6(st.v6, st.router, ns);
  }

  function planEigw(st: VpcState): void {
    const eigws = model.all("egress-only-internet-gateway").filter((g) => g.vpcId === st.vpc.id);
    const eigw = eigws[0];
    if (!eigw) return;
    if (!st.v6) {
      note(`egress-only internet gateway ${eigw.id}: ${st.vpc.id} has no IPv6 block: not emulated`);
      return;
    }
    if (eigws.length > 1) note(`${st.vpc.id} has ${eigws.length} egress-only internet gateways; only ${eigw.id} is emulated`);
    const ns = newNs("o", "eigw", eigw.id);
    link(st.router, ns.name, ns, "eth0");
    link(internet, ns.name, ns, "inet0");
    gatewayIpv6(st.v6, st.router, ns);
    const { allowed, kept } = ipv6Subnets(st, "egress-only-gateway", `egress-only internet gateway ${eigw.id}`);
    ns.nft = eigwRuleset(allowed, kept);
    st.eigw = { id: eigw.id, veth: ns.name };
  }

  /** The IPv6 side of a gateway namespace between the router (its `eth0`) and the internet (its `inet0`), link-local only. */
  function gatewayIpv6(v6: Ipv6Layout, router: MutableNs, ns: MutableNs): void {
    ns.sysctls["net.ipv6.conf.all.forwarding"] = "1";
    linkLocal6(router, ns.name, LINK_LOCAL_UPSTREAM);
    linkLocal6(internet, ns.name, LINK_LOCAL_UPSTREAM);
    linkLocal6(ns, "eth0", LINK_LOCAL_GATEWAY);
    linkLocal6(ns, "inet0", LINK_LOCAL_GATEWAY);
    ns.ip6.push({ op: "route-add", to: "default", via: LINK_LOCAL_UPSTREAM, dev: "inet0" });
    for (const b of v6.blocks) ns.ip6.push({ op: "route-add", to: b.text, via: LINK_LOCAL_UPSTREAM, dev: "eth0" });
  }

  /**
   * The VPC's dual-stack subnet blocks that a gateway carries for `user`, and those VPC Block Public Access keeps out
   * (the analyzer's decision; one it cannot make is noted and emulated as blocked).
   */
  function ipv6Subnets(
    st: VpcState,
    user: GatewayUser,
    gateway: string,
  ): { allowed: { id: string; cidr: Cidr }[]; kept: { id: string; why: string }[] } {
    const allowed: { id: string; cidr: Cidr }[] = [];
    const kept: { id: string; why: string }[] = [];
    for (const [id, cidr] of st.v6?.subnets ?? []) {
      const d = bpaDecision(model, st.vpc.id, model.get("subnet", id) ?? null, user);
      if (!d.blocked) allowed.push({ id, cidr });
      else if (!d.unknown) kept.push({ id, why: "blocked by VPC Block Public Access" });
      else {
        kept.push({ id, why: "VPC Block Public Access may block it (not known): emulated as blocked" });
        note(`${gateway}: ${d.reason ?? ""}: IPv6 traffic of ${id} through it is emulated as blocked`);
      }
    }
    return { allowed, kept };
  }

  /**
   * The internet's routes back to the VPC's IPv6 blocks: through the internet gateway when there is one, else the
   * egress-only one; the /64 of a subnet that leaves through the egress-only gateway comes back through it (its flows).
   */
  function internetRoutes6(st: VpcState): void {
    if (!st.v6) return;
    const back = st.igw?.veth ?? st.eigw?.veth;
    if (back !== undefined)
      for (const b of st.v6.blocks) internet.ip6.push({ op: "route-add", to: b.text, via: LINK_LOCAL_GATEWAY, dev: back });
    const eigw = st.eigw;
    if (!eigw || !st.igw) return;
    for (const [id, cidr] of st.v6.subnets) {
      const subnet = model.get("subnet", id);
      const rt = subnet ? model.routeTableFor(subnet) : undefined;
      const viaEigw = rt?.routes.some((r) => r.target.kind === "egress-only-internet-gateway" && r.target.id === eigw.id);
      if (viaEigw) internet.ip6.push({ op: "route-add", to: cidr.text, via: LINK_LOCAL_GATEWAY, dev: eigw.veth });
    }
  }

  function planEndpoint(ep: VpcEndpoint, st: VpcState): void {
    if (isUnknown(ep.type) || isUnknown(ep.service) || ep.service === null) {
      const why = isUnknown(ep.type) ? reason(ep.type) : isUnknown(ep.service) ? reason(ep.service) : "not an AWS service";
      note(`VPC endpoint ${ep.id}: its type or service is not known (${why}): left out`);
      return;
    }
    const service = ep.service;
    const publicAddress = serviceStandin(service);
    if (ep.type === "Gateway") {
      if (isUnknown(ep.routeTableIds)) {
        note(`gateway endpoint ${ep.id}: its route tables are not known (${reason(ep.routeTableIds)}): left out`);
        return;
      }
      const ns = newNs("p", "endpoint", ep.id);
      const address = `169.254.${128 + (st.gatewayEndpoints.size % 128)}.1`;
      link(st.router, ns.name, ns, "eth0");
      routerPortSysctls(st.router, ns.name);
      ns.ip.push(addr(`${address}/32`, "eth0"), addr(`${publicAddress}/32`, "lo"));
      for (const c of st.cidrs) ns.ip.push({ op: "route-add", to: c.text, dev: "eth0" });
      st.gatewayEndpoints.set(ep.id, { veth: ns.name, address, prefix: `${publicAddress}/32` });
      for (const port of WHOAMI_PORTS) {
        servers.push({ ns: ns.name, kind: "whoami", address: publicAddress, port, label: `aws:${service} via gateway endpoint` });
      }
      return;
    }
    if (ep.type !== "Interface") {
      note(`not emulated yet: ${ep.type} endpoint ${ep.id}`);
      return;
    }
    if (isUnknown(ep.subnetIds)) {
      note(`interface endpoint ${ep.id}: its subnets are not known (${reason(ep.subnetIds)}): left out`);
      return;
    }
    if (isUnknown(ep.privateDnsEnabled))
      note(`interface endpoint ${ep.id}: whether private DNS is on is not known (${reason(ep.privateDnsEnabled)}): emulated as off`);
    const privateDns = privateDnsCaptures(ep, st.vpc);
    const refs = groupsOrDefault(ep.securityGroupIds, st.vpc);
    const addresses: string[] = [];
    for (const ref of ep.subnetIds) {
      const placed = placeSubnet(ref, `interface endpoint ${ep.id}`, st);
      if (!placed || placed.st !== st) continue;
      const { subnet, cidr } = placed;
      const added = addInterface(
        st,
        subnet,
        cidr,
        50n,
        { short: "p", role: "endpoint", entity: ep.id },
        `interface endpoint ${ep.id}`,
        refs,
        `interface endpoint ${ep.id} in ${subnet.id}`,
      );
      if (!added) continue;
      const { ns, address } = added;
      for (const port of WHOAMI_PORTS) servers.push({ ns: ns.name, kind: "whoami", address, port, label: `aws:${service} via endpoint` });
      addresses.push(address);
    }
    if (privateDns && addresses.length > 0) st.privateRecords[serviceDnsName(service, model.region)] = addresses;
  }

  function serviceStandin(service: string): string {
    const known = serviceStandins.get(service);
    if (known) return known;
    const address = `198.51.100.${SERVICE_STANDIN_FIRST + serviceStandins.size}`;
    serviceStandins.set(service, address);
    publicRecords[serviceDnsName(service, model.region)] = [address];
    return address;
  }

  function planRoutes(st: VpcState): void {
    const r = st.router;
    for (const c of st.cidrs) {
      r.ip.push(
        { op: "rule-add", pref: 100, to: c.text, table: st.localTable },
        { op: "route-add", blackhole: true, to: c.text, table: st.localTable },
      );
    }
    for (const p of st.ports)
      if (p.address !== null) r.ip.push({ op: "route-add", to: `${p.address}/32`, dev: p.veth, table: st.localTable });
    r.ip.push({ op: "route-add", blackhole: true, to: "default", table: "default" });
    if (st.v6) {
      // The same for IPv6: the local route, then (pref 32767, which IPv6 lacks by default) a silent drop.
      for (const b of st.v6.blocks)
        r.ip6.push(
          { op: "rule-add", pref: 100, to: b.text, table: st.localTable },
          { op: "route-add", blackhole: true, to: b.text, table: st.localTable },
        );
      for (const p of st.ports)
        if (p.address6 !== undefined) r.ip6.push({ op: "route-add", to: `${p.address6}/128`, dev: p.veth, table: st.localTable });
      r.ip6.push({ op: "rule-add", pref: 32767, table: "default" }, { op: "route-add", blackhole: true, to: "default", table: "default" });
    }
    // Regional NAT gateways forward straight to the internet gateway.
    st.regionalNats.forEach((n, i) => {
      const table = st.localTable + 500 + i;
      r.ip.push({ op: "route-add", to: `${n.address}/32`, dev: n.veth });
      if (st.igw) r.ip.push({ op: "route-add", to: "0.0.0.0/0", via: st.igw.address, dev: st.igw.veth, onlink: true, table });
      r.ip.push({ op: "rule-add", pref: 150 + i, iif: n.veth, table });
    });
    let pref = 200;
    for (const p of st.ports) {
      if (!p.subnet) continue;
      const rt = model.routeTableFor(p.subnet);
      if (!rt) {
        const why = isUnknown(p.subnet.routeTableId) ? reason(p.subnet.routeTableId) : `${p.subnet.routeTableId} is not in the model`;
        note(`the route table of ${p.subnet.id} is not known (${why}): traffic of ${p.what} leaving the VPC is dropped`);
        continue;
      }
      let table = st.tables.get(rt.id);
      if (table === undefined) {
        table = st.localTable + 1 + st.tables.size;
        st.tables.set(rt.id, table);
        routeTable(st, rt, table);
      }
      if (p.address6 !== undefined) r.ip6.push({ op: "rule-add", pref, iif: p.veth, table });
      r.ip.push({ op: "rule-add", pref: pref++, iif: p.veth, table });
    }
  }

  function routeTable(st: VpcState, rt: RouteTable, table: number): void {
    const r = st.router;
    const done = new Set<string>();
    const add = (cidr: Cidr, route: RouteVia): void => {
      if (done.has(cidr.text)) return;
      done.add(cidr.text);
      (cidr.family === 4 ? r.ip : r.ip6).push({ op: "route-add", to: cidr.text, ...route, table });
    };
    // The winning route of a block first (static before prefix list, see routePrecedence); a stable sort.
    const ordered = [...rt.routes].sort((a, b) => routePrecedence(a.destination) - routePrecedence(b.destination));
    for (const route of ordered) {
      const d = route.destination;
      let cidrs: readonly Cidr[];
      if (d.kind === "cidr") cidrs = [d.cidr];
      else if (d.kind === "prefix-list") {
        const list = isUnknown(d.cidrs) ? model.get("prefix-list", d.id)?.cidrs : d.cidrs;
        if (!list) {
          note(`route table ${rt.id}: a route to prefix list ${refText(d.id)} whose blocks are not known: left out`);
          continue;
        }
        cidrs = list;
      } else {
        note(`route table ${rt.id}: a route with an unknown destination (${d.reason}): left out`);
        continue;
      }
      const t = route.target;
      if (t.kind === "local") continue;
      cidrs = cidrs.filter((c) => c.family === 4 || (st.v6 !== undefined && routable6(rt, c)));
      const inside = [...st.cidrs, ...(st.v6?.blocks ?? [])];
      if (t.kind !== "none" && route.state !== "blackhole" && cidrs.some((c) => inside.some((v) => cidrContains(v, c)))) {
        note(
          `not emulated yet: route table ${rt.id} routes ${cidrs.map((c) => c.text).join(", ")} inside the VPC to ${t.kind}; the local route carries that traffic instead`,
        );
        continue;
      }
      for (const c of cidrs) {
        if (route.state === "blackhole" || t.kind === "none") {
          add(c, BLACKHOLE);
          continue;
        }
        const id = "id" in t ? t.id : null;
        if (c.family === 6) {
          route6(st, rt, c, t, add);
          continue;
        }
        if (t.kind === "egress-only-internet-gateway") {
          // AWS takes no IPv4 route to an egress-only internet gateway; the analyzer drops it (CANNOT_ROUTE).
          add(c, BLACKHOLE);
          note(
            `route table ${rt.id}: the IPv4 route to ${c.text} goes to egress-only internet gateway ${refText(t.id)}, which carries IPv6 only: a blackhole`,
          );
          continue;
        }
        const via = (() => {
          if (t.kind === "internet-gateway") return st.igw && st.igw.id === id ? { veth: st.igw.veth, address: st.igw.address } : undefined;
          if (t.kind === "nat-gateway" && typeof id === "string") return st.nats.get(id);
          if (t.kind === "instance" || t.kind === "network-interface") {
            const inst = instanceOfTarget(t);
            return inst ? st.nats.get(inst.id) : undefined;
          }
          return undefined;
        })();
        if (via) add(c, { via: via.address, dev: via.veth, onlink: true });
        else routeLeftOut(st, rt, c, t);
      }
    }
    for (const [epId, gw] of st.gatewayEndpoints) {
      const ep = model.get("vpc-endpoint", epId);
      if (ep && !isUnknown(ep.routeTableIds) && ep.routeTableIds.includes(rt.id)) {
        r.ip.push({ op: "route-add", to: gw.prefix, via: gw.address, dev: gw.veth, onlink: true, table });
      }
    }
  }

  /** Whether an IPv6 route's destination can be emulated: the whole space or inside 2001:db8::/32 (else noted). */
  function routable6(rt: RouteTable, c: Cidr): boolean {
    if (c.prefix === 0 || cidrContains(DOCUMENTATION_V6, c)) return true;
    note(`route table ${rt.id}: the IPv6 route to ${c.text} is left out: the emulator uses documentation addresses only`);
    return false;
  }

  /** An IPv6 route: to the internet or egress-only gateway by its link-local address; through a NAT, a silent drop. */
  function route6(st: VpcState, rt: RouteTable, c: Cidr, t: RouteTarget, add: (c: Cidr, route: RouteVia) => void): void {
    const id = "id" in t ? t.id : null;
    if (t.kind === "internet-gateway" && st.igw && st.igw.id === id) add(c, { via: LINK_LOCAL_GATEWAY, dev: st.igw.veth });
    else if (t.kind === "egress-only-internet-gateway" && st.eigw && st.eigw.id === id)
      add(c, { via: LINK_LOCAL_GATEWAY, dev: st.eigw.veth });
    else if (t.kind === "nat-gateway") {
      add(c, BLACKHOLE);
      note(
        `route table ${rt.id}: the IPv6 route to ${c.text} goes to NAT gateway ${refText(t.id)}, which does not carry IPv6 to the internet: a blackhole (NAT64 is not emulated)`,
      );
    } else if (t.kind === "instance" || t.kind === "network-interface") {
      add(c, BLACKHOLE);
      note(
        `route table ${rt.id}: the IPv6 route to ${c.text} goes to ${t.kind} ${refText(t.id)}: IPv6 through an instance is not emulated (a blackhole)`,
      );
    } else routeLeftOut(st, rt, c, t);
  }

  /** Notes a route to a target the emulation does not have (so its traffic is dropped), IPv4 or IPv6. */
  function routeLeftOut(st: VpcState, rt: RouteTable, c: Cidr, t: RouteTarget): void {
    const id = "id" in t && t.id !== null ? refText(t.id) : "";
    const why =
      t.kind === "internet-gateway"
        ? `internet gateway ${id} is not attached to ${st.vpc.id} in the model`
        : t.kind === "egress-only-internet-gateway"
          ? `egress-only internet gateway ${id} is not emulated in ${st.vpc.id}`
          : t.kind === "nat-gateway"
            ? `NAT gateway ${id} is not emulated`
            : `${t.kind} ${id} is not emulated`;
    note(`route table ${rt.id}: the route to ${c.text} is left out (${why}): that traffic is dropped`);
  }

  /** The router's one nft ruleset: NACLs (stateless, before conntrack), then security groups (stateful). */
  function routerRuleset(st: VpcState): string {
    const lines: string[] = ["table inet vpc {"];
    // Named sets: the emulated members of every security group a rule refers to.
    const members = new Map<string, string[]>();
    const members6 = new Map<string, string[]>();
    for (const p of st.ports) {
      for (const g of p.groups ?? []) {
        const l = members.get(g.id) ?? [];
        if (p.address !== null) l.push(p.address);
        members.set(g.id, l);
        const l6 = members6.get(g.id) ?? [];
        if (p.address6 !== undefined) l6.push(p.address6);
        members6.set(g.id, l6);
      }
    }
    const referenced = new Set<string>();
    const sgPorts = st.ports.filter((p) => p.groups !== null);
    for (const p of sgPorts)
      for (const g of p.groups ?? [])
        for (const rule of [...g.ingress, ...g.egress])
          if (rule.peer.kind === "security-group" && !isUnknown(rule.peer.id)) referenced.add(rule.peer.id);
    for (const id of [...referenced].sort()) {
      const addrs = members.get(id) ?? [];
      lines.push(`  set sg_${nftName(id)} {`, "    type ipv4_addr;");
      if (addrs.length > 0) lines.push(`    elements = { ${addrs.join(", ")} }`);
      lines.push("  }");
      if (!st.v6) continue;
      // Its members' IPv6 addresses (a rule naming a security group matches both families).
      const addrs6 = members6.get(id) ?? [];
      lines.push(`  set sg6_${nftName(id)} {`, "    type ipv6_addr;");
      if (addrs6.length > 0) lines.push(`    elements = { ${addrs6.join(", ")} }`);
      lines.push("  }");
    }
    // NACL chains, one pair per subnet that has a router port.
    const naclSubnets = [...st.groups.entries()];
    for (const [subnetId, group] of naclSubnets) {
      const subnet = model.get("subnet", subnetId) as Subnet;
      const acl = model.networkAclFor(subnet);
      for (const egress of [true, false]) {
        const chain = `nacl_${egress ? "out" : "in"}_${group}`;
        lines.push(
          `  chain ${chain} {`,
          `    # ${nftComment(`${egress ? "outbound" : "inbound"} rules of ${acl?.id ?? "an unknown network ACL"} for ${subnetId}`)}`,
        );
        lines.push(`    ${egress ? "oifgroup" : "iifgroup"} ${group} return`);
        if (acl) lines.push(...naclEntries(acl, egress).map((l) => `    ${l}`));
        else
          note(
            `the network ACL of ${subnetId} is not known (${isUnknown(subnet.networkAclId) ? reason(subnet.networkAclId) : `${subnet.networkAclId} is not in the model`}): all traffic in and out of it is dropped`,
          );
        lines.push("    drop", "  }");
      }
    }
    // Security group chains, one pair per ENI.
    for (const p of sgPorts) {
      for (const egress of [true, false]) {
        lines.push(
          `  chain sg_${egress ? "out" : "in"}_${chainName(p.veth)} {`,
          `    # ${nftComment(`${egress ? "egress" : "ingress"} of ${p.what}: ${(p.groups ?? []).map((g) => g.id).join(", ") || "no security group"}`)}`,
        );
        for (const g of p.groups ?? [])
          for (const rule of egress ? g.egress : g.ingress) {
            const m = sgRuleMatch(rule, egress, g.id);
            if (m !== null) lines.push(`    ${join(m, "return")}`);
            const m6 = st.v6 ? sgRuleMatch6(rule, egress) : null;
            if (m6 !== null) lines.push(`    ${join(m6, "return")}`);
          }
        lines.push("    drop", "  }");
      }
    }
    lines.push("  chain forward {", "    type filter hook forward priority filter; policy drop;");
    if (naclSubnets.length > 0) {
      lines.push(`    iifgroup vmap { ${naclSubnets.map(([, g]) => `${g} : jump nacl_out_${g}`).join(", ")} }`);
      lines.push(`    oifgroup vmap { ${naclSubnets.map(([, g]) => `${g} : jump nacl_in_${g}`).join(", ")} }`);
    }
    lines.push("    ct state established,related accept");
    if (sgPorts.length > 0) {
      lines.push(`    iifname vmap { ${sgPorts.map((p) => `"${p.veth}" : jump sg_out_${chainName(p.veth)}`).join(", ")} }`);
      lines.push(`    oifname vmap { ${sgPorts.map((p) => `"${p.veth}" : jump sg_in_${chainName(p.veth)}`).join(", ")} }`);
    }
    lines.push("    accept", "  }", "}");
    return lines.join("\n") + "\n";
  }

  function naclEntries(acl: NetworkAcl, egress: boolean): string[] {
    const out: string[] = [];
    const entries = acl.entries.filter((e) => e.egress === egress).sort((a, b) => a.ruleNumber - b.ruleNumber);
    for (const e of entries) {
      if (isUnknown(e.protocol) || isUnknown(e.ports) || isUnknown(e.cidr)) {
        note(`network ACL ${acl.id}: ${egress ? "outbound" : "inbound"} rule ${e.ruleNumber} is not fully known: left out`);
        continue;
      }
      const addr = `${e.cidr.family === 4 ? "ip" : "ip6"} ${egress ? "daddr" : "saddr"} ${e.cidr.text}`;
      out.push(join(addr, protoPortMatch(e.protocol, e.ports), e.action === "allow" ? "return" : "drop", `comment "rule ${e.ruleNumber}"`));
    }
    return out;
  }

  /** The IPv6 twin of a rule naming a security group or a prefix list with IPv6 blocks (null: none). */
  function sgRuleMatch6(rule: SecurityGroupRule, egress: boolean): string | null {
    if (isUnknown(rule.protocol) || isUnknown(rule.ports)) return null;
    const dir = egress ? "daddr" : "saddr";
    const pm = protoPortMatch(rule.protocol, rule.ports);
    const peer = rule.peer;
    if (peer.kind === "security-group" && !isUnknown(peer.id)) return join(`ip6 ${dir} @sg6_${nftName(peer.id)}`, pm);
    if (peer.kind === "prefix-list") {
      const v6 = model.get("prefix-list", peer.id)?.cidrs.filter((c) => c.family === 6 && cidrContains(DOCUMENTATION_V6, c)) ?? [];
      if (v6.length > 0) return join(`ip6 ${dir} { ${v6.map((c) => c.text).join(", ")} }`, pm);
    }
    return null;
  }

  function sgRuleMatch(rule: SecurityGroupRule, egress: boolean, groupId: string): string | null {
    const dir = egress ? "daddr" : "saddr";
    if (isUnknown(rule.protocol) || isUnknown(rule.ports)) {
      note(`security group ${groupId}: an ${egress ? "egress" : "ingress"} rule's protocol or ports are not known: left out`);
      return null;
    }
    const pm = protoPortMatch(rule.protocol, rule.ports);
    const peer = rule.peer;
    if (peer.kind === "cidr") return join(`${peer.cidr.family === 4 ? "ip" : "ip6"} ${dir} ${peer.cidr.text}`, pm);
    if (peer.kind === "security-group") {
      if (isUnknown(peer.id)) {
        note(`security group ${groupId}: a rule refers to a security group that is not known (${reason(peer.id)}): left out`);
        return null;
      }
      return join(`ip ${dir} @sg_${nftName(peer.id)}`, pm);
    }
    if (peer.kind === "prefix-list") {
      const pl = model.get("prefix-list", peer.id);
      const gw = [...vpcStates.values()].flatMap((s) => [...s.gatewayEndpoints.values()]);
      if (pl) {
        const v4 = pl.cidrs.filter((c) => c.family === 4).map((c) => c.text);
        return v4.length === 0 ? null : join(`ip ${dir} { ${v4.join(", ")} }`, pm);
      }
      if (gw.length > 0) {
        note(`security group ${groupId}: a rule to prefix list ${refText(peer.id)} is taken as the gateway endpoint services' stand-ins`);
        return join(`ip ${dir} { ${gw.map((g) => g.prefix).join(", ")} }`, pm);
      }
      note(`security group ${groupId}: a rule to prefix list ${refText(peer.id)} whose blocks are not known: left out`);
      return null;
    }
    note(`security group ${groupId}: a rule's peer is not known (${peer.reason}): left out`);
    return null;
  }
}

/** An IPv6 link end numbered with a link-local address only, usable at once (no duplicate address detection). */
function linkLocal6(ns: MutableNs, ifname: string, address: string): void {
  ns.sysctls[`net.ipv6.conf.${ifname}.accept_dad`] = "0";
  ns.ip6.push({ op: "addr-add", cidr: `${address}/64`, dev: ifname, nodad: true });
}

/** Router-side settings of one veth: proxy ARP answering at once, no reverse-path filter. */
function routerPortSysctls(router: MutableNs, veth: string): void {
  router.sysctls[`net.ipv4.conf.${veth}.proxy_arp`] = "1";
  router.sysctls[`net.ipv4.neigh.${veth}.proxy_delay`] = "0";
  router.sysctls[`net.ipv4.conf.${veth}.rp_filter`] = "0";
}

function subnetVpc(model: Model, nat: NatGateway): string | undefined {
  const s = model.get("subnet", nat.subnetId);
  return s && typeof s.vpcId === "string" ? s.vpcId : undefined;
}

/** A NAT gateway: SNAT to its private address for what it forwards, nothing unsolicited in. */
function natRuleset(address: string, vpcCidrs: readonly Cidr[]): string {
  return [
    "table ip natgw {",
    "  chain postrouting {",
    "    type nat hook postrouting priority srcnat; policy accept;",
    `    oifname "eth0" ip saddr != ${address} snat to ${address}`,
    "  }",
    "  chain input {",
    "    type filter hook input priority filter; policy drop;",
    "    ct state established,related accept",
    "  }",
    "  chain forward {",
    "    type filter hook forward priority filter; policy drop;",
    "    ct state established,related accept",
    ...(vpcCidrs.length > 0 ? [`    ip saddr { ${vpcCidrs.map((c) => c.text).join(", ")} } accept`] : []),
    "  }",
    "}",
    "",
  ].join("\n");
}

/** An internet gateway: 1:1 NAT between public and private addresses; traffic of an unmapped private address is dropped. */
function igwRuleset(
  maps: readonly { privateIp: string; publicIp: string; what: string }[],
  blocked: readonly { privateIp: string; what: string }[],
): string {
  const elements = (pairs: string[]): string[] => (pairs.length > 0 ? [`    elements = { ${pairs.join(", ")} }`] : []);
  // VPC Block Public Access: the addresses it blocks keep their mapping but nothing of theirs passes, either way.
  const bpaSet =
    blocked.length > 0
      ? [
          "  set bpa_blocked {",
          ...blocked.map((b) => `    # ${nftComment(`${b.what}: blocked by VPC Block Public Access`)}`),
          "    type ipv4_addr;",
          ...elements(blocked.map((b) => b.privateIp)),
          "  }",
        ]
      : [];
  const bpaRules = blocked.length > 0 ? ["    ip saddr @bpa_blocked drop", "    ip daddr @bpa_blocked drop"] : [];
  return [
    "table ip igw {",
    "  map public_to_private {",
    "    type ipv4_addr : ipv4_addr;",
    ...elements(maps.map((m) => `${m.publicIp} : ${m.privateIp}`)),
    "  }",
    "  map private_to_public {",
    "    type ipv4_addr : ipv4_addr;",
    ...elements(maps.map((m) => `${m.privateIp} : ${m.publicIp}`)),
    "  }",
    "  set mapped_private {",
    "    type ipv4_addr;",
    ...elements(maps.map((m) => m.privateIp)),
    "  }",
    ...bpaSet,
    "  chain prerouting {",
    "    type nat hook prerouting priority dstnat; policy accept;",
    '    iifname "inet0" dnat to ip daddr map @public_to_private',
    "  }",
    "  chain postrouting {",
    "    type nat hook postrouting priority srcnat; policy accept;",
    '    oifname "inet0" snat to ip saddr map @private_to_public',
    "  }",
    "  chain input {",
    "    type filter hook input priority filter; policy drop;",
    "  }",
    "  chain forward {",
    "    type filter hook forward priority filter; policy drop;",
    ...bpaRules,
    '    iifname "eth0" oifname "inet0" ip saddr @mapped_private accept',
    '    iifname "inet0" oifname "eth0" ip daddr @mapped_private accept',
    "  }",
    "}",
    "",
  ].join("\n");
}

function freezeNs(ns: MutableNs): NamespacePlan {
  return {
    name: ns.name,
    role: ns.role,
    entity: ns.entity,
    sysctls: ns.sysctls,
    ip: ns.ip,
    ...(ns.ip6.length > 0 ? { ip6: ns.ip6 } : {}),
    ...(ns.nft !== undefined ? { nft: ns.nft } : {}),
    ...(ns.resolvConf !== undefined ? { resolvConf: ns.resolvConf } : {}),
  };
}

/** A readable dump of a plan (for `emulate --plan`). */
export function describePlan(plan: Plan): string {
  const out: string[] = [
    `emulation plan ${plan.prefix}: ${plan.namespaces.length} namespaces, ${plan.links.length} links, ${plan.servers.length} servers`,
  ];
  for (const ns of plan.namespaces) {
    out.push("", `namespace ${ns.name} (${ns.role}, ${printable(ns.entity)})`);
    for (const [k, v] of Object.entries(ns.sysctls)) out.push(`  sysctl ${k}=${v}`);
    for (const l of ns.ip) out.push(`  ip ${renderIpOp(l)}`);
    for (const l of ns.ip6 ?? []) out.push(`  ip -6 ${renderIpOp(l)}`);
    if (ns.resolvConf !== undefined) out.push(`  resolv.conf: ${ns.resolvConf.trim().replace(/\n/g, "; ")}`);
    if (ns.nft !== undefined) {
      out.push("  nft:");
      for (const l of ns.nft.trimEnd().split("\n")) out.push(`    ${l}`);
    }
  }
  out.push("", "links:");
  for (const l of plan.links) out.push(`  ${l.a.ns}:${l.a.name} <-> ${l.b.ns}:${l.b.name}`);
  out.push("", "servers:");
  for (const s of plan.servers) {
    const what =
      s.kind === "dns"
        ? `records ${Object.entries(s.records ?? {})
            .map(([n, a]) => `${n}=${a.join(",")}`)
            .join(" ")}`
        : `label "${s.label ?? ""}"`;
    out.push(`  ${s.kind} ${s.address.includes(":") ? `[${s.address}]` : s.address}:${s.port} in ${s.ns}, ${what}`);
  }
  out.push("", "function ENIs:");
  for (const e of plan.enis) {
    out.push(`  ${printable(e.functionId)} in ${printable(e.subnetId)}: ${e.ipv4}${e.ipv6 !== undefined ? `, ${e.ipv6}` : ""} (${e.ns})`);
    for (const [k, v] of Object.entries(e.env ?? {})) out.push(`    environment ${printable(k)}=${printable(v)}`);
  }
  if (plan.notes.length > 0) {
    out.push("", "notes:");
    for (const n of plan.notes) out.push(`  - ${printable(n)}`);
  }
  return out.join("\n") + "\n";
}
