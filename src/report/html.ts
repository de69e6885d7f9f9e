// HTML report (`check --format html -o FILE`): one self-contained page (no script, no request: inline CSS and SVG,
// system fonts) with, per function, a drawing of its roads (the ENI in each subnet grouped by AZ, the route tables,
// NAT gateways with their Elastic IPs, the internet gateway, endpoints, each road coloured by verdict and the blocking
// hop marked with its code), the egress IPs to allowlist, each road's verdict and fix, and the findings beside it.
// Pure: the graph is written in Graphviz's DOT language here, and the layout (SVG) comes from the `layout` function
// the caller passes (Graphviz compiled to WebAssembly, loaded only for this format).
import type { FunctionReport } from "../analyze/analysis.ts";
import { combineVerdicts } from "../analyze/analysis.ts";
import type { Hop, ReachResult } from "../analyze/reach.ts";
import type { CheckReport } from "../check.ts";
import { formatLocation } from "../load/errors.ts";
import type { Finding } from "../rules/define.ts";
import type { TraceReport } from "../trace.ts";

export interface HtmlOptions {
  /** DOT source -> SVG text (Graphviz's `dot` layout). */
  readonly layout: (dot: string) => string;
  readonly version: string;
}

/** The hops drawn as nodes: the road's forwarding components (security groups and ACLs only when they block). */
const ROAD_KINDS = new Set<Hop["kind"]>([
  "route-table",
  "nat-gateway",
  "nat-instance",
  "internet-gateway",
  "egress-only-internet-gateway",
  "vpc-endpoint",
]);

const COLOR: Record<string, string> = { reachable: "#1a7f37", unreachable: "#cf222e", unknown: "#9a6700", partial: "#bc4c00" };
const SHAPE: Partial<Record<Hop["kind"], string>> = {
  "route-table": "box",
  "nat-gateway": "box3d",
  "nat-instance": "box3d",
  "internet-gateway": "house",
  "egress-only-internet-gateway": "house",
  "vpc-endpoint": "component",
};
const KIND_LABEL: Partial<Record<Hop["kind"], string>> = {
  "route-table": "route table",
  "nat-gateway": "NAT gateway",
  "nat-instance": "NAT instance",
  "internet-gateway": "internet gateway",
  "egress-only-internet-gateway": "egress-only IGW",
  "vpc-endpoint": "VPC endpoint",
  "security-group": "security group",
  "network-acl": "network ACL",
};

/** Text as HTML. */
export function esc(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Text as a DOT double-quoted string. */
function dq(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\r/g, "").replace(/\n/g, "\\n")}"`;
}

/** The hop that blocks a road that is not reachable (the last drop, deny or unknown). */
function blocking(r: ReachResult): Hop | undefined {
  return [...r.trace].reverse().find((h) => h.action === "drop" || h.action === "deny" || h.action === "unknown");
}

/** The function's drawing in DOT: subnets (its ENIs) in AZ clusters, the road components, the destinations. */
export function functionDot(fn: FunctionReport): string {
  const nodes = new Map<string, string>();
  const edges = new Map<string, string>();
  const eips = new Map<string, Set<string>>();
  for (const s of fn.subnets)
    for (const r of s.destinations)
      for (const e of r.egress) {
        const set = eips.get(e.via) ?? new Set<string>();
        set.add(e.publicIp ?? (e.eip ? `EIP ${e.eip}` : "public IP at launch"));
        eips.set(e.via, set);
      }
  const node = (id: string, attrs: string) => {
    if (!nodes.has(id)) nodes.set(id, `  ${dq(id)} [${attrs}];`);
  };
  const byAz = new Map<string, string[]>();
  for (const s of fn.subnets) {
    const key = `eni:${s.subnet}`;
    const az = s.az ?? "AZ unknown";
    byAz.set(az, [
      ...(byAz.get(az) ?? []),
      `    ${dq(key)} [label=${dq(`ENI of ${fn.id}\nsubnet ${s.subnet}`)}, shape=ellipse, style=filled, fillcolor="#ddf4ff"];`,
    ]);
    for (const r of s.destinations) {
      const color = COLOR[r.verdict] ?? "#57606a";
      const path: string[] = [key];
      const block = r.verdict === "reachable" ? undefined : blocking(r);
      for (const h of r.trace) {
        const isBlock = h === block;
        if (!ROAD_KINDS.has(h.kind) && !isBlock) continue;
        const id = `${h.kind}:${h.component}`;
        const extra = eips.has(h.component) ? `\n${[...(eips.get(h.component) as Set<string>)].join(", ")}` : "";
        if (isBlock)
          nodes.set(
            id,
            `  ${dq(id)} [label=${dq(`${h.component}\n${KIND_LABEL[h.kind] ?? h.kind}\n✖ ${r.code ?? h.action}`)}, shape=octagon, color="${COLOR.unreachable}", fontcolor="${COLOR.unreachable}", penwidth=2];`,
          );
        else node(id, `label=${dq(`${h.component}\n${KIND_LABEL[h.kind] ?? h.kind}${extra}`)}, shape=${SHAPE[h.kind] ?? "box"}`);
        if (path[path.length - 1] !== id) path.push(id);
        if (isBlock) break;
      }
      if (r.verdict === "reachable" || !block) {
        const dest = `dest:${r.to}`;
        node(dest, `label=${dq(r.to)}, shape=doublecircle, style=filled, fillcolor="#f6f8fa"`);
        path.push(dest);
      }
      for (let i = 1; i < path.length; i++) {
        const k = `${path[i - 1]}>${path[i]}>${color}`;
        if (!edges.has(k))
          edges.set(
            k,
            `  ${dq(path[i - 1] as string)} -> ${dq(path[i] as string)} [color="${color}", penwidth=2, tooltip=${dq(`${r.to}: ${r.verdict}`)}];`,
          );
      }
    }
  }
  const clusters = [...byAz.entries()].map(
    ([az, lines], i) =>
      `  subgraph cluster_${i} {\n    label=${dq(az)};\n    style=rounded;\n    color="#8c959f";\n${lines.join("\n")}\n  }`,
  );
  return [
    "digraph roads {",
    '  graph [rankdir=LR, fontname="sans-serif", fontsize=11, nodesep=0.3, ranksep=0.6];',
    '  node [fontname="sans-serif", fontsize=10];',
    "  edge [arrowsize=0.7];",
    ...clusters,
    ...nodes.values(),
    ...edges.values(),
    "}",
  ].join("\n");
}

