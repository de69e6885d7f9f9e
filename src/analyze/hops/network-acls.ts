// Network ACLs on the road: stateless, so each subnet the traffic crosses is checked both ways
// (the function's subnet, a NAT's subnet, an interface endpoint's subnet). Lowest rule number
// first; the implicit deny at the end.
import { LAMBDA_EPHEMERAL_PORTS, PROTOCOL_TCP } from "../../aws/facts.ts";
import type { NetworkAcl, NetworkAclEntry, PortRange, Subnet } from "../../model/types.ts";
import { memoize } from "../../memo.ts";
import { isUnknown } from "../../model/types.ts";
import { BoxSet, forAll } from "../../net/box-set.ts";
import type { Family } from "../../net/ip.ts";
import type { FixAction } from "../fixes.ts";
import type { Ctx, Engine, FilterResult, View, Walk } from "./walk.ts";
import {
  ANY,
  cidrIv,
  missing,
  classCidr,
  coversAll,
  envBox,
  FULL_ADDR,
  loc,
  portIv,
  portsText,
  protocolText,
  refLabel,
  ruleBox,
  ruleOf,
  withEnv,
} from "./walk.ts";

/**
 * Network ACLs: stateless, lowest rule number first, implicit deny at the end. `exempt`:
 * packets that stay inside the subnet (to an endpoint ENI in it), which no network ACL sees.
 */
export function nacl(eng: Engine, walk: Walk, ctx: Ctx, subnet: Subnet, egress: boolean, view: View, what: string, exempt?: BoxSet): void {
  if (walk.isEmpty()) return;
  const acl = eng.model.networkAclFor(subnet);
  if (!acl) {
    missing(walk, subnet.networkAclId, "network ACL", "network-acl", refLabel(subnet.networkAclId, subnet.id));
    return;
  }
  walk.touch(acl.origin, acl.id);
  const evaluated = naclEval(walk.all, acl, egress, view, ctx.family, eng.explain);
  const r = exempt
    ? { ...evaluated, allowed: evaluated.allowed.union(walk.all.intersect(exempt)), uncertain: evaluated.uncertain.subtract(exempt) }
    : evaluated;
  walk.filter(
    {
      component: acl.id,
      kind: "network-acl",
      detail: `${acl.isDefault ? "default network ACL" : "network ACL"} of ${subnet.id}, ${what}`,
      ...ruleOf(eng, () => (r.entry ? naclRuleText(r.entry) : "no rule matches (the implicit deny)")),
      location: loc(r.entry?.origin ?? acl.origin),
    },
    r,
    "SUBNET_ACL_RESTRICTION",
    () => {
      const allow = allowEntry(acl, egress, view, walk, ctx, r.denied);
      return [
        `network ACL ${acl.id} of ${whose(ctx, subnet)} ${subnet.id} denies the ${what}: ${
          r.entry && r.entry.ruleNumber < AWS_DEFAULT_DENY_RULE
            ? `rule ${r.entry.ruleNumber} (${naclRuleText(r.entry)}) decides`
            : "no rule allows it, so the implicit deny (rule *) decides"
        }`,
        `Add an ${egress ? "outbound" : "inbound"} rule to ${acl.id} allowing ${describeView(view, walk, ctx.family)}${
          allow && r.denied.length > 0 ? ` (rule ${allow.ruleNumber}, before rule ${Math.min(...r.denied)})` : ""
        }.`,
        allow,
      ] as const;
    },
  );
}

/** Whose subnet a network ACL guards on this road, in the user's words. */
function whose(ctx: Ctx, subnet: Subnet): string {
  if (subnet.id === ctx.subnet.id) return "the function's subnet";
  if (ctx.road.kind === "interface-endpoint" && ctx.road.subnets.some((s) => s.id === subnet.id)) return "the endpoint ENIs' subnet";
  if (ctx.road.kind === "resource") return `${ctx.road.resource.id}'s subnet`;
  return "the NAT's subnet";
}

/**
 * The allow entry that lets the dropped traffic through: the view's peer and ports, numbered below every
 * deny rule that matched it (else after the last rule); none when no number is free or the peer is not known.
 */
