// The planner's gateway steps: NAT gateways (zonal and regional), NAT instances, the internet and egress-only internet
// gateways, VPC endpoints; each adds its namespaces to a PlanBuilder (plan-builder.ts).
import type { Model } from "../model/model.ts";
import type { Instance, NatGateway, VpcEndpoint } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";
import type { Cidr } from "../net/ip.ts";
import { groupsOrDefault, privateDnsCaptures } from "../analyze/aws-defaults.ts";
import type { PlanBuilder, VpcState } from "./plan-builder.ts";
import { addr, INTERNET_LINK, routerPortSysctls, serviceDnsName, WHOAMI_PORTS } from "./plan-builder.ts";
import { planNote, whyUnknown } from "./plan-notes.ts";
import { igwRuleset, natRuleset } from "./plan-nft.ts";
import { bpaDecision, eigwRuleset, igw6Ruleset, LINK_LOCAL_GATEWAY } from "./plan-ipv6.ts";

/** A NAT forwards out of the interface it received on: no ICMP redirects, no reverse-path filter. */
const NAT_SYSCTLS: Readonly<Record<string, string>> = {
  "net.ipv4.ip_forward": "1",
  "net.ipv4.conf.all.send_redirects": "0",
  "net.ipv4.conf.eth0.send_redirects": "0",
  "net.ipv4.conf.all.rp_filter": "0",
  "net.ipv4.conf.eth0.rp_filter": "0",
};

function subnetVpc(model: Model, nat: NatGateway): string | undefined {
  const s = model.get("subnet", nat.subnetId);
  return s && typeof s.vpcId === "string" ? s.vpcId : undefined;
}

/** Every gateway and endpoint of an emulated VPC, in this order: NAT gateways, NAT instances, IGW, EIGW, endpoints. */
export function planGateways(b: PlanBuilder, st: VpcState): void {
  const vpcId = st.vpc.id;
  for (const nat of b.model.all("nat-gateway")) {
    const natVpc = subnetVpc(b.model, nat);
    if (natVpc !== undefined ? natVpc !== vpcId : nat.vpcId !== vpcId) continue;
    planNat(b, nat, st);
  }
  for (const inst of routedInstances(b, st)) planNatInstance(b, inst, st);
  planIgw(b, st);
  planEigw(b, st);
  for (const ep of b.model.vpcEndpointsOf(vpcId)) planEndpoint(b, ep, st);
}

export function planNat(b: PlanBuilder, nat: NatGateway, st: VpcState): void {
  if (nat.availability === "regional" || nat.subnetId === null) {
    planRegionalNat(b, nat, st);
    return;
  }
  const placed = b.placeSubnet(nat.subnetId, `NAT gateway ${nat.id}`, st);
  if (!placed) return;
  const { subnet, cidr } = placed;
  const added = b.addInterface(st, subnet, cidr, 10n, { short: "n", role: "nat-gateway", entity: nat.id }, `NAT gateway ${nat.id}`, null);
  if (!added) return;
  const { ns, address } = added;
  Object.assign(ns.sysctls, NAT_SYSCTLS);
  ns.nft = natRuleset(address, st.cidrs);
  st.nats.set(nat.id, { veth: ns.name, address });
  if (nat.connectivity === "private") return;
  // Its public address: a 1:1 mapping in the internet gateway.
  if (nat.addresses.length > 1) b.note(planNote("NAT_EXTRA_ADDRESSES", { nat: nat.id, regional: false, count: nat.addresses.length }));
  b.mapPublic(st, `NAT gateway ${nat.id}`, address, nat.addresses[0] ?? { kind: "unknown", reason: "none given" }, {
    subnet,
    user: "nat-gateway",
  });
}

/**
 * A regional NAT gateway: in no subnet, linked to the router like a gateway, translating to a
 * link-local stand-in of its private address, then straight to the internet gateway; it takes
 * traffic only from the subnets of the AZs it covers.
 */
export function planRegionalNat(b: PlanBuilder, nat: NatGateway, st: VpcState): void {
  const address = `169.254.64.${1 + st.regionalNats.length}`;
  const ns = b.newNs("n", "nat-gateway", nat.id);
  b.link(st.router, ns.name, ns, "eth0");
  routerPortSysctls(st.router, ns.name);
  ns.ip.push(addr(`${address}/32`, "eth0"), { op: "route-add", to: "default", dev: "eth0" });
  ns.resolvConf = `nameserver ${st.resolver}\n`;
  Object.assign(ns.sysctls, NAT_SYSCTLS);
  let sources: readonly Cidr[] = st.cidrs;
  if (nat.regionalAzs !== "auto") {
    const azs = nat.regionalAzs;
    for (const az of azs) if (isUnknown(az)) b.note(planNote("REGIONAL_NAT_AZ_UNKNOWN", { nat: nat.id, why: whyUnknown(az) }));
    const covered: Cidr[] = [];
    for (const sub of b.model.subnetsOf(st.vpc.id)) {
      if (isUnknown(sub.cidr) || sub.cidr.family !== 4) continue;
      if (isUnknown(sub.az)) b.note(planNote("REGIONAL_NAT_SUBNET_AZ_UNKNOWN", { nat: nat.id, subnet: sub.id }));
      else if (azs.includes(sub.az)) covered.push(sub.cidr);
    }
    sources = covered;
  }
  ns.nft = natRuleset(address, sources);
  st.nats.set(nat.id, { veth: ns.name, address });
  st.regionalNats.push({ veth: ns.name, address });
  if (nat.connectivity === "private") return;
  if (nat.addresses.length > 1) b.note(planNote("NAT_EXTRA_ADDRESSES", { nat: nat.id, regional: true, count: nat.addresses.length }));
  b.mapPublic(st, `NAT gateway ${nat.id}`, address, nat.addresses[0] ?? { kind: "unknown", reason: "none given" }, {
    subnet: null,
    user: "nat-gateway",
  });
}

