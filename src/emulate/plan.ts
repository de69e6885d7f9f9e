// The emulator's planner: the frozen network model -> a Plan of namespaces, links, rules and servers (pure, no I/O).
// planEmulation runs the steps in order over one PlanBuilder (plan-builder.ts): function ENIs (here), each emulated VPC's
// gateways and endpoints (plan-gateways.ts), the resources' stand-ins (plan-resources.ts), the internet gateways'
// rulesets, each router's routes (plan-routes.ts) and ruleset (plan-nft.ts), then the internet's servers.
import type { Model } from "../model/model.ts";
import type { CapacityProvider, LambdaFunction } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";
import { capacityProviderOf, managedInstancesHost } from "../analyze/managed-instances.ts";
import type { EniPlan, Plan } from "./plan-types.ts";
import { renderIpOp } from "./ip-ops.ts";
import { planResources, resourceEnvironment } from "./plan-resources.ts";
import { printable } from "./text.ts";
import type { PlannedEmulation, VpcState } from "./plan-builder.ts";
import { addr, INTERNET_LINK, INTERNET_RESOLVER, INTERNET_WHOAMI, PlanBuilder, WHOAMI_PORTS } from "./plan-builder.ts";
import { planGateways, planIgwRulesets, internetRoutes6 } from "./plan-gateways.ts";
import { planRoutes } from "./plan-routes.ts";
import { routerRuleset } from "./plan-nft.ts";
import { planNote, whyUnknown } from "./plan-notes.ts";
import { INTERNET_WHOAMI6 } from "./plan-ipv6.ts";

export { INTERNET_WHOAMI6 } from "./plan-ipv6.ts";
export { INTERNET_RESOLVER, INTERNET_WHOAMI, serviceDnsName } from "./plan-builder.ts";
export type { PlannedEmulation } from "./plan-builder.ts";

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

/** Where a resource's stand-in sits in its subnet, when free: base+70. */
const RESOURCE_OFFSET = 70n;

/**
 * Computes the emulation of the model's VPC-attached functions: one router namespace per VPC,
 * one namespace per (function, subnet) ENI, NAT gateway, internet gateway, interface endpoint
 * ENI and gateway endpoint, and one internet namespace. What the model leaves open is noted in
 * `notes` and left out, never guessed.
 */
export function planEmulation(model: Model, options: PlanOptions): Plan {
  return buildPlan(model, options).plan;
}

/** planEmulation, with the plan's notes typed (code and data; the plan's `notes` are their prose). */
export function buildPlan(model: Model, options: PlanOptions): PlannedEmulation {
  const b = new PlanBuilder(model, options.prefix);
  const functions = selectFunctions(b, options.functions);
  b.internet.ip.push(addr(`${INTERNET_WHOAMI}/32`, "lo"), addr(`${INTERNET_RESOLVER}/32`, "lo"), addr(`${INTERNET_LINK}/32`, "lo"));
  b.internet.resolvConf = `nameserver ${INTERNET_RESOLVER}\n`;
  for (const f of functions) planFunction(b, f);
  // Per VPC: NAT gateways, internet gateway, endpoints; the VPCs are those of the functions' ENIs.
  const internet6 = [...b.vpcStates.values()].some((st) => st.v6 !== undefined);
  if (internet6) {
    // The internet answers on IPv6 too: every public name also has its AAAA record.
    b.publicRecords["*"]?.push(INTERNET_WHOAMI6);
    b.internet.ip6.push(addr(`${INTERNET_WHOAMI6}/128`, "lo"));
  }
  for (const st of [...b.vpcStates.values()]) planGateways(b, st);
  const resources = planResourceStandins(b);
  b.servers.push(...resources.servers);
  planIgwRulesets(b);
  for (const st of b.vpcStates.values()) {
    planRoutes(b, st);
    internetRoutes6(b, st);
    st.router.nft = planRouterRuleset(b, st);
    planResolver(b, st);
  }
  planInternetServers(b, internet6);
  const enis = b.enis.map((e): EniPlan => {
    const fn = functions.find((f) => f.id === e.functionId);
    const env = fn ? resourceEnvironment(model, fn, model.get("subnet", e.subnetId), resources.standins, b.note) : {};
    return Object.keys(env).length > 0 ? { ...e, env } : e;
  });
  return b.finish(enis);
}

