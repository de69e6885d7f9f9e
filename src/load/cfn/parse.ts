// Template text -> plain values with source positions.
// YAML goes through the `yaml` package's AST (for CloudFormation's short-form tags, exact
// positions and a budget on alias expansion); JSON through JSON.parse for speed, with a
// hand scan for positions and depth, and jsonc-parser to locate syntax errors.
import type * as Yaml from "yaml";
import type { Node as YamlNode } from "yaml";
import { DIAGNOSTIC_CODES, type DiagnosticCode } from "../../aws/codes.ts";
import { jsonc, yaml } from "../../vendor.ts";
import { LoadError } from "../errors.ts";
import { composeYamlQuickly } from "./yaml-events.ts";

export interface Pos {
  readonly line: number;
  readonly column: number;
}

/** Positions of an object's keys (a Map for YAML; computed from offsets when asked, for JSON). */
export interface KeyPositions {
  get(key: string): Pos | undefined;
}

export interface NodePos extends Pos {
  /** Positions of this object's keys. */
  readonly keys: KeyPositions;
}

/** Where parsed objects were written. A WeakMap for YAML; computed on demand for JSON. */
export interface PositionIndex {
  get(value: object): NodePos | undefined;
  /** The resource with this logical id in the parsed template (the builder asks by id, not by object). */
  resource(id: string): NodePos | undefined;
  /** The Properties of that resource. */
  properties(id: string): NodePos | undefined;
}

/** Positions of every object, recorded while converting the YAML document. */
class YamlPositions implements PositionIndex {
  readonly map = new WeakMap<object, NodePos>();
  /** The parsed Resources mapping, once converted. */
  resources: Record<string, unknown> | undefined;

  get(value: object): NodePos | undefined {
    return this.map.get(value);
  }

  resource(id: string): NodePos | undefined {
    const res = this.resources?.[id];
    return res && typeof res === "object" ? this.map.get(res) : undefined;
  }

  properties(id: string): NodePos | undefined {
    const props = (this.resources?.[id] as { Properties?: unknown } | undefined)?.Properties;
    return props && typeof props === "object" ? this.map.get(props) : undefined;
  }
}

/** The template's Resources mapping, when it is one. */
function resourcesOf(value: unknown): Record<string, unknown> | undefined {
  const resources = value && typeof value === "object" ? (value as { Resources?: unknown }).Resources : undefined;
  return resources && typeof resources === "object" && !Array.isArray(resources) ? (resources as Record<string, unknown>) : undefined;
}

export interface ParsedText {
  readonly file: string;
  readonly format: "yaml" | "json";
  readonly value: unknown;
  /** Positions of objects (and of their keys) as far as they were recorded. */
  readonly positions: PositionIndex;
  /** Problems that do not stop reading (e.g. a duplicate key: the last value wins), in the order of the text. */
  readonly warnings: readonly ReadWarning[];
}

/** A problem in a template's text that does not stop reading it. */
export interface ReadWarning extends Pos {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly fix: string;
}

/** A key written twice in one mapping or object; `section` when it names a top-level section of the template. */
function duplicateKey(key: string, at: Pos, section: boolean): ReadWarning {
  return {
    code: "LOAD_DUPLICATE_KEY",
    message: section
      ? `duplicate section ${JSON.stringify(key)}: CloudFormation's behavior is undefined (AWS's documentation says not to repeat a section); lambda-egress reads the last one`
      : `duplicate key ${JSON.stringify(key)}: CloudFormation keeps the last one, and so does lambda-egress`,
    ...at,
    fix: DIAGNOSTIC_CODES.LOAD_DUPLICATE_KEY.fix,
  };
}

/**
 * Where the strict reader stopped, moved to the text of the line that caused it: a quoted string left open is
 * reported at the end of its first line, the line indented too little is the next one that is not blank.
 */
function dedentedLine(text: string, at: Pos): Pos {
  let start = 0;
  for (let line = 1; line < at.line; line++) {
    const nl = text.indexOf("\n", start);
    if (nl < 0) return at;
    start = nl + 1;
  }
  const offset = start + at.column - 1;
  // Nothing but blanks to the end of the line: the line to show is the next one with text.
  const next = /^[ \t\r]*\n(?:[ \t\r]*\n)*([ \t]*)\S/.exec(text.slice(offset, offset + 4096));
  if (!next) return at;
  return { line: at.line + (next[0].match(/\n/g) ?? []).length, column: (next[1] ?? "").length + 1 };
}

