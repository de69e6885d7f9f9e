// The monthly cost of what a template builds: NAT gateways (zonal, regional), public IPv4
// addresses, NAT instances with their volumes, interface endpoints per AZ, and, with traffic,
// the data each of them processes where check's roads say it goes. Pure over the model and the
// check report. Formulas: as AWS bills (https://aws.amazon.com/vpc/pricing/): hours per resource, GB processed
// per NAT gateway or endpoint, data transfer on top.
//
// Amounts are computed in millionths of a dollar (every unit price has at most 4 decimals and
// hours are whole), so 2 x 730 x (0.062 + 0.005) is exactly 97.82; the total is rounded to the
// cent once, from the exact amounts.
import type { CheckReport } from "../check.ts";
import { checkModel } from "../check.ts";
import type { FunctionReport } from "../analyze/analysis.ts";
import type { ReachResult } from "../analyze/reach.ts";
import { managedInstancesHost } from "../analyze/managed-instances.ts";
import { ROOT_DEVICE_NAMES } from "../aws/facts.ts";
import type { Model } from "../model/model.ts";
import type { Entity, EntityRef, Instance, NatGateway, PublicAddress, Unknown } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";
import type { Price, RegionPrices, TieredPrice } from "./prices.ts";
import {
  CROSS_AZ_GB,
  dateRange,
  GATEWAY_ENDPOINT,
  HOURS_PER_MONTH,
  PUBLIC_IPV4_HOUR,
  REGIONAL_NAT_BILLING_NOTE,
  regionPrices,
} from "./prices.ts";
import type { Traffic } from "./traffic.ts";
import type { TrafficClass } from "./traffic.ts";
import { destinationOfClass, TrafficError, trafficClasses, trafficDestinations } from "./traffic.ts";

export interface CostItem {
  /** The resource (logical id), or what the charge is about when it is not one resource (e.g. `internet`). */
  readonly resource: string;
  readonly what: string;
  /** USD per month; null when unknown (then `unknown` says why). */
  readonly monthlyUsd: number | null;
  readonly unknown?: string;
  /** `fixed`: charged whatever the traffic; `traffic`: from the traffic given. */
  readonly kind: "fixed" | "traffic";
  readonly quantity?: number;
  readonly unit?: string;
  readonly unitUsd?: number;
  /** When the unit price was seen (null: an undated source). */
  readonly priceSeen?: string | null;
  /** Where the unit price was seen. */
  readonly priceSource?: string;
  readonly confidence?: string;
}

export interface CostEstimate {
  readonly region: string;
  /** The sum of the known items, rounded to the cent. A lower bound when `lowerBound`. */
  readonly monthlyUsd: number;
  readonly lowerBound: boolean;
  readonly hoursPerMonth: number;
  readonly items: readonly CostItem[];
  readonly notes: readonly string[];
  /** The oldest and newest date among the prices used, and how many used are undated. */
  readonly pricesSeen: { readonly oldest: string | null; readonly newest: string | null; readonly undated: number };
}

export interface EstimateOptions {
  readonly traffic?: Traffic;
  /** check's report for the model, with the destinations trafficDestinations names (needed with traffic). */
  readonly check?: CheckReport;
}

/** Millionths of a dollar. */
const micro = (usd: number): number => Math.round(usd * 1e6);
const fromMicro = (m: number): number => Math.round(m) / 1e6;
const toCents = (m: number): number => Math.round(m / 1e4) / 100;

export function formatUsd(usd: number): string {
  return usd.toFixed(2);
}

/** The cost of `gb` under tiered prices (micro-USD), or null when the tiers end before it. */
export function tieredMicro(t: TieredPrice, gb: number): number | null {
  let left = gb;
  let from = 0;
  let total = 0;
  for (const tier of t.tiers) {
    if (left <= 0) break;
    const size = tier.upToGb === null ? left : Math.min(left, tier.upToGb - from);
    total += size * micro(tier.usd);
    left -= size;
    from = tier.upToGb ?? from;
  }
  return left > 1e-9 ? null : total;
}

class Items {
  readonly items: CostItem[] = [];
  readonly used: (Price | TieredPrice)[] = [];
  readonly notes: string[] = [];
  private readonly exact: number[] = [];

