// Templates AWS rejects: what CloudFormation or EC2 refuses at create time although the template
// parses. Each problem is an error diagnostic (code, location, fix); the loader then records the
// template as rejected, so no verdict on it is "reachable" (see index.ts). Three kinds of check:
// on the raw resources (Fn::GetAtt attributes, dependency cycles), on one resource's resolved
// properties (rule numbers, actions, ports), and on the built model (subnets and their VPC,
// overlapping subnets, duplicate routes, duplicate network ACL rule numbers).
import type { DiagnosticCode } from "../../aws/codes.ts";
import { GETATT_ATTRIBUTES } from "../../aws/getatt.ts";
import type { Entity, NetworkAcl, Origin, RouteTable, Subnet, Vpc } from "../../model/types.ts";
import { isUnknown } from "../../model/types.ts";
import type { Cidr } from "../../net/ip.ts";
import { cidrContains } from "../../net/ip.ts";
import type { DependencyGraph } from "./references.ts";
import type { RawResource, Value } from "./intrinsics.ts";
import { isPlainObject } from "./intrinsics.ts";

/** One problem; the caller turns it into a diagnostic at the resource (and key) it names. */
export interface Problem {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly fix: string;
  /** The logical id the problem is reported on. */
  readonly resource: string;
  /** The property it is about, when one. */
  readonly key?: string;
  /** A more precise position source: the raw object holding the offending value. */
  readonly at?: object;
  /** The problem's own origin, when it comes from the model (a route, a rule). */
  readonly origin?: Origin;
}

// ---- raw resources ---------------------------------------------------------------------------

/**
 * Fn::GetAtt (and `${X.Attr}` in Fn::Sub) naming an attribute the resource's type does not have.
 * `attributes`: each attribute the resources name, with the object that names it (index.ts's
 * dependencyGraph collects them while it walks the resources).
 */
export function checkGetAtts(
  resources: Readonly<Record<string, RawResource>>,
  attributes: readonly (readonly [owner: string, target: string, attr: string, at: object])[],
): Problem[] {
  const problems: Problem[] = [];
  for (const [owner, target, attr, at] of attributes) {
    const type = resources[target]?.Type;
    const attrs = typeof type === "string" ? GETATT_ATTRIBUTES[type] : undefined;
    if (!attrs || attrs.includes(attr)) continue;
    problems.push({
      code: "LOAD_INVALID_GETATT",
      message: `Fn::GetAtt ${target}.${attr}: ${type} has no attribute ${attr} (it has ${attrs.join(", ")}); CloudFormation rejects the template`,
      fix: fixFor(type as string, attr, attrs),
      resource: owner,
      at,
    });
  }
  return problems;
}

function fixFor(type: string, attr: string, attrs: readonly string[]): string {
  if (type === "AWS::EC2::NatGateway" && attr === "AllocationId") {
    return "name the Elastic IP: !GetAtt <EIP>.AllocationId (an AWS::EC2::EIP), not the NAT gateway";
  }
  return `use one of ${type}'s attributes (${attrs.join(", ")}), or Ref for its id`;
}

/**
 * Circular dependencies (DependsOn, Ref, Fn::GetAtt, Fn::Sub): CloudFormation refuses a template
 * whose resources depend on each other in a cycle ("Circular dependency between resources").
 * One problem per cycle (a strongly connected component), on its first resource in template order.
 */
