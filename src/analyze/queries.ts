// Small questions over the model that several rules ask.
import { DEFAULT_INTERNET_PORT, lambdaFunctionArn } from "../aws/facts.ts";
import { memoize } from "../memo.ts";
import type { Model } from "../model/model.ts";
import type { CapacityProvider, LambdaFunction, PolicyStatement, Role, Route, Subnet, SymbolicString, VpcConfig } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";
import type { Box } from "../net/box-set.ts";
import { BoxSet } from "../net/box-set.ts";
import type { Cidr } from "../net/ip.ts";
import type { FunctionReport, SubnetReport } from "./analysis.ts";
import type { Destination } from "./destination.ts";
import { destinationSet, parseDestination } from "./destination.ts";
import { routeIndexOf } from "./hops/routes.ts";
import type { Path, ReachResult, Step } from "./reach.ts";
import { FACTS } from "./reach.ts";

export { locationOf } from "../model/types.ts";

/** A route the function's own subnet sent a result's packets by (see Step). */
export type FunctionRoute = Extract<Step, { kind: "route" }>;

/** The parsed destination of a result of the analysis. */
export function destinationOf(r: ReachResult): Destination | undefined {
  return r[FACTS]?.destination;
}

/**
 * Whether a result is for the IPv4 (4) or IPv6 (6) internet: on its usual port (`internet`, `internet:443`,
 * `internet6`), or with `anyPort` on any (`internet:8443` too).
 */
export function isInternet(r: ReachResult, family: 4 | 6, anyPort = false): boolean {
  const d = destinationOf(r);
  return d?.kind === "internet" && d.family === family && (anyPort || d.port === DEFAULT_INTERNET_PORT);
}

/** The routes of the function's own subnet that carried some packets of `r` (each branch of its road), in order. */
export function functionRoutes(r: ReachResult): FunctionRoute[] {
  const out: FunctionRoute[] = [];
  for (const p of r[FACTS]?.paths ?? [])
    for (const s of p.steps) if (s.kind === "route" && s.role === "function" && !out.includes(s)) out.push(s);
  return out;
}

/** The first route, over every IPv4 result of a subnet, by which the function's own subnet sends packets to a target of `kind`. */
export function ipv4RouteTo(s: SubnetReport, kinds: ReadonlySet<string>): FunctionRoute | undefined {
  for (const r of s.destinations) {
    if (destinationOf(r)?.family !== 4) continue;
    const route = functionRoutes(r).find((x) => kinds.has(x.target.kind));
    if (route) return route;
  }
  return undefined;
}

/**
 * Whether some packets of `r` that do not get through were sent by the function's subnet along a route `pred` accepts
 * (for an unreachable verdict, the paths go on past each blocker: see ReachFacts). `past`: only packets dropped at that
 * route or beyond it (not by the function's own security groups or network ACL, met before any route).
 */
export function droppedAlong(r: ReachResult, pred: (route: FunctionRoute) => boolean, past = false): boolean {
  const paths = r[FACTS]?.paths ?? [];
  const along = (p: Path) => p.steps.some((x) => x.kind === "route" && x.role === "function" && pred(x));
  if (past) return paths.some((p) => p.end === "dropped" && along(p));
  const dropped = paths.filter((p) => p.end === "dropped").reduce((acc, p) => acc.union(p.set), BoxSet.EMPTY);
  if (dropped.isEmpty()) return false;
  return paths.some((p) => along(p) && !p.set.intersect(dropped).isEmpty());
}

/** The interface endpoint whose private DNS leads the result's service name to its ENIs (the road's first step), if any. */
export function interfaceEndpointOf(r: ReachResult): string | undefined {
  for (const p of r[FACTS]?.paths ?? []) {
    const first = p.steps[0];
    if (first?.kind === "vpc-endpoint" && first.type === "Interface") return first.id;
  }
  return undefined;
}

/** The report of each function of the analysis, by id. */
export function reportsById(functions: readonly FunctionReport[]): Map<string, FunctionReport> {
  return new Map(functions.map((f) => [f.id, f]));
}

const INTERNET = parseDestination("internet");
let internetSet: BoxSet | undefined;

/**
 * The route by which `subnet`'s table sends most of the public IPv4 internet, matched as the analysis matches routes
 * (longest prefix first; on a tie the less specific route): `0.0.0.0/0`, or `0.0.0.0/1` of a split default route.
 * Null when no route carries any of it; undefined when the subnet's route table is not known.
 */
export function internetRoute(model: Model, subnet: Subnet): { readonly cidr: Cidr; readonly route: Route } | null | undefined {
  const rt = model.routeTableFor(subnet);
  if (!rt) return undefined;
  let rest = (internetSet ??= destinationSet(INTERNET, []));
  let best: { cidr: Cidr; route: Route; size: bigint } | null = null;
  for (const { cidr, route } of routeIndexOf(model).sorted(rt, 4)) {
    if (rest.isEmpty()) break;
    const box: Box = [
      [cidr.start, cidr.end],
      [0n, 65535n],
    ];
    const size = rest.intersect(box).size();
    if (size === 0n) continue;
    rest = rest.subtract(box);
    if (!best || size >= best.size) best = { cidr, route, size };
  }
  return best && { cidr: best.cidr, route: best.route };
}