  add(resource: string, what: string, kind: CostItem["kind"], quantity: number, unit: string, price: Price, condition?: string): void {
    const m = quantity * micro(price.usd);
    this.used.push(price);
    const base = {
      resource,
      what,
      kind,
      quantity,
      unit,
      unitUsd: price.usd,
      priceSeen: price.seen,
      priceSource: price.source,
      confidence: price.confidence,
    };
    if (condition !== undefined) {
      this.items.push({
        ...base,
        monthlyUsd: null,
        unknown: `would cost ${formatUsd(toCents(m))} USD/month if created, which the template leaves open (${condition})`,
      });
      return;
    }
    this.items.push({ ...base, monthlyUsd: fromMicro(m) });
    this.exact.push(m);
  }

  addMicro(resource: string, what: string, kind: CostItem["kind"], m: number, price: TieredPrice, quantity: number, unit: string): void {
    this.used.push(price);
    this.items.push({
      resource,
      what,
      kind,
      quantity,
      unit,
      monthlyUsd: fromMicro(m),
      priceSeen: price.seen,
      priceSource: price.source,
      confidence: price.confidence,
    });
    this.exact.push(m);
  }

  unknown(resource: string, what: string, kind: CostItem["kind"], reason: string): void {
    this.items.push({ resource, what, kind, monthlyUsd: null, unknown: reason });
  }

  total(): number {
    return toCents(this.exact.reduce((a, b) => a + b, 0));
  }
}

function conditionOf(e: Entity): string | undefined {
  return e.origin.conditionUnknown;
}

function azOf(model: Model, subnetRef: EntityRef | null): string | Unknown {
  if (subnetRef === null) return { unknown: true, reason: "no subnet" };
  if (isUnknown(subnetRef)) return subnetRef;
  const s = model.get("subnet", subnetRef);
  if (!s) return { unknown: true, reason: `subnet ${subnetRef} is not in the template` };
  return s.az;
}

/** The AZs a regional NAT gateway is active in: its manual-mode AZs, else those of the subnets that route to it. */
function regionalAzs(model: Model, nat: NatGateway): string[] | Unknown {
  if (nat.regionalAzs !== "auto") {
    const azs = nat.regionalAzs;
    return azs.map((a, i) => (isUnknown(a) ? `(AZ ${i + 1}, known at deploy time)` : a));
  }
  const azs = new Set<string>();
  for (const s of model.all("subnet")) {
    const rt = model.routeTableFor(s);
    if (!rt || !rt.routes.some((r) => r.target.kind === "nat-gateway" && r.target.id === nat.id)) continue;
    if (isUnknown(s.az)) return { unknown: true, reason: `subnet ${s.id} routes to it and its AZ is not known (${s.az.reason})` };
    azs.add(s.az);
  }
  if (azs.size === 0)
    return { unknown: true, reason: "no subnet of the template routes to it, and AWS activates it in the AZs where workloads use it" };
  return [...azs].sort();
}

/** EC2 instances that act as NAT: route targets (directly or by their network interface). */
function natInstances(model: Model): Instance[] {
  const ids = new Set<string>();
  for (const rt of model.all("route-table")) {
    for (const r of rt.routes) {
      if (r.target.kind === "instance" && typeof r.target.id === "string") ids.add(r.target.id);
      if (r.target.kind === "network-interface") {
        const inst = model.instanceOfInterface(r.target.id);
        if (inst) ids.add(inst.id);
      }
    }
  }
  return model.all("instance").filter((i) => ids.has(i.id));
}