export function checkCycles(graph: DependencyGraph): Problem[] {
  const { ids, start, edges, selfReferences } = graph;
  const n = ids.length;
  const problems: Problem[] = selfReferences.map((id) => ({
    code: "LOAD_CYCLE",
    message: `${id} refers to itself (through DependsOn, Ref, Fn::GetAtt or Fn::Sub): a circular dependency; CloudFormation rejects the template`,
    fix: `remove ${id}'s reference to itself (a security group admitting its own members: write that rule as a separate AWS::EC2::SecurityGroupIngress)`,
    resource: id,
  }));
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const next = new Int32Array(n);
  const stack: number[] = [];
  const frames: number[] = [];
  let counter = 0;
  const enter = (v: number) => {
    index[v] = low[v] = counter++;
    next[v] = start[v] as number;
    stack.push(v);
    onStack[v] = 1;
    frames.push(v);
  };
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    enter(root);
    while (frames.length > 0) {
      const v = frames[frames.length - 1] as number;
      if ((next[v] as number) < (start[v + 1] as number)) {
        const w = edges[next[v] as number] as number;
        next[v] = (next[v] as number) + 1;
        if (index[w] === -1) enter(w);
        else if (onStack[w]) low[v] = Math.min(low[v] as number, index[w] as number);
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) low[parent] = Math.min(low[parent] as number, low[v] as number);
      if (low[v] !== index[v]) continue;
      // A component of one (the usual case) is no cycle: a self-reference is reported above.
      if (stack[stack.length - 1] === v) {
        stack.pop();
        onStack[v] = 0;
        continue;
      }
      const component: number[] = [];
      let w: number;
      do {
        w = stack.pop() as number;
        onStack[w] = 0;
        component.push(w);
      } while (w !== v);
      if (component.length < 2) continue;
      component.sort((a, b) => a - b);
      const names = component.map((c) => ids[c] as string);
      const shown = names.length > 6 ? [...names.slice(0, 6), `and ${names.length - 6} more`] : names;
      problems.push({
        code: "LOAD_CYCLE",
        message: `circular dependency between resources ${shown.join(", ")} (through DependsOn, Ref, Fn::GetAtt or Fn::Sub); CloudFormation rejects the template`,
        fix: "break the cycle: move a rule into its own resource (e.g. AWS::EC2::SecurityGroupIngress instead of an inline rule naming the other group), or drop a DependsOn",
        resource: names[0] as string,
      });
    }
  }
  return problems;
}

// ---- one resource's resolved properties --------------------------------------------------------

const RULE_NUMBER_MIN = 1;
const RULE_NUMBER_MAX = 32766;

/** An integer when the value is one (literal or numeric string), else undefined (unknown, absent, or computed). */
function integer(v: Value | undefined): number | undefined | "invalid" {
  if (v === undefined || v === null) return undefined;
  if (typeof v === "number") return Number.isInteger(v) ? v : "invalid";
  if (typeof v === "string") return /^-?\d+$/.test(v.trim()) ? Number(v) : "invalid";
  return undefined;
}

function protocolOf(v: Value | undefined): "tcp-udp" | "icmp" | "all" | "other" | undefined {
  if (v === undefined || v === null || typeof v === "object") return undefined;
  const s = String(v).toLowerCase();
  if (s === "tcp" || s === "udp" || s === "6" || s === "17") return "tcp-udp";
  if (s === "icmp" || s === "icmpv6" || s === "1" || s === "58") return "icmp";
  if (s === "-1" || s === "all") return "all";
  return "other";
}

/** Problems in the resolved properties of one resource (network ACL entries, security group rules). */
export function checkProperties(id: string, type: string, p: Readonly<Record<string, Value>>): Problem[] {
  const problems: Problem[] = [];
  if (type === "AWS::EC2::NetworkAclEntry") {
    const n = integer(p.RuleNumber);
    if (n === "invalid" || (typeof n === "number" && (n < RULE_NUMBER_MIN || n > RULE_NUMBER_MAX))) {
      problems.push({
        code: "LOAD_INVALID_VALUE",
        message: `RuleNumber ${JSON.stringify(p.RuleNumber)} of ${id} is outside ${RULE_NUMBER_MIN}-${RULE_NUMBER_MAX}; AWS rejects the entry`,
        fix: `use a rule number from ${RULE_NUMBER_MIN} to ${RULE_NUMBER_MAX} (32767 is the default rule, reserved)`,
        resource: id,
        key: "RuleNumber",
      });
    }
    const action = p.RuleAction;
    if (typeof action === "string" && !/^(allow|deny)$/i.test(action)) {
      problems.push({
        code: "LOAD_INVALID_VALUE",
        message: `RuleAction ${JSON.stringify(action)} of ${id} is neither allow nor deny; AWS rejects the entry`,
        fix: "write RuleAction: allow or RuleAction: deny",
        resource: id,
        key: "RuleAction",
      });
    }
    if (protocolOf(p.Protocol) === "tcp-udp" && isPlainObject(p.PortRange)) {
      problems.push(...portProblems(id, "PortRange", p.PortRange.From, p.PortRange.To, "tcp-udp", "PortRange From/To"));
    }
  } else if (type === "AWS::EC2::SecurityGroupIngress" || type === "AWS::EC2::SecurityGroupEgress") {
    problems.push(...portProblems(id, "FromPort", p.FromPort, p.ToPort, protocolOf(p.IpProtocol), "FromPort/ToPort"));
  } else if (type === "AWS::EC2::SecurityGroup") {
    for (const key of ["SecurityGroupIngress", "SecurityGroupEgress"]) {
      const rules = p[key];
      if (!Array.isArray(rules)) continue;
      for (const r of rules as Value[]) {
        if (isPlainObject(r))
          problems.push(...portProblems(id, key, r.FromPort, r.ToPort, protocolOf(r.IpProtocol), `${key} FromPort/ToPort`));
      }
    }
  }
  return problems;
}

