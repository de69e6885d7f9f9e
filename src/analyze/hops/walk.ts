// The walk's machinery, shared by every hop: the packets still travelling (a Walk), the hops of the
// trace, the outcomes a walk ends in, and what each hop knows of the road (Ctx). Pure.
import type { Code } from "../../aws/codes.ts";
import { CODES } from "../../aws/codes.ts";
import { PROTOCOL_TCP } from "../../aws/facts.ts";
import type { Model } from "../../model/model.ts";
import type {
  EntityRef,
  Location,
  Origin,
  PortRange,
  RouteTarget,
  SecurityGroupRule,
  Subnet,
  Unknown,
  Vpc,
  VpcEndpoint,
  VpcResource,
} from "../../model/types.ts";
import { isUnknown, locationOf } from "../../model/types.ts";
import type { Box, Interval } from "../../net/box-set.ts";
import { BoxSet } from "../../net/box-set.ts";
import type { Cidr, Family } from "../../net/ip.ts";
import { formatAddress, MAX_ADDRESS } from "../../net/ip.ts";
import type { Destination } from "../destination.ts";
import type { FixAction } from "../fixes.ts";
import type { ResourceTarget } from "./resources.ts";
import type { RouteIndex } from "./routes.ts";

/** What every hop reads: the frozen model, whether to name each hop's rule (trace), the route index. */
export interface Engine {
  readonly model: Model;
  /** Name the rule that decided each hop (`Hop.rule`) and point at it; for `trace`. */
  readonly explain: boolean;
  readonly routes: RouteIndex;
}

const NO_RULE: { readonly rule?: string } = Object.freeze({});

/** `{ rule }` for a hop when explaining; nothing (and no string built) otherwise. */
export function ruleOf(eng: Engine, text: () => string): { readonly rule?: string } {
  return eng.explain ? { rule: text() } : NO_RULE;
}

export type Verdict = "reachable" | "unreachable" | "unknown";

/**
 * One hop of the road as data, for rules and programs (the trace says the same in words, for people): a route of a
 * subnet's table (the function's own, or a NAT's), and each gateway, NAT or endpoint the packets go through.
 */
export type Step =
  | {
      readonly kind: "route";
      /** Whose traffic: the function's (its subnet's table) or a NAT's (the NAT's subnet's table). */
      readonly role: "function" | "nat";
      readonly subnet: string;
      readonly routeTable: string;
      /** The block of the route that matched (longest prefix), or null when not known (a parameter) or a gateway endpoint's prefix list. */
      readonly cidr: Cidr | null;
      readonly target: RouteTarget;
    }
  | { readonly kind: "nat-gateway"; readonly id: string }
  | { readonly kind: "nat-instance"; readonly id: string }
  | { readonly kind: "internet-gateway"; readonly id: string }
  | { readonly kind: "egress-only-internet-gateway"; readonly id: string }
  | { readonly kind: "vpc-endpoint"; readonly id: string; readonly type: "Interface" | "Gateway" };

/** One branch of a walk: the packets of the class that took it, its steps, and how it ended. */
export interface Path {
  readonly end: "delivered" | "dropped" | "uncertain";
  readonly set: BoxSet;
  readonly steps: readonly Step[];
}

/**
 * What a verdict rests on, as data (not part of the JSON report: it is keyed by a symbol, which JSON leaves out). Rules
 * read these, never the trace's words or a route's exact prefix.
 */
export interface ReachFacts {
  /** The destination, parsed: `internet:443` and `internet` are both `{ kind: "internet", family: 4, port: 443 }`. */
  readonly destination: Destination;
  /**
   * Every branch of the road. For an unreachable verdict, the walk that assumes each blocker fixed (see `blockers`):
   * its paths go as far as the road leads, and those ending `dropped` are the blockers.
   */
  readonly paths: readonly Path[];
}

/** The key of a ReachResult's facts (see ReachFacts). */
export const FACTS: unique symbol = Symbol("lambda-egress.reach-facts");

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
  /**
   * Unreachable only: every blocking hop on the road, the verdict's own first, then each one met
   * further on by a walk that assumes the earlier ones fixed (where the road can be followed).
   */
  readonly blockers?: readonly Blocker[];
  /** What the verdict rests on, as data; set on every result the analysis computes. */
  readonly [FACTS]?: ReachFacts;
}

