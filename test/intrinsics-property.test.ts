// Property: random trees of intrinsic functions over values the template knows (strings, lists,
// parameters with and without values, mappings, resource references, conditions) evaluated by the
// Resolver and by a reference evaluator written here from the documented semantics.
//
// The reference works differently: a string is a list of tokens, one per character or one per
// resource reference, so Fn::Split never cuts a reference as long as the reference cannot hold a
// character of the delimiter (the table below); and the conditions the parameters leave open are
// not reasoned about: the tree is evaluated once per choice of the open parameters (a "world").
// The Resolver's answer must then be
// - sound: whatever it states as known is what every world gives (an Unknown states nothing; a
//   list element that may be absent may match nothing);
// - complete where no open condition is met: exactly what the single world gives, element by
//   element (Unknown where the reference cannot know either).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { availabilityZones } from "../src/aws/facts.ts";
import type { Value } from "../src/load/cfn/intrinsics.ts";
import { isResourceRef, mayBeAbsent, NO_VALUE, Resolver } from "../src/load/cfn/intrinsics.ts";
import { parseTemplateText } from "../src/load/cfn/parse.ts";
import { isUnknown } from "../src/model/types.ts";

const SEED = Number(process.env.INTRINSICS_SEED ?? "20261206");
const RUNS = Number(process.env.INTRINSICS_RUNS ?? "1000");

// ---- the template ----------------------------------------------------------------------------

/** Characters of literal strings: delimiters, CIDR punctuation, digits, letters (no `$`, `{`, `}`). */
const CHARS = [..."ab01,;-./|"];
const DELIMITERS = [",", ";", "-", "|", ", ", ".", "a", "/", ",,"];
const REGIONS = ["us-east-1", "eu-west-1", "ap-northeast-1", "xx-nowhere-1"];
const CONDITIONS = ["T", "F", "CU", "CV", "NCU"] as const;
const OPEN_PARAMS = ["U", "V"] as const;

/** The characters each reference may hold (null: any), from the CloudFormation reference's return values. */
const REFERENCES: Record<string, { ref: string; attr?: string; chars: RegExp | null }> = {
  SubA: { ref: "SubA", chars: /[a-z0-9-]/ },
  SubB: { ref: "SubB", chars: /[a-z0-9-]/ },
  Vpc: { ref: "Vpc", chars: /[a-z0-9-]/ },
  Eip: { ref: "Eip", chars: /[0-9.]/ },
  "Eip.AllocationId": { ref: "Eip", attr: "AllocationId", chars: /[a-z0-9-]/ },
  Role: { ref: "Role", chars: null },
  "Role.Arn": { ref: "Role", attr: "Arn", chars: null },
};
const VPC_CIDR = "10.0.0.0/16";

const RESOURCES = {
  Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: VPC_CIDR } },
  SubA: { Type: "AWS::EC2::Subnet", Properties: { VpcId: { Ref: "Vpc" }, CidrBlock: "10.0.1.0/24" } },
  SubB: { Type: "AWS::EC2::Subnet", Properties: { VpcId: { Ref: "Vpc" }, CidrBlock: "10.0.2.0/24" } },
  Eip: { Type: "AWS::EC2::EIP", Properties: { Domain: "vpc" } },
  Role: { Type: "AWS::IAM::Role", Properties: { AssumeRolePolicyDocument: {} } },
};

const CONDITION_DEFS = {
  T: { "Fn::Equals": [{ Ref: "Flag" }, "on"] },
  F: { "Fn::Equals": [{ Ref: "Flag" }, "off"] },
  CU: { "Fn::Equals": [{ Ref: "U" }, "on"] },
  CV: { "Fn::Equals": [{ Ref: "V" }, "on"] },
  NCU: { "Fn::Not": [{ Condition: "CU" }] },
};

interface Setting {
  readonly region: string;
  readonly p1: string;
  readonly num: string;
  readonly list: string[];
  readonly mapping: Record<string, Record<string, string | string[]>>;
}

type Expr = unknown;

// ---- generators --------------------------------------------------------------------------------

const literal = fc.string({ unit: fc.constantFrom(...CHARS), maxLength: 6 });
const delimiter = fc.constantFrom(...DELIMITERS);
const condition = fc.constantFrom(...CONDITIONS);

