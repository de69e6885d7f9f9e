// The differential harness: one template of random networks, checked by the analyzer and emulated on the kernel; for
// every (function, subnet, destination) the analyzer's verdict must be what real packets do in the emulation, and where
// both say reachable, the road must be the same (the same NAT's address, the endpoint or the public service).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ReachResult } from "../../src/analyze/reach.ts";
import { checkModel } from "../../src/check.ts";
import { applyPlan } from "../../src/emulate/apply.ts";
import { buildPlan, INTERNET_WHOAMI, INTERNET_WHOAMI6, serviceDnsName } from "../../src/emulate/plan.ts";
import { NOT_EMULATED_YET, renderPlanNote } from "../../src/emulate/plan-notes.ts";
import type { EniPlan, Plan } from "../../src/emulate/plan-types.ts";
import { newPrefix } from "../../src/emulate/servers/guard.ts";
import { loadCloudFormation } from "../../src/load/cfn/index.ts";
import type { ProbeResult } from "./differential-probe.ts";
import type { BlockPublicAccess, NetworkSpec } from "./differential-network.ts";
import { DESTINATIONS, REGION, templateOf } from "./differential-network.ts";

const PROBE = join(dirname(fileURLToPath(import.meta.url)), "differential-probe.js");
/** How long a probe waits for a reply: a dropped packet times out, as on AWS, so this bounds every blocked path. */
const PROBE_TIMEOUT_MS = 1500;

/** One (function, subnet, destination): what the analyzer says and what the kernel did. */
export interface Observation {
  readonly network: number;
  readonly functionId: string;
  readonly subnetId: string;
  /** The ENI's own IPv6 address in the emulation, if it has one. */
  readonly ipv6?: string;
  /** The ENI's own IPv4 address in the emulation. */
  readonly ipv4?: string;
  readonly to: string;
  readonly analyzer: ReachResult;
  readonly kernel: ProbeResult;
}

export interface BatchResult {
  readonly networks: number;
  readonly observations: readonly Observation[];
  /** One line per disagreement, with both sides. */
  readonly disagreements: readonly string[];
  /** The template, when something disagreed (for a regression case). */
  readonly template?: string;
}

/** The target a destination is probed at: the whoami by address for the internet, AWS services by their DNS name. */
function target(to: string): { host: string; port: number; tls: boolean; servername?: string } {
  if (to === "internet") return { host: INTERNET_WHOAMI, port: 443, tls: true, servername: "whoami.example" };
  if (to === "internet:80") return { host: INTERNET_WHOAMI, port: 80, tls: false };
  if (to === "internet6") return { host: INTERNET_WHOAMI6, port: 443, tls: true, servername: "whoami.example" };
  if (to.startsWith("aws:")) return { host: serviceDnsName(to.slice(4), REGION), port: 443, tls: true };
  throw new Error(`no probe for ${to}`);
}

/** How many probes run at once. */
const PROBES_AT_ONCE = 6;

/** A counting semaphore. */
class Slots {
  private readonly waiting: (() => void)[] = [];
  private free: number;
  constructor(n: number) {
    this.free = n;
  }
  async take(): Promise<void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((go) => this.waiting.push(go));
  }
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** The network a function's ENI belongs to: `N3` of `N3Function0`. */
function networkOf(eni: EniPlan): string {
  return /^(N\d+)/.exec(eni.functionId)?.[1] ?? "";
}

/**
 * A resource's stand-ins (one in each of its subnets, by their labels `resource:ID in SUBNET`): every one must answer,
 * as check proves the road to each interface the resource may have.
 */
function resourceTarget(plan: Plan, to: string): { host: string; port: number; tls: boolean; addresses: string[] } {
  const mine = plan.servers.filter((s) => s.kind === "whoami" && s.label?.startsWith(`${to} `));
  const port = mine[0]?.port ?? 0;
  return { host: to, port, tls: port === 443, addresses: mine.map((s) => s.address) };
}