/** One hop that blocks the road, with its fix. */
export interface Blocker {
  readonly code: Code;
  readonly component: string;
  readonly kind: Hop["kind"];
  readonly reason: string;
  readonly fix?: string;
  /** The fix in a form a program can apply (see fixes.ts); absent when the fix is advice only. */
  readonly action?: FixAction;
  readonly location?: Location;
}

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
    | "resource"
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

/** The EC2 instances of a capacity provider in one subnet (see managed-instances.ts). */
export interface ManagedInstancesHost {
  readonly capacityProvider: string;
  /** Whether the instances get a public IPv4 address in this subnet. */
  readonly publicIp: boolean | Unknown;
  /** Why, in a few words (e.g. "MapPublicIpOnLaunch is true"). */
  readonly publicIpWhy: string;
}

export const FULL_ADDR: Record<Family, Interval> = { 4: [0n, MAX_ADDRESS[4]], 6: [0n, MAX_ADDRESS[6]] };
export const FULL_PORT: Interval = [0n, 65535n];
export const ANY: Record<Family, string> = { 4: "0.0.0.0/0", 6: "::/0" };
export const portIv = (p: PortRange): Interval => [BigInt(p.from), BigInt(p.to)];
export const cidrIv = (c: Cidr): Interval => [c.start, c.end];

export function loc(o: Origin | undefined): Location | undefined {
  return o ? locationOf(o) : undefined;
}

/** The destination, or the part of it a set covers when that is not all of it. */
export function describeSet(s: BoxSet, d: Destination, whole: BoxSet): string {
  if (d.kind !== "internet" || s.covers(whole)) return d.label;
  const addrs = s.project(1).boxes.map((b) => b[0] as Interval);
  const f = d.family;
  const shown = addrs.slice(0, 3).map(([lo, hi]) => (lo === hi ? formatAddress(f, lo) : `${formatAddress(f, lo)}-${formatAddress(f, hi)}`));
  return `${d.label} (${shown.join(", ")}${addrs.length > 3 ? ", ..." : ""})`;
}

/** How a filter's address and port fields map onto a packet. */
export interface View {
  /** The rule's CIDR/peer matches the destination class address ("class"), or a fixed range (the far side). */
  readonly addr: "class" | { readonly range: Cidr | null; readonly memberOf?: readonly EntityRef[] };
  /** The rule's port range matches the class port ("class"), or a fixed range (ephemeral ports). */
  readonly port: "class" | PortRange;
}

export interface FilterResult {
  readonly allowed: BoxSet;
  readonly uncertain: BoxSet;
  readonly note: string;
  /** The rule that allowed the traffic (the first that matched); only when explaining (trace). */
  readonly rule?: { readonly text: string; readonly origin: Origin };
}

export interface Outcome {
  readonly kind: "delivered" | "dropped" | "uncertain";
  readonly set: BoxSet;
  readonly trace: readonly Hop[];
  readonly code?: Code;
  readonly reason: string;
  readonly fix?: string;
  readonly action?: FixAction;
  readonly location?: Location;
  readonly egress?: Egress;
  /** The road's steps up to where the outcome was decided. */
  readonly steps?: readonly Step[];
  /** Where the road forks on something not known (a route's destination): each way's path, in place of `steps`. */
  readonly ways?: readonly Path[];
}

