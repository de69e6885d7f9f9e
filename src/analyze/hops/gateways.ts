// Gateways on the road: internet gateways, egress-only internet gateways, NAT gateways (zonal and
// regional) and NAT instances (an instance or a network interface as a route target), with what
// they need: an attachment, a public address, source/destination check off, VPC Block Public Access.
import { CODES } from "../../aws/codes.ts";
import { LAMBDA_EPHEMERAL_PORTS, NAT_GATEWAY_EPHEMERAL_PORTS } from "../../aws/facts.ts";
import type { EntityRef, Instance, NatGateway, NetworkInterface, PublicAddress, Subnet } from "../../model/types.ts";
import { isUnknown } from "../../model/types.ts";
import { BoxSet } from "../../net/box-set.ts";
import type { GatewayUser } from "../block-public-access.ts";
import { blockPublicAccess } from "../block-public-access.ts";
import { nonPublicSet } from "../destination.ts";
import { natToGatewayEndpoint } from "./endpoints.ts";
import { natSubnetAcls } from "./network-acls.ts";
import type { RouteRole } from "./routes.ts";
import { functionPeer, securityGroupsOf, sgEval, sgRuleFix } from "./security-groups.ts";
import type { Ctx, Egress, Engine, Hop, ManagedInstancesHost, Source, Walk } from "./walk.ts";
import { ANY, describeSet, loc, missing, ruleOf } from "./walk.ts";
import { resourceTerm } from "../../aws/resource-terms.ts";

/** `egressSubnet`: the subnet whose route sent the traffic to the gateway (none for a regional NAT gateway). */
export function internetGateway(eng: Engine, walk: Walk, ctx: Ctx, ref: EntityRef, source: Source, egressSubnet?: Subnet): void {
  const igw = eng.model.get("internet-gateway", ref);
  if (!igw) {
    missing(walk, ref, "internet gateway", "internet-gateway");
    return;
  }
  walk.touch(igw.origin, igw.id);
  walk.steps.push({ kind: "internet-gateway", id: igw.id });
  const hop = { component: igw.id, kind: "internet-gateway" as const, location: loc(igw.origin) };
  if (!igw.attachedVpcIds.includes(ctx.vpc.id)) {
    walk.drop(
      { ...hop, detail: `${igw.id} is not attached to ${ctx.vpc.id}`, ...ruleOf(eng, () => `not attached to ${ctx.vpc.id}`) },
      "BAD_STATE_ATTACHMENT",
      `internet gateway ${igw.id} is not attached to ${ctx.vpc.id}`,
      `Attach ${igw.id} to ${ctx.vpc.id} (${resourceTerm("internet-gateway-attachment", igw.origin.source)}).`,
      igw.attachedVpcIds.length === 0 ? { kind: "attach-internet-gateway", internetGateway: igw.id, vpc: ctx.vpc.id } : undefined,
      true,
    );
    // Assuming it attached (naming every blocker), the road goes on.
    if (walk.isEmpty()) return;
  }
  if (onlyPublic(eng, walk, ctx, hop)) return;
  if (source.kind === "lambda" && ctx.family === 6) {
    if (blockedByBlockPublicAccess(eng, walk, ctx, hop, ctx.subnet, "public-address")) return;
    walk.deliver({ ...hop, detail: `${igw.id} forwards IPv6 to the internet from the function's own address (no NAT)` });
    return;
  }
  if (source.kind === "lambda" && ctx.host) {
    managedInstanceEgress(eng, walk, ctx, ctx.host, hop);
    return;
  }
  if (source.kind === "lambda") {
    walk.drop(
      {
        ...hop,
        detail: `${igw.id} drops packets from ${ctx.subnet.id}: a Lambda ENI has no public IPv4 address`,
        ...ruleOf(eng, () => "source has no public IPv4 address"),
      },
      "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
      `${ctx.subnet.id} routes ${ctx.dest.label} straight to internet gateway ${igw.id}, but a Lambda ENI never has a public IPv4 address, so the gateway drops it`,
      `Put the function in private subnets whose route table sends 0.0.0.0/0 to a NAT gateway in a public subnet (not to ${igw.id}).`,
    );
    return;
  }
  if (source.kind === "unknown-public-ip") {
    const why = `whether ${source.via} has a public IPv4 address is not known: ${source.why}`;
    walk.unknown({ ...hop, detail: why }, "UNKNOWN_RESOURCE", why);
    return;
  }
  if (source.kind === "no-public-ip") {
    walk.drop(
      {
        ...hop,
        detail: `${igw.id} drops packets from ${source.via}: ${source.why}`,
        ...ruleOf(eng, () => "source has no public IPv4 address"),
      },
      "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
      `${source.via} reaches internet gateway ${igw.id} without a public IPv4 address (${source.why})`,
      source.fix,
    );
    return;
  }
  const user = eng.model.natGateway(source.egress.via) ? "nat-gateway" : "public-address";
  if (blockedByBlockPublicAccess(eng, walk, ctx, hop, egressSubnet ?? null, user)) return;
  walk.deliver(
    {
      ...hop,
      detail: `${igw.id} forwards to the internet from ${source.egress.eip ?? source.egress.publicIp ?? "a public IP"}`,
      ...ruleOf(eng, () => `out from ${source.egress.publicIp ?? source.egress.eip ?? "the public IP assigned at launch"}`),
    },
    source.egress,
  );
}

