// The quick road for YAML templates: js-yaml's event parser, with the values and positions built here.
//
// Why two YAML packages: `yaml` (parse.ts) is the reader of record, with the errors, warnings and leniency users
// see, but cold (a command line run starts cold every time) it spends some 25,000 instructions a byte in its
// generator-based lexer: most of a small template's check. js-yaml's `parseEvents` reads the same YAML 1.2 about
// four times faster and reports every node with its offsets, which is all a template's positions need.
//
// This road gives an answer only where it is sure to be the one `yaml` gives: one document without directives,
// anchors or aliases; local tags (`!Ref`, `!GetAZs`) only; no duplicate, merge (`<<`), complex or tagged key;
// shallow nesting. Anything else, and any input js-yaml refuses, returns undefined and the
// template is read by `yaml` as before (which is where errors and warnings come from). The test "yaml-events"
// compares both roads' values and positions on every template the project has.
import type * as JsYaml from "js-yaml";
import { jsYaml } from "../../vendor.ts";
import type { NodePos, Pos } from "./parse.ts";

/** Collections nested deeper than this leave the template to `yaml` (whose limit, parse.ts's MAX_DEPTH, is higher). */
const QUICK_MAX_DEPTH = 64;

// Event and style numbers of js-yaml's event stream (its EVENT_ID and SCALAR_STYLE).
const DOCUMENT = 1;
const SEQUENCE = 2;
const MAPPING = 3;
const SCALAR = 4;
const POP = 6;
const PLAIN = 1;
const SINGLE_QUOTED = 2;
const DOUBLE_QUOTED = 3;

/**
 * A plain scalar's value under the YAML 1.2 core schema, as `yaml` resolves it: its core schema's tests, in its
 * order (null, bool, octal, decimal and hex integers, .inf/.nan, floats with and without an exponent), and the
 * same conversions (parseInt with the radix, parseFloat). Anything else is a string.
 */
export function coreScalar(source: string): unknown {
  // Most scalars in a template are names: a first character none of the tests below can match is a string.
  if (source !== "" && !"~nNtTfF0123456789+-.".includes(source[0] as string)) return source;
  if (/^(?:~|[Nn]ull|NULL)?$/.test(source)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(source)) return source[0] === "t" || source[0] === "T";
  if (/^0o[0-7]+$/.test(source)) return parseInt(source.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(source)) return parseInt(source, 10);
  if (/^0x[0-9a-fA-F]+$/.test(source)) return parseInt(source.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(source))
    return source.slice(-3).toLowerCase() === "nan" ? NaN : source[0] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(source)) return parseFloat(source);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(source)) return parseFloat(source);
  return source;
}

/** Offsets of the line starts, and offset -> line and column (1-based), as `yaml`'s LineCounter counts them. */
class Lines {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }
  /** The line (0-based) of the last answer: offsets mostly come in the order of the text. */
  private last = 0;
  at(offset: number): Pos {
    const starts = this.starts;
    let line = this.last;
    if ((starts[line] as number) <= offset) {
      while (line + 1 < starts.length && (starts[line + 1] as number) <= offset) line++;
      this.last = line;
      return { line: line + 1, column: offset - (starts[line] as number) + 1 };
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  }
}

/** The offset of the first character at or after `i` that is not a space, a line break or part of a comment. */
function skipSeparation(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) i++;
    else if (c === 35) {
      const nl = text.indexOf("\n", i);
      if (nl < 0) return text.length;
      i = nl + 1;
    } else return i;
  }
}

/**
 * Where `yaml` places an empty node after a tag (`!GetAZs` and nothing): after the tag and the spaces that follow it
 * on its line.
 */
function afterSpaces(text: string, i: number): number {
  for (let c = text.charCodeAt(i); c === 32 || c === 9; c = text.charCodeAt(++i));
  return i;
}

/** Thrown inside the builder when the text leaves the quick road; never escapes composeYamlQuickly. */
class NotQuick {}
const NOT_QUICK = new NotQuick();

/** One open collection while the events are read. */
interface Frame {
  readonly value: Record<string, unknown> | unknown[];
  readonly pos: Pos;
  /** For a mapping: its keys' positions. */
  readonly keys: Map<string, Pos>;
  /** For a mapping: the key read and waiting for its value. */
  key: string | undefined;
  /** The short-form tag's long name when the collection is tagged (`!If [..]`), and where to record the wrapper. */
  readonly long: string | undefined;
}

/**
 * The template's value, with every mapping's and sequence's position (and their keys') recorded in `positions`,
 * or undefined when the text is not for the quick road (see the top of this file). `longTag` names a short-form
 * tag's long form (`!Ref` -> `Ref`), or undefined when the tag is not one.
 */
