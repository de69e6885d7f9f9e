// CloudFormation intrinsic functions, evaluated as far as the template and the given
// parameters determine them. What they do not determine becomes an explicit Unknown with the
// reason; references to resources stay symbolic ({ $ref }) for the model builder to link.
import { availabilityZones, partitionOf, urlSuffixOf } from "../../aws/facts.ts";
import type { Diagnostic, Severity, Unknown } from "../../model/types.ts";
import { isUnknown, unknown } from "../../model/types.ts";
import { parseCidr, subdivide } from "../../net/ip.ts";
import type { NodePos, ParsedText, Pos } from "./parse.ts";

/** A resource reference: `Ref` (no attr) or `Fn::GetAtt` (attr). */
export interface ResourceRef {
  readonly $ref: string;
  readonly $attr?: string;
}

export const NO_VALUE: unique symbol = Symbol("AWS::NoValue");

export type Value =
  string | number | boolean | null | Unknown | ResourceRef | typeof NO_VALUE | readonly Value[] | { readonly [k: string]: Value };

export function isResourceRef(v: unknown): v is ResourceRef {
  return typeof v === "object" && v !== null && typeof (v as { $ref?: unknown }).$ref === "string";
}

/** A raw template mapping that is an intrinsic function call: one key, `Ref` or `Fn::*`. */
export function isIntrinsicCall(v: unknown): boolean {
  if (!v || typeof v !== "object" || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === "Ref" || (keys[0] as string).startsWith("Fn::"));
}

export function isPlainObject(v: unknown): v is Record<string, Value> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isUnknown(v) && !isResourceRef(v);
}

/** Where a value sits, for diagnostics. */
export interface Where {
  readonly logicalId?: string;
  readonly pos?: Pos | undefined;
}

/**
 * A Where whose position is looked up only if a diagnostic asks for it: resolving a large
 * template visits every value, and almost none of them is ever reported.
 */
class LazyWhere implements Where {
  readonly logicalId: string | undefined;
  private readonly find: () => Pos | undefined;
  private found: Pos | null | undefined;

  constructor(logicalId: string | undefined, find: () => Pos | undefined) {
    this.logicalId = logicalId;
    this.find = find;
  }

  get pos(): Pos | undefined {
    if (this.found === undefined) this.found = this.find() ?? null;
    return this.found ?? undefined;
  }
}

export interface RawResource {
  readonly Type?: unknown;
  readonly Properties?: unknown;
  readonly Condition?: unknown;
  readonly DependsOn?: unknown;
  readonly Metadata?: unknown;
}

export interface ResolverOptions {
  readonly region: string;
  /** `--param Name=Value` overrides. */
  readonly params: Readonly<Record<string, string>>;
  /** For a name the template does not define: why a transform that was not expanded may define it (language-extensions.ts). */
  readonly mayBeGenerated?: (name: string) => string | undefined;
}

const PSEUDO = new Set([
  "AWS::Region",
  "AWS::AccountId",
  "AWS::Partition",
  "AWS::URLSuffix",
  "AWS::StackName",
  "AWS::StackId",
  "AWS::NotificationARNs",
  "AWS::NoValue",
]);

function describe(v: Value): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (isUnknown(v)) return "an unknown value";
  if (isResourceRef(v)) return v.$attr ? `${v.$ref}.${v.$attr}` : v.$ref;
  return JSON.stringify(v);
}

export class Resolver {
  readonly resources: Readonly<Record<string, RawResource>>;
  readonly diagnostics: Diagnostic[] = [];
  private readonly parameters: Readonly<Record<string, unknown>>;
  private readonly mappings: Readonly<Record<string, unknown>>;
  private readonly conditions: Readonly<Record<string, unknown>>;
  private readonly conditionCache = new Map<string, boolean | Unknown>();
  private readonly conditionStack = new Set<string>();
  private readonly paramCache = new Map<string, Value>();
  private readonly attrCache = new Map<string, Value>();
  private readonly attrStack = new Set<string>();

  readonly parsed: ParsedText;
  readonly options: ResolverOptions;

  constructor(parsed: ParsedText, template: Record<string, unknown>, options: ResolverOptions) {
    this.parsed = parsed;
    this.options = options;
    const obj = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
    this.resources = obj(template.Resources) as Record<string, RawResource>;
    this.parameters = obj(template.Parameters);
    this.mappings = obj(template.Mappings);
    this.conditions = obj(template.Conditions);
  }

  report(code: string, severity: Severity, message: string, where: Where): void {
    this.diagnostics.push({
      code,
      severity,
      message,
      location: { file: this.parsed.file, line: where.pos?.line, column: where.pos?.column },
      ...(where.logicalId ? { resource: where.logicalId } : {}),
    });
  }

