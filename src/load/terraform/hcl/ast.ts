// HCL expressions as hcl2json parses them (its Go hclsyntax parser compiled to WebAssembly) -> a small
// syntax tree the evaluator walks. hcl2json turns a configuration into JSON in which every expression
// is a template string ("${aws_vpc.main.id}"); its getExpressionAst gives the parse tree of one such
// string. The tree is read here, once per distinct string; nothing of HCL's grammar is written by hand.
/**
 * A node of hcl2json's parse tree as it really is: its type definitions omit the nodes of type "" that it writes for
 * parentheses and object keys.
 */
export interface Node {
  readonly type: string;
  readonly children?: readonly Node[];
  readonly meta?: Record<string, unknown>;
  readonly range?: { readonly start?: { readonly byte?: number }; readonly end?: { readonly byte?: number } };
}

type ExpressionType = Node;

export type Step = { readonly name: string } | { readonly index: string | number };

export type Expr =
  | { readonly t: "lit"; readonly v: string | number | boolean | null }
  | { readonly t: "tpl"; readonly parts: readonly Expr[]; readonly text: string }
  | { readonly t: "trav"; readonly root: string; readonly steps: readonly Step[]; readonly text: string }
  | { readonly t: "rel"; readonly src: Expr; readonly steps: readonly Step[]; readonly text: string }
  | { readonly t: "index"; readonly coll: Expr; readonly key: Expr; readonly text: string }
  | { readonly t: "splat"; readonly src: Expr; readonly each: readonly Step[]; readonly text: string }
  | { readonly t: "call"; readonly name: string; readonly args: readonly Expr[]; readonly expand: boolean; readonly text: string }
  | { readonly t: "tuple"; readonly items: readonly Expr[]; readonly text: string }
  | { readonly t: "object"; readonly items: readonly (readonly [Expr, Expr])[]; readonly text: string }
  | { readonly t: "cond"; readonly c: Expr; readonly a: Expr; readonly b: Expr; readonly text: string }
  | { readonly t: "unary"; readonly op: string; readonly v: Expr; readonly text: string }
  | { readonly t: "binary"; readonly op: string; readonly l: Expr; readonly r: Expr; readonly text: string }
  | {
      readonly t: "for";
      readonly keyVar: string;
      readonly valVar: string;
      readonly coll: Expr;
      readonly key: Expr | undefined;
      readonly value: Expr;
      readonly cond: Expr | undefined;
      readonly grouped: boolean;
      readonly object: boolean;
      readonly text: string;
    }
  | { readonly t: "unsupported"; readonly text: string };

/** The source text of an expression, for messages that name it. */
export function textOf(e: Expr): string {
  if (e.t === "lit") return JSON.stringify(e.v);
  return e.text;
}

function steps(parts: readonly { type: string; segment: string }[]): Step[] {
  return parts.map((p) => {
    if (p.type !== "indexTraversal") return { name: p.segment };
    if (/^\d+$/.test(p.segment)) return { index: Number(p.segment) };
    try {
      const v = JSON.parse(p.segment) as unknown;
      return { index: typeof v === "number" || typeof v === "string" ? v : p.segment };
    } catch {
      return { index: p.segment };
    }
  });
}

/**
 * The tree of one parsed template. `source` is the text given to the parser (its byte ranges locate an
 * object's bare keys, which the parse tree leaves without text).
 */
