// Route tables on the road: the function subnet's table, then the NAT's subnet's table. Explicit
// association else the main table; longest prefix first, static routes before prefix-list routes;
// a route whose destination is not known is walked both ways. Where each route leads is the
// walk's business (reach.ts): `onward` follows it.
import { memoize } from "../../memo.ts";
import type { Model } from "../../model/model.ts";
import type { EntityRef, Route, RouteTable, Subnet } from "../../model/types.ts";
import type { FixAction } from "../fixes.ts";
import { isUnknown } from "../../model/types.ts";
import { BoxSet } from "../../net/box-set.ts";
import type { Cidr, Family } from "../../net/ip.ts";
import { routePrecedence } from "../aws-defaults.ts";
import { gatewayEndpointOn } from "./endpoints.ts";
import type { Ctx, Engine, Hop, Outcome } from "./walk.ts";
import { ANY, cidrIv, describeSet, FULL_PORT, loc, missing, refLabel, ruleOf, Walk } from "./walk.ts";
import { resourceTerm } from "../../aws/resource-terms.ts";

/** Whether the traffic is the function's own (its subnet's table) or a NAT's (the NAT's subnet's table). */
export type RouteRole = "function" | "nat";

/** Follows one route to its target: what the route leads to (see reach.ts). */
export type Onward = (walk: Walk, ctx: Ctx, subnet: Subnet, route: Route, hop: Omit<Hop, "action">, role: RouteRole) => void;

/** Each route table's routes of one address family, longest prefix first, and its routes whose destination is not known (computed once per table). */
export class RouteIndex {
  private readonly model: Model;
  private readonly sortedRoutes = memoize((_rt: RouteTable): Partial<Record<Family, readonly ExpandedRoute[]>> => ({}));
  private readonly openRoutes = memoize((rt: RouteTable): readonly Route[] =>
    rt.routes.filter((r) => openDestination(r, this.model) !== null),
  );
  constructor(model: Model) {
    this.model = model;
  }

  sorted(rt: RouteTable, family: Family): readonly ExpandedRoute[] {
    return (this.sortedRoutes(rt)[family] ??= rt.routes
      .flatMap((r) => expandRoute(r, this.model))
      .filter((x) => x.cidr.family === family)
      .sort((a, b) => b.cidr.prefix - a.cidr.prefix || a.rank - b.rank));
  }

  /** The routes of a table whose destination is not known. */
  open(rt: RouteTable): readonly Route[] {
    return this.openRoutes(rt);
  }
}

/** The route index of a model, one a model: the analysis and the rules' questions sort each table once. */
export const routeIndexOf = memoize((model: Model) => new RouteIndex(model));

/** The route table of `subnet`, longest prefix first, then each target. */
export function route(eng: Engine, walk: Walk, ctx: Ctx, subnet: Subnet, role: RouteRole, onward: Onward): void {
  if (walk.isEmpty()) return;
  const rt = eng.model.routeTableFor(subnet);
  if (!rt) {
    missing(walk, subnet.routeTableId, "route table", "route-table", refLabel(subnet.routeTableId, subnet.id));
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
        ? gatewayEndpointOn(eng, rt, ctx.vpc.id, ctx.dest.service)
        : undefined;
  if (gateway) {
    // The endpoint's prefix-list route covers exactly the service's addresses and is more
    // specific than any default route; a static route inside those addresses is not knowable here.
    const ep = gateway;
    walk.touch(ep.origin, ep.id);
    walk.steps.push(
      { kind: "route", role, subnet: subnet.id, routeTable: rt.id, cidr: null, target: { kind: "vpc-endpoint", id: ep.id } },
      { kind: "vpc-endpoint", id: ep.id, type: "Gateway" },
    );
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
  const open = eng.routes.open(rt);
  if (open.length > 1) {
    const why = `${rtName} has ${open.length} routes whose destinations are not known (${openDestination(open[0] as Route, eng.model)}, ...); any of them may be the longest match for ${ctx.dest.label}`;
    walk.unknown({ component: rt.id, kind: "route-table", detail: why, location: loc(open[0]?.origin) }, "UNKNOWN_RESOURCE", why);
    return;
  }
  if (open[0]) {
    routeEitherWay(eng, walk, ctx, subnet, rt, rtName, open[0], role, onward);
    return;
  }
  routeKnown(eng, walk, ctx, subnet, rt, rtName, role, onward);
}

/**
 * A table with one route whose destination is not known: each packet either takes that route (it is the longest
 * match) or the known routes decide. Both ways are walked; where they agree (dropped both ways, delivered both
 * ways) that is the packet's fate, elsewhere it is unknown.
 */
export function routeEitherWay(
  eng: Engine,
  walk: Walk,
  ctx: Ctx,
  subnet: Subnet,
  rt: RouteTable,
  rtName: string,
  open: Route,
  role: RouteRole,
  onward: Onward,
): void {
  const all = walk.all;
  const known: Outcome[] = [];
  const taken: Outcome[] = [];
  routeKnown(
    eng,
    new Walk(walk.alive, walk.maybe, [...walk.trace], known, [...walk.conditional], walk),
    ctx,
    subnet,
    rt,
    rtName,
    role,
    onward,
  );
  const why = openDestination(open, eng.model) ?? "";
  const hop = {
    component: rt.id,
    kind: "route-table" as const,
    detail: `${rtName} of ${subnet.id}: route (destination not known: ${why}) -> ${targetName(open)}`,
    ...ruleOf(eng, () => `(not known) -> ${targetName(open)}`),
    location: loc(open.origin),
  };
  const takenWalk = new Walk(walk.alive, walk.maybe, [...walk.trace], taken, [...walk.conditional], walk);
  takenWalk.touch(open.origin, "the route whose destination is not known");
  takenWalk.steps.push({ kind: "route", role, subnet: subnet.id, routeTable: rt.id, cidr: null, target: open.target });
  follow(takenWalk, ctx, subnet, open, hop, role, onward);
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
      steps: [...walk.steps],
      // The road either way, for what depends on it (rules): undecided, whichever way it ended.
      ways: [...known, ...taken].flatMap((o) => {
        const set = o.set.intersect(undecided);
        return set.isEmpty() ? [] : [{ end: "uncertain" as const, set, steps: o.steps ?? [] }];
      }),
      code: "UNKNOWN_RESOURCE",
      reason,
      location: loc(open.origin),
    });
  }
  walk.alive = BoxSet.EMPTY;
  walk.maybe = BoxSet.EMPTY;
}