  positionOf(v: unknown): NodePos | undefined {
    return v && typeof v === "object" ? this.parsed.positions.get(v) : undefined;
  }

  /** Where resource `id` sits; `written` is the logical id it was written under (SAM-generated resources: the SAM resource). */
  whereResource(id: string, written: string = id): Where {
    return new LazyWhere(id, () => this.parsed.positions.resource(written));
  }

  /** A more precise Where when the value (or its key) has a recorded position, else `where` itself. */
  private at(where: Where, v: unknown, key?: string): Where {
    return new LazyWhere(where.logicalId, () => {
      const p = this.positionOf(v);
      if (!p) return where.pos;
      return (key !== undefined ? p.keys.get(key) : undefined) ?? p;
    });
  }

  /** Resolves a value found at `where` (`depth`: how deep inside the value being resolved). */
  resolve(v: unknown, where: Where, depth = 0): Value {
    if (v === null || v === undefined) return null;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
    if (Array.isArray(v)) {
      const out: Value[] = [];
      const w = this.at(where, v);
      for (const item of v) {
        const r = this.resolve(item, w, depth + 1);
        if (r !== NO_VALUE) out.push(r);
      }
      return out;
    }
    if (typeof v !== "object") return null;
    const obj = v as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1) {
      const k = keys[0] as string;
      if (k === "Ref" || k.startsWith("Fn::")) return this.intrinsic(k, obj[k], this.at(where, obj), depth);
    }
    const out: Record<string, Value> = {};
    for (const k of keys) {
      const r = this.resolve(obj[k], this.at(where, obj, k), depth + 1);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  private intrinsic(fn: string, arg: unknown, where: Where, depth: number): Value {
    const r = (x: unknown) => this.resolve(x, where, depth + 1);
    const args = (n: number): unknown[] | null => {
      if (Array.isArray(arg) && arg.length >= n) return arg;
      this.report("LOAD_BAD_INTRINSIC", "error", `${fn} needs a list of ${n} arguments`, where);
      return null;
    };
    switch (fn) {
      case "Ref": {
        const name = r(arg);
        if (typeof name !== "string") return unknown(`Ref of ${describe(name)}`);
        return this.ref(name, where);
      }
      case "Fn::GetAtt": {
        let parts: unknown[] | null = Array.isArray(arg) ? arg : null;
        if (typeof arg === "string") parts = arg.split(/\.(.*)/s, 2);
        if (!parts || parts.length < 2) {
          this.report("LOAD_BAD_INTRINSIC", "error", "Fn::GetAtt needs [LogicalId, Attribute]", where);
          return unknown("malformed Fn::GetAtt");
        }
        const id = r(parts[0]);
        const attr = r(parts[1]);
        if (typeof id !== "string" || typeof attr !== "string") return unknown("Fn::GetAtt with computed names");
        return this.getAtt(id, attr, where);
      }
      case "Fn::Sub":
        return this.sub(arg, where, depth);
      case "Fn::Join": {
        const a = args(2);
        if (!a) return unknown("malformed Fn::Join");
        const delim = r(a[0]);
        const list = r(a[1]);
        if (typeof delim !== "string") return unknown("Fn::Join with an unknown delimiter");
        if (!Array.isArray(list)) return isUnknown(list) ? list : unknown("Fn::Join of a value that is not a list");
        const parts: string[] = [];
        for (const p of list as Value[]) {
          if (typeof p === "string" || typeof p === "number" || typeof p === "boolean") parts.push(String(p));
          else return isUnknown(p) ? p : unknown(`Fn::Join over ${describe(p)}, known only at deploy time`);
        }
        return parts.join(delim);
      }
      case "Fn::Select": {
        const a = args(2);
        if (!a) return unknown("malformed Fn::Select");
        const index = r(a[0]);
        const list = r(a[1]);
        const i = typeof index === "string" ? Number(index) : index;
        if (typeof i !== "number" || !Number.isInteger(i)) return unknown("Fn::Select with an unknown index");
        if (isUnknown(list)) return list;
        if (!Array.isArray(list)) return unknown("Fn::Select from a value that is not a list");
        if (i < 0 || i >= list.length) {
          this.report("LOAD_BAD_INTRINSIC", "error", `Fn::Select index ${i} is outside a list of ${list.length}`, where);
          return unknown(`Fn::Select index ${i} out of range`);
        }
        return (list as Value[])[i] as Value;
      }
      case "Fn::Split": {
        const a = args(2);
        if (!a) return unknown("malformed Fn::Split");
        const delim = r(a[0]);
        const s = r(a[1]);
        if (typeof delim !== "string") return unknown("Fn::Split with an unknown delimiter");
        if (typeof s !== "string") return isUnknown(s) ? s : unknown(`Fn::Split of ${describe(s)}`);
        return s.split(delim);
      }
      case "Fn::GetAZs": {
        const region = r(arg);
        const reg = typeof region === "string" && region !== "" ? region : this.options.region;
        return availabilityZones(reg);
      }
      case "Fn::Cidr": {
        const a = args(3);
        if (!a) return unknown("malformed Fn::Cidr");
        const block = r(a[0]);
        const count = Number(r(a[1]));
        const bits = Number(r(a[2]));
        if (typeof block !== "string") return isUnknown(block) ? block : unknown(`Fn::Cidr of ${describe(block)}`);
        const p = parseCidr(block);
        if (!p) {
          this.report("LOAD_BAD_INTRINSIC", "error", `Fn::Cidr: ${JSON.stringify(block)} is not a CIDR block`, where);
          return unknown("Fn::Cidr of an invalid block");
        }
        const out = subdivide(p.cidr, count, bits);
        if (typeof out === "string") {
          this.report("LOAD_BAD_INTRINSIC", "error", `Fn::Cidr: ${out}`, where);
          return unknown(`Fn::Cidr: ${out}`);
        }
        return out.map((c) => c.text);
      }
      case "Fn::FindInMap": {
        const a = args(3);
        if (!a) return unknown("malformed Fn::FindInMap");
        const [m, k1, k2] = [r(a[0]), r(a[1]), r(a[2])];
        if (typeof m !== "string" || typeof k1 !== "string" || typeof k2 !== "string") {
          return unknown("Fn::FindInMap with keys known only at deploy time");
        }
        const top = this.mappings[m] as Record<string, Record<string, unknown>> | undefined;
        const hit = top?.[k1]?.[k2];
        if (hit === undefined) {
          const dflt = a[3] as { DefaultValue?: unknown } | undefined;
          if (dflt && typeof dflt === "object" && "DefaultValue" in dflt) return r(dflt.DefaultValue);
          this.report("LOAD_BAD_INTRINSIC", "error", `Fn::FindInMap: no ${m}/${k1}/${k2} in Mappings`, where);
          return unknown(`no mapping ${m}/${k1}/${k2}`);
        }
        return r(hit);
      }
      case "Fn::If": {
        const a = args(3);
        if (!a) return unknown("malformed Fn::If");
        const name = a[0];
        if (typeof name !== "string") return unknown("Fn::If with a computed condition name");
        const c = this.condition(name, where);
        if (isUnknown(c)) return unknown(`depends on condition ${name}: ${c.reason}`);
        return r(c ? a[1] : a[2]);
      }
      case "Fn::Equals":
      case "Fn::And":
      case "Fn::Or":
      case "Fn::Not": {
        const c = this.evalCondition({ [fn]: arg }, where, depth);
        return c;
      }
      case "Fn::ImportValue": {
        const name = r(arg);
        return unknown(
          `imported from another stack (export ${typeof name === "string" ? name : "with a computed name"}); check that stack's template too`,
        );
      }
      case "Fn::Base64":
        return r(arg);
      case "Fn::Length": {
        const list = r(arg);
        return Array.isArray(list) ? list.length : unknown("Fn::Length of an unknown list");
      }
      case "Fn::ToJsonString": {
        const v = r(arg);
        return containsSymbolic(v) ? unknown("Fn::ToJsonString of values known only at deploy time") : JSON.stringify(v);
      }
      case "Fn::Transform":
        // Reported once, with the macro's name, by language-extensions.ts (LOAD_UNKNOWN_TRANSFORM).
        return unknown("the result of Fn::Transform (a macro that is not expanded)");
      case "Fn::ForEach":
        this.report("LOAD_UNSUPPORTED_INTRINSIC", "warning", `${fn} is not evaluated; its result is unknown`, where);
        return unknown(`${fn} is not evaluated`);
      default:
        this.report("LOAD_UNKNOWN_INTRINSIC", "error", `unknown intrinsic function ${fn}`, where);
        return unknown(`unknown intrinsic function ${fn}`);
    }
  }

  ref(name: string, where: Where): Value {
    if (PSEUDO.has(name)) return this.pseudo(name);
    if (name in this.parameters) return this.parameter(name);
    if (name in this.resources) return { $ref: name };
    const generated = this.options.mayBeGenerated?.(name);
    if (generated) return unknown(`${name} ${generated}`);
    this.report("LOAD_REF_NOT_FOUND", "error", `Ref to ${name}, which is neither a parameter nor a resource`, where);
    return unknown(`Ref to undefined ${name}`);
  }

  private pseudo(name: string): Value {
    const region = this.options.region;
    switch (name) {
      case "AWS::Region":
        return region;
      case "AWS::Partition":
        return partitionOf(region);
      case "AWS::URLSuffix":
        return urlSuffixOf(region);
      case "AWS::NoValue":
        return NO_VALUE;
      case "AWS::NotificationARNs":
        return [];
      default:
        return unknown(`${name} is known only at deploy time`);
    }
  }

  parameter(name: string): Value {
    const cached = this.paramCache.get(name);
    if (cached !== undefined) return cached;
    const decl = (this.parameters[name] ?? {}) as Record<string, unknown>;
    const type = typeof decl.Type === "string" ? decl.Type : "String";
    const given = this.options.params[name];
    let raw: unknown = given ?? decl.Default;
    let value: Value;
    if (type.startsWith("AWS::SSM::Parameter::Value")) {
      value =
        given !== undefined
          ? this.typed(type, given)
          : unknown(`parameter ${name} is read from SSM at deploy time; pass --param ${name}=VALUE`);
    } else if (raw === undefined) {
      value = unknown(`parameter ${name} has no default; pass --param ${name}=VALUE`);
    } else {
      if (typeof raw === "number" || typeof raw === "boolean") raw = String(raw);
      value = typeof raw === "string" ? this.typed(type, raw) : unknown(`parameter ${name} has a default that is not a string`);
    }
    this.paramCache.set(name, value);
    return value;
  }

  private typed(type: string, raw: string): Value {
    if (type.startsWith("List<") || type === "CommaDelimitedList" || type.includes("<List<")) {
      return raw === "" ? [] : raw.split(",").map((s) => s.trim());
    }
    return raw;
  }

  /** Fn::GetAtt. Attributes the model needs as literals are computed; others stay symbolic. */
  getAtt(id: string, attr: string, where: Where): Value {
    const res = this.resources[id];
    if (!res) {
      const generated = this.options.mayBeGenerated?.(id);
      if (generated) return unknown(`${id} ${generated}`);
      this.report("LOAD_REF_NOT_FOUND", "error", `Fn::GetAtt on ${id}, which is not a resource of this template`, where);
      return unknown(`Fn::GetAtt on undefined ${id}`);
    }
    const key = `${id}.${attr}`;
    const cached = this.attrCache.get(key);
    if (cached !== undefined) return cached;
    if (this.attrStack.has(key)) {
      this.report("LOAD_CYCLE", "error", `circular reference through ${key}`, where);
      return unknown(`circular reference through ${key}`);
    }
    this.attrStack.add(key);
    try {
      const value = this.computeAttr(id, res, attr);
      this.attrCache.set(key, value);
      return value;
    } finally {
      this.attrStack.delete(key);
    }
  }

  private computeAttr(id: string, res: RawResource, attr: string): Value {
    const props = (res.Properties ?? {}) as Record<string, unknown>;
    const where = this.whereResource(id);
    const prop = (name: string) => this.resolve(props[name], where);
    const type = String(res.Type);
    switch (`${type}.${attr}`) {
      case "AWS::EC2::VPC.CidrBlock":
      case "AWS::EC2::Subnet.CidrBlock":
        return prop("CidrBlock");
      case "AWS::EC2::Subnet.AvailabilityZone":
        return prop("AvailabilityZone");
      case "AWS::EC2::Subnet.VpcId":
      case "AWS::EC2::SecurityGroup.VpcId":
        return prop("VpcId");
      case "AWS::EC2::Subnet.Ipv6CidrBlocks": {
        const v = prop("Ipv6CidrBlock");
        return typeof v === "string" ? [v] : v === null ? [] : v;
      }
      case "AWS::EC2::VPC.VpcId":
      case "AWS::EC2::Subnet.SubnetId":
      case "AWS::EC2::SecurityGroup.GroupId":
      case "AWS::EC2::RouteTable.RouteTableId":
      case "AWS::EC2::NetworkAcl.Id":
      case "AWS::EC2::InternetGateway.InternetGatewayId":
      case "AWS::EC2::NatGateway.NatGatewayId":
      case "AWS::EC2::Instance.InstanceId":
        return { $ref: id };
      case "AWS::EC2::VPCCidrBlock.Ipv6CidrBlock":
        return prop("Ipv6CidrBlock") ?? unknown(`the IPv6 block of ${id} is assigned by AWS at deploy time`);
      case "AWS::EC2::VPC.Ipv6CidrBlocks":
        return unknown(`the IPv6 blocks of ${id} are assigned by AWS at deploy time`);
      default:
        return { $ref: id, $attr: attr };
    }
  }

  private sub(arg: unknown, where: Where, depth: number): Value {
    let template: unknown = arg;
    let vars: Record<string, unknown> = {};
    if (Array.isArray(arg)) {
      template = arg[0];
      vars = (arg[1] && typeof arg[1] === "object" ? arg[1] : {}) as Record<string, unknown>;
    }
    const t = this.resolve(template, where, depth + 1);
    if (typeof t !== "string") return isUnknown(t) ? t : unknown("Fn::Sub of a value that is not a string");
    let failure: Value | undefined;
    const out = t.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
      if (name.startsWith("!")) return `\${${name.slice(1)}}`;
      const key = name.trim();
      let v: Value;
      if (key in vars) v = this.resolve(vars[key], where, depth + 1);
      else if (key.includes(".") && !PSEUDO.has(key)) {
        const dot = key.indexOf(".");
        v = this.getAtt(key.slice(0, dot), key.slice(dot + 1), where);
      } else v = this.ref(key, where);
      if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return String(v);
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v.join(",");
      failure ??= isUnknown(v) ? v : unknown(`\${${key}} is known only at deploy time`);
      return whole;
    });
    return failure ?? out;
  }

  /** The value of a named condition: true, false, or Unknown when parameters leave it open. */
  condition(name: string, where: Where): boolean | Unknown {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    if (!(name in this.conditions)) {
      const generated = this.options.mayBeGenerated?.(name);
      if (generated) return unknown(`condition ${name} ${generated}`);
      this.report("LOAD_REF_NOT_FOUND", "error", `condition ${name} is not defined in Conditions`, where);
      return unknown(`undefined condition ${name}`);
    }
    if (this.conditionStack.has(name)) {
      this.report("LOAD_CYCLE", "error", `condition ${name} refers to itself`, where);
      return unknown(`circular condition ${name}`);
    }
    this.conditionStack.add(name);
    const def = this.conditions[name];
    const w = { pos: this.positionOf(def) ?? where.pos };
    const v = this.evalCondition(def, w, 0);
    this.conditionStack.delete(name);
    this.conditionCache.set(name, v);
    return v;
  }

  private evalCondition(expr: unknown, where: Where, depth: number): boolean | Unknown {
    if (typeof expr === "boolean") return expr;
    if (typeof expr === "string" && (expr === "true" || expr === "false")) return expr === "true";
    if (!expr || typeof expr !== "object" || Array.isArray(expr)) {
      return unknown("malformed condition");
    }
    const [k, arg] = Object.entries(expr)[0] ?? [];
    const list = Array.isArray(arg) ? arg : [];
    switch (k) {
      case "Condition":
        return typeof arg === "string" ? this.condition(arg, where) : unknown("malformed Condition");
      case "Fn::Equals": {
        if (list.length !== 2) return unknown("Fn::Equals needs two values");
        const a = this.resolve(list[0], where, depth + 1);
        const b = this.resolve(list[1], where, depth + 1);
        if (containsSymbolic(a) || containsSymbolic(b)) {
          const u = [a, b].find(isUnknown);
          return u ?? unknown("compares values known only at deploy time");
        }
        return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
      }
      case "Fn::Not": {
        const v = this.evalCondition(list[0], where, depth + 1);
        return isUnknown(v) ? v : !v;
      }
      case "Fn::And":
      case "Fn::Or": {
        const vals = list.map((e) => this.evalCondition(e, where, depth + 1));
        const decisive = k !== "Fn::And";
        if (vals.includes(decisive)) return decisive;
        return vals.find(isUnknown) ?? !decisive;
      }
      default: {
        const v = this.resolve(expr, where, depth + 1);
        if (typeof v === "boolean") return v;
        if (v === "true" || v === "false") return v === "true";
        return isUnknown(v) ? v : unknown("a condition that is not a boolean");
      }
    }
  }

  /** Whether a resource is created: its Condition, if any. */
  resourceCondition(id: string): boolean | Unknown {
    const res = this.resources[id];
    const c = res?.Condition;
    if (c === undefined) return true;
    if (typeof c !== "string") return unknown("malformed resource Condition");
    return this.condition(c, this.whereResource(id));
  }
}

function norm(v: Value): Value {
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return v.map(norm);
  return v;
}

export function containsSymbolic(v: Value): boolean {
  if (isUnknown(v) || isResourceRef(v)) return true;
  if (Array.isArray(v)) return v.some(containsSymbolic);
  if (isPlainObject(v)) return Object.values(v).some(containsSymbolic);
  return false;
}
