// The CloudFormation/SAM loader: template text -> frozen network model.
import { DEFAULT_REGION } from "../../aws/facts.ts";
import type { Undecided } from "../../model/model.ts";
import { Model } from "../../model/model.ts";
import type { Diagnostic } from "../../model/types.ts";
import { LoadError } from "../errors.ts";
import { HANDLED, ModelBuilder } from "./build.ts";
import type { RawResource } from "./intrinsics.ts";
import { Resolver } from "./intrinsics.ts";
import { applyTransforms } from "./language-extensions.ts";
import { parseTemplateText } from "./parse.ts";
import { declaresSam, expandSam, hasSamResources, SAM_TRANSFORM } from "./sam.ts";
import { checkCycles, checkGetAtts } from "./validate.ts";
import { unknownParamDiagnostics } from "../params.ts";

export interface LoadOptions {
  readonly region?: string;
  readonly params?: Readonly<Record<string, string>>;
  /** Logical id -> CDK construct path, for resources whose Metadata does not carry `aws:cdk:path` (a cloud assembly's manifest gives them). */
  readonly constructPaths?: Readonly<Record<string, string>>;
}

/** True when the parsed value looks like a CloudFormation or SAM template. */
export function looksLikeTemplate(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== "object" || Array.isArray(v)) return false;
  const t = v as Record<string, unknown>;
  return "Resources" in t || "AWSTemplateFormatVersion" in t || "Transform" in t;
}

/**
 * The resources one resource refers to in its raw text: Ref, Fn::GetAtt, ${X} in Fn::Sub, and
 * DependsOn. CloudFormation orders creation by exactly these edges. Computed on demand (a rule
 * asks for a few functions' dependencies; large templates need not pay for all of them).
 */
export function rawDependencies(
  resources: Readonly<Record<string, RawResource>>,
  /** Called for each Fn::GetAtt (and `${X.Attr}` of Fn::Sub) met while a resource is walked, with the object holding it. */
  onAttribute?: (owner: string, target: string, attr: string, at: object) => void,
  /** Called when a resource refers to itself (Ref, Fn::GetAtt, Fn::Sub or DependsOn): a cycle of one. */
  onSelf?: (id: string) => void,
): Dependencies {
  const memo = new Map<string, Set<string>>();
  const compute = (id: string): Set<string> => {
    const res = resources[id];
    const deps = new Set<string>();
    let self = false;
    const add = (name: unknown) => {
      if (typeof name !== "string" || !(name in resources)) return;
      if (name !== id) deps.add(name);
      else self = true;
    };
    const dependsOn = res?.DependsOn;
    for (const d of Array.isArray(dependsOn) ? dependsOn : [dependsOn]) add(d);
    const stack: unknown[] = [];
    if (res?.Properties && typeof res.Properties === "object") stack.push(res.Properties);
    while (stack.length > 0) {
      const v = stack.pop();
      if (Array.isArray(v)) {
        for (const x of v) if (x !== null && typeof x === "object") stack.push(x);
        continue;
      }
      const o = v as Record<string, unknown>;
      for (const k in o) {
        const x = o[k];
        if (k === "Ref") add(x);
        else if (k === "Fn::GetAtt") {
          const parts: unknown[] = Array.isArray(x) ? x : typeof x === "string" ? x.split(/\.(.*)/s, 2) : [];
          add(parts[0]);
          if (onAttribute && typeof parts[0] === "string" && typeof parts[1] === "string") onAttribute(id, parts[0], parts[1], o);
        } else if (k === "Fn::Sub") {
          const text = Array.isArray(x) ? x[0] : x;
          if (typeof text === "string") {
            const subVars = Array.isArray(x) && x[1] && typeof x[1] === "object" ? (x[1] as object) : undefined;
            for (const m of text.matchAll(/\$\{([^}!][^}.]*)/g)) {
              const name = m[1]?.trim();
              // A Fn::Sub variable named like the resource itself is not a reference to it.
              if (name !== id || !subVars || !(name in subVars)) add(name);
            }
            if (onAttribute && text.includes(".")) {
              const vars = Array.isArray(x) && x[1] && typeof x[1] === "object" ? (x[1] as object) : {};
              for (const m of text.matchAll(/\$\{([^}!.][^}.]*)\.([^}]+)\}/g)) {
                const target = (m[1] as string).trim();
                if (!(target in vars)) onAttribute(id, target, (m[2] as string).trim(), o);
              }
            }
          }
        }
        if (x !== null && typeof x === "object") stack.push(x);
      }
    }
    if (self) onSelf?.(id);
    return deps;
  };
  const dependencies = (id: string): ReadonlySet<string> => {
    let deps = memo.get(id);
    if (!deps) {
      deps = compute(id);
      memo.set(id, deps);
    }
    return deps;
  };
  // A walk over every resource (the cycle check) keeps nothing: holding a set per resource of a large template costs
  // about a sixth of its memory, and a rule asks for a few functions' dependencies at most.
  return Object.assign(dependencies, { once: (id: string) => memo.get(id) ?? compute(id) });
}

/** A resource's direct dependencies (memoized), and `once`, the same without keeping the result. */
export type Dependencies = ((id: string) => ReadonlySet<string>) & { readonly once: (id: string) => ReadonlySet<string> };

export function loadCloudFormation(file: string, text: string, options: LoadOptions = {}): Model {
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
  const samResources = hasSamResources(original);
  if (samResources && !declaresSam(template)) {
    early.push({
      code: "LOAD_SAM_WITHOUT_TRANSFORM",
      severity: "warning",
      message: `uses AWS::Serverless resources without \`Transform: ${SAM_TRANSFORM}\`; CloudFormation rejects it as is, read as SAM`,
      location: { file, line: 1, column: 1 },
    });
  }
  early.push(...transformed.diagnostics);
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
    { region, params, mayBeGenerated: transformed.mayBeGenerated },
  );
  const attributes: [owner: string, target: string, attr: string, at: object][] = [];
  const selfReferences: string[] = [];
  const dependencies = rawDependencies(
    sam.resources,
    (...a) => attributes.push(a),
    (id) => selfReferences.push(id),
  );
  const builder = new ModelBuilder(resolver, sam.resources, sam.generatedFrom, options.constructPaths);
  const { entities, diagnostics } = builder.build();
  // The cycle check walks every resource once (for its dependencies), which also collects the attributes named.
  const cycles = checkCycles(Object.keys(sam.resources), dependencies.once, selfReferences);
  const rejected = builder.diagnose([...checkGetAtts(sam.resources, attributes), ...cycles]);
  const all = [...early, ...diagnostics, ...rejected];
  return new Model({ files: [file], region, entities, diagnostics: all, dependencies, undecided: undecidedBy(transformed.undecided, all) });
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
