// Conditions a template leaves open. A CloudFormation condition that depends on a parameter
// without a value is true or false in the deployed stack; whatever it governs (a resource, a
// route, a security group or network ACL rule, an association, an attachment) is there in one
// case and not in the other. A verdict is proven only when it holds in every combination of the
// open conditions on its road: the analysis evaluates each combination ("world") on a model in
// which the condition is decided, and answers unknown where the worlds disagree.
//
// The worlds are built from the model itself, not by each hop of the walk: every element that
// carries `origin.conditionUnknown` is kept (its condition decided) or removed, so nothing the
// road depends on can be forgotten.
import { memoize } from "../memo.ts";
import type { Model } from "../model/model.ts";
import type { Entity, InternetGateway, NetworkAcl, Origin, RouteTable, SecurityGroup, Subnet } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";

/** Open conditions on one road beyond which the combinations are not enumerated (2^4 = 16 walks). */
export const MAX_OPEN_CONDITIONS = 4;

/** The VPC an entity belongs to, `undefined` when it belongs to none or the template does not say. */
function vpcOf(e: Entity): string | undefined {
  switch (e.kind) {
    case "vpc":
      return e.id;
    case "subnet":
    case "route-table":
    case "network-acl":
    case "nat-gateway":
    case "vpc-endpoint":
    case "egress-only-internet-gateway":
      return typeof e.vpcId === "string" ? e.vpcId : undefined;
    case "security-group":
      return typeof e.vpcId === "string" ? e.vpcId : undefined;
    default:
      return undefined;
  }
}

/** Pushes onto `out` the open condition of an entity's origin and of its parts' origins that a condition may govern. */
function collectOpenConditions(e: Entity, out: string[]): void {
  push(e.origin, out);
  switch (e.kind) {
    case "route-table":
      for (const r of e.routes) push(r.origin, out);
      return;
    case "security-group":
      for (const r of e.ingress) push(r.origin, out);
      for (const r of e.egress) push(r.origin, out);
      return;
    case "network-acl":
      for (const x of e.entries) push(x.origin, out);
      return;
    case "subnet":
      push(e.routeTableOrigin, out);
      push(e.networkAclOrigin, out);
      return;
    case "internet-gateway":
      push(e.attachmentOrigin, out);
      return;
    default:
      return;
  }
}

function push(o: Origin | undefined, out: string[]): void {
  if (o?.conditionUnknown) out.push(o.conditionUnknown);
}

/** Kinds that never sit on a road (a function's own condition decides whether it exists at all). */
const OFF_ROAD = new Set<Entity["kind"]>(["function", "role", "capacity-provider"]);

/** Per model: the open conditions of each VPC's own elements, and of those that belong to no VPC (key ""). */
const openByVpc = memoize((model: Model): Map<string, readonly string[]> => {
  const sets = new Map<string, Set<string>>();
  const found: string[] = [];
  for (const kind of model.kinds()) {
    if (OFF_ROAD.has(kind)) continue;
    for (const e of model.all(kind)) {
      found.length = 0;
      collectOpenConditions(e, found);
      if (found.length === 0) continue;
      const v = vpcOf(e) ?? "";
      let set = sets.get(v);
      if (!set) sets.set(v, (set = new Set()));
      for (const c of found) set.add(c);
    }
  }
  const out = new Map<string, readonly string[]>();
  for (const [v, set] of sets) out.set(v, [...set]);
  return out;
});

/**
 * The open conditions (their `conditionUnknown` texts, which name the condition and why it is
 * open) of everything that may lie on a road from `vpcId`: the VPC's own entities and those that
 * belong to no VPC or to one the template does not determine (gateways, Elastic IPs, prefix
 * lists, Block Public Access). Sorted; one pass over the model, on first use.
 */