/** Deeper nesting than this is not a CloudFormation template (real ones stay under 20). */
export const MAX_DEPTH = 100;
/** YAML aliases may expand to at most this many nodes in all. */
export const MAX_ALIAS_NODES = 100_000;

/** Short-form tags -> long form. `!GetAtt a.b` is split at its first dot. */
const TAGS: Record<string, string> = {
  "!Ref": "Ref",
  "!Condition": "Condition",
  "!GetAtt": "Fn::GetAtt",
  "!Sub": "Fn::Sub",
  "!Join": "Fn::Join",
  "!Select": "Fn::Select",
  "!Split": "Fn::Split",
  "!FindInMap": "Fn::FindInMap",
  "!GetAZs": "Fn::GetAZs",
  "!ImportValue": "Fn::ImportValue",
  "!If": "Fn::If",
  "!Equals": "Fn::Equals",
  "!And": "Fn::And",
  "!Or": "Fn::Or",
  "!Not": "Fn::Not",
  "!Base64": "Fn::Base64",
  "!Cidr": "Fn::Cidr",
  "!Transform": "Fn::Transform",
  "!Length": "Fn::Length",
  "!ToJsonString": "Fn::ToJsonString",
  "!ForEach": "Fn::ForEach",
};

/** A local tag's long form: CloudFormation's name for its short forms, `Fn::` and the tag's name for the others. */
function longForm(tag: string): string {
  return TAGS[tag] ?? `Fn::${tag.slice(1)}`;
}

/**
 * The short-form tags declared to `yaml` for every node kind, each keeping its node as parsed
 * (convert() below turns it into the long form). Undeclared, each use is an "Unresolved tag"
 * warning that `yaml` builds with a pretty-printed excerpt: 650 of them took a third of the
 * time on a 64 KiB template.
 */
const CFN_YAML_TAGS: Yaml.Tags = Object.keys(TAGS).flatMap((tag): Yaml.Tags => [
  { tag, resolve: (source: string) => source },
  { tag, collection: "seq" },
  { tag, collection: "map" },
]);

/** Why a YAML text could not be read: its first error (at most one is looked for), where it is, and whether it is nesting. */
export class YamlProblem extends Error {
  readonly tooDeep: boolean;
  readonly line: number;
  readonly column: number;
  constructor(message: string, tooDeep: boolean, pos: { line: number; col: number }) {
    super(message);
    this.tooDeep = tooDeep;
    this.line = pos.line;
    this.column = pos.col;
  }
}

/**
 * Extra entries the parser's stack holds besides one per level of nesting (the document, a scalar being read): a stack
 * deeper than MAX_DEPTH + this is nesting deeper than MAX_DEPTH.
 */
const PARSER_STACK_SLACK = 3;

/** The parts of `yaml`'s Lexer that lenientLexer replaces: internal (absent from its typings), checked before use. */
interface LexerInternals {
  indentNext: number;
  parseFlowCollection(): Generator<string, string>;
  parseQuotedScalar(): Generator<string, string>;
}

/**
 * A `yaml` Lexer that ignores indentation inside flow collections (`{ }`, `[ ]`) and quoted scalars, or undefined
 * when this version of `yaml` lacks the internals it relies on. PyYAML, which CloudFormation's and cfn-lint's
 * loaders are built on, ignores indentation there ("in the flow context, indentation is ignored", its scanner
 * says; a quoted scalar ends at its closing quote or a document marker only), so it reads
 * `VpcConfig: { SubnetIds: [a],` continued by `SecurityGroupIds: [b] }` on a line indented less than `VpcConfig`.
 * YAML 1.2 requires such lines to be indented deeper than the enclosing block, and `yaml` has no option to relax
 * it: its lexer ends the collection (or scalar) at the first line indented less than `indentNext`, so every
 * method that reads inside one runs here with `indentNext` at 0, the value it has at the top level of a document.
 * Nothing else changes (block structure, plain scalars outside flow collections and tabs keep their rules), and
 * this lexer only runs on text the standard one refused, so it never changes what a valid document means.
 */
