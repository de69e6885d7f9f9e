// Evaluates what Terraform configuration holds statically: literals, variables, locals, references,
// conditionals, for expressions, operators and the functions that network configurations use to
// compute addresses and lists. A value known only once applied (a resource's id) is a Computed
// naming the resource instance; anything else that cannot be decided here is Undecided, naming the
// expression. Written by hand because no JavaScript library evaluates HCL: hcl2json only parses it.
import { formatAddress, parseAddress } from "../../../net/ip.ts";
import type { Expr, Step } from "./ast.ts";
import { textOf } from "./ast.ts";

/** Not decidable from the configuration alone; `reason` names the expression. */
export class Undecided {
  readonly reason: string;
  /** The resources (`aws_subnet.private`) it may be, when known from the expression's text. */
  readonly refs: readonly string[] | undefined;
  constructor(reason: string, refs?: readonly string[]) {
    this.reason = reason;
    this.refs = refs;
  }
}

/** An attribute of a resource instance known only after apply (`aws_vpc.main.id`). */
export class Computed {
  /** The instance's full address: `module.vpc.aws_subnet.private[0]`. */
  readonly address: string;
  /** The attribute path after the instance: `id`, `arn`. */
  readonly attr: string;
  constructor(address: string, attr: string) {
    this.address = address;
    this.attr = attr;
  }
}

/** Something with attributes that are read on demand (a resource instance, a module instance). */
export interface Lazy {
  readonly what: string;
  get(name: string): Value;
  /** The whole object, for a value that needs it (jsonencode, a module output that is a resource). */
  whole(): Value;
}

export class LazyObject {
  readonly lazy: Lazy;
  constructor(lazy: Lazy) {
    this.lazy = lazy;
  }
}

export type Value = null | boolean | number | string | Value[] | { [k: string]: Value } | Undecided | Computed | LazyObject;

export const isMap = (v: Value): v is { [k: string]: Value } =>
  typeof v === "object" &&
  v !== null &&
  !Array.isArray(v) &&
  !(v instanceof Undecided) &&
  !(v instanceof Computed) &&
  !(v instanceof LazyObject);

export const isKnownScalar = (v: Value): v is string | number | boolean =>
  typeof v === "string" || typeof v === "number" || typeof v === "boolean";

/** The names an expression's root can resolve (var, local, module, a resource type, count, each, ...). */
export interface Scope {
  lookup(root: string, steps: readonly Step[], text: string): { value: Value; used: number };
  /** A scope with iteration variables bound (for expressions, dynamic blocks). */
  with(vars: Record<string, Value>): Scope;
}

const MAX_ITEMS = 100_000;

export class Evaluator {
  private budget = 5_000_000;

  eval(e: Expr, scope: Scope, depth = 0): Value {
    if (--this.budget < 0) return new Undecided(`${textOf(e)}: the configuration takes too much work to evaluate`);
    if (depth > 256) return new Undecided(`${textOf(e)} nests too deep`);
    const d = depth + 1;
    switch (e.t) {
      case "lit":
        return e.v;
      case "tpl": {
        let out = "";
        for (const p of e.parts) {
          const v = this.eval(p, scope, d);
          const s = toStringValue(v);
          if (s === undefined) return undecidedIn(v, e.text);
          out += s;
        }
        return out;
      }
      case "trav": {
        const { value, used } = scope.lookup(e.root, e.steps, e.text);
        return this.traverse(value, e.steps.slice(used), e.text);
      }
      case "rel":
        return this.traverse(this.eval(e.src, scope, d), e.steps, e.text);
      case "index": {
        const key = this.eval(e.key, scope, d);
        if (!isKnownScalar(key)) return undecidedIn(key, e.text);
        return this.traverse(this.eval(e.coll, scope, d), [{ index: key as string | number }], e.text);
      }
      case "splat": {
        let src = this.eval(e.src, scope, d);
        if (src instanceof LazyObject || isMap(src)) src = [src];
        if (src === null) return [];
        if (!Array.isArray(src)) return undecidedIn(src, e.text);
        return src.map((x) => this.traverse(x, e.each, e.text));
      }
      case "call":
        return this.call(e, scope, d);
      case "tuple":
        return e.items.map((x) => this.eval(x, scope, d));
      case "object": {
        const out: { [k: string]: Value } = {};
        for (const [k, v] of e.items) {
          const key = this.eval(k, scope, d);
          if (!isKnownScalar(key)) return undecidedIn(key, `the key ${textOf(k)} of ${e.text}`);
          out[String(key)] = this.eval(v, scope, d);
        }
        return out;
      }
      case "cond": {
        const c = this.eval(e.c, scope, d);
        const b = toBool(c);
        if (b === undefined) return undecidedIn(c, e.text);
        return this.eval(b ? e.a : e.b, scope, d);
      }
      case "unary": {
        const v = this.eval(e.v, scope, d);
        if (e.op === "logicalNot") {
          const b = toBool(v);
          return b === undefined ? undecidedIn(v, e.text) : !b;
        }
        const n = toNumber(v);
        return n === undefined ? undecidedIn(v, e.text) : -n;
      }
      case "binary":
        return this.binary(e, scope, d);
      case "for":
        return this.forExpr(e, scope, d);
      case "unsupported":
        return new Undecided(`${e.text || "an expression"} is not evaluated by lambda-egress`);
    }
  }

