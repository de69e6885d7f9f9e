// Intents against a check report: which hold, which the network breaks, and the evidence.
// Pure. An intent the analysis cannot decide (verdict `unknown`) is broken, with the reason.
import type { FunctionReport, SubnetReport } from "../analyze/analysis.ts";
import type { Egress, Hop, ReachResult } from "../analyze/reach.ts";
import type { CheckReport } from "../check.ts";
import { LoadError } from "../load/errors.ts";
import { memoize } from "../memo.ts";
import type { Location } from "../model/types.ts";
import type { DestinationIntent, EgressIpsIntent, IntentsFile } from "./parse.ts";
import { EGRESS_IPS_KEY } from "./parse.ts";

/** One subnet's part in a broken intent. */
export interface IntentEvidence {
  readonly subnet: string;
  readonly az: string | null;
  readonly to: string;
  readonly verdict: string;
  readonly code?: string;
  /** Why this subnet breaks the intent. */
  readonly reason: string;
  readonly fix?: string;
  /** The component that blocks (or cannot be evaluated), with where it is defined. */
  readonly at?: { readonly component: string; readonly kind: string; readonly detail: string };
  readonly location?: Location;
  readonly egress: readonly Egress[];
}

export interface IntentResult {
  /** The function's logical id (the intent may name it by its FunctionName). */
  readonly function: string;
  /** The template that defines the function. */
  readonly file: string;
  /** The destination label, or `egressIps`. */
  readonly intent: string;
  /** `reachable` / `unreachable`; for egressIps `fixed` or the allowlist. */
  readonly expected: string | readonly string[];
  /** The function's summary verdict; for egressIps the fixed addresses in use (EIP ids or IPs). */
  readonly actual: string | readonly string[];
  readonly held: boolean;
  /** Why the intent is broken (absent when it holds). */
  readonly reason?: string;
  /** Where the intent is written. */
  readonly location: Location;
  /** The subnets that break the intent (empty when it holds). */
  readonly evidence: readonly IntentEvidence[];
}

/** Every intent against `report`. Throws LoadError when the intents name a function the report lacks. */
export function evaluateIntents(intents: IntentsFile, report: CheckReport): IntentResult[] {
  const fns = report.functions;
  for (const [name, location] of intents.functions) {
    if (!fns.some((f) => f.id === name || f.name === name)) {
      const ids = fns.map((f) => f.id);
      throw new LoadError(
        "INTENTS_UNKNOWN_FUNCTION",
        `no function ${JSON.stringify(name)} in ${report.files.join(", ")}`,
        location,
        ids.length > 0 ? `the functions are: ${ids.join(", ")}` : "the template defines no Lambda function",
      );
    }
  }
  const out: IntentResult[] = [];
  for (const intent of intents.intents) {
    for (const fn of fns.filter((f) => f.id === intent.function || f.name === intent.function)) {
      out.push(intent.kind === "destination" ? destinationIntent(intent, fn) : egressIpsIntent(intent, fn));
    }
  }
  return out;
}

function blockingHop(r: ReachResult): Hop | undefined {
  return [...r.trace].reverse().find((h) => h.action === "drop" || h.action === "deny" || h.action === "unknown");
}

function evidence(sub: SubnetReport, r: ReachResult, reason: string = r.reason): IntentEvidence {
  const hop = r.verdict === "reachable" ? undefined : blockingHop(r);
  return {
    subnet: sub.subnet,
    az: sub.az,
    to: r.to,
    verdict: r.verdict,
    ...(r.code ? { code: r.code } : {}),
    reason,
    ...(r.fix ? { fix: r.fix } : {}),
    ...(hop ? { at: { component: hop.component, kind: hop.kind, detail: hop.detail } } : {}),
    ...(r.location ? { location: r.location } : {}),
    egress: r.egress,
  };
}

/** Each subnet's results by destination, indexed once per subnet (a search per intent is quadratic in --expect's destinations). */
const resultsBySubnet = memoize((sub: SubnetReport): ReadonlyMap<string, ReachResult> => new Map(sub.destinations.map((d) => [d.to, d])));
function resultFor(sub: SubnetReport, to: string): ReachResult | undefined {
  return resultsBySubnet(sub).get(to);
}

function via(e: readonly Egress[]): string {
  return e.length === 0 ? "" : ` through ${e.map((x) => x.via).join(", ")}`;
}