/** The execution role of a function attached to a VPC, when the template defines it. */
export function executionRole(model: Model, fn: LambdaFunction): Role | undefined {
  if (!fn.vpcConfig || fn.capacityProviderId !== null) return undefined;
  return functionRole(model, fn);
}

/**
 * Where a function's traffic leaves from: its own VpcConfig, or, on Lambda Managed Instances, the VpcConfig of its
 * capacity provider (whose EC2 instances run it). Null outside a VPC or when the capacity provider is not known.
 */
export function functionNetwork(
  model: Model,
  fn: LambdaFunction,
): { readonly vpcConfig: VpcConfig; readonly capacityProvider: CapacityProvider | null } | null {
  if (fn.capacityProviderId === null) return fn.vpcConfig ? { vpcConfig: fn.vpcConfig, capacityProvider: null } : null;
  const cp = model.get("capacity-provider", fn.capacityProviderId);
  return cp && !isUnknown(cp.vpcConfig) ? { vpcConfig: cp.vpcConfig, capacityProvider: cp } : null;
}

/** The subnets of a function's VpcConfig (its capacity provider's, on Managed Instances) that the model knows. */
export function functionSubnets(model: Model, fn: LambdaFunction): Subnet[] {
  const ids = functionNetwork(model, fn)?.vpcConfig.subnetIds;
  if (!ids || isUnknown(ids)) return [];
  return ids.map((r) => model.get("subnet", r)).filter((s): s is Subnet => s !== undefined);
}

/** The AZ of a zonal NAT gateway (its subnet's), or null when not known. */
export function natAz(model: Model, natId: string): string | null {
  const nat = model.natGateway(natId);
  if (nat?.availability !== "zonal") return null;
  const subnet = model.get("subnet", nat.subnetId);
  return subnet && !isUnknown(subnet.az) ? subnet.az : null;
}

/** The execution role of any function (in a VPC or not), when the template defines it. */
export function functionRole(model: Model, fn: LambdaFunction): Role | undefined {
  return model.get("role", fn.roleId);
}

/** A function's ARN as a SymbolicString (its literal FunctionName, else its generated name). */
export function functionArn(fn: LambdaFunction): SymbolicString {
  return lambdaFunctionArn(fn.name ?? `\${${fn.id}}`);
}

/** An unqualified Lambda function ARN written out in full. */
const LITERAL_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}$/;

/** Why the template shows that a function calls another one. */
export type InvokeEvidence =
  | { readonly kind: "environment"; readonly variable: string }
  | { readonly kind: "sam-policy-template"; readonly statement: PolicyStatement };

export interface InvokeTarget {
  /** The logical id of a function of the template, or the literal ARN of one outside it. */
  readonly target: string;
  readonly inTemplate: boolean;
  readonly arn: SymbolicString;
  readonly evidence: readonly InvokeEvidence[];
}

/**
 * The functions the template shows `fn` calling: an environment variable holding another
 * function's name or ARN (a Ref / Fn::GetAtt Arn / Fn::Sub of a function of the template, its
 * literal FunctionName, or a literal function ARN), or a SAM `LambdaInvokePolicy` naming one.
 */
export function invokedFunctions(model: Model, fn: LambdaFunction): InvokeTarget[] {
  const byValue = functionsByNameOrArn(model);
  const out = new Map<string, { target: string; inTemplate: boolean; arn: string; evidence: InvokeEvidence[] }>();
  const add = (target: string, inTemplate: boolean, arn: string, e: InvokeEvidence) => {
    const t = out.get(target) ?? { target, inTemplate, arn, evidence: [] };
    t.evidence.push(e);
    out.set(target, t);
  };
  for (const [variable, value] of Object.entries(fn.environment ?? {})) {
    const other = byValue.get(value);
    if (other) {
      if (other !== fn) add(other.id, true, functionArn(other), { kind: "environment", variable });
    } else if (LITERAL_FUNCTION_ARN.test(value)) add(value, false, value, { kind: "environment", variable });
  }
  const role = functionRole(model, fn);
  for (const s of role?.statements ?? []) {
    if (s.policy?.kind !== "sam-policy-template" || s.policy.name !== "LambdaInvokePolicy" || isUnknown(s.resources)) continue;
    for (const r of s.resources) {
      // SAM builds arn:...:function:<FunctionName>*; <FunctionName> may itself be an ARN.
      const m = /:function:([^:]+)\*$/.exec(r);
      const other = m ? byValue.get(m[1] as string) : undefined;
      if (other && other !== fn) add(other.id, true, functionArn(other), { kind: "sam-policy-template", statement: s });
    }
  }
  return [...out.values()];
}

/** The template's functions by name (literal or generated-name token) and by ARN. */
const functionsByNameOrArn = memoize((model: Model): Map<string, LambdaFunction> => {
  const index = new Map<string, LambdaFunction>();
  for (const f of model.functions()) {
    index.set(f.name ?? `\${${f.id}}`, f);
    index.set(functionArn(f), f);
  }
  return index;
});
