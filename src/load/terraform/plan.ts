// Reads `terraform show -json` output (a saved plan, or a state) into resource instances with
// their values, and ties values unknown until apply to other instances through the plan's
// `configuration` references, only where the reference is certain. Format: Terraform's "JSON
// Output Format" (format_version 0.x and 1.x): plan representation (resource_changes with
// after/after_unknown, planned_values, prior_state, configuration, deferred_changes), values
// representation (state), expression representation (constant_value / references).
import type { Unknown } from "../../model/types.ts";
import { isUnknown, unknown } from "../../model/types.ts";
import { LoadError } from "../errors.ts";

/** A value known only after apply (after_unknown: true), at the path it was found. */
export class Pending {
  readonly address: string;
  constructor(address: string) {
    this.address = address;
  }
}

export type TfValue = string | number | boolean | null | Pending | TfValue[] | { [k: string]: TfValue };
export type TfObject = { [k: string]: TfValue };
export type Path = readonly (string | number)[];

export interface TfInstance {
  /** Full address: `module.vpc.aws_subnet.private[0]`. */
  readonly address: string;
  /** The module instance: "" (root), `module.vpc`, `module.a["x"].module.b`. */
  readonly module: string;
  /** The module calls from the root to the module, without instance keys: ["vpc"]. */
  readonly modulePath: readonly string[];
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly index: number | string | undefined;
  /** Address inside its module without the instance key: `aws_subnet.private`, `data.aws_vpc.x`. */
  readonly configAddress: string;
  readonly values: TfObject;
  /** The change's actions in a plan (`create`, `update`, `no-op`, ...); none for a state. */
  readonly actions: readonly string[] | null;
}

export interface Expression {
  readonly constant_value?: unknown;
  readonly references?: readonly string[];
}

interface ConfigResource {
  readonly address: string;
  readonly expressions: Record<string, unknown>;
  readonly count_expression?: Expression;
  readonly for_each_expression?: Expression;
  readonly depends_on?: readonly string[];
}

export interface ModuleCall {
  readonly source?: string;
  readonly expressions?: Record<string, unknown>;
  readonly count_expression?: Expression;
  readonly for_each_expression?: Expression;
  readonly depends_on?: readonly string[];
  readonly module?: ConfigModule;
}

interface ConfigModule {
  readonly resources?: readonly ConfigResource[];
  readonly module_calls?: Record<string, ModuleCall>;
  readonly outputs?: Record<string, { readonly expression?: Expression }>;
}