function lenientLexer(): Yaml.Lexer | undefined {
  const { Lexer } = yaml();
  const lexer = new Lexer();
  const internals = lexer as unknown as LexerInternals;
  const proto = Lexer.prototype as unknown as Partial<LexerInternals>;
  if (typeof internals.indentNext !== "number") return undefined;
  for (const name of ["parseFlowCollection", "parseQuotedScalar"] as const) {
    const original = proto[name];
    if (typeof original !== "function") return undefined;
    internals[name] = function* (this: LexerInternals) {
      const saved = this.indentNext;
      this.indentNext = 0;
      try {
        return yield* original.call(this);
      } finally {
        this.indentNext = saved;
      }
    };
  }
  return lexer;
}

/**
 * One YAML document, composed by the `yaml` package, stopping at the first problem (a YamlProblem) instead of composing
 * on: `parseDocument` records every error and formats each with an excerpt of its line (thousands of errors on one long
 * line took minutes), and its recursive composer overflows the stack on deep nesting. Here the parser's own stack is
 * watched as the text is read, so nesting deeper than `maxDepth` stops the read where it happens, and the composer's
 * error callback stops at the first error. Warnings are ignored (nobody shows them).
 */
export function readYamlDocument(
  text: string,
  options: Yaml.DocumentOptions & Yaml.ParseOptions & Yaml.SchemaOptions,
  maxDepth = MAX_DEPTH,
  /** Ignore indentation inside flow collections and quoted scalars, as PyYAML does (see lenientLexer). */
  lenient = false,
): { readonly doc: Yaml.Document.Parsed; readonly lineCounter: Yaml.LineCounter } {
  const { Composer, Lexer, LineCounter, Parser } = yaml();
  const lexer = lenient ? lenientLexer() : new Lexer();
  if (!lexer) throw new YamlProblem("this version of the yaml package cannot read indentation leniently", false, { line: 1, col: 1 });
  const lexemes = lexer.lex(text);
  const lineCounter = new LineCounter();
  const parser = new Parser(lineCounter.addNewLine);
  const composer = new Composer(options);
  const at = (offset: number) => lineCounter.linePos(offset);
  let first: YamlProblem | undefined;
  const stop = (message: string, tooDeep: boolean, offset: number): never => {
    // The composer catches what a nested collection throws and reports it again for the outer one: keep the first.
    first ??= new YamlProblem(message, tooDeep, at(offset));
    throw first;
  };
  // Private in the typings, a plain property in the code; where a version lacks it, all errors are collected (below).
  const hook = composer as unknown as { onError?: (source: unknown, code: string, message: string, warning?: boolean) => void };
  if (typeof hook.onError === "function") {
    hook.onError = (source, code, message, warning) => {
      if (warning) return;
      const offset =
        typeof source === "number" ? source : Array.isArray(source) ? (source[0] as number) : ((source as { offset?: number }).offset ?? 0);
      stop(message, code === "RESOURCE_EXHAUSTION" || /Maximum call stack/.test(message), offset);
    };
  }
  const limit = maxDepth + PARSER_STACK_SLACK;
  const errorToken = (token: Yaml.CST.ErrorToken): never =>
    stop(token.source ? `${token.message}: ${JSON.stringify(token.source)}` : token.message, false, token.offset);
  function* tokens(): Generator<Yaml.CST.Token> {
    lineCounter.addNewLine(0);
    for (const lexeme of lexemes) {
      for (const token of parser.next(lexeme)) {
        if (token.type === "error") errorToken(token);
        yield token;
      }
      if (parser.stack.length > limit) stop(`nesting deeper than ${maxDepth} levels`, true, parser.offset);
    }
    for (const token of parser.end()) {
      if (token.type === "error") errorToken(token);
      yield token;
    }
  }
  let doc: Yaml.Document.Parsed | undefined;
  try {
    for (const d of composer.compose(tokens(), true, text.length)) {
      if (doc) stop("holds more than one YAML document (---)", false, d.range[0]);
      doc = d;
    }
  } catch (e) {
    if (first) throw first;
    if (e instanceof RangeError) throw new YamlProblem(`nesting too deep to read`, true, at(parser.offset));
    throw e;
  }
  const parsed = doc as Yaml.Document.Parsed;
  const err = parsed.errors[0];
  if (err) stop(err.message, err.code === "RESOURCE_EXHAUSTION", err.pos[0]);
  return { doc: parsed, lineCounter };
}