export class Walk {
  /** Packets that pass every hop so far. */
  alive: BoxSet;
  /** Packets whose fate at some earlier hop is not known; later hops may still drop them for sure. */
  maybe: BoxSet;
  maybeWhy: { reason: string; location?: Location; trace: readonly Hop[]; steps: readonly Step[] } | undefined;
  readonly trace: Hop[];
  /** The road so far, as data (see Step); copied from `from`. */
  readonly steps: Step[];
  readonly outcomes: Outcome[];
  /** Components on this path that exist only under an unresolved condition. */
  readonly conditional: string[];
  /** After a NAT: the address the packets carry towards an internet gateway. */
  natSource: Source | undefined;
  /** Name the rule of each hop (`trace`); off for `check`, which does not show them. */
  readonly explain: boolean;
  /**
   * Assume each blocker fixed: record it and carry on where the road can be followed, to name every further
   * blocker (see ReachResult.blockers). Only for a road already known to be unreachable.
   */
  readonly assumeFixed: boolean;
  constructor(
    alive: BoxSet,
    maybe: BoxSet,
    trace: Hop[],
    outcomes: Outcome[],
    conditional: string[],
    from?: Walk,
    explain = false,
    assumeFixed = false,
  ) {
    this.alive = alive;
    this.explain = from?.explain ?? explain;
    this.assumeFixed = from?.assumeFixed ?? assumeFixed;
    this.maybe = maybe;
    this.trace = trace;
    this.steps = from ? [...from.steps] : [];
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
  filter(
    hop: Omit<Hop, "action">,
    r0: FilterResult,
    code: Code,
    whyDropped: () => readonly [reason: string, fix: string, action?: FixAction],
  ): void {
    const all = this.all;
    const r = this.assumeFixed ? { ...r0, allowed: r0.allowed.union(all.subtract(r0.allowed).subtract(r0.uncertain)) } : r0;
    const dropped = all.subtract(r0.allowed).subtract(r0.uncertain);
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
      const [reason, fix, fixAction] = whyDropped();
      this.outcomes.push({
        kind: "dropped",
        set: dropped,
        trace: [...this.trace],
        steps: [...this.steps],
        code,
        reason,
        fix,
        ...(fixAction ? { action: fixAction } : {}),
        location: hop.location,
      });
    }
    if (!newlyOpen.isEmpty() && !this.maybeWhy) {
      this.maybeWhy = {
        reason: r.note,
        ...(hop.location ? { location: hop.location } : {}),
        trace: [...this.trace],
        steps: [...this.steps],
      };
    }
    this.maybe = this.maybe.intersect(r.allowed.union(r.uncertain)).union(newlyOpen);
    this.alive = this.alive.intersect(r.allowed);
  }
  /**
   * Drops everything still travelling. `passable`: the hop's fix leaves the rest of the road as it is (a property
   * of the component, not a missing piece), so a walk that assumes blockers fixed carries on past it.
   */
  drop(hop: Omit<Hop, "action">, code: Code, reason: string, fix?: string, action?: FixAction, passable = false): void {
    if (this.isEmpty()) return;
    this.trace.push({ ...hop, action: "drop" });
    this.outcomes.push({
      kind: "dropped",
      set: this.all,
      trace: [...this.trace],
      steps: [...this.steps],
      code,
      reason,
      fix: fix ?? CODES[code].fix,
      ...(action ? { action } : {}),
      location: hop.location,
    });
    if (!(passable && this.assumeFixed)) this.end();
  }
  /** A hop that cannot be evaluated: what reaches it has an unknown fate. */
  unknown(hop: Omit<Hop, "action">, code: Code, reason: string): void {
    if (this.isEmpty()) return;
    this.trace.push({ ...hop, action: "unknown" });
    this.outcomes.push({
      kind: "uncertain",
      set: this.all,
      trace: [...this.trace],
      steps: [...this.steps],
      code,
      reason,
      location: hop.location,
    });
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
        steps: why?.steps ?? [...this.steps],
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
        steps: [...this.steps],
        code: "UNKNOWN_RESOURCE",
        reason: `the path works, but ${this.conditional[0]}`,
        location: hop.location,
      });
    } else {
      this.outcomes.push({
        kind: "delivered",
        set: this.alive,
        trace: [...this.trace],
        steps: [...this.steps],
        reason: hop.detail,
        ...(egress ? { egress } : {}),
      });
    }
    this.end();
  }
}

export type Source =
  | { readonly kind: "lambda" }
  | { readonly kind: "public"; readonly egress: Egress }
  | { readonly kind: "no-public-ip"; readonly via: string; readonly why: string; readonly fix: string }
  /** A NAT instance whose public address the configuration leaves open: it may or may not have one. */
  | { readonly kind: "unknown-public-ip"; readonly via: string; readonly why: string };