/**
 * Lambda Managed Instances in a subnet routed straight to an internet gateway: unlike a
 * Hyperplane ENI, an EC2 instance with a public IPv4 address goes through the gateway's 1:1 NAT
 * (lambda-managed-instances-networking.html: "Ensure resources have public IPv4 addresses").
 */
export function managedInstanceEgress(
  eng: Engine,
  walk: Walk,
  ctx: Ctx,
  host: ManagedInstancesHost,
  hop: Omit<Hop, "action" | "detail">,
): void {
  const instances = `the instances of capacity provider ${host.capacityProvider}`;
  if (isUnknown(host.publicIp)) {
    const why = `${ctx.subnet.id} routes ${ctx.dest.label} straight to internet gateway ${hop.component}; whether ${instances} get a public IPv4 address there is not known (${host.publicIp.reason})`;
    walk.unknown({ ...hop, detail: why }, "UNKNOWN_RESOURCE", why);
    return;
  }
  if (!host.publicIp) {
    walk.drop(
      {
        ...hop,
        detail: `${hop.component} drops packets from ${ctx.subnet.id}: ${instances} have no public IPv4 address (${host.publicIpWhy})`,
      },
      "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
      `${ctx.subnet.id} routes ${ctx.dest.label} straight to internet gateway ${hop.component}, but ${instances} get no public IPv4 address there (${host.publicIpWhy}), so the gateway drops it`,
      `Set MapPublicIpOnLaunch: true on ${ctx.subnet.id}, or route its 0.0.0.0/0 to a NAT gateway in a public subnet.`,
    );
    return;
  }
  if (blockedByBlockPublicAccess(eng, walk, ctx, hop, ctx.subnet, "public-address")) return;
  walk.deliver(
    { ...hop, detail: `${hop.component} forwards to the internet from the public IPv4 addresses of ${instances} (${host.publicIpWhy})` },
    { via: host.capacityProvider, publicIp: null, eip: null },
  );
}

/**
 * An internet gateway hands packets to the internet, which routes public addresses only: a destination in private,
 * shared, reserved, multicast or broadcast space that got this far is dropped. (`internet` and AWS services are
 * public by construction; only an address destination can carry such packets.) True when nothing is left.
 */
export function onlyPublic(eng: Engine, walk: Walk, ctx: Ctx, hop: Omit<Hop, "action" | "detail">): boolean {
  if (ctx.dest.kind !== "address") return false;
  const outside = nonPublicSet(ctx.family);
  if (walk.all.intersect(outside).isEmpty()) return false;
  const what = describeSet(walk.all.intersect(outside), ctx.dest, ctx.cls);
  walk.filter(
    { ...hop, detail: `${hop.component} hands ${what} to the internet, which does not route it (not a public address)` },
    { allowed: walk.all.subtract(outside), uncertain: BoxSet.EMPTY, note: "" },
    "DESTINATION_NOT_PUBLIC",
    () => [
      `${ctx.dest.label} is not a public internet address: ${ctx.subnet.id}'s road leads it to ${hop.component}, which hands it to the internet, and the internet does not route it`,
      CODES.DESTINATION_NOT_PUBLIC.fix,
    ],
  );
  return walk.isEmpty();
}

