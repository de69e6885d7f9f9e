// The CloudFormation/SAM loader: template text -> frozen network model.
import { DEFAULT_REGION } from "../../aws/facts.ts";
import type { Undecided } from "../../model/model.ts";
import { Model } from "../../model/model.ts";
import type { Diagnostic } from "../../model/types.ts";
import { LoadError } from "../errors.ts";
import { HANDLED, ModelBuilder } from "./build.ts";
import type { RawResource } from "./intrinsics.ts";
import type { ResolverOptions } from "./intrinsics.ts";
import { Resolver } from "./intrinsics.ts";
import { applyTransforms } from "./language-extensions.ts";
import { parseTemplateText } from "./parse.ts";
import { declaresSam, expandSam, hasSamResources, SAM_TRANSFORM } from "./sam.ts";
import { dependencyGraph, rawDependencies } from "./references.ts";
import { checkCycles, checkGetAtts } from "./validate.ts";
import { unknownParamDiagnostics } from "../params.ts";
import type { RuleIgnore } from "../../findings/suppress.ts";
import { METADATA_KEY, readIgnores } from "../../findings/suppress.ts";

export interface LoadOptions {
  readonly region?: string;
  readonly params?: Readonly<Record<string, string>>;
  /** Logical id -> CDK construct path, for resources whose Metadata does not carry `aws:cdk:path` (a cloud assembly's manifest gives them). */
  readonly constructPaths?: Readonly<Record<string, string>>;
  /** `--import NAME=VALUE`: exports set by hand, for `Fn::ImportValue` (see stacks.ts). */
  readonly imports?: Readonly<Record<string, string>>;
  /** `--stack-name FILE=NAME`, by the file as given: the name `AWS::StackName` takes in that template. */
  readonly stackNames?: Readonly<Record<string, string>>;
  /** The stack's name for a single template (`AWS::StackName`); loadStacks sets it from `stackNames`. */
  readonly stackName?: string;
}

/** True when the parsed value looks like a CloudFormation or SAM template. */
export function looksLikeTemplate(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== "object" || Array.isArray(v)) return false;
  const t = v as Record<string, unknown>;
  return "Resources" in t || "AWSTemplateFormatVersion" in t || "Transform" in t;
}

/** A template read up to its Resolver: its exports can be read (exports.ts) before its model is built. */
export interface PreparedTemplate {
  readonly file: string;
  readonly resolver: Resolver;
  /** The template's `Outputs` section, as written (after transforms). */
  readonly outputs: unknown;
  /** Finishes the model; `extra`: diagnostics found about the template by whoever loads it with others (exports.ts). */
  readonly build: (extra?: readonly Diagnostic[]) => Model;
}

export function loadCloudFormation(file: string, text: string, options: LoadOptions = {}): Model {
  const prepared = prepareCloudFormation(file, text, options);
  return prepared.build();
}

/**
 * Reads a template up to its Resolver (parse, transforms, SAM); `importValue` answers its
 * `Fn::ImportValue` (stacks.ts gives the other templates' exports; absent: unknown).
 */
