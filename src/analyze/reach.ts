// reach(function ENI in a subnet, destination class) -> verdict, explanation and trace.
// Pure: reads the frozen model only. Packet sets are boxes over (destination address,
// destination port); what does not depend on the destination (the function's own address,
// ephemeral ports) is quantified universally, so "reachable" holds for every packet of the
// class, whatever address and port Lambda or the NAT picks.
import type { Code } from "../aws/codes.ts";
import { CODES } from "../aws/codes.ts";
import {
  GATEWAY_ENDPOINT_SERVICES,
  LAMBDA_EPHEMERAL_PORTS,
  NAT_GATEWAY_EPHEMERAL_PORTS,
  PROTOCOL_TCP,
  SPECIAL_DESTINATIONS,
} from "../aws/facts.ts";
import type { Model } from "../model/model.ts";
import type {
  EntityRef,
  Instance,
  Location,
  NatGateway,
  NetworkAcl,
  NetworkInterface,
  NetworkAclEntry,
  Origin,
  PortRange,
  PublicAddress,
  Route,
  RouteTable,
  SecurityGroup,
  SecurityGroupRule,
  Subnet,
  Unknown,
  Vpc,
  VpcEndpoint,
} from "../model/types.ts";
import { isUnknown, locationOf } from "../model/types.ts";
import type { Box, Interval } from "../net/box-set.ts";
import { BoxSet, forAll } from "../net/box-set.ts";
import type { Cidr, Family } from "../net/ip.ts";
import { formatAddress, MAX_ADDRESS, mustParseCidr } from "../net/ip.ts";
import type { Destination } from "./destination.ts";
import { destinationSet, nonPublicSet } from "./destination.ts";
import type { GatewayUser } from "./block-public-access.ts";
import { blockPublicAccess } from "./block-public-access.ts";
import { MAX_OPEN_CONDITIONS, openConditions, worldModel } from "./conditions.ts";

export type Verdict = "reachable" | "unreachable" | "unknown";

export interface Hop {
  readonly component: string;
  readonly kind:
    | "security-group"
    | "network-acl"
    | "route-table"
    | "nat-gateway"
    | "nat-instance"
    | "internet-gateway"
    | "egress-only-internet-gateway"
    | "vpc-endpoint"
    | "subnet"
    | "vpc"
    | "function";
  readonly action: "allow" | "deny" | "forward" | "translate" | "drop" | "unknown";
  readonly detail: string;
  /** The rule that decided the hop, e.g. `outbound rule 100 allow tcp 443 0.0.0.0/0` or `0.0.0.0/0 -> nat-gateway X`. */
  readonly rule?: string;
  readonly location?: Location;
}

export interface Egress {
  /** The NAT gateway or instance that carries the traffic. */
  readonly via: string;
  /** The literal public address when known. */
  readonly publicIp: string | null;
  /** The Elastic IP (logical id or allocation id) when there is one. */
  readonly eip: string | null;
}

export interface ReachResult {
  readonly to: string;
  readonly verdict: Verdict;
  readonly code?: Code;
  readonly reason: string;
  readonly fix?: string;
  readonly egress: readonly Egress[];
  readonly trace: readonly Hop[];
  /** Where the blocking (or unknown) component is defined. */
  readonly location?: Location;
}

/** Where a function's ENI sits: one subnet of its VpcConfig, with its security groups. */
export interface Placement {
  readonly subnet: Subnet;
  readonly securityGroupIds: readonly EntityRef[];
  /** VpcConfig.Ipv6AllowedForDualStack (true for the subnet views: what a dual-stack function would see). */
  readonly ipv6Allowed: boolean | Unknown;
  /** Lambda Managed Instances: the function runs on the capacity provider's EC2 instances instead. */
  readonly managedInstances?: ManagedInstancesHost;
}

/** The EC2 instances of a capacity provider in one subnet (see managed-instances.ts). */
export interface ManagedInstancesHost {
  readonly capacityProvider: string;
  /** Whether the instances get a public IPv4 address in this subnet. */
  readonly publicIp: boolean | Unknown;
  /** Why, in a few words (e.g. "MapPublicIpOnLaunch is true"). */
  readonly publicIpWhy: string;
}

const FULL_ADDR: Record<Family, Interval> = { 4: [0n, MAX_ADDRESS[4]], 6: [0n, MAX_ADDRESS[6]] };
const FULL_PORT: Interval = [0n, 65535n];
const ANY: Record<Family, string> = { 4: "0.0.0.0/0", 6: "::/0" };
const portIv = (p: PortRange): Interval => [BigInt(p.from), BigInt(p.to)];
const cidrIv = (c: Cidr): Interval => [c.start, c.end];

function loc(o: Origin | undefined): Location | undefined {
  return o ? locationOf(o) : undefined;
}

/** The destination, or the part of it a set covers when that is not all of it. */
function describeSet(s: BoxSet, d: Destination, whole: BoxSet): string {
  if (d.kind !== "internet" || s.covers(whole)) return d.label;
  const addrs = s.project(1).boxes.map((b) => b[0] as Interval);
  const f = d.family;
  const shown = addrs.slice(0, 3).map(([lo, hi]) => (lo === hi ? formatAddress(f, lo) : `${formatAddress(f, lo)}-${formatAddress(f, hi)}`));
  return `${d.label} (${shown.join(", ")}${addrs.length > 3 ? ", ..." : ""})`;
}

/** How a filter's address and port fields map onto a packet. */
interface View {
  /** The rule's CIDR/peer matches the destination class address ("class"), or a fixed range (the far side). */
  readonly addr: "class" | { readonly range: Cidr | null; readonly memberOf?: readonly EntityRef[] };
  /** The rule's port range matches the class port ("class"), or a fixed range (ephemeral ports). */
  readonly port: "class" | PortRange;
}

interface FilterResult {
  readonly allowed: BoxSet;
  readonly uncertain: BoxSet;
  readonly note: string;
  /** The rule that allowed the traffic (the first that matched); only when explaining (trace). */
  readonly rule?: { readonly text: string; readonly origin: Origin };
}

interface Outcome {
  readonly kind: "delivered" | "dropped" | "uncertain";
  readonly set: BoxSet;
  readonly trace: readonly Hop[];
  readonly code?: Code;
  readonly reason: string;
  readonly fix?: string;
  readonly location?: Location;
  readonly egress?: Egress;
}