/** The road the analyzer found: an endpoint's id, or `nat:<id>` for the NAT whose address the internet sees. */
function analyzerRoad(r: ReachResult): string {
  const ep = r.trace.find((h) => h.kind === "vpc-endpoint");
  if (ep) return `endpoint:${ep.component}`;
  return r.egress.map((e) => `nat:${e.via}`).join(",") || "direct";
}

/** What the kernel's reply says of the road: `endpoint` or the public service/internet. */
function kernelRoad(to: string, k: ProbeResult & { ok: true }): "endpoint" | "public" | "unexpected" {
  if (to.startsWith("aws:")) {
    if (k.label === `${to} via endpoint` || k.label === `${to} via gateway endpoint`) return "endpoint";
    if (k.label === `${to} via internet` || k.label === "internet") return "public";
    return "unexpected";
  }
  return k.label === "internet" ? "public" : "unexpected";
}

/** Builds, checks and emulates one template of `specs`; never leaves anything behind. */
export async function runBatch(specs: readonly NetworkSpec[], bpa: BlockPublicAccess = "off"): Promise<BatchResult> {
  const text = `${JSON.stringify(templateOf(specs, bpa), null, 1)}\n`;
  const dir = mkdtempSync(join(tmpdir(), "le-diff-"));
  const file = join(dir, "template.json");
  try {
    writeFileSync(file, text);
    const model = loadCloudFormation(file, text, { region: REGION });
    // Each network's database is a destination of its own functions only (resource:N<k>Db).
    const databases = specs.flatMap((sp, k) => (sp.database ? [`resource:N${k}Db`] : []));
    const report = checkModel(model, { to: [...DESTINATIONS, ...databases] });
    const { plan, notes } = buildPlan(model, { prefix: newPrefix() });
    const disagreements: string[] = [];
    // What the planner says it cannot do yet would make the comparison meaningless; stand-ins and dropped traffic are fine.
    const missing = notes.filter((n) => NOT_EMULATED_YET.has(n.code));
    for (const n of missing) disagreements.push(`plan note: ${renderPlanNote(n)}`);
    const t0 = Date.now();
    const emu = await applyPlan(plan);
    const t1 = Date.now();
    const observations: Observation[] = [];
    try {
      const common = DESTINATIONS.map((to) => ({ id: to, ...target(to) }));
      const destinationsOf = (eni: EniPlan): string[] => [
        ...DESTINATIONS,
        ...databases.filter((d) => d === `resource:${networkOf(eni)}Db`),
      ];
      // A few probes at a time: on a loaded machine, dozens of Node processes starting at once outlast the guard below.
      const slots = new Slots(PROBES_AT_ONCE);
      const replies = await Promise.all(
        plan.enis.map(async (eni) => {
          await slots.take();
          const targets = [
            ...common,
            ...destinationsOf(eni)
              .slice(DESTINATIONS.length)
              .map((to) => ({ id: to, ...resourceTarget(plan, to) })),
          ];
          const r = await emu.exec(
            eni.ns,
            process.execPath,
            [PROBE, String(PROBE_TIMEOUT_MS), JSON.stringify(targets)],
            PROBE_TIMEOUT_MS + 8000,
          );
          slots.give();
          let results: Record<string, ProbeResult> | undefined;
          try {
            results = JSON.parse(r.stdout) as Record<string, ProbeResult>;
          } catch {
            // below
          }
          if (r.code !== 0 || !results) throw new Error(`probe in ${eni.ns} failed (${r.code}): ${r.stdout} ${r.stderr}`);
          return { eni, results };
        }),
      );
      for (const { eni, results } of replies) {
        const fn = report.functions.find((f) => f.id === eni.functionId);
        const sub = fn?.subnets.find((s) => s.subnet === eni.subnetId);
        for (const to of destinationsOf(eni)) {
          const analyzer = sub?.destinations.find((d) => d.to === to);
          const kernel = results[to];
          if (!analyzer || !kernel) {
            disagreements.push(`${eni.functionId} in ${eni.subnetId} -> ${to}: no ${analyzer ? "probe result" : "analyzer verdict"}`);
            continue;
          }
          const network = Number(/^N(\d+)/.exec(eni.functionId)?.[1] ?? -1);
          observations.push({
            network,
            functionId: eni.functionId,
            subnetId: eni.subnetId,
            ...(eni.ipv6 !== undefined ? { ipv6: eni.ipv6 } : {}),
            ipv4: eni.ipv4,
            to,
            analyzer,
            kernel,
          });
        }
      }
    } finally {
      const t2 = Date.now();
      await emu.teardown();
      if (process.env.DIFFERENTIAL_DEBUG) process.stderr.write(`up ${t1 - t0} probes ${t2 - t1} down ${Date.now() - t2} ms\n`);
    }
    disagreements.push(...compare(observations));
    return { networks: specs.length, observations, disagreements, ...(disagreements.length > 0 ? { template: text } : {}) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every disagreement between the analyzer and the kernel, one line each. */
export function compare(observations: readonly Observation[]): string[] {
  const out: string[] = [];
  const line = (o: Observation, why: string): string =>
    `N${o.network}: ${o.functionId} in ${o.subnetId} -> ${o.to}: ${why}; analyzer: ${o.analyzer.verdict} ${o.analyzer.code ?? ""} ${o.analyzer.reason} [road ${analyzerRoad(o.analyzer)}]; kernel: ${o.kernel.ok ? `${o.kernel.label} from ${o.kernel.sourceIp}` : o.kernel.error}`;
  // The address the internet sees for each NAT, per network: one NAT, one address; two NATs, two addresses.
  const natAddress = new Map<string, string>();
  const addressNat = new Map<string, string>();
  for (const o of observations) {
    const a = o.analyzer;
    const k = o.kernel;
    // A database in several subnets, some of them blocked: which one it is in is AWS's choice, so check cannot say,
    // and the kernel reaches some of its stand-ins but not all.
    if (a.verdict === "unknown" && o.to.startsWith("resource:") && /AWS's choice/.test(a.reason) && !k.ok && k.partial === true) continue;
    if (a.verdict === "unknown") {
      out.push(line(o, "the analyzer cannot decide a generated network"));
      continue;
    }
    if ((a.verdict === "reachable") !== k.ok) {
      out.push(
        line(
          o,
          a.verdict === "reachable"
            ? "reachable by the analyzer, but the kernel's packets do not get through"
            : "unreachable by the analyzer, but the kernel reaches it",
        ),
      );
      continue;
    }
    if (!k.ok) continue;
    if (o.to.startsWith("resource:")) {
      // The VPC's local route: the resource's stand-in answers and sees the ENI's own address.
      if (!k.label.startsWith(`${o.to} `) || k.sourceIp !== o.ipv4) out.push(line(o, `a resource seen as ${k.label} from ${k.sourceIp}`));
      continue;
    }
    const road = analyzerRoad(a);
    const seen = kernelRoad(o.to, k);
    if (seen === "unexpected" || (seen === "endpoint") !== road.startsWith("endpoint:")) {
      out.push(line(o, "different roads"));
      continue;
    }
    if (seen === "public" && o.to === "internet6") {
      // IPv6 is not translated: the internet sees the ENI's own address.
      if (road !== "direct" || k.sourceIp !== o.ipv6) out.push(line(o, `IPv6 seen from ${k.sourceIp}, the ENI is ${o.ipv6 ?? "-"}`));
      continue;
    }
    if (seen === "public") {
      if (!road.startsWith("nat:") || road.includes(",")) {
        out.push(line(o, "reached the public side without one NAT in the analyzer's path"));
        continue;
      }
      const nat = `N${o.network}:${road}`;
      const known = natAddress.get(nat);
      const owner = addressNat.get(k.sourceIp);
      if ((known !== undefined && known !== k.sourceIp) || (owner !== undefined && owner !== nat)) {
        out.push(
          line(o, `the internet sees ${k.sourceIp}, but ${nat} was seen as ${known ?? "-"} and ${k.sourceIp} belongs to ${owner ?? "-"}`),
        );
        continue;
      }
      natAddress.set(nat, k.sourceIp);
      addressNat.set(k.sourceIp, nat);
    }
  }
  return out;
}