/** Longest prefix first among the routes whose destinations are known, then each target. */
export function routeKnown(
  eng: Engine,
  walk: Walk,
  ctx: Ctx,
  subnet: Subnet,
  rt: RouteTable,
  rtName: string,
  role: RouteRole,
  onward: Onward,
): void {
  const routes = eng.routes.sorted(rt, ctx.family);
  let rest = walk.all;
  for (const { cidr, route } of routes) {
    if (rest.isEmpty()) break;
    const part = rest.intersect([cidrIv(cidr), FULL_PORT]);
    if (part.isEmpty()) continue;
    rest = rest.subtract([cidrIv(cidr), FULL_PORT]);
    const branch = walk.fork(part);
    branch.touch(route.origin, `the route to ${cidr.text}`);
    branch.steps.push({ kind: "route", role, subnet: subnet.id, routeTable: rt.id, cidr, target: route.target });
    const hop = {
      component: rt.id,
      kind: "route-table" as const,
      detail: `${rtName} of ${subnet.id}: route ${cidr.text} -> ${targetName(route)}`,
      ...ruleOf(eng, () => `${cidr.text} -> ${targetName(route)}`),
      location: loc(route.origin),
    };
    follow(branch, ctx, subnet, route, hop, role, onward);
  }
  if (!rest.isEmpty()) {
    const branch = walk.fork(rest);
    branch.drop(
      {
        component: rt.id,
        kind: "route-table",
        detail: `${rtName} of ${subnet.id} has no route for ${describeSet(rest, ctx.dest, ctx.cls)}`,
        ...ruleOf(eng, () => "no route matches"),
        location: loc(rt.origin),
      },
      "NO_ROUTE_TO_DESTINATION",
      `${rtName} (used by ${subnet.id}) has no route to ${ctx.dest.label}`,
      ...missingRoute(eng, ctx, subnet, rt, role),
    );
  }
  walk.alive = BoxSet.EMPTY;
  walk.maybe = BoxSet.EMPTY;
}

/**
 * The fix for a table with no route for the destination: its text, and its structured form where one target is
 * right and adding the route breaks no other road. A NAT gateway for the function's table: public, in a subnet
 * routed to an internet gateway by another table, preferably in the function's AZ; never when a NAT sits in a
 * subnet of this table (its own traffic would loop). An internet gateway for a NAT's table: never when the
 * function's subnet shares it (the function would then go straight to the gateway). The main route table, shared
 * by every subnet without an association, gets advice only.
 */