export function composeYamlQuickly(
  text: string,
  positions: WeakMap<object, NodePos>,
  longTag: (tag: string) => string | undefined,
): { readonly value: unknown } | undefined {
  // js-yaml breaks lines at a lone carriage return, `yaml` does not.
  if (/\r(?!\n)/.test(text)) return undefined;
  const lib = jsYaml();
  let events: JsYaml.Event[];
  try {
    events = lib.parseEvents(text, { maxDepth: QUICK_MAX_DEPTH });
  } catch {
    return undefined;
  }
  try {
    return { value: build(text, events, lib, positions, longTag) };
  } catch (e) {
    if (e === NOT_QUICK) return undefined;
    throw e;
  }
}

function build(
  text: string,
  events: readonly JsYaml.Event[],
  lib: typeof JsYaml,
  positions: WeakMap<object, NodePos>,
  longTag: (tag: string) => string | undefined,
): unknown {
  const lines = new Lines(text);
  const stack: Frame[] = [];
  let documents = 0;
  let root: unknown = null;
  /** The long form of a node's tag, undefined when untagged; leaves the quick road for any other tag. */
  const tagOf = (e: { tagStart: number; tagEnd: number; anchorStart: number }): string | undefined => {
    if (e.anchorStart >= 0) fail();
    if (e.tagStart < 0) return undefined;
    return longTag(text.slice(e.tagStart, e.tagEnd)) ?? fail();
  };
  /** Puts a finished value where it belongs: a mapping's key or value, a sequence's item, or the document. */
  const place = (value: unknown, key: string | undefined): void => {
    const top = stack[stack.length - 1];
    if (top === undefined) {
      root = value;
      return;
    }
    if (Array.isArray(top.value)) {
      top.value.push(value);
      return;
    }
    if (top.key === undefined) {
      // A key: a scalar (key holds its text), never a collection.
      if (key === undefined) fail();
      if (key === "<<" || key === "__proto__" || top.keys.has(key)) fail();
      top.key = key;
      return;
    }
    top.value[top.key] = value;
    top.key = undefined;
  };
  for (const e of events) {
    switch (e.type) {
      case DOCUMENT:
        if (++documents > 1 || e.directives.length > 0) fail();
        break;
      case SEQUENCE:
      case MAPPING: {
        const top = stack[stack.length - 1];
        // A collection as a mapping's key.
        if (top !== undefined && !Array.isArray(top.value) && top.key === undefined) fail();
        const long = tagOf(e);
        const pos = lines.at(e.start);
        const keys = new Map<string, Pos>();
        const value: Record<string, unknown> | unknown[] = e.type === SEQUENCE ? [] : {};
        positions.set(value, { ...pos, keys });
        stack.push({ value, pos, keys, key: undefined, long });
        break;
      }
      case SCALAR: {
        const top = stack[stack.length - 1];
        const isKey = top !== undefined && !Array.isArray(top.value) && top.key === undefined;
        const long = tagOf(e);
        const source = e.valueStart < 0 ? "" : lib.getScalarValue(text, e);
        if (isKey) {
          if (long !== undefined) fail();
          const key = e.style === PLAIN ? String(coreScalar(source)) : source;
          const at = e.style === SINGLE_QUOTED || e.style === DOUBLE_QUOTED ? e.valueStart - 1 : e.valueStart;
          if (e.valueStart < 0) fail();
          place(undefined, key);
          (top as Frame).keys.set(key, lines.at(at));
          break;
        }
        if (long === undefined) {
          place(e.style === PLAIN ? coreScalar(source) : source, undefined);
          break;
        }
        let value: unknown = source;
        if (long === "Fn::GetAtt") {
          const dot = source.indexOf(".");
          value = dot < 0 ? [source] : [source.slice(0, dot), source.slice(dot + 1)];
        }
        const wrapped = { [long]: value };
        positions.set(wrapped, {
          ...lines.at(e.valueStart < 0 ? afterSpaces(text, e.tagEnd) : skipSeparation(text, e.tagEnd)),
          keys: new Map(),
        });
        place(wrapped, undefined);
        break;
      }
      case POP: {
        const frame = stack.pop();
        if (frame === undefined) break; // the document's end
        // A key without its value (`{ a }`): `yaml` decides.
        if (frame.key !== undefined) fail();
        if (frame.long === undefined) place(frame.value, undefined);
        else {
          const wrapped = { [frame.long]: frame.value };
          positions.set(wrapped, { line: frame.pos.line, column: frame.pos.column, keys: new Map() });
          place(wrapped, undefined);
        }
        break;
      }
      default:
        // An alias.
        fail();
    }
  }
  if (documents !== 1 || stack.length > 0) fail();
  return root;
}

function fail(): never {
  throw NOT_QUICK;
}
