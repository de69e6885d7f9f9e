// CloudFormation intrinsic functions, evaluated as far as the template and the given
// parameters determine them. What they do not determine becomes an explicit Unknown with the
// reason; references to resources stay symbolic ({ $ref }) for the model builder to link.
import type { DiagnosticCode } from "../../aws/codes.ts";
import { availabilityZones, partitionOf, referenceCharacters, urlSuffixOf } from "../../aws/facts.ts";
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

/**
 * A string only part of which the template determines: literal text around values known only at
 * deploy time (a resource's id, a parameter without a value), in order. Internal to the resolver:
 * Fn::Join and Fn::Sub build it, Fn::Split cuts it where the delimiter can only be in the literal
 * text, and `resolve` hands what is left of it out as an Unknown. Never two strings in a row, and
 * at least one part that is not a string.
 */
interface PartialText {
  readonly $text: readonly TextPart[];
  /** Why it is not a string, for the Unknown it becomes when its first symbolic part is a reference. */
  readonly why: string;
}

type TextPart = string | ResourceRef | Unknown;

/** What the resolver computes with: a Value, or a PartialText anywhere inside one. */
type Inner =
  | string
  | number
  | boolean
  | null
  | Unknown
  | ResourceRef
  | PartialText
  | typeof NO_VALUE
  | readonly Inner[]
  | { readonly [k: string]: Inner };

function isPartialText(v: unknown): v is PartialText {
  return typeof v === "object" && v !== null && Array.isArray((v as { $text?: unknown }).$text);
}

/**
 * Unknowns that stand for a list element that may not be there at all (`Fn::If` on a condition the
 * parameters leave open, with `AWS::NoValue` on one side): the elements after it have no known index.
 */
const MAYBE_ABSENT = new WeakSet<object>();

/** Whether `v` is a list element that may be absent (the list's length is then not known). */
export function mayBeAbsent(v: Value): boolean {
  return typeof v === "object" && v !== null && MAYBE_ABSENT.has(v);
}

/** The same Unknown, as a value that is there (a list element that may be absent is itself known to exist once used). */
function present(u: Unknown): Unknown {
  return MAYBE_ABSENT.has(u) ? unknown(u.reason) : u;
}

/** Builds a string from parts, some of them known only at deploy time. */
class TextBuilder {
  private readonly parts: TextPart[] = [];
  private why: string | undefined;

  literal(s: string): void {
    if (s === "") return;
    const last = this.parts.length - 1;
    if (typeof this.parts[last] === "string") this.parts[last] += s;
    else this.parts.push(s);
  }

  /** Adds `v`, false when it is not a string's value (a list, a map). `why`: the reason a reference makes the whole unknown. */
  add(v: Inner, why: () => string): boolean {
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") this.literal(String(v));
    else if (isUnknown(v)) {
      this.why ??= v.reason;
      this.parts.push(present(v));
    } else if (isResourceRef(v)) {
      this.why ??= why();
      this.parts.push(v);
    } else if (isPartialText(v)) {
      this.why ??= v.why;
      for (const p of v.$text) {
        if (typeof p === "string") this.literal(p);
        else this.parts.push(p);
      }
    } else return false;
    return true;
  }

  /** A string when every part is known, the one symbolic part when there is nothing else, else a PartialText. */
  build(): string | ResourceRef | Unknown | PartialText {
    const parts = this.parts;
    if (parts.length === 0) return "";
    if (parts.length === 1) return parts[0] as string | ResourceRef | Unknown;
    return { $text: parts, why: this.why ?? "known only at deploy time" };
  }
}

/** A value whose every string is whole: PartialTexts become Unknowns (the first symbolic part's, or with the reason). */
function finish(v: Inner): Value {
  if (isPartialText(v)) {
    const first = v.$text.find((p) => typeof p !== "string");
    return isUnknown(first) ? first : unknown(v.why);
  }
  if (Array.isArray(v)) return (v as Inner[]).map(finish);
  if (isPlainObject(v)) {
    const out: Record<string, Value> = {};
    for (const k of Object.keys(v)) out[k] = finish((v as Record<string, Inner>)[k] as Inner);
    return out;
  }
  return v as Value;
}

