// reach(function ENI in a subnet, destination class) -> verdict, explanation and trace.
// Pure: reads the frozen model only. Packet sets are boxes over (destination address,
// destination port); what does not depend on the destination (the function's own address,
// ephemeral ports) is quantified universally, so "reachable" holds for every packet of the
// class, whatever address and port Lambda or the NAT picks.
//
// This file is the walk: the hops in the order a packet meets them (walkReach, then onward for
// wherever a route leads). What each kind of hop knows lives in ./hops/: security-groups.ts,
// network-acls.ts, routes.ts, gateways.ts (internet, egress-only, NAT gateways and instances),
// endpoints.ts (interface and gateway endpoints, DNS); walk.ts holds the machinery they share.
import type { Code } from "../aws/codes.ts";
import { memoize } from "../memo.ts";
import { CODES } from "../aws/codes.ts";
import { LAMBDA_EPHEMERAL_PORTS, SPECIAL_DESTINATIONS } from "../aws/facts.ts";
import type { Model } from "../model/model.ts";
import type { EntityRef, Location, Origin, Route, SecurityGroup, Subnet, Unknown, Vpc } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";
import type { Box, Interval } from "../net/box-set.ts";
import { BoxSet } from "../net/box-set.ts";
import type { Cidr } from "../net/ip.ts";
import { mustParseCidr } from "../net/ip.ts";
import type { Destination } from "./destination.ts";
import { destinationSet } from "./destination.ts";
import { MAX_OPEN_CONDITIONS, openConditions, worldModel } from "./conditions.ts";
import { announceRoad, interfaceEndpoint, noResolver, serviceRoad } from "./hops/endpoints.ts";
import { resourceFarSide, resourceTargets } from "./hops/resources.ts";
import { internetGateway, toEgressOnlyGateway, toNatGateway, toNatInstance } from "./hops/gateways.ts";
import { nacl } from "./hops/network-acls.ts";
import type { Onward, RouteRole } from "./hops/routes.ts";
import { route, routeIndexOf } from "./hops/routes.ts";
import { functionSecurityGroups, sgEval } from "./hops/security-groups.ts";
import type { Blocker, Ctx, Egress, Engine, Hop, ManagedInstancesHost, Outcome, Path, ReachResult, Road, Verdict } from "./hops/walk.ts";
import { ANY, cidrIv, FACTS, FULL_ADDR, FULL_PORT, loc, unknownResult, Walk, withFacts } from "./hops/walk.ts";

export type { Blocker, Egress, Hop, ManagedInstancesHost, Path, ReachFacts, ReachResult, Step, Verdict } from "./hops/walk.ts";
export { FACTS } from "./hops/walk.ts";

/** Where a function's ENI sits: one subnet of its VpcConfig, with its security groups. */
export interface Placement {
  readonly subnet: Subnet;
  readonly securityGroupIds: readonly EntityRef[];
  /** VpcConfig.Ipv6AllowedForDualStack (true for the subnet views: what a dual-stack function would see). */
  readonly ipv6Allowed: boolean | Unknown;
  /** Lambda Managed Instances: the function runs on the capacity provider's EC2 instances instead. */
  readonly managedInstances?: ManagedInstancesHost;
}

export interface ReachOptions {
  /** Name the rule that decided each hop (`Hop.rule`) and point at it; for `trace`. */
  readonly explain?: boolean;
}

export class Reachability {
  readonly model: Model;
  private readonly explain: boolean;
  /** What every hop reads (see hops/walk.ts). */
  private readonly eng: Engine;
  /** Where each route leads (see `onward`). */
  private readonly onward: Onward;
  /** True for the engine of one combination of open conditions (which decides them all). */
  private readonly inWorld: boolean;
  private readonly worlds = new Map<string, Reachability>();
  /**
   * The packet class of each destination less a VPC's CIDRs, by the destination and the CIDRs: the same for every
   * subnet of a VPC, and for VPCs of the same CIDRs (box sets are never changed, only replaced).
   */
  private readonly classes = memoize((_dest: Destination) => new Map<string, BoxSet>());
  constructor(model: Model, options: ReachOptions = {}, inWorld = false) {
    this.model = model;
    this.explain = options.explain === true;
    this.eng = { model, explain: this.explain, routes: routeIndexOf(model) };
    this.onward = onward(this.eng);
    this.inWorld = inWorld;
  }