/** Graphviz's SVG without its XML prolog and DOCTYPE (inline in HTML, and nothing that names a URL to fetch). */
function inlineSvg(svg: string): string {
  const start = svg.indexOf("<svg");
  return (start >= 0 ? svg.slice(start) : svg).replace(/<!--[\s\S]*?-->/g, "");
}

function verdictBadge(v: string): string {
  return `<span class="v" style="background:${COLOR[v] ?? "#57606a"}">${esc(v)}</span>`;
}

function findingsList(findings: readonly Finding[]): string {
  if (findings.length === 0) return '<p class="none">No findings.</p>';
  return `<ul class="findings">${findings
    .map(
      (f) =>
        `<li class="${f.severity}"><b>${esc(f.severity)}</b> <code>${esc(f.rule)}</code> ${esc(f.message)}<br><span class="fix">fix: ${esc(f.fix)}</span> <span class="loc">${esc(formatLocation(f.location))}</span></li>`,
    )
    .join("")}</ul>`;
}

function functionSection(fn: FunctionReport, report: CheckReport, opts: HtmlOptions): string {
  const out: string[] = [`<section class="fn" id="${esc(`fn-${fn.id}`)}">`, `<h2>Function ${esc(fn.id)}</h2>`];
  out.push(
    `<p class="where">${fn.inVpc ? `VPC ${esc(fn.vpc ?? "?")}, ${fn.subnets.length} subnet${fn.subnets.length === 1 ? "" : "s"}` : "not in a VPC: it reaches the internet through Lambda's own network"} · ${esc(formatLocation(fn.location))}</p>`,
  );
  out.push(
    `<p class="summary">${Object.entries(fn.summary)
      .map(([d, v]) => `<code>${esc(d)}</code> ${verdictBadge(v)}`)
      .join(" ")}</p>`,
  );
  const body: string[] = [];
  if (fn.inVpc && fn.subnets.length > 0) body.push(`<figure class="drawing">${inlineSvg(opts.layout(functionDot(fn)))}</figure>`);
  const side: string[] = [];
  const ips = new Set<string>();
  for (const s of fn.subnets)
    for (const r of s.destinations) if (r.verdict === "reachable") for (const e of r.egress) ips.add(e.publicIp ?? e.eip ?? "");
  ips.delete("");
  side.push(
    `<h3>Egress IPs to allowlist</h3>${ips.size > 0 ? `<ul class="ips">${[...ips].map((i) => `<li><code>${esc(i)}</code></li>`).join("")}</ul>` : '<p class="none">None fixed.</p>'}`,
  );
  side.push("<h3>Findings</h3>", findingsList(report.findings.filter((f) => f.resource === fn.id)));
  body.push(`<aside>${side.join("")}</aside>`);
  out.push(`<div class="body">${body.join("")}</div>`);
  if (fn.subnets.length > 0) {
    out.push(
      "<table><thead><tr><th>Subnet</th><th>AZ</th><th>Destination</th><th>Verdict</th><th>Via, or what blocks it</th><th>Fix</th></tr></thead><tbody>",
    );
    for (const s of fn.subnets)
      for (const r of s.destinations) {
        const b = r.verdict === "reachable" ? undefined : blocking(r);
        const via =
          r.verdict === "reachable"
            ? r.egress.length > 0
              ? r.egress.map((e) => `${esc(e.via)}${e.publicIp ? ` ${esc(e.publicIp)}` : e.eip ? ` (EIP ${esc(e.eip)})` : ""}`).join(", ")
              : esc(r.reason)
            : `${r.code ? `<code>${esc(r.code)}</code> ` : ""}${b ? `at <b>${esc(b.component)}</b>: ` : ""}${esc(r.reason)}`;
        out.push(
          `<tr><td><code>${esc(s.subnet)}</code></td><td>${esc(s.az ?? "?")}</td><td><code>${esc(r.to)}</code></td><td>${verdictBadge(r.verdict)}</td><td>${via}</td><td>${r.verdict === "reachable" ? "" : esc(r.fix ?? "")}</td></tr>`,
        );
      }
    out.push("</tbody></table>");
  }
  if (fn.reason) out.push(`<p class="why">${esc(fn.reason)}</p>`);
  out.push("</section>");
  return out.join("\n");
}