/** VPC Block Public Access at the internet gateway; true when it ended the walk. */
export function blockedByBlockPublicAccess(
  eng: Engine,
  walk: Walk,
  ctx: Ctx,
  hop: Omit<Hop, "action" | "detail">,
  subnet: Subnet | null,
  user: GatewayUser,
): boolean {
  const v = blockPublicAccess(eng.model, ctx.vpc.id, subnet, user);
  if (v.kind === "allowed") return false;
  const at = { ...hop, detail: v.reason, location: v.location };
  if (v.kind === "blocked") walk.drop(at, "VPC_BLOCK_PUBLIC_ACCESS_ENABLED", v.reason, v.fix);
  else walk.unknown(at, "UNKNOWN_RESOURCE", v.reason);
  return true;
}

export function egressOnlyGateway(eng: Engine, walk: Walk, ctx: Ctx, ref: EntityRef): void {
  const eigw = eng.model.get("egress-only-internet-gateway", ref);
  if (!eigw) {
    missing(walk, ref, "egress-only internet gateway", "egress-only-internet-gateway");
    return;
  }
  walk.touch(eigw.origin, eigw.id);
  walk.steps.push({ kind: "egress-only-internet-gateway", id: eigw.id });
  const hop = { component: eigw.id, kind: "egress-only-internet-gateway" as const, location: loc(eigw.origin) };
  if (eigw.vpcId !== ctx.vpc.id) {
    walk.drop(
      { ...hop, detail: `${eigw.id} belongs to ${String(isUnknown(eigw.vpcId) ? "an unknown VPC" : eigw.vpcId)}, not ${ctx.vpc.id}` },
      "BAD_STATE_ATTACHMENT",
      `egress-only internet gateway ${eigw.id} is not in ${ctx.vpc.id}`,
      `Create the egress-only internet gateway with VpcId: ${ctx.vpc.id}.`,
    );
    return;
  }
  if (onlyPublic(eng, walk, ctx, hop)) return;
  if (blockedByBlockPublicAccess(eng, walk, ctx, hop, ctx.subnet, "egress-only-gateway")) return;
  walk.deliver({ ...hop, detail: `${eigw.id} forwards IPv6 to the internet from the function's own address (outbound only)` });
}

/**
 * A NAT gateway: a regional one goes straight on to the VPC's internet gateway; a zonal one
 * translates in its subnet, whose network ACLs apply. Returns the subnet whose route table
 * carries the translated traffic on (the NAT's), or nothing when the walk ended here.
 */
export function natGateway(eng: Engine, walk: Walk, ctx: Ctx, nat: NatGateway): Subnet | undefined {
  walk.touch(nat.origin, nat.id);
  walk.steps.push({ kind: "nat-gateway", id: nat.id });
  const hop = { component: nat.id, kind: "nat-gateway" as const, location: loc(nat.origin) };
  const egress = egressOf(nat.id, nat.addresses);
  if (nat.availability === "regional") {
    const az = ctx.subnet.az;
    if (nat.regionalAzs !== "auto" && !isUnknown(az) && !nat.regionalAzs.some((a) => a === az)) {
      walk.drop(
        { ...hop, detail: `regional NAT gateway ${nat.id} has no address in ${az}` },
        "REGIONAL_NGW_ROUTE_AZ_RESTRICTION",
        `regional NAT gateway ${nat.id} does not cover ${az}, the AZ of ${ctx.subnet.id}`,
        `Add ${az} to ${nat.id}'s AvailabilityZoneAddresses.`,
      );
      return;
    }
    walk.trace.push({
      ...hop,
      action: "translate",
      detail: `regional NAT gateway ${nat.id} translates the source`,
      ...ruleOf(eng, () => natRule(egress)),
    });
    const igws = eng.model.internetGatewaysOf(ctx.vpc.id);
    const igw = igws[0];
    if (!igw) {
      walk.drop(
        { ...hop, detail: `no internet gateway is attached to ${ctx.vpc.id}` },
        "NO_ROUTE_TO_DESTINATION",
        `regional NAT gateway ${nat.id} needs an internet gateway attached to ${ctx.vpc.id}`,
      );
      return;
    }
    internetGateway(eng, walk, ctx, igw.id, nat.connectivity === "private" ? privateNat(nat) : { kind: "public", egress });
    return;
  }
  const natSubnet = eng.model.get("subnet", nat.subnetId);
  if (!natSubnet) {
    const why = `the subnet of NAT gateway ${nat.id} is ${isUnknown(nat.subnetId) ? nat.subnetId.reason : "not defined in this template"}`;
    walk.unknown({ ...hop, detail: why }, "UNKNOWN_RESOURCE", why);
    return;
  }
  walk.touch(natSubnet.origin, natSubnet.id);
  natSubnetAcls(eng, walk, ctx, natSubnet, "the NAT", NAT_GATEWAY_EPHEMERAL_PORTS);
  if (walk.isEmpty()) return;
  walk.trace.push({
    ...hop,
    action: "translate",
    ...(natToGatewayEndpoint(eng, ctx, natSubnet)
      ? {
          detail: `NAT gateway ${nat.id} in ${natSubnet.id} translates the source to its private address`,
          ...ruleOf(eng, () => PRIVATE_NAT_RULE),
        }
      : {
          detail: `NAT gateway ${nat.id} in ${natSubnet.id} translates the source${egress.eip ? ` to ${egress.eip}` : ""}`,
          ...ruleOf(eng, () => natRule(egress)),
        }),
  });
  walk.natSource =
    nat.connectivity === "private" ? privateNat(nat) : egress.eip || egress.publicIp ? { kind: "public", egress } : noEip(nat.id);
  return natSubnet;
}

