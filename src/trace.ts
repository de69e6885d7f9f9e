// The `trace` job as a library call: one function, each of its subnets (or one), each
// destination -> the hop-by-hop path with the verdict. Pure: no file or console.
import type { FunctionReport } from "./analyze/analysis.ts";
import { analyze } from "./analyze/analysis.ts";
import type { Blocker, Egress, Hop } from "./analyze/reach.ts";
import { LambdaEgressError } from "./errors.ts";
import type { LoadOptions } from "./load/cfn/index.ts";
import type { StackInput } from "./load/cfn/stacks.ts";
import { loadModel, loadModels } from "./load/index.ts";
import type { Model } from "./model/model.ts";
import type { AssemblyStack, CloudAssembly } from "./load/cdk-assembly.ts";
import { stackOptions } from "./load/cdk-assembly.ts";
import type { LambdaFunction, Location } from "./model/types.ts";

export interface TraceOptions extends LoadOptions {
  /** The function's logical id or its FunctionName. */
  readonly function: string;
  /** One subnet of the function's VpcConfig; default: each of them. */
  readonly subnet?: string;
  /** Destinations; default: the ones `check` analyses for the function. */
  readonly to?: readonly string[];
}

export interface TracedHop extends Hop {
  readonly step: number;
}

export interface Trace {
  /** The subnet the function's ENI sits in; null for a function outside any VPC or whose subnets are unknown. */
  readonly subnet: string | null;
  readonly az: string | null;
  readonly to: string;
  readonly verdict: "reachable" | "unreachable" | "unknown";
  readonly code?: string;
  readonly reason: string;
  readonly fix?: string;
  /** Where the blocking (or unknown) component is defined. */
  readonly location?: Location;
  readonly egress: readonly Egress[];
  readonly hops: readonly TracedHop[];
  /** Unreachable only: every blocker on the road, the verdict's own first (see ReachResult.blockers). */
  readonly blockers?: readonly Blocker[];
}

export interface TraceReport {
  readonly schemaVersion: 1;
  readonly file: string;
  readonly region: string;
  readonly function: string;
  readonly name: string | null;
  readonly inVpc: boolean;
  readonly location: Location;
  readonly traces: readonly Trace[];
}

/** A function or subnet the template does not have: the CLI shows it as a usage error (exit 2). */
export class SelectionError extends LambdaEgressError {
  declare readonly hint: string;
  constructor(message: string, hint: string) {
    super("usage", "SELECTION_NOT_FOUND", message, { hint });
    this.name = "SelectionError";
  }
}

export function traceModel(model: Model, options: TraceOptions): TraceReport {
  const fns = [...model.functions()];
  const fn = findFunction(fns, options.function);
  if (!fn) {
    const ids = fns.map((f) => f.id).sort();
    throw new SelectionError(
      `no function ${JSON.stringify(options.function)} in ${model.files.join(", ")}`,
      ids.length > 0 ? `--function takes one of: ${ids.join(", ")}` : "the template defines no Lambda function",
    );
  }
  // The same analysis as `check`, with the same default destinations (results are shared per
  // subnet and security groups, so this stays cheap).
  const report = analyze(model, options.to, { explain: true }).functions.find((f) => f.id === fn.id) as FunctionReport;
  let subnets = report.subnets;
  if (options.subnet !== undefined) {
    subnets = subnets.filter((s) => s.subnet === options.subnet);
    if (subnets.length === 0) {
      throw new SelectionError(
        `${fn.id} has no subnet ${JSON.stringify(options.subnet)}`,
        report.subnets.length > 0
          ? `--subnet takes one of: ${report.subnets.map((s) => s.subnet).join(", ")}`
          : `${fn.id} ${report.inVpc ? "has no known subnet" : "is not attached to a VPC"}; leave out --subnet`,
      );
    }
  }
  const traces: Trace[] = [];
  if (report.subnets.length === 0) {
    // Outside any VPC, or unknown as a whole (subnets from a parameter, Managed Instances).
    for (const [dest, verdict] of Object.entries(report.summary)) {
      const reachable = !report.inVpc;
      traces.push({
        subnet: null,
        az: null,
        to: dest,
        verdict: reachable ? "reachable" : "unknown",
        ...(reachable ? {} : { code: "UNKNOWN_RESOURCE" }),
        reason: reachable
          ? `${fn.id} is not attached to a VPC: Lambda's own network reaches ${dest}`
          : (report.reason ?? `the analysis gives ${verdict}`),
        ...(reachable ? {} : { location: report.location }),
        egress: [],
        hops: [],
      });
    }
  }
  for (const s of subnets) {
    for (const r of s.destinations) {
      traces.push({
        subnet: s.subnet,
        az: s.az,
        to: r.to,
        verdict: r.verdict,
        ...(r.code ? { code: r.code } : {}),
        reason: r.reason,
        ...(r.fix ? { fix: r.fix } : {}),
        ...(r.location ? { location: r.location } : {}),
        egress: r.egress,
        // One key order for every hop (the engine builds them in several places).
        hops: r.trace.map((h, i) => ({
          step: i + 1,
          kind: h.kind,
          component: h.component,
          ...(h.rule !== undefined ? { rule: h.rule } : {}),
          action: h.action,
          detail: h.detail,
          ...(h.location ? { location: h.location } : {}),
        })),
        ...(r.blockers ? { blockers: r.blockers } : {}),
      });
    }
  }
  return {
    schemaVersion: 1,
    file: model.files[0] ?? "",
    region: model.region,
    function: fn.id,
    name: fn.name,
    inVpc: report.inVpc,
    location: report.location,
    traces,
  };
}