const CSS = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:24px;color:#1f2328;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:0 0 4px}h3{font-size:14px;margin:12px 0 4px}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.fn{border:1px solid #d0d7de;border-radius:8px;padding:16px;margin:16px 0}
.where,.loc{color:#57606a;font-size:12px}.v{color:#fff;border-radius:10px;padding:1px 8px;font-size:12px}
.body{display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap}.drawing{margin:0;flex:1 1 600px;overflow:auto}
.drawing svg{max-width:100%;height:auto}aside{flex:0 1 320px;font-size:13px}
table{border-collapse:collapse;width:100%;margin-top:12px;font-size:13px}th,td{border-top:1px solid #d0d7de;padding:4px 6px;text-align:left;vertical-align:top}
.findings{padding-left:18px}.findings li{margin-bottom:6px}.findings .error b{color:#cf222e}.findings .warning b{color:#9a6700}
.fix{color:#1a7f37}.none{color:#57606a}.why{color:#9a6700}
`;

export function renderHtml(report: CheckReport, opts: HtmlOptions): string {
  const e = report.findings.filter((f) => f.severity === "error").length;
  const w = report.findings.filter((f) => f.severity === "warning").length;
  const title = `lambda-egress check: ${report.files.join(", ")}`;
  const others = report.findings.filter((f) => !report.functions.some((fn) => fn.id === f.resource));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${esc(title)}</h1>
<p class="where">region ${esc(report.region)} · ${e} error${e === 1 ? "" : "s"}, ${w} warning${w === 1 ? "" : "s"} in ${report.functions.length} function${report.functions.length === 1 ? "" : "s"} · lambda-egress ${esc(opts.version)}</p>
${report.functions.map((fn) => functionSection(fn, report, opts)).join("\n")}
${others.length > 0 ? `<section class="fn"><h2>Other findings</h2>${findingsList(others)}</section>` : ""}
</body>
</html>
`;
}

/** `trace --format html`: the traced roads of one function as the same page (its drawing, IPs and roads; no findings). */
export function renderTraceHtml(trace: TraceReport, opts: HtmlOptions): string {
  const subnets = new Map<string, { subnet: string; az: string | null; destinations: ReachResult[] }>();
  for (const t of trace.traces) {
    const key = t.subnet ?? "(no subnet)";
    const s = subnets.get(key) ?? { subnet: key, az: t.az, destinations: [] };
    s.destinations.push({
      to: t.to,
      verdict: t.verdict,
      ...(t.code !== undefined ? { code: t.code as NonNullable<ReachResult["code"]> } : {}),
      reason: t.reason,
      ...(t.fix !== undefined ? { fix: t.fix } : {}),
      egress: t.egress,
      trace: t.hops,
      ...(t.location !== undefined ? { location: t.location } : {}),
    });
    subnets.set(key, s);
  }
  const dests = [...new Set(trace.traces.map((t) => t.to))];
  const summary = Object.fromEntries(dests.map((d) => [d, combineVerdicts(trace.traces.filter((t) => t.to === d).map((t) => t.verdict))]));
  const fn: FunctionReport = {
    id: trace.function,
    name: trace.name,
    inVpc: trace.inVpc,
    vpc: null,
    summary,
    subnets: trace.inVpc ? [...subnets.values()] : [],
    location: trace.location,
  };
  const report = {
    schemaVersion: 1,
    files: [trace.file],
    region: trace.region,
    functions: [{ ...fn, file: trace.file }],
    subnets: [],
    findings: [],
    diagnostics: [],
  } satisfies CheckReport;
  return renderHtml(report, opts)
    .replace("<title>lambda-egress check: ", "<title>lambda-egress trace: ")
    .replace("<h1>lambda-egress check: ", "<h1>lambda-egress trace: ");
}