  traverse(v: Value, steps: readonly Step[], text: string): Value {
    let cur = v;
    for (const s of steps) {
      if (cur instanceof Undecided) return cur;
      if (cur instanceof Computed)
        return new Computed(cur.address, `${cur.attr}${"name" in s ? `.${s.name}` : `[${JSON.stringify(s.index)}]`}`);
      if (cur instanceof LazyObject) {
        if ("name" in s) cur = cur.lazy.get(s.name);
        else if (typeof s.index === "string") cur = cur.lazy.get(s.index);
        else return new Undecided(`${text}: ${cur.lazy.what} is not a list`);
        continue;
      }
      if ("name" in s) {
        if (isMap(cur) && Object.hasOwn(cur, s.name)) cur = cur[s.name] as Value;
        else return new Undecided(`${text}: ${describeValue(cur)} has no attribute ${s.name}`);
        continue;
      }
      if (Array.isArray(cur)) {
        const i = typeof s.index === "number" ? s.index : /^\d+$/.test(s.index) ? Number(s.index) : NaN;
        if (!Number.isInteger(i) || i < 0 || i >= cur.length)
          return new Undecided(`${text}: index ${JSON.stringify(s.index)} is out of range (${cur.length} elements)`);
        cur = cur[i] as Value;
      } else if (isMap(cur)) {
        const k = String(s.index);
        if (!Object.hasOwn(cur, k)) return new Undecided(`${text}: no element ${JSON.stringify(k)}`);
        cur = cur[k] as Value;
      } else return new Undecided(`${text}: ${describeValue(cur)} cannot be indexed`);
    }
    return cur;
  }

  private binary(e: Extract<Expr, { t: "binary" }>, scope: Scope, d: number): Value {
    const l = this.eval(e.l, scope, d);
    if (e.op === "logicalAnd" || e.op === "logicalOr") {
      const a = toBool(l);
      if (a === false && e.op === "logicalAnd") return false;
      if (a === true && e.op === "logicalOr") return true;
      const r = this.eval(e.r, scope, d);
      const b = toBool(r);
      if (a === undefined) return undecidedIn(l, e.text);
      if (b === undefined) return undecidedIn(r, e.text);
      return b;
    }
    const r = this.eval(e.r, scope, d);
    if (e.op === "equal" || e.op === "notEqual") {
      if (!isKnown(l)) return undecidedIn(l, e.text);
      if (!isKnown(r)) return undecidedIn(r, e.text);
      const same = JSON.stringify(l) === JSON.stringify(r);
      return e.op === "equal" ? same : !same;
    }
    const a = toNumber(l);
    const b = toNumber(r);
    if (a === undefined) return undecidedIn(l, e.text);
    if (b === undefined) return undecidedIn(r, e.text);
    switch (e.op) {
      case "add":
        return a + b;
      case "subtract":
        return a - b;
      case "multiply":
        return a * b;
      case "divide":
        return b === 0 ? new Undecided(`${e.text} divides by zero`) : a / b;
      case "modulo":
        return b === 0 ? new Undecided(`${e.text} divides by zero`) : a % b;
      case "lessThan":
        return a < b;
      case "lessThanOrEqual":
        return a <= b;
      case "greaterThan":
        return a > b;
      case "greaterThanOrEqual":
        return a >= b;
      default:
        return new Undecided(`${e.text}: the operator ${e.op} is not evaluated by lambda-egress`);
    }
  }