/** The functions asked for (all when none is named); a name that is no function is noted. */
export function selectFunctions(b: PlanBuilder, wanted: readonly string[] | undefined): LambdaFunction[] {
  const functions: LambdaFunction[] = [];
  for (const f of b.model.functions()) {
    if (wanted && !wanted.includes(f.id) && !(f.name !== null && wanted.includes(f.name))) continue;
    functions.push(f);
  }
  for (const w of wanted ?? []) {
    if (!b.model.functions().some((f) => f.id === w || f.name === w)) b.note(planNote("FUNCTION_NOT_IN_MODEL", { fn: w }));
  }
  return functions;
}

/** A function's ENIs: one per subnet it names (its capacity provider's, on Lambda Managed Instances). */
export function planFunction(b: PlanBuilder, f: LambdaFunction): void {
  const model = b.model;
  // Lambda Managed Instances (the analyzer's managed-instances.ts decides): the function runs on EC2 instances in its
  // capacity provider's subnets, with the provider's security groups; an instance in a subnet with
  // MapPublicIpOnLaunch gets a public address (a stand-in, 1:1 at the internet gateway), as a NAT instance's.
  let cfg = f.vpcConfig;
  let provider: CapacityProvider | undefined;
  if (f.capacityProviderId !== null) {
    const cp = capacityProviderOf(model, f);
    if ("reason" in cp) {
      b.note(planNote("MANAGED_INSTANCES_UNRESOLVED", { fn: f.id, reason: cp.reason }));
      return;
    }
    provider = cp.provider;
    cfg = cp.vpcConfig;
    b.note(planNote("MANAGED_INSTANCES", { fn: f.id, provider: provider.id }));
  }
  if (!cfg) {
    b.note(planNote("FUNCTION_NOT_IN_VPC", { fn: f.id }));
    return;
  }
  // Lambda gives the ENI an IPv6 address only with Ipv6AllowedForDualStack, in a dual-stack subnet.
  const dualStack = cfg.ipv6AllowedForDualStack === true;
  if (isUnknown(cfg.ipv6AllowedForDualStack))
    b.note(planNote("DUAL_STACK_UNKNOWN", { fn: f.id, why: whyUnknown(cfg.ipv6AllowedForDualStack) }));
  if (isUnknown(cfg.subnetIds)) {
    b.note(planNote("FUNCTION_SUBNETS_UNKNOWN", { fn: f.id, why: whyUnknown(cfg.subnetIds) }));
    return;
  }
  const seen = new Set<string>();
  for (const ref of cfg.subnetIds) {
    // Lambda places one ENI per subnet, however often the subnet is listed.
    if (typeof ref === "string") {
      if (seen.has(ref)) continue;
      seen.add(ref);
    }
    const placed = b.placeSubnet(ref, `function ${f.id}`);
    if (!placed) continue;
    const { subnet, cidr, st } = placed;
    const count = b.enis.filter((e) => e.subnetId === subnet.id).length;
    const added = b.addInterface(
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
      if (host.publicIp === true) b.mapPublic(st, what, address, { kind: "auto-assigned" }, { subnet, user: "public-address" });
      else if (isUnknown(host.publicIp)) b.note(planNote("PUBLIC_IP_UNKNOWN", { what, why: host.publicIpWhy }));
    }
    b.enis.push({
      functionId: f.id,
      subnetId: subnet.id,
      ns: ns.name,
      ipv4: address,
      ...(address6 !== undefined ? { ipv6: address6 } : {}),
    });
  }
}