/** Ports: 0-65535 for TCP and UDP (from <= to), -1 (all) or 0-255 for ICMP types and codes; ignored for protocol -1. */
function portProblems(
  id: string,
  key: string,
  fromV: Value | undefined,
  toV: Value | undefined,
  protocol: ReturnType<typeof protocolOf>,
  what: string,
): Problem[] {
  if (protocol !== "tcp-udp" && protocol !== "icmp") return [];
  const from = integer(fromV);
  const to = integer(toV);
  const [min, max] = protocol === "tcp-udp" ? [0, 65535] : [-1, 255];
  const bad = (n: typeof from) => n === "invalid" || (typeof n === "number" && (n < min || n > max));
  let reason: string | undefined;
  if (bad(from) || bad(to)) {
    reason =
      protocol === "tcp-udp" && (from === -1 || to === -1)
        ? `${what} -1 means "all" only for ICMP and protocol -1; TCP and UDP ports are 0-65535`
        : `${what} ${JSON.stringify(fromV)}-${JSON.stringify(toV)} is outside ${min}-${max}`;
  } else if (protocol === "tcp-udp" && typeof from === "number" && typeof to === "number" && from > to) {
    reason = `${what} ${from}-${to} starts after it ends`;
  }
  if (!reason) return [];
  return [
    {
      code: "LOAD_INVALID_VALUE",
      message: `${reason} (${id}); AWS rejects the rule`,
      fix:
        protocol === "tcp-udp"
          ? "give TCP/UDP ports from 0 to 65535 (0-65535 for all), from <= to"
          : "give an ICMP type and code from 0 to 255, or -1 for all",
      resource: id,
      key,
    },
  ];
}

// ---- the built model -------------------------------------------------------------------------

const known = (c: Cidr | { unknown: true } | null | undefined): c is Cidr => !!c && !isUnknown(c);
const conditional = (o: Origin) => o.conditionUnknown !== undefined;