/** A whole number written as a number or a string of digits (Fn::Select's index, Fn::Cidr's count and bits). */
function wholeNumber(v: Inner): number | null {
  if (typeof v === "number") return Number.isInteger(v) ? v : null;
  if (typeof v === "string" && /^\s*-?\d+\s*$/.test(v)) return Number(v);
  return null;
}

/** Equal values that hold no Unknown (references compared by name): both sides of an Fn::If give the same. */
function sameKnown(a: Inner, b: Inner): boolean {
  if (a === b) return !isUnknown(a);
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (isUnknown(a) || isUnknown(b)) return false;
  if (isResourceRef(a) || isResourceRef(b)) return isResourceRef(a) && isResourceRef(b) && a.$ref === b.$ref && a.$attr === b.$attr;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return (a as Inner[]).every((x, i) => !mayBeAbsent(x as Value) && !mayBeAbsent(b[i] as Value) && sameKnown(x, b[i] as Inner));
  }
  if (isPartialText(a) || isPartialText(b)) {
    return isPartialText(a) && isPartialText(b) && sameKnown(a.$text as Inner[], b.$text as Inner[]);
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const bo = b as Record<string, Inner>;
  return (
    ka.length === kb.length && ka.every((k) => Object.hasOwn(bo, k) && sameKnown((a as Record<string, Inner>)[k] as Inner, bo[k] as Inner))
  );
}