export function prepareCloudFormation(
  file: string,
  text: string,
  options: LoadOptions = {},
  importValue?: ResolverOptions["importValue"],
): PreparedTemplate {
  const written = parseTemplateText(file, text);
  if (!looksLikeTemplate(written.value)) {
    throw new LoadError("LOAD_NOT_A_TEMPLATE", "not a CloudFormation or SAM template (no Resources section)", { file, line: 1, column: 1 });
  }
  if (!written.value.Resources || typeof written.value.Resources !== "object" || Array.isArray(written.value.Resources)) {
    const pos = written.positions.get(written.value)?.keys.get("Resources");
    throw new LoadError("LOAD_NOT_A_TEMPLATE", "Resources must be a map of logical ids to resources", {
      file,
      ...pos,
    });
  }
  const region = options.region ?? DEFAULT_REGION;
  const params = options.params ?? {};
  // AWS::LanguageExtensions first (loops expanded), then SAM, as CloudFormation processes them.
  const transformed = applyTransforms(written, written.value, text, { region, params }, readsType);
  const parsed = transformed.parsed;
  const template = transformed.template;
  const original = withoutMacros(template.Resources as Record<string, RawResource>);
  const early: Diagnostic[] = parsed.warnings.map((w) => ({
    code: w.code,
    severity: "warning",
    message: w.message,
    location: { file, line: w.line, column: w.column },
    fix: w.fix,
  }));
  // A resource's Type is a literal: a text that never spells "Serverless" and escapes nothing has no SAM resource, and
  // a large template is not walked for one.
  const samResources = (text.includes("Serverless") || text.includes("\\")) && hasSamResources(original);
  if (samResources && !declaresSam(template)) {
    early.push({
      code: "LOAD_SAM_WITHOUT_TRANSFORM",
      severity: "warning",
      message: `uses AWS::Serverless resources without \`Transform: ${SAM_TRANSFORM}\`; CloudFormation rejects it as is, read as SAM`,
      location: { file, line: 1, column: 1 },
    });
  }
  early.push(...transformed.diagnostics);
  // The rules each resource ignores (Metadata: lambda-egress); a text that never names the tool has none.
  const ignores = new Map<string, RuleIgnore[]>();
  if (text.includes(METADATA_KEY)) {
    for (const id in original) {
      const resource = original[id];
      const metadata: unknown = resource && typeof resource === "object" ? resource.Metadata : undefined;
      // Only a resource whose Metadata has the key: the position lookup scans a JSON resource's keys.
      if (metadata === null || typeof metadata !== "object" || !Object.hasOwn(metadata, METADATA_KEY)) continue;
      const pos = parsed.positions.resource(id)?.keys.get("Metadata");
      const at = { file, ...(pos ? { line: pos.line, column: pos.column } : {}) };
      const read = readIgnores(metadata, at);
      if (read.ignores.length > 0) ignores.set(id, read.ignores);
      for (const p of read.problems)
        early.push({ code: "LOAD_INVALID_SUPPRESSION", severity: "warning", message: p.message, location: at, resource: id, fix: p.fix });
    }
  }
  early.push(
    // The position is looked up only when a --param is given (it indexes every resource of a JSON template).
    ...unknownParamDiagnostics(params, written.value.Parameters, () => ({
      file,
      ...written.positions.get(written.value as object)?.keys.get("Parameters"),
    })),
  );
  const sam = samResources || declaresSam(template) ? expandSam(template, original) : { resources: original, generatedFrom: new Map() };
  const resolver = new Resolver(
    parsed,
    { ...template, Resources: sam.resources },
    {
      region,
      params,
      mayBeGenerated: transformed.mayBeGenerated,
      ...(importValue ? { importValue } : {}),
      ...(options.stackName !== undefined ? { stackName: options.stackName } : {}),
    },
  );
  const build = (extra: readonly Diagnostic[] = []): Model => {
    const builder = new ModelBuilder(resolver, sam.resources, sam.generatedFrom, options.constructPaths);
    const { entities, diagnostics } = builder.build();
    // The cycle check walks every resource once, which also collects the attributes named for the GetAtt check.
    const attributes: [owner: string, target: string, attr: string, at: object][] = [];
    const graph = dependencyGraph(sam.resources, (...a) => attributes.push(a));
    const rejected = builder.diagnose([...checkGetAtts(sam.resources, attributes), ...checkCycles(graph)]);
    const all = [...early, ...diagnostics, ...rejected, ...extra];
    return new Model({
      files: [file],
      region,
      entities,
      diagnostics: all,
      dependencies: rawDependencies(sam.resources),
      undecided: undecidedBy(transformed.undecided, all),
      ...(ignores.size > 0 ? { ignores } : {}),
    });
  };
  return { file, resolver, outputs: template.Outputs, build };
}

/** Whether the model reads resources of this type (SAM functions and capacity providers become types it reads). */
function readsType(type: string): boolean {
  return HANDLED.has(type) || type === "AWS::Serverless::Function" || type === "AWS::Serverless::CapacityProvider";
}

/** What leaves every verdict undecided: transforms not expanded, then each error (a template AWS rejects is not the network that runs). */
export function undecidedBy(transforms: readonly Undecided[], diagnostics: readonly Diagnostic[]): Undecided[] {
  const out = [...transforms];
  for (const d of diagnostics) {
    if (d.severity === "error") out.push({ reason: `the template is rejected by AWS (${d.code}: ${d.message})`, location: d.location });
  }
  return out;
}

/** Resources without the `Fn::Transform` entries (AWS::Include, macros) written among them: reported as transforms, not as resources. */
function withoutMacros(resources: Record<string, RawResource>): Record<string, RawResource> {
  if (!("Fn::Transform" in resources)) return resources;
  const { "Fn::Transform": _macro, ...rest } = resources;
  return rest;
}
