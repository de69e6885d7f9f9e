// check: every function x every subnet of its VpcConfig x every destination, plus what a
// function placed in each subnet would see. Pure over the model.
import type { Model } from "../model/model.ts";
import type { EntityRef, LambdaFunction, Location, Subnet } from "../model/types.ts";
import { isUnknown, locationOf } from "../model/types.ts";
import type { Destination } from "./destination.ts";
import { parseDestination } from "./destination.ts";
import type { ReachOptions, ReachResult } from "./reach.ts";
import { Reachability } from "./reach.ts";

export type Summary = "reachable" | "partial" | "unreachable" | "unknown";

export interface SubnetReport {
  readonly subnet: string;
  readonly az: string | null;
  readonly destinations: readonly ReachResult[];
}

export interface FunctionReport {
  readonly id: string;
  readonly name: string | null;
  readonly inVpc: boolean;
  readonly vpc: string | null;
  readonly summary: Readonly<Record<string, Summary>>;
  readonly subnets: readonly SubnetReport[];
  /** Why the whole function is unknown (e.g. its subnets are parameters). */
  readonly reason?: string;
  readonly location: Location;
}

/** What a function with allow-all egress would see from each subnet of the template. */
export interface SubnetView {
  readonly subnet: string;
  readonly vpc: string | null;
  readonly az: string | null;
  readonly destinations: readonly ReachResult[];
}

export interface Analysis {
  readonly functions: readonly FunctionReport[];
  readonly subnets: readonly SubnetView[];
  readonly destinations: readonly Destination[];
}

export const DEFAULT_DESTINATIONS = ["internet"] as const;

export function summarize(verdicts: readonly string[]): Summary {
  if (verdicts.length === 0) return "unknown";
  if (verdicts.every((v) => v === "reachable")) return "reachable";
  if (verdicts.every((v) => v === "unreachable")) return "unreachable";
  if (verdicts.includes("reachable") && verdicts.includes("unreachable")) return "partial";
  return "unknown";
}

function label(ref: EntityRef): string {
  return isUnknown(ref) ? (ref.literal ?? "(unresolved)") : ref;
}

function unknownReach(dest: Destination, reason: string, location?: Location): ReachResult {
  return { to: dest.label, verdict: "unknown", code: "UNKNOWN_RESOURCE", reason, egress: [], trace: [], ...(location ? { location } : {}) };
}

export function analyze(model: Model, destinations: readonly string[] = DEFAULT_DESTINATIONS, options: ReachOptions = {}): Analysis {
  const dests = destinations.map(parseDestination);
  const engine = new Reachability(model, options);
  // One result per (subnet, security groups, destination): Lambda shares one Hyperplane ENI
  // per subnet and security-group set, and so does the verdict.
  const cache = new Map<string, ReachResult>();
  const reach = (subnet: Subnet, sgs: readonly EntityRef[], dest: Destination): ReachResult => {
    const key = `${subnet.id}\u0000${sgs.map(label).sort().join(",")}\u0000${dest.label}`;
    let r = cache.get(key);
    if (!r) {
      r = engine.reach({ subnet, securityGroupIds: sgs }, dest);
      cache.set(key, r);
    }
    return r;
  };

  const functions = [...model.functions()].sort((a, b) => a.id.localeCompare(b.id)).map((fn) => functionReport(model, fn, dests, reach));

  // Per-subnet views answer "what could a function placed here reach" for templates that
  // define a network but no function (shared VPC stacks); with functions, their reports say it.
  const subnets: SubnetView[] = (functions.length > 0 ? [] : [...model.all("subnet")])
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((subnet) => {
      const vpc = model.vpc(subnet.vpcId);
      const open = vpc ? [vpc.defaultSecurityGroupId] : [];
      return {
        subnet: subnet.id,
        vpc: vpc?.id ?? null,
        az: isUnknown(subnet.az) ? null : subnet.az,
        destinations: dests.map((d) =>
          vpc ? engine.reach({ subnet, securityGroupIds: open }, d) : unknownReach(d, "the subnet's VPC is unknown"),
        ),
      };
    });
  return { functions, subnets, destinations: dests };
}

function functionReport(
  model: Model,
  fn: LambdaFunction,
  dests: readonly Destination[],
  reach: (s: Subnet, sgs: readonly EntityRef[], d: Destination) => ReachResult,
): FunctionReport {
  const location = locationOf(fn.origin);
  const base = { id: fn.id, name: fn.name, location };
  const all = (summary: Summary) => Object.fromEntries(dests.map((d) => [d.label, summary]));
  if (fn.capacityProviderId !== null) {
    const cp = isUnknown(fn.capacityProviderId) ? fn.capacityProviderId.reason : fn.capacityProviderId;
    const reason = `runs on Lambda Managed Instances (capacity provider ${cp}), whose network is not modelled yet`;
    return { ...base, inVpc: true, vpc: null, summary: all("unknown"), subnets: [], reason };
  }
  const vc = fn.vpcConfig;
  if (!vc) {
    // Outside any VPC: Lambda's own network reaches the internet.
    return { ...base, inVpc: false, vpc: null, summary: all("reachable"), subnets: [] };
  }
  if (isUnknown(vc.subnetIds)) {
    return {
      ...base,
      inVpc: true,
      vpc: null,
      summary: all("unknown"),
      subnets: [],
      reason: `its subnets are not known: ${vc.subnetIds.reason}`,
    };
  }
  const sgs = isUnknown(vc.securityGroupIds) ? [vc.securityGroupIds] : vc.securityGroupIds;
  const reports: SubnetReport[] = [];
  let vpcId: string | null = null;
  for (const ref of vc.subnetIds) {
    const subnet = model.get("subnet", ref);
    if (!subnet) {
      const why = isUnknown(ref) ? ref.reason : `subnet ${ref} is not defined in this template`;
      reports.push({ subnet: label(ref), az: null, destinations: dests.map((d) => unknownReach(d, why, location)) });
      continue;
    }
    if (typeof subnet.vpcId === "string") vpcId ??= subnet.vpcId;
    reports.push({
      subnet: subnet.id,
      az: isUnknown(subnet.az) ? null : subnet.az,
      destinations: dests.map((d) => reach(subnet, sgs, d)),
    });
  }
  const summary = Object.fromEntries(
    dests.map((d) => [d.label, summarize(reports.map((r) => r.destinations.find((x) => x.to === d.label)?.verdict ?? "unknown"))]),
  );
  return { ...base, inVpc: true, vpc: vpcId, summary, subnets: reports };
}
