// VPC endpoints and DNS on the road: where an AWS service's name leads (an interface endpoint's
// ENIs through private DNS, a gateway endpoint on the route table, else the public endpoint), the
// VPC resolver, and the interface endpoint's ENIs (their subnets' network ACLs, their security groups).
import { GATEWAY_ENDPOINT_SERVICES, LAMBDA_EPHEMERAL_PORTS } from "../../aws/facts.ts";
import type { RouteTable, Subnet, Unknown, Vpc, VpcEndpoint } from "../../model/types.ts";
import { isUnknown } from "../../model/types.ts";
import { BoxSet } from "../../net/box-set.ts";
import type { Cidr } from "../../net/ip.ts";
import type { Destination } from "../destination.ts";
import type { ReachResult } from "../reach.ts";
import { privateDnsCaptures } from "../aws-defaults.ts";
import { nacl } from "./network-acls.ts";
import { endpointGroups, functionPeer, securityGroupsOf, sgEval, sgRuleFix } from "./security-groups.ts";
import type { Ctx, Engine, Road, Walk } from "./walk.ts";
import { cidrIv, FULL_PORT, loc, unknownResult } from "./walk.ts";

/**
 * An AWS service is called by name; with EnableDnsSupport off the VPC's Amazon-provided resolver does not answer, so
 * the name does not resolve. A DHCP options set (not modelled) may hand the VPC other DNS servers: then we cannot know.
 */
export function noResolver(eng: Engine, vpc: Vpc, dest: Destination): ReachResult {
  if (vpc.dhcpOptions !== undefined) {
    return unknownResult(
      dest,
      "UNKNOWN_RESOURCE",
      `${vpc.id} has EnableDnsSupport off and the template sets DHCP options (${vpc.dhcpOptions}): whether another resolver answers ${dest.service ?? ""}'s name is not known`,
      vpc.origin,
    );
  }
  return {
    to: dest.label,
    verdict: "unreachable",
    code: "VPC_DNS_SUPPORT_DISABLED",
    reason: `${vpc.id} has EnableDnsSupport off, so the Amazon-provided resolver does not answer and ${dest.service ?? "the service"}'s name does not resolve`,
    fix: `Set EnableDnsSupport: true on ${vpc.id}.`,
    egress: [],
    trace: [
      {
        component: vpc.id,
        kind: "vpc",
        action: "drop",
        detail: `EnableDnsSupport is off: no answer for ${dest.service ?? "the service"}'s name`,
        location: loc(vpc.origin),
      },
    ],
    location: loc(vpc.origin),
  };
}

/**
 * How the function reaches an AWS service's regional name: an interface endpoint whose private
 * DNS captures the name for the whole VPC, else a gateway endpoint on the subnet's route table
 * (S3, DynamoDB), else the public endpoint over the internet.
 */
export function serviceRoad(eng: Engine, vpc: Vpc, subnet: Subnet, dest: Destination): Road {
  const service = dest.service ?? "";
  const endpoints = eng.model.vpcEndpointsOf(vpc.id);
  const uncertain = endpoints.find((e) => isUnknown(e.service) || isUnknown(e.type));
  const mine = endpoints.filter((e) => e.service === service);
  const iface = mine.filter((e) => e.type === "Interface");
  const capturing = iface.find((e) => privateDnsCaptures(e, vpc));
  if (capturing) {
    const subnetIds = capturing.subnetIds;
    if (isUnknown(subnetIds))
      return { kind: "unknown", reason: `the subnets of endpoint ${capturing.id}: ${subnetIds.reason}`, origin: capturing.origin };
    const subnets: Subnet[] = [];
    for (const ref of subnetIds) {
      const s = eng.model.get("subnet", ref);
      if (!s || isUnknown(s.cidr)) {
        const why = isUnknown(ref) ? ref.reason : !s ? `subnet ${ref} is not defined in this template` : `the CIDR of ${s.id} is not known`;
        return {
          kind: "unknown",
          reason: `endpoint ${capturing.id} has an ENI in a subnet we cannot place: ${why}`,
          origin: capturing.origin,
        };
      }
      subnets.push(s);
    }
    if (subnets.length === 0) return { kind: "unknown", reason: `endpoint ${capturing.id} names no subnet`, origin: capturing.origin };
    return { kind: "interface-endpoint", endpoint: capturing, subnets };
  }
  const maybeDns = iface.find((e) => isUnknown(e.privateDnsEnabled));
  if (maybeDns) {
    return {
      kind: "unknown",
      reason: `whether endpoint ${maybeDns.id} has private DNS: ${(maybeDns.privateDnsEnabled as Unknown).reason}`,
      origin: maybeDns.origin,
    };
  }
  if (uncertain && !capturing) {
    const why = isUnknown(uncertain.service) ? uncertain.service.reason : (uncertain.type as Unknown).reason;
    return { kind: "unknown", reason: `endpoint ${uncertain.id} may serve ${service}: ${why}`, origin: uncertain.origin };
  }
  const off = iface[0];
  const note = off
    ? off.privateDnsInboundOnly
      ? `interface endpoint ${off.id} answers private DNS for inbound Resolver endpoints only, so ${service}'s name resolves to its public endpoint inside the VPC`
      : off.privateDnsEnabled !== true
        ? `interface endpoint ${off.id} has private DNS off, so ${service}'s name resolves to its public endpoint`
        : `interface endpoint ${off.id} asks for private DNS, but ${vpc.id} lacks ${vpc.enableDnsSupport ? "EnableDnsHostnames" : "EnableDnsSupport"}, so ${service}'s name resolves to its public endpoint`
    : undefined;
  const rt = eng.model.routeTableFor(subnet);
  const gateway = rt ? gatewayEndpointOn(eng, rt, vpc.id, service) : undefined;
  if (gateway) return { kind: "gateway-endpoint", endpoint: gateway, ...(note ? { note } : {}) };
  const unknownTables = mine.find((e) => e.type === "Gateway" && isUnknown(e.routeTableIds));
  if (unknownTables) {
    return {
      kind: "unknown",
      reason: `the route tables of gateway endpoint ${unknownTables.id}: ${(unknownTables.routeTableIds as Unknown).reason}`,
      origin: unknownTables.origin,
    };
  }
  return { kind: "public", ...(note ? { note } : {}) };
}