/**
 * The function `--function` names: by logical id, else by FunctionName, else by CDK construct
 * path (`Stack/MyFunction/Resource`, or `Stack/MyFunction` without the `/Resource` CDK adds).
 */
function findFunction(fns: readonly LambdaFunction[], wanted: string): LambdaFunction | undefined {
  return (
    fns.find((f) => f.id === wanted) ??
    fns.find((f) => f.name === wanted) ??
    fns.find((f) => f.origin.constructPath === wanted || f.origin.constructPath === `${wanted.replace(/\/+$/, "")}/Resource`)
  );
}

/**
 * Traces one function of a CDK cloud assembly: the stack that defines it (by logical id,
 * FunctionName or construct path), checked in that stack's region. `template` returns a stack's
 * template text. Throws SelectionError when no stack, or more than one, defines it.
 */
export function traceAssembly(assembly: CloudAssembly, template: (stack: AssemblyStack) => string, options: TraceOptions): TraceReport {
  const found: { stack: AssemblyStack; model: Model; fn: LambdaFunction }[] = [];
  const ids: string[] = [];
  // Loaded together: CDK writes a reference from one stack to another as an export and a Fn::ImportValue.
  const models = loadModels(
    assembly.stacks.map((stack) => ({ file: stack.file, text: template(stack), options: stackOptions(stack, {}), qualifier: stack.id })),
    options,
  );
  for (const [n, stack] of assembly.stacks.entries()) {
    const model = models[n] as Model;
    const fns = [...model.functions()];
    const fn = findFunction(fns, options.function);
    if (fn) found.push({ stack, model, fn });
    for (const f of fns) ids.push(f.origin.constructPath?.replace(/\/Resource$/, "") ?? f.id);
  }
  const only = found[0];
  if (found.length === 1 && only) return traceModel(only.model, options);
  if (found.length === 0) {
    throw new SelectionError(
      `no function ${JSON.stringify(options.function)} in the cloud assembly ${assembly.manifest}`,
      ids.length > 0
        ? `--function takes a logical id, FunctionName or construct path: ${ids.sort().join(", ")}`
        : "no stack defines a Lambda function",
    );
  }
  throw new SelectionError(
    `several stacks define a function ${JSON.stringify(options.function)}: ${found.map((f) => f.stack.name).join(", ")}`,
    `name it by its construct path (${found.map((f) => f.fn.origin.constructPath?.replace(/\/Resource$/, "") ?? `${f.stack.name}/...`).join(", ")}), or pass that stack's template file`,
  );
}

/**
 * Traces one function of templates loaded together (each one's imports read the others' exports):
 * the template that defines it. Throws LoadError, or SelectionError when none, or more than one, does.
 */
export function traceTemplates(inputs: readonly StackInput[], options: TraceOptions): TraceReport {
  const models = loadModels(inputs, options);
  const found = models.filter((m) => findFunction(m.functions(), options.function) !== undefined);
  const only = found[0];
  if (found.length === 1 && only) return traceModel(only, options);
  if (found.length === 0) {
    const ids = models.flatMap((m) => m.functions().map((f) => f.id)).sort();
    throw new SelectionError(
      `no function ${JSON.stringify(options.function)} in ${inputs.map((i) => i.file).join(", ")}`,
      ids.length > 0 ? `--function takes one of: ${ids.join(", ")}` : "the templates define no Lambda function",
    );
  }
  throw new SelectionError(
    `several templates define a function ${JSON.stringify(options.function)}: ${found.map((m) => m.files[0]).join(", ")}`,
    "pass only the template that defines it, with the templates it imports from",
  );
}

/** Loads a template from its text and traces one function. Throws LoadError or SelectionError. */
export function traceTemplate(file: string, text: string, options: TraceOptions): TraceReport {
  return traceModel(loadModel(file, text, options), options);
}