/**
 * A route to a network interface the template defines: the NAT is whatever instance wears it, forwarding through
 * that interface, so its subnet, security groups, source/destination check and public address (an Elastic IP
 * associated with it) are the interface's own. Which instance wears it: an AWS::EC2::NetworkInterfaceAttachment or
 * an instance that lists it; attached otherwise (a launch template, by hand), the road cannot be proven.
 */
export function natInterface(eng: Engine, walk: Walk, ctx: Ctx, eni: NetworkInterface): Subnet | undefined {
  const wearer = eng.model.instanceOfInterface(eni.id);
  // An instance's own (primary) interface: the instance's properties set it (SourceDestCheck included).
  if (wearer?.networkInterfaceIds.includes(eni.id)) {
    return natInstance(eng, walk, ctx, wearer);
  }
  if (!wearer) {
    walk.conditional.push(
      `which instance wears network interface ${eni.id} is not known (no ${resourceTerm("network-interface-attachment", eni.origin.source)} or instance of the input names it; a launch template may)`,
    );
  }
  return natInstance(eng, walk, ctx, {
    kind: "instance",
    id: eni.id,
    origin: eni.origin,
    subnetId: eni.subnetId,
    securityGroupIds: eni.securityGroupIds,
    sourceDestCheck: eni.sourceDestCheck,
    publicAddress: eni.publicAddress,
    networkInterfaceIds: [eni.id],
  });
}