  /**
   * The verdict for one ENI and destination. Where conditions the template leaves open govern
   * anything of the VPC (see conditions.ts), the road is walked in every combination of them and
   * the verdict is kept only when all agree; otherwise it is unknown, naming the condition.
   */
  reach(placement: Placement, dest: Destination): ReachResult {
    const vpcId = placement.subnet.vpcId;
    const open = this.inWorld || typeof vpcId !== "string" ? [] : openConditions(this.model, vpcId);
    if (open.length === 0) return this.walkReach(placement, dest);
    if (open.length > MAX_OPEN_CONDITIONS) {
      const walked = this.walkReach(placement, dest);
      if (walked.verdict === "unknown") return walked;
      // Blockers belong to unreachable verdicts only.
      const { blockers: _, ...r } = walked;
      return {
        ...r,
        verdict: "unknown",
        code: "UNDECIDED_CONDITION",
        reason: `${open.length} conditions the template leaves open govern parts of ${vpcId} (${open[0]}, ...); with every one of them true the verdict is ${r.verdict}, but not every combination was evaluated (at most ${MAX_OPEN_CONDITIONS})`,
        fix: CODES.UNDECIDED_CONDITION.fix,
        egress: [],
      };
    }
    const worlds: { absent: readonly string[]; result: ReachResult }[] = [];
    for (let mask = 0; mask < 1 << open.length; mask++) {
      const absent = open.filter((_, i) => (mask & (1 << i)) !== 0);
      const engine = this.world(open, absent);
      // A world in which the ENI's own subnet or security groups are left out cannot be deployed:
      // CloudFormation refuses a resource that refers to one its condition removed.
      const subnet = engine.model.get("subnet", placement.subnet.id);
      if (!subnet) continue;
      if (placement.securityGroupIds.some((g) => typeof g === "string" && this.model.securityGroup(g) && !engine.model.securityGroup(g)))
        continue;
      worlds.push({ absent, result: engine.walkReach({ ...placement, subnet }, dest) });
    }
    return combineWorlds(worlds, open, dest);
  }

  /**
   * The verdict when the function's subnet is not known (a parameter, a subnet of another stack): only its security
   * groups can be evaluated. They decide alone when they let no packet of the destination out to any address a road
   * could lead to: unreachable, whichever subnet it is. Otherwise the subnet could change the answer: unknown (`why`).
   */
  unplaced(sgIds: readonly EntityRef[], dest: Destination, why: string, location?: Location): ReachResult {
    const undecided: ReachResult = {
      to: dest.label,
      verdict: "unknown",
      code: "UNKNOWN_RESOURCE",
      reason: why,
      egress: [],
      trace: [],
      ...(location ? { location } : {}),
      [FACTS]: { destination: dest, paths: [] },
    };
    if (dest.undecided !== undefined) return { ...undecided, reason: dest.undecided };
    const sgs: SecurityGroup[] = [];
    for (const ref of sgIds) {
      const sg = this.model.securityGroup(ref);
      // A group the template does not define, or one that a condition may change, could let anything out.
      if (!sg || [sg.origin, ...sg.egress.map((r) => r.origin)].some((o) => o.conditionUnknown)) return undecided;
      sgs.push(sg);
    }
    const first = sgs[0];
    if (!first || this.model.undecided.length > 0) return undecided;
    const family = dest.family;
    const port: Interval = [BigInt(dest.port), BigInt(dest.port)];
    // Every address a road could lead to: a service's endpoint ENIs lie in the VPC, its public endpoint outside.
    const cls = dest.kind === "service" ? BoxSet.of([FULL_ADDR[family], port]) : destinationSet(dest, []);
    const vpc = this.model.vpc(first.vpcId) ?? anyVpc(first);
    const ctx: Ctx = { vpc, subnet: UNPLACED, fnRange: null, fnSgs: sgIds, dest, cls, family, road: { kind: "public" } };
    const r = sgEval(
      this.eng,
      cls,
      sgs.flatMap((sg) => sg.egress),
      { addr: "class", port: "class" },
      ctx,
    );
    if (!r.allowed.isEmpty() || !r.uncertain.isEmpty()) return undecided;
    const names = sgs.map((s) => s.id).join(", ");
    const reason = `no egress rule of ${names} allows tcp ${dest.port} to ${dest.label}, whichever subnet the function is in (${why})`;
    const at = loc(first.origin);
    const result: ReachResult = {
      to: dest.label,
      verdict: "unreachable",
      code: "ENI_SG_RULES_MISMATCH",
      reason,
      fix: `Add an egress rule to ${first.id} allowing tcp ${dest.port} to ${dest.kind === "address" ? dest.label : ANY[family]}.`,
      egress: [],
      trace: [{ component: names, kind: "security-group", action: "deny", detail: `egress of ${names}`, ...(at ? { location: at } : {}) }],
      ...(at ? { location: at } : {}),
      [FACTS]: { destination: dest, paths: [] },
    };
    return { ...result, blockers: [blockerOfResult(result)] };
  }

