// `cost --compare`: what the template's functions need (check's verdicts: the destinations they
// reach, whether their internet egress leaves from fixed Elastic IPs, how many AZs they span),
// priced under each pattern `lambda-egress new` builds, cheapest first, with what each gives up,
// and the break-even volume of an interface endpoint against the NAT per service.
import { availabilityZones } from "../aws/facts.ts";
import type { PatternName } from "../generate/patterns.ts";
import { isGatewayEndpointService, MAX_AZS, MIN_AZS, PATTERN_INFO, resolvePatternOptions } from "../generate/patterns.ts";
import { buildTemplate, renderTemplate } from "../generate/template.ts";
import type { CheckReport } from "../check.ts";
import { checkModel } from "../check.ts";
import { loadCloudFormation } from "../load/cfn/index.ts";
import type { Model } from "../model/model.ts";
import type { CostEstimate } from "./estimate.ts";
import { costModel, estimateCost } from "./estimate.ts";
import type { RegionPrices } from "./prices.ts";
import type { IntentsFile } from "../intents/parse.ts";
import { HOURS_PER_MONTH, regionPrices } from "./prices.ts";
import type { Traffic } from "./traffic.ts";
import { mergedTraffic, trafficDestinations } from "./traffic.ts";

export interface Needs {
  /** Some function reaches the public IPv4 internet (on every or some of its subnets). */
  readonly internet: boolean;
  /** Its internet egress leaves from Elastic IPs (an allowlist may rely on them). */
  readonly fixedEgressIps: boolean;
  /** AWS services the functions reach (or send traffic to), sorted. */
  readonly services: readonly string[];
  /** AZs of the functions' subnets (1 to 3 as `new` builds). */
  readonly azs: number;
  /** Functions in a VPC the needs come from. */
  readonly functions: readonly string[];
}

export interface DesignCost {
  readonly pattern: PatternName;
  /** The endpoints the design is built with. */
  readonly endpoints: readonly string[];
  readonly estimate: CostEstimate;
  /** What the design does not give that the functions have today. */
  readonly givesUp: readonly string[];
  /** Whether it still serves every need (a design giving up the internet does not). */
  readonly meetsNeeds: boolean;
}

export interface BreakEven {
  readonly service: string;
  /** GB per month above which an interface endpoint costs less than sending the service's traffic through the NAT gateway; null: the endpoint never pays on its own. */
  readonly gbPerMonth: number | null;
  /** GB per month the traffic gives for the service (null without traffic). */
  readonly givenGb: number | null;
  readonly detail: string;
}

export interface Comparison {
  readonly region: string;
  readonly needs: Needs;
  readonly current: CostEstimate;
  readonly designs: readonly DesignCost[];
  readonly breakEven: readonly BreakEven[];
  readonly notes: readonly string[];
}

/**
 * What the functions need: what check finds they reach today (and the traffic names), except for the functions an
 * intents file names, whose needs are what it says (`internet: reachable`, `aws:SERVICE: reachable`, `egressIps`);
 * plus, for every function, the AWS services check infers it needs (its role's grants) or the intents file states
 * (`needs:`), reached today or not.
 */
export function needsOf(model: Model, traffic?: Traffic, intents?: IntentsFile): Needs {
  return needsFromReport(checkReportFor(model, traffic, intents), traffic, intents);
}

/** check's report with the default destinations and those the traffic names (what both the needs and the estimate read). */
function checkReportFor(model: Model, traffic: Traffic | undefined, intents?: IntentsFile): CheckReport {
  return checkModel(model, {
    ...(traffic ? { alsoTo: trafficDestinations(traffic) } : {}),
    ...(intents ? { needs: intents.needs } : {}),
  });
}

function needsFromReport(report: CheckReport, traffic: Traffic | undefined, intents: IntentsFile | undefined): Needs {
  const stated = new Set(intents?.intents.map((i) => i.function) ?? []);
  const named = (f: { id: string; name: string | null }): boolean => stated.has(f.id) || (f.name !== null && stated.has(f.name));
  const fns = report.functions.filter((f) => f.inVpc);
  const reaches = (s: string | undefined) => s === "reachable" || s === "partial";
  const services = new Set<string>();
  const azs = new Set<string>();
  let internet = false;
  let fixed = false;
  for (const i of intents?.intents ?? []) {
    if (!fns.some((f) => f.id === i.function || f.name === i.function)) continue;
    if (i.kind === "egress-ips") {
      fixed = internet = true;
    } else if (i.expected === "reachable") {
      if (i.destination === "internet" || i.destination.startsWith("internet:")) internet = true;
      else if (i.destination.startsWith("aws:")) services.add(i.destination.slice(4));
    }
  }
  for (const f of fns) {
    // What the function needs by its role or the intents file, whether a road reaches it today or not.
    for (const n of f.needs ?? []) if (n.kind === "service") services.add(n.to.slice("aws:".length));
    if (named(f)) {
      for (const sub of f.subnets) if (sub.az) azs.add(sub.az);
      continue;
    }
    for (const [dest, s] of Object.entries(f.summary)) {
      if (dest === "internet" && reaches(s)) internet = true;
      if (dest.startsWith("aws:") && reaches(s)) services.add(dest.slice(4));
    }
    for (const sub of f.subnets) {
      if (sub.az) azs.add(sub.az);
      for (const d of sub.destinations)
        if (d.to === "internet" && d.verdict === "reachable" && d.egress.some((e) => e.eip !== null || e.publicIp !== null)) fixed = true;
    }
  }
  for (const v of traffic ? [traffic, ...Object.values(traffic.functions ?? {})] : []) {
    for (const [svc, gb] of Object.entries(v.services)) if (gb > 0) services.add(svc);
    if (v.internetOutGb + v.internetInGb > 0 && fns.length > 0) internet = true;
  }
  return {
    internet,
    fixedEgressIps: fixed,
    services: [...services].sort(),
    azs: Math.min(MAX_AZS, Math.max(MIN_AZS, azs.size)),
    functions: fns.map((f) => f.id),
  };
}