const setting: fc.Arbitrary<Setting> = fc.record({
  region: fc.constantFrom(...REGIONS),
  p1: literal,
  num: fc.constantFrom("0", "1", "2", "x"),
  // Items of one character or more: how CloudFormation reads an empty CommaDelimitedList is not part of this property.
  list: fc.array(fc.string({ unit: fc.constantFrom(..."ab01."), minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 4 }),
  mapping: fc.record({
    k1: fc.record({ s: literal, l: fc.array(literal, { maxLength: 3 }) }),
    k2: fc.record({ s: literal, l: fc.array(literal, { maxLength: 3 }) }),
    "0": fc.record({ s: literal }),
  }),
});

const { str, list } = fc.letrec<{ str: Expr; list: Expr; index: Expr; element: Expr; sub: Expr }>((tie) => ({
  str: fc.oneof(
    { depthSize: "small", maxDepth: 5 },
    literal,
    fc.constantFrom(
      { Ref: "P1" },
      { Ref: "U" },
      { Ref: "SubA" },
      { Ref: "SubB" },
      { Ref: "Vpc" },
      { Ref: "Role" },
      { Ref: "Eip" },
      { Ref: "AWS::Region" },
      { "Fn::GetAtt": ["Role", "Arn"] },
      { "Fn::GetAtt": ["Eip", "AllocationId"] },
      { "Fn::GetAtt": ["Vpc", "CidrBlock"] },
    ),
    fc.record({ "Fn::Join": fc.tuple(delimiter, tie("list")) }),
    fc.record({ "Fn::Select": fc.tuple(tie("index"), tie("list")) }),
    // Selecting from a written list: its elements may be removed by AWS::NoValue, so indexes shift.
    fc.record({ "Fn::Select": fc.tuple(fc.nat(3), fc.array(tie("element"), { minLength: 1, maxLength: 4 })) }),
    tie("sub"),
    fc.record({ "Fn::If": fc.tuple(condition, tie("str"), tie("str")) }),
    fc.record({
      "Fn::FindInMap": fc.oneof(
        fc.tuple(fc.constant("M"), fc.oneof(fc.constantFrom("k1", "k2", "zz", 0), tie("str")), fc.constantFrom("s", "l", "q")),
        fc.tuple(fc.constant("M"), fc.constantFrom("k1", "zz"), fc.constantFrom("s", "q"), fc.record({ DefaultValue: tie("str") })),
      ),
    }),
  ),
  sub: fc
    .tuple(
      fc.array(
        fc.oneof(
          literal,
          fc.constantFrom("${SubA}", "${SubB}", "${Role}", "${Eip}", "${Role.Arn}", "${Eip.AllocationId}", "${Vpc.CidrBlock}"),
          fc.constantFrom("${P1}", "${L}", "${U}", "${AWS::Region}", "${!Literal}", "${X}", "${Y}"),
        ),
        { maxLength: 5 },
      ),
      tie("str"),
      tie("list"),
    )
    .map(([segments, x, y]) => {
      const text = segments.join("");
      // With a variable map when the text names a map variable (X: a string, Y: sometimes a list).
      return /\$\{[XY]\}/.test(text) ? { "Fn::Sub": [text, { X: x, Y: y }] } : { "Fn::Sub": text };
    }),
  list: fc.oneof(
    { depthSize: "small", maxDepth: 5 },
    fc.array(tie("element"), { maxLength: 4 }),
    fc.record({ "Fn::Split": fc.tuple(delimiter, tie("str")) }),
    fc.constantFrom({ "Fn::GetAZs": "" }, { "Fn::GetAZs": { Ref: "AWS::Region" } }, { "Fn::GetAZs": "us-east-1" }, { Ref: "L" }),
    fc.record({
      "Fn::Cidr": fc.tuple(
        fc.oneof(fc.constantFrom(VPC_CIDR, "10.1.2.0/24", { "Fn::GetAtt": ["Vpc", "CidrBlock"] }), tie("str")),
        fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom("2", { Ref: "Num" }, { Ref: "U" })),
        fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constantFrom("8", { Ref: "Num" })),
      ),
    }),
    fc.record({ "Fn::FindInMap": fc.tuple(fc.constant("M"), fc.constantFrom("k1", "k2"), fc.constant("l")) }),
    fc.record({ "Fn::If": fc.tuple(condition, tie("list"), tie("list")) }),
  ),
  // Elements that AWS::NoValue may remove, under conditions known or open, are as frequent as the others.
  element: fc.oneof(
    { depthSize: "small", maxDepth: 5 },
    { arbitrary: tie("str"), weight: 3 },
    { arbitrary: fc.record({ "Fn::If": fc.tuple(condition, tie("str"), fc.constant({ Ref: "AWS::NoValue" })) }), weight: 1 },
    { arbitrary: fc.record({ "Fn::If": fc.tuple(condition, fc.constant({ Ref: "AWS::NoValue" }), tie("str")) }), weight: 1 },
    { arbitrary: fc.constant({ Ref: "AWS::NoValue" }), weight: 1 },
  ),
  index: fc.oneof(
    { depthSize: "small", maxDepth: 5 },
    fc.integer({ min: -1, max: 4 }),
    fc.constantFrom("0", "1", "2", "x", { Ref: "Num" }),
    fc.record({ "Fn::Length": tie("list") }),
  ),
}));