class Walk {
  /** Packets that pass every hop so far. */
  alive: BoxSet;
  /** Packets whose fate at some earlier hop is not known; later hops may still drop them for sure. */
  maybe: BoxSet;
  maybeWhy: { reason: string; location?: Location; trace: readonly Hop[] } | undefined;
  readonly trace: Hop[];
  readonly outcomes: Outcome[];
  /** Components on this path that exist only under an unresolved condition. */
  readonly conditional: string[];
  /** After a NAT: the address the packets carry towards an internet gateway. */
  natSource: Source | undefined;
  /** Name the rule of each hop (`trace`); off for `check`, which does not show them. */
  readonly explain: boolean;
  constructor(alive: BoxSet, maybe: BoxSet, trace: Hop[], outcomes: Outcome[], conditional: string[], from?: Walk, explain = false) {
    this.alive = alive;
    this.explain = from?.explain ?? explain;
    this.maybe = maybe;
    this.trace = trace;
    this.outcomes = outcomes;
    this.conditional = conditional;
    this.natSource = from?.natSource;
    this.maybeWhy = from?.maybeWhy;
  }
  /** Everything still travelling. */
  get all(): BoxSet {
    return this.alive.union(this.maybe);
  }
  isEmpty(): boolean {
    return this.alive.isEmpty() && this.maybe.isEmpty();
  }
  /** A copy restricted to `region` (a routing partition). */
  fork(region: BoxSet): Walk {
    return new Walk(
      this.alive.intersect(region),
      this.maybe.intersect(region),
      [...this.trace],
      this.outcomes,
      [...this.conditional],
      this,
    );
  }
  touch(o: Origin | undefined, id: string): void {
    if (o?.conditionUnknown) this.conditional.push(`${id} exists only under ${o.conditionUnknown}`);
  }
  private end(): void {
    this.alive = BoxSet.EMPTY;
    this.maybe = BoxSet.EMPTY;
  }
  /** Keeps what a filter allows; records what it surely drops and what it leaves open. */
  filter(hop: Omit<Hop, "action">, r: FilterResult, code: Code, whyDropped: () => readonly [reason: string, fix: string]): void {
    const all = this.all;
    const dropped = all.subtract(r.allowed).subtract(r.uncertain);
    const newlyOpen = this.alive.intersect(r.uncertain).subtract(r.allowed);
    const blocked = !dropped.isEmpty();
    const detail = r.note ? `${hop.detail}: ${r.note}` : hop.detail;
    const action = blocked ? "deny" : newlyOpen.isEmpty() ? "allow" : "unknown";
    // The trace names the rule that decided: the blocking one (from the caller), else the first that allowed.
    const explainAllowed = !blocked && this.explain;
    const rule = explainAllowed ? r.rule?.text : hop.rule;
    const location = explainAllowed && r.rule ? locationOf(r.rule.origin) : hop.location;
    // Written out, not spread from `hop`: callers pass hops of several shapes, and spreading
    // those is a slow path in a function that runs on every hop of every walk. The field order
    // is the JSON's.
    const { component, kind } = hop;
    const h: Hop =
      rule === undefined
        ? location === undefined
          ? { component, kind, detail, action }
          : { component, kind, detail, location, action }
        : location === undefined
          ? { component, kind, detail, rule, action }
          : { component, kind, detail, rule, location, action };
    this.trace.push(h);
    if (blocked) {
      const [reason, fix] = whyDropped();
      this.outcomes.push({ kind: "dropped", set: dropped, trace: [...this.trace], code, reason, fix, location: hop.location });
    }
    if (!newlyOpen.isEmpty() && !this.maybeWhy) {
      this.maybeWhy = { reason: r.note, ...(hop.location ? { location: hop.location } : {}), trace: [...this.trace] };
    }
    this.maybe = this.maybe.intersect(r.allowed.union(r.uncertain)).union(newlyOpen);
    this.alive = this.alive.intersect(r.allowed);
  }
  drop(hop: Omit<Hop, "action">, code: Code, reason: string, fix?: string): void {
    if (this.isEmpty()) return;
    this.trace.push({ ...hop, action: "drop" });
    this.outcomes.push({
      kind: "dropped",
      set: this.all,
      trace: [...this.trace],
      code,
      reason,
      fix: fix ?? CODES[code].fix,
      location: hop.location,
    });
    this.end();
  }
  /** A hop that cannot be evaluated: what reaches it has an unknown fate. */
  unknown(hop: Omit<Hop, "action">, code: Code, reason: string): void {
    if (this.isEmpty()) return;
    this.trace.push({ ...hop, action: "unknown" });
    this.outcomes.push({ kind: "uncertain", set: this.all, trace: [...this.trace], code, reason, location: hop.location });
    this.end();
  }
  deliver(hop: Omit<Hop, "action">, egress?: Egress): void {
    if (this.isEmpty()) return;
    this.trace.push({ ...hop, action: "forward" });
    if (!this.maybe.isEmpty()) {
      const why = this.maybeWhy;
      this.outcomes.push({
        kind: "uncertain",
        set: this.maybe,
        trace: why?.trace ?? [...this.trace],
        code: "UNKNOWN_RESOURCE",
        reason: why?.reason ?? "a component on the path is not known",
        ...(why?.location ? { location: why.location } : {}),
      });
    }
    if (this.alive.isEmpty()) {
      this.end();
      return;
    }
    if (this.conditional.length > 0) {
      this.outcomes.push({
        kind: "uncertain",
        set: this.alive,
        trace: [...this.trace],
        code: "UNKNOWN_RESOURCE",
        reason: `the path works, but ${this.conditional[0]}`,
        location: hop.location,
      });
    } else {
      this.outcomes.push({ kind: "delivered", set: this.alive, trace: [...this.trace], reason: hop.detail, ...(egress ? { egress } : {}) });
    }
    this.end();
  }
}

export interface ReachOptions {
  /** Name the rule that decided each hop (`Hop.rule`) and point at it; for `trace`. */
  readonly explain?: boolean;
}

const NO_RULE: { readonly rule?: string } = Object.freeze({});

export class Reachability {
  readonly model: Model;
  private readonly explain: boolean;
  /** Each route table's routes of one address family, longest prefix first (computed once). */
  private readonly sortedRoutes = new WeakMap<RouteTable, Partial<Record<Family, readonly ExpandedRoute[]>>>();
  /** True for the engine of one combination of open conditions (which decides them all). */
  private readonly inWorld: boolean;
  private readonly worlds = new Map<string, Reachability>();
  private readonly openRoutes = new WeakMap<RouteTable, readonly Route[]>();
  constructor(model: Model, options: ReachOptions = {}, inWorld = false) {
    this.model = model;
    this.explain = options.explain === true;
    this.inWorld = inWorld;
  }

  private routesOf(rt: RouteTable, family: Family): readonly ExpandedRoute[] {
    let byFamily = this.sortedRoutes.get(rt);
    if (!byFamily) {
      byFamily = {};
      this.sortedRoutes.set(rt, byFamily);
    }
    return (byFamily[family] ??= rt.routes
      .flatMap((r) => expandRoute(r, this.model))
      .filter((x) => x.cidr.family === family)
      .sort((a, b) => b.cidr.prefix - a.cidr.prefix || a.rank - b.rank));
  }

  /** The routes of a table whose destination is not known (computed once per table). */
  private openRoutesOf(rt: RouteTable): readonly Route[] {
    let open = this.openRoutes.get(rt);
    if (!open) {
      open = rt.routes.filter((r) => openDestination(r, this.model) !== null);
      this.openRoutes.set(rt, open);
    }
    return open;
  }

  /** `{ rule }` for a hop when explaining; nothing (and no string built) otherwise. */
  private rule(text: () => string): { readonly rule?: string } {
    return this.explain ? { rule: text() } : NO_RULE;
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
      const r = this.walkReach(placement, dest);
      if (r.verdict === "unknown") return r;
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
    return combineWorlds(worlds, open);
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
    };
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
    const r = this.sgEval(
      cls,
      sgs.flatMap((sg) => sg.egress),
      { addr: "class", port: "class" },
      ctx,
    );
    if (!r.allowed.isEmpty() || !r.uncertain.isEmpty()) return undecided;
    const names = sgs.map((s) => s.id).join(", ");
    const reason = `no egress rule of ${names} allows tcp ${dest.port} to ${dest.label}, whichever subnet the function is in (${why})`;
    const at = loc(first.origin);
    return {
      to: dest.label,
      verdict: "unreachable",
      code: "ENI_SG_RULES_MISMATCH",
      reason,
      fix: `Add an egress rule to ${first.id} allowing tcp ${dest.port} to ${dest.kind === "address" ? dest.label : ANY[family]}.`,
      egress: [],
      trace: [{ component: names, kind: "security-group", action: "deny", detail: `egress of ${names}`, ...(at ? { location: at } : {}) }],
      ...(at ? { location: at } : {}),
    };
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