export interface Reading {
  readonly kind: "plan" | "state";
  readonly formatVersion: string;
  readonly terraformVersion: string | null;
  readonly instances: readonly TfInstance[];
  /** What leaves the plan undecided (deferred changes, an incomplete plan). */
  readonly undecided: readonly { reason: string; address?: string }[];
  /** The AWS provider's region when the configuration gives it as a constant. */
  readonly providerRegion: string | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** True when a parsed JSON value is `terraform show -json` output (a plan or a state). */
export function looksLikeTerraformJson(v: unknown): v is Record<string, unknown> {
  if (!isObject(v) || typeof v.format_version !== "string") return false;
  // `terraform show -json` of an empty state prints `{"format_version":"1.0"}` alone.
  if (Object.keys(v).every((k) => k === "format_version" || k === "terraform_version")) return true;
  return "planned_values" in v || "resource_changes" in v || "values" in v || "prior_state" in v;
}

/** Splits an address on the dots outside brackets and quotes. */
export function splitAddress(address: string): string[] {
  const parts: string[] = [];
  let cur = "";
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < address.length; i++) {
    const c = address[i] as string;
    if (quoted) {
      cur += c;
      if (c === "\\") cur += address[++i] ?? "";
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === "[") depth++;
    else if (c === "]") depth--;
    if (c === "." && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/** `name[0]` -> ["name", 0]; `name["a"]` -> ["name", "a"]; `name` -> ["name", undefined]. */
export function splitKey(part: string): [string, number | string | undefined] {
  const open = part.indexOf("[");
  if (open < 0 || !part.endsWith("]")) return [part, undefined];
  const inner = part.slice(open + 1, -1);
  const name = part.slice(0, open);
  if (/^\d+$/.test(inner)) return [name, Number(inner)];
  if (inner.startsWith('"')) {
    try {
      return [name, JSON.parse(inner) as string];
    } catch {
      return [name, inner];
    }
  }
  return [name, undefined];
}

/** Puts Pending markers into `after` wherever `after_unknown` says true. */
function mergeUnknown(after: unknown, unknownMap: unknown, address: string, depth = 0): TfValue {
  if (unknownMap === true) return new Pending(address);
  if (depth > 64) return (after ?? null) as TfValue;
  if (Array.isArray(unknownMap)) {
    const base = Array.isArray(after) ? after : [];
    const n = Math.max(base.length, unknownMap.length);
    if (!Array.isArray(after) && !unknownMap.some((u) => u !== false)) return (after ?? null) as TfValue;
    const out: TfValue[] = [];
    for (let i = 0; i < n; i++) out.push(mergeUnknown(base[i], unknownMap[i], address, depth + 1));
    return out;
  }
  if (isObject(unknownMap)) {
    const base = isObject(after) ? after : undefined;
    const keys = Object.keys(unknownMap).filter((k) => unknownMap[k] !== false);
    if (!base && !keys.some((k) => hasTrue(unknownMap[k]))) return (after ?? null) as TfValue;
    const out: TfObject = { ...((base ?? {}) as TfObject) };
    for (const k of keys) out[k] = mergeUnknown(base?.[k], unknownMap[k], address, depth + 1);
    return out;
  }
  return (after ?? null) as TfValue;
}

function hasTrue(u: unknown): boolean {
  if (u === true) return true;
  if (Array.isArray(u)) return u.some(hasTrue);
  if (isObject(u)) return Object.values(u).some(hasTrue);
  return false;
}

/** The module calls of a module instance address: `module.a["x"].module.b` -> ["a", "b"]. */
function modulePathOf(module: string): string[] {
  if (module === "") return [];
  const parts = splitAddress(module);
  const out: string[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push(splitKey(parts[i + 1] as string)[0]);
  return out;
}

function instanceOf(
  raw: Record<string, unknown>,
  values: TfObject,
  actions: readonly string[] | null,
  moduleAddress?: string,
): TfInstance | null {
  const address = typeof raw.address === "string" ? raw.address : null;
  const type = typeof raw.type === "string" ? raw.type : null;
  const name = typeof raw.name === "string" ? raw.name : null;
  if (!address || !type || !name) return null;
  const mode = raw.mode === "data" ? "data" : "managed";
  const index = typeof raw.index === "number" || typeof raw.index === "string" ? raw.index : undefined;
  const prefix = `${mode === "data" ? "data." : ""}${type}.${name}`;
  let module = typeof raw.module_address === "string" ? raw.module_address : (moduleAddress ?? "");
  if (moduleAddress === undefined && typeof raw.module_address !== "string") {
    // resource_changes of format 0.1 name the module only in the address.
    const at = address.lastIndexOf(`.${prefix}`);
    module = at > 0 && address.startsWith("module.") ? address.slice(0, at) : "";
  }
  return {
    address,
    module,
    modulePath: modulePathOf(module),
    mode,
    type,
    name,
    index,
    configAddress: prefix,
    values,
    actions,
  };
}

function walkValuesModule(m: unknown, visit: (r: Record<string, unknown>, module: string) => void, depth = 0): void {
  if (!isObject(m) || depth > 64) return;
  const module = typeof m.address === "string" ? m.address : "";
  for (const r of Array.isArray(m.resources) ? m.resources : []) {
    if (!isObject(r) || typeof r.address !== "string") continue;
    // Terraform 0.12's prior_state leaves the module out of its child modules' resource addresses.
    visit(module !== "" && !r.address.startsWith(`${module}.`) ? { ...r, address: `${module}.${r.address}` } : r, module);
  }
  for (const c of Array.isArray(m.child_modules) ? m.child_modules : []) walkValuesModule(c, visit, depth + 1);
}

/** Reads plan or state JSON into instances. Throws LoadError when it is neither or of an unsupported major version. */
export function readTerraformJson(file: string, doc: Record<string, unknown>): Reading {
  const formatVersion = String(doc.format_version);
  const major = Number(formatVersion.split(".")[0]);
  if (major !== 0 && major !== 1) {
    throw new LoadError(
      "LOAD_TERRAFORM_FORMAT",
      `is Terraform JSON of format_version ${formatVersion}; versions 0.x and 1.x are read`,
      { file },
      "update lambda-egress, or write the JSON with a Terraform release of format 1.x",
    );
  }
  const terraformVersion = typeof doc.terraform_version === "string" ? doc.terraform_version : null;
  const isPlan = "planned_values" in doc || "resource_changes" in doc || "configuration" in doc;
  const instances: TfInstance[] = [];
  const undecided: { reason: string; address?: string }[] = [];
  const seen = new Set<string>();
  if (isPlan) {
    for (const rc of Array.isArray(doc.resource_changes) ? doc.resource_changes : []) {
      if (!isObject(rc) || !isObject(rc.change)) continue;
      const actions = Array.isArray(rc.change.actions) ? rc.change.actions.map(String) : [];
      if (rc.change.after === null || rc.change.after === undefined) continue; // deleted
      const address = String(rc.address);
      const values = mergeUnknown(rc.change.after, rc.change.after_unknown, address);
      const inst = instanceOf(rc, isObject(values) ? (values as TfObject) : {}, actions);
      if (inst && !seen.has(inst.address)) {
        seen.add(inst.address);
        instances.push(inst);
      }
    }
    // Data sources read at plan time and resources the plan leaves out: prior state, then planned values.
    const prior = isObject(doc.prior_state) && isObject(doc.prior_state.values) ? doc.prior_state.values.root_module : undefined;
    const planned = isObject(doc.planned_values) ? doc.planned_values.root_module : undefined;
    for (const tree of [planned, prior]) {
      walkValuesModule(tree, (r, module) => {
        const address = String(r.address);
        if (seen.has(address)) return;
        const inst = instanceOf(r, isObject(r.values) ? (r.values as TfObject) : {}, null, module);
        if (inst) {
          seen.add(address);
          instances.push(inst);
        }
      });
    }
    for (const d of Array.isArray(doc.deferred_changes) ? doc.deferred_changes : []) {
      if (!isObject(d)) continue;
      const rc = isObject(d.resource_change) ? d.resource_change : {};
      const address = typeof rc.address === "string" ? rc.address : undefined;
      const why = typeof d.reason === "string" ? d.reason : "unknown reason";
      undecided.push({
        reason: `Terraform deferred ${address ?? "a change"} (${why}): what it creates is decided only by a later plan`,
        ...(address ? { address } : {}),
      });
    }
    if (doc.complete === false && undecided.length === 0) {
      undecided.push({ reason: "the plan is incomplete (complete: false): a later plan may add resources it leaves out" });
    }
  } else {
    const values = isObject(doc.values) ? doc.values.root_module : undefined;
    walkValuesModule(values, (r, module) => {
      const inst = instanceOf(r, isObject(r.values) ? (r.values as TfObject) : {}, null, module);
      if (inst && !seen.has(inst.address)) {
        seen.add(inst.address);
        instances.push(inst);
      }
    });
  }
  const config = isObject(doc.configuration) ? doc.configuration : {};
  const providers = isObject(config.provider_config) ? config.provider_config : {};
  let providerRegion: string | null = null;
  for (const p of Object.values(providers)) {
    if (!isObject(p) || p.name !== "aws" || p.alias !== undefined || typeof p.module_address === "string") continue;
    const region = isObject(p.expressions) && isObject(p.expressions.region) ? p.expressions.region.constant_value : undefined;
    if (typeof region === "string") providerRegion = region;
  }
  return { kind: isPlan ? "plan" : "state", formatVersion, terraformVersion, instances, undecided, providerRegion };
}

/** A reference as Terraform writes it in `references`, parsed. */
type Ref =
  | { kind: "resource"; target: string; key: number | string | undefined; attr: string | undefined }
  | { kind: "module-output"; call: string; key: number | string | undefined; output: string | undefined }
  | { kind: "count.index" | "each.key" | "each.value" }
  | { kind: "var" | "local" | "other"; text: string };

export function parseRef(text: string): Ref {
  const parts = splitAddress(text);
  const [head] = parts;
  if (head === "count" && parts[1] === "index") return { kind: "count.index" };
  if (head === "each") return { kind: parts[1] === "key" ? "each.key" : "each.value" };
  if (head === "var") return { kind: "var", text };
  if (head === "local") return { kind: "local", text };
  if (head === "module" && parts[1] !== undefined) {
    const [call, key] = splitKey(parts[1]);
    return { kind: "module-output", call, key, output: parts[2] };
  }
  if (head === "data" && parts[1] !== undefined && parts[2] !== undefined) {
    const [name, key] = splitKey(parts[2]);
    return { kind: "resource", target: `data.${parts[1]}.${name}`, key, attr: parts[3] };
  }
  if (
    head !== undefined &&
    parts[1] !== undefined &&
    /^[a-z0-9]+_[a-z0-9_]+$/.test(head) &&
    !["path", "self", "terraform"].includes(head)
  ) {
    const [name, key] = splitKey(parts[1]);
    return { kind: "resource", target: `${head}.${name}`, key, attr: parts[2] };
  }
  return { kind: "other", text };
}

const keyText = (k: number | string) => (typeof k === "number" ? `[${k}]` : `[${JSON.stringify(k)}]`);

/**
 * Ties instances and their configuration: the expression behind a value, and the instances a
 * reference can mean. Every answer is either certain or an Unknown naming the ambiguity.
 */
export class References {
  private readonly byConfig = new Map<string, TfInstance[]>();
  private readonly root: ConfigModule | undefined;

  readonly instances: readonly TfInstance[];

  constructor(instances: readonly TfInstance[], configuration: unknown) {
    this.instances = instances;
    for (const inst of instances) {
      const k = `${inst.module}|${inst.configAddress}`;
      const list = this.byConfig.get(k);
      if (list) list.push(inst);
      else this.byConfig.set(k, [inst]);
    }
    this.root = isObject(configuration) && isObject(configuration.root_module) ? (configuration.root_module as ConfigModule) : undefined;
  }

  get hasConfiguration(): boolean {
    return this.root !== undefined;
  }

  private configModule(path: readonly string[]): ConfigModule | undefined {
    let m = this.root;
    for (const call of path) m = m?.module_calls?.[call]?.module;
    return m;
  }

  /** The configuration of the module call at the end of a module path. */
  moduleCall(path: readonly string[]): ModuleCall | undefined {
    if (path.length === 0) return undefined;
    return this.configModule(path.slice(0, -1))?.module_calls?.[path[path.length - 1] as string];
  }

  /** The expression of a module's output. */
  moduleOutput(path: readonly string[], name: string): Expression | undefined {
    return this.configModule(path)?.outputs?.[name]?.expression;
  }

  /** The `source` of the module an instance is declared in, when the configuration has it. */
  moduleSource(inst: TfInstance): string | undefined {
    if (inst.modulePath.length === 0) return undefined;
    const parent = this.configModule(inst.modulePath.slice(0, -1));
    return parent?.module_calls?.[inst.modulePath[inst.modulePath.length - 1] as string]?.source;
  }

  /** The file and line an instance is declared at, when the input has lines (configuration read from .tf files). */
  locate(_inst: TfInstance): { file: string; line?: number } | undefined {
    return undefined;
  }

  /** The configuration block of an instance's resource, when the plan has it. */
  configOf(inst: TfInstance): ConfigResource | undefined {
    return this.configModule(inst.modulePath)?.resources?.find((r) => r.address === inst.configAddress);
  }

  private readonly byKey = new Map<string, Map<number | string | undefined, TfInstance>>();

  /** The instance of a resource with this count index or for_each key. */
  private instanceAt(module: string, configAddress: string, key: number | string | undefined): TfInstance | undefined {
    const k = `${module}|${configAddress}`;
    let map = this.byKey.get(k);
    if (!map) {
      map = new Map((this.byConfig.get(k) ?? []).map((i) => [i.index, i]));
      this.byKey.set(k, map);
    }
    return map.get(key);
  }

  /** The instances of a resource in a module instance. */
  instancesOf(module: string, configAddress: string): readonly TfInstance[] {
    return this.byConfig.get(`${module}|${configAddress}`) ?? [];
  }

  /**
   * The expression behind the value at `path` of an instance: `undefined` when the configuration
   * does not set it (the provider computes it), an Unknown when the block it sits in cannot be
   * matched to one configuration block (a dynamic block, or several blocks of a set).
   */
  expressionAt(inst: TfInstance, path: Path): Expression | undefined | Unknown {
    const cfg = this.configOf(inst);
    if (!cfg) return unknown(`the plan has no configuration for ${inst.address}`);
    let expr: unknown = cfg.expressions;
    let value: unknown = inst.values;
    for (let i = 0; i < path.length; i++) {
      const step = path[i] as string | number;
      if (typeof step === "number") {
        // A nested block: find the configuration block this element of the value comes from.
        if (!Array.isArray(expr))
          return unknown(`${describe(inst, path.slice(0, i))} is set by a dynamic block or an expression, which the plan does not record`);
        const element = Array.isArray(value) ? value[step] : undefined;
        const match = matchBlock(expr, element, Array.isArray(value) ? value.length : 0);
        if (isUnknown(match)) return unknown(`${describe(inst, path.slice(0, i))}: ${match.reason}`);
        expr = match;
        value = element;
        continue;
      }
      if (!isObject(expr)) return undefined;
      if (!(step in expr)) {
        if (
          i < path.length - 1 &&
          typeof path[i + 1] === "number" &&
          isObject(value) &&
          Array.isArray(value[step]) &&
          (value[step] as unknown[]).length > 0
        ) {
          return unknown(`${describe(inst, path.slice(0, i + 1))} comes from a dynamic block, which the plan does not record`);
        }
        return undefined;
      }
      expr = expr[step];
      value = isObject(value) ? value[step] : undefined;
    }
    return isObject(expr) && ("references" in expr || "constant_value" in expr)
      ? (expr as Expression)
      : unknown(`${describe(inst, path)} is not a single expression in the configuration`);
  }

  /**
   * The instances an expression can yield, seen from `from` (whose count.index / each.key it
   * may use). `list`: the value is a list (a splat yields every instance).
   */
  resolve(from: TfInstance, expr: Expression, list: boolean, what: string): TfInstance[] | Unknown {
    return this.resolveIn(from.module, from.modulePath, from.index, expr, list, what, 0);
  }

  private resolveIn(
    module: string,
    modulePath: readonly string[],
    index: number | string | undefined,
    expr: Expression,
    list: boolean,
    what: string,
    depth: number,
  ): TfInstance[] | Unknown {
    if (depth > 16) return unknown(`${what}: module outputs nest too deep`);
    const refs = (expr.references ?? []).map(parseRef);
    const targets = new Map<string, { key: number | string | undefined; keys: (number | string)[]; ref: Ref }>();
    const others: string[] = [];
    let usesIndex = false;
    let usesKey = false;
    for (const [i, r] of refs.entries()) {
      if (r.kind === "resource") {
        const t = targets.get(r.target) ?? { key: undefined, keys: [], ref: r };
        // `x[0].id` and `x[1].id` in one expression: both instances (Terraform also lists `x`).
        if (r.key !== undefined && !t.keys.includes(r.key)) t.keys.push(r.key);
        t.key ??= r.key;
        targets.set(r.target, t);
      } else if (r.kind === "module-output") {
        const id = `module.${r.call}.${r.output ?? ""}`;
        if (r.output !== undefined) targets.set(id, { key: r.key, keys: r.key === undefined ? [] : [r.key], ref: r });
      } else if (r.kind === "count.index") usesIndex = true;
      else if (r.kind === "each.key" || r.kind === "each.value") usesKey = true;
      else others.push(expr.references?.[i] ?? "");
    }
    // `module.vpc` alone (next to `module.vpc.x`) is not a target of its own.
    for (const id of [...targets.keys()]) {
      const t = targets.get(id);
      if (t?.ref.kind === "module-output" && t.ref.output === undefined) targets.delete(id);
    }
    if (targets.size === 0) {
      // A module's input variable alone: what the module call passes, in the caller's scope.
      const variable = others.length === 1 && !usesIndex && !usesKey ? /^var\.([A-Za-z0-9_-]+)$/.exec(others[0] ?? "") : null;
      if (variable && modulePath.length > 0) {
        const parentPath = modulePath.slice(0, -1);
        const callName = modulePath[modulePath.length - 1] as string;
        const call = this.configModule(parentPath)?.module_calls?.[callName];
        const passed = call?.expressions?.[variable[1] as string];
        if (isObject(passed) && ("references" in passed || "constant_value" in passed)) {
          const parts = splitAddress(module);
          const parent = parts.slice(0, -2).join(".");
          const key = splitKey(parts[parts.length - 1] ?? "")[1];
          return this.resolveIn(
            parent,
            parentPath,
            key,
            passed as Expression,
            list,
            `${what} (var.${variable[1]} of module.${callName})`,
            depth + 1,
          );
        }
      }
      if (others.length > 0) {
        return unknown(`${what} comes from ${others.join(", ")}, whose value the plan does not record (known only after apply)`);
      }
      return unknown(`${what} is known only after apply, and its expression refers to no resource`);
    }
    if (targets.size > 1) {
      return unknown(
        `${what} is known only after apply and may come from ${[...targets.keys()].join(" or ")}; the plan does not record which`,
      );
    }
    const [[target, { key, keys, ref }]] = [...targets.entries()] as [
      [string, { key: number | string | undefined; keys: (number | string)[]; ref: Ref }],
    ];
    if (ref.kind === "module-output") {
      const call = this.configModule(modulePath)?.module_calls?.[ref.call];
      const out = call?.module?.outputs?.[ref.output ?? ""]?.expression;
      if (!call || !out) return unknown(`${what}: the plan's configuration has no output ${ref.output ?? ""} of module ${ref.call}`);
      if (call.count_expression || call.for_each_expression) {
        if (key === undefined)
          return unknown(`${what}: module ${ref.call} has several instances and the plan does not record which one is used`);
      }
      const child = `${module === "" ? "" : `${module}.`}module.${ref.call}${key === undefined ? "" : keyText(key)}`;
      return this.resolveIn(
        child,
        [...modulePath, ref.call],
        undefined,
        out,
        list,
        `${what} (output ${ref.output ?? ""} of module.${ref.call})`,
        depth + 1,
      );
    }
    const candidates = this.instancesOf(module, target);
    const where = module === "" ? target : `${module}.${target}`;
    if (candidates.length === 0) return unknown(`${what} refers to ${where}, which has no instance in the plan`);
    if (keys.length > 1 && !list) {
      return unknown(`${what} may be ${keys.map((k) => `${where}${keyText(k)}`).join(" or ")}; the plan does not record which`);
    }
    if (key !== undefined) {
      const hits: TfInstance[] = [];
      for (const k of keys) {
        const hit = this.instanceAt(module, target, k);
        if (!hit) return unknown(`${what} refers to ${where}${keyText(k)}, which is not in the plan`);
        hits.push(hit);
      }
      return hits;
    }
    if (candidates.length === 1 && candidates[0]?.index === undefined) return [candidates[0] as TfInstance];
    const indexRefs = others.filter((o) => o !== "");
    if (!list || usesIndex || usesKey || indexRefs.length > 0) {
      if (candidates.length === 1) return [candidates[0] as TfInstance];
      // x[count.index] / x[each.key]: the referrer's own index, when it is the only input and both have the same instances.
      if (indexRefs.length === 0 && (usesIndex || usesKey) && !(usesIndex && usesKey) && index !== undefined) {
        const hit = this.instanceAt(module, target, index);
        if (hit && typeof index === (usesIndex ? "number" : "string")) return [hit];
      }
      const by = [usesIndex ? "count.index" : "", usesKey ? "each.key" : "", ...indexRefs].filter((s) => s !== "").join(", ");
      return unknown(
        `${what} is one of the ${candidates.length} instances of ${where}${by ? `, chosen by ${by}` : ""}; the plan does not record which`,
      );
    }
    // A splat (`x[*].id`) or the whole resource as a list: every instance, in index order.
    return [...candidates].sort((a, b) => String(a.index).localeCompare(String(b.index), "en", { numeric: true }));
  }
}

/** `aws_subnet.a.vpc_config[0].subnet_ids` for messages. */
export function describe(inst: TfInstance, path: Path): string {
  let s = inst.address;
  for (const p of path) s += typeof p === "number" ? `[${p}]` : `.${p}`;
  return s;
}

/**
 * The configuration block an element of a nested block value comes from: the only one, else the
 * one whose constant attributes all equal the element's (blocks of a set are reordered).
 */
function matchBlock(blocks: unknown[], element: unknown, count: number): unknown {
  if (blocks.length === 1 && count <= 1) return blocks[0];
  const fits = blocks.filter((b) => {
    if (!isObject(b) || !isObject(element)) return false;
    return Object.entries(b).every(([k, e]) => {
      if (!isObject(e) || !("constant_value" in e)) return true;
      return JSON.stringify(e.constant_value) === JSON.stringify(element[k]);
    });
  });
  if (fits.length === 1) return fits[0];
  return unknown(
    fits.length === 0
      ? "no block of the configuration matches it (a dynamic block?)"
      : `${fits.length} blocks of the configuration match it; the plan does not record which it is`,
  );
}