const expression = fc.oneof(str, list);

// ---- the reference evaluator ---------------------------------------------------------------------

interface RefToken {
  readonly ref: string;
  readonly attr?: string;
  readonly chars: RegExp | null;
}
/** A string: characters and references, in order. */
type Str = { readonly kind: "str"; readonly tokens: readonly (string | RefToken)[] };
type Val = Str | number | readonly Val[] | typeof BOTTOM | typeof NO_VALUE;
/** Not determined by the template in this world. */
const BOTTOM: unique symbol = Symbol("bottom");

const chars = (s: string): Str => ({ kind: "str", tokens: [...s] });
const isStr = (v: Val): v is Str => typeof v === "object" && !Array.isArray(v) && v !== null;
/** The plain text of a string without references, else null. */
const plain = (v: Val): string | null => (isStr(v) && v.tokens.every((t) => typeof t === "string") ? v.tokens.join("") : null);

interface World {
  readonly open: Readonly<Record<string, string>>;
  /** Set when the evaluation met a condition the parameters leave open. */
  usedOpen: boolean;
}

function condition_(name: string, s: Setting, w: World): boolean {
  switch (name) {
    case "T":
      return true;
    case "F":
      return false;
    case "CU":
    case "NCU":
      w.usedOpen = true;
      return (w.open.U === "on") === (name === "CU");
    default:
      w.usedOpen = true;
      return w.open.V === "on";
  }
}

function param(name: string, s: Setting): Val {
  switch (name) {
    case "P1":
      return chars(s.p1);
    case "Num":
      return chars(s.num);
    case "Flag":
      return chars("on");
    case "L":
      return s.list.map((x) => chars(x.trim()));
    case "AWS::Region":
      return chars(s.region);
    case "AWS::NoValue":
      return NO_VALUE;
    default: {
      const r = REFERENCES[name];
      return r ? { kind: "str", tokens: [r] } : BOTTOM; // U, V: no value
    }
  }
}

function getAtt(id: string, attr: string): Val {
  if (id === "Vpc" && attr === "CidrBlock") return chars(VPC_CIDR);
  const r = REFERENCES[`${id}.${attr}`];
  return r ? { kind: "str", tokens: [r] } : BOTTOM;
}

/** A whole number: a number, or a string of digits. */
function whole(v: Val): number | null {
  if (typeof v === "number") return Number.isInteger(v) ? v : null;
  const p = plain(v);
  return p !== null && /^-?\d+$/.test(p) ? Number(p) : null;
}

/** A string's value when joined into another: a string, or a number's digits; else null. */
function asStr(v: Val): Str | null {
  if (typeof v === "number") return chars(String(v));
  return isStr(v) ? v : null;
}

function join(delim: string, list: readonly Val[]): Val {
  const tokens: (string | RefToken)[] = [];
  for (const [i, e] of list.entries()) {
    const s = asStr(e);
    if (!s) return BOTTOM;
    if (i > 0) tokens.push(...delim);
    tokens.push(...s.tokens);
  }
  return { kind: "str", tokens };
}

function split(delim: string, s: Str): Val {
  // A reference that may hold a character of the delimiter may be cut: the elements are not known.
  for (const t of s.tokens) if (typeof t !== "string" && (!t.chars || [...delim].some((c) => t.chars?.test(c)))) return BOTTOM;
  const d = [...delim];
  const out: Str[] = [];
  let current: (string | RefToken)[] = [];
  for (let i = 0; i < s.tokens.length;) {
    if (d.every((c, j) => s.tokens[i + j] === c)) {
      out.push({ kind: "str", tokens: current });
      current = [];
      i += d.length;
    } else current.push(s.tokens[i++] as string | RefToken);
  }
  out.push({ kind: "str", tokens: current });
  return out;
}