export function parseTemplateText(file: string, text: string): ParsedText {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = body.trimStart()[0];
  if (first === "{") return parseJson(file, body);
  return parseYaml(file, body);
}

function parseYaml(file: string, text: string): ParsedText {
  return parseYamlQuickly(file, text) ?? parseYamlSlowly(file, text);
}

/**
 * A YAML template read on the quick road (yaml-events.ts), which gives what parseYamlSlowly gives, faster; undefined
 * where that road is not sure to (parseYamlSlowly then reads it).
 */
export function parseYamlQuickly(file: string, text: string): ParsedText | undefined {
  const positions = new YamlPositions();
  // Local tags (`!Ref`, `!ValueOf`): the others (`!!str`, `!<...>`, `!e!x`) are the yaml package's to read.
  const read = composeYamlQuickly(text, positions.map, (tag) => (/^![A-Za-z][A-Za-z0-9]*$/.test(tag) ? longForm(tag) : undefined));
  if (read === undefined) return undefined;
  positions.resources = resourcesOf(read.value);
  return { file, format: "yaml", value: read.value, positions, warnings: [] };
}

/** A YAML template read by the `yaml` package: where the quick road does not go, and the reader of record. */
export function parseYamlSlowly(file: string, text: string): ParsedText {
  const { isAlias, isMap, isPair, isScalar, isSeq, visit } = yaml();
  const warnings: ReadWarning[] = [];
  let read: ReturnType<typeof readYamlDocument>;
  // Duplicate keys are accepted, last one winning, as CloudFormation does; we warn instead.
  const options = { uniqueKeys: false, strict: false, customTags: CFN_YAML_TAGS };
  try {
    read = readYamlDocument(text, options);
  } catch (e) {
    if (!(e instanceof YamlProblem)) throw e;
    const where = { file, line: e.line, column: e.column };
    if (e.tooDeep) throw new LoadError("LOAD_TOO_DEEP", /^nesting/.test(e.message) ? e.message : "nesting too deep to read", where);
    // What PyYAML (CloudFormation's reader) accepts and YAML 1.2 refuses: lines of a flow collection or quoted
    // string indented less than their key. Read again ignoring that indentation; the first error stays the answer
    // when that fails too.
    try {
      read = readYamlDocument(text, options, MAX_DEPTH, true);
    } catch {
      throw new LoadError("LOAD_SYNTAX", `not valid YAML: ${e.message}`, where);
    }
    warnings.push({
      code: "LOAD_YAML_LENIENT",
      message:
        "a flow collection ({ } or [ ]) or a quoted string continues on a line indented no deeper than its key: YAML 1.2 refuses it, CloudFormation reads it (as PyYAML does) and so does lambda-egress",
      ...dedentedLine(text, { line: e.line, column: e.column }),
      fix: DIAGNOSTIC_CODES.LOAD_YAML_LENIENT.fix,
    });
  }
  const { doc, lineCounter } = read;
  // Each alias's target, found in one walk: Alias.resolve walks the whole document for every alias (5,000 aliases took
  // 5 s, 20,000 took 50). The target is the last node with that anchor before the alias, as YAML says.
  const targets = new Map<YamlNode, YamlNode>();
  const anchors = new Map<string, YamlNode>();
  // (No `*` in the text, no alias: the walk is skipped.)
  if (text.includes("*"))
    visit(doc, {
      Node: (_key, node) => {
        if (isAlias(node)) {
          const target = anchors.get(node.source);
          if (target) targets.set(node, target);
        } else if (node.anchor) anchors.set(node.anchor, node);
      },
    });
  const positions = new YamlPositions();
  let aliasNodes = 0;
  const posOf = (node: { range?: [number, number, number] | null | undefined }): Pos => {
    const p = lineCounter.linePos(node.range?.[0] ?? 0);
    return { line: p.line, column: p.col };
  };

  const convert = (node: unknown, depth: number, inAlias: boolean): unknown => {
    if (depth > MAX_DEPTH) {
      const p = posOf(node as YamlNode);
      throw new LoadError("LOAD_TOO_DEEP", `nesting deeper than ${MAX_DEPTH} levels`, { file, ...p });
    }
    if (inAlias && ++aliasNodes > MAX_ALIAS_NODES) {
      const p = posOf(node as YamlNode);
      throw new LoadError("LOAD_ALIAS_BOMB", `YAML aliases expand to more than ${MAX_ALIAS_NODES} nodes (a "billion laughs" document?)`, {
        file,
        ...p,
      });
    }
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = targets.get(node);
      if (!target) {
        throw new LoadError("LOAD_SYNTAX", `unknown YAML alias *${node.source}`, { file, ...posOf(node) });
      }
      return convert(target, depth + 1, true);
    }
    let value: unknown;
    if (isScalar(node)) {
      value = node.value;
      if (typeof value === "bigint") value = Number(value);
    } else if (isMap(node)) {
      const obj: Record<string, unknown> = {};
      const keys = new Map<string, Pos>();
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key;
        const key = isScalar(keyNode) ? String(keyNode.value) : String(convert(keyNode, depth + 1, inAlias));
        if (key === "<<") {
          // YAML merge key: copy the merged maps' entries that are not set here.
          const merged = convert(pair.value, depth + 1, inAlias);
          for (const m of Array.isArray(merged) ? merged : [merged]) {
            if (m && typeof m === "object" && !Array.isArray(m)) {
              for (const [k, v] of Object.entries(m)) if (!(k in obj)) obj[k] = v;
            }
          }
          continue;
        }
        const kp = posOf(keyNode as YamlNode);
        if (keys.has(key) && !inAlias) {
          warnings.push(duplicateKey(key, kp, depth === 0));
        }
        keys.set(key, kp);
        obj[key] = convert(pair.value, depth + 1, inAlias);
      }
      positions.map.set(obj, { ...posOf(node), keys });
      value = obj;
    } else if (isSeq(node)) {
      const arr = node.items.map((i) => convert(i, depth + 1, inAlias));
      positions.map.set(arr, { ...posOf(node), keys: new Map() });
      value = arr;
    } else {
      value = null;
    }
    const tag = (node as { tag?: string }).tag;
    if (tag?.startsWith("!") && !tag.startsWith("!!")) {
      const long = longForm(tag);
      if (long === "Fn::GetAtt" && typeof value === "string") {
        const dot = value.indexOf(".");
        value = dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
      }
      const wrapped = { [long]: value ?? "" };
      positions.map.set(wrapped, { ...posOf(node), keys: new Map() });
      return wrapped;
    }
    return value;
  };

  const value = convert(doc.contents, 0, false);
  positions.resources = resourcesOf(value);
  return { file, format: "yaml", value, positions, warnings };
}