function fixedCosts(model: Model, prices: RegionPrices, out: Items): void {
  const H = HOURS_PER_MONTH;
  const ipv4 = (resource: string, what: string, cond?: string) => out.add(resource, what, "fixed", H, "hours", PUBLIC_IPV4_HOUR, cond);
  const addressItem = (owner: string, a: PublicAddress, cond?: string) => {
    // Elastic IPs of the template are priced as resources of their own.
    if (a.kind === "elastic-ip" && model.get("elastic-ip", a.eipId)) return;
    if (a.kind === "elastic-ip" || a.kind === "allocation") {
      const id = a.kind === "allocation" ? a.allocationId : a.eipId;
      ipv4(owner, `public IPv4 address of existing Elastic IP ${id} (charged in use or idle)`, cond);
    } else if (a.kind === "auto-assigned") ipv4(owner, "public IPv4 address (auto-assigned)", cond);
    else out.unknown(owner, "public IPv4 address", "fixed", a.reason);
  };

  for (const eip of model.all("elastic-ip")) ipv4(eip.id, "public IPv4 address (Elastic IP), in use or idle", conditionOf(eip));

  for (const nat of model.all("nat-gateway")) {
    const cond = conditionOf(nat);
    if (nat.availability === "zonal") {
      out.add(nat.id, `NAT gateway (${nat.connectivity}), per hour`, "fixed", H, "hours", prices.natGatewayHour, cond);
      if (nat.connectivity === "public") for (const a of nat.addresses) addressItem(nat.id, a, cond);
      continue;
    }
    const azs = regionalAzs(model, nat);
    if (isUnknown(azs)) {
      out.unknown(nat.id, "regional NAT gateway, per hour in each active AZ", "fixed", azs.reason);
      if (nat.connectivity === "public") out.unknown(nat.id, "public IPv4 addresses of the regional NAT gateway", "fixed", azs.reason);
      continue;
    }
    out.add(
      nat.id,
      `regional NAT gateway, per hour in each of ${azs.length} active AZ(s) (${azs.join(", ")})`,
      "fixed",
      H * azs.length,
      "AZ-hours",
      prices.regionalNatGatewayHour,
      cond,
    );
    if (!out.notes.includes(REGIONAL_NAT_BILLING_NOTE)) out.notes.push(REGIONAL_NAT_BILLING_NOTE);
    if (nat.connectivity === "public") {
      for (const a of nat.addresses) addressItem(nat.id, a, cond);
      const auto = azs.length - nat.addresses.length;
      if (nat.regionalAzs === "auto" && auto > 0)
        out.add(
          nat.id,
          `public IPv4 addresses AWS allocates in auto mode (${auto}: one per active AZ beyond those given)`,
          "fixed",
          H * auto,
          "IP-hours",
          PUBLIC_IPV4_HOUR,
          cond,
        );
    }
  }

  for (const inst of natInstances(model)) {
    const cond = conditionOf(inst);
    const type = inst.instanceType;
    if (type === undefined || isUnknown(type))
      out.unknown(inst.id, "NAT instance, per hour", "fixed", `its instance type is not known (${type?.reason ?? "not read"})`);
    else {
      const price = prices.instanceHour[type];
      if (price) out.add(inst.id, `NAT instance ${type}, per hour`, "fixed", H, "hours", price, cond);
      else
        out.unknown(
          inst.id,
          `NAT instance ${type}, per hour`,
          "fixed",
          `no price for ${type} in ${modelRegion(model)} in the price data (known: ${Object.keys(prices.instanceHour).join(", ") || "none"})`,
        );
    }
    const volumes = inst.volumes ?? [];
    if (!volumes.some((v) => typeof v.device === "string" && ROOT_DEVICE_NAMES.has(v.device)))
      out.unknown(inst.id, "root EBS volume", "fixed", "its size and type come from the AMI, which the template does not state");
    for (const v of volumes) {
      const dev = isUnknown(v.device) ? "a volume" : v.device;
      if (isUnknown(v.sizeGb)) out.unknown(inst.id, `EBS volume ${dev}`, "fixed", v.sizeGb.reason);
      else if (isUnknown(v.type)) out.unknown(inst.id, `EBS volume ${dev} (${v.sizeGb} GB)`, "fixed", v.type.reason);
      else if (v.type !== "gp3" || prices.gp3GbMonth === null)
        out.unknown(
          inst.id,
          `EBS volume ${dev} (${v.sizeGb} GB ${v.type})`,
          "fixed",
          `no ${v.type} price for ${modelRegion(model)} in the price data`,
        );
      else out.add(inst.id, `EBS volume ${dev} (gp3), per GB-month`, "fixed", v.sizeGb, "GB-months", prices.gp3GbMonth, cond);
    }
    if (inst.publicAddress) addressItem(inst.id, inst.publicAddress, cond);
  }

  for (const ep of model.all("vpc-endpoint")) {
    const cond = conditionOf(ep);
    const svc = typeof ep.service === "string" ? ep.service : isUnknown(ep.serviceName) ? "a service" : ep.serviceName;
    if (isUnknown(ep.type)) out.unknown(ep.id, `VPC endpoint for ${svc}`, "fixed", `its type is not known (${ep.type.reason})`);
    else if (ep.type === "Gateway")
      out.add(ep.id, `gateway endpoint for ${svc} (no hourly or per-GB charge)`, "fixed", 0, "hours", GATEWAY_ENDPOINT, cond);
    else if (ep.type !== "Interface")
      out.unknown(ep.id, `${ep.type} endpoint for ${svc}`, "fixed", `${ep.type} endpoints are not in the price data`);
    else if (isUnknown(ep.subnetIds))
      out.unknown(ep.id, `interface endpoint for ${svc}, per AZ-hour`, "fixed", `its subnets are not known (${ep.subnetIds.reason})`);
    else if (prices.interfaceEndpointAzHour === null)
      out.unknown(
        ep.id,
        `interface endpoint for ${svc}, per AZ-hour`,
        "fixed",
        `no interface endpoint price for ${modelRegion(model)} in the price data`,
      );
    else {
      const n = ep.subnetIds.length;
      out.add(
        ep.id,
        `interface endpoint for ${svc}, per AZ-hour (${n} AZ${n === 1 ? "" : "s"})`,
        "fixed",
        H * n,
        "AZ-hours",
        prices.interfaceEndpointAzHour,
        cond,
      );
    }
  }

  // Lambda Managed Instances: the instances are compute (not priced here); in a subnet that maps
  // public IPv4 addresses each instance also holds one, and how many run is decided at run time.
  for (const cp of model.all("capacity-provider")) {
    if (isUnknown(cp.vpcConfig)) {
      out.unknown(cp.id, "public IPv4 addresses of its instances", "fixed", `its VpcConfig is not known (${cp.vpcConfig.reason})`);
      continue;
    }
    const subnetIds = cp.vpcConfig.subnetIds;
    const subnets = isUnknown(subnetIds) ? [] : subnetIds.map((ref) => model.get("subnet", ref));
    const hosts = subnets.map((sub) => (sub ? managedInstancesHost(cp, sub) : undefined));
    const why = isUnknown(subnetIds)
      ? `its subnets are not known (${subnetIds.reason})`
      : hosts.some((h) => h === undefined)
        ? `whether its instances get public IPv4 addresses is not known (${missingSubnet(subnetIds[hosts.indexOf(undefined)])})`
        : hosts.find((h) => h !== undefined && h.publicIp !== false)?.publicIpWhy;
    if (why !== undefined)
      out.unknown(
        cp.id,
        "public IPv4 addresses of its instances (0.005 USD per hour each)",
        "fixed",
        `${why}; how many instances run is decided at run time`,
      );
  }
}