function cidr(block: Val, count: Val, bits: Val): Val {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(plain(block) ?? "");
  const n = whole(count);
  const h = whole(bits);
  if (!m || n === null || h === null) return BOTTOM;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return BOTTOM;
  const size = 32 - h;
  if (n < 1 || n > 256 || h < 0 || size < prefix || 2 ** (size - prefix) < n) return BOTTOM;
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  const start = address - (address % 2 ** (32 - prefix));
  const out: Val[] = [];
  for (let i = 0; i < n; i++) {
    const a = start + i * 2 ** h;
    out.push(chars(`${[24, 16, 8, 0].map((sh) => Math.floor(a / 2 ** sh) % 256).join(".")}/${size}`));
  }
  return out;
}

function sub(arg: Expr, s: Setting, w: World): Val {
  const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, Expr>]) : [arg as string, {} as Record<string, Expr>];
  const tokens: (string | RefToken)[] = [];
  let last = 0;
  for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
    tokens.push(...text.slice(last, m.index));
    last = m.index + m[0].length;
    const name = m[1] as string;
    if (name.startsWith("!")) {
      tokens.push(..."${", ...name.slice(1), "}");
      continue;
    }
    let v: Val;
    if (name in vars) v = ev(vars[name], s, w);
    else if (name.includes(".") && !name.startsWith("AWS::")) v = getAtt(name.split(".")[0] as string, name.split(".")[1] as string);
    else v = param(name, s);
    // A list of plain strings is written joined with commas.
    if (Array.isArray(v) && v.every((x) => plain(x) !== null)) v = chars(v.map(plain).join(","));
    const t = asStr(v);
    if (!t) return BOTTOM;
    tokens.push(...t.tokens);
  }
  tokens.push(...text.slice(last));
  return { kind: "str", tokens };
}

/** Evaluates `e` in world `w`. */
function ev(e: Expr, s: Setting, w: World): Val {
  if (typeof e === "string") return chars(e);
  if (typeof e === "number") return e;
  if (Array.isArray(e)) return e.map((x) => ev(x, s, w)).filter((x) => x !== NO_VALUE);
  const [fn, arg] = Object.entries(e as object)[0] as [string, unknown];
  const a = arg as Expr[];
  switch (fn) {
    case "Ref":
      return param(arg as string, s);
    case "Fn::GetAtt":
      return getAtt(a[0] as string, a[1] as string);
    case "Fn::Join": {
      const l = ev(a[1], s, w);
      return Array.isArray(l) ? join(a[0] as string, l) : BOTTOM;
    }
    case "Fn::Split": {
      const v = ev(a[1], s, w);
      return isStr(v) ? split(a[0] as string, v) : BOTTOM;
    }
    case "Fn::Select": {
      const i = whole(ev(a[0], s, w));
      const l = ev(a[1], s, w);
      return i === null || !Array.isArray(l) || i < 0 || i >= l.length ? BOTTOM : (l[i] as Val);
    }
    case "Fn::Sub":
      return sub(arg, s, w);
    case "Fn::If":
      return ev(condition_(a[0] as string, s, w) ? a[1] : a[2], s, w);
    case "Fn::FindInMap": {
      const keys = a.slice(0, 3).map((k) => ev(k, s, w));
      const names = keys.map((k) => (typeof k === "number" ? String(k) : plain(k)));
      const [, k1, k2] = names;
      if (names.some((n) => n === null)) return BOTTOM;
      const hit = Object.hasOwn(s.mapping, k1 as string) ? s.mapping[k1 as string]?.[k2 as string] : undefined;
      if (hit === undefined) return a[3] ? ev((a[3] as { DefaultValue: Expr }).DefaultValue, s, w) : BOTTOM;
      return typeof hit === "string" ? chars(hit) : hit.map(chars);
    }
    case "Fn::GetAZs": {
      const r = ev(arg, s, w);
      const name = plain(r);
      if (name === null) return BOTTOM;
      return availabilityZones(name === "" ? s.region : name)?.map(chars) ?? BOTTOM;
    }
    case "Fn::Cidr":
      return cidr(ev(a[0], s, w), ev(a[1], s, w), ev(a[2], s, w));
    case "Fn::Length": {
      const l = ev(arg, s, w);
      return Array.isArray(l) ? l.length : BOTTOM;
    }
    default:
      throw new Error(`the generator made ${fn}`);
  }
}

/** A world's value as the Resolver writes values: strings, references, lists; UNKNOWN for what is not known. */
const UNKNOWN = "<unknown>";
type Plain = string | number | { $ref: string; $attr?: string } | typeof UNKNOWN | typeof NO_VALUE | Plain[];