function lineColOf(text: string, offset: number): Pos {
  let line = 1;
  let last = -1;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    last = i;
  }
  return { line, column: offset - last };
}

interface JsonScan {
  /** Offset where nesting first exceeds MAX_DEPTH, or -1. */
  readonly tooDeepAt: number;
  /** Offsets of the top-level keys. */
  readonly topKeys: Map<string, number>;
  /** Offsets of the keys of the top-level Resources object (the logical ids). */
  readonly resources: Map<string, number>;
  /** Offsets of the line feeds, in order (for offset -> line and column). */
  readonly newlines: number[];
  /** Whether some object writes a key twice (duplicateJsonKeys then finds where). */
  readonly repeated: boolean;
}

/** Offset of the first character at or after `i` that is not JSON whitespace. */
function skipSpace(text: string, i: number): number {
  let d = text.charCodeAt(i);
  while (d === 32 || d === 9 || d === 10 || d === 13) d = text.charCodeAt(++i);
  return i;
}

/**
 * Offset of the closing quote of the string whose opening quote is at `i` (the text is valid
 * JSON). indexOf finds candidate quotes natively; one preceded by an odd run of backslashes
 * is escaped, and the search goes on after it.
 */
function stringEnd(text: string, i: number): number {
  let q = text.indexOf('"', i + 1);
  while (q > 0) {
    let b = q - 1;
    while (text.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    q = text.indexOf('"', q + 1);
  }
  return text.length;
}

/** The text of the string from the quote at `start` to the one at `end`. */
function keyText(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end);
  return raw.includes("\\") ? (JSON.parse(text.slice(start, end + 1)) as string) : raw;
}

/**
 * One pass over JSON text, by hand because it must be fast on large templates and safe on any
 * depth (recursive parsers overflow the stack): nesting depth, line feeds, and the offsets of
 * the top-level keys and of the logical ids under Resources. The keys inside one resource are
 * found later, on demand (JsonPositions): a 100,000-resource template then keeps a few numbers
 * per resource instead of a map of positions. Runs on text JSON.parse accepted; on a syntax
 * error jsonc-parser locates the problem instead.
 */