function missingSubnet(ref: EntityRef | undefined): string {
  if (ref === undefined) return "a subnet is missing";
  return isUnknown(ref) ? `a subnet: ${ref.reason}` : `subnet ${ref} is not in the template`;
}

function modelRegion(model: Model): string {
  return model.region;
}

/** Traffic: where each function's GB go, by check's roads (see trafficCosts). */
interface Flow {
  readonly fn: string;
  readonly subnet: string;
  readonly az: string | null;
  readonly cls: string;
  readonly gb: number;
  readonly result: ReachResult | undefined;
}

function trafficCosts(model: Model, prices: RegionPrices, traffic: Traffic, check: CheckReport, out: Items): void {
  const fns = check.functions.filter((f) => f.inVpc);
  const shared = trafficClasses(traffic).filter((c) => c.gb > 0);
  const own = traffic.functions ?? {};
  for (const id of Object.keys(own)) {
    if (!check.functions.some((f) => f.id === id))
      throw new TrafficError(
        `the traffic names function ${id}, which is not in the template (its functions: ${check.functions.map((f) => f.id).join(", ") || "none"})`,
      );
  }
  const flows: Flow[] = [];
  const addFlows = (fn: FunctionReport, classes: readonly TrafficClass[], divide: number) => {
    for (const c of classes) {
      const share = c.gb / divide;
      if (fn.subnets.length === 0) {
        out.unknown(fn.id, `${fmtGb(share)} GB ${c.label}`, "traffic", fn.reason ?? "its subnets are not known");
        continue;
      }
      for (const s of fn.subnets) {
        const dest = destinationOfClass(c.key);
        flows.push({
          fn: fn.id,
          subnet: s.subnet,
          az: s.az,
          cls: c.label,
          gb: share / fn.subnets.length,
          result: s.destinations.find((d) => d.to === dest),
        });
      }
    }
  };
  if (shared.length > 0) {
    if (fns.length === 0)
      out.notes.push("no function is in a VPC: the traffic given crosses none of the template's network and is not priced");
    else
      out.notes.push(
        `traffic is split evenly among ${fns.length === 1 ? "the one function" : `the ${fns.length} functions`} in a VPC, and each function's share evenly among its subnets (Lambda spreads invocations across them)`,
      );
    for (const fn of fns) addFlows(fn, shared, fns.length);
  }
  for (const [id, volumes] of Object.entries(own)) {
    const fn = check.functions.find((f) => f.id === id);
    const classes = trafficClasses(volumes).filter((c) => c.gb > 0);
    if (!fn || classes.length === 0) continue;
    if (!fn.inVpc) {
      out.notes.push(`${id} is not in a VPC: its traffic crosses none of the template's network and is not priced`);
      continue;
    }
    out.notes.push(`${id}'s own traffic is split evenly among its subnets`);
    addFlows(fn, classes, 1);
  }
  if (flows.length === 0) return;

  const natGb = new Map<string, number>();
  const endpointGb = new Map<string, number>();
  const crossAz = new Map<string, { gb: number; what: string }>();
  let internetOut = 0;
  const sides = traffic.crossAzSides;
  const unreachable = new Map<string, { gb: number; places: string[] }>();
  for (const f of flows) {
    const r = f.result;
    if (!r || r.verdict === "unknown") {
      out.unknown(f.fn, `${fmtGb(f.gb)} GB ${f.cls} from ${f.subnet}`, "traffic", r ? `the road is unknown: ${r.reason}` : "not analysed");
      continue;
    }
    if (r.verdict === "unreachable") {
      const u = unreachable.get(f.cls) ?? { gb: 0, places: [] };
      u.gb += f.gb;
      u.places.push(`${f.fn} in ${f.subnet} (${r.code ?? "no road"})`);
      unreachable.set(f.cls, u);
      continue;
    }
    const seen = new Set<string>();
    for (const hop of r.trace) {
      if (seen.has(hop.component)) continue;
      if (hop.kind === "nat-gateway" || hop.kind === "nat-instance") {
        seen.add(hop.component);
        const nat = hop.kind === "nat-gateway" ? model.natGateway(hop.component) : undefined;
        if (nat) natGb.set(nat.id, (natGb.get(nat.id) ?? 0) + f.gb);
        const where = nat
          ? nat.availability === "regional"
            ? null
            : azOf(model, nat.subnetId)
          : azOf(model, model.get("instance", hop.component)?.subnetId ?? null);
        if (where === null) continue;
        const key = `${f.subnet}\u0000${hop.component}`;
        if (isUnknown(where) || f.az === null) {
          out.unknown(
            `${f.subnet} -> ${hop.component}`,
            `cross-AZ transfer of ${fmtGb(f.gb)} GB ${f.cls}`,
            "traffic",
            `an AZ is not known (${isUnknown(where) ? where.reason : `subnet ${f.subnet}`})`,
          );
        } else if (where !== f.az) {
          const cur = crossAz.get(key) ?? {
            gb: 0,
            what: `cross-AZ transfer ${f.az} -> ${where} (${sides} side${sides === 1 ? "" : "s"} billed)`,
          };
          crossAz.set(key, { ...cur, gb: cur.gb + f.gb });
        }
      } else if (hop.kind === "vpc-endpoint") {
        seen.add(hop.component);
        const ep = model.get("vpc-endpoint", hop.component);
        if (ep && ep.type === "Interface") endpointGb.set(ep.id, (endpointGb.get(ep.id) ?? 0) + f.gb);
      }
    }
    if (f.cls === "internet out") internetOut += f.gb;
  }

  for (const [cls, u] of unreachable) {
    const shown = u.places.slice(0, 3).join(", ");
    const more = u.places.length > 3 ? ` and ${u.places.length - 3} more` : "";
    out.notes.push(`${fmtGb(u.gb)} GB ${cls} not priced: unreachable from ${shown}${more}`);
  }
  for (const [id, gb] of [...natGb].sort()) {
    const nat = model.natGateway(id);
    const price = nat?.availability === "regional" ? prices.regionalNatGatewayGb : prices.natGatewayGb;
    out.add(id, `data processed by the NAT gateway: ${fmtGb(gb)} GB`, "traffic", gb, "GB", price);
  }
  for (const [key, v] of [...crossAz].sort()) {
    const [subnet, to] = key.split("\u0000");
    out.add(`${subnet} -> ${to}`, `${v.what}: ${fmtGb(v.gb)} GB`, "traffic", v.gb * sides, "GB", CROSS_AZ_GB);
  }
  if (crossAz.size > 0 && !out.notes.some((n) => n.startsWith("cross-AZ")))
    out.notes.push(
      `cross-AZ transfer is billed on ${sides} side(s) (--traffic cross-az-sides=1|2): how AWS meters a Lambda ENI's traffic to a NAT in another AZ is not confirmed by AWS's pricing page`,
    );
  if (endpointGb.size > 0) {
    const tiers = prices.interfaceEndpointGb;
    const total = [...endpointGb.values()].reduce((a, b) => a + b, 0);
    const all = tiers === null ? null : tieredMicro(tiers, total);
    const flat = tiers !== null && tiers.tiers[0] !== undefined && (tiers.tiers[0].upToGb === null || total <= tiers.tiers[0].upToGb);
    for (const [id, gb] of [...endpointGb].sort()) {
      const first = tiers?.tiers[0];
      if (tiers === null || all === null || first === undefined)
        out.unknown(
          id,
          `data processed by the interface endpoint: ${fmtGb(gb)} GB`,
          "traffic",
          `no interface endpoint per-GB price for ${model.region} at this volume in the price data`,
        );
      else if (flat)
        out.addMicro(id, `data processed by the interface endpoint: ${fmtGb(gb)} GB`, "traffic", gb * micro(first.usd), tiers, gb, "GB");
      else
        out.addMicro(
          id,
          `data processed by the interface endpoint: ${fmtGb(gb)} GB (its share of the region's tiered ${fmtGb(total)} GB)`,
          "traffic",
          (all * gb) / total,
          tiers,
          gb,
          "GB",
        );
    }
    out.notes.push(
      "cross-AZ transfer to an interface endpoint's ENI in another AZ is not priced (the price data does not say how it is metered)",
    );
  }
  if (internetOut > 0) {
    const free = Math.min(traffic.freeInternetGb, internetOut);
    const billed = internetOut - free;
    const m = tieredMicro(prices.internetOut, billed) ?? 0;
    out.addMicro(
      "internet",
      `data transfer out to the internet: ${fmtGb(internetOut)} GB${free > 0 ? ` less ${fmtGb(free)} GB free` : ""}, tiered`,
      "traffic",
      m,
      prices.internetOut,
      billed,
      "GB",
    );
  }
}