  private forExpr(e: Extract<Expr, { t: "for" }>, scope: Scope, d: number): Value {
    const coll = shallow(this.eval(e.coll, scope, d));
    if (!Array.isArray(coll) && !isMap(coll)) return undecidedIn(coll, e.text);
    const entries: [Value, Value][] = Array.isArray(coll) ? coll.map((v, i) => [i, v]) : Object.entries(coll).map(([k, v]) => [k, v]);
    const list: Value[] = [];
    const map: { [k: string]: Value } = {};
    for (const [k, v] of entries) {
      const vars: Record<string, Value> = { [e.valVar]: v };
      if (e.keyVar !== "") vars[e.keyVar] = k;
      const inner = scope.with(vars);
      if (e.cond) {
        const c = this.eval(e.cond, inner, d);
        const b = toBool(c);
        if (b === undefined) return undecidedIn(c, e.text);
        if (!b) continue;
      }
      const value = this.eval(e.value, inner, d);
      if (!e.object) {
        list.push(value);
        continue;
      }
      const key = e.key ? this.eval(e.key, inner, d) : k;
      if (!isKnownScalar(key)) return undecidedIn(key, e.text);
      const ks = String(key);
      if (e.grouped) ((map[ks] ??= []) as Value[]).push(value);
      else if (Object.hasOwn(map, ks)) return new Undecided(`${e.text} gives the key ${JSON.stringify(ks)} twice (Terraform rejects it)`);
      else map[ks] = value;
    }
    return e.object ? map : list;
  }

  private call(e: Extract<Expr, { t: "call" }>, scope: Scope, d: number): Value {
    let args = e.args.map((a) => this.eval(a, scope, d));
    if (e.expand) {
      const last = shallow(args[args.length - 1] ?? null);
      if (!Array.isArray(last)) return undecidedIn(last, e.text);
      args = [...args.slice(0, -1), ...last];
    }
    const fn = FUNCTIONS[e.name.replace(/^provider::[^:]+::/, "")];
    if (!fn) return new Undecided(`${e.text}: the function ${e.name} is not evaluated by lambda-egress`);
    // Functions that move values without reading them accept values known only after apply (and resources, lazily read);
    // those that read their arguments whole need every part known.
    const deep = DEEP_KNOWN.has(e.name);
    args = args.map((a) => (deep ? materialize(a) : shallow(a)));
    if (e.name !== "try") {
      for (const a of args) {
        // An argument itself not known stops every function; parts of a list or map not known stop only those that read them.
        const bad = firstUnknown(a, deep || !PASS_THROUGH.has(e.name));
        if (bad && !(bad instanceof LazyObject && !deep)) return undecidedIn(bad, e.text);
      }
    }
    try {
      const out = fn(args, e.text);
      if (Array.isArray(out) && out.length > MAX_ITEMS) return new Undecided(`${e.text} gives more than ${MAX_ITEMS} elements`);
      return out;
    } catch (err) {
      return new Undecided(`${e.text}: ${(err as Error).message}`);
    }
  }
}

/** A lazy object read (a module instance's outputs), its parts left as they are. */
export function shallow(v: Value): Value {
  return v instanceof LazyObject ? v.lazy.whole() : v;
}

