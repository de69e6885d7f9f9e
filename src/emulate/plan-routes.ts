// The planner's routing step: a VPC router's policy rules and kernel tables (the local table, one table per route
// table its ports use, the regional NAT gateways' tables), added to a PlanBuilder (plan-builder.ts).
import type { RouteTable, RouteTarget } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";
import type { Cidr } from "../net/ip.ts";
import { cidrContains } from "../net/ip.ts";
import { routePrecedence } from "../analyze/aws-defaults.ts";
import { DOCUMENTATION_V6 } from "./address-space.ts";
import type { PlanBuilder, VpcState } from "./plan-builder.ts";
import { planNote, refText, whyUnknown } from "./plan-notes.ts";
import { LINK_LOCAL_GATEWAY } from "./plan-ipv6.ts";

/** How a route table's route leaves the router: through a gateway's veth, or nowhere (a blackhole). */
type RouteVia = { readonly via: string; readonly dev: string; readonly onlink?: boolean } | { readonly blackhole: true };
const BLACKHOLE: RouteVia = { blackhole: true };

/** The router's rules and tables for every port placed in the VPC (run once every port exists). */
export function planRoutes(b: PlanBuilder, st: VpcState): void {
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
    for (const c of st.v6.blocks)
      r.ip6.push(
        { op: "rule-add", pref: 100, to: c.text, table: st.localTable },
        { op: "route-add", blackhole: true, to: c.text, table: st.localTable },
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
    const rt = b.model.routeTableFor(p.subnet);
    if (!rt) {
      const why = isUnknown(p.subnet.routeTableId) ? whyUnknown(p.subnet.routeTableId) : `${p.subnet.routeTableId} is not in the model`;
      b.note(planNote("ROUTE_TABLE_UNKNOWN", { subnet: p.subnet.id, why, what: p.what }));
      continue;
    }
    let table = st.tables.get(rt.id);
    if (table === undefined) {
      table = st.localTable + 1 + st.tables.size;
      st.tables.set(rt.id, table);
      routeTable(b, st, rt, table);
    }
    if (p.address6 !== undefined) r.ip6.push({ op: "rule-add", pref, iif: p.veth, table });
    r.ip.push({ op: "rule-add", pref: pref++, iif: p.veth, table });
  }
}