export function toExpr(node: ExpressionType | null | undefined, source: Buffer, depth = 0): Expr {
  if (!node) return { t: "unsupported", text: "" };
  if (depth > 200) return { t: "unsupported", text: "an expression nested too deep" };
  const kids = node.children ?? [];
  const meta = node.meta ?? {};
  const text = typeof meta.value === "string" ? meta.value : sliceOf(node, source);
  const sub = (n: ExpressionType | undefined) => toExpr(n, source, depth + 1);
  switch (node.type) {
    case "templateWrap":
      return sub(kids[0]);
    case "template": {
      const parts = kids.map(sub);
      if (parts.length === 1 && parts[0]?.t === "lit" && typeof parts[0].v === "string") return parts[0];
      if (parts.length === 0) return { t: "lit", v: "" };
      return { t: "tpl", parts, text };
    }
    case "literalValue": {
      const type = meta.type;
      const v = String(meta.value ?? "");
      if (type === "number") return { t: "lit", v: Number(v) };
      if (type === "bool") return { t: "lit", v: v === "true" };
      if (type === "string") return { t: "lit", v };
      return { t: "lit", v: null };
    }
    case "scopeTraversal": {
      const parts = steps((meta.traversal ?? []) as { type: string; segment: string }[]);
      const [head, ...rest] = parts;
      if (!head || !("name" in head)) return { t: "unsupported", text };
      return { t: "trav", root: head.name, steps: rest, text };
    }
    case "relativeTraversal":
      return { t: "rel", src: sub(kids[0]), steps: steps((meta.traversal ?? []) as { type: string; segment: string }[]), text };
    case "index":
      return { t: "index", coll: sub(kids[0]), key: sub(kids[1]), text };
    case "splat": {
      const each = kids[1];
      const eachSteps =
        each && each.type === "relativeTraversal" ? steps((each.meta?.traversal ?? []) as { type: string; segment: string }[]) : [];
      if (each && each.type !== "relativeTraversal" && each.type !== "") return { t: "unsupported", text };
      return { t: "splat", src: sub(kids[0]), each: eachSteps, text };
    }
    case "function":
      return { t: "call", name: String(meta.name ?? ""), args: kids.map(sub), expand: meta.expandedFinalArgument === true, text };
    case "tuple":
      return { t: "tuple", items: kids.map(sub), text };
    case "object": {
      const items: [Expr, Expr][] = [];
      for (let i = 0; i + 1 < kids.length; i += 2) {
        const k = kids[i] as ExpressionType;
        // A bare key (`a = 1`) has no text in the tree: its bytes in the source are its name.
        const key: Expr =
          k.type === "" && (k.children ?? []).length === 0
            ? { t: "lit", v: sliceOf(k, source) }
            : k.type === "" && (k.children ?? []).length === 1
              ? keyOf(sub((k.children ?? [])[0]))
              : keyOf(sub(k));
        items.push([key, sub(kids[i + 1])]);
      }
      return { t: "object", items, text };
    }
    case "conditional":
      return { t: "cond", c: sub(kids[0]), a: sub(kids[1]), b: sub(kids[2]), text };
    case "unaryOp":
      return { t: "unary", op: String(meta.operator ?? ""), v: sub(kids[0]), text };
    case "binaryOp":
      return { t: "binary", op: String(meta.operator ?? ""), l: sub(kids[0]), r: sub(kids[1]), text };
    case "for": {
      const hasKey = typeof meta.keyExpression === "string" && meta.keyExpression !== "";
      const hasCond = typeof meta.conditionalExpression === "string" && meta.conditionalExpression !== "";
      let i = 0;
      const coll = sub(kids[i++]);
      const key = hasKey ? sub(kids[i++]) : undefined;
      const value = sub(kids[i++]);
      const cond = hasCond ? sub(kids[i++]) : undefined;
      return {
        t: "for",
        keyVar: String(meta.keyVar ?? ""),
        valVar: String(meta.valVar ?? ""),
        coll,
        key,
        value,
        cond,
        grouped: meta.groupedValue === true,
        object: meta.openRangeValue === "{",
        text,
      };
    }
    case "":
      // Parentheses around an expression.
      if (kids.length === 1) return sub(kids[0]);
      return { t: "unsupported", text };
    default:
      return { t: "unsupported", text };
  }
}

/** An object key written as a bare name that hcl2json parsed as a traversal (`a = 1` inside `{ }`) is that name. */
function keyOf(e: Expr): Expr {
  if (e.t === "trav" && e.steps.length === 0) return { t: "lit", v: e.root };
  return e;
}

function sliceOf(node: ExpressionType, source: Buffer): string {
  const r = node.range;
  const a = r?.start?.byte;
  const b = r?.end?.byte;
  return typeof a === "number" && typeof b === "number" ? source.subarray(a, b).toString("utf8") : "";
}