/** A value with every lazy object read (for jsonencode, equality, for expressions over resources). */
export function materialize(v: Value, depth = 0): Value {
  if (depth > 64) return v;
  if (v instanceof LazyObject) return v.lazy.whole();
  if (Array.isArray(v)) return v.map((x) => materialize(x, depth + 1));
  if (isMap(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, materialize(x, depth + 1)]));
  return v;
}

function isKnown(v: Value): boolean {
  return firstUnknown(v, true) === undefined;
}

/** The first part of a value that is not known now (Undecided, Computed, a lazy object), looking inside lists and maps when `deep`. */
function firstUnknown(v: Value, deep: boolean, depth = 0): Undecided | Computed | LazyObject | undefined {
  if (v instanceof Undecided || v instanceof Computed) return v;
  if (v instanceof LazyObject) return deep ? v : undefined;
  if (!deep || depth > 64) return undefined;
  if (Array.isArray(v)) {
    for (const x of v) {
      const u = firstUnknown(x, deep, depth + 1);
      if (u) return u;
    }
  } else if (isMap(v)) {
    for (const x of Object.values(v)) {
      const u = firstUnknown(x, deep, depth + 1);
      if (u) return u;
    }
  }
  return undefined;
}

function undecidedIn(v: Value, text: string): Undecided {
  if (v instanceof Undecided) return v.reason.includes(text) || text === "" ? v : new Undecided(`${text}: ${v.reason}`);
  if (v instanceof Computed) return new Undecided(`${text} needs ${v.address}.${v.attr}, which is known only after apply`);
  if (v instanceof LazyObject) return new Undecided(`${text} uses ${v.lazy.what} as a whole`);
  return new Undecided(`${text}: ${describeValue(v)} is not of the type expected`);
}

export function describeValue(v: Value): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (v instanceof LazyObject) return v.lazy.what;
  if (v instanceof Computed) return `${v.address}.${v.attr}`;
  if (v instanceof Undecided) return "an undecided value";
  if (typeof v === "object") return "an object";
  return JSON.stringify(v);
}

function toStringValue(v: Value): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  return undefined;
}

function toBool(v: Value): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  return undefined;
}

function toNumber(v: Value): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  return undefined;
}

// ---- functions ----------------------------------------------------------------------------------

type Fn = (args: Value[], text: string) => Value;

const num = (v: Value | undefined, what: string): number => {
  const n = toNumber(v ?? null);
  if (n === undefined) throw new Error(`${what} is not a number`);
  return n;
};
const str = (v: Value | undefined, what: string): string => {
  const s = toStringValue(v ?? null);
  if (s === undefined) throw new Error(`${what} is not a string`);
  return s;
};
const list = (v: Value | undefined, what: string): Value[] => {
  if (Array.isArray(v)) return v;
  throw new Error(`${what} is not a list`);
};
const map = (v: Value | undefined, what: string): { [k: string]: Value } => {
  if (v !== undefined && isMap(v)) return v;
  throw new Error(`${what} is not a map`);
};

/** Functions whose result keeps values known only after apply in place (they move elements, never read them). */
const PASS_THROUGH = new Set([
  "element",
  "concat",
  "length",
  "lookup",
  "merge",
  "tolist",
  "toset",
  "tomap",
  "flatten",
  "coalesce",
  "values",
  "keys",
  "slice",
  "try",
  "one",
  "compact",
  "reverse",
  "zipmap",
]);
/** Functions that read every element deeply. */
const DEEP_KNOWN = new Set(["jsonencode", "distinct", "contains", "join", "format", "formatlist", "sort"]);