function givesUp(pattern: PatternName, needs: Needs): string[] {
  const info = PATTERN_INFO[pattern];
  const out: string[] = [];
  if (needs.internet && !info.internet) out.push("no general internet");
  if (needs.fixedEgressIps && !info.fixedEgressIps) out.push("no fixed egress IP");
  if (needs.azs > 1 && (pattern === "shared-nat-gateway" || pattern === "nat-instance"))
    out.push("no AZ failover (one NAT in one AZ; the other AZs' traffic crosses AZs)");
  return out;
}

export function breakEvens(prices: RegionPrices, needs: Needs, traffic?: Traffic): BreakEven[] {
  const out: BreakEven[] = [];
  const azHour = prices.interfaceEndpointAzHour;
  const firstGb = prices.interfaceEndpointGb?.tiers[0]?.usd;
  for (const service of needs.services) {
    const given = traffic
      ? [traffic, ...Object.values(traffic.functions ?? {})].reduce((sum, v) => sum + (v.services[service] ?? 0), 0)
      : null;
    if (isGatewayEndpointService(service)) {
      out.push({ service, gbPerMonth: 0, givenGb: given, detail: `a gateway endpoint for ${service} is free: it pays from the first GB` });
      continue;
    }
    if (azHour === null || firstGb === undefined) {
      out.push({ service, gbPerMonth: null, givenGb: given, detail: "no interface endpoint price in the price data for this region" });
      continue;
    }
    const saved = prices.natGatewayGb.usd - firstGb;
    const fixedUsd = needs.azs * HOURS_PER_MONTH * azHour.usd;
    if (saved <= 0) {
      out.push({ service, gbPerMonth: null, givenGb: given, detail: "the endpoint's per-GB price is not below the NAT gateway's" });
      continue;
    }
    const gb = Math.round((fixedUsd / saved) * 100) / 100;
    const verdict = given === null ? "" : given > gb ? `; at ${given} GB the endpoint is cheaper` : `; at ${given} GB the NAT is cheaper`;
    out.push({
      service,
      gbPerMonth: gb,
      givenGb: given,
      detail: `${needs.azs} AZ x ${HOURS_PER_MONTH} h x ${azHour.usd} = ${fixedUsd.toFixed(2)} USD/month, saved ${saved.toFixed(3)} USD per GB${verdict}`,
    });
  }
  return out;
}

/** The patterns compared: every one `new` builds for standard functions (dual-stack only adds IPv6; Managed Instances only for capacity providers). */
const COMPARED: readonly PatternName[] = ["nat-gateway", "shared-nat-gateway", "regional-nat-gateway", "nat-instance", "endpoints"];

export function compareDesigns(model: Model, traffic?: Traffic, intents?: IntentsFile): Comparison {
  const prices = regionPrices(model.region);
  // One check of the template serves both its needs and its own estimate (which looks destinations up by label).
  const report = checkReportFor(model, traffic, intents);
  const needs = needsFromReport(report, traffic, intents);
  const current = traffic ? estimateCost(model, { traffic, check: report }) : estimateCost(model);
  const notes: string[] = [
    `each design is the template 'lambda-egress new PATTERN --azs ${needs.azs}' builds, with gateway endpoints for the S3/DynamoDB the functions use (free), priced with the same traffic`,
    "dual-stack costs what nat-gateway costs (its egress-only internet gateway is free); managed-instances-public applies to Lambda Managed Instances only",
  ];
  if (needs.functions.length === 0) notes.push("no function is in a VPC: there is nothing to compare");
  const azsKnown = availabilityZones(model.region)?.length;
  if (azsKnown !== undefined && needs.azs > azsKnown) notes.push(`${model.region} has ${azsKnown} AZs in the usual account`);
  const designs: DesignCost[] = [];
  const gatewayServices = needs.services.filter(isGatewayEndpointService);
  for (const pattern of needs.functions.length === 0 ? [] : COMPARED) {
    const endpoints = pattern === "endpoints" ? needs.services : gatewayServices;
    if (pattern === "endpoints" && endpoints.length === 0) {
      notes.push("endpoints: not compared, the functions use no AWS service");
      continue;
    }
    const resolved = resolvePatternOptions({ pattern, azs: needs.azs, endpoints });
    if ("errors" in resolved) {
      notes.push(`${pattern}: not compared (${resolved.errors.join("; ")})`);
      continue;
    }
    const text = renderTemplate(buildTemplate(resolved.options, "cloudformation"));
    const built = loadCloudFormation(`${pattern}.yaml`, text, { region: model.region });
    // The built template has one function (DemoFunction) in every function subnet: it carries all the traffic.
    const estimate = costModel(built, traffic ? mergedTraffic(traffic) : undefined);
    const g = givesUp(pattern, needs);
    designs.push({ pattern, endpoints, estimate, givesUp: g, meetsNeeds: !(needs.internet && !PATTERN_INFO[pattern].internet) });
  }
  designs.sort((a, b) => a.estimate.monthlyUsd - b.estimate.monthlyUsd || a.pattern.localeCompare(b.pattern));
  return { region: model.region, needs, current, designs, breakEven: breakEvens(prices, needs, traffic), notes };
}
