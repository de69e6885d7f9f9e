// check: every function x every subnet of its VpcConfig x every destination, plus what a
// function placed in each subnet would see. Pure over the model.
import type { Model } from "../model/model.ts";
import type { CapacityProvider, EntityRef, LambdaFunction, Location, Subnet, Unknown } from "../model/types.ts";
import { isUnknown, locationOf } from "../model/types.ts";
import type { Destination } from "./destination.ts";
import { parseDestination } from "./destination.ts";
import { bindResource } from "./hops/resources.ts";
import type { NeedsSetting } from "../intents/parse.ts";
import type { Need } from "./needs.ts";
import { inferNeeds } from "./needs.ts";
import { capacityProviderOf, managedInstancesHost } from "./managed-instances.ts";
import type { ReachOptions, ReachResult } from "./reach.ts";
import { FACTS, Reachability } from "./reach.ts";

export type Summary = "reachable" | "partial" | "unreachable" | "unknown";

export interface SubnetReport {
  readonly subnet: string;
  readonly az: string | null;
  /** The AZ id (`use1-az4`: the same zone in every account, unlike its name), when the model knows it (a deployed account). */
  readonly azId?: string;
  /** The subnet's `Name` tag, when the model knows it (a deployed account). */
  readonly name?: string;
  readonly destinations: readonly ReachResult[];
}