export function fmtGb(gb: number): string {
  return Number.isInteger(gb) ? String(gb) : gb.toFixed(2).replace(/\.?0+$/, "");
}

/**
 * The monthly cost of the model's network in its region. Without traffic: fixed costs only. A
 * region without price data: PriceDataError (names the regions that have data).
 */
export function estimateCost(model: Model, options: EstimateOptions = {}): CostEstimate {
  const prices = regionPrices(model.region);
  const out = new Items();
  fixedCosts(model, prices, out);
  if (options.traffic) {
    if (!options.check) throw new Error("estimateCost: traffic needs check's report");
    trafficCosts(model, prices, options.traffic, options.check, out);
  } else out.notes.push("no traffic given: fixed costs only (--traffic prices the data processed)");
  return {
    region: model.region,
    monthlyUsd: out.total(),
    lowerBound: out.items.some((i) => i.monthlyUsd === null),
    hoursPerMonth: HOURS_PER_MONTH,
    items: out.items,
    notes: [...new Set(out.notes)],
    pricesSeen: dateRange(out.used),
  };
}

/** Checks the model for the destinations the traffic names, then estimates (the library call behind `cost`). */
export function costModel(model: Model, traffic?: Traffic): CostEstimate {
  if (!traffic) return estimateCost(model);
  const check = checkModel(model, { to: trafficDestinations(traffic) });
  return estimateCost(model, { traffic, check });
}