function scanJson(text: string): JsonScan {
  const topKeys = new Map<string, number>();
  const resources = new Map<string, number>();
  const newlines: number[] = [];
  const keys = new KeysSeen(text);
  let inResources = false;
  let depth = 0;
  let repeated = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) newlines.push(i);
    else if (c === 34) {
      const start = i;
      const end = stringEnd(text, i);
      i = end;
      if (text.charCodeAt(skipSpace(text, i + 1)) !== 58) continue;
      if (depth > 2 || (depth === 2 && !inResources)) {
        if (!repeated) repeated = keys.repeats(depth, start, end);
        continue;
      }
      // The template's sections and its logical ids are kept by name anyway: a repeat is one already there.
      const key = keyText(text, start, end);
      const seen = depth === 1 ? topKeys : resources;
      if (seen.has(key)) repeated = true;
      seen.set(key, start);
      if (depth === 1) inResources = key === "Resources";
    } else if (c === 123 || c === 91) {
      if (++depth > MAX_DEPTH) return { tooDeepAt: i, topKeys, resources, newlines, repeated };
      if (c === 123) keys.open(depth);
    } else if (c === 125 || c === 93) depth--;
  }
  return { tooDeepAt: -1, topKeys, resources, newlines, repeated };
}

function positionOr(index: number, none: number): number {
  return index < 0 ? none : index;
}

/** Keys an object holds before it switches from comparing text to a set. */
const FEW_KEYS = 16;

/**
 * The keys of each open object (by depth), to see a repeated key in scanJson's own pass: counting the parsed value's
 * keys instead walked the whole template again. An object's first few keys are compared as text spans (no string made);
 * an object with more keys, or a key written with an escape, switches to a set of the keys' values.
 */
class KeysSeen {
  private readonly text: string;
  private readonly spans = new Int32Array((MAX_DEPTH + 2) * FEW_KEYS * 2);
  private readonly counts = new Int32Array(MAX_DEPTH + 2);
  private readonly sets: (Set<string> | undefined)[] = [];
  private nextEscape: number;

  constructor(text: string) {
    this.text = text;
    this.nextEscape = positionOr(text.indexOf("\\"), Infinity);
  }

  open(depth: number): void {
    this.counts[depth] = 0;
    this.sets[depth] = undefined;
  }

  /** Records the key whose quotes are at `start` and `end` in the object at `depth`; true when the object had it. */
  repeats(depth: number, start: number, end: number): boolean {
    const text = this.text;
    let set = this.sets[depth];
    const count = this.counts[depth] as number;
    const base = depth * FEW_KEYS * 2;
    if (!set) {
      // The next backslash of the text at or after this key (keys come in order: each backslash is looked for once).
      while (this.nextEscape < start) this.nextEscape = positionOr(text.indexOf("\\", this.nextEscape + 1), Infinity);
      if (this.nextEscape > end && count < FEW_KEYS) {
        const len = end - start;
        for (let j = 0; j < count; j++) {
          const s = this.spans[base + 2 * j] as number;
          if ((this.spans[base + 2 * j + 1] as number) - s !== len) continue;
          let k = 1;
          while (k < len && text.charCodeAt(s + k) === text.charCodeAt(start + k)) k++;
          if (k === len) return true;
        }
        this.spans[base + 2 * count] = start;
        this.spans[base + 2 * count + 1] = end;
        this.counts[depth] = count + 1;
        return false;
      }
      set = new Set();
      for (let j = 0; j < count; j++) set.add(keyText(text, this.spans[base + 2 * j] as number, this.spans[base + 2 * j + 1] as number));
      this.sets[depth] = set;
    }
    const key = keyText(text, start, end);
    if (set.has(key)) return true;
    set.add(key);
    return false;
  }
}

/**
 * Offsets of the keys that repeat an earlier key of the same object (valid JSON text). Run only when the text
 * writes more keys than JSON.parse kept, so ordinary templates never pay for a set of keys per object.
 */