export interface FunctionReport {
  readonly id: string;
  readonly name: string | null;
  readonly inVpc: boolean;
  readonly vpc: string | null;
  /** The VPC's `Name` tag, when the model knows it (a deployed account). */
  readonly vpcName?: string;
  readonly summary: Readonly<Record<string, Summary>>;
  readonly subnets: readonly SubnetReport[];
  /** The destinations inferred for this function (see needs.ts), each with why and where; absent when none. */
  readonly needs?: readonly Need[];
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

/** Always checked when `--to` is not given; each function adds `internet6` (dual-stack) and its VPC's endpoint services. */
export const DEFAULT_DESTINATIONS = ["internet"] as const;

/**
 * The destinations `check` looks at by default for a function or subnet in `vpcId`: `internet`,
 * `internet6` when the function sends IPv6, and `aws:SERVICE` for every AWS service that has an
 * endpoint in the VPC (so a broken endpoint shows, and so does the road a service takes without one).
 */
export function defaultDestinations(model: Model, vpcId: string | null, ipv6: boolean): string[] {
  const out: string[] = [...DEFAULT_DESTINATIONS];
  if (ipv6) out.push("internet6");
  const services = new Set<string>();
  for (const e of vpcId === null ? [] : model.vpcEndpointsOf(vpcId)) {
    if (typeof e.service === "string") services.add(e.service);
  }
  for (const svc of [...services].sort()) out.push(`aws:${svc}`);
  return out;
}

/** One verdict for a destination over several subnets: all reachable, all unreachable, some of each (partial), or unknown. */
export function combineVerdicts(verdicts: readonly string[]): Summary {
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
  return {
    to: dest.label,
    verdict: "unknown",
    code: "UNKNOWN_RESOURCE",
    reason,
    egress: [],
    trace: [],
    ...(location ? { location } : {}),
    [FACTS]: { destination: dest, paths: [] },
  };
}

/**
 * Analyses every function (and, without functions, every subnet). `destinations` empty or
 * absent: the defaults; `also`: destinations analysed in addition (e.g. those intents name).
 */
export function analyze(
  model: Model,
  destinations?: readonly string[],
  options: ReachOptions = {},
  also: readonly string[] = [],
  settings?: ReadonlyMap<string, NeedsSetting>,
): Analysis {
  const parsed = new Map<string, Destination>();
  const parse = (labels: readonly string[]): Destination[] =>
    labels.map((l) => {
      let d = parsed.get(l);
      if (!d) {
        d = parseDestination(l);
        if (d.kind === "resource") d = bindResource(model, d);
        parsed.set(l, d);
      }
      return d;
    });
  const extra = parse(also);
  const withExtra = (ds: Destination[]): Destination[] => {
    if (extra.length === 0) return ds;
    const labels = new Set(ds.map((d) => d.label));
    return [...ds, ...extra.filter((d) => !labels.has(d.label))];
  };
  const explicit = destinations && destinations.length > 0 ? withExtra(parse(destinations)) : null;
  // The defaults depend on the VPC and the IP family only: computed once per pair.
  const defaults = new Map<string, Destination[]>();
  const destsFor = (vpcId: string | null, ipv6: boolean): Destination[] => {
    if (explicit) return explicit;
    const key = `${ipv6 ? "6" : "4"}${vpcId ?? ""}`;
    let ds = defaults.get(key);
    if (!ds) {
      ds = withExtra(parse(defaultDestinations(model, vpcId, ipv6)));
      defaults.set(key, ds);
    }
    return ds;
  };
  const engine = new Reachability(model, options);
  // One result per (subnet, security groups, destination): Lambda shares one Hyperplane ENI
  // per subnet and security-group set, and so does the verdict. Functions on Lambda Managed
  // Instances walk the same way from their capacity provider's instances (`provider`).
  const cache = new Map<string, ReachResult>();
  const reachFrom =
    (provider: CapacityProvider | null): SubnetReach =>
    (subnet, sgs, ipv6Allowed, dest) => {
      const v6 = dest.family === 6 ? `\u0000${isUnknown(ipv6Allowed) ? "?" : ipv6Allowed}` : "";
      const key = `${provider?.id ?? ""}\u0000${subnet.id}\u0000${sgs.map(label).sort().join(",")}\u0000${dest.label}${v6}`;
      let r = cache.get(key);
      if (!r) {
        const managedInstances = provider ? { managedInstances: managedInstancesHost(provider, subnet) } : {};
        r = engine.reach({ subnet, securityGroupIds: sgs, ipv6Allowed, ...managedInstances }, dest);
        cache.set(key, r);
      }
      return r;
    };

  const functions = [...model.functions()]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((fn) => {
      const dests = destsFor(functionVpc(model, fn), fn.vpcConfig?.ipv6AllowedForDualStack === true);
      // Without --to, what the function needs comes too; a function outside any VPC is not wired to a VPC's resources.
      // An intents file may state needs, turn inference off, or leave some inferred destinations out.
      const setting = settings?.get(fn.id) ?? (fn.name !== null ? settings?.get(fn.name) : undefined);
      const inVpc = fn.vpcConfig !== null || fn.capacityProviderId !== null;
      const inferred = explicit || !inVpc || setting?.infer === false ? [] : inferNeeds(model, fn);
      const ignored = new Set(setting?.ignore ?? []);
      const stated: Need[] = (setting?.needs ?? []).map((n) => ({
        to: n.to,
        kind: n.to.startsWith("resource:") ? "resource" : "service",
        because: "the intents file states it",
        location: n.location,
      }));
      const needs = [...stated, ...inferred.filter((n) => !ignored.has(n.to) && !stated.some((s) => s.to === n.to))];
      const labels = new Set(dests.map((d) => d.label));
      const more = parse(needs.map((n) => n.to).filter((l) => !labels.has(l)));
      const report = functionReport(model, fn, more.length > 0 ? [...dests, ...more] : dests, reachFrom, (sgs, d, why, at) =>
        engine.unplaced(sgs, d, why, at),
      );
      return needs.length > 0 ? { ...report, needs } : report;
    });

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
        destinations: destsFor(vpc?.id ?? null, false).map((d) =>
          vpc ? engine.reach({ subnet, securityGroupIds: open, ipv6Allowed: true }, d) : unknownReach(d, "the subnet's VPC is unknown"),
        ),
      };
    });
  return { functions, subnets, destinations: [...parsed.values()] };
}

/** The VPC of a function's first subnet that the template defines (its capacity provider's, on Managed Instances). */
function functionVpc(model: Model, fn: LambdaFunction): string | null {
  const mi = fn.capacityProviderId !== null ? capacityProviderOf(model, fn) : null;
  const ids = mi ? ("reason" in mi ? undefined : mi.vpcConfig.subnetIds) : fn.vpcConfig?.subnetIds;
  if (!ids || isUnknown(ids)) return null;
  for (const ref of ids) {
    const vpcId = model.get("subnet", ref)?.vpcId;
    if (typeof vpcId === "string") return vpcId;
  }
  return null;
}

