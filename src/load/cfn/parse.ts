// Template text -> plain values with source positions.
// YAML goes through the `yaml` package's AST (for CloudFormation's short-form tags, exact
// positions and a budget on alias expansion); JSON through JSON.parse for speed, with
// jsonc-parser's visitor for positions, nesting depth and precise syntax errors.
import { printParseErrorCode, visit as visitJson } from "jsonc-parser";
import type { Node as YamlNode } from "yaml";
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { LoadError } from "../errors.ts";

export interface Pos {
  readonly line: number;
  readonly column: number;
}

export interface NodePos extends Pos {
  /** Positions of this object's keys. */
  readonly keys: Map<string, Pos>;
}

export interface ParsedText {
  readonly file: string;
  readonly format: "yaml" | "json";
  readonly value: unknown;
  /** Positions of objects (and of their keys) as far as they were recorded. */
  readonly positions: WeakMap<object, NodePos>;
  /** Problems that do not stop reading (e.g. a duplicate key: the last value wins). */
  readonly warnings: readonly { readonly message: string; readonly line: number; readonly column: number }[];
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

export function parseTemplateText(file: string, text: string): ParsedText {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const first = body.trimStart()[0];
  if (first === "{") return parseJson(file, body);
  return parseYaml(file, body);
}

function parseYaml(file: string, text: string): ParsedText {
  const lineCounter = new LineCounter();
  // Duplicate keys are accepted, last one winning, as SAM CLI's loader does; we warn instead.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false, prettyErrors: true, strict: false });
  const err = doc.errors[0];
  if (err) {
    const lp = err.linePos?.[0];
    if (/Maximum call stack/.test(err.message)) {
      throw new LoadError("LOAD_TOO_DEEP", "nesting too deep to read", { file, line: lp?.line, column: lp?.col });
    }
    const what = err.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "");
    throw new LoadError("LOAD_SYNTAX", `not valid YAML: ${what}`, { file, line: lp?.line, column: lp?.col });
  }
  const positions = new WeakMap<object, NodePos>();
  const warnings: { message: string; line: number; column: number }[] = [];
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
      const target = node.resolve(doc);
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
          warnings.push({ message: `duplicate key ${JSON.stringify(key)}: the last one wins`, ...kp });
        }
        keys.set(key, kp);
        obj[key] = convert(pair.value, depth + 1, inAlias);
      }
      positions.set(obj, { ...posOf(node), keys });
      value = obj;
    } else if (isSeq(node)) {
      const arr = node.items.map((i) => convert(i, depth + 1, inAlias));
      positions.set(arr, { ...posOf(node), keys: new Map() });
      value = arr;
    } else {
      value = null;
    }
    const tag = (node as { tag?: string }).tag;
    if (tag?.startsWith("!") && !tag.startsWith("!!")) {
      const long = TAGS[tag] ?? `Fn::${tag.slice(1)}`;
      if (long === "Fn::GetAtt" && typeof value === "string") {
        const dot = value.indexOf(".");
        value = dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
      }
      const wrapped = { [long]: value ?? "" };
      positions.set(wrapped, { ...posOf(node), keys: new Map() });
      return wrapped;
    }
    return value;
  };

  return { file, format: "yaml", value: convert(doc.contents, 0, false), positions, warnings };
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

/** Offset where JSON nesting first exceeds MAX_DEPTH, or -1. Iterative: safe on any depth. */
function tooDeepAt(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i++; // backslash escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === 125 || c === 93) depth--;
  }
  return -1;
}

function parseJson(file: string, text: string): ParsedText {
  const deep = tooDeepAt(text);
  if (deep >= 0) {
    throw new LoadError("LOAD_TOO_DEEP", `nesting deeper than ${MAX_DEPTH} levels`, { file, ...lineColOf(text, deep) });
  }
  // One visitor pass: syntax errors with their position, nesting depth, and the positions
  // of keys down to Resources.<id>.Properties.<name> (deeper positions are not needed).
  const keyPos = new Map<string, Pos>();
  const path: string[] = [];
  let depth = 0;
  let failure: LoadError | undefined;
  let pendingKey: string | undefined;
  visitJson(
    text,
    {
      onObjectBegin: (_o, _l, line, col) => {
        if (++depth > MAX_DEPTH && !failure) {
          failure = new LoadError("LOAD_TOO_DEEP", `nesting deeper than ${MAX_DEPTH} levels`, {
            file,
            line: line + 1,
            column: col + 1,
          });
        }
        path.push(pendingKey ?? "");
        pendingKey = undefined;
      },
      onObjectEnd: () => {
        depth--;
        path.pop();
      },
      onArrayBegin: (_o, _l, line, col) => {
        if (++depth > MAX_DEPTH && !failure) {
          failure = new LoadError("LOAD_TOO_DEEP", `nesting deeper than ${MAX_DEPTH} levels`, {
            file,
            line: line + 1,
            column: col + 1,
          });
        }
        path.push(pendingKey ?? "");
        pendingKey = undefined;
      },
      onArrayEnd: () => {
        depth--;
        path.pop();
      },
      onObjectProperty: (property, _o, _l, line, col) => {
        pendingKey = property;
        if (path.length <= 4) keyPos.set([...path.slice(1), property].join("\u0000"), { line: line + 1, column: col + 1 });
      },
      onLiteralValue: () => {
        pendingKey = undefined;
      },
      onError: (code, offset) => {
        if (!failure) {
          failure = new LoadError("LOAD_SYNTAX", `not valid JSON: ${printParseErrorCode(code)}`, {
            file,
            ...lineColOf(text, offset),
          });
        }
      },
    },
    { disallowComments: true, allowTrailingComma: false },
  );
  if (failure) throw failure;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec(String(e));
    throw new LoadError("LOAD_SYNTAX", `not valid JSON: ${(e as Error).message}`, {
      file,
      ...(m ? lineColOf(text, Number(m[1])) : {}),
    });
  }
  const positions = new WeakMap<object, NodePos>();
  const attach = (obj: unknown, prefix: string[]) => {
    if (!obj || typeof obj !== "object" || Array.isArray(obj)) return;
    const keys = new Map<string, Pos>();
    for (const k of Object.keys(obj)) {
      const p = keyPos.get([...prefix, k].join("\u0000"));
      if (p) keys.set(k, p);
    }
    const own = prefix.length > 0 ? keyPos.get(prefix.join("\u0000")) : { line: 1, column: 1 };
    positions.set(obj, { ...(own ?? { line: 1, column: 1 }), keys });
    if (prefix.length < 3) {
      for (const [k, v] of Object.entries(obj)) attach(v, [...prefix, k]);
    }
  };
  attach(value, []);
  return { file, format: "json", value, positions, warnings: [] };
}