/** One route table as kernel table `table` of the router: each block's winning route, then the gateway endpoints'. */
export function routeTable(b: PlanBuilder, st: VpcState, rt: RouteTable, table: number): void {
  const r = st.router;
  const done = new Set<string>();
  const add = (cidr: Cidr, route: RouteVia): void => {
    if (done.has(cidr.text)) return;
    done.add(cidr.text);
    (cidr.family === 4 ? r.ip : r.ip6).push({ op: "route-add", to: cidr.text, ...route, table });
  };
  // The winning route of a block first (static before prefix list, see routePrecedence); a stable sort.
  const ordered = [...rt.routes].sort((a, c) => routePrecedence(a.destination) - routePrecedence(c.destination));
  for (const route of ordered) {
    const d = route.destination;
    let cidrs: readonly Cidr[];
    if (d.kind === "cidr") cidrs = [d.cidr];
    else if (d.kind === "prefix-list") {
      const list = isUnknown(d.cidrs) ? b.model.get("prefix-list", d.id)?.cidrs : d.cidrs;
      if (!list) {
        b.note(planNote("ROUTE_PREFIX_LIST_UNKNOWN", { routeTable: rt.id, prefixList: refText(d.id) }));
        continue;
      }
      cidrs = list;
    } else {
      b.note(planNote("ROUTE_DESTINATION_UNKNOWN", { routeTable: rt.id, why: d.reason }));
      continue;
    }
    const t = route.target;
    if (t.kind === "local") continue;
    cidrs = cidrs.filter((c) => c.family === 4 || (st.v6 !== undefined && routable6(b, rt, c)));
    const inside = [...st.cidrs, ...(st.v6?.blocks ?? [])];
    if (t.kind !== "none" && route.state !== "blackhole" && cidrs.some((c) => inside.some((v) => cidrContains(v, c)))) {
      b.note(planNote("ROUTE_INSIDE_VPC", { routeTable: rt.id, cidrs: cidrs.map((c) => c.text), target: t.kind }));
      continue;
    }
    for (const c of cidrs) {
      if (route.state === "blackhole" || t.kind === "none") {
        add(c, BLACKHOLE);
        continue;
      }
      const id = "id" in t ? t.id : null;
      if (c.family === 6) {
        route6(b, st, rt, c, t, add);
        continue;
      }
      if (t.kind === "egress-only-internet-gateway") {
        // AWS takes no IPv4 route to an egress-only internet gateway; the analyzer drops it (CANNOT_ROUTE).
        add(c, BLACKHOLE);
        b.note(planNote("IPV4_ROUTE_TO_EIGW", { routeTable: rt.id, cidr: c.text, eigw: refText(t.id) }));
        continue;
      }
      const via = (() => {
        if (t.kind === "internet-gateway") return st.igw && st.igw.id === id ? { veth: st.igw.veth, address: st.igw.address } : undefined;
        if (t.kind === "nat-gateway" && typeof id === "string") return st.nats.get(id);
        if (t.kind === "instance" || t.kind === "network-interface") {
          const inst = b.instanceOfTarget(t);
          return inst ? st.nats.get(inst.id) : undefined;
        }
        return undefined;
      })();
      if (via) add(c, { via: via.address, dev: via.veth, onlink: true });
      else routeLeftOut(b, st, rt, c, t);
    }
  }
  for (const [epId, gw] of st.gatewayEndpoints) {
    const ep = b.model.get("vpc-endpoint", epId);
    if (ep && !isUnknown(ep.routeTableIds) && ep.routeTableIds.includes(rt.id)) {
      r.ip.push({ op: "route-add", to: gw.prefix, via: gw.address, dev: gw.veth, onlink: true, table });
    }
  }
}

/** Whether an IPv6 route's destination can be emulated: the whole space or inside 2001:db8::/32 (else noted). */
function routable6(b: PlanBuilder, rt: RouteTable, c: Cidr): boolean {
  if (c.prefix === 0 || cidrContains(DOCUMENTATION_V6, c)) return true;
  b.note(planNote("IPV6_ROUTE_OUTSIDE_DOCUMENTATION", { routeTable: rt.id, cidr: c.text }));
  return false;
}

/** An IPv6 route: to the internet or egress-only gateway by its link-local address; through a NAT, a silent drop. */
function route6(b: PlanBuilder, st: VpcState, rt: RouteTable, c: Cidr, t: RouteTarget, add: (c: Cidr, route: RouteVia) => void): void {
  const id = "id" in t ? t.id : null;
  if (t.kind === "internet-gateway" && st.igw && st.igw.id === id) add(c, { via: LINK_LOCAL_GATEWAY, dev: st.igw.veth });
  else if (t.kind === "egress-only-internet-gateway" && st.eigw && st.eigw.id === id)
    add(c, { via: LINK_LOCAL_GATEWAY, dev: st.eigw.veth });
  else if (t.kind === "nat-gateway") {
    add(c, BLACKHOLE);
    b.note(planNote("IPV6_ROUTE_TO_NAT", { routeTable: rt.id, cidr: c.text, nat: refText(t.id) }));
  } else if (t.kind === "instance" || t.kind === "network-interface") {
    add(c, BLACKHOLE);
    b.note(planNote("IPV6_ROUTE_TO_INSTANCE", { routeTable: rt.id, cidr: c.text, target: t.kind, id: refText(t.id) }));
  } else routeLeftOut(b, st, rt, c, t);
}

/** Notes a route to a target the emulation does not have (so its traffic is dropped), IPv4 or IPv6. */
function routeLeftOut(b: PlanBuilder, st: VpcState, rt: RouteTable, c: Cidr, t: RouteTarget): void {
  const id = "id" in t && t.id !== null ? refText(t.id) : "";
  b.note(planNote("ROUTE_TARGET_NOT_EMULATED", { routeTable: rt.id, cidr: c.text, target: t.kind, id, vpc: st.vpc.id }));
}