/** The instances the VPC's route tables send traffic to (NAT instances), in model order. */
export function routedInstances(b: PlanBuilder, st: VpcState): Instance[] {
  const ids = new Set<string>();
  for (const rt of b.model.all("route-table")) {
    if (rt.vpcId !== st.vpc.id) continue;
    for (const r of rt.routes) {
      const inst = b.instanceOfTarget(r.target);
      if (inst) ids.add(inst.id);
    }
  }
  return b.model.all("instance").filter((i) => ids.has(i.id));
}

export function planNatInstance(b: PlanBuilder, inst: Instance, st: VpcState): void {
  const placed = b.placeSubnet(inst.subnetId, `NAT instance ${inst.id}`, st);
  if (!placed || placed.st !== st) return;
  const { subnet, cidr } = placed;
  const refs = groupsOrDefault(inst.securityGroupIds, st.vpc);
  const added = b.addInterface(
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
  if (isUnknown(inst.sourceDestCheck))
    b.note(planNote("SOURCE_DEST_CHECK_UNKNOWN", { instance: inst.id, why: whyUnknown(inst.sourceDestCheck) }));
  ns.nft = natRuleset(address, forwards ? st.cidrs : []);
  st.nats.set(inst.id, { veth: ns.name, address });
  if (inst.publicAddress !== null)
    b.mapPublic(st, `NAT instance ${inst.id}`, address, inst.publicAddress, { subnet, user: "public-address" });
}

export function planIgw(b: PlanBuilder, st: VpcState): void {
  const igws = b.model.internetGatewaysOf(st.vpc.id);
  const igw = igws[0];
  if (!igw) return;
  if (igws.length > 1) b.note(planNote("EXTRA_INTERNET_GATEWAYS", { vpc: st.vpc.id, count: igws.length, emulated: igw.id }));
  const ns = b.newNs("g", "igw", igw.id);
  const k = st.index;
  const vpcSide = `169.254.${k % 256}.1`;
  const inetSide = `192.0.2.${10 + k}`;
  b.link(st.router, ns.name, ns, "eth0");
  routerPortSysctls(st.router, ns.name);
  b.link(b.internet, ns.name, ns, "inet0");
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
  b.igwNamespaces.push({ st, ns, inetSide });
  if (st.v6) b.gatewayIpv6(st.v6, st.router, ns);
}

/**
 * The internet gateways' rulesets, once every public mapping is known: the 1:1 NAT of each (with what VPC Block Public
 * Access blocks), its IPv6 filter, and the internet's routes to its public addresses.
 */
export function planIgwRulesets(b: PlanBuilder): void {
  const model = b.model;
  for (const { st, ns, inetSide } of b.igwNamespaces) {
    const mine = b.publicMappings.filter((m) => m.vpcId === st.vpc.id);
    const blocked = mine.filter((m) => {
      const d = bpaDecision(model, st.vpc.id, m.bpa.subnet, m.bpa.user);
      if (d.unknown) b.note(planNote("BPA_UNKNOWN_ADDRESS", { igw: st.igw?.id ?? "", why: d.reason ?? "", what: m.what }));
      return d.blocked;
    });
    ns.nft = igwRuleset(mine, blocked);
    if (st.v6) {
      const { allowed, kept } = b.ipv6Subnets(st, "public-address", `internet gateway ${st.igw?.id ?? ""}`);
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
    for (const m of mine) b.internet.ip.push({ op: "route-add", to: `${m.publicIp}/32`, via: inetSide, dev: ns.name, onlink: true });
  }
}

export function planEigw(b: PlanBuilder, st: VpcState): void {
  const eigws = b.model.all("egress-only-internet-gateway").filter((g) => g.vpcId === st.vpc.id);
  const eigw = eigws[0];
  if (!eigw) return;
  if (!st.v6) {
    b.note(planNote("EIGW_WITHOUT_IPV6", { eigw: eigw.id, vpc: st.vpc.id }));
    return;
  }
  if (eigws.length > 1) b.note(planNote("EXTRA_EGRESS_ONLY_GATEWAYS", { vpc: st.vpc.id, count: eigws.length, emulated: eigw.id }));
  const ns = b.newNs("o", "eigw", eigw.id);
  b.link(st.router, ns.name, ns, "eth0");
  b.link(b.internet, ns.name, ns, "inet0");
  b.gatewayIpv6(st.v6, st.router, ns);
  const { allowed, kept } = b.ipv6Subnets(st, "egress-only-gateway", `egress-only internet gateway ${eigw.id}`);
  ns.nft = eigwRuleset(allowed, kept);
  st.eigw = { id: eigw.id, veth: ns.name };
}

/**
 * The internet's routes back to the VPC's IPv6 blocks: through the internet gateway when there is one, else the
 * egress-only one; the /64 of a subnet that leaves through the egress-only gateway comes back through it (its flows).
 */
export function internetRoutes6(b: PlanBuilder, st: VpcState): void {
  if (!st.v6) return;
  const back = st.igw?.veth ?? st.eigw?.veth;
  if (back !== undefined)
    for (const c of st.v6.blocks) b.internet.ip6.push({ op: "route-add", to: c.text, via: LINK_LOCAL_GATEWAY, dev: back });
  const eigw = st.eigw;
  if (!eigw || !st.igw) return;
  for (const [id, cidr] of st.v6.subnets) {
    const subnet = b.model.get("subnet", id);
    const rt = subnet ? b.model.routeTableFor(subnet) : undefined;
    const viaEigw = rt?.routes.some((r) => r.target.kind === "egress-only-internet-gateway" && r.target.id === eigw.id);
    if (viaEigw) b.internet.ip6.push({ op: "route-add", to: cidr.text, via: LINK_LOCAL_GATEWAY, dev: eigw.veth });
  }
}

export function planEndpoint(b: PlanBuilder, ep: VpcEndpoint, st: VpcState): void {
  if (isUnknown(ep.type) || isUnknown(ep.service) || ep.service === null) {
    const why = isUnknown(ep.type) ? whyUnknown(ep.type) : isUnknown(ep.service) ? whyUnknown(ep.service) : "not an AWS service";
    b.note(planNote("ENDPOINT_UNKNOWN", { endpoint: ep.id, why }));
    return;
  }
  const service = ep.service;
  const publicAddress = b.serviceStandin(service);
  if (ep.type === "Gateway") {
    if (isUnknown(ep.routeTableIds)) {
      b.note(planNote("GATEWAY_ENDPOINT_ROUTE_TABLES_UNKNOWN", { endpoint: ep.id, why: whyUnknown(ep.routeTableIds) }));
      return;
    }
    const ns = b.newNs("p", "endpoint", ep.id);
    const address = `169.254.${128 + (st.gatewayEndpoints.size % 128)}.1`;
    b.link(st.router, ns.name, ns, "eth0");
    routerPortSysctls(st.router, ns.name);
    ns.ip.push(addr(`${address}/32`, "eth0"), addr(`${publicAddress}/32`, "lo"));
    for (const c of st.cidrs) ns.ip.push({ op: "route-add", to: c.text, dev: "eth0" });
    st.gatewayEndpoints.set(ep.id, { veth: ns.name, address, prefix: `${publicAddress}/32` });
    for (const port of WHOAMI_PORTS) {
      b.servers.push({ ns: ns.name, kind: "whoami", address: publicAddress, port, label: `aws:${service} via gateway endpoint` });
    }
    return;
  }
  if (ep.type !== "Interface") {
    b.note(planNote("ENDPOINT_TYPE_NOT_EMULATED", { endpoint: ep.id, type: ep.type }));
    return;
  }
  if (isUnknown(ep.subnetIds)) {
    b.note(planNote("INTERFACE_ENDPOINT_SUBNETS_UNKNOWN", { endpoint: ep.id, why: whyUnknown(ep.subnetIds) }));
    return;
  }
  if (isUnknown(ep.privateDnsEnabled)) b.note(planNote("PRIVATE_DNS_UNKNOWN", { endpoint: ep.id, why: whyUnknown(ep.privateDnsEnabled) }));
  const privateDns = privateDnsCaptures(ep, st.vpc);
  const refs = groupsOrDefault(ep.securityGroupIds, st.vpc);
  const addresses: string[] = [];
  for (const ref of ep.subnetIds) {
    const placed = b.placeSubnet(ref, `interface endpoint ${ep.id}`, st);
    if (!placed || placed.st !== st) continue;
    const { subnet, cidr } = placed;
    const added = b.addInterface(
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
    for (const port of WHOAMI_PORTS) b.servers.push({ ns: ns.name, kind: "whoami", address, port, label: `aws:${service} via endpoint` });
    addresses.push(address);
  }
  if (privateDns && addresses.length > 0) st.privateRecords[serviceDnsName(service, b.model.region)] = addresses;
}