function duplicateJsonKeys(text: string): { readonly key: string; readonly at: number; readonly topLevel: boolean }[] {
  const found: { key: string; at: number; topLevel: boolean }[] = [];
  // One entry per open bracket: the keys seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  for (let i = 0, n = text.length; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const start = i;
      i = stringEnd(text, i);
      const seen = open[open.length - 1];
      if (!seen || text.charCodeAt(skipSpace(text, i + 1)) !== 58) continue;
      const key = keyText(text, start, i);
      if (seen.has(key)) found.push({ key, at: start, topLevel: open.length === 1 });
      else seen.add(key);
    } else if (c === 123) open.push(new Set());
    else if (c === 91) open.push(null);
    else if (c === 125 || c === 93) open.pop();
  }
  return found;
}

const RECENT_OBJECTS = 509; // prime, so the slots of nearby offsets spread

/**
 * Positions in a JSON template, found on demand: the template, its Resources, each resource
 * and its Properties (the objects the model cites). Nothing is computed per resource up front:
 * a position is a binary search over the line feeds, and an object's keys are scanned from its
 * text when first asked for (the last few are kept). Objects are mapped to positions only when
 * somebody asks by object (a diagnostic inside a resource); the builder asks by logical id.
 */
class JsonPositions implements PositionIndex {
  private readonly text: string;
  private readonly scan: JsonScan;
  private readonly value: unknown;
  private readonly resources: Record<string, unknown> | undefined;
  /** Parsed object -> what it is and its logical id; built on the first lookup by object. */
  private objects:
    WeakMap<object, { readonly kind: "template" | "resources" | "resource" | "properties"; readonly id: string }> | undefined;
  /** Key offsets of recently asked objects, by the offset of the key they are the value of: a small direct-mapped cache (the builder asks about a few at a time). */
  private readonly recent: ({ readonly keyAt: number; readonly offsets: ReadonlyMap<string, number> } | undefined)[] = new Array(
    RECENT_OBJECTS,
  );

  constructor(text: string, scan: JsonScan, value: unknown) {
    this.text = text;
    this.scan = scan;
    this.value = value;
    this.resources = scan.topKeys.has("Resources") ? resourcesOf(value) : undefined;
  }

  get(value: object): NodePos | undefined {
    const o = this.objectIndex().get(value);
    switch (o?.kind) {
      case undefined:
        return undefined;
      case "template":
        return { line: 1, column: 1, keys: this.posMap(() => this.scan.topKeys) };
      case "resources": {
        const at = this.scan.topKeys.get("Resources") ?? 0;
        return { ...this.pos(at), keys: this.posMap(() => this.scan.resources) };
      }
      case "resource":
        return this.resource(o.id);
      case "properties":
        return this.properties(o.id);
    }
  }

  resource(id: string): NodePos | undefined {
    const at = this.resourceAt(id);
    return at === undefined ? undefined : this.nodeAt(at);
  }

  properties(id: string): NodePos | undefined {
    const at = this.resourceAt(id);
    const propsAt = at === undefined ? undefined : this.keyOffsets(at).get("Properties");
    return propsAt === undefined ? undefined : this.nodeAt(propsAt);
  }

  /** Offset of a resource's logical id. (A resource or Properties that is not an object still has the position of its key.) */
  private resourceAt(id: string): number | undefined {
    return this.resources ? this.scan.resources.get(id) : undefined;
  }

  private objectIndex(): NonNullable<JsonPositions["objects"]> {
    if (this.objects) return this.objects;
    const objects: NonNullable<JsonPositions["objects"]> = new WeakMap();
    this.objects = objects;
    if (this.value && typeof this.value === "object") objects.set(this.value, { kind: "template", id: "" });
    const resources = this.resources;
    if (!resources) return objects;
    objects.set(resources, { kind: "resources", id: "" });
    for (const id in resources) {
      const res = resources[id];
      if (!res || typeof res !== "object") continue;
      objects.set(res, { kind: "resource", id });
      const props = (res as { Properties?: unknown }).Properties;
      if (props && typeof props === "object") objects.set(props, { kind: "properties", id });
    }
    return objects;
  }

  /** Position of the object that is the value of the key at `keyAt` (the key's position), its keys scanned when asked. */
  private nodeAt(keyAt: number): NodePos {
    return new JsonNode(this, keyAt);
  }