function destinationIntent(intent: DestinationIntent, fn: FunctionReport & { file: string }): IntentResult {
  const to = intent.destination;
  const actual = fn.summary[to] ?? "unknown";
  const result = (reason?: string, ev: readonly IntentEvidence[] = []): IntentResult =>
    make(fn, to, intent.expected, actual, intent.location, reason, ev);
  if (actual === intent.expected) return result();
  if (fn.reason) return result(`the analysis cannot tell: ${fn.reason}`);
  if (!fn.inVpc) return result(`${fn.id} is not attached to a VPC: Lambda's own network reaches ${to}`);
  const ev: IntentEvidence[] = [];
  for (const sub of fn.subnets) {
    const r = resultFor(sub, to);
    if (!r) {
      ev.push({ subnet: sub.subnet, az: sub.az, to, verdict: "unknown", reason: `${to} was not analysed`, egress: [] });
    } else if (r.verdict !== intent.expected) {
      ev.push(evidence(sub, r, r.verdict === "reachable" ? `${sub.subnet} reaches ${to}${via(r.egress)}` : r.reason));
    }
  }
  const first = ev[0];
  const from = ev.map((e) => e.subnet).join(", ");
  let reason: string;
  if (!first) reason = `${to} was not analysed for ${fn.id}`;
  else if (actual === "unknown" || first.verdict === "unknown") {
    const u = ev.find((e) => e.verdict === "unknown") ?? first;
    reason = `the analysis cannot tell from ${u.subnet}: ${u.reason}`;
  } else if (intent.expected === "reachable") reason = `not reachable from ${from}: ${first.reason}`;
  else reason = `reachable from ${from}${via(first.egress)}`;
  return result(reason, ev);
}

/** One result, its keys always in the same order (the JSON report is read by programs and people). */
function make(
  fn: FunctionReport & { file: string },
  intent: string,
  expected: IntentResult["expected"],
  actual: IntentResult["actual"],
  location: Location,
  reason: string | undefined,
  evidence: readonly IntentEvidence[],
): IntentResult {
  const held = reason === undefined;
  return { function: fn.id, file: fn.file, intent, expected, actual, held, ...(held ? {} : { reason }), location, evidence };
}

const IPV4_INTERNET = /^internet(:\d+)?$/;

/** The fixed public address of a NAT path: its literal IP, else its Elastic IP. */
function fixedAddress(e: Egress): string | null {
  return e.publicIp ?? e.eip;
}

function egressIpsIntent(intent: EgressIpsIntent, fn: FunctionReport & { file: string }): IntentResult {
  const allow = intent.expected === "fixed" ? null : intent.expected;
  const addresses: string[] = [];
  const result = (reason?: string, ev: readonly IntentEvidence[] = []): IntentResult =>
    make(fn, EGRESS_IPS_KEY, intent.expected, addresses, intent.location, reason, ev);
  if (fn.reason) return result(`the analysis cannot tell: ${fn.reason}`);
  if (!fn.inVpc) {
    return result(`${fn.id} is not attached to a VPC: its traffic leaves from Lambda's own addresses, which are neither fixed nor known`);
  }
  const ev: IntentEvidence[] = [];
  let reachable = 0;
  for (const sub of fn.subnets) {
    for (const r of sub.destinations) {
      if (!IPV4_INTERNET.test(r.to)) continue;
      if (r.verdict === "unknown") {
        ev.push(evidence(sub, r, `whether ${sub.subnet} reaches ${r.to}, and through what, is not known: ${r.reason}`));
        continue;
      }
      if (r.verdict !== "reachable") continue;
      reachable++;
      if (r.egress.length === 0) {
        ev.push(evidence(sub, r, `${sub.subnet} reaches ${r.to} without a NAT whose address is known`));
        continue;
      }
      for (const e of r.egress) {
        const addr = fixedAddress(e);
        if (addr === null) {
          ev.push(
            evidence(
              sub,
              r,
              `${sub.subnet} goes out through ${e.via}, which has no Elastic IP in the template: its public address is assigned by AWS and can change`,
            ),
          );
          continue;
        }
        if (!addresses.includes(addr)) addresses.push(addr);
        if (allow && !allow.some((a) => a === e.publicIp || a === e.eip)) {
          ev.push(evidence(sub, r, `${sub.subnet} goes out through ${e.via} from ${addr}, which is not in the allowlist`));
        }
      }
    }
  }
  const first = ev[0];
  if (first) return result(first.reason, ev);
  if (reachable === 0) return result(`${fn.id} reaches the internet from none of its subnets, so no egress address is in use`);
  return result();
}