  private destinationClass(dest: Destination, vpcCidrs: readonly Cidr[]): BoxSet {
    const byCidrs = this.classes(dest);
    const key = vpcCidrs.map((c) => c.text).join(",");
    let cls = byCidrs.get(key);
    if (!cls) {
      cls = destinationSet(dest, vpcCidrs);
      byCidrs.set(key, cls);
    }
    return cls;
  }

  /** The engine of the world where the conditions in `absent` are false and the rest of `open` true (cached). */
  private world(open: readonly string[], absent: readonly string[]): Reachability {
    const key = `${open.join("\u0000")}\u0001${absent.join("\u0000")}`;
    let engine = this.worlds.get(key);
    if (!engine) {
      engine = new Reachability(worldModel(this.model, open, new Set(absent)), { explain: this.explain }, true);
      this.worlds.set(key, engine);
    }
    return engine;
  }

  /**
   * The verdict of one road. When it is unreachable, the road is walked again assuming each blocker fixed, so the
   * result names every blocker met further on (`blockers`), the verdict's own first.
   */
  private walkReach(placement: Placement, dest: Destination): ReachResult {
    const walked = this.walkOnce(placement, dest);
    // Verdicts decided before any walk (IPv6 refused, no resolver, no mount target) have no road.
    const result = walked[FACTS] ? walked : { ...walked, [FACTS]: { destination: dest, paths: [] } };
    if (result.verdict !== "unreachable") return result;
    const first = result.blockers?.[0] ?? blockerOfResult(result);
    const further: Outcome[] = [];
    this.walkOnce(placement, dest, further);
    const blockers = [first];
    const key = (b: Blocker) => `${b.code}\u0000${b.component}\u0000${b.reason}`;
    const seen = new Set([key(first)]);
    for (const o of further) {
      if (o.kind !== "dropped") continue;
      const b = blockerOf(o);
      if (seen.has(key(b))) continue;
      seen.add(key(b));
      blockers.push(b);
    }
    // The road as far as it leads with every blocker fixed (its dropped paths are the blockers).
    return further.length > 0 ? { ...withFacts(result, dest, further), blockers } : { ...result, blockers };
  }