/** A NAT instance; returns the subnet whose route table carries the masqueraded traffic on, or nothing when the walk ended here. */
export function natInstance(eng: Engine, walk: Walk, ctx: Ctx, inst: Instance): Subnet | undefined {
  walk.touch(inst.origin, inst.id);
  walk.steps.push({ kind: "nat-instance", id: inst.id });
  const hop = { component: inst.id, kind: "nat-instance" as const, location: loc(inst.origin) };
  if (inst.sourceDestCheck === true) {
    walk.drop(
      { ...hop, detail: `${inst.id} has source/destination checking on` },
      "ENI_SOURCE_DEST_CHECK_RESTRICTION",
      `NAT instance ${inst.id} has source/destination checking on, so it drops the function's traffic`,
      `Set SourceDestCheck: false on ${inst.id}.`,
      { kind: "disable-source-dest-check", instance: inst.id },
      true,
    );
    // Assuming the check turned off (naming every blocker), the road goes on.
    if (walk.isEmpty()) return undefined;
  }
  if (isUnknown(inst.sourceDestCheck)) {
    walk.unknown(
      { ...hop, detail: inst.sourceDestCheck.reason },
      "UNKNOWN_RESOURCE",
      `source/destination check of ${inst.id}: ${inst.sourceDestCheck.reason}`,
    );
    return;
  }
  const instSubnet = eng.model.get("subnet", inst.subnetId);
  if (!instSubnet) {
    walk.unknown(
      { ...hop, detail: `the subnet of ${inst.id} is not known` },
      "UNKNOWN_RESOURCE",
      `the subnet of NAT instance ${inst.id} is not defined in this template`,
    );
    return;
  }
  const sgs = securityGroupsOf(eng, walk, inst.securityGroupIds, inst.id);
  if (!sgs) return;
  if (sgs.length === 0) {
    const vpcDefault = eng.model.securityGroup(ctx.vpc.defaultSecurityGroupId);
    if (vpcDefault) sgs.push(vpcDefault);
  }
  const names = sgs.map((s) => s.id).join(", ");
  const fnView = { range: ctx.fnRange, memberOf: ctx.fnSgs };
  walk.filter(
    {
      component: names,
      kind: "security-group",
      detail: `ingress of ${names} (NAT instance ${inst.id})`,
      ...ruleOf(eng, () => "no ingress rule matches"),
      location: loc(sgs[0]?.origin),
    },
    sgEval(
      eng,
      walk.all,
      sgs.flatMap((s) => s.ingress),
      { addr: fnView, port: "class" },
      ctx,
    ),
    "ENI_SG_RULES_MISMATCH",
    () => [
      `the security group of NAT instance ${inst.id} does not admit tcp ${ctx.dest.port} from the function`,
      `Allow tcp ${ctx.dest.port} (or all TCP) from the VPC CIDR or the function's security group in ${sgs[0]?.id}.`,
      sgs[0] ? sgRuleFix(sgs[0], "ingress", ctx.dest.port, functionPeer(ctx)) : undefined,
    ],
  );
  walk.filter(
    {
      component: names,
      kind: "security-group",
      detail: `egress of ${names} (NAT instance ${inst.id})`,
      ...ruleOf(eng, () => "no egress rule matches"),
      location: loc(sgs[0]?.origin),
    },
    sgEval(
      eng,
      walk.all,
      sgs.flatMap((s) => s.egress),
      { addr: "class", port: "class" },
      ctx,
    ),
    "ENI_SG_RULES_MISMATCH",
    () => [
      `the security group of NAT instance ${inst.id} does not allow tcp ${ctx.dest.port} out to ${ctx.dest.label}`,
      `Allow tcp ${ctx.dest.port} to 0.0.0.0/0 in the egress of ${sgs[0]?.id}.`,
      sgs[0] ? sgRuleFix(sgs[0], "egress", ctx.dest.port, { cidr: ANY[4] }) : undefined,
    ],
  );
  // Linux masquerading keeps the function's source port where it can: Lambda's range.
  natSubnetAcls(eng, walk, ctx, instSubnet, "the NAT instance", LAMBDA_EPHEMERAL_PORTS);
  if (walk.isEmpty()) return;
  const addr = inst.publicAddress;
  const egress: Egress | null =
    addr === null || addr.kind === "unknown"
      ? null
      : addr.kind === "auto-assigned"
        ? { via: inst.id, publicIp: null, eip: null }
        : egressOf(inst.id, [addr]);
  walk.trace.push({
    ...hop,
    action: "translate",
    detail: `NAT instance ${inst.id} in ${instSubnet.id} masquerades the source`,
    ...ruleOf(eng, () =>
      natToGatewayEndpoint(eng, ctx, instSubnet)
        ? PRIVATE_NAT_RULE
        : egress
          ? natRule(egress, "(public IP assigned at launch)")
          : "source -> (no public IP)",
    ),
  });
  walk.natSource = egress
    ? { kind: "public", egress }
    : addr?.kind === "unknown"
      ? { kind: "unknown-public-ip", via: inst.id, why: addr.reason }
      : {
          kind: "no-public-ip",
          via: inst.id,
          why: "it has neither an Elastic IP nor an auto-assigned public IP",
          fix: `Associate an Elastic IP with ${inst.id} (${resourceTerm("instance-elastic-ip", inst.origin.source)}).`,
        };
  return instSubnet;
}

export function privateNat(nat: NatGateway): Source {
  return {
    kind: "no-public-ip",
    via: nat.id,
    why: "it is a private NAT gateway (ConnectivityType: private)",
    fix: `Use a public NAT gateway (ConnectivityType: public, with an Elastic IP) for internet egress.`,
  };
}

export function noEip(id: string): Source {
  return { kind: "no-public-ip", via: id, why: "it has no Elastic IP", fix: `Give ${id} an AllocationId.` };
}

/** A NAT hop's rule in the trace: `source -> NatEipA` (the literal IP when known). */
/** A NAT's translation where the traffic goes on to a gateway endpoint: its public address plays no part. */
export const PRIVATE_NAT_RULE = "source -> the NAT's private address";

export function natRule(e: Egress, otherwise = "(no known public address)"): string {
  return `source -> ${e.publicIp ?? e.eip ?? otherwise}`;
}