/** Subnets outside their VPC's blocks, overlapping subnets, duplicate routes, duplicate NACL rule numbers. */
export function checkModel(entities: readonly Entity[]): Problem[] {
  const problems: Problem[] = [];
  const vpcs = new Map<string, Vpc>();
  const subnetsByVpc = new Map<string, Subnet[]>();
  for (const e of entities) {
    if (e.kind === "vpc") vpcs.set(e.id, e);
    else if (e.kind === "subnet" && typeof e.vpcId === "string" && !conditional(e.origin)) {
      const l = subnetsByVpc.get(e.vpcId) ?? [];
      l.push(e);
      subnetsByVpc.set(e.vpcId, l);
    }
  }
  for (const [vpcId, subnets] of subnetsByVpc) {
    const vpc = vpcs.get(vpcId);
    if (!vpc) continue;
    for (const family of [4, 6] as const) {
      const blocks = vpc.cidrs.filter((c) => isUnknown(c) || c.family === family);
      const all = blocks.every(known) && blocks.length > 0 ? (blocks as Cidr[]) : undefined;
      const placed: { subnet: Subnet; cidr: Cidr }[] = [];
      for (const s of subnets) {
        const cidrs = family === 4 ? [s.cidr] : s.ipv6Cidrs;
        for (const c of cidrs) {
          if (!known(c) || c.family !== family) continue;
          placed.push({ subnet: s, cidr: c });
          if (all && !all.some((b) => cidrContains(b, c))) {
            problems.push({
              code: "LOAD_SUBNET_OUTSIDE_VPC",
              message: `subnet ${s.id} (${c.text}) is outside the blocks of VPC ${vpcId} (${all.map((b) => b.text).join(", ")}); AWS rejects it`,
              fix: `give ${s.id} a block inside ${all.map((b) => b.text).join(" or ")}, or add that block to the VPC (AWS::EC2::VPCCidrBlock)`,
              resource: s.id,
              key: family === 4 ? "CidrBlock" : "Ipv6CidrBlock",
            });
          }
        }
      }
      // Overlaps: sorted by start, a block that starts before the furthest end so far overlaps.
      placed.sort((a, b) => (a.cidr.start < b.cidr.start ? -1 : a.cidr.start > b.cidr.start ? 1 : 0));
      let widest: { subnet: Subnet; cidr: Cidr } | undefined;
      for (const p of placed) {
        if (widest && p.cidr.start <= widest.cidr.end && p.subnet !== widest.subnet) {
          problems.push({
            code: "LOAD_SUBNET_OVERLAP",
            message: `subnets ${widest.subnet.id} (${widest.cidr.text}) and ${p.subnet.id} (${p.cidr.text}) of VPC ${vpcId} overlap; AWS rejects the second`,
            fix: `give ${p.subnet.id} a block that no other subnet of ${vpcId} uses`,
            resource: p.subnet.id,
            key: family === 4 ? "CidrBlock" : "Ipv6CidrBlock",
          });
        }
        if (!widest || p.cidr.end > widest.cidr.end) widest = p;
      }
    }
  }
  for (const e of entities) {
    if (e.kind === "route-table") duplicateRoutes(e, problems);
    else if (e.kind === "network-acl" && !e.isDefault) duplicateRuleNumbers(e, problems);
  }
  return problems;
}

function duplicateRoutes(rt: RouteTable, problems: Problem[]): void {
  const seen = new Map<string, string>();
  for (const r of rt.routes) {
    if (conditional(r.origin) || r.origin.isDefault) continue;
    const d = r.destination;
    const key = d.kind === "cidr" ? d.cidr.text : d.kind === "prefix-list" && typeof d.id === "string" ? `pl:${d.id}` : undefined;
    if (key === undefined) continue;
    const first = seen.get(key);
    const id = r.origin.logicalId ?? rt.id;
    if (first === undefined) {
      seen.set(key, id);
      continue;
    }
    const shown = d.kind === "cidr" ? d.cidr.text : `prefix list ${key.slice(3)}`;
    problems.push({
      code: "LOAD_DUPLICATE_ROUTE",
      message: `routes ${first} and ${id} of route table ${rt.id} have the same destination ${shown}; AWS rejects the second ("route already exists")`,
      fix: `keep one route to ${shown} in ${rt.id}, or give ${id} a different destination`,
      resource: id,
      origin: r.origin,
    });
  }
}

function duplicateRuleNumbers(acl: NetworkAcl, problems: Problem[]): void {
  const seen = new Map<string, string>();
  for (const e of acl.entries) {
    if (conditional(e.origin) || !Number.isInteger(e.ruleNumber)) continue;
    const key = `${e.egress}:${e.ruleNumber}`;
    const id = e.origin.logicalId ?? acl.id;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, id);
      continue;
    }
    problems.push({
      code: "LOAD_DUPLICATE_RULE_NUMBER",
      message: `entries ${first} and ${id} of network ACL ${acl.id} both use ${e.egress ? "egress" : "ingress"} rule number ${e.ruleNumber}; AWS rejects the second`,
      fix: `give ${id} a rule number no other ${e.egress ? "egress" : "ingress"} entry of ${acl.id} uses`,
      resource: id,
      origin: e.origin,
    });
  }
}