  /** One walk of the road; `assumed`: walk it assuming each blocker fixed, with its outcomes kept there. */
  private walkOnce(placement: Placement, dest: Destination, assumed?: Outcome[]): ReachResult {
    const { subnet } = placement;
    const vpc = this.model.vpc(subnet.vpcId);
    if (!vpc) {
      return unknownResult(dest, "UNKNOWN_RESOURCE", `the VPC of subnet ${subnet.id} is not defined in this template`, subnet.origin);
    }
    const family = dest.family;
    if (family === 6) {
      const refused = this.ipv6Refusal(placement, dest);
      if (refused) return refused;
    }
    if (dest.kind === "service" && !vpc.enableDnsSupport) return noResolver(this.eng, vpc, dest);
    const found =
      dest.kind === "service"
        ? serviceRoad(this.eng, vpc, subnet, dest)
        : dest.kind === "resource"
          ? this.resourceRoad(vpc, subnet, dest)
          : ({ kind: "public" } as const);
    if (found.kind === "missing") return found.result;
    const road: Road = found;
    if (road.kind === "unknown") return unknownResult(dest, "UNKNOWN_RESOURCE", road.reason, road.origin);
    const vpcCidrs = vpc.cidrs.filter((c): c is Cidr => !isUnknown(c));
    let cls = this.destinationClass(dest, vpcCidrs);
    if (road.kind === "interface-endpoint" || road.kind === "resource") {
      const cidrs = road.kind === "resource" ? road.targets.map((t) => t.subnet.cidr as Cidr) : road.subnets.map((s) => s.cidr as Cidr);
      cls = new BoxSet(cidrs.map((c): Box => [cidrIv(c), [BigInt(dest.port), BigInt(dest.port)]]));
    }
    const outcomes: Outcome[] = assumed ?? [];
    const walked = dest.kind === "address" ? settleSpecial(cls, vpcCidrs, dest, placement, outcomes) : cls;
    const undecided = this.model.undecided.map((u) => u.reason);
    const walk = new Walk(walked, BoxSet.EMPTY, [], outcomes, undecided, undefined, this.explain, assumed !== undefined);
    walk.touch(subnet.origin, subnet.id);
    const fnRange =
      family === 4 ? (isUnknown(subnet.cidr) ? null : subnet.cidr) : (subnet.ipv6Cidrs.find((c): c is Cidr => !isUnknown(c)) ?? null);
    const ctx: Ctx = { vpc, subnet, fnRange, fnSgs: placement.securityGroupIds, dest, cls, family, road, host: placement.managedInstances };
    if (road.kind !== "public" || road.note) announceRoad(this.eng, walk, ctx);
    if (road.kind === "interface-endpoint") walk.steps.push({ kind: "vpc-endpoint", id: road.endpoint.id, type: "Interface" });

    const eng = this.eng;
    // 1. The function ENI's security groups (stateful: egress only).
    functionSecurityGroups(eng, walk, ctx);
    // 2. The function subnet's network ACL, both ways (not for an endpoint ENI in the same subnet).
    const own =
      (road.kind === "interface-endpoint" || road.kind === "resource") && fnRange && family === 4
        ? BoxSet.of([cidrIv(fnRange), FULL_PORT])
        : undefined;
    nacl(eng, walk, ctx, subnet, true, { addr: "class", port: "class" }, "outbound", own);
    nacl(
      eng,
      walk,
      ctx,
      subnet,
      false,
      { addr: "class", port: LAMBDA_EPHEMERAL_PORTS },
      "inbound reply to the function's ephemeral port",
      own,
    );
    // 3. The function subnet's route table, then wherever each route leads (onward).
    route(eng, walk, ctx, subnet, "function", this.onward);
    return resultWithFacts(dest, cls, outcomes, road);
  }

  /**
   * Where a resource destination leads from `subnet`: its interfaces (see resourceTargets); unknown when they cannot be
   * told; `missing` (unreachable) when a file system has no mount target in the subnet's AZ.
   */
  private resourceRoad(vpc: Vpc, subnet: Subnet, dest: Destination): Road | { readonly kind: "missing"; readonly result: ReachResult } {
    if (dest.undecided !== undefined) return { kind: "unknown", reason: dest.undecided };
    const r = this.model.get("resource", dest.resource);
    if (!r) return { kind: "unknown", reason: `${dest.resource ?? "the resource"} is not part of this configuration` };
    const targets = resourceTargets(this.model, vpc, subnet, r);
    if (typeof targets === "string") return { kind: "unknown", reason: targets, origin: r.origin };
    if ("missing" in targets) {
      const at = loc(r.origin);
      const result: ReachResult = {
        to: dest.label,
        verdict: "unreachable",
        code: "EFS_NO_MOUNT_TARGET_IN_AZ",
        reason: targets.missing,
        fix: `Add an AWS::EFS::MountTarget for ${r.id} in a subnet of ${String(subnet.az)} (its security group admitting tcp ${dest.port} from the function).`,
        egress: [],
        trace: [{ component: r.id, kind: "resource", action: "drop", detail: targets.missing, ...(at ? { location: at } : {}) }],
        ...(at ? { location: at } : {}),
      };
      return { kind: "missing", result: { ...result, blockers: [blockerOfResult(result)] } };
    }
    const other = targets.find((t) => t.subnet.vpcId !== vpc.id);
    if (other) {
      return {
        kind: "unknown",
        reason: `${r.id} is in ${typeof other.subnet.vpcId === "string" ? other.subnet.vpcId : "another VPC"}, not in the function's ${vpc.id}; a road between VPCs (peering, transit gateway) is not modelled`,
        origin: r.origin,
      };
    }
    return { kind: "resource", resource: r, targets };
  }