export function openConditions(model: Model, vpcId: string): readonly string[] {
  const byVpc = openByVpc(model);
  if (byVpc.size === 0) return [];
  const own = byVpc.get(vpcId) ?? [];
  const shared = byVpc.get("") ?? [];
  return [...new Set([...own, ...shared])].sort();
}

/**
 * The model in the world where the conditions in `absent` are false and every other open
 * condition in `decided` is true: elements governed by an absent condition are gone (a subnet
 * whose association is gone falls back to its VPC's main route table or default network ACL,
 * a gateway whose attachment is gone is detached), and the rest no longer count as conditional.
 */
export function worldModel(model: Model, decided: readonly string[], absent: ReadonlySet<string>): Model {
  const open = new Set(decided);
  const gone = (o: Origin | undefined): boolean => o?.conditionUnknown !== undefined && absent.has(o.conditionUnknown);
  const settle = <O extends Origin | undefined>(o: O): O => {
    if (!o?.conditionUnknown || !open.has(o.conditionUnknown)) return o;
    const { conditionUnknown: _, ...rest } = o;
    return rest as O;
  };
  const entities: Entity[] = [];
  for (const kind of model.kinds()) {
    for (const e of model.all(kind)) {
      if (gone(e.origin) && !OFF_ROAD.has(e.kind)) continue;
      entities.push(decide(e, model, gone, settle));
    }
  }
  return model.withEntities(entities);
}

function decide(
  e: Entity,
  model: Model,
  gone: (o: Origin | undefined) => boolean,
  settle: <O extends Origin | undefined>(o: O) => O,
): Entity {
  const origin = settle(e.origin);
  switch (e.kind) {
    case "route-table": {
      const t: RouteTable = {
        ...e,
        origin,
        routes: e.routes.filter((r) => !gone(r.origin)).map((r) => ({ ...r, origin: settle(r.origin) })),
      };
      return t;
    }
    case "security-group": {
      const keep = (rules: SecurityGroup["ingress"]) =>
        rules.filter((r) => !gone(r.origin)).map((r) => ({ ...r, origin: settle(r.origin) }));
      const g: SecurityGroup = { ...e, origin, ingress: keep(e.ingress), egress: keep(e.egress) };
      return g;
    }
    case "network-acl": {
      const a: NetworkAcl = {
        ...e,
        origin,
        entries: e.entries.filter((x) => !gone(x.origin)).map((x) => ({ ...x, origin: settle(x.origin) })),
      };
      return a;
    }
    case "subnet": {
      const vpc = model.vpc(e.vpcId);
      let s: Subnet = { ...e, origin };
      if (gone(e.routeTableOrigin)) {
        const { routeTableOrigin: _, ...rest } = s;
        s = { ...rest, routeTableId: vpc ? vpc.mainRouteTableId : unknownVpc(e), routeTableIsMain: true };
      } else if (e.routeTableOrigin) s = { ...s, routeTableOrigin: settle(e.routeTableOrigin) };
      if (gone(e.networkAclOrigin)) {
        const { networkAclOrigin: _, ...rest } = s;
        s = { ...rest, networkAclId: vpc ? vpc.defaultNetworkAclId : unknownVpc(e), networkAclIsDefault: true };
      } else if (e.networkAclOrigin) s = { ...s, networkAclOrigin: settle(e.networkAclOrigin) };
      return s;
    }
    case "internet-gateway": {
      if (gone(e.attachmentOrigin)) {
        const { attachmentOrigin: _, ...rest } = e;
        const g: InternetGateway = { ...rest, origin, attachedVpcIds: [] };
        return g;
      }
      return e.attachmentOrigin ? { ...e, origin, attachmentOrigin: settle(e.attachmentOrigin) } : { ...e, origin };
    }
    default:
      return origin === e.origin ? e : ({ ...e, origin } as Entity);
  }
}

function unknownVpc(s: Subnet) {
  return { unknown: true as const, reason: `the VPC of ${s.id} is not known` + (isUnknown(s.vpcId) ? `: ${s.vpcId.reason}` : "") };
}
