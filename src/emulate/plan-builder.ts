// The emulator's plan builder: the state a plan grows in (namespaces, links, servers, ENIs, notes, one VpcState per
// emulated VPC) and the small steps every part of the planner shares (a namespace, a link, a VPC's router, a subnet's
// address, an interface behind security groups, a public address mapping). The planning steps (plan.ts,
// plan-gateways.ts, plan-routes.ts) call these; the rulesets are rendered by plan-nft.ts. Pure: no I/O.
import type { Model } from "../model/model.ts";
import type { EntityRef, Instance, PublicAddress, RouteTarget, SecurityGroup, Subnet, Unknown, Vpc } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";
import type { Cidr } from "../net/ip.ts";
import { cidrContains, formatAddress, parseAddress } from "../net/ip.ts";
import type { GatewayUser } from "../analyze/block-public-access.ts";
import { urlSuffixOf } from "../aws/facts.ts";
import { DOCUMENTATION_V4, PRIVATE_V4 } from "./address-space.ts";
import type { EniPlan, LinkPlan, NamespacePlan, NamespaceRole, Plan, ServerPlan } from "./plan-types.ts";
import type { IpOp } from "./ip-ops.ts";
import type { PlanNote } from "./plan-notes.ts";
import { planNote, refText, renderPlanNote, whyUnknown } from "./plan-notes.ts";
import type { Ipv6Layout } from "./plan-ipv6.ts";
import { bpaDecision, ipv6Address, ipv6Layout, keptIpv6Blocks, LINK_LOCAL_GATEWAY, LINK_LOCAL_UPSTREAM } from "./plan-ipv6.ts";

/** Linux IFNAMSIZ - 1. */
export const IFNAME_MAX = 15;
/** The whoami server of the emulated internet; every public name resolves to it. */
export const INTERNET_WHOAMI = "198.51.100.80";
/** The public resolver of the emulated internet. */
export const INTERNET_RESOLVER = "198.51.100.53";
/** The internet namespace's own address on its links to the internet gateways. */
export const INTERNET_LINK = "192.0.2.1";
/** First stand-in Elastic IP. */
const EIP_STANDIN_FIRST = 10;
/** First stand-in address of an AWS service's public endpoint (198.51.100.x). */
const SERVICE_STANDIN_FIRST = 100;
export const WHOAMI_PORTS = [80, 443] as const;

