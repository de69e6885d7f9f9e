// Resources of the VPC on the road (`resource:ID[:PORT]`): a database, cache, search domain,
// Kafka cluster or file system. Its interfaces lie in its subnets (a file system's in the mount
// target of the function's own AZ); the far side is evaluated as for an interface endpoint:
// the target subnet's network ACL both ways (when it is not the function's own subnet), then
// the resource's security groups, which must admit its port from the function.
import { LAMBDA_EPHEMERAL_PORTS } from "../../aws/facts.ts";
import type { Model } from "../../model/model.ts";
import type { EntityRef, Origin, Subnet, Unknown, Vpc, VpcResource } from "../../model/types.ts";
import { isUnknown } from "../../model/types.ts";
import { BoxSet } from "../../net/box-set.ts";
import type { Cidr } from "../../net/ip.ts";
import type { Destination } from "../destination.ts";
import { DestinationError } from "../destination.ts";
import { groupsOrDefault } from "../aws-defaults.ts";
import { nacl } from "./network-acls.ts";
import { functionPeer, securityGroupsOf, sgEval, sgRuleFix } from "./security-groups.ts";
import type { Ctx, Engine, Walk } from "./walk.ts";
import { cidrIv, FULL_PORT, loc } from "./walk.ts";

/** One interface of a resource the function may talk to: its subnet and security groups. */
export interface ResourceTarget {
  /** The resource, or its mount target (EFS). */
  readonly id: string;
  readonly origin: Origin;
  readonly subnet: Subnet;
  readonly groups: readonly EntityRef[] | Unknown;
}

/** The subnets a resource's interfaces may be in: its own, or (EFS) every mount target's. */
function resourceSubnetRefs(r: VpcResource): readonly EntityRef[] | Unknown {
  return r.mountTargets ? r.mountTargets.map((m) => m.subnetId) : r.subnetIds;
}

/**
 * A `resource:ID[:PORT]` destination completed from the model: the resource's port (unless the
 * user named one) and the blocks of the subnets its interfaces may be in. Throws
 * DestinationError when the model has no such resource.
 */
export function bindResource(model: Model, d: Destination): Destination {
  const id = d.resource ?? "";
  const r = model.get("resource", id);
  if (!r) {
    const known = model.all("resource").map((x) => x.id);
    throw new DestinationError(
      `${JSON.stringify(d.label)}: ${id} is not a database, cache, search domain, Kafka cluster or file system of the input${known.length > 0 ? ` (it has ${known.slice(0, 8).join(", ")}${known.length > 8 ? ", ..." : ""})` : " (it has none)"}`,
    );
  }
  let undecided: string | undefined;
  let port = d.port;
  if (!d.portGiven) {
    if (isUnknown(r.port)) undecided = `the port of ${r.id}: ${r.port.reason} (name it with resource:${r.id}:PORT)`;
    else port = r.port;
  }
  const refs = resourceSubnetRefs(r);
  const addresses: Cidr[] = [];
  if (isUnknown(refs)) undecided ??= `the subnets of ${r.id}: ${refs.reason}`;
  else {
    for (const ref of refs) {
      const s = model.get("subnet", ref);
      if (!s || isUnknown(s.cidr)) {
        undecided ??= `${r.id} has an interface in a subnet we cannot place: ${isUnknown(ref) ? ref.reason : !s ? `subnet ${ref} is not defined in this input` : `the CIDR of ${s.id} is not known`}`;
        continue;
      }
      addresses.push(s.cidr);
    }
    if (refs.length === 0 && !r.mountTargets) undecided ??= `${r.id} names no subnet`;
  }
  return { ...d, port, addresses, ...(undecided !== undefined ? { undecided } : {}) };
}

/**
 * Where the function meets the resource from `subnet`: every interface of it (a database may sit
 * in any subnet of its group, and moves on failover), or, for a file system, the mount target of
 * the function's AZ. A string: why it cannot be told (unknown). `{ missing }`: the file system
 * has no mount target in that AZ.
 */
