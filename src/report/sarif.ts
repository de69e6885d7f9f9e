// SARIF 2.1.0 report (`check --format sarif`): what GitHub code scanning and other SARIF viewers read. Pure and
// deterministic: the same report gives the same bytes. One result per finding (suppressed ones included, with their
// suppression), each with its rule, level, message, file and region; the rules with their descriptions and the help
// of their documentation page; file URIs relative to %SRCROOT% (the directory check ran in).
import { createHash } from "node:crypto";
import { isAbsolute, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import type { CheckReport } from "../check.ts";
import type { Location, Severity } from "../model/types.ts";
import type { Finding, RuleMeta } from "../rules/define.ts";
import type { RuleDoc } from "../findings/docs.ts";
import type { Suppression } from "../findings/suppress.ts";
import { atOrAbove } from "../findings/severity.ts";

export interface SarifOptions {
  readonly version: string;
  /** Every rule that can report (the registry), in order: the run describes each. */
  readonly rules: readonly RuleMeta[];
  /** The rules' documentation pages, by id. */
  readonly docs: ReadonlyMap<string, RuleDoc>;
  /** The directory %SRCROOT% stands for (absolute): file paths are written relative to it. */
  readonly srcRoot: string;
}

const LEVEL: Record<Severity, "error" | "warning" | "note"> = { error: "error", warning: "warning", info: "note" };

/** The partialFingerprints key; bump the version when what the fingerprint hashes changes. */
export const FINGERPRINT_KEY = "lambdaEgressFinding/v1";

export function renderSarif(report: CheckReport, opts: SarifOptions): string {
  const ruleIndex = new Map(opts.rules.map((r, i) => [r.id, i]));
  const seen = new Map<string, number>();
  const result = (f: Finding, suppression?: Suppression) => {
    const loc = sarifLocation(f.location, f.resource, opts.srcRoot);
    const uri = loc.physicalLocation?.artifactLocation.uri ?? f.location.file;
    // Stable across edits that move the resource: the rule, the file, the resource and the message, not the line; a
    // repeat of the same four (a rule reporting twice on one resource) is told apart by its rank.
    const key = [f.rule, uri, f.resource, f.message].join("\u0000");
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const index = ruleIndex.get(f.rule);
    return {
      ruleId: f.rule,
      ...(index !== undefined ? { ruleIndex: index } : {}),
      level: LEVEL[f.severity],
      message: { text: `${sentence(f.message)} Fix: ${f.fix}` },
      locations: [loc],
      partialFingerprints: { [FINGERPRINT_KEY]: `${createHash("sha256").update(key).digest("hex").slice(0, 32)}:${n + 1}` },
      ...(suppression
        ? {
            suppressions: [
              {
                kind: suppression.kind === "resource" ? "inSource" : "external",
                status: "accepted",
                justification: suppression.justification,
              },
            ],
          }
        : {}),
      properties: { resource: f.resource, fix: f.fix },
    };
  };
  const results = [...report.findings.map((f) => result(f)), ...(report.suppressed ?? []).map((s) => result(s, s.suppression))];
  const notifications = report.diagnostics
    .filter((d) => atOrAbove(d.severity, "warning"))
    .map((d) => ({
      descriptor: { id: d.code },
      level: LEVEL[d.severity],
      message: { text: d.fix ? `${sentence(d.message)} Fix: ${d.fix}` : d.message },
      locations: [sarifLocation(d.location, d.resource ?? "", opts.srcRoot)],
    }));
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "lambda-egress",
            version: opts.version,
            semanticVersion: opts.version,
            informationUri: "https://www.npmjs.com/package/lambda-egress",
            rules: opts.rules.map((r) => sarifRule(r, opts.docs.get(r.id))),
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(opts.srcRoot.endsWith(sep) ? opts.srcRoot : opts.srcRoot + sep).href } },
        invocations: [{ executionSuccessful: true, ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}) }],
        results,
        columnKind: "utf16CodeUnits",
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function sarifRule(r: RuleMeta, doc: RuleDoc | undefined) {
  const full = doc?.summary || r.title;
  const markdown = doc
    ? [`# ${r.title}`, doc.details, "## How to fix", doc.fix, ...(doc.whenNotToUse ? ["## When not to use", doc.whenNotToUse] : [])].join(
        "\n\n",
      )
    : r.title;
  return {
    id: r.id,
    name: r.id
      .split("-")
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
      .join(""),
    shortDescription: { text: r.title },
    fullDescription: { text: full },
    help: { text: doc ? `${doc.summary}\n\nHow to fix: ${plain(doc.fix)}` : r.title, markdown: withoutPageLinks(markdown) },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { tags: ["aws", "lambda", "vpc", "network"], "problem.severity": r.severity === "info" ? "recommendation" : r.severity },
  };
}

/** Links between the rule pages (`[rule](rule.md)`) as the rule's name: a viewer shows the help away from the pages. */
function withoutPageLinks(md: string): string {
  return md.replace(/\[([^\]]+)\]\([a-z0-9-]+\.md(#[^)]*)?\)/g, "`$1`");
}

/** A message as a sentence (a full stop at the end). */
function sentence(s: string): string {
  return /[.!?]$/.test(s) ? s : `${s}.`;
}

/** Markdown as one paragraph of plain text (the help's text form). */
function plain(md: string): string {
  return md
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\s*\n\s*/g, " ")
    .trim();
}

interface SarifLocation {
  physicalLocation?: { artifactLocation: { uri: string; uriBaseId?: string }; region?: { startLine: number; startColumn?: number } };
  logicalLocations?: { name: string; fullyQualifiedName?: string; kind: string }[];
}

/**
 * A location as SARIF writes it: a file under %SRCROOT% as a relative URI, one elsewhere as a file: URI, a line and
 * column when known; the resource (and its construct path, Terraform address or ARN) as a logical location.
 */
export function sarifLocation(loc: Location, resource: string, srcRoot: string): SarifLocation {
  const out: SarifLocation = {};
  const file = loc.file;
  // A deployed resource's location is its ARN (or an aws:// environment): no file to point at.
  const isPath = file !== "" && !/^(arn|aws):/.test(file);
  if (isPath) {
    const abs = isAbsolute(file) ? file : `${srcRoot}${sep}${file}`;
    const rel = relative(srcRoot, abs);
    const inside = rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
    const artifactLocation = inside
      ? { uri: rel.split(sep).map(encodeURIComponent).join("/"), uriBaseId: "%SRCROOT%" }
      : { uri: pathToFileURL(abs).href };
    const region =
      loc.line !== undefined && loc.line >= 1
        ? { startLine: loc.line, ...(loc.column !== undefined && loc.column >= 1 ? { startColumn: loc.column } : {}) }
        : undefined;
    out.physicalLocation = { artifactLocation, ...(region ? { region } : {}) };
  }
  const qualified = loc.constructPath ?? loc.address ?? (isPath ? undefined : file);
  if (resource !== "" || qualified !== undefined)
    out.logicalLocations = [
      { name: resource || (qualified as string), ...(qualified ? { fullyQualifiedName: qualified } : {}), kind: "resource" },
    ];
  return out;
}