/** The verdict from one subnet of a VpcConfig (with its security groups) to a destination. */
type SubnetReach = (subnet: Subnet, sgs: readonly EntityRef[], ipv6Allowed: boolean | Unknown, dest: Destination) => ReachResult;

function functionReport(
  model: Model,
  fn: LambdaFunction,
  dests: readonly Destination[],
  reachFrom: (provider: CapacityProvider | null) => SubnetReach,
  unplaced: (sgs: readonly EntityRef[], dest: Destination, why: string, location: Location) => ReachResult,
): FunctionReport {
  const location = locationOf(fn.origin);
  const base = { id: fn.id, name: fn.name, location };
  const all = (summary: Summary) => Object.fromEntries(dests.map((d) => [d.label, summary]));
  let vc = fn.vpcConfig;
  let provider: CapacityProvider | null = null;
  if (fn.capacityProviderId !== null) {
    // Lambda Managed Instances: the capacity provider's VpcConfig, from its instances.
    const mi = capacityProviderOf(model, fn);
    if ("reason" in mi) return { ...base, inVpc: true, vpc: null, summary: all("unknown"), subnets: [], reason: mi.reason };
    vc = mi.vpcConfig;
    provider = mi.provider;
  }
  if (!vc) {
    // Outside any VPC: Lambda's own network reaches the internet.
    return { ...base, inVpc: false, vpc: null, summary: all("reachable"), subnets: [] };
  }
  const sgs = isUnknown(vc.securityGroupIds) ? [vc.securityGroupIds] : vc.securityGroupIds;
  if (isUnknown(vc.subnetIds)) {
    // The security groups may still decide, whatever the subnets are.
    const why = `its subnets are not known: ${vc.subnetIds.reason}`;
    const verdicts = dests.map((d) => unplaced(sgs, d, why, location));
    const decided = verdicts.filter((r) => r.verdict !== "unknown");
    return {
      ...base,
      inVpc: true,
      vpc: null,
      summary: Object.fromEntries(verdicts.map((r) => [r.to, r.verdict])),
      subnets: decided.length > 0 ? [{ subnet: label(vc.subnetIds), az: null, destinations: verdicts }] : [],
      reason: why,
    };
  }
  const reach = reachFrom(provider);
  const reports: SubnetReport[] = [];
  let vpcId: string | null = null;
  for (const ref of vc.subnetIds) {
    const subnet = model.get("subnet", ref);
    if (!subnet) {
      const why = isUnknown(ref) ? ref.reason : `subnet ${ref} is not defined in this template`;
      reports.push({ subnet: label(ref), az: null, destinations: dests.map((d) => unplaced(sgs, d, why, location)) });
      continue;
    }
    if (typeof subnet.vpcId === "string") vpcId ??= subnet.vpcId;
    reports.push({
      subnet: subnet.id,
      az: isUnknown(subnet.az) ? null : subnet.az,
      ...(subnet.azId !== undefined ? { azId: subnet.azId } : {}),
      ...(subnet.origin.name !== undefined ? { name: subnet.origin.name } : {}),
      destinations: dests.map((d) => reach(subnet, sgs, vc.ipv6AllowedForDualStack, d)),
    });
  }
  const summary = Object.fromEntries(
    // Each subnet's results are in the order of dests (found by label when not: linear, not a search per destination).
    dests.map((d, i) => [
      d.label,
      combineVerdicts(
        reports.map(
          (r) =>
            (r.destinations[i]?.to === d.label ? r.destinations[i] : r.destinations.find((x) => x.to === d.label))?.verdict ?? "unknown",
        ),
      ),
    ]),
  );
  const vpcName = vpcId === null ? undefined : model.get("vpc", vpcId)?.origin.name;
  return { ...base, inVpc: true, vpc: vpcId, ...(vpcName !== undefined ? { vpcName } : {}), summary, subnets: reports };
}