  /** IPv6 leaves a Lambda ENI only with Ipv6AllowedForDualStack and a dual-stack subnet. */
  private ipv6Refusal(placement: Placement, dest: Destination): ReachResult | null {
    const { subnet, ipv6Allowed } = placement;
    const result = (verdict: Verdict, code: Code, reason: string, fix?: string, origin?: Origin): ReachResult => ({
      to: dest.label,
      verdict,
      code,
      reason,
      ...(fix ? { fix } : {}),
      egress: [],
      trace: [
        {
          component: verdict === "unknown" ? "VpcConfig" : subnet.id,
          kind: "function",
          action: verdict === "unknown" ? "unknown" : "drop",
          detail: reason,
          ...(origin ? { location: loc(origin) } : {}),
        },
      ],
      ...(origin ? { location: loc(origin) } : {}),
    });
    if (isUnknown(ipv6Allowed)) return result("unknown", "UNKNOWN_RESOURCE", `Ipv6AllowedForDualStack: ${ipv6Allowed.reason}`);
    if (!ipv6Allowed) {
      return result(
        "unreachable",
        "LAMBDA_IPV6_NOT_ALLOWED",
        "the function's VpcConfig does not set Ipv6AllowedForDualStack: true, so it sends IPv4 only",
        CODES.LAMBDA_IPV6_NOT_ALLOWED.fix,
      );
    }
    if (subnet.ipv6Cidrs.length === 0) {
      return result(
        "unreachable",
        "SUBNET_NOT_DUAL_STACK",
        `${subnet.id} has no IPv6 CIDR block, so the function's ENI there has no IPv6 address`,
        `Give ${subnet.id} an Ipv6CidrBlock (and the VPC an IPv6 block).`,
        subnet.origin,
      );
    }
    return null;
  }
}

/**
 * Where a route leads, hop after hop: inside the VPC (an interface endpoint's ENIs), an internet
 * gateway, an egress-only internet gateway, or a NAT (gateway or instance), whose own subnet's
 * route table then carries the translated traffic on to an internet gateway.
 */
function onward(eng: Engine): Onward {
  const next: Onward = (walk: Walk, ctx: Ctx, subnet: Subnet, r: Route, hop: Omit<Hop, "action">, role: RouteRole): void => {
    const t = r.target;
    const forward = () => walk.trace.push({ ...hop, action: "forward" });
    switch (t.kind) {
      case "local":
        if (role === "function" && ctx.road.kind === "interface-endpoint") {
          forward();
          // 4. The interface endpoint's ENIs: their subnets' network ACLs, their security groups.
          interfaceEndpoint(eng, walk, ctx, ctx.road.endpoint, ctx.road.subnets);
        } else if (role === "function" && ctx.road.kind === "resource") {
          forward();
          // 4. The resource's interfaces: their subnets' network ACLs, its security groups.
          resourceFarSide(eng, walk, ctx, ctx.road.resource, ctx.road.targets);
        } else if (role === "nat") {
          walk.drop(hop, "CANNOT_ROUTE", "the NAT's route for the destination leads back into the VPC");
        } else {
          forward();
          walk.unknown(
            {
              component: ctx.vpc.id,
              kind: "vpc",
              detail: `delivered inside ${ctx.vpc.id}; the destination's own security group is not known`,
            },
            "UNKNOWN_DESTINATION",
            `${ctx.dest.label} is inside ${ctx.vpc.id}: whether the resource holding it admits the function depends on its security group`,
          );
        }
        return;
      case "internet-gateway":
        forward();
        // 4. The internet gateway: the function's own IPv6 address, else the NAT's public IPv4 address.
        internetGateway(eng, walk, ctx, t.id, role === "nat" && walk.natSource ? walk.natSource : { kind: "lambda" }, subnet);
        return;
      case "egress-only-internet-gateway":
        toEgressOnlyGateway(eng, walk, ctx, t.id, hop);
        return;
      case "nat-gateway": {
        forward();
        // 4. The NAT gateway (its subnet's network ACLs), 5. its subnet's route table, and on.
        const natSubnet = toNatGateway(eng, walk, ctx, subnet, t.id, hop, role);
        if (natSubnet) route(eng, walk, ctx, natSubnet, "nat", next);
        return;
      }
      case "instance":
      case "network-interface": {
        forward();
        // 4. The NAT instance (its security groups, its subnet's network ACLs), 5. its subnet's route table, and on.
        const natSubnet = toNatInstance(eng, walk, ctx, subnet, t, role);
        if (natSubnet) route(eng, walk, ctx, natSubnet, "nat", next);
        return;
      }
      default: {
        const id = "id" in t ? t.id : undefined;
        const why = `the traffic leaves through ${t.kind} ${id === undefined || isUnknown(id) ? "(unknown)" : id}; what lies beyond is not modelled`;
        walk.unknown({ ...hop, detail: why }, "UNSUPPORTED_COMPONENT", why);
      }
    }
  };
  return next;
}