/** Where the destination's name leads (AWS services), else `public`. */
export type Road =
  | { readonly kind: "public"; readonly note?: string }
  | { readonly kind: "interface-endpoint"; readonly endpoint: VpcEndpoint; readonly subnets: readonly Subnet[] }
  | { readonly kind: "gateway-endpoint"; readonly endpoint: VpcEndpoint; readonly note?: string }
  /** A resource of the VPC (`resource:ID`): its interfaces the function may meet from this subnet. */
  | { readonly kind: "resource"; readonly resource: VpcResource; readonly targets: readonly ResourceTarget[] }
  | { readonly kind: "unknown"; readonly reason: string; readonly origin?: Origin };

export interface Ctx {
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

/** The CIDR a rule must name to match the whole destination class (any address, or the one address given). */
export function classCidr(ctx: Ctx): string {
  const a = ctx.dest.addresses;
  return (ctx.dest.kind === "address" || ctx.dest.kind === "resource") && a.length === 1 && a[0] ? a[0].text : ANY[ctx.family];
}

/** A reference as a trace names it: its id, else the literal the configuration gave, else `fallback`. */
/**
 * Ends the walk as unknown: `ref` names a part of the road (a gateway, a subnet's route table or network ACL) that is a
 * parameter or outside the template. `component`: the label of the hop, by default the id (`what` when unknown).
 */
export function missing(walk: Walk, ref: EntityRef, what: string, kind: Hop["kind"], component = isUnknown(ref) ? what : ref): void {
  const why = isUnknown(ref) ? ref.reason : `${what} ${ref} is not defined in this template`;
  walk.unknown({ component, kind, detail: why }, "UNKNOWN_RESOURCE", why);
}

export function refLabel(ref: EntityRef, fallback: string): string {
  return isUnknown(ref) ? (ref.literal ?? fallback) : ref;
}

/** True when a rule with this CIDR and port range matches every packet of `set` under `view`. */
export function coversAll(set: BoxSet, view: View, cidr: Cidr, ports: PortRange, family: Family): boolean {
  if (cidr.family !== family || cidr.prefix !== 0) return false;
  if (view.port === "class")
    return set.boxes.every((b) => BigInt(ports.from) <= (b[1] as Interval)[0] && (b[1] as Interval)[1] <= BigInt(ports.to));
  return ports.from <= view.port.from && view.port.to <= ports.to;
}

export function envBox(view: View, family: Family): Box {
  const a: Interval = view.addr === "class" ? [0n, 0n] : view.addr.range ? cidrIv(view.addr.range) : FULL_ADDR[family];
  const p: Interval = view.port === "class" ? [0n, 0n] : portIv(view.port);
  return [a, p];
}

export function withEnv(set: BoxSet, env: Box): BoxSet {
  return new BoxSet(set.boxes.map((b) => [...b, ...env]));
}

/** A rule's match region in (class address, class port, far address, far port). */
export function ruleBox(view: View, addr: Interval, port: Interval, full: Interval): Box {
  return [
    view.addr === "class" ? addr : full,
    view.port === "class" ? port : FULL_PORT,
    view.addr === "class" ? full : addr,
    view.port === "class" ? FULL_PORT : port,
  ];
}

export function protocolText(p: SecurityGroupRule["protocol"]): string {
  if (isUnknown(p)) return "(unknown protocol)";
  return p === "all" ? "all" : p === PROTOCOL_TCP ? "tcp" : `protocol ${p}`;
}

export function portsText(p: PortRange | Unknown, protocol: SecurityGroupRule["protocol"]): string {
  if (protocol === "all") return "";
  if (isUnknown(p)) return " (unknown ports)";
  return p.from === p.to ? ` ${p.from}` : ` ${p.from}-${p.to}`;
}

export function unknownResult(dest: Destination, code: Code, reason: string, origin?: Origin): ReachResult {
  return {
    to: dest.label,
    verdict: "unknown",
    code,
    reason,
    egress: [],
    trace: [],
    ...(origin ? { location: loc(origin) } : {}),
    [FACTS]: { destination: dest, paths: [] },
  };
}

/** The result with its facts: `dest`, and the paths of the outcomes (see ReachFacts). */
export function withFacts(r: ReachResult, dest: Destination, outcomes: readonly Outcome[]): ReachResult {
  const paths = outcomes.flatMap((o): readonly Path[] => o.ways ?? [{ end: o.kind, set: o.set, steps: o.steps ?? [] }]);
  return { ...r, [FACTS]: { destination: dest, paths } };
}