function canonical(v: Val): Plain {
  if (v === BOTTOM) return UNKNOWN;
  if (v === NO_VALUE || typeof v === "number") return v;
  if (Array.isArray(v)) return (v as Val[]).map(canonical);
  const s = v as Str;
  const p = plain(s);
  if (p !== null) return p;
  const only = s.tokens[0] as RefToken;
  if (s.tokens.length === 1) return only.attr ? { $ref: only.ref, $attr: only.attr } : { $ref: only.ref };
  return UNKNOWN; // a string part of which is known only at deploy time
}

/** The Resolver's value in the same terms (an Unknown is UNKNOWN). */
function ofResolver(v: Value): Plain {
  if (isUnknown(v)) return UNKNOWN;
  if (v === NO_VALUE || typeof v === "string" || typeof v === "number") return v;
  if (Array.isArray(v)) return (v as Value[]).map(ofResolver);
  if (isResourceRef(v)) return v.$attr ? { $ref: v.$ref, $attr: v.$attr } : { $ref: v.$ref };
  throw new Error(`unexpected value ${JSON.stringify(v)}`);
}

/** Whether the Resolver's `r` claims nothing that world value `w` contradicts. */
function agrees(r: Value, w: Plain): boolean {
  if (isUnknown(r)) return true;
  if (!Array.isArray(r)) return JSON.stringify(ofResolver(r)) === JSON.stringify(w);
  if (!Array.isArray(w)) return false;
  // Align: an element that may be absent matches one element of w or none.
  const align = (i: number, j: number): boolean => {
    if (i === r.length) return j === w.length;
    const x = r[i] as Value;
    if (mayBeAbsent(x) && align(i + 1, j)) return true;
    return j < w.length && agrees(x, w[j] as Plain) && align(i + 1, j + 1);
  };
  return align(0, 0);
}

// ---- the property ------------------------------------------------------------------------------

function template(s: Setting, expr: Expr): Record<string, unknown> {
  return {
    Transform: "AWS::LanguageExtensions",
    Parameters: {
      P1: { Type: "String", Default: s.p1 },
      Num: { Type: "String", Default: s.num },
      Flag: { Type: "String", Default: "on" },
      L: { Type: "CommaDelimitedList", Default: s.list.join(",") },
      U: { Type: "String" },
      V: { Type: "String" },
    },
    Conditions: CONDITION_DEFS,
    Mappings: { M: s.mapping },
    Resources: RESOURCES,
    Outputs: { X: { Value: expr } },
  };
}

describe("property: the Resolver agrees with a reference evaluation of random intrinsic trees", () => {
  it(`${RUNS} random trees (seed ${SEED})`, () => {
    let known = 0;
    let exact = 0;
    let open = 0;
    fc.assert(
      fc.property(setting, expression, (s, expr) => {
        const text = JSON.stringify(template(s, expr));
        const parsed = parseTemplateText("property.json", text);
        const t = parsed.value as { Outputs: { X: { Value: unknown } } };
        const resolver = new Resolver(parsed, parsed.value as Record<string, unknown>, { region: s.region, params: {} });
        const r = resolver.resolve(t.Outputs.X.Value, {});
        const worlds = OPEN_PARAMS.reduce<Record<string, string>[]>(
          (acc, p) =>
            acc.flatMap((o) => [
              { ...o, [p]: "on" },
              { ...o, [p]: "off" },
            ]),
          [{}],
        ).map((o) => ({ open: o, usedOpen: false }));
        const values = worlds.map((w) => canonical(ev(expr, s, w)));
        const where = `\n${JSON.stringify(expr)}\nsetting ${JSON.stringify(s)}\nresolver: ${JSON.stringify(ofResolver(r))}\nworlds: ${JSON.stringify(values)}`;
        for (const w of values) assert.ok(agrees(r, w), `the resolver states what a world contradicts${where}`);
        if (!isUnknown(r)) known++;
        if (worlds.some((w) => w.usedOpen)) {
          open++;
          return;
        }
        exact++;
        assert.deepEqual(ofResolver(r), values[0], `the resolver leaves unknown what the template determines${where}`);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    process.stdout.write(
      `# intrinsics property: ${RUNS} trees, ${known} known, ${exact} compared exactly, ${open} meeting an open condition\n`,
    );
    assert.ok(known > RUNS / 4 && exact > RUNS / 4 && open > 0);
  });
});