const FUNCTIONS: Record<string, Fn> = {
  cidrsubnet: ([prefix, newbits, netnum]) => cidrsubnet(str(prefix, "the prefix"), num(newbits, "newbits"), num(netnum, "netnum")),
  cidrsubnets: ([prefix, ...bits]) => {
    const p = str(prefix, "the prefix");
    const out: string[] = [];
    let next = 0n;
    const base = parseCidrText(p);
    for (const b of bits) {
      const nb = num(b, "newbits");
      const len = base.len + nb;
      const size = 1n << BigInt(base.bits - len);
      next = ((next + size - 1n) / size) * size;
      out.push(formatCidr(base, base.addr + next, len));
      next += size;
    }
    return out;
  },
  cidrhost: ([prefix, hostnum]) => {
    const base = parseCidrText(str(prefix, "the prefix"));
    const n = BigInt(num(hostnum, "hostnum"));
    const size = 1n << BigInt(base.bits - base.len);
    const i = n < 0n ? size + n : n;
    if (i < 0n || i >= size) throw new Error(`host number ${n} is outside the block`);
    return formatCidr(base, base.addr + i, base.bits).replace(/\/\d+$/, "");
  },
  element: ([l, i]) => {
    const xs = list(l, "the first argument");
    if (xs.length === 0) throw new Error("the list is empty");
    const n = num(i, "the index");
    return xs[((n % xs.length) + xs.length) % xs.length] as Value;
  },
  length: ([v]) => {
    if (typeof v === "string") return [...v].length;
    if (Array.isArray(v)) return v.length;
    if (v !== undefined && isMap(v)) return Object.keys(v).length;
    throw new Error("its argument has no length");
  },
  concat: (args) => args.flatMap((a, i) => list(a, `argument ${i + 1}`)),
  lookup: ([m, k, dflt]) => {
    const o = map(m, "the first argument");
    const key = str(k, "the key");
    if (Object.hasOwn(o, key)) return o[key] as Value;
    if (dflt !== undefined) return dflt;
    throw new Error(`no key ${JSON.stringify(key)}`);
  },
  merge: (args) => Object.assign({}, ...args.filter((a) => a !== null).map((a, i) => map(a, `argument ${i + 1}`))) as Value,
  tolist: ([v]) => (Array.isArray(v) ? v : list(v, "its argument")),
  toset: ([v]) => {
    const xs = list(v, "its argument");
    const seen = new Set<string>();
    return xs.filter((x) => {
      if (!isKnownScalar(x)) return true;
      const k = JSON.stringify(x);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  },
  tomap: ([v]) => map(v, "its argument"),
  tostring: ([v]) => str(v, "its argument"),
  tonumber: ([v]) => num(v, "its argument"),
  tobool: ([v]) => {
    const b = toBool(v ?? null);
    if (b === undefined) throw new Error("its argument is not a bool");
    return b;
  },
  flatten: ([v]) => {
    const out: Value[] = [];
    const walk = (x: Value, depth: number) => {
      if (Array.isArray(x) && depth < 64) for (const y of x) walk(y, depth + 1);
      else out.push(x);
    };
    walk(list(v, "its argument"), 0);
    return out;
  },
  keys: ([m]) => Object.keys(map(m, "its argument")).sort(),
  values: ([m]) => {
    const o = map(m, "its argument");
    return Object.keys(o)
      .sort()
      .map((k) => o[k] as Value);
  },
  zipmap: ([k, v]) => {
    const ks = list(k, "the keys");
    const vs = list(v, "the values");
    return Object.fromEntries(ks.map((x, i) => [str(x, "a key"), vs[i] ?? null]));
  },
  slice: ([l, a, b]) => list(l, "the list").slice(num(a, "the start"), num(b, "the end")),
  reverse: ([l]) => [...list(l, "the list")].reverse(),
  compact: ([l]) => list(l, "the list").filter((x) => x !== null && x !== ""),
  coalesce: (args) => {
    for (const a of args) if (a !== null && a !== "") return a;
    throw new Error("every argument is null or empty");
  },
  one: ([l]) => {
    const xs = list(l, "its argument");
    if (xs.length > 1) throw new Error("the list has more than one element");
    return xs[0] ?? null;
  },
  distinct: ([l]) => {
    const seen = new Set<string>();
    return list(l, "the list").filter((x) => {
      const k = JSON.stringify(x);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  },
  contains: ([l, v]) => list(l, "the list").some((x) => JSON.stringify(x) === JSON.stringify(v)),
  range: (args) => {
    const [a, b, s] =
      args.length === 1
        ? [0, num(args[0], "the limit"), 1]
        : [num(args[0], "the start"), num(args[1], "the limit"), num(args[2] ?? 1, "the step")];
    if (s === 0) throw new Error("the step is zero");
    const out: number[] = [];
    for (let x = a; s > 0 ? x < b : x > b; x += s) {
      out.push(x);
      if (out.length > MAX_ITEMS) throw new Error(`more than ${MAX_ITEMS} elements`);
    }
    return out;
  },
  join: ([sep, l]) =>
    list(l, "the list")
      .map((x) => str(x, "an element"))
      .join(str(sep, "the separator")),
  split: ([sep, s]) => str(s, "the string").split(str(sep, "the separator")),
  upper: ([s]) => str(s, "its argument").toUpperCase(),
  lower: ([s]) => str(s, "its argument").toLowerCase(),
  trimspace: ([s]) => str(s, "its argument").trim(),
  replace: ([s, a, b]) => {
    const x = str(a, "the substring");
    if (x.startsWith("/") && x.endsWith("/")) throw new Error("regular expressions are not evaluated");
    return str(s, "the string").split(x).join(str(b, "the replacement"));
  },
  substr: ([s, o, l]) => {
    const chars = [...str(s, "the string")];
    const off = num(o, "the offset");
    const len = num(l, "the length");
    const start = off < 0 ? chars.length + off : off;
    return chars.slice(start, len < 0 ? undefined : start + len).join("");
  },
  format: ([f, ...rest]) => {
    let i = 0;
    return str(f, "the format").replace(/%([%sdv])/g, (_m, c: string) => {
      if (c === "%") return "%";
      const v = rest[i++];
      if (c === "d") return String(Math.trunc(num(v, "an argument")));
      return str(v, "an argument");
    });
  },
  min: (args) => Math.min(...args.map((a) => num(a, "an argument"))),
  max: (args) => Math.max(...args.map((a) => num(a, "an argument"))),
  abs: ([a]) => Math.abs(num(a, "its argument")),
  floor: ([a]) => Math.floor(num(a, "its argument")),
  ceil: ([a]) => Math.ceil(num(a, "its argument")),
  jsonencode: ([v]) => JSON.stringify(v ?? null),
  jsondecode: ([s]) => JSON.parse(str(s, "its argument")) as Value,
  try: (args) => {
    for (const a of args) if (!(a instanceof Undecided)) return a;
    throw new Error("no argument can be evaluated");
  },
};

// ---- CIDR arithmetic (cidrsubnet, cidrsubnets, cidrhost), with BigInt for IPv6 ----

interface Base {
  readonly addr: bigint;
  readonly len: number;
  readonly bits: 32 | 128;
}

function parseCidrText(text: string): Base {
  const [ip, lenText] = text.split("/");
  const a = ip === undefined ? null : parseAddress(ip);
  const bits = a?.family === 6 ? 128 : 32;
  if (!a || lenText === undefined || !/^\d+$/.test(lenText) || Number(lenText) > bits)
    throw new Error(`${JSON.stringify(text)} is not a CIDR block`);
  const len = Number(lenText);
  return { addr: a.value & ~((1n << BigInt(bits - len)) - 1n), len, bits };
}

function formatCidr(base: Base, addr: bigint, len: number): string {
  return `${formatAddress(base.bits === 32 ? 4 : 6, addr)}/${len}`;
}

export function cidrsubnet(prefix: string, newbits: number, netnum: number): string {
  const base = parseCidrText(prefix);
  const len = base.len + newbits;
  if (!Number.isInteger(newbits) || newbits < 0 || len > base.bits) throw new Error(`${newbits} more bits do not fit in ${prefix}`);
  const n = BigInt(netnum);
  if (n < 0n || n >= 1n << BigInt(newbits)) throw new Error(`network number ${netnum} does not fit in ${newbits} bits`);
  return formatCidr(base, base.addr + (n << BigInt(base.bits - len)), len);
}

/** A step that names the given attribute, for messages. */
export function stepText(steps: readonly Step[]): string {
  return steps.map((s) => ("name" in s ? `.${s.name}` : `[${JSON.stringify(s.index)}]`)).join("");
}
