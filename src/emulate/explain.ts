// Why a run of `emulate --exec`/`--invoke` timed out, in check's words (pure): the connections still waiting for an
// answer when it ended (servers/runtime-api.ts lists them) are mapped back to the destinations they stand for in the
// emulation (the whoami servers' labels), and each is said as `check` decides it from the ENI's subnet.
import type { FunctionReport } from "../analyze/analysis.ts";
import type { Plan } from "./plan-types.ts";

/** `ADDRESS:PORT` or `[IPV6]:PORT` split, or undefined. */
function split(endpoint: string): { address: string; port: number } | undefined {
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(endpoint);
  return m ? { address: m[1] as string, port: Number(m[2]) } : undefined;
}

/**
 * The `check` destination (`internet`, `internet:80`, `internet6`, `aws:SERVICE`) a connection to `endpoint` stands
 * for in the plan: the label of the emulated server at that address. Undefined when no server of the plan is there.
 */
export function destinationOf(plan: Plan, endpoint: string): string | undefined {
  const e = split(endpoint);
  if (e === undefined) return undefined;
  const server = plan.servers.find((s) => s.kind === "whoami" && s.address === e.address);
  if (server === undefined) return undefined;
  const label = server.label ?? "";
  const service = /^(aws:[a-z0-9-]+)/.exec(label);
  if (service) return service[1];
  // A resource's stand-in (plan-resources.ts): at its own port, else at the port the connection named.
  const resource = /^(resource:\S+)/.exec(label);
  if (resource) return e.port === server.port ? resource[1] : `${resource[1]}:${e.port}`;
  if (label !== "internet") return undefined;
  const name = e.address.includes(":") ? "internet6" : "internet";
  return e.port === 443 ? name : `${name}:${e.port}`;
}

/** What `check` says of one destination from one subnet, as the word and the blocking part (for JSON). */
export interface CheckSays {
  readonly to: string;
  readonly verdict: string;
  readonly code?: string;
  readonly component?: string;
  readonly reason?: string;
}

/** check's verdict for `to` from `subnet` in the function's report, or undefined when the report has none. */
export function checkSays(report: FunctionReport | undefined, subnet: string, to: string): CheckSays | undefined {
  const r = report?.subnets.find((s) => s.subnet === subnet)?.destinations.find((d) => d.to === to);
  if (r === undefined) return undefined;
  const component =
    r.blockers?.[0]?.component ?? r.trace.find((h) => h.action === "drop" || h.action === "deny" || h.action === "unknown")?.component;
  return {
    to,
    verdict: r.verdict,
    ...(r.code !== undefined ? { code: r.code } : {}),
    ...(r.verdict !== "reachable" && component !== undefined ? { component } : {}),
    ...(r.verdict !== "reachable" ? { reason: r.reason } : {}),
  };
}

/** The line under a timed-out run: `check: internet:80 unreachable from PrivateSubnetA, ENI_SG_RULES_MISMATCH in FunctionSg`. */
export function timeoutLine(subnet: string, pending: readonly string[], says: readonly (CheckSays | string)[]): string {
  if (pending.length === 0) return "check: no connection was waiting for an answer when it timed out";
  const parts = says.map((s) =>
    typeof s === "string"
      ? s
      : `${s.to} ${s.verdict} from ${subnet}${s.code !== undefined ? `, ${s.code}${s.component !== undefined ? ` in ${s.component}` : ""}` : ""}`,
  );
  return `check: ${parts.join("; ")}`;
}