/** The blocker an outcome that dropped packets names: its code, fix, and the hop that dropped them (the last of its trace). */
function blockerOf(o: Outcome): Blocker {
  const hop = o.trace[o.trace.length - 1];
  return {
    code: o.code ?? "UNKNOWN_RESOURCE",
    component: hop?.component ?? "",
    kind: hop?.kind ?? "function",
    reason: o.reason,
    ...(o.fix ? { fix: o.fix } : {}),
    ...(o.action ? { action: o.action } : {}),
    ...(o.location ? { location: o.location } : {}),
  };
}

/** The blocker of an unreachable verdict decided before any walk (IPv6 refused, no resolver, the security groups alone). */
function blockerOfResult(r: ReachResult): Blocker {
  const hop = r.trace[r.trace.length - 1];
  return {
    code: r.code ?? "UNKNOWN_RESOURCE",
    component: hop?.component ?? "",
    kind: hop?.kind ?? "function",
    reason: r.reason,
    ...(r.fix ? { fix: r.fix } : {}),
    ...(r.location ? { location: r.location } : {}),
  };
}

/** The subnet of an ENI whose subnet is not known (see Reachability.unplaced); its fields are never read. */
const UNPLACED: Subnet = {
  kind: "subnet",
  id: "(unknown subnet)",
  origin: { source: "default", file: "" },
  vpcId: { unknown: true, reason: "the subnet is not known" },
  az: { unknown: true, reason: "the subnet is not known" },
  cidr: { unknown: true, reason: "the subnet is not known" },
  ipv6Cidrs: [],
  mapPublicIpOnLaunch: false,
  ipv6Native: false,
  routeTableId: { unknown: true, reason: "the subnet is not known" },
  routeTableIsMain: false,
  networkAclId: { unknown: true, reason: "the subnet is not known" },
  networkAclIsDefault: false,
};

/** A security group's VPC that the template does not define: any address may be a member's (SG references stay open). */
function anyVpc(sg: SecurityGroup): Vpc {
  return {
    kind: "vpc",
    id: typeof sg.vpcId === "string" ? sg.vpcId : "(unknown VPC)",
    origin: sg.origin,
    cidrs: [mustParseCidr("0.0.0.0/0"), mustParseCidr("::/0")],
    enableDnsSupport: true,
    enableDnsHostnames: true,
    mainRouteTableId: "",
    defaultNetworkAclId: "",
    defaultSecurityGroupId: "",
  };
}

function largest(outcomes: Outcome[]): Outcome | undefined {
  let best: Outcome | undefined;
  let size = -1n;
  for (const o of outcomes) {
    const s = o.set.size();
    if (s > size) {
      best = o;
      size = s;
    }
  }
  return best;
}