/** Databases, caches, file systems and the like of the emulated VPCs: a stand-in listener each (plan-resources.ts). */
function planResourceStandins(b: PlanBuilder): ReturnType<typeof planResources> {
  const model = b.model;
  const resourcesIn = new Map<string, bigint>();
  return planResources(model, {
    note: b.note,
    addInterface: (ref, entity, what, securityGroups) => {
      const known = isUnknown(ref) ? undefined : model.get("subnet", ref);
      if (known && typeof known.vpcId === "string" && !b.vpcStates.has(known.vpcId)) return "elsewhere";
      const placed = b.placeSubnet(ref, what);
      if (!placed) return undefined;
      const { subnet, cidr, st } = placed;
      const refs = isUnknown(securityGroups) || securityGroups.length > 0 ? securityGroups : [st.vpc.defaultSecurityGroupId];
      const before = resourcesIn.get(subnet.id) ?? 0n;
      resourcesIn.set(subnet.id, before + 1n);
      const added = b.addInterface(
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
}

/** The router's ruleset (plan-nft.ts) from the VPC's ports, subnets and their network ACLs; its notes go to the plan. */
function planRouterRuleset(b: PlanBuilder, st: VpcState): string {
  const model = b.model;
  const subnets = [...st.groups.entries()].map(([subnetId, group]) => {
    const subnet = model.get("subnet", subnetId);
    const acl = subnet ? model.networkAclFor(subnet) : undefined;
    const aclId = subnet?.networkAclId;
    const aclWhy = aclId === undefined ? "" : isUnknown(aclId) ? whyUnknown(aclId) : `${aclId} is not in the model`;
    return { subnetId, group, acl, aclWhy };
  });
  const gatewayPrefixes = [...b.vpcStates.values()].flatMap((s) => [...s.gatewayEndpoints.values()].map((g) => g.prefix));
  const rendered = routerRuleset({
    ports: st.ports,
    subnets,
    ipv6: st.v6 !== undefined,
    peers: { prefixList: (id) => model.get("prefix-list", id)?.cidrs, gatewayPrefixes },
  });
  for (const n of rendered.notes) b.note(n);
  return rendered.value;
}

/** The VPC's resolver at base+2, answering public names and the VPC's private ones; none with EnableDnsSupport off. */
function planResolver(b: PlanBuilder, st: VpcState): void {
  // With EnableDnsSupport off, the Amazon-provided resolver does not answer at all.
  if (st.vpc.enableDnsSupport) {
    b.servers.push({
      ns: st.router.name,
      kind: "dns",
      address: st.resolver,
      port: 53,
      records: { ...b.publicRecords, ...st.privateRecords },
    });
  } else b.note(planNote("DNS_SUPPORT_OFF", { vpc: st.vpc.id, resolver: st.resolver }));
}

/** The internet's resolver, its whoami servers (IPv4, and IPv6 when a VPC has IPv6) and the AWS services' stand-ins. */
function planInternetServers(b: PlanBuilder, internet6: boolean): void {
  const internet = b.internet;
  b.servers.push({ ns: internet.name, kind: "dns", address: INTERNET_RESOLVER, port: 53, records: { ...b.publicRecords } });
  for (const port of WHOAMI_PORTS) b.servers.push({ ns: internet.name, kind: "whoami", address: INTERNET_WHOAMI, port, label: "internet" });
  if (internet6)
    for (const port of WHOAMI_PORTS)
      b.servers.push({ ns: internet.name, kind: "whoami", address: INTERNET_WHOAMI6, port, label: "internet" });
  for (const [service, address] of b.serviceStandins) {
    internet.ip.push(addr(`${address}/32`, "lo"));
    for (const port of WHOAMI_PORTS) {
      b.servers.push({ ns: internet.name, kind: "whoami", address, port, label: `aws:${service} via internet` });
    }
  }
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
