// Security groups on the road: the function ENI's egress, an interface endpoint's and a NAT
// instance's ingress and egress. Stateful, allow-only, the union of every rule of every group.
import { PROTOCOL_TCP } from "../../aws/facts.ts";
import type { EntityRef, SecurityGroup, SecurityGroupRule, Unknown, Vpc, VpcEndpoint } from "../../model/types.ts";
import { isUnknown } from "../../model/types.ts";
import type { Interval } from "../../net/box-set.ts";
import { BoxSet, forAll } from "../../net/box-set.ts";
import type { Cidr } from "../../net/ip.ts";
import type { FixAction } from "../fixes.ts";
import { groupsOrDefault } from "../aws-defaults.ts";
import { targetsWithGroup } from "./resources.ts";
import type { Ctx, Engine, FilterResult, View, Walk } from "./walk.ts";
import {
  ANY,
  cidrIv,
  classCidr,
  coversAll,
  envBox,
  FULL_ADDR,
  FULL_PORT,
  loc,
  portIv,
  portsText,
  protocolText,
  ruleBox,
  ruleOf,
  withEnv,
} from "./walk.ts";

export function functionSecurityGroups(eng: Engine, walk: Walk, ctx: Ctx): void {
  const sgs = securityGroupsOf(eng, walk, ctx.fnSgs);
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
  const r = sgEval(eng, walk.all, rules, { addr: "class", port: "class" }, ctx);
  const names = sgs.map((s) => s.id).join(", ");
  walk.filter(
    {
      component: names,
      kind: "security-group",
      detail: `egress of ${names}`,
      ...ruleOf(eng, () => "no egress rule matches"),
      location: loc(sgs[0]?.origin),
    },
    r,
    "ENI_SG_RULES_MISMATCH",
    () => [
      `no egress rule of ${names} allows tcp ${ctx.dest.port} to ${ctx.dest.label}`,
      `Add an egress rule to ${sgs[0]?.id} allowing tcp ${ctx.dest.port} to ${peerText(ctx)}.`,
      sgs[0] ? sgRuleFix(sgs[0], "egress", ctx.dest.port, egressPeer(ctx)) : undefined,
    ],
  );
}

/** The peer an egress rule must name to let the destination through (see peerText), when one names it all. */
function egressPeer(ctx: Ctx): SgPeer | undefined {
  const road = ctx.road;
  if (road.kind === "interface-endpoint") {
    const groups = endpointGroups(road.endpoint, ctx.vpc);
    const g = isUnknown(groups) ? undefined : groups[0];
    return typeof g === "string" ? { securityGroup: g } : undefined;
  }
  if (road.kind === "resource") {
    const g = road.targets.map((t) => (isUnknown(t.groups) ? undefined : t.groups[0]))[0];
    return typeof g === "string" ? { securityGroup: g } : { cidr: classCidr(ctx) };
  }
  return { cidr: road.kind === "gateway-endpoint" ? ANY[4] : classCidr(ctx) };
}

type SgPeer = { readonly cidr: string } | { readonly securityGroup: string };

/** A rule for `sg` allowing tcp `port` from or to `peer`: the structured form of a security group fix. */
export function sgRuleFix(
  sg: SecurityGroup,
  direction: "egress" | "ingress",
  port: number,
  peer: SgPeer | undefined,
): FixAction | undefined {
  if (!peer) return undefined;
  return { kind: "add-security-group-rule", securityGroup: sg.id, direction, protocol: "tcp", ports: { from: port, to: port }, peer };
}

/** The peer an ingress rule must name to admit the function: its first security group, else its subnet's CIDR. */
export function functionPeer(ctx: Ctx): SgPeer | undefined {
  const g = ctx.fnSgs[0];
  if (typeof g === "string") return { securityGroup: g };
  return ctx.fnRange ? { cidr: ctx.fnRange.text } : undefined;
}

/** What an egress rule must name to let the destination through. */
export function peerText(ctx: Ctx): string {
  const road = ctx.road;
  if (road.kind === "interface-endpoint") {
    const sg = road.endpoint.securityGroupIds;
    const names = isUnknown(sg) || sg.length === 0 ? road.subnets.map((s) => (s.cidr as Cidr).text).join(", ") : sg.map(String).join(", ");
    return `the endpoint ${road.endpoint.id} (${names})`;
  }
  if (road.kind === "gateway-endpoint") return `the ${ctx.dest.service} prefix list (or ${ANY[4]})`;
  if (road.kind === "resource") {
    const groups = road.targets[0]?.groups;
    const names =
      !groups || isUnknown(groups) ? road.targets.map((t) => (t.subnet.cidr as Cidr).text).join(", ") : groups.map(String).join(", ");
    return `${road.resource.id} (${names})`;
  }
  return ctx.dest.kind === "address" ? ctx.dest.label : ANY[ctx.family];
}

/**
 * The security groups `refs` name; null, with the walk ended as unknown, when one of them is
 * not in the model (a parameter, an existing group).
 */
export function securityGroupsOf(eng: Engine, walk: Walk, refs: readonly EntityRef[], owner?: string): SecurityGroup[] | null {
  const sgs: SecurityGroup[] = [];
  for (const ref of refs) {
    const sg = eng.model.securityGroup(ref);
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
export function sgEval(eng: Engine, set: BoxSet, rules: readonly SecurityGroupRule[], view: View, ctx: Ctx): FilterResult {
  // Fast path: one rule (e.g. the default allow-all egress) lets every packet through.
  for (const rule of rules) {
    if (rule.peer.kind === "cidr" && !isUnknown(rule.ports) && (rule.protocol === "all" || rule.protocol === PROTOCOL_TCP)) {
      if (coversAll(set, view, rule.peer.cidr, rule.ports, ctx.family))
        return {
          allowed: set,
          uncertain: BoxSet.EMPTY,
          note: "",
          ...(eng.explain ? { rule: { text: sgRuleText(rule, view), origin: rule.origin } } : {}),
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
      } else if (ctx.road.kind === "resource") {
        // The destination is the resource's interfaces: the rule matches those that carry the group.
        const cidrs = targetsWithGroup(ctx.road.targets, peer.id);
        addrBoxes = cidrs === "maybe" ? "maybe" : cidrs.map(cidrIv);
      } else if (ctx.road.kind === "interface-endpoint") {
        // The destination is the endpoint's ENIs: the rule matches when they carry the group.
        const epGroups = endpointGroups(ctx.road.endpoint, ctx.vpc);
        addrBoxes = isUnknown(epGroups) ? "maybe" : epGroups.some((g) => g === peer.id) ? [full] : [];
      } else {
        // Members' private addresses lie in the VPC; which ones is not known.
        addrBoxes = ctx.vpc.cidrs.some((c) => !isUnknown(c) && set.intersect([cidrIv(c), FULL_PORT]).boxes.length > 0) ? "maybe" : [];
      }
    } else if (peer.kind === "prefix-list") {
      const pl = eng.model.get("prefix-list", peer.id);
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
    ...(first && eng.explain ? { rule: { text: sgRuleText(first, view), origin: first.origin } } : {}),
  };
}

/** The security groups of an interface endpoint's ENIs: the VPC's default group when none is named. */
export function endpointGroups(ep: VpcEndpoint, vpc: Vpc): readonly EntityRef[] | Unknown {
  return groupsOrDefault(ep.securityGroupIds, vpc);
}

/** A security group rule as the trace shows it: `egress tcp 443 to 0.0.0.0/0`. */
export function sgRuleText(rule: SecurityGroupRule, view: View): string {
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