export function resourceTargets(
  model: Model,
  vpc: Vpc,
  subnet: Subnet,
  r: VpcResource,
): readonly ResourceTarget[] | string | { readonly missing: string } {
  if (!r.mountTargets) {
    const refs = r.subnetIds;
    if (isUnknown(refs)) return `the subnets of ${r.id}: ${refs.reason}`;
    const out: ResourceTarget[] = [];
    for (const ref of refs) {
      const s = model.get("subnet", ref);
      if (!s) return isUnknown(ref) ? ref.reason : `subnet ${ref} of ${r.id} is not defined in this input`;
      out.push({ id: r.id, origin: r.origin, subnet: s, groups: groupsOr(r.securityGroupIds, vpc) });
    }
    return out;
  }
  if (isUnknown(subnet.az))
    return `the AZ of ${subnet.id} is not known, so which mount target of ${r.id} it uses is not either (${subnet.az.reason})`;
  let undecided: string | undefined;
  for (const m of r.mountTargets) {
    const s = model.get("subnet", m.subnetId);
    if (!s) {
      undecided ??= `the subnet of mount target ${m.id}: ${isUnknown(m.subnetId) ? m.subnetId.reason : `${m.subnetId} is not defined in this input`}`;
      continue;
    }
    if (isUnknown(s.az)) {
      undecided ??= `the AZ of ${s.id} (mount target ${m.id}) is not known`;
      continue;
    }
    if (s.az === subnet.az) return [{ id: m.id, origin: m.origin, subnet: s, groups: groupsOr(m.securityGroupIds, vpc) }];
  }
  if (undecided) return undecided;
  return {
    missing: `${r.id} has no mount target in ${subnet.az}, the AZ of ${subnet.id} (${r.mountTargets.length === 0 ? "it has none" : `it has ${r.mountTargets.map((m) => m.id).join(", ")}`})`,
  };
}

/** A resource's security groups: the VPC's default group when it names none. */
function groupsOr(groups: readonly EntityRef[] | Unknown, vpc: Vpc): readonly EntityRef[] | Unknown {
  return groupsOrDefault(groups, vpc);
}

/** The blocks of a resource road's interfaces whose security groups include `group` (for an egress rule naming it); "maybe" when some are not known. */
export function targetsWithGroup(targets: readonly ResourceTarget[], group: EntityRef): readonly Cidr[] | "maybe" {
  const out: Cidr[] = [];
  for (const t of targets) {
    if (isUnknown(t.groups)) return "maybe";
    if (t.groups.includes(group) && !isUnknown(t.subnet.cidr)) out.push(t.subnet.cidr);
  }
  return out;
}

/**
 * The resource's interfaces, one per target subnet: that subnet's network ACL both ways (when it is
 * not the function's own), then the resource's security groups, which must admit the port from the function.
 */
export function resourceFarSide(eng: Engine, walk: Walk, ctx: Ctx, r: VpcResource, targets: readonly ResourceTarget[]): void {
  walk.touch(r.origin, r.id);
  const fnView = { range: ctx.fnRange, memberOf: ctx.fnSgs };
  const port = ctx.dest.port;
  for (const t of targets) {
    const part = walk.all.intersect([cidrIv(t.subnet.cidr as Cidr), FULL_PORT]);
    if (part.isEmpty()) continue;
    const branch = walk.fork(part);
    branch.touch(t.subnet.origin, t.subnet.id);
    if (t.id !== r.id) branch.touch(t.origin, t.id);
    if (t.subnet.id !== ctx.subnet.id) {
      nacl(eng, branch, ctx, t.subnet, false, { addr: fnView, port: "class" }, `inbound traffic from the function's subnet to ${r.id}`);
      nacl(
        eng,
        branch,
        ctx,
        t.subnet,
        true,
        { addr: fnView, port: LAMBDA_EPHEMERAL_PORTS },
        `outbound reply from ${r.id} to the function's subnet`,
      );
    }
    if (isUnknown(t.groups)) {
      branch.unknown(
        { component: t.id, kind: "resource", detail: t.groups.reason, location: loc(t.origin) },
        "UNKNOWN_RESOURCE",
        `the security groups of ${t.id}: ${t.groups.reason}`,
      );
      continue;
    }
    const sgs = securityGroupsOf(eng, branch, t.groups, t.id);
    if (!sgs) continue;
    const names = sgs.map((g) => g.id).join(", ");
    const fnGroups = ctx.fnSgs.map(String).join(", ");
    branch.filter(
      { component: names, kind: "security-group", detail: `ingress of ${names} (${r.id})`, location: loc(sgs[0]?.origin) },
      sgEval(
        eng,
        branch.all,
        sgs.flatMap((g) => g.ingress),
        { addr: fnView, port: "class" },
        ctx,
      ),
      "ENI_SG_RULES_MISMATCH",
      () => [
        `the security group of ${r.id} (${names}) does not admit tcp ${port} from the function`,
        `Add ingress tcp ${port} from ${fnGroups || "the function's subnets"} to ${sgs[0]?.id}.`,
        sgs[0] ? sgRuleFix(sgs[0], "ingress", port, functionPeer(ctx)) : undefined,
      ],
    );
    branch.deliver({
      component: r.id,
      kind: "resource",
      detail: `${r.what} ${r.id}${t.id !== r.id ? ` (mount target ${t.id})` : ""} in ${t.subnet.id} admits tcp ${port}`,
      location: loc(t.origin),
    });
  }
  walk.alive = BoxSet.EMPTY;
  walk.maybe = BoxSet.EMPTY;
}