function allowEntry(acl: NetworkAcl, egress: boolean, view: View, walk: Walk, ctx: Ctx, denied: readonly number[]): AclFix | undefined {
  const cidr = view.addr === "class" ? classCidr(ctx) : view.addr.range?.text;
  if (cidr === undefined) return undefined;
  const port = Number(walk.all.boxes[0]?.[1]?.[0] ?? ctx.dest.port);
  const ports = view.port === "class" ? { from: port, to: port } : { from: view.port.from, to: view.port.to };
  const used = new Set(sortedEntries(acl, egress).map((e) => e.ruleNumber));
  let ruleNumber: number | undefined;
  if (denied.length > 0) {
    for (let n = Math.min(...denied) - 1; n >= 1; n--) {
      if (!used.has(n)) {
        ruleNumber = n;
        break;
      }
    }
  } else {
    const last = Math.max(0, ...used);
    // AWS numbers rules 1-32766.
    ruleNumber = last < MAX_NACL_RULE_NUMBER ? Math.min(last + 100 - (last % 100), MAX_NACL_RULE_NUMBER) : undefined;
    if (ruleNumber !== undefined && used.has(ruleNumber)) ruleNumber = undefined;
  }
  if (ruleNumber === undefined) return undefined;
  return { kind: "add-network-acl-entry", networkAcl: acl.id, egress, ruleNumber, protocol: "tcp", ports, cidr };
}

const MAX_NACL_RULE_NUMBER = 32766;
/** The number a deployed account gives the `*` rule (the implicit deny) of every network ACL. */
const AWS_DEFAULT_DENY_RULE = 32767;

type AclFix = Extract<FixAction, { kind: "add-network-acl-entry" }>;

/**
 * The network ACL of a NAT's subnet on both legs, both ways (ACLs are stateless): in from the
 * function, out to the destination, the reply in to the NAT's port, the reply out to the
 * function. None applies when the NAT shares the function's subnet.
 */
export function natSubnetAcls(eng: Engine, walk: Walk, ctx: Ctx, natSubnet: Subnet, who: string, natPorts: PortRange): void {
  if (natSubnet.id === ctx.subnet.id) return;
  const fnView = { range: ctx.fnRange, memberOf: ctx.fnSgs };
  nacl(eng, walk, ctx, natSubnet, false, { addr: fnView, port: "class" }, "inbound traffic from the function's subnet");
  nacl(eng, walk, ctx, natSubnet, true, { addr: "class", port: "class" }, `outbound traffic from ${who}`);
  nacl(eng, walk, ctx, natSubnet, false, { addr: "class", port: natPorts }, `inbound reply to ${who}'s ephemeral port`);
  nacl(eng, walk, ctx, natSubnet, true, { addr: fnView, port: LAMBDA_EPHEMERAL_PORTS }, "outbound reply to the function's subnet");
}

/** A network ACL's inbound and outbound entries in evaluation order, sorted once per ACL. */
const sortedByDirection = memoize((acl: NetworkAcl) => {
  const byNumber = (a: NetworkAclEntry, b: NetworkAclEntry) => a.ruleNumber - b.ruleNumber;
  return {
    inbound: acl.entries.filter((e) => !e.egress).sort(byNumber) as readonly NetworkAclEntry[],
    outbound: acl.entries.filter((e) => e.egress).sort(byNumber) as readonly NetworkAclEntry[],
  };
});

/** A network ACL's inbound or outbound entries in evaluation order. */
export function sortedEntries(acl: NetworkAcl, egress: boolean): readonly NetworkAclEntry[] {
  const sorted = sortedByDirection(acl);
  return egress ? sorted.outbound : sorted.inbound;
}

export function naclEval(
  set: BoxSet,
  acl: NetworkAcl,
  egress: boolean,
  view: View,
  family: Family,
  explain: boolean,
): FilterResult & {
  /** The rule that decides for most of the dropped packets: a deny entry, or none for the implicit deny. */
  entry?: NetworkAcl["entries"][number];
  /** The numbers of the deny entries that matched some of the packets. */
  denied: readonly number[];
} {
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
        denied: [],
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
  const denied: number[] = [];
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
      denied.push(e.ruleNumber);
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
    denied,
    // The implicit deny decides what no rule matched: named when that is more than any deny rule decides.
    ...(blocking && blocking.size >= remaining.size() ? { entry: blocking.entry } : {}),
    ...(first && explain ? { rule: { text: naclRuleText(first), origin: first.origin } } : {}),
  };
}

export function describeView(view: View, walk: Walk, family: Family): string {
  const port = view.port === "class" ? `tcp ${walk.all.boxes[0]?.[1]?.[0] ?? ""}` : `tcp ${view.port.from}-${view.port.to}`;
  const addr = view.addr === "class" ? ANY[family] : (view.addr.range?.text ?? "the function's subnet");
  return `${port} ${view.addr === "class" ? "for" : "with"} ${addr}`;
}

/** A network ACL entry as the trace shows it: `outbound rule 100 allow tcp 443 0.0.0.0/0`. */
export function naclRuleText(e: NetworkAcl["entries"][number]): string {
  const cidr = isUnknown(e.cidr) ? "(unknown CIDR)" : e.cidr.text;
  return `${e.egress ? "outbound" : "inbound"} rule ${e.ruleNumber} ${e.action} ${protocolText(e.protocol)}${portsText(e.ports, e.protocol)} ${cidr}`;
}