function missingRoute(
  eng: Engine,
  ctx: Ctx,
  subnet: Subnet,
  rt: RouteTable,
  role: RouteRole,
): [fix: string, action?: Extract<FixAction, { kind: "add-route" }>] {
  const any = ANY[ctx.family];
  if (role === "function" && rt.isMain)
    return [
      `Associate ${subnet.id} (${resourceTerm("subnet-route-table-association", subnet.origin.source)}) with a route table that sends ${any} to ${ctx.family === 6 ? "an egress-only internet gateway" : "a NAT gateway in a public subnet"}; it now uses the VPC's main route table.`,
    ];
  const model = eng.model;
  const tableOf = (ref: EntityRef | null): RouteTable | undefined => {
    const s = model.get("subnet", ref);
    return s ? model.routeTableFor(s) : undefined;
  };
  const add = (id: string, kind: "internet-gateway" | "egress-only-internet-gateway" | "nat-gateway") =>
    ({ kind: "add-route", routeTable: rt.id, destination: any, target: { kind, id } }) as const;
  if (role === "nat") {
    const igw = model.internetGatewaysOf(ctx.vpc.id)[0];
    const text = `Add a route 0.0.0.0/0 to an attached internet gateway to ${rt.id}, the NAT's subnet's table.`;
    return igw && model.routeTableFor(ctx.subnet) !== rt ? [text, add(igw.id, "internet-gateway")] : [text];
  }
  if (ctx.family === 6) {
    const eigw = model.all("egress-only-internet-gateway").find((g) => g.vpcId === ctx.vpc.id);
    const text = `Add a route ::/0 to an egress-only internet gateway (or an internet gateway) to ${rt.id}.`;
    return eigw ? [text, add(eigw.id, "egress-only-internet-gateway")] : [text];
  }
  const text = `Add a route 0.0.0.0/0 to a NAT gateway (in a public subnet) to ${rt.id}.`;
  const nats = [...model.all("nat-gateway"), ...model.all("instance")];
  if (nats.some((n) => tableOf(n.subnetId) === rt)) return [text];
  const routedToIgw = (table: RouteTable | undefined) =>
    table !== undefined &&
    table !== rt &&
    table.routes.some(
      (r) => r.destination.kind === "cidr" && r.destination.cidr.text === "0.0.0.0/0" && r.target.kind === "internet-gateway",
    );
  const candidates = model
    .all("nat-gateway")
    .filter((n) => n.vpcId === ctx.vpc.id && n.connectivity === "public" && n.availability === "zonal" && routedToIgw(tableOf(n.subnetId)));
  const sameAz = candidates.find((n) => model.get("subnet", n.subnetId)?.az === subnet.az);
  const nat = sameAz ?? candidates[0];
  if (!nat) return [text];
  return [
    `Add a route 0.0.0.0/0 to NAT gateway ${nat.id} (in public subnet ${String(nat.subnetId)}) to ${rt.id}.`,
    add(nat.id, "nat-gateway"),
  ];
}

/** A route's target: a blackhole route (or one without a target) drops, with no fall-through; else `onward` follows it. */
function follow(walk: Walk, ctx: Ctx, subnet: Subnet, route: Route, hop: Omit<Hop, "action">, role: RouteRole, onward: Onward): void {
  if (route.state === "blackhole" || route.target.kind === "none") {
    walk.drop(hop, "BAD_STATE_ROUTE", `the route to ${ctx.dest.label} in ${hop.component} is a blackhole`);
    return;
  }
  onward(walk, ctx, subnet, route, hop, role);
}

export interface ExpandedRoute {
  readonly cidr: Cidr;
  readonly route: Route;
  /** Tie-break for equal prefixes (see routePrecedence): static routes beat prefix-list routes. */
  readonly rank: number;
}

/** Why a route's destination is not known (a parameter, a prefix list the template does not define), else null. */
export function openDestination(r: Route, model: Model): string | null {
  const d = r.destination;
  if (d.kind === "unknown") return d.reason;
  if (d.kind === "prefix-list" && isUnknown(d.cidrs) && !model.get("prefix-list", d.id))
    return isUnknown(d.id) ? d.id.reason : `prefix list ${d.id} is not defined in this template`;
  return null;
}

export function expandRoute(r: Route, model: Model): ExpandedRoute[] {
  const d = r.destination;
  if (d.kind === "cidr") return [{ cidr: d.cidr, route: r, rank: routePrecedence(d) }];
  if (d.kind === "prefix-list") {
    const cidrs = isUnknown(d.cidrs) ? (model.get("prefix-list", d.id)?.cidrs ?? []) : d.cidrs;
    return cidrs.map((cidr) => ({ cidr, route: r, rank: routePrecedence(d) }));
  }
  return [];
}

export function targetName(r: Route): string {
  const t = r.target;
  if (t.kind === "local") return "local";
  if (t.kind === "none") return "(no target)";
  return `${t.kind} ${isUnknown(t.id) ? `(${t.id.reason})` : t.id}`;
}