  /** Offsets of the keys of the object that is the value of the key at `keyAt`. */
  keyOffsets(keyAt: number): ReadonlyMap<string, number> {
    const slot = keyAt % RECENT_OBJECTS;
    const known = this.recent[slot];
    if (known?.keyAt === keyAt) return known.offsets;
    const offsets = this.scanKeys(keyAt);
    this.recent[slot] = { keyAt, offsets };
    return offsets;
  }

  private scanKeys(keyAt: number): Map<string, number> {
    const text = this.text;
    const keys = new Map<string, number>();
    let i = skipSpace(text, stringEnd(text, keyAt) + 1);
    if (text.charCodeAt(i) !== 58) return keys;
    i = skipSpace(text, i + 1);
    if (text.charCodeAt(i) !== 123) return keys;
    let depth = 0;
    for (const n = text.length; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        const start = i;
        const end = stringEnd(text, i);
        i = end;
        if (depth === 1 && text.charCodeAt(skipSpace(text, i + 1)) === 58) keys.set(keyText(text, start, end), start);
      } else if (c === 123 || c === 91) depth++;
      else if ((c === 125 || c === 93) && --depth === 0) break;
    }
    return keys;
  }

  /** Key positions read from offsets on demand: most keys are never asked for. */
  posMap(offsets: () => ReadonlyMap<string, number>): KeyPositions {
    return {
      get: (key: string) => {
        const at = offsets().get(key);
        return at === undefined ? undefined : this.pos(at);
      },
    };
  }

  /** Line and column (1-based) of an offset. */
  pos(offset: number): Pos {
    const line = this.line(offset);
    return { line, column: this.column(offset, line) };
  }

  /** Line (1-based) of an offset: a binary search over the line feeds. */
  line(offset: number): number {
    const nl = this.scan.newlines;
    let lo = 0;
    let hi = nl.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((nl[mid] ?? 0) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  }

  /** Column (1-based) of an offset on its line. */
  column(offset: number, line: number): number {
    return offset - (line > 1 ? (this.scan.newlines[line - 2] ?? 0) : -1);
  }
}

/**
 * The position of a JSON object (that of the key it is the value of); its keys are scanned
 * only when asked. A class with #private fields: one small allocation per position, and
 * spreading it (`{ ...pos }`) copies just line and column.
 */
class JsonNode implements NodePos {
  readonly line: number;
  readonly column: number;
  readonly #index: JsonPositions;
  readonly #keyAt: number;

  constructor(index: JsonPositions, keyAt: number) {
    this.#index = index;
    this.#keyAt = keyAt;
    this.line = index.line(keyAt);
    this.column = index.column(keyAt, this.line);
  }

  get keys(): KeyPositions {
    return this.#index.posMap(() => this.#index.keyOffsets(this.#keyAt));
  }
}

function jsonSyntaxError(file: string, text: string, e: unknown): LoadError {
  // jsonc-parser recurses into each level: deep nesting is reported as such before it is asked where the error is.
  const deep = scanJson(text).tooDeepAt;
  if (deep >= 0) return new LoadError("LOAD_TOO_DEEP", `nesting deeper than ${MAX_DEPTH} levels`, { file, ...lineColOf(text, deep) });
  const { visit, printParseErrorCode } = jsonc();
  let found: LoadError | undefined;
  visit(
    text,
    {
      onError: (code, offset) => {
        found ??= new LoadError("LOAD_SYNTAX", `not valid JSON: ${printParseErrorCode(code)}`, { file, ...lineColOf(text, offset) });
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  const m = /position (\d+)/.exec(String(e));
  return (
    found ?? new LoadError("LOAD_SYNTAX", `not valid JSON: ${(e as Error).message}`, { file, ...(m ? lineColOf(text, Number(m[1])) : {}) })
  );
}

function parseJson(file: string, text: string): ParsedText {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw jsonSyntaxError(file, text, e);
  }
  const scan = scanJson(text);
  if (scan.tooDeepAt >= 0) {
    throw new LoadError("LOAD_TOO_DEEP", `nesting deeper than ${MAX_DEPTH} levels`, { file, ...lineColOf(text, scan.tooDeepAt) });
  }
  const positions = new JsonPositions(text, scan, value);
  // JSON.parse keeps the last of two equal keys, as CloudFormation does; they are found only when some key is missing.
  const warnings = scan.repeated ? duplicateJsonKeys(text).map((d) => duplicateKey(d.key, positions.pos(d.at), d.topLevel)) : [];
  return { file, format: "json", value, positions, warnings };
}
