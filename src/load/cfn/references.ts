// What each resource refers to in its raw text (DependsOn, Ref, Fn::GetAtt, Fn::Sub): the edges CloudFormation orders
// creation by. Rules ask for a few resources' dependencies (rawDependencies); the cycle check walks them all once
// (dependencyGraph).
import type { RawResource } from "./intrinsics.ts";

/** Called for each Fn::GetAtt (and `${X.Attr}` of Fn::Sub) met while a resource is walked, with the object holding it. */
export type OnAttribute = (owner: string, target: string, attr: string, at: object) => void;

const SUB_VARIABLE = /\$\{([^}!][^}.]*)/g;
const SUB_ATTRIBUTE = /\$\{([^}!.][^}.]*)\.([^}]+)\}/g;

/**
 * Calls `ref` with each name one resource refers to in its raw text: DependsOn, Ref, Fn::GetAtt and `${X}` in Fn::Sub
 * (a variable of the Fn::Sub's own map excepted), names that are no resource included. CloudFormation orders creation by
 * exactly these edges.
 */
export function forEachReference(id: string, res: RawResource | undefined, ref: (name: string) => void, onAttribute?: OnAttribute): void {
  const dependsOn = res?.DependsOn;
  if (typeof dependsOn === "string") ref(dependsOn);
  else if (Array.isArray(dependsOn)) for (const d of dependsOn) if (typeof d === "string") ref(d);
  if (!res?.Properties || typeof res.Properties !== "object") return;
  const stack: unknown[] = [res.Properties];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === "object") stack.push(x);
      continue;
    }
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      if (x !== null && typeof x === "object") stack.push(x);
      // Intrinsic names are the only keys that start with "Fn::" or are "Ref": one character tells most keys apart.
      const c = k.charCodeAt(0);
      if (c !== 0x52 /* R */ && c !== 0x46 /* F */) continue;
      if (k === "Ref") {
        if (typeof x === "string") ref(x);
      } else if (k === "Fn::GetAtt") {
        const parts: unknown[] = Array.isArray(x) ? x : typeof x === "string" ? x.split(/\.(.*)/s, 2) : [];
        const [target, attr] = parts;
        if (typeof target !== "string") continue;
        ref(target);
        if (onAttribute && typeof attr === "string") onAttribute(id, target, attr, o);
      } else if (k === "Fn::Sub") {
        const text = Array.isArray(x) ? x[0] : x;
        if (typeof text !== "string" || !text.includes("${")) continue;
        const vars = Array.isArray(x) && x[1] !== null && typeof x[1] === "object" ? (x[1] as object) : undefined;
        for (const m of text.matchAll(SUB_VARIABLE)) {
          const name = (m[1] as string).trim();
          // A variable of the Fn::Sub's own map is that value, not a resource of the same name.
          if (!vars || !(name in vars)) ref(name);
        }
        if (onAttribute && text.includes(".")) {
          for (const m of text.matchAll(SUB_ATTRIBUTE)) {
            const target = (m[1] as string).trim();
            if (!vars || !(target in vars)) onAttribute(id, target, (m[2] as string).trim(), o);
          }
        }
      }
    }
  }
}

/** The resources one resource refers to (forEachReference, itself excepted), computed when a rule asks, then kept. */
export function rawDependencies(resources: Readonly<Record<string, RawResource>>): (id: string) => ReadonlySet<string> {
  const memo = new Map<string, Set<string>>();
  return (id) => {
    let deps = memo.get(id);
    if (!deps) {
      const found = new Set<string>();
      forEachReference(id, resources[id], (name) => {
        if (name !== id && Object.hasOwn(resources, name)) found.add(name);
      });
      deps = found;
      memo.set(id, deps);
    }
    return deps;
  };
}

/** Every resource's references as integers (template order): what the cycle check walks. */
export interface DependencyGraph {
  readonly ids: readonly string[];
  /** Resource i's references are edges[start[i]] .. edges[start[i + 1] - 1]. */
  readonly start: Int32Array;
  readonly edges: Int32Array;
  /** Resources that refer to themselves: a cycle of one. */
  readonly selfReferences: readonly string[];
}

/**
 * All resources' references in one walk, numbered: no set or closure per resource (a template of 125,000 resources
 * took a sixth of its load time in them). `onAttribute` sees every attribute named, for the GetAtt check.
 */
export function dependencyGraph(resources: Readonly<Record<string, RawResource>>, onAttribute?: OnAttribute): DependencyGraph {
  const ids = Object.keys(resources);
  const number = new Map<string, number>();
  for (let i = 0; i < ids.length; i++) number.set(ids[i] as string, i);
  const start = new Int32Array(ids.length + 1);
  let edges = new Int32Array(Math.max(16, ids.length * 2));
  let count = 0;
  let current = -1;
  let self = false;
  const ref = (name: string) => {
    const j = number.get(name);
    if (j === undefined) return;
    if (j === current) {
      self = true;
      return;
    }
    if (count === edges.length) {
      const grown = new Int32Array(count * 2);
      grown.set(edges);
      edges = grown;
    }
    edges[count++] = j;
  };
  const selfReferences: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as string;
    current = i;
    self = false;
    start[i] = count;
    forEachReference(id, resources[id], ref, onAttribute);
    if (self) selfReferences.push(id);
  }
  start[ids.length] = count;
  return { ids, start, edges: edges.subarray(0, count), selfReferences };
}
