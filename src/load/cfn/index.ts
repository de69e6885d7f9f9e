// The CloudFormation/SAM loader: template text -> frozen network model.
import { DEFAULT_REGION } from "../../aws/facts.ts";
import { Model } from "../../model/model.ts";
import type { Diagnostic } from "../../model/types.ts";
import { LoadError } from "../errors.ts";
import { ModelBuilder } from "./build.ts";
import type { RawResource } from "./intrinsics.ts";
import { Resolver } from "./intrinsics.ts";
import { parseTemplateText } from "./parse.ts";
import { declaresSam, expandSam, hasSamResources, SAM_TRANSFORM } from "./sam.ts";

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
export function rawDependencies(resources: Readonly<Record<string, RawResource>>): (id: string) => ReadonlySet<string> {
  const memo = new Map<string, Set<string>>();
  return (id: string) => {
    const known = memo.get(id);
    if (known) return known;
    const res = resources[id];
    const deps = new Set<string>();
    memo.set(id, deps);
    const add = (name: unknown) => {
      if (typeof name === "string" && name in resources && name !== id) deps.add(name);
    };
    const dependsOn = res?.DependsOn;
    for (const d of Array.isArray(dependsOn) ? dependsOn : [dependsOn]) add(d);
    const stack: unknown[] = [res?.Properties];
    while (stack.length > 0) {
      const v = stack.pop();
      if (Array.isArray(v)) for (const x of v) stack.push(x);
      else if (v && typeof v === "object") {
        for (const [k, x] of Object.entries(v)) {
          if (k === "Ref") add(x);
          else if (k === "Fn::GetAtt") add(Array.isArray(x) ? x[0] : typeof x === "string" ? x.split(".")[0] : undefined);
          else if (k === "Fn::Sub") {
            const text = Array.isArray(x) ? x[0] : x;
            if (typeof text === "string") {
              for (const m of text.matchAll(/\$\{([^}!][^}.]*)/g)) add(m[1]?.trim());
            }
          }
          stack.push(x);
        }
      }
    }
    return deps;
  };
}

export function loadCloudFormation(file: string, text: string, options: LoadOptions = {}): Model {
  const parsed = parseTemplateText(file, text);
  const template = parsed.value;
  if (!looksLikeTemplate(template)) {
    throw new LoadError("LOAD_NOT_A_TEMPLATE", "not a CloudFormation or SAM template (no Resources section)", { file, line: 1, column: 1 });
  }
  const rawResources = template.Resources;
  if (!rawResources || typeof rawResources !== "object" || Array.isArray(rawResources)) {
    const pos = parsed.positions.get(template)?.keys.get("Resources");
    throw new LoadError("LOAD_NOT_A_TEMPLATE", "Resources must be a map of logical ids to resources", {
      file,
      ...pos,
    });
  }
  const original = rawResources as Record<string, RawResource>;
  const early: Diagnostic[] = parsed.warnings.map((w) => ({
    code: "LOAD_DUPLICATE_KEY",
    severity: "warning",
    message: w.message,
    location: { file, line: w.line, column: w.column },
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
  const sam = samResources || declaresSam(template) ? expandSam(template, original) : { resources: original, generatedFrom: new Map() };
  const region = options.region ?? DEFAULT_REGION;
  const resolver = new Resolver(parsed, { ...template, Resources: sam.resources }, { region, params: options.params ?? {} });
  const dependencies = rawDependencies(sam.resources);
  const builder = new ModelBuilder(resolver, sam.resources, sam.generatedFrom, options.constructPaths);
  const { entities, diagnostics } = builder.build();
  return new Model({ files: [file], region, entities, diagnostics: [...early, ...diagnostics], dependencies });
}