function reachableReason(egress: readonly Egress[], road: Road, main: Outcome | undefined, port: number): string {
  const through = egress.length > 0 ? `through ${egress.map((e) => e.via).join(", ")}` : "";
  if (road.kind === "interface-endpoint") return `through interface endpoint ${road.endpoint.id} (private DNS)`;
  if (road.kind === "gateway-endpoint") return `through gateway endpoint ${road.endpoint.id}`;
  if (road.kind === "resource" && road.targets.length > 1) {
    const r = road.resource;
    return `${r.what} ${r.id} admits tcp ${port} in each of its subnets (${road.targets.map((t) => t.subnet.id).join(", ")})`;
  }
  if (through) return road.kind === "public" && road.note ? `${through} (${road.note})` : through;
  return main?.reason ?? "delivered";
}

/** The result of a destination from its outcomes: the verdict, with the facts rules read. */
function resultWithFacts(dest: Destination, cls: BoxSet, outcomes: Outcome[], road: Road): ReachResult {
  return withFacts(verdictOf(dest, cls, outcomes, road), dest, outcomes);
}

function verdictOf(dest: Destination, cls: BoxSet, outcomes: Outcome[], road: Road): ReachResult {
  const dropped = outcomes.filter((o) => o.kind === "dropped");
  const uncertain = outcomes.filter((o) => o.kind === "uncertain");
  const delivered = outcomes.filter((o) => o.kind === "delivered");
  const egress: Egress[] = [];
  for (const o of delivered) {
    if (o.egress && !egress.some((e) => e.via === o.egress?.via)) egress.push(o.egress);
  }
  if (cls.isEmpty()) {
    return {
      to: dest.label,
      verdict: "unknown",
      code: "UNKNOWN_DESTINATION",
      reason: `${dest.label} lies entirely inside the VPC's own CIDRs`,
      egress: [],
      trace: [],
    };
  }
  const pick = (list: Outcome[], verdict: Verdict): ReachResult => {
    const o = largest(list) as Outcome;
    const partial = !delivered.length ? "" : " (other packets of the class do get through)";
    return {
      to: dest.label,
      verdict,
      ...(o.code ? { code: o.code } : {}),
      reason: `${o.reason}${verdict === "unreachable" ? partial : ""}`,
      ...(o.fix ? { fix: o.fix } : {}),
      egress,
      trace: o.trace,
      ...(o.location ? { location: o.location } : {}),
      ...(verdict === "unreachable" ? { blockers: [blockerOf(o)] } : {}),
    };
  };
  // An AWS service's public (or gateway-endpoint) addresses are some of the public ones, which
  // we do not know one by one: when only part of the class is dropped, the service may lie
  // wholly in the part that gets through.
  if (dropped.length > 0 && delivered.length > 0 && dest.kind === "service" && road.kind !== "interface-endpoint") {
    const r = pick(dropped, "unknown");
    return { ...r, reason: `${r.reason}; whether ${dest.service}'s addresses lie in the blocked part is not known` };
  }
  // A database may sit in any subnet of its group (and moves there on failover): blocked in some, open in others is undecided.
  if (dropped.length > 0 && delivered.length > 0 && road.kind === "resource") {
    const r = pick(dropped, "unknown");
    return {
      ...r,
      reason: `${r.reason}; ${road.resource.id} may be in a subnet that is open or in one that is blocked (which one is AWS's choice, and changes on failover)`,
    };
  }
  if (dropped.length > 0) return pick(dropped, "unreachable");
  if (uncertain.length > 0) return pick(uncertain, "unknown");
  const main = largest(delivered);
  return {
    to: dest.label,
    verdict: "reachable",
    reason: reachableReason(egress, road, main, dest.port),
    egress,
    trace: main?.trace ?? [],
  };
}

function conditionName(open: string): string {
  return open.replace(/:.*$/, "");
}

/** What one world's verdict says, in a few words. */
function worldText(r: ReachResult): string {
  if (r.verdict === "reachable") return `reachable${r.egress.length > 0 ? ` through ${r.egress.map((e) => e.via).join(", ")}` : ""}`;
  return `${r.verdict}${r.code ? ` (${r.code})` : ""}`;
}

/**
 * One verdict from the verdicts of every deployable combination of open conditions: the common
 * verdict when they agree (the first world's explanation; for a reachable road every NAT that
 * carries it in some world), else unknown, naming the first condition whose value changes it.
 */