/** A namespace while the plan grows (frozen into a NamespacePlan at the end). */
export interface MutableNs {
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
export interface RouterPort {
  /** The router-side veth name (the peer namespace's name). */
  readonly veth: string;
  /** The subnet it sits in (ENIs, NAT gateways, endpoint ENIs), or null (IGW, gateway endpoint). */
  readonly subnet: Subnet | null;
  /** Its private address, for the VPC local table. */
  readonly address: string | null;
  /** Security groups filtering it (function and endpoint ENIs); null: not an ENI with groups. */
  readonly groups: readonly SecurityGroup[] | null;
  readonly what: string;
  /** Its IPv6 address (a dual-stack function's ENI in a dual-stack subnet). */
  readonly address6?: string;
}

/** One emulated VPC: its router namespace and what the steps placed in it. */
export interface VpcState {
  readonly vpc: Vpc;
  readonly index: number;
  readonly router: MutableNs;
  readonly cidrs: readonly Cidr[];
  readonly localTable: number;
  readonly resolver: string;
  readonly ports: RouterPort[];
  /** Subnet id -> interface group (1-based). */
  readonly groups: Map<string, number>;
  /** Subnet id -> host offsets taken. */
  readonly used: Map<string, Set<bigint>>;
  /** Route table id -> kernel table. */
  readonly tables: Map<string, number>;
  /** NAT gateway (or NAT instance) id -> its router-side veth and private address. */
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

/** A private address mapped 1:1 to a public one at its VPC's internet gateway; `bpa`: who meets the gateway with it. */
export interface PublicMapping {
  readonly vpcId: string;
  readonly privateIp: string;
  readonly publicIp: string;
  readonly what: string;
  readonly bpa: { readonly subnet: Subnet | null; readonly user: GatewayUser };
}

/** The plan and its notes, typed (the plan's `notes` are their rendering). */
export interface PlannedEmulation {
  readonly plan: Plan;
  readonly notes: readonly PlanNote[];
}

export const up = (dev: string): IpOp => ({ op: "link-up", dev });
export const addr = (cidr: string, dev: string): IpOp => ({ op: "addr-add", cidr, dev });

/** Whether an IPv4 address lies in the documentation ranges (kept as it is in the emulation). */
export function inDocumentationRange(address: string): boolean {
  const a = parseAddress(address);
  if (!a || a.family !== 4) return false;
  return DOCUMENTATION_V4.some((c) => c.start <= a.value && a.value <= c.end);
}

/** The regional DNS name of an AWS service's public endpoint. */
export function serviceDnsName(service: string, region: string): string {
  return `${service}.${region}.${urlSuffixOf(region)}`;
}

/** An IPv6 link end numbered with a link-local address only, usable at once (no duplicate address detection). */
export function linkLocal6(ns: MutableNs, ifname: string, address: string): void {
  ns.sysctls[`net.ipv6.conf.${ifname}.accept_dad`] = "0";
  ns.ip6.push({ op: "addr-add", cidr: `${address}/64`, dev: ifname, nodad: true });
}

/** Router-side settings of one veth: proxy ARP answering at once, no reverse-path filter. */
export function routerPortSysctls(router: MutableNs, veth: string): void {
  router.sysctls[`net.ipv4.conf.${veth}.proxy_arp`] = "1";
  router.sysctls[`net.ipv4.neigh.${veth}.proxy_delay`] = "0";
  router.sysctls[`net.ipv4.conf.${veth}.rp_filter`] = "0";
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

/** The state of one plan being built, and the steps shared by every part of the planner. */
export class PlanBuilder {
  readonly namespaces: MutableNs[] = [];
  readonly links: LinkPlan[] = [];
  readonly servers: ServerPlan[] = [];
  readonly enis: EniPlan[] = [];
  /** The notes so far, each once (by its rendering), in the order they came. */
  readonly notes: PlanNote[] = [];
  private readonly noteTexts = new Set<string>();
  private readonly counters = new Map<string, number>();
  readonly vpcStates = new Map<string, VpcState>();
  /** Public DNS: every other name answers with the internet's whoami; AWS service names with their stand-ins. */
  // AWS services' regional names have IPv4 addresses only: no AAAA for them, even where the internet answers on IPv6.
  readonly publicRecords: Record<string, string[]>;
  /** AWS service -> the address of its public endpoint's stand-in on the internet. */
  readonly serviceStandins = new Map<string, string>();
  readonly publicMappings: PublicMapping[] = [];
  /** Internet gateways, with their address towards the internet, in the order they were planned. */
  readonly igwNamespaces: { st: VpcState; ns: MutableNs; inetSide: string }[] = [];
  private readonly eipStandins = new Set<string>();
  private nextEip = EIP_STANDIN_FIRST;
  /** IPv6 VPC blocks in use: the documentation blocks kept as they are, then each stand-in. */
  private readonly ipv6Taken: Cidr[];
  /** The emulated internet (the first namespace). */
  readonly internet: MutableNs;

  readonly model: Model;
  /** Per-run prefix of every name. */
  readonly prefix: string;

  constructor(model: Model, prefix: string) {
    this.model = model;
    this.prefix = prefix;
    if (!/^[a-z][a-z0-9]*$/.test(prefix) || prefix.length > IFNAME_MAX - 5) {
      throw new Error(`emulation prefix must be lowercase letters and digits, at most ${IFNAME_MAX - 5} characters: ${prefix}`);
    }
    this.publicRecords = { "*": [INTERNET_WHOAMI], [`*.${urlSuffixOf(model.region)}`]: [INTERNET_WHOAMI] };
    // Literal EIPs inside the documentation ranges are kept; reserve them before any stand-in is given.
    for (const e of model.all("elastic-ip")) if (e.publicIp !== null && inDocumentationRange(e.publicIp)) this.eipStandins.add(e.publicIp);
    this.ipv6Taken = keptIpv6Blocks(model);
    this.internet = this.newNs("i", "internet", "internet");
  }

  /** Adds a note unless the same words are there already. */
  readonly note = (n: PlanNote): void => {
    const text = renderPlanNote(n);
    if (this.noteTexts.has(text)) return;
    this.noteTexts.add(text);
    this.notes.push(n);
  };

  /** A new namespace `<prefix>-<short><n>` (n counts per short name from 0). */
  newNs(short: string, role: NamespaceRole, entity: string): MutableNs {
    const n = this.counters.get(short) ?? 0;
    this.counters.set(short, n + 1);
    const ns: MutableNs = { name: `${this.prefix}-${short}${n}`, role, entity, sysctls: {}, ip: [up("lo")], ip6: [] };
    this.namespaces.push(ns);
    return ns;
  }

  /** A veth pair `a:aName <-> b:bName`, both ends brought up. */
  link(a: MutableNs, aName: string, b: MutableNs, bName: string): void {
    this.links.push({ a: { ns: a.name, name: aName }, b: { ns: b.name, name: bName } });
    a.ip.push(up(aName));
    b.ip.push(up(bName));
  }

  /** The next stand-in Elastic IP (203.0.113.10 on, skipping the literal ones kept). */
  standinEip(): string {
    while (this.eipStandins.has(`203.0.113.${this.nextEip}`)) this.nextEip++;
    const a = `203.0.113.${this.nextEip}`;
    this.eipStandins.add(a);
    this.nextEip++;
    return a;
  }

  /** The VPC's state, made (with its router) the first time; undefined, with a note, when the VPC cannot be emulated. */
  vpcState(vpc: Vpc): VpcState | undefined {
    const known = this.vpcStates.get(vpc.id);
    if (known) return known;
    const cidrs: Cidr[] = [];
    const known4 = vpc.cidrs.some((c) => !isUnknown(c) && c.family === 4);
    const v6 = known4 ? ipv6Layout(this.model, vpc, this.ipv6Taken, this.note) : undefined;
    // The IPv6 layout stood in for the first unknown block when the VPC names no literal IPv6 block.
    const standsIn = v6 && !vpc.cidrs.some((c) => !isUnknown(c) && c.family === 6) ? vpc.cidrs.find((c) => isUnknown(c)) : undefined;
    for (const c of vpc.cidrs) {
      if (isUnknown(c)) {
        if (c !== standsIn) this.note(planNote("VPC_CIDR_UNKNOWN", { vpc: vpc.id, why: whyUnknown(c) }));
      } else if (c.family === 4) cidrs.push(c);
    }
    const publicBlock = cidrs.find((c) => !PRIVATE_V4.some((p) => cidrContains(p, c)));
    if (publicBlock) {
      this.note(planNote("VPC_PUBLIC_CIDR", { vpc: vpc.id, cidr: publicBlock.text }));
      return undefined;
    }
    const primary = cidrs[0];
    if (!primary) {
      this.note(planNote("VPC_NO_IPV4", { vpc: vpc.id }));
      return undefined;
    }
    const index = this.vpcStates.size;
    const router = this.newNs("r", "router", vpc.id);
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
    for (const s of this.model.subnetsOf(vpc.id)) {
      if (!isUnknown(s.cidr) && s.cidr.family === 4) {
        const gw = `${formatAddress(4, s.cidr.start + 1n)}/32`;
        if (!router.ip.some((o) => o.op === "addr-add" && o.cidr === gw)) router.ip.push(addr(gw, "lo"));
      }
    }
    this.vpcStates.set(vpc.id, st);
    return st;
  }

  /** The subnet, its IPv4 CIDR and its VPC's state (inside `inVpc` when given), or a note and undefined. */
  placeSubnet(ref: EntityRef, what: string, inVpc?: VpcState): { subnet: Subnet; cidr: Cidr; st: VpcState } | undefined {
    if (isUnknown(ref)) {
      this.note(planNote("SUBNET_UNKNOWN", { what, why: whyUnknown(ref) }));
      return undefined;
    }
    const subnet = this.model.get("subnet", ref);
    if (!subnet) {
      this.note(planNote("SUBNET_NOT_IN_MODEL", { what, subnet: ref }));
      return undefined;
    }
    if (isUnknown(subnet.cidr) || subnet.cidr.family !== 4) {
      this.note(
        planNote("SUBNET_CIDR_UNKNOWN", { what, subnet: subnet.id, ...(isUnknown(subnet.cidr) ? { why: whyUnknown(subnet.cidr) } : {}) }),
      );
      return undefined;
    }
    const vpc = this.model.vpc(subnet.vpcId);
    if (!vpc) {
      this.note(planNote("SUBNET_VPC_NOT_IN_MODEL", { what, subnet: subnet.id, vpc: refText(subnet.vpcId) }));
      return undefined;
    }
    if (inVpc !== undefined && vpc.id !== inVpc.vpc.id) {
      this.note(planNote("SUBNET_IN_OTHER_VPC", { what, subnet: subnet.id, vpc: vpc.id, expected: inVpc.vpc.id }));
      return undefined;
    }
    const st = this.vpcState(vpc);
    if (!st) return undefined;
    if (!st.cidrs.some((c) => cidrContains(c, subnet.cidr as Cidr))) {
      this.note(planNote("SUBNET_OUTSIDE_VPC", { what, subnet: subnet.id, cidr: subnet.cidr.text, vpc: vpc.id }));
      return undefined;
    }
    return { subnet, cidr: subnet.cidr, st };
  }

  /** A free address in the subnet: `preferred` host offset when free, else the lowest free one (AWS reserves base+0..3 and the last). */
  allocate(st: VpcState, subnet: Subnet, cidr: Cidr, preferred: bigint): string | undefined {
    const used = st.used.get(subnet.id) ?? new Set<bigint>();
    st.used.set(subnet.id, used);
    const size = cidr.end - cidr.start + 1n;
    const fits = (o: bigint): boolean => o >= 4n && o <= size - 2n && !used.has(o);
    let off: bigint | undefined = fits(preferred) ? preferred : undefined;
    for (let o = 4n; off === undefined && o <= size - 2n; o++) if (fits(o)) off = o;
    if (off === undefined) return undefined;
    used.add(off);
    return formatAddress(4, cidr.start + off);
  }

  /** The subnet's interface group on its VPC's router (1-based, in the order subnets are first linked). */
  groupOf(st: VpcState, subnet: Subnet): number {
    const g = st.groups.get(subnet.id) ?? st.groups.size + 1;
    st.groups.set(subnet.id, g);
    return g;
  }

  /**
   * Links a namespace into the router at `address` in `subnet` (and at its IPv6 twin when `ipv6` and the subnet is
   * dual-stack); returns that IPv6 address, if any.
   */
  attach(
    st: VpcState,
    ns: MutableNs,
    subnet: Subnet,
    cidr: Cidr,
    address: string,
    port: Pick<RouterPort, "groups" | "what">,
    ipv6 = false,
  ): string | undefined {
    const veth = ns.name;
    this.link(st.router, veth, ns, "eth0");
    routerPortSysctls(st.router, veth);
    st.router.ip.push({ op: "link-group", dev: veth, group: this.groupOf(st, subnet) });
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
  }

  /** The security groups the references name (those not in the model noted and left out); none known: noted, all dropped. */
  securityGroupsOf(refs: readonly EntityRef[] | Unknown, what: string): SecurityGroup[] {
    if (isUnknown(refs)) {
      this.note(planNote("SECURITY_GROUPS_UNKNOWN", { what, why: whyUnknown(refs) }));
      return [];
    }
    const groups: SecurityGroup[] = [];
    if (refs.length === 0) this.note(planNote("NO_SECURITY_GROUP", { what }));
    for (const r of refs) {
      const g = this.model.securityGroup(r);
      if (g) groups.push(g);
      else this.note(planNote("SECURITY_GROUP_NOT_IN_MODEL", { what, group: refText(r) }));
    }
    return groups;
  }

  /**
   * A namespace in `subnet` linked into the router (a function ENI, a NAT, an endpoint ENI), at the address `preferred`
   * above the subnet's base when free; with its security groups (`sgRefs`, named `sgWhat` in notes) unless null.
   * Undefined, with a note, when the subnet has no address left.
   */
  addInterface(
    st: VpcState,
    subnet: Subnet,
    cidr: Cidr,
    preferred: bigint,
    ns: { readonly short: string; readonly role: NamespaceRole; readonly entity: string },
    what: string,
    sgRefs: readonly EntityRef[] | Unknown | null,
    sgWhat: string = what,
    ipv6 = false,
  ): { ns: MutableNs; address: string; address6?: string } | undefined {
    const address = this.allocate(st, subnet, cidr, preferred);
    if (!address) {
      this.note(planNote("SUBNET_FULL", { what, subnet: subnet.id }));
      return undefined;
    }
    const created = this.newNs(ns.short, ns.role, ns.entity);
    const groups = sgRefs !== null ? this.securityGroupsOf(sgRefs, sgWhat) : null;
    const address6 = this.attach(st, created, subnet, cidr, address, { groups, what }, ipv6);
    return address6 !== undefined ? { ns: created, address, address6 } : { ns: created, address };
  }

  /** A 1:1 mapping of `privateIp` to the public address `a` stands for (a stand-in unless a documentation literal). */
  mapPublic(st: VpcState, what: string, privateIp: string, a: PublicAddress, bpa: PublicMapping["bpa"]): void {
    let publicIp: string | undefined;
    if (a.kind === "unknown") {
      this.note(planNote("PUBLIC_ADDRESS_UNKNOWN", { what, why: a.reason }));
    } else if (a.kind === "auto-assigned") {
      publicIp = this.standinEip();
    } else {
      const literal = a.publicIp ?? (a.kind === "elastic-ip" ? (this.model.get("elastic-ip", a.eipId)?.publicIp ?? null) : null);
      const label = a.kind === "elastic-ip" ? a.eipId : a.allocationId;
      if (literal !== null && inDocumentationRange(literal)) publicIp = literal;
      else {
        publicIp = this.standinEip();
        if (literal !== null) this.note(planNote("EIP_STAND_IN", { eip: label, address: literal, standIn: publicIp }));
      }
    }
    if (publicIp !== undefined) this.publicMappings.push({ vpcId: st.vpc.id, privateIp, publicIp, what, bpa });
  }

  /** The stand-in address of an AWS service's public endpoint on the internet (198.51.100.100 on), with its public name. */
  serviceStandin(service: string): string {
    const known = this.serviceStandins.get(service);
    if (known) return known;
    const address = `198.51.100.${SERVICE_STANDIN_FIRST + this.serviceStandins.size}`;
    this.serviceStandins.set(service, address);
    this.publicRecords[serviceDnsName(service, this.model.region)] = [address];
    return address;
  }

  /** The instance a route target names (an instance, or the instance of a network interface). */
  instanceOfTarget(t: RouteTarget): Instance | undefined {
    if (t.kind === "instance") return this.model.get("instance", t.id);
    return t.kind === "network-interface" ? this.model.instanceOfInterface(t.id) : undefined;
  }

  /** The IPv6 side of a gateway namespace between the router (its `eth0`) and the internet (its `inet0`), link-local only. */
  gatewayIpv6(v6: Ipv6Layout, router: MutableNs, ns: MutableNs): void {
    ns.sysctls["net.ipv6.conf.all.forwarding"] = "1";
    linkLocal6(router, ns.name, LINK_LOCAL_UPSTREAM);
    linkLocal6(this.internet, ns.name, LINK_LOCAL_UPSTREAM);
    linkLocal6(ns, "eth0", LINK_LOCAL_GATEWAY);
    linkLocal6(ns, "inet0", LINK_LOCAL_GATEWAY);
    ns.ip6.push({ op: "route-add", to: "default", via: LINK_LOCAL_UPSTREAM, dev: "inet0" });
    for (const b of v6.blocks) ns.ip6.push({ op: "route-add", to: b.text, via: LINK_LOCAL_UPSTREAM, dev: "eth0" });
  }

  /**
   * The VPC's dual-stack subnet blocks that a gateway carries for `user`, and those VPC Block Public Access keeps out
   * (the analyzer's decision; one it cannot make is noted and emulated as blocked).
   */
  ipv6Subnets(
    st: VpcState,
    user: GatewayUser,
    gateway: string,
  ): { allowed: { id: string; cidr: Cidr }[]; kept: { id: string; why: string }[] } {
    const allowed: { id: string; cidr: Cidr }[] = [];
    const kept: { id: string; why: string }[] = [];
    for (const [id, cidr] of st.v6?.subnets ?? []) {
      const d = bpaDecision(this.model, st.vpc.id, this.model.get("subnet", id) ?? null, user);
      if (!d.blocked) allowed.push({ id, cidr });
      else if (!d.unknown) kept.push({ id, why: "blocked by VPC Block Public Access" });
      else {
        kept.push({ id, why: "VPC Block Public Access may block it (not known): emulated as blocked" });
        this.note(planNote("BPA_UNKNOWN_IPV6", { gateway, why: d.reason ?? "", subnet: id }));
      }
    }
    return { allowed, kept };
  }

  /** The plan as data, with its notes rendered, and the typed notes. */
  finish(enis: readonly EniPlan[]): PlannedEmulation {
    const plan: Plan = {
      prefix: this.prefix,
      namespaces: this.namespaces.map(freezeNs),
      links: this.links,
      servers: this.servers,
      enis,
      notes: this.notes.map(renderPlanNote),
    };
    return { plan, notes: this.notes };
  }
}