  private walkReach(placement: Placement, dest: Destination): ReachResult {
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
    if (dest.kind === "service" && !vpc.enableDnsSupport) return this.noResolver(vpc, dest);
    const road = dest.kind === "service" ? this.serviceRoad(vpc, subnet, dest) : ({ kind: "public" } as const);
    if (road.kind === "unknown") return unknownResult(dest, "UNKNOWN_RESOURCE", road.reason, road.origin);
    const vpcCidrs = vpc.cidrs.filter((c): c is Cidr => !isUnknown(c));
    let cls = destinationSet(dest, vpcCidrs);
    if (road.kind === "interface-endpoint") {
      const cidrs = road.subnets.map((s) => s.cidr as Cidr);
      cls = new BoxSet(cidrs.map((c): Box => [cidrIv(c), [BigInt(dest.port), BigInt(dest.port)]]));
    }
    const outcomes: Outcome[] = [];
    const walked = dest.kind === "address" ? settleSpecial(cls, vpcCidrs, dest, placement, outcomes) : cls;
    const undecided = this.model.undecided.map((u) => u.reason);
    const walk = new Walk(walked, BoxSet.EMPTY, [], outcomes, undecided, undefined, this.explain);
    walk.touch(subnet.origin, subnet.id);
    const fnRange =
      family === 4 ? (isUnknown(subnet.cidr) ? null : subnet.cidr) : (subnet.ipv6Cidrs.find((c): c is Cidr => !isUnknown(c)) ?? null);
    const ctx: Ctx = { vpc, subnet, fnRange, fnSgs: placement.securityGroupIds, dest, cls, family, road, host: placement.managedInstances };
    if (road.kind !== "public" || road.note) this.announceRoad(walk, ctx);

    // 1. The function ENI's security groups (stateful: egress only).
    this.functionSecurityGroups(walk, ctx);
    // 2. The function subnet's network ACL, both ways (not for an endpoint ENI in the same subnet).
    const own = road.kind === "interface-endpoint" && fnRange && family === 4 ? BoxSet.of([cidrIv(fnRange), FULL_PORT]) : undefined;
    this.nacl(walk, ctx, subnet, true, { addr: "class", port: "class" }, "outbound", own);
    this.nacl(
      walk,
      ctx,
      subnet,
      false,
      { addr: "class", port: LAMBDA_EPHEMERAL_PORTS },
      "inbound reply to the function's ephemeral port",
      own,
    );
    // 3. The function subnet's route table, then wherever it leads.
    this.route(walk, ctx, subnet, "function");
    return summarize(dest, cls, outcomes, road);
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

  /**
   * An AWS service is called by name; with EnableDnsSupport off the VPC's Amazon-provided resolver does not answer, so
   * the name does not resolve. A DHCP options set (not modelled) may hand the VPC other DNS servers: then we cannot know.
   */
  private noResolver(vpc: Vpc, dest: Destination): ReachResult {
    const dhcp = this.model.diagnostics.find(
      (d) => d.code === "LOAD_UNSUPPORTED_RESOURCE" && d.message.startsWith("AWS::EC2::VPCDHCPOptionsAssociation"),
    );
    if (dhcp) {
      return unknownResult(
        dest,
        "UNKNOWN_RESOURCE",
        `${vpc.id} has EnableDnsSupport off and the template sets DHCP options (${dhcp.resource ?? "not modelled"}): whether another resolver answers ${dest.service ?? ""}'s name is not known`,
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
  private serviceRoad(vpc: Vpc, subnet: Subnet, dest: Destination): Road {
    const service = dest.service ?? "";
    const endpoints = this.model.vpcEndpointsOf(vpc.id);
    const uncertain = endpoints.find((e) => isUnknown(e.service) || isUnknown(e.type));
    const mine = endpoints.filter((e) => e.service === service);
    const iface = mine.filter((e) => e.type === "Interface");
    const dnsVpc = vpc.enableDnsSupport && vpc.enableDnsHostnames;
    const capturing = iface.find((e) => e.privateDnsEnabled === true && !e.privateDnsInboundOnly && dnsVpc);
    if (capturing) {
      const subnetIds = capturing.subnetIds;
      if (isUnknown(subnetIds))
        return { kind: "unknown", reason: `the subnets of endpoint ${capturing.id}: ${subnetIds.reason}`, origin: capturing.origin };
      const subnets: Subnet[] = [];
      for (const ref of subnetIds) {
        const s = this.model.get("subnet", ref);
        if (!s || isUnknown(s.cidr)) {
          const why = isUnknown(ref)
            ? ref.reason
            : !s
              ? `subnet ${ref} is not defined in this template`
              : `the CIDR of ${s.id} is not known`;
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
    const rt = this.model.routeTableFor(subnet);
    const gateway = rt ? this.gatewayEndpointOn(rt, vpc.id, service) : undefined;
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
  private gatewayEndpointOn(rt: RouteTable, vpcId: string, service: string): VpcEndpoint | undefined {
    if (!GATEWAY_ENDPOINT_SERVICES.has(service)) return undefined;
    return this.model
      .vpcEndpointsOf(vpcId)
      .find((e) => e.service === service && e.type === "Gateway" && !isUnknown(e.routeTableIds) && e.routeTableIds.includes(rt.id));
  }

  /** Whether what a NAT in `natSubnet` forwards to the destination goes to a gateway endpoint (see `route`). */
  private natToGatewayEndpoint(ctx: Ctx, natSubnet: Subnet): boolean {
    const rt = this.model.routeTableFor(natSubnet);
    return (
      ctx.road.kind === "public" &&
      ctx.dest.service !== undefined &&
      rt !== undefined &&
      this.gatewayEndpointOn(rt, ctx.vpc.id, ctx.dest.service) !== undefined
    );
  }

  /** A first hop that says where the service's name leads. */
  private announceRoad(walk: Walk, ctx: Ctx): void {
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

  private functionSecurityGroups(walk: Walk, ctx: Ctx): void {
    const sgs = this.securityGroupsOf(walk, ctx.fnSgs);
    if (!sgs) return;
    if (sgs.length === 0) {
      walk.unknown(
        { component: "VpcConfig", kind: "security-group", detail: "the function names no security group" },
        "UNKNOWN_RESOURCE",
        "the function names no security group",
      );
      return;
    }
    const rules = sgs.flatMap((sg) => sg.egress);
    const r = this.sgEval(walk.all, rules, { addr: "class", port: "class" }, ctx);
    const names = sgs.map((s) => s.id).join(", ");
    walk.filter(
      {
        component: names,
        kind: "security-group",
        detail: `egress of ${names}`,
        ...this.rule(() => "no egress rule matches"),
        location: loc(sgs[0]?.origin),
      },
      r,
      "ENI_SG_RULES_MISMATCH",
      () => [
        `no egress rule of ${names} allows tcp ${ctx.dest.port} to ${ctx.dest.label}`,
        `Add an egress rule to ${sgs[0]?.id} allowing tcp ${ctx.dest.port} to ${this.peerText(ctx)}.`,
      ],
    );
  }

  /** What an egress rule must name to let the destination through. */
  private peerText(ctx: Ctx): string {
    const road = ctx.road;
    if (road.kind === "interface-endpoint") {
      const sg = road.endpoint.securityGroupIds;
      const names =
        isUnknown(sg) || sg.length === 0 ? road.subnets.map((s) => (s.cidr as Cidr).text).join(", ") : sg.map(String).join(", ");
      return `the endpoint ${road.endpoint.id} (${names})`;
    }
    if (road.kind === "gateway-endpoint") return `the ${ctx.dest.service} prefix list (or ${ANY[4]})`;
    return ctx.dest.kind === "address" ? ctx.dest.label : ANY[ctx.family];
  }

  /**
   * The security groups `refs` name; null, with the walk ended as unknown, when one of them is
   * not in the model (a parameter, an existing group).
   */
  private securityGroupsOf(walk: Walk, refs: readonly EntityRef[], owner?: string): SecurityGroup[] | null {
    const sgs: SecurityGroup[] = [];
    for (const ref of refs) {
      const sg = this.model.securityGroup(ref);
      if (!sg) {
        const of = owner ? ` of ${owner}` : "";
        const why = isUnknown(ref) ? `a security group${of}: ${ref.reason}` : `security group ${ref}${of} is not defined in this template`;
        walk.unknown({ component: isUnknown(ref) ? "security group" : ref, kind: "security-group", detail: why }, "UNKNOWN_RESOURCE", why);
        return null;
      }
      walk.touch(sg.origin, sg.id);
      sgs.push(sg);
    }
    return sgs;
  }

  /** Security groups: allow-only, union of rules. */
  private sgEval(set: BoxSet, rules: readonly SecurityGroupRule[], view: View, ctx: Ctx): FilterResult {
    // Fast path: one rule (e.g. the default allow-all egress) lets every packet through.
    for (const rule of rules) {
      if (rule.peer.kind === "cidr" && !isUnknown(rule.ports) && (rule.protocol === "all" || rule.protocol === PROTOCOL_TCP)) {
        if (coversAll(set, view, rule.peer.cidr, rule.ports, ctx.family))
          return {
            allowed: set,
            uncertain: BoxSet.EMPTY,
            note: "",
            ...(this.explain ? { rule: { text: sgRuleText(rule, view), origin: rule.origin } } : {}),
          };
      }
    }
    const env = envBox(view, ctx.family);
    const space = withEnv(set, env);
    const full = FULL_ADDR[ctx.family];
    let allowed = BoxSet.EMPTY;
    let maybe = BoxSet.EMPTY;
    const notes: string[] = [];
    let first: SecurityGroupRule | undefined;
    for (const rule of rules) {
      if (isUnknown(rule.protocol) || isUnknown(rule.ports)) {
        maybe = maybe.union(space);
        notes.push(
          `a rule's protocol or ports are unknown (${isUnknown(rule.protocol) ? rule.protocol.reason : (rule.ports as Unknown).reason})`,
        );
        continue;
      }
      if (rule.protocol !== "all" && rule.protocol !== PROTOCOL_TCP) continue;
      const portDim = portIv(rule.ports);
      let addrBoxes: Interval[] | "maybe" = [];
      const peer = rule.peer;
      if (peer.kind === "cidr") {
        if (peer.cidr.family !== ctx.family) continue;
        addrBoxes = [cidrIv(peer.cidr)];
      } else if (peer.kind === "security-group") {
        if (view.addr !== "class") {
          // The far side is the function's ENI: it matches when it carries the group.
          addrBoxes = (view.addr.memberOf ?? []).some((m) => m === peer.id) ? [full] : [];
        } else if (ctx.road.kind === "interface-endpoint") {
          // The destination is the endpoint's ENIs: the rule matches when they carry the group.
          const epGroups = this.endpointGroups(ctx.road.endpoint, ctx.vpc);
          addrBoxes = isUnknown(epGroups) ? "maybe" : epGroups.some((g) => g === peer.id) ? [full] : [];
        } else {
          // Members' private addresses lie in the VPC; which ones is not known.
          addrBoxes = ctx.vpc.cidrs.some((c) => !isUnknown(c) && set.intersect([cidrIv(c), FULL_PORT]).boxes.length > 0) ? "maybe" : [];
        }
      } else if (peer.kind === "prefix-list") {
        const pl = this.model.get("prefix-list", peer.id);
        if (pl) addrBoxes = pl.cidrs.filter((c) => c.family === ctx.family).map(cidrIv);
        // An AWS-managed prefix list (S3, DynamoDB) never spans the whole internet class; for a
        // service behind a gateway endpoint it may be exactly that service's list.
        else addrBoxes = ctx.dest.kind === "internet" && view.addr === "class" ? [] : "maybe";
      } else {
        addrBoxes = "maybe";
        notes.push(peer.reason);
      }
      if (addrBoxes === "maybe") {
        maybe = maybe.union(space.intersect(ruleBox(view, full, portDim, full)));
        continue;
      }
      for (const a of addrBoxes) {
        const part = space.intersect(ruleBox(view, a, portDim, full));
        if (!first && !part.isEmpty()) first = rule;
        allowed = allowed.union(part);
      }
    }
    const allowed2 = forAll(set, env, allowed);
    const either = forAll(set, env, allowed.union(maybe));
    return {
      allowed: allowed2,
      uncertain: either.subtract(allowed2),
      note: notes[0] ?? "",
      ...(first && this.explain ? { rule: { text: sgRuleText(first, view), origin: first.origin } } : {}),
    };
  }

  /**
   * Network ACLs: stateless, lowest rule number first, implicit deny at the end. `exempt`:
   * packets that stay inside the subnet (to an endpoint ENI in it), which no network ACL sees.
   */
  private nacl(walk: Walk, ctx: Ctx, subnet: Subnet, egress: boolean, view: View, what: string, exempt?: BoxSet): void {
    if (walk.isEmpty()) return;
    const acl = this.model.networkAclFor(subnet);
    if (!acl) {
      const why = isUnknown(subnet.networkAclId)
        ? subnet.networkAclId.reason
        : `network ACL ${subnet.networkAclId} is not defined in this template`;
      walk.unknown({ component: refLabel(subnet.networkAclId, subnet.id), kind: "network-acl", detail: why }, "UNKNOWN_RESOURCE", why);
      return;
    }
    walk.touch(acl.origin, acl.id);
    const evaluated = naclEval(walk.all, acl, egress, view, ctx.family, this.explain);
    const r = exempt
      ? { ...evaluated, allowed: evaluated.allowed.union(walk.all.intersect(exempt)), uncertain: evaluated.uncertain.subtract(exempt) }
      : evaluated;
    walk.filter(
      {
        component: acl.id,
        kind: "network-acl",
        detail: `${acl.isDefault ? "default network ACL" : "network ACL"} of ${subnet.id}, ${what}`,
        ...this.rule(() => (r.entry ? naclRuleText(r.entry) : "no rule matches (the implicit deny)")),
        location: loc(r.entry?.origin ?? acl.origin),
      },
      r,
      "SUBNET_ACL_RESTRICTION",
      () => [
        `network ACL ${acl.id} (${subnet.id}) denies the ${what}${r.entry ? ` (rule ${r.entry.ruleNumber})` : " (no rule allows it: the implicit deny)"}`,
        egress
          ? `Add an outbound rule to ${acl.id} allowing ${describeView(view, walk, ctx.family)}.`
          : `Add an inbound rule to ${acl.id} allowing ${describeView(view, walk, ctx.family)}.`,
      ],
    );
  }

  /** The route table of `subnet`, longest prefix first, then each target. */
  private route(walk: Walk, ctx: Ctx, subnet: Subnet, role: "function" | "nat"): void {
    if (walk.isEmpty()) return;
    const rt = this.model.routeTableFor(subnet);
    if (!rt) {
      const why = isUnknown(subnet.routeTableId)
        ? subnet.routeTableId.reason
        : `route table ${subnet.routeTableId} is not defined in this template`;
      walk.unknown({ component: refLabel(subnet.routeTableId, subnet.id), kind: "route-table", detail: why }, "UNKNOWN_RESOURCE", why);
      return;
    }
    walk.touch(rt.origin, rt.id);
    const rtName = `${rt.id}${rt.isMain ? " (main route table)" : ""}`;
    const road = ctx.road;
    // A NAT's own traffic follows its subnet's route table too: where that table carries the service's gateway
    // endpoint route, what the function sent to the public endpoint through the NAT goes to the gateway endpoint.
    const gateway =
      role === "function"
        ? road.kind === "gateway-endpoint"
          ? road.endpoint
          : undefined
        : road.kind === "public" && ctx.dest.service !== undefined
          ? this.gatewayEndpointOn(rt, ctx.vpc.id, ctx.dest.service)
          : undefined;
    if (gateway) {
      // The endpoint's prefix-list route covers exactly the service's addresses and is more
      // specific than any default route; a static route inside those addresses is not knowable here.
      const ep = gateway;
      walk.touch(ep.origin, ep.id);
      walk.trace.push({
        component: rt.id,
        kind: "route-table",
        action: "forward",
        detail: `${rtName} of ${subnet.id}: route ${ctx.dest.service} prefix list -> vpc-endpoint ${ep.id}`,
        location: loc(ep.origin),
      });
      walk.deliver({
        component: ep.id,
        kind: "vpc-endpoint",
        detail:
          role === "function"
            ? `gateway endpoint ${ep.id} delivers to ${ctx.dest.service} inside the region`
            : `gateway endpoint ${ep.id}, on the route table of the NAT's subnet ${subnet.id}, delivers to ${ctx.dest.service} inside the region from the NAT's private address`,
        location: loc(ep.origin),
      });
      return;
    }
    // A route whose destination is not known (a parameter) may or may not be the longest match for a packet: its fate
    // is known where both ways agree (see routeEitherWay).
    const open = this.openRoutesOf(rt);
    if (open.length > 1) {
      const why = `${rtName} has ${open.length} routes whose destinations are not known (${openDestination(open[0] as Route, this.model)}, ...); any of them may be the longest match for ${ctx.dest.label}`;
      walk.unknown({ component: rt.id, kind: "route-table", detail: why, location: loc(open[0]?.origin) }, "UNKNOWN_RESOURCE", why);
      return;
    }
    if (open[0]) {
      this.routeEitherWay(walk, ctx, subnet, rt, rtName, open[0], role);
      return;
    }
    this.routeKnown(walk, ctx, subnet, rt, rtName, role);
  }

  /**
   * A table with one route whose destination is not known: each packet either takes that route (it is the longest
   * match) or the known routes decide. Both ways are walked; where they agree (dropped both ways, delivered both
   * ways) that is the packet's fate, elsewhere it is unknown.
   */
  private routeEitherWay(
    walk: Walk,
    ctx: Ctx,
    subnet: Subnet,
    rt: RouteTable,
    rtName: string,
    open: Route,
    role: "function" | "nat",
  ): void {
    const all = walk.all;
    const known: Outcome[] = [];
    const taken: Outcome[] = [];
    this.routeKnown(new Walk(walk.alive, walk.maybe, [...walk.trace], known, [...walk.conditional], walk), ctx, subnet, rt, rtName, role);
    const why = openDestination(open, this.model) ?? "";
    const hop = {
      component: rt.id,
      kind: "route-table" as const,
      detail: `${rtName} of ${subnet.id}: route (destination not known: ${why}) -> ${targetName(open)}`,
      ...this.rule(() => `(not known) -> ${targetName(open)}`),
      location: loc(open.origin),
    };
    const takenWalk = new Walk(walk.alive, walk.maybe, [...walk.trace], taken, [...walk.conditional], walk);
    takenWalk.touch(open.origin, "the route whose destination is not known");
    this.target(takenWalk, ctx, subnet, open, hop, role);
    const union = (list: Outcome[], kind: Outcome["kind"]) =>
      list.filter((o) => o.kind === kind).reduce((acc, o) => acc.union(o.set), BoxSet.EMPTY);
    const droppedBoth = union(known, "dropped").intersect(union(taken, "dropped"));
    const deliveredBoth = union(known, "delivered").intersect(union(taken, "delivered"));
    for (const o of [...known, ...taken]) {
      const both = o.kind === "dropped" ? droppedBoth : o.kind === "delivered" ? deliveredBoth : BoxSet.EMPTY;
      // Where both ways drop, the known way's reason is reported; a NAT either way carries a delivered packet.
      if (o.kind === "dropped" && !known.includes(o)) continue;
      const part = o.set.intersect(both);
      if (!part.isEmpty()) walk.outcomes.push({ ...o, set: part });
    }
    const undecided = all.subtract(droppedBoth).subtract(deliveredBoth);
    if (!undecided.isEmpty()) {
      const reason = `${rtName} has a route whose destination is not known (${why}): whether it is the longest match for ${ctx.dest.label} changes the answer`;
      walk.outcomes.push({
        kind: "uncertain",
        set: undecided,
        trace: [...walk.trace, { ...hop, action: "unknown" }],
        code: "UNKNOWN_RESOURCE",
        reason,
        location: loc(open.origin),
      });
    }
    walk.alive = BoxSet.EMPTY;
    walk.maybe = BoxSet.EMPTY;
  }

  /** Longest prefix first among the routes whose destinations are known, then each target. */
  private routeKnown(walk: Walk, ctx: Ctx, subnet: Subnet, rt: RouteTable, rtName: string, role: "function" | "nat"): void {
    const routes = this.routesOf(rt, ctx.family);
    let rest = walk.all;
    for (const { cidr, route } of routes) {
      if (rest.isEmpty()) break;
      const part = rest.intersect([cidrIv(cidr), FULL_PORT]);
      if (part.isEmpty()) continue;
      rest = rest.subtract([cidrIv(cidr), FULL_PORT]);
      const branch = walk.fork(part);
      branch.touch(route.origin, `the route to ${cidr.text}`);
      const hop = {
        component: rt.id,
        kind: "route-table" as const,
        detail: `${rtName} of ${subnet.id}: route ${cidr.text} -> ${targetName(route)}`,
        ...this.rule(() => `${cidr.text} -> ${targetName(route)}`),
        location: loc(route.origin),
      };
      this.target(branch, ctx, subnet, route, hop, role);
    }
    if (!rest.isEmpty()) {
      const branch = walk.fork(rest);
      branch.drop(
        {
          component: rt.id,
          kind: "route-table",
          detail: `${rtName} of ${subnet.id} has no route for ${describeSet(rest, ctx.dest, ctx.cls)}`,
          ...this.rule(() => "no route matches"),
          location: loc(rt.origin),
        },
        "NO_ROUTE_TO_DESTINATION",
        `${rtName} (used by ${subnet.id}) has no route to ${ctx.dest.label}`,
        role === "function" && rt.isMain
          ? `Associate ${subnet.id} (AWS::EC2::SubnetRouteTableAssociation) with a route table that sends ${ANY[ctx.family]} to ${ctx.family === 6 ? "an egress-only internet gateway" : "a NAT gateway in a public subnet"}; it now uses the VPC's main route table.`
          : role === "function"
            ? ctx.family === 6
              ? `Add a route ::/0 to an egress-only internet gateway (or an internet gateway) to ${rt.id}.`
              : `Add a route 0.0.0.0/0 to a NAT gateway (in a public subnet) to ${rt.id}.`
            : `Add a route 0.0.0.0/0 to an attached internet gateway to ${rt.id}, the NAT's subnet's table.`,
      );
    }
    walk.alive = BoxSet.EMPTY;
    walk.maybe = BoxSet.EMPTY;
  }

  private target(walk: Walk, ctx: Ctx, subnet: Subnet, route: Route, hop: Omit<Hop, "action">, role: "function" | "nat"): void {
    const t = route.target;
    if (route.state === "blackhole" || t.kind === "none") {
      walk.drop(hop, "BAD_STATE_ROUTE", `the route to ${ctx.dest.label} in ${hop.component} is a blackhole`);
      return;
    }
    const forward = () => walk.trace.push({ ...hop, action: "forward" });
    switch (t.kind) {
      case "local":
        if (role === "function" && ctx.road.kind === "interface-endpoint") {
          forward();
          this.interfaceEndpoint(walk, ctx, ctx.road.endpoint, ctx.road.subnets);
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
        this.internetGateway(walk, ctx, t.id, role === "nat" && walk.natSource ? walk.natSource : { kind: "lambda" }, subnet);
        return;
      case "egress-only-internet-gateway":
        if (ctx.family === 4) {
          walk.drop(hop, "CANNOT_ROUTE", "an egress-only internet gateway carries IPv6 only");
          return;
        }
        forward();
        this.egressOnlyGateway(walk, ctx, t.id);
        return;
      case "nat-gateway": {
        forward();
        if (ctx.family === 6) {
          walk.drop(
            {
              component: String(t.id),
              kind: "nat-gateway",
              detail: "a NAT gateway does not carry IPv6 to the internet (it translates IPv6 only as NAT64, for 64:ff9b::/96)",
            },
            "CANNOT_ROUTE",
            `${hop.component} sends IPv6 traffic to NAT gateway ${String(isUnknown(t.id) ? "(unknown)" : t.id)}, which does not forward IPv6 to the internet`,
            `Route ::/0 to an egress-only internet gateway (or an internet gateway) instead.`,
          );
          return;
        }
        if (role === "nat") {
          walk.drop(
            {
              component: String(t.id),
              kind: "nat-gateway",
              detail: `the NAT's own subnet ${subnet.id} routes the traffic to a NAT gateway again`,
            },
            "ROUTING_LOOP",
            `${subnet.id}, the subnet of the NAT, sends ${ctx.dest.label} to a NAT gateway (${String(isUnknown(t.id) ? "unknown" : t.id)}) instead of an internet gateway`,
            `Put the NAT gateway in a public subnet (route 0.0.0.0/0 to an attached internet gateway), not in ${subnet.id}.`,
          );
          return;
        }
        const nat = this.model.natGateway(t.id);
        if (!nat) {
          const why = isUnknown(t.id) ? t.id.reason : `NAT gateway ${t.id} is not defined in this template`;
          walk.unknown(
            { component: String(isUnknown(t.id) ? "NAT gateway" : t.id), kind: "nat-gateway", detail: why },
            "UNKNOWN_RESOURCE",
            why,
          );
          return;
        }
        this.natGateway(walk, ctx, nat);
        return;
      }
      case "instance":
      case "network-interface": {
        forward();
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
          return;
        }
        if (t.kind === "network-interface") {
          const eni = this.model.get("network-interface", t.id);
          if (eni) {
            this.natInterface(walk, ctx, eni);
            return;
          }
        }
        const inst = t.kind === "instance" ? this.model.get("instance", t.id) : this.model.instanceOfInterface(t.id);
        if (!inst) {
          const why = isUnknown(t.id) ? t.id.reason : `${t.kind} ${t.id} is not defined in this template (or is not an instance)`;
          walk.unknown({ component: String(isUnknown(t.id) ? t.kind : t.id), kind: "nat-instance", detail: why }, "UNKNOWN_RESOURCE", why);
          return;
        }
        this.natInstance(walk, ctx, inst);
        return;
      }
      default: {
        const why = `the traffic leaves through ${t.kind} ${isUnknown(t.id) ? "(unknown)" : t.id}; what lies beyond is not modelled`;
        walk.unknown({ ...hop, detail: why }, "UNSUPPORTED_COMPONENT", why);
      }
    }
  }

  /** Ends the walk as unknown: `ref` names a gateway that is a parameter or outside the template. */
  private missing(walk: Walk, ref: EntityRef, what: string, kind: Hop["kind"]): void {
    const why = isUnknown(ref) ? ref.reason : `${what} ${ref} is not defined in this template`;
    walk.unknown({ component: String(isUnknown(ref) ? what : ref), kind, detail: why }, "UNKNOWN_RESOURCE", why);
  }

  /** `egressSubnet`: the subnet whose route sent the traffic to the gateway (none for a regional NAT gateway). */
  private internetGateway(walk: Walk, ctx: Ctx, ref: EntityRef, source: Source, egressSubnet?: Subnet): void {
    const igw = this.model.get("internet-gateway", ref);
    if (!igw) {
      this.missing(walk, ref, "internet gateway", "internet-gateway");
      return;
    }
    walk.touch(igw.origin, igw.id);
    const hop = { component: igw.id, kind: "internet-gateway" as const, location: loc(igw.origin) };
    if (!igw.attachedVpcIds.includes(ctx.vpc.id)) {
      walk.drop(
        { ...hop, detail: `${igw.id} is not attached to ${ctx.vpc.id}`, ...this.rule(() => `not attached to ${ctx.vpc.id}`) },
        "BAD_STATE_ATTACHMENT",
        `internet gateway ${igw.id} is not attached to ${ctx.vpc.id}`,
        `Attach ${igw.id} to ${ctx.vpc.id} with an AWS::EC2::VPCGatewayAttachment.`,
      );
      return;
    }
    if (this.onlyPublic(walk, ctx, hop)) return;
    if (source.kind === "lambda" && ctx.family === 6) {
      if (this.blockedByBlockPublicAccess(walk, ctx, hop, ctx.subnet, "public-address")) return;
      walk.deliver({ ...hop, detail: `${igw.id} forwards IPv6 to the internet from the function's own address (no NAT)` });
      return;
    }
    if (source.kind === "lambda" && ctx.host) {
      this.managedInstanceEgress(walk, ctx, ctx.host, hop);
      return;
    }
    if (source.kind === "lambda") {
      walk.drop(
        {
          ...hop,
          detail: `${igw.id} drops packets from ${ctx.subnet.id}: a Lambda ENI has no public IPv4 address`,
          ...this.rule(() => "source has no public IPv4 address"),
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
          ...this.rule(() => "source has no public IPv4 address"),
        },
        "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
        `${source.via} reaches internet gateway ${igw.id} without a public IPv4 address (${source.why})`,
        source.fix,
      );
      return;
    }
    const user = this.model.natGateway(source.egress.via) ? "nat-gateway" : "public-address";
    if (this.blockedByBlockPublicAccess(walk, ctx, hop, egressSubnet ?? null, user)) return;
    walk.deliver(
      {
        ...hop,
        detail: `${igw.id} forwards to the internet from ${source.egress.eip ?? source.egress.publicIp ?? "a public IP"}`,
        ...this.rule(() => `out from ${source.egress.publicIp ?? source.egress.eip ?? "the public IP assigned at launch"}`),
      },
      source.egress,
    );
  }

  /**
   * Lambda Managed Instances in a subnet routed straight to an internet gateway: unlike a
   * Hyperplane ENI, an EC2 instance with a public IPv4 address goes through the gateway's 1:1 NAT
   * (lambda-managed-instances-networking.html: "Ensure resources have public IPv4 addresses").
   */
  private managedInstanceEgress(walk: Walk, ctx: Ctx, host: ManagedInstancesHost, hop: Omit<Hop, "action" | "detail">): void {
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
    if (this.blockedByBlockPublicAccess(walk, ctx, hop, ctx.subnet, "public-address")) return;
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
  private onlyPublic(walk: Walk, ctx: Ctx, hop: Omit<Hop, "action" | "detail">): boolean {
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
  private blockedByBlockPublicAccess(
    walk: Walk,
    ctx: Ctx,
    hop: Omit<Hop, "action" | "detail">,
    subnet: Subnet | null,
    user: GatewayUser,
  ): boolean {
    const v = blockPublicAccess(this.model, ctx.vpc.id, subnet, user);
    if (v.kind === "allowed") return false;
    const at = { ...hop, detail: v.reason, location: v.location };
    if (v.kind === "blocked") walk.drop(at, "VPC_BLOCK_PUBLIC_ACCESS_ENABLED", v.reason, v.fix);
    else walk.unknown(at, "UNKNOWN_RESOURCE", v.reason);
    return true;
  }

  private egressOnlyGateway(walk: Walk, ctx: Ctx, ref: EntityRef): void {
    const eigw = this.model.get("egress-only-internet-gateway", ref);
    if (!eigw) {
      this.missing(walk, ref, "egress-only internet gateway", "egress-only-internet-gateway");
      return;
    }
    walk.touch(eigw.origin, eigw.id);
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
    if (this.onlyPublic(walk, ctx, hop)) return;
    if (this.blockedByBlockPublicAccess(walk, ctx, hop, ctx.subnet, "egress-only-gateway")) return;
    walk.deliver({ ...hop, detail: `${eigw.id} forwards IPv6 to the internet from the function's own address (outbound only)` });
  }

  /** The security groups of an interface endpoint's ENIs: the VPC's default group when none is named. */
  private endpointGroups(ep: VpcEndpoint, vpc: Vpc): readonly EntityRef[] | Unknown {
    const sgs = ep.securityGroupIds;
    if (isUnknown(sgs)) return sgs;
    return sgs.length > 0 ? sgs : [vpc.defaultSecurityGroupId];
  }

  /**
   * An interface endpoint's ENIs, one per subnet: both subnets' network ACLs (when the endpoint
   * sits in another subnet than the function) and the ENIs' security groups, which must admit
   * the service port from the function.
   */
  private interfaceEndpoint(walk: Walk, ctx: Ctx, ep: VpcEndpoint, subnets: readonly Subnet[]): void {
    walk.touch(ep.origin, ep.id);
    const groupRefs = this.endpointGroups(ep, ctx.vpc);
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
        this.nacl(branch, ctx, s, false, { addr: fnView, port: "class" }, "inbound traffic from the function's subnet to the endpoint");
        this.nacl(
          branch,
          ctx,
          s,
          true,
          { addr: fnView, port: LAMBDA_EPHEMERAL_PORTS },
          "outbound reply from the endpoint to the function's subnet",
        );
      }
      const sgs = this.securityGroupsOf(branch, groupRefs, ep.id);
      if (!sgs) continue;
      const names = sgs.map((g) => g.id).join(", ");
      branch.filter(
        { component: names, kind: "security-group", detail: `ingress of ${names} (endpoint ${ep.id})`, location: loc(sgs[0]?.origin) },
        this.sgEval(
          branch.all,
          sgs.flatMap((g) => g.ingress),
          { addr: fnView, port: "class" },
          ctx,
        ),
        "ENI_SG_RULES_MISMATCH",
        () => [
          `the security group of endpoint ${ep.id} (${names}) does not admit tcp ${ctx.dest.port} from the function`,
          `Allow tcp ${ctx.dest.port} in the ingress of ${sgs[0]?.id} from the function's security group (${ctx.fnSgs.map(String).join(", ")}) or its subnets' CIDRs.`,
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

  private natGateway(walk: Walk, ctx: Ctx, nat: NatGateway): void {
    walk.touch(nat.origin, nat.id);
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
        ...this.rule(() => natRule(egress)),
      });
      const igws = this.model.internetGatewaysOf(ctx.vpc.id);
      const igw = igws[0];
      if (!igw) {
        walk.drop(
          { ...hop, detail: `no internet gateway is attached to ${ctx.vpc.id}` },
          "NO_ROUTE_TO_DESTINATION",
          `regional NAT gateway ${nat.id} needs an internet gateway attached to ${ctx.vpc.id}`,
        );
        return;
      }
      this.internetGateway(walk, ctx, igw.id, nat.connectivity === "private" ? privateNat(nat) : { kind: "public", egress });
      return;
    }
    const natSubnet = this.model.get("subnet", nat.subnetId);
    if (!natSubnet) {
      const why = `the subnet of NAT gateway ${nat.id} is ${isUnknown(nat.subnetId) ? nat.subnetId.reason : "not defined in this template"}`;
      walk.unknown({ ...hop, detail: why }, "UNKNOWN_RESOURCE", why);
      return;
    }
    walk.touch(natSubnet.origin, natSubnet.id);
    this.natSubnetAcls(walk, ctx, natSubnet, "the NAT", NAT_GATEWAY_EPHEMERAL_PORTS);
    if (walk.isEmpty()) return;
    walk.trace.push({
      ...hop,
      action: "translate",
      ...(this.natToGatewayEndpoint(ctx, natSubnet)
        ? {
            detail: `NAT gateway ${nat.id} in ${natSubnet.id} translates the source to its private address`,
            ...this.rule(() => PRIVATE_NAT_RULE),
          }
        : {
            detail: `NAT gateway ${nat.id} in ${natSubnet.id} translates the source${egress.eip ? ` to ${egress.eip}` : ""}`,
            ...this.rule(() => natRule(egress)),
          }),
    });
    walk.natSource =
      nat.connectivity === "private" ? privateNat(nat) : egress.eip || egress.publicIp ? { kind: "public", egress } : noEip(nat.id);
    this.route(walk, ctx, natSubnet, "nat");
  }

  /**
   * The network ACL of a NAT's subnet on both legs, both ways (ACLs are stateless): in from the
   * function, out to the destination, the reply in to the NAT's port, the reply out to the
   * function. None applies when the NAT shares the function's subnet.
   */
  private natSubnetAcls(walk: Walk, ctx: Ctx, natSubnet: Subnet, who: string, natPorts: PortRange): void {
    if (natSubnet.id === ctx.subnet.id) return;
    const fnView = { range: ctx.fnRange, memberOf: ctx.fnSgs };
    this.nacl(walk, ctx, natSubnet, false, { addr: fnView, port: "class" }, "inbound traffic from the function's subnet");
    this.nacl(walk, ctx, natSubnet, true, { addr: "class", port: "class" }, `outbound traffic from ${who}`);
    this.nacl(walk, ctx, natSubnet, false, { addr: "class", port: natPorts }, `inbound reply to ${who}'s ephemeral port`);
    this.nacl(walk, ctx, natSubnet, true, { addr: fnView, port: LAMBDA_EPHEMERAL_PORTS }, "outbound reply to the function's subnet");
  }

  /**
   * A route to a network interface the template defines: the NAT is whatever instance wears it, forwarding through
   * that interface, so its subnet, security groups, source/destination check and public address (an Elastic IP
   * associated with it) are the interface's own. Which instance wears it: an AWS::EC2::NetworkInterfaceAttachment or
   * an instance that lists it; attached otherwise (a launch template, by hand), the road cannot be proven.
   */
  private natInterface(walk: Walk, ctx: Ctx, eni: NetworkInterface): void {
    const wearer = this.model.instanceOfInterface(eni.id);
    // An instance's own (primary) interface: the instance's properties set it (SourceDestCheck included).
    if (wearer?.networkInterfaceIds.includes(eni.id)) {
      this.natInstance(walk, ctx, wearer);
      return;
    }
    if (!wearer) {
      walk.conditional.push(
        `which instance wears network interface ${eni.id} is not known (no AWS::EC2::NetworkInterfaceAttachment or instance of the template names it; a launch template may)`,
      );
    }
    this.natInstance(walk, ctx, {
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

  private natInstance(walk: Walk, ctx: Ctx, inst: Instance): void {
    walk.touch(inst.origin, inst.id);
    const hop = { component: inst.id, kind: "nat-instance" as const, location: loc(inst.origin) };
    if (inst.sourceDestCheck === true) {
      walk.drop(
        { ...hop, detail: `${inst.id} has source/destination checking on` },
        "ENI_SOURCE_DEST_CHECK_RESTRICTION",
        `NAT instance ${inst.id} has source/destination checking on, so it drops the function's traffic`,
        `Set SourceDestCheck: false on ${inst.id}.`,
      );
      return;
    }
    if (isUnknown(inst.sourceDestCheck)) {
      walk.unknown(
        { ...hop, detail: inst.sourceDestCheck.reason },
        "UNKNOWN_RESOURCE",
        `source/destination check of ${inst.id}: ${inst.sourceDestCheck.reason}`,
      );
      return;
    }
    const instSubnet = this.model.get("subnet", inst.subnetId);
    if (!instSubnet) {
      walk.unknown(
        { ...hop, detail: `the subnet of ${inst.id} is not known` },
        "UNKNOWN_RESOURCE",
        `the subnet of NAT instance ${inst.id} is not defined in this template`,
      );
      return;
    }
    const sgs = this.securityGroupsOf(walk, inst.securityGroupIds, inst.id);
    if (!sgs) return;
    if (sgs.length === 0) {
      const vpcDefault = this.model.securityGroup(ctx.vpc.defaultSecurityGroupId);
      if (vpcDefault) sgs.push(vpcDefault);
    }
    const names = sgs.map((s) => s.id).join(", ");
    const fnView = { range: ctx.fnRange, memberOf: ctx.fnSgs };
    walk.filter(
      {
        component: names,
        kind: "security-group",
        detail: `ingress of ${names} (NAT instance ${inst.id})`,
        ...this.rule(() => "no ingress rule matches"),
        location: loc(sgs[0]?.origin),
      },
      this.sgEval(
        walk.all,
        sgs.flatMap((s) => s.ingress),
        { addr: fnView, port: "class" },
        ctx,
      ),
      "ENI_SG_RULES_MISMATCH",
      () => [
        `the security group of NAT instance ${inst.id} does not admit tcp ${ctx.dest.port} from the function`,
        `Allow tcp ${ctx.dest.port} (or all TCP) from the VPC CIDR or the function's security group in ${sgs[0]?.id}.`,
      ],
    );
    walk.filter(
      {
        component: names,
        kind: "security-group",
        detail: `egress of ${names} (NAT instance ${inst.id})`,
        ...this.rule(() => "no egress rule matches"),
        location: loc(sgs[0]?.origin),
      },
      this.sgEval(
        walk.all,
        sgs.flatMap((s) => s.egress),
        { addr: "class", port: "class" },
        ctx,
      ),
      "ENI_SG_RULES_MISMATCH",
      () => [
        `the security group of NAT instance ${inst.id} does not allow tcp ${ctx.dest.port} out to ${ctx.dest.label}`,
        `Allow tcp ${ctx.dest.port} to 0.0.0.0/0 in the egress of ${sgs[0]?.id}.`,
      ],
    );
    // Linux masquerading keeps the function's source port where it can: Lambda's range.
    this.natSubnetAcls(walk, ctx, instSubnet, "the NAT instance", LAMBDA_EPHEMERAL_PORTS);
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
      ...this.rule(() =>
        this.natToGatewayEndpoint(ctx, instSubnet)
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
            fix: `Associate an Elastic IP with ${inst.id} (AWS::EC2::EIP with InstanceId).`,
          };
    this.route(walk, ctx, instSubnet, "nat");
  }
}

type Source =
  | { readonly kind: "lambda" }
  | { readonly kind: "public"; readonly egress: Egress }
  | { readonly kind: "no-public-ip"; readonly via: string; readonly why: string; readonly fix: string }
  /** A NAT instance whose public address the configuration leaves open: it may or may not have one. */
  | { readonly kind: "unknown-public-ip"; readonly via: string; readonly why: string };

/** Where the destination's name leads (AWS services), else `public`. */
type Road =
  | { readonly kind: "public"; readonly note?: string }
  | { readonly kind: "interface-endpoint"; readonly endpoint: VpcEndpoint; readonly subnets: readonly Subnet[] }
  | { readonly kind: "gateway-endpoint"; readonly endpoint: VpcEndpoint; readonly note?: string }
  | { readonly kind: "unknown"; readonly reason: string; readonly origin?: Origin };

interface Ctx {
  readonly vpc: Vpc;
  readonly subnet: Subnet;
  /** The function's addresses in the destination's family (its subnet's block), or null when not known. */
  readonly fnRange: Cidr | null;
  readonly fnSgs: readonly EntityRef[];
  readonly dest: Destination;
  /** The whole destination class. */
  readonly cls: BoxSet;
  /** Lambda Managed Instances: the function's traffic leaves from EC2 instances. */
  readonly host?: ManagedInstancesHost | undefined;
  readonly family: Family;
  readonly road: Road;
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

function privateNat(nat: NatGateway): Source {
  return {
    kind: "no-public-ip",
    via: nat.id,
    why: "it is a private NAT gateway (ConnectivityType: private)",
    fix: `Use a public NAT gateway (ConnectivityType: public, with an Elastic IP) for internet egress.`,
  };
}

function noEip(id: string): Source {
  return { kind: "no-public-ip", via: id, why: "it has no Elastic IP", fix: `Give ${id} an AllocationId.` };
}

/** A NAT hop's rule in the trace: `source -> NatEipA` (the literal IP when known). */
/** A NAT's translation where the traffic goes on to a gateway endpoint: its public address plays no part. */
const PRIVATE_NAT_RULE = "source -> the NAT's private address";

function natRule(e: Egress, otherwise = "(no known public address)"): string {
  return `source -> ${e.publicIp ?? e.eip ?? otherwise}`;
}

/** A reference as a trace names it: its id, else the literal the configuration gave, else `fallback`. */
function refLabel(ref: EntityRef, fallback: string): string {
  return isUnknown(ref) ? (ref.literal ?? fallback) : ref;
}

function egressOf(via: string, addresses: readonly PublicAddress[]): Egress {
  const a = addresses[0];
  if (!a) return { via, publicIp: null, eip: null };
  if (a.kind === "elastic-ip") return { via, publicIp: a.publicIp, eip: a.eipId };
  if (a.kind === "allocation") return { via, publicIp: a.publicIp, eip: a.allocationId };
  return { via, publicIp: null, eip: null };
}

interface ExpandedRoute {
  readonly cidr: Cidr;
  readonly route: Route;
  /** Tie-break for equal prefixes: static routes beat prefix-list routes. */
  readonly rank: number;
}

/** Why a route's destination is not known (a parameter, a prefix list the template does not define), else null. */
function openDestination(r: Route, model: Model): string | null {
  const d = r.destination;
  if (d.kind === "unknown") return d.reason;
  if (d.kind === "prefix-list" && isUnknown(d.cidrs) && !model.get("prefix-list", d.id))
    return isUnknown(d.id) ? d.id.reason : `prefix list ${d.id} is not defined in this template`;
  return null;
}

function expandRoute(r: Route, model: Model): ExpandedRoute[] {
  const d = r.destination;
  if (d.kind === "cidr") return [{ cidr: d.cidr, route: r, rank: 0 }];
  if (d.kind === "prefix-list") {
    const cidrs = isUnknown(d.cidrs) ? (model.get("prefix-list", d.id)?.cidrs ?? []) : d.cidrs;
    return cidrs.map((cidr) => ({ cidr, route: r, rank: 1 }));
  }
  return [];
}

function targetName(r: Route): string {
  const t = r.target;
  if (t.kind === "local") return "local";
  if (t.kind === "none") return "(no target)";
  return `${t.kind} ${isUnknown(t.id) ? `(${t.id.reason})` : t.id}`;
}

/** True when a rule with this CIDR and port range matches every packet of `set` under `view`. */
function coversAll(set: BoxSet, view: View, cidr: Cidr, ports: PortRange, family: Family): boolean {
  if (cidr.family !== family || cidr.prefix !== 0) return false;
  if (view.port === "class")
    return set.boxes.every((b) => BigInt(ports.from) <= (b[1] as Interval)[0] && (b[1] as Interval)[1] <= BigInt(ports.to));
  return ports.from <= view.port.from && view.port.to <= ports.to;
}

function envBox(view: View, family: Family): Box {
  const a: Interval = view.addr === "class" ? [0n, 0n] : view.addr.range ? cidrIv(view.addr.range) : FULL_ADDR[family];
  const p: Interval = view.port === "class" ? [0n, 0n] : portIv(view.port);
  return [a, p];
}

function withEnv(set: BoxSet, env: Box): BoxSet {
  return new BoxSet(set.boxes.map((b) => [...b, ...env]));
}

/** A rule's match region in (class address, class port, far address, far port). */
function ruleBox(view: View, addr: Interval, port: Interval, full: Interval): Box {
  return [
    view.addr === "class" ? addr : full,
    view.port === "class" ? port : FULL_PORT,
    view.addr === "class" ? full : addr,
    view.port === "class" ? FULL_PORT : port,
  ];
}

/** A network ACL's inbound or outbound entries in evaluation order, sorted once per ACL. */
const SORTED_ENTRIES = new WeakMap<NetworkAcl, { readonly inbound: NetworkAclEntry[]; readonly outbound: NetworkAclEntry[] }>();

function sortedEntries(acl: NetworkAcl, egress: boolean): readonly NetworkAclEntry[] {
  let sorted = SORTED_ENTRIES.get(acl);
  if (!sorted) {
    const byNumber = (a: NetworkAclEntry, b: NetworkAclEntry) => a.ruleNumber - b.ruleNumber;
    sorted = {
      inbound: acl.entries.filter((e) => !e.egress).sort(byNumber),
      outbound: acl.entries.filter((e) => e.egress).sort(byNumber),
    };
    SORTED_ENTRIES.set(acl, sorted);
  }
  return egress ? sorted.outbound : sorted.inbound;
}

function naclEval(
  set: BoxSet,
  acl: NetworkAcl,
  egress: boolean,
  view: View,
  family: Family,
  explain: boolean,
): FilterResult & { entry?: NetworkAcl["entries"][number] } {
  const entries = sortedEntries(acl, egress);
  // Fast path: the first entry that can match TCP allows every packet (e.g. the default ACL).
  for (const e of entries) {
    if (isUnknown(e.cidr) || isUnknown(e.protocol) || isUnknown(e.ports)) break;
    if (e.cidr.family !== family || (e.protocol !== "all" && e.protocol !== PROTOCOL_TCP)) continue;
    if (e.action === "allow" && coversAll(set, view, e.cidr, e.ports, family))
      return {
        allowed: set,
        uncertain: BoxSet.EMPTY,
        note: "",
        ...(explain ? { rule: { text: naclRuleText(e), origin: e.origin } } : {}),
      };
    break;
  }
  const env = envBox(view, family);
  const full = FULL_ADDR[family];
  let remaining = withEnv(set, env);
  let allowed = BoxSet.EMPTY;
  let uncertain = BoxSet.EMPTY;
  let note = "";
  let blocking: { entry: NetworkAcl["entries"][number]; size: bigint } | undefined;
  let first: NetworkAcl["entries"][number] | undefined;
  for (const e of entries) {
    if (remaining.isEmpty()) break;
    if (isUnknown(e.cidr) || isUnknown(e.protocol) || isUnknown(e.ports)) {
      uncertain = uncertain.union(remaining);
      remaining = BoxSet.EMPTY;
      note = `rule ${e.ruleNumber} is not known (${[e.cidr, e.protocol, e.ports].find(isUnknown)?.reason})`;
      break;
    }
    if (e.cidr.family !== family) continue;
    if (e.protocol !== "all" && e.protocol !== PROTOCOL_TCP) continue;
    const box = ruleBox(view, cidrIv(e.cidr), portIv(e.ports), full);
    const matched = remaining.intersect(box);
    if (matched.isEmpty()) continue;
    if (e.action === "allow") {
      first ??= e;
      allowed = allowed.union(matched);
    } else {
      const size = matched.size();
      if (!blocking || size > blocking.size) blocking = { entry: e, size };
    }
    remaining = remaining.subtract(box);
  }
  // With the function's subnet CIDR unknown, what is not allowed for every address is open.
  const fuzzy = view.addr !== "class" && view.addr.range === null;
  const allowed2 = forAll(set, env, allowed);
  const undecided = forAll(set, env, allowed.union(uncertain)).subtract(allowed2);
  return {
    allowed: allowed2,
    uncertain: fuzzy ? set.subtract(allowed2) : undecided,
    note,
    ...(blocking ? { entry: blocking.entry } : {}),
    ...(first && explain ? { rule: { text: naclRuleText(first), origin: first.origin } } : {}),
  };
}

function describeView(view: View, walk: Walk, family: Family): string {
  const port = view.port === "class" ? `tcp ${walk.all.boxes[0]?.[1]?.[0] ?? ""}` : `tcp ${view.port.from}-${view.port.to}`;
  const addr = view.addr === "class" ? ANY[family] : (view.addr.range?.text ?? "the function's subnet");
  return `${port} ${view.addr === "class" ? "for" : "with"} ${addr}`;
}

function unknownResult(dest: Destination, code: Code, reason: string, origin?: Origin): ReachResult {
  return { to: dest.label, verdict: "unknown", code, reason, egress: [], trace: [], ...(origin ? { location: loc(origin) } : {}) };
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

function reachableReason(egress: readonly Egress[], road: Road, main: Outcome | undefined): string {
  const through = egress.length > 0 ? `through ${egress.map((e) => e.via).join(", ")}` : "";
  if (road.kind === "interface-endpoint") return `through interface endpoint ${road.endpoint.id} (private DNS)`;
  if (road.kind === "gateway-endpoint") return `through gateway endpoint ${road.endpoint.id}`;
  if (through) return road.kind === "public" && road.note ? `${through} (${road.note})` : through;
  return main?.reason ?? "delivered";
}

function summarize(dest: Destination, cls: BoxSet, outcomes: Outcome[], road: Road): ReachResult {
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
    };
  };
  // An AWS service's public (or gateway-endpoint) addresses are some of the public ones, which
  // we do not know one by one: when only part of the class is dropped, the service may lie
  // wholly in the part that gets through.
  if (dropped.length > 0 && delivered.length > 0 && dest.kind === "service" && road.kind !== "interface-endpoint") {
    const r = pick(dropped, "unknown");
    return { ...r, reason: `${r.reason}; whether ${dest.service}'s addresses lie in the blocked part is not known` };
  }
  if (dropped.length > 0) return pick(dropped, "unreachable");
  if (uncertain.length > 0) return pick(uncertain, "unknown");
  const main = largest(delivered);
  return {
    to: dest.label,
    verdict: "reachable",
    reason: reachableReason(egress, road, main),
    egress,
    trace: main?.trace ?? [],
  };
}

function protocolText(p: SecurityGroupRule["protocol"]): string {
  if (isUnknown(p)) return "(unknown protocol)";
  return p === "all" ? "all" : p === PROTOCOL_TCP ? "tcp" : `protocol ${p}`;
}

function portsText(p: PortRange | Unknown, protocol: SecurityGroupRule["protocol"]): string {
  if (protocol === "all") return "";
  if (isUnknown(p)) return " (unknown ports)";
  return p.from === p.to ? ` ${p.from}` : ` ${p.from}-${p.to}`;
}

/** A security group rule as the trace shows it: `egress tcp 443 to 0.0.0.0/0`. */
function sgRuleText(rule: SecurityGroupRule, view: View): string {
  const peer = rule.peer;
  const who =
    peer.kind === "cidr"
      ? peer.cidr.text
      : peer.kind === "unknown"
        ? `(${peer.reason})`
        : `${peer.kind} ${isUnknown(peer.id) ? (peer.id.literal ?? "(unknown)") : peer.id}`;
  const dir = view.addr === "class" ? "egress" : "ingress";
  return `${dir} ${protocolText(rule.protocol)}${portsText(rule.ports, rule.protocol)} ${dir === "egress" ? "to" : "from"} ${who}`;
}

/** A network ACL entry as the trace shows it: `outbound rule 100 allow tcp 443 0.0.0.0/0`. */
function naclRuleText(e: NetworkAcl["entries"][number]): string {
  const cidr = isUnknown(e.cidr) ? "(unknown CIDR)" : e.cidr.text;
  return `${e.egress ? "outbound" : "inbound"} rule ${e.ruleNumber} ${e.action} ${protocolText(e.protocol)}${portsText(e.ports, e.protocol)} ${cidr}`;
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
function combineWorlds(worlds: readonly { absent: readonly string[]; result: ReachResult }[], open: readonly string[]): ReachResult {
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
  for (const special of SPECIAL_BLOCKS) {
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

const SPECIAL_BLOCKS = SPECIAL_DESTINATIONS.map((s) => ({ ...s, cidrs: s.cidrs.map(mustParseCidr) }));