export function egressOf(via: string, addresses: readonly PublicAddress[]): Egress {
  const a = addresses[0];
  if (!a) return { via, publicIp: null, eip: null };
  if (a.kind === "elastic-ip") return { via, publicIp: a.publicIp, eip: a.eipId };
  if (a.kind === "allocation") return { via, publicIp: a.publicIp, eip: a.allocationId };
  return { via, publicIp: null, eip: null };
}

/** A route to an egress-only internet gateway (after the route hop, which this writes to the trace). */
export function toEgressOnlyGateway(eng: Engine, walk: Walk, ctx: Ctx, ref: EntityRef, hop: Omit<Hop, "action">): void {
  if (ctx.family === 4) {
    walk.drop(hop, "CANNOT_ROUTE", "an egress-only internet gateway carries IPv6 only");
    return;
  }
  walk.trace.push({ ...hop, action: "forward" });
  egressOnlyGateway(eng, walk, ctx, ref);
}

/**
 * A route to a NAT gateway (the route hop is in the trace): IPv6 and a NAT's own subnet routing to a NAT again are
 * dropped. Returns the subnet whose route table carries the translated traffic on, or nothing when the walk ended.
 */
export function toNatGateway(
  eng: Engine,
  walk: Walk,
  ctx: Ctx,
  subnet: Subnet,
  ref: EntityRef,
  hop: Omit<Hop, "action">,
  role: RouteRole,
): Subnet | undefined {
  if (ctx.family === 6) {
    walk.drop(
      {
        component: String(ref),
        kind: "nat-gateway",
        detail: "a NAT gateway does not carry IPv6 to the internet (it translates IPv6 only as NAT64, for 64:ff9b::/96)",
      },
      "CANNOT_ROUTE",
      `${hop.component} sends IPv6 traffic to NAT gateway ${String(isUnknown(ref) ? "(unknown)" : ref)}, which does not forward IPv6 to the internet`,
      `Route ::/0 to an egress-only internet gateway (or an internet gateway) instead.`,
    );
    return undefined;
  }
  if (role === "nat") {
    walk.drop(
      {
        component: String(ref),
        kind: "nat-gateway",
        detail: `the NAT's own subnet ${subnet.id} routes the traffic to a NAT gateway again`,
      },
      "ROUTING_LOOP",
      `${subnet.id}, the subnet of the NAT, sends ${ctx.dest.label} to a NAT gateway (${String(isUnknown(ref) ? "unknown" : ref)}) instead of an internet gateway`,
      `Put the NAT gateway in a public subnet (route 0.0.0.0/0 to an attached internet gateway), not in ${subnet.id}.`,
    );
    return undefined;
  }
  const nat = eng.model.natGateway(ref);
  if (!nat) {
    missing(walk, ref, "NAT gateway", "nat-gateway");
    return undefined;
  }
  return natGateway(eng, walk, ctx, nat);
}

/**
 * A route to an instance or a network interface (the route hop is in the trace): a NAT instance. Returns the subnet
 * whose route table carries the masqueraded traffic on, or nothing when the walk ended.
 */
export function toNatInstance(
  eng: Engine,
  walk: Walk,
  ctx: Ctx,
  subnet: Subnet,
  t: { readonly kind: "instance" | "network-interface"; readonly id: EntityRef },
  role: RouteRole,
): Subnet | undefined {
  if (role === "nat") {
    walk.drop(
      {
        component: String(t.id),
        kind: "nat-instance",
        detail: `the NAT's own subnet ${subnet.id} routes the traffic to a NAT again`,
      },
      "ROUTING_LOOP",
      `${subnet.id}, the subnet of the NAT, sends ${ctx.dest.label} back to a NAT instead of an internet gateway`,
      `Put the NAT in a public subnet (route 0.0.0.0/0 to an attached internet gateway).`,
    );
    return undefined;
  }
  if (t.kind === "network-interface") {
    const eni = eng.model.get("network-interface", t.id);
    if (eni) return natInterface(eng, walk, ctx, eni);
  }
  const inst = t.kind === "instance" ? eng.model.get("instance", t.id) : eng.model.instanceOfInterface(t.id);
  if (!inst) {
    const why = isUnknown(t.id) ? t.id.reason : `${t.kind} ${t.id} is not defined in this template (or is not an instance)`;
    walk.unknown({ component: String(isUnknown(t.id) ? t.kind : t.id), kind: "nat-instance", detail: why }, "UNKNOWN_RESOURCE", why);
    return undefined;
  }
  return natInstance(eng, walk, ctx, inst);
}