function combineWorlds(
  worlds: readonly { absent: readonly string[]; result: ReachResult }[],
  open: readonly string[],
  dest: Destination,
): ReachResult {
  // The road of every world: a route may exist in some of them only.
  const paths: Path[] = worlds.flatMap((w) => w.result[FACTS]?.paths ?? []);
  const facts = { [FACTS]: { destination: dest, paths } };
  return { ...combineVerdicts(worlds, open), ...facts };
}

function combineVerdicts(worlds: readonly { absent: readonly string[]; result: ReachResult }[], open: readonly string[]): ReachResult {
  const first = worlds[0] as { absent: readonly string[]; result: ReachResult };
  const base = first.result;
  const other = worlds.find((w) => w.result.verdict !== base.verdict);
  if (!other) {
    if (base.verdict !== "reachable") return base;
    const egress: Egress[] = [];
    for (const w of worlds) for (const e of w.result.egress) if (!egress.some((x) => x.via === e.via)) egress.push(e);
    return egress.length === base.egress.length ? base : { ...base, egress };
  }
  const flipped = other.absent.map((c) => open.indexOf(c)).sort((a, b) => a - b);
  const cond = open[flipped[0] ?? 0] as string;
  const others = other.absent.length > 1 ? ` (with ${other.absent.length - 1} more left out)` : "";
  const reason =
    `the road depends on ${cond}: ${worldText(base)} when ${conditionName(cond)} holds, ` +
    `${worldText(other.result)}${other.result.verdict === "unreachable" ? `: ${other.result.reason}` : ""} when it does not${others}`;
  return {
    to: base.to,
    verdict: "unknown",
    code: "UNDECIDED_CONDITION",
    reason,
    fix: CODES.UNDECIDED_CONDITION.fix,
    egress: [],
    trace: other.result.verdict === "unreachable" ? other.result.trace : base.trace,
    ...((other.result.location ?? base.location) ? { location: other.result.location ?? base.location } : {}),
  };
}

/**
 * Settles the packets of an address destination that never reach the network or that the VPC does not route
 * (SPECIAL_DESTINATIONS, outside the VPC's own CIDRs) as outcomes of their own; returns what is left to walk.
 */
function settleSpecial(cls: BoxSet, vpcCidrs: readonly Cidr[], dest: Destination, placement: Placement, outcomes: Outcome[]): BoxSet {
  let rest = cls;
  for (const c of vpcCidrs) if (c.family === dest.family) rest = rest.subtract([cidrIv(c), FULL_PORT]);
  const inVpc = cls.subtract(rest);
  specialBlocks ??= SPECIAL_DESTINATIONS.map((s) => ({ ...s, cidrs: s.cidrs.map(mustParseCidr) }));
  for (const special of specialBlocks) {
    const part = special.cidrs
      .filter((c) => c.family === dest.family)
      .reduce((acc, c) => acc.union(rest.intersect([cidrIv(c), FULL_PORT])), BoxSet.EMPTY);
    if (part.isEmpty()) continue;
    rest = rest.subtract(part);
    // Managed Instances run on EC2 instances, which do have the metadata service.
    const onInstance = special.verdict === "unreachable" && placement.managedInstances !== undefined;
    const verdict = onInstance ? "unknown" : special.verdict;
    const code: Code = onInstance ? "UNKNOWN_DESTINATION" : special.code;
    const reason = onInstance
      ? `${dest.label} is the EC2 instance metadata service of the capacity provider's instance; whether the function may call it is not part of the network model`
      : `${dest.label} is ${special.what}`;
    const hop: Hop = { component: dest.label, kind: "function", action: verdict === "unreachable" ? "drop" : "unknown", detail: reason };
    outcomes.push({
      kind: verdict === "unreachable" ? "dropped" : "uncertain",
      set: part,
      trace: [hop],
      code,
      reason,
      ...(verdict === "unreachable" ? { fix: CODES[code].fix } : {}),
    });
  }
  return rest.union(inVpc);
}

/** SPECIAL_DESTINATIONS with their CIDRs parsed, on first use (their IPv6 blocks need the address library). */
let specialBlocks: readonly (Omit<(typeof SPECIAL_DESTINATIONS)[number], "cidrs"> & { readonly cidrs: readonly Cidr[] })[] | undefined;