/** A raw template mapping that is an intrinsic function call: one key, `Ref` or `Fn::*`. */
export function isIntrinsicCall(v: unknown): boolean {
  if (!v || typeof v !== "object" || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  return keys.length === 1 && (keys[0] === "Ref" || (keys[0] as string).startsWith("Fn::"));
}

export function isPlainObject(v: unknown): v is Record<string, Value> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !isUnknown(v) && !isResourceRef(v) && !isPartialText(v);
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

/** Where a value inside `parent` sits: its own position (or its key's) when one is recorded, looked up when asked. */
class ValueWhere implements Where {
  readonly logicalId: string | undefined;
  private readonly resolver: { positionOf(v: unknown): NodePos | undefined };
  private readonly parent: Where;
  private readonly value: unknown;
  private readonly key: string | undefined;
  private found: Pos | null | undefined;

  constructor(resolver: { positionOf(v: unknown): NodePos | undefined }, parent: Where, value: unknown, key: string | undefined) {
    this.logicalId = parent.logicalId;
    this.resolver = resolver;
    this.parent = parent;
    this.value = value;
    this.key = key;
  }

  get pos(): Pos | undefined {
    if (this.found === undefined) {
      const p = this.resolver.positionOf(this.value);
      this.found = (p ? ((this.key !== undefined ? p.keys.get(this.key) : undefined) ?? p) : this.parent.pos) ?? null;
    }
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
  /** `Fn::ImportValue`: the value another template given exports under `name` (exports.ts); absent: unknown. */
  readonly importValue?: (name: string, where: Where) => Value;
  /** The stack's name (`--stack-name FILE=NAME`), for `AWS::StackName`; absent: known only at deploy time. */
  readonly stackName?: string;
}

const CIDR_FIX =
  "write Fn::Cidr [ipBlock, count, cidrBits]: a block with its prefix length, 1 to 256 blocks, and cidrBits host bits per block (8 for /24 blocks of an IPv4 block)";

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

function describe(v: Inner): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (isUnknown(v)) return "an unknown value";
  if (isResourceRef(v)) return v.$attr ? `${v.$ref}.${v.$attr}` : v.$ref;
  if (isPartialText(v)) return "a string known only at deploy time";
  if (v === NO_VALUE) return "AWS::NoValue";
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

  report(code: DiagnosticCode, severity: Severity, message: string, where: Where, fix?: string): void {
    this.diagnostics.push({
      code,
      severity,
      message,
      location: { file: this.parsed.file, line: where.pos?.line, column: where.pos?.column },
      ...(where.logicalId ? { resource: where.logicalId } : {}),
      ...(fix ? { fix } : {}),
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
    return new ValueWhere(this, where, v, key);
  }

  /** Resolves a value found at `where` (`depth`: how deep inside the value being resolved). */
  resolve(v: unknown, where: Where, depth = 0): Value {
    const before = this.partialTexts;
    const out = this.evaluate(v, where, depth);
    // Most values hold no partly known string: they are handed out without a second walk.
    return this.partialTexts === before ? (out as Value) : finish(out);
  }

  /**
   * Resolves a value as `resolve` does, and hands back what resolving it reported instead of recording it: the
   * caller decides whether those problems are the template's (no caller shortens `diagnostics` itself).
   */
  resolveApart(v: unknown, where: Where): { readonly value: Value; readonly diagnostics: readonly Diagnostic[] } {
    const seen = this.diagnostics.length;
    const value = this.resolve(v, where);
    const diagnostics = this.diagnostics.slice(seen);
    this.diagnostics.length = seen;
    return { value, diagnostics };
  }

  /** Partly known strings made so far (a counter: `resolve` walks its result only when it made one). */
  private partialTexts = 0;

  private text(b: TextBuilder): Inner {
    const t = b.build();
    if (isPartialText(t)) this.partialTexts++;
    return t;
  }

  private evaluate(v: unknown, where: Where, depth: number): Inner {
    if (v === null || v === undefined) return null;
    if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
    if (Array.isArray(v)) {
      const out: Inner[] = [];
      const w = this.at(where, v);
      for (const item of v) {
        // AWS::NoValue in a list (bare, or as what Fn::If gives) removes the element.
        const r = this.evaluate(item, w, depth + 1);
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
    const out: Record<string, Inner> = {};
    for (const k of keys) {
      const x = obj[k];
      // A string, number or boolean is itself (nothing is reported about it): no Where is made for it.
      const r =
        x !== null && typeof x === "object" ? this.evaluate(x, this.at(where, obj, k), depth + 1) : this.evaluate(x, where, depth + 1);
      if (r !== NO_VALUE) out[k] = r;
    }
    return out;
  }

  /** Evaluates without reporting: the side of an Fn::If that a condition left open may never be evaluated by CloudFormation. */
  private quietly(v: unknown, where: Where, depth: number): Inner {
    const seen = this.diagnostics.length;
    this.quiet++;
    try {
      return this.evaluate(v, where, depth);
    } finally {
      this.quiet--;
      this.diagnostics.length = seen;
    }
  }

  /** Inside `quietly`: what is computed there is not cached, so that its problems are reported when it is computed for real. */
  private quiet = 0;

  private intrinsic(fn: string, arg: unknown, where: Where, depth: number): Inner {
    const r = (x: unknown) => this.evaluate(x, where, depth + 1);
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
        if (typeof delim !== "string")
          return isUnknown(delim) ? present(delim) : unknown("Fn::Join with a delimiter known only at deploy time");
        if (!Array.isArray(list)) return isUnknown(list) ? present(list) : unknown("Fn::Join of a value that is not a list");
        const b = new TextBuilder();
        for (const [i, p] of (list as Inner[]).entries()) {
          if (i > 0) b.literal(delim);
          if (!b.add(p, () => `Fn::Join over ${describe(p)}, known only at deploy time`)) {
            return unknown(`Fn::Join over ${describe(p)}, which is not a string`);
          }
        }
        return this.text(b);
      }
      case "Fn::Select": {
        const a = args(2);
        if (!a) return unknown("malformed Fn::Select");
        const index = r(a[0]);
        const list = r(a[1]);
        const i = wholeNumber(index);
        if (i === null) return isUnknown(index) ? present(index) : unknown("Fn::Select with an index that is not a whole number");
        if (isUnknown(list)) return present(list);
        if (!Array.isArray(list)) return unknown("Fn::Select from a value that is not a list");
        const items = list as Inner[];
        if (i < 0 || i >= items.length) {
          this.report(
            "LOAD_BAD_INTRINSIC",
            "error",
            `Fn::Select index ${i} is outside a list of ${items.length}; CloudFormation rejects the template`,
            where,
            `select an index from 0 to ${items.length - 1}`,
          );
          return unknown(`Fn::Select index ${i} out of range`);
        }
        // An element before it (or it) that may be absent leaves the index pointing at one element or the next.
        const open = items.slice(0, i + 1).find((x) => mayBeAbsent(x as Value)) as Unknown | undefined;
        if (open) return unknown(`Fn::Select [${i}] of a list whose length is not known: ${open.reason}`);
        return items[i] as Inner;
      }
      case "Fn::Split": {
        const a = args(2);
        if (!a) return unknown("malformed Fn::Split");
        const delim = r(a[0]);
        const s = r(a[1]);
        if (typeof delim !== "string")
          return isUnknown(delim) ? present(delim) : unknown("Fn::Split with a delimiter known only at deploy time");
        if (typeof s === "string") return s.split(delim);
        if (isUnknown(s)) return present(s);
        if (isResourceRef(s) || isPartialText(s)) return this.split(delim, isResourceRef(s) ? [s] : s.$text);
        return unknown(`Fn::Split of ${describe(s)}, which is not a string`);
      }
      case "Fn::GetAZs": {
        const region = r(arg);
        if (isUnknown(region)) return present(region);
        if (region !== null && typeof region !== "string") return unknown(`Fn::GetAZs of ${describe(region)}, which is not a region`);
        // "" (or nothing) is the stack's own region.
        const reg = region === null || region === "" ? this.options.region : region;
        return availabilityZones(reg) ?? unknown(`the Availability Zones Fn::GetAZs returns in ${reg} are not known to this tool`);
      }
      case "Fn::Cidr":
        return this.cidr(args(3), where, depth);
      case "Fn::FindInMap":
        return this.findInMap(args(3), where, depth);
      case "Fn::If": {
        const a = args(3);
        if (!a) return unknown("malformed Fn::If");
        const name = a[0];
        if (typeof name !== "string") return unknown("Fn::If with a computed condition name");
        const c = this.condition(name, where);
        if (!isUnknown(c)) return r(c ? a[1] : a[2]);
        // The parameters leave the condition open: what both sides give, when they give the same.
        const yes = this.quietly(a[1], where, depth + 1);
        const no = this.quietly(a[2], where, depth + 1);
        const why = `depends on condition ${name}: ${c.reason}`;
        const absent = (x: Inner) => x === NO_VALUE || mayBeAbsent(x as Value);
        if (yes === NO_VALUE && no === NO_VALUE) return NO_VALUE;
        if (absent(yes) || absent(no)) {
          const u = unknown(why);
          MAYBE_ABSENT.add(u);
          return u;
        }
        return sameKnown(yes, no) ? yes : unknown(why);
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
        if (typeof name === "string" && this.options.importValue) return this.options.importValue(name, where);
        if (isUnknown(name)) return unknown(`imported from another stack, under an export name not known: ${name.reason}`);
        return unknown(
          `imported from another stack (export ${typeof name === "string" ? name : "with a computed name"}); check that stack's template too`,
        );
      }
      case "Fn::Base64": {
        const v = r(arg);
        if (typeof v === "string") return Buffer.from(v, "utf8").toString("base64");
        return isUnknown(v) ? present(v) : unknown(`Fn::Base64 of ${describe(v)}`);
      }
      case "Fn::Length": {
        const list = r(arg);
        if (isUnknown(list)) return present(list);
        if (!Array.isArray(list)) return unknown(`Fn::Length of ${describe(list)}, which is not a list`);
        const open = (list as Inner[]).find((x) => mayBeAbsent(x as Value)) as Unknown | undefined;
        return open ? unknown(`Fn::Length of a list whose length is not known: ${open.reason}`) : list.length;
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

  /**
   * Fn::Split of a string made of `parts`. A reference's value is cut nowhere when none of the
   * delimiter's characters can be in it (an EC2 id has none of `,;| `): then every occurrence of the
   * delimiter lies in the literal text, and the elements are known, references and all. An Unknown
   * part, or a reference whose value may hold the delimiter, leaves the number of elements open.
   */
  private split(delim: string, parts: readonly TextPart[]): Inner {
    if (delim === "") return unknown("Fn::Split with an empty delimiter of a string known only at deploy time");
    const elements: TextBuilder[] = [new TextBuilder()];
    for (const p of parts) {
      const current = elements[elements.length - 1] as TextBuilder;
      if (typeof p === "string") {
        const pieces = p.split(delim);
        current.literal(pieces[0] as string);
        for (const piece of pieces.slice(1)) {
          const next = new TextBuilder();
          next.literal(piece);
          elements.push(next);
        }
        continue;
      }
      if (isUnknown(p)) return p;
      const res = this.resources[p.$ref];
      const props = res?.Properties && typeof res.Properties === "object" ? (res.Properties as Record<string, unknown>) : {};
      const chars = typeof res?.Type === "string" ? referenceCharacters(res.Type, p.$attr, props) : null;
      if (!chars || [...delim].some((c) => chars.test(c))) {
        return unknown(
          `Fn::Split of a string holding ${describe(p)}, whose value is known only at deploy time and may hold ${JSON.stringify(delim)}`,
        );
      }
      current.add(p, () => `${describe(p)} is known only at deploy time`);
    }
    return elements.map((b) => this.text(b));
  }

  /** Fn::Cidr [ipBlock, count, cidrBits]: `count` blocks of `cidrBits` host bits each, from the start of ipBlock. */
  private cidr(a: unknown[] | null, where: Where, depth: number): Inner {
    if (!a) return unknown("malformed Fn::Cidr");
    const [block, count, bits] = [a[0], a[1], a[2]].map((x) => this.evaluate(x, where, depth + 1)) as [Inner, Inner, Inner];
    for (const v of [block, count, bits]) if (isUnknown(v)) return present(v);
    if (typeof block !== "string") {
      return isResourceRef(block) || isPartialText(block)
        ? unknown("Fn::Cidr of a block known only at deploy time")
        : unknown(`Fn::Cidr of ${describe(block)}`);
    }
    const n = wholeNumber(count);
    const b = wholeNumber(bits);
    if (n === null || b === null) {
      const [what, v]: [string, Inner] = n === null ? ["count", count] : ["cidrBits", bits];
      if (isResourceRef(v) || isPartialText(v)) return unknown(`Fn::Cidr with a ${what} known only at deploy time`);
      this.report("LOAD_BAD_INTRINSIC", "error", `Fn::Cidr: ${what} ${describe(v)} is not a whole number`, where, CIDR_FIX);
      return unknown(`Fn::Cidr with a ${what} that is not a whole number`);
    }
    // A block, with its prefix length (a bare address is not one).
    const p = block.includes("/") ? parseCidr(block) : null;
    if (!p) {
      this.report("LOAD_BAD_INTRINSIC", "error", `Fn::Cidr: ${JSON.stringify(block)} is not a CIDR block`, where, CIDR_FIX);
      return unknown("Fn::Cidr of an invalid block");
    }
    const out = subdivide(p.cidr, n, b);
    if (typeof out === "string") {
      this.report("LOAD_BAD_INTRINSIC", "error", `Fn::Cidr: ${out}`, where, CIDR_FIX);
      return unknown(`Fn::Cidr: ${out}`);
    }
    return out.map((c) => c.text);
  }

  /** Fn::FindInMap [MapName, TopLevelKey, SecondLevelKey, {DefaultValue}] (DefaultValue: AWS::LanguageExtensions). */
  private findInMap(a: unknown[] | null, where: Where, depth: number): Inner {
    if (!a) return unknown("malformed Fn::FindInMap");
    const keys = [a[0], a[1], a[2]].map((x) => this.evaluate(x, where, depth + 1));
    const names: string[] = [];
    for (const k of keys) {
      if (typeof k === "string" || typeof k === "number" || typeof k === "boolean") names.push(String(k));
      else return unknown(`Fn::FindInMap with keys known only at deploy time${isUnknown(k) ? ` (${k.reason})` : ""}`);
    }
    const [m, k1, k2] = names as [string, string, string];
    const level = (o: unknown, k: string): unknown =>
      o && typeof o === "object" && !Array.isArray(o) && Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined;
    const hit = level(level(level(this.mappings, m), k1), k2);
    if (hit === undefined) {
      const dflt = a[3] as { DefaultValue?: unknown } | undefined;
      if (dflt && typeof dflt === "object" && "DefaultValue" in dflt) return this.evaluate(dflt.DefaultValue, where, depth + 1);
      this.report(
        "LOAD_BAD_INTRINSIC",
        "error",
        `Fn::FindInMap: no ${m}/${k1}/${k2} in Mappings`,
        where,
        `add ${k1}: {${k2}: ...} to the mapping ${m}, or give a DefaultValue (with Transform: AWS::LanguageExtensions)`,
      );
      return unknown(`no mapping ${m}/${k1}/${k2}`);
    }
    return this.evaluate(hit, where, depth + 1);
  }

  ref(name: string, where: Where): Value {
    if (PSEUDO.has(name)) return this.pseudo(name);
    if (Object.hasOwn(this.parameters, name)) return this.parameter(name);
    if (Object.hasOwn(this.resources, name)) return { $ref: name };
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
      case "AWS::StackName":
        return this.options.stackName ?? unknown(`${name} is known only at deploy time; pass --stack-name ${this.parsed.file}=NAME`);
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
    const res = Object.hasOwn(this.resources, id) ? this.resources[id] : undefined;
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
      const computed = this.computeAttr(id, res, attr);
      const value = isUnknown(computed) ? present(computed) : computed;
      if (this.quiet === 0) this.attrCache.set(key, value);
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

  private sub(arg: unknown, where: Where, depth: number): Inner {
    let template: unknown = arg;
    let vars: Record<string, unknown> = {};
    if (Array.isArray(arg)) {
      template = arg[0];
      vars = (arg[1] && typeof arg[1] === "object" ? arg[1] : {}) as Record<string, unknown>;
    }
    const t = this.evaluate(template, where, depth + 1);
    if (typeof t !== "string") return isUnknown(t) ? present(t) : unknown("Fn::Sub of a value that is not a string");
    const b = new TextBuilder();
    let last = 0;
    for (const m of t.matchAll(/\$\{([^}]*)\}/g)) {
      b.literal(t.slice(last, m.index));
      last = m.index + m[0].length;
      const name = m[1] as string;
      // ${!Literal} is written as ${Literal}.
      if (name.startsWith("!")) {
        b.literal(`\${${name.slice(1)}}`);
        continue;
      }
      const key = name.trim();
      let v: Inner;
      if (Object.hasOwn(vars, key)) v = this.evaluate(vars[key], where, depth + 1);
      else if (key.includes(".") && !PSEUDO.has(key)) {
        const dot = key.indexOf(".");
        v = this.getAtt(key.slice(0, dot), key.slice(dot + 1), where);
      } else v = this.ref(key, where);
      const why = () => `\${${key}} is known only at deploy time`;
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) b.literal(v.join(","));
      else if (!b.add(v, why)) b.add(unknown(why()), why);
    }
    b.literal(t.slice(last));
    return this.text(b);
  }

  /** The value of a named condition: true, false, or Unknown when parameters leave it open. */
  condition(name: string, where: Where): boolean | Unknown {
    const cached = this.conditionCache.get(name);
    if (cached !== undefined) return cached;
    if (!Object.hasOwn(this.conditions, name)) {
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
    if (this.quiet === 0) this.conditionCache.set(name, v);
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
        const a = this.evaluate(list[0], where, depth + 1);
        const b = this.evaluate(list[1], where, depth + 1);
        if (containsSymbolic(a) || containsSymbolic(b)) {
          const u = [a, b].find(isUnknown);
          return u ? present(u) : unknown("compares values known only at deploy time");
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
        const v = this.evaluate(expr, where, depth + 1);
        if (typeof v === "boolean") return v;
        if (v === "true" || v === "false") return v === "true";
        return isUnknown(v) ? present(v) : unknown("a condition that is not a boolean");
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

function norm(v: Inner): Inner {
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return (v as Inner[]).map(norm);
  return v;
}

/** Whether `v` holds a value known only at deploy time (an Unknown, a resource reference, a partly known string). */
export function containsSymbolic(v: Value | Inner): boolean {
  if (isUnknown(v) || isResourceRef(v) || isPartialText(v)) return true;
  if (Array.isArray(v)) return (v as Inner[]).some(containsSymbolic);
  if (isPlainObject(v)) return Object.values(v).some(containsSymbolic);
  return false;
}