/** The gateway endpoint of `service` (S3, DynamoDB) whose prefix-list route is in `rt`, if any. */
export function gatewayEndpointOn(eng: Engine, rt: RouteTable, vpcId: string, service: string): VpcEndpoint | undefined {
  if (!GATEWAY_ENDPOINT_SERVICES.has(service)) return undefined;
  return eng.model
    .vpcEndpointsOf(vpcId)
    .find((e) => e.service === service && e.type === "Gateway" && !isUnknown(e.routeTableIds) && e.routeTableIds.includes(rt.id));
}

/** Whether what a NAT in `natSubnet` forwards to the destination goes to a gateway endpoint (see `route`). */
export function natToGatewayEndpoint(eng: Engine, ctx: Ctx, natSubnet: Subnet): boolean {
  const rt = eng.model.routeTableFor(natSubnet);
  return (
    ctx.road.kind === "public" &&
    ctx.dest.service !== undefined &&
    rt !== undefined &&
    gatewayEndpointOn(eng, rt, ctx.vpc.id, ctx.dest.service) !== undefined
  );
}

/** A first hop that says where the service's name leads. */
export function announceRoad(eng: Engine, walk: Walk, ctx: Ctx): void {
  const road = ctx.road;
  const service = ctx.dest.service ?? "";
  if (road.kind === "interface-endpoint") {
    walk.trace.push({
      component: road.endpoint.id,
      kind: "vpc-endpoint",
      action: "forward",
      detail: `${service}'s name resolves to the ENIs of interface endpoint ${road.endpoint.id} (private DNS) in ${road.subnets.map((s) => s.id).join(", ")}`,
      location: loc(road.endpoint.origin),
    });
  } else if (road.kind === "gateway-endpoint" || road.kind === "public") {
    const detail = road.note ?? `${service}'s name resolves to its public endpoint`;
    walk.trace.push({ component: ctx.dest.label, kind: "function", action: "forward", detail });
  }
}

/**
 * An interface endpoint's ENIs, one per subnet: both subnets' network ACLs (when the endpoint
 * sits in another subnet than the function) and the ENIs' security groups, which must admit
 * the service port from the function.
 */
export function interfaceEndpoint(eng: Engine, walk: Walk, ctx: Ctx, ep: VpcEndpoint, subnets: readonly Subnet[]): void {
  walk.touch(ep.origin, ep.id);
  const groupRefs = endpointGroups(ep, ctx.vpc);
  if (isUnknown(groupRefs)) {
    walk.unknown(
      { component: ep.id, kind: "vpc-endpoint", detail: groupRefs.reason, location: loc(ep.origin) },
      "UNKNOWN_RESOURCE",
      `the security groups of endpoint ${ep.id}: ${groupRefs.reason}`,
    );
    return;
  }
  const fnView = { range: ctx.fnRange, memberOf: ctx.fnSgs };
  for (const s of subnets) {
    const part = walk.all.intersect([cidrIv(s.cidr as Cidr), FULL_PORT]);
    if (part.isEmpty()) continue;
    const branch = walk.fork(part);
    branch.touch(s.origin, s.id);
    if (s.id !== ctx.subnet.id) {
      nacl(eng, branch, ctx, s, false, { addr: fnView, port: "class" }, "inbound traffic from the function's subnet to the endpoint");
      nacl(
        eng,
        branch,
        ctx,
        s,
        true,
        { addr: fnView, port: LAMBDA_EPHEMERAL_PORTS },
        "outbound reply from the endpoint to the function's subnet",
      );
    }
    const sgs = securityGroupsOf(eng, branch, groupRefs, ep.id);
    if (!sgs) continue;
    const names = sgs.map((g) => g.id).join(", ");
    branch.filter(
      { component: names, kind: "security-group", detail: `ingress of ${names} (endpoint ${ep.id})`, location: loc(sgs[0]?.origin) },
      sgEval(
        eng,
        branch.all,
        sgs.flatMap((g) => g.ingress),
        { addr: fnView, port: "class" },
        ctx,
      ),
      "ENI_SG_RULES_MISMATCH",
      () => [
        `the security group of endpoint ${ep.id} (${names}) does not admit tcp ${ctx.dest.port} from the function`,
        `Allow tcp ${ctx.dest.port} in the ingress of ${sgs[0]?.id} from the function's security group (${ctx.fnSgs.map(String).join(", ")}) or its subnets' CIDRs.`,
        sgs[0] ? sgRuleFix(sgs[0], "ingress", ctx.dest.port, functionPeer(ctx)) : undefined,
      ],
    );
    branch.deliver({
      component: ep.id,
      kind: "vpc-endpoint",
      detail: `interface endpoint ${ep.id} in ${s.id} delivers to ${ctx.dest.service}`,
      location: loc(ep.origin),
    });
  }
  walk.alive = BoxSet.EMPTY;
  walk.maybe = BoxSet.EMPTY;
}
