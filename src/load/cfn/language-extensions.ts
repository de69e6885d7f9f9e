// Transforms: `Transform: AWS::LanguageExtensions` expanded as CloudFormation does (Fn::ForEach in
// Resources, Conditions and Outputs, nested loops included; Fn::Length, Fn::ToJsonString and
// Fn::FindInMap's DefaultValue are evaluated by the Resolver), and every other transform or macro
// (a `Transform` the tool does not know, `Fn::Transform`, AWS::Include) reported and recorded as a
// reason the model is undecided: what it would generate is not known.
// Sources: CloudFormation Template Reference, "Fn::ForEach" and "AWS::LanguageExtensions transform".
import type { DiagnosticCode } from "../../aws/codes.ts";
import type { Undecided } from "../../model/model.ts";
import type { Diagnostic, Location } from "../../model/types.ts";
import { isUnknown } from "../../model/types.ts";
import type { Value } from "./intrinsics.ts";
import { containsSymbolic, Resolver } from "./intrinsics.ts";
import type { NodePos, ParsedText, PositionIndex, Pos } from "./parse.ts";
import { SAM_TRANSFORM } from "./sam.ts";

export const LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions";
const KNOWN_TRANSFORMS = new Set([LANGUAGE_EXTENSIONS, SAM_TRANSFORM]);
const FOR_EACH = "Fn::ForEach::";
/** A use of a function only AWS::LanguageExtensions defines. */
const EXTENSION_USE = /Fn::ForEach|!ForEach|Fn::Length|!Length|Fn::ToJsonString|!ToJsonString|DefaultValue/;
/**
 * A word every use of a transform or a LanguageExtensions function contains: one regular expression finds any of them
 * in one pass (6.8 ms on a 24 MB template, where the searches it spares took 35 ms).
 */
const MAY_USE = /ForEach|Length|ToJsonString|DefaultValue|Transform/;
/** Sections where CloudFormation accepts Fn::ForEach. */
const LOOP_SECTIONS = ["Conditions", "Resources", "Outputs"] as const;
/** A loop may generate at most this many keys (CloudFormation's own quotas apply to the result: 500 resources). */
const MAX_GENERATED = 100_000;

/** The transforms a template declares, in order (`Transform` is a string or a list). */
export function declaredTransforms(template: Record<string, unknown>): unknown[] {
  const t = template.Transform;
  if (t === undefined || t === null) return [];
  return Array.isArray(t) ? t : [t];
}

export interface TransformResult {
  /** The template with every loop expanded (the input itself when there was none). */
  readonly template: Record<string, unknown>;
  /** Positions that also answer for the generated resources and copied values (they point at the loop). */
  readonly parsed: ParsedText;
  readonly diagnostics: readonly Diagnostic[];
  /** Reasons the model is undecided: unknown transforms, macros, loops that could not be expanded. */
  readonly undecided: readonly Undecided[];
  /** Generated logical id -> the loop key it comes from (`Fn::ForEach::Name`). */
  readonly generatedBy: ReadonlyMap<string, string>;
  /** For a logical id or condition name the template does not define: the reason a loop that could not be expanded may create it. */
  readonly mayBeGenerated: (name: string) => string | undefined;
}

/**
 * Applies the template's transforms as far as the tool knows them. `text` is the template's
 * text: templates that never mention a loop or a macro (almost all) are returned as they are,
 * without walking them.
 */
export function applyTransforms(
  parsed: ParsedText,
  template: Record<string, unknown>,
  text: string,
  options: { readonly region: string; readonly params: Readonly<Record<string, string>> },
  modelled: (type: string) => boolean = () => true,
): TransformResult {
  const t = new Transformer(parsed, template, options, modelled);
  t.checkDeclared();
  // One pass tells whether any of the searches below can find something: most templates spell none of these words.
  const mayUse = MAY_USE.test(text);
  if (mayUse && (text.includes("Fn::Transform") || text.includes("!Transform"))) t.findMacros(template, 0);
  if (mayUse && !t.declares(LANGUAGE_EXTENSIONS) && EXTENSION_USE.test(text)) t.requireDeclaration(template);
  const expanded = mayUse && text.includes("ForEach") ? t.expandSections(template) : template;
  return {
    template: expanded,
    parsed: expanded === template ? parsed : { ...parsed, value: expanded, positions: t.positionIndex() },
    diagnostics: t.diagnostics,
    undecided: t.undecided,
    generatedBy: t.generatedBy,
    mayBeGenerated: (name) => t.mayBeGenerated(name),
  };
}

class Transformer {
  readonly diagnostics: Diagnostic[] = [];
  readonly undecided: Undecided[] = [];
  readonly generatedBy = new Map<string, string>();
  /** Copied value -> the value written in the template (for positions). */
  private readonly copiedFrom = new WeakMap<object, object>();
  /** Generated logical id -> the resource body written inside the loop. */
  private readonly generatedBody = new Map<string, object>();
  /** Names a loop that could not be expanded may generate, with the reason. */
  private readonly unexpanded: { readonly pattern: RegExp; readonly reason: string }[] = [];
  private resolver: Resolver | undefined;
  /** Whether the network model reads resources of this type (build.ts; SAM types by what they become). */
  private readonly modelled: (type: string) => boolean;
  private count = 0;

  private readonly parsed: ParsedText;
  private readonly template: Record<string, unknown>;
  private readonly options: { readonly region: string; readonly params: Readonly<Record<string, string>> };

  constructor(
    parsed: ParsedText,
    template: Record<string, unknown>,
    options: { readonly region: string; readonly params: Readonly<Record<string, string>> },
    modelled: (type: string) => boolean,
  ) {
    this.modelled = modelled;
    this.parsed = parsed;
    this.template = template;
    this.options = options;
  }

  declares(name: string): boolean {
    return declaredTransforms(this.template).includes(name);
  }

  private loc(pos: Pos | undefined): Location {
    return { file: this.parsed.file, line: pos?.line, column: pos?.column };
  }

  /** Where `key` of `container` is written, else the container, else `fallback`. */
  private posOf(container: unknown, key?: string, fallback?: Pos): Pos | undefined {
    const p = container && typeof container === "object" ? this.parsed.positions.get(this.original(container)) : undefined;
    return (key !== undefined ? p?.keys.get(key) : undefined) ?? p ?? fallback;
  }

  private original(v: object): object {
    return this.copiedFrom.get(v) ?? v;
  }

  private report(
    code: DiagnosticCode,
    severity: "error" | "warning",
    message: string,
    pos: Pos | undefined,
    fix: string,
    resource?: string,
  ): void {
    this.diagnostics.push({ code, severity, message, location: this.loc(pos), fix, ...(resource ? { resource } : {}) });
  }

  private undecide(reason: string, pos: Pos | undefined): void {
    this.undecided.push({ reason, location: this.loc(pos) });
  }

  /** `Transform:` entries other than SAM and LanguageExtensions. */
  checkDeclared(): void {
    for (const t of declaredTransforms(this.template)) {
      if (typeof t === "string" && KNOWN_TRANSFORMS.has(t)) continue;
      // Looked up only here: a JSON template's positions by object are indexed on the first lookup.
      const pos = this.posOf(this.template, "Transform");
      const name = typeof t === "string" ? t : isTransformCall(t) ? String((t as { Name?: unknown }).Name) : JSON.stringify(t);
      this.macro(name, pos, "Transform");
    }
  }

  private macro(name: string, pos: Pos | undefined, how: string, outsideModel?: string): void {
    this.report(
      "LOAD_UNKNOWN_TRANSFORM",
      "warning",
      outsideModel
        ? `${how} ${name} is not expanded; it can change only a property of ${outsideModel}, which the network model does not read`
        : `${how} ${name} is not expanded: what it adds or changes is not known, so no verdict is "reachable"`,
      pos,
      name === "AWS::Include"
        ? "inline the included snippet, or check the processed template (aws cloudformation get-template --template-stage Processed)"
        : "check the processed template instead (aws cloudformation get-template --template-stage Processed, or the macro's output)",
    );
    if (!outsideModel)
      this.undecide(`the template uses ${how === "Transform" ? "the transform" : how} ${name}, which is not expanded`, pos);
  }

  /**
   * `Fn::Transform` anywhere (AWS::Include, macros), to a bounded depth. A macro replaces only the
   * snippet it is written in: inside the properties of a resource whose type the model does not
   * read (an API's DefinitionBody), it cannot change a verdict, and is only reported.
   */
  findMacros(v: unknown, depth: number, outsideModel?: string): void {
    if (!v || typeof v !== "object" || depth > 64) return;
    if (Array.isArray(v)) {
      for (const x of v) this.findMacros(x, depth + 1, outsideModel);
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === "Fn::Transform") {
        const name = x && typeof x === "object" && !Array.isArray(x) ? (x as { Name?: unknown }).Name : undefined;
        this.macro(typeof name === "string" ? name : "(a macro with a computed name)", this.posOf(v, k), "Fn::Transform", outsideModel);
      } else if (depth === 0 && k === "Resources" && isMap(x)) {
        for (const [id, res] of Object.entries(x)) {
          if (!isMap(res) || id === "Fn::Transform") {
            this.findMacros({ [id]: res }, 1);
            continue;
          }
          const type = res.Type;
          const unread = typeof type === "string" && !this.modelled(type) ? `${id} (${type})` : undefined;
          for (const [rk, rv] of Object.entries(res)) {
            if (rk === "Fn::Transform") this.findMacros({ [rk]: rv }, 2);
            else this.findMacros(rv, 3, rk === "Properties" ? unread : undefined);
          }
        }
      } else this.findMacros(x, depth + 1, outsideModel);
    }
  }

  /** The template uses LanguageExtensions functions without declaring the transform: CloudFormation rejects it. */
  requireDeclaration(template: Record<string, unknown>): void {
    const found = findExtension(template, 0);
    if (!found) return;
    const pos = this.posOf(found.container, found.key);
    this.report(
      "LOAD_TRANSFORM_MISSING",
      "error",
      `${found.what} needs \`Transform: ${LANGUAGE_EXTENSIONS}\`; CloudFormation rejects the template without it (read as if it were declared)`,
      pos,
      `add \`Transform: ${LANGUAGE_EXTENSIONS}\` at the top of the template (before ${SAM_TRANSFORM} in a list)`,
    );
  }

  // ---- Fn::ForEach ---------------------------------------------------------------------------

  expandSections(template: Record<string, unknown>): Record<string, unknown> {
    let out: Record<string, unknown> | undefined;
    for (const section of LOOP_SECTIONS) {
      const body = template[section];
      if (!body || typeof body !== "object" || Array.isArray(body)) continue;
      const expanded = this.expandMap(body as Record<string, unknown>, section === "Resources" ? "resources" : "other", 0);
      if (expanded !== body) {
        out ??= { ...template };
        out[section] = expanded;
        this.copiedFrom.set(expanded, body);
      }
    }
    return out ?? template;
  }

  /** `obj` with its loops expanded (itself when it holds none); `level` "resources" records generated logical ids. */
  private expandMap(obj: Record<string, unknown>, level: "resources" | "other", depth: number): Record<string, unknown> {
    if (depth > 64) return obj;
    let changed = false;
    const out: Record<string, unknown> = {};
    const written = new Set(Object.keys(obj).filter((k) => !k.startsWith(FOR_EACH)));
    for (const [k, v] of Object.entries(obj)) {
      if (!k.startsWith(FOR_EACH)) {
        const x = this.expandValue(v, depth + 1);
        if (x !== v) changed = true;
        out[k] = x;
        continue;
      }
      changed = true;
      const generated = this.loop(obj, k, v, depth);
      for (const [gk, gv] of generated) {
        if (written.has(gk) || gk in out) {
          this.report(
            "LOAD_FOREACH_DUPLICATE",
            "error",
            `${k} generates the key ${gk}, which is already defined; CloudFormation rejects the template`,
            this.posOf(obj, k),
            "make the OutputKey unique per item (include ${Identifier} or &{Identifier}) and distinct from the other keys",
          );
          continue;
        }
        out[gk] = gv;
        if (level === "resources") {
          this.generatedBy.set(gk, k);
          const body = gv && typeof gv === "object" ? this.original(gv) : undefined;
          if (body) this.generatedBody.set(gk, body);
        }
      }
    }
    if (!changed) return obj;
    this.copiedFrom.set(out, this.original(obj));
    return out;
  }

  private expandValue(v: unknown, depth: number): unknown {
    if (!v || typeof v !== "object") return v;
    if (Array.isArray(v)) {
      let changed = false;
      const out = v.map((x) => {
        const y = this.expandValue(x, depth + 1);
        if (y !== x) changed = true;
        return y;
      });
      if (!changed) return v;
      this.copiedFrom.set(out, this.original(v));
      return out;
    }
    return this.expandMap(v as Record<string, unknown>, "other", depth);
  }

  /** The keys and values one loop generates (loops inside them expanded too). */
  private loop(container: Record<string, unknown>, key: string, spec: unknown, depth: number): [string, unknown][] {
    const pos = this.posOf(container, key);
    const shape = `${key} must be [Identifier, Collection, {OutputKey: OutputValue}]`;
    if (!Array.isArray(spec) || spec.length !== 3 || typeof spec[0] !== "string" || !isMap(spec[2])) {
      this.report("LOAD_BAD_INTRINSIC", "error", `${shape}; CloudFormation rejects the template`, pos, `write ${shape}`);
      return [];
    }
    const [id, collection, fragment] = spec as [string, unknown, Record<string, unknown>];
    const items = this.collection(key, collection, pos);
    if (typeof items === "string") {
      this.report(
        "LOAD_FOREACH_UNRESOLVED",
        "warning",
        `${key} is not expanded: ${items}; what it generates is not known, so no verdict is "reachable"`,
        pos,
        "give the collection a value (--param NAME=a,b for a CommaDelimitedList parameter)",
      );
      this.undecide(`${key} is not expanded (${items})`, pos);
      for (const k of outputKeys(fragment)) {
        this.unexpanded.push({ pattern: keyPattern(k), reason: `may be generated by ${key}, which is not expanded (${items})` });
      }
      return [];
    }
    const out: [string, unknown][] = [];
    for (const item of items) {
      if (++this.count > MAX_GENERATED) {
        this.report("LOAD_BAD_INTRINSIC", "error", `${key} generates more than ${MAX_GENERATED} keys`, pos, "use fewer items");
        return out;
      }
      const copy = this.substitute(fragment, id, item) as Record<string, unknown>;
      const expanded = this.expandMap(copy, "other", depth + 1);
      for (const [k, v] of Object.entries(expanded)) out.push([k, v]);
    }
    return out;
  }

  /** The loop's items, or why they are not known. */
  private collection(key: string, collection: unknown, pos: Pos | undefined): string[] | string {
    this.resolver ??= new Resolver(this.parsed, this.template, this.options);
    const { value: v, diagnostics } = this.resolver.resolveApart(collection, { pos });
    // Problems inside the collection (a Ref to nothing...) are the template's own: keep them.
    this.diagnostics.push(...diagnostics);
    if (isUnknown(v)) return v.reason;
    if (!Array.isArray(v)) return `the collection of ${key} is not a list`;
    if (containsSymbolic(v)) {
      const u = (v as Value[]).find(isUnknown);
      return u ? u.reason : "the collection holds values known only at deploy time";
    }
    const items: string[] = [];
    for (const x of v as Value[]) {
      if (typeof x === "string" || typeof x === "number" || typeof x === "boolean") items.push(String(x));
      else return `the collection of ${key} holds ${JSON.stringify(x)}, which is not a string`;
    }
    return items;
  }

  /** A copy of `v` with the identifier replaced by `item`: `${Id}`, `&{Id}` (alphanumerics only) in keys and strings, and `Ref: Id`. */
  private substitute(v: unknown, id: string, item: string): unknown {
    if (typeof v === "string") return replaceIdentifier(v, id, item);
    if (!v || typeof v !== "object") return v;
    let out: unknown;
    if (Array.isArray(v)) out = v.map((x) => this.substitute(x, id, item));
    else {
      const obj = v as Record<string, unknown>;
      const keys = Object.keys(obj);
      if (keys.length === 1 && keys[0] === "Ref" && obj.Ref === id) return item;
      const o: Record<string, unknown> = {};
      for (const k of keys) o[replaceIdentifier(k, id, item)] = this.substitute(obj[k], id, item);
      out = o;
    }
    this.copiedFrom.set(out as object, this.original(v));
    return out;
  }

  mayBeGenerated(name: string): string | undefined {
    for (const u of this.unexpanded) if (u.pattern.test(name)) return u.reason;
    return undefined;
  }

  /** Positions for the expanded template: copies answer with their original's position, generated resources with their body in the loop. */
  positionIndex(): PositionIndex {
    const base = this.parsed.positions;
    const bodyPos = (id: string): NodePos | undefined => {
      const body = this.generatedBody.get(id);
      const loop = this.generatedBy.get(id);
      return (body ? base.get(body) : undefined) ?? (loop ? base.resource(loop) : undefined);
    };
    return {
      get: (value) => base.get(this.copiedFrom.get(value) ?? value),
      resource: (id) => (this.generatedBy.has(id) ? bodyPos(id) : base.resource(id)),
      properties: (id) => {
        if (!this.generatedBy.has(id)) return base.properties(id);
        const props = (this.generatedBody.get(id) as { Properties?: unknown } | undefined)?.Properties;
        return props && typeof props === "object" ? base.get(props) : undefined;
      },
    };
  }
}

function isMap(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

function isTransformCall(v: unknown): boolean {
  return isMap(v) && typeof v.Name === "string";
}

function replaceIdentifier(s: string, id: string, item: string): string {
  if (!s.includes("{")) return s;
  return s
    .split(`\${${id}}`)
    .join(item)
    .split(`&{${id}}`)
    .join(item.replace(/[^A-Za-z0-9]/g, ""));
}

/** The OutputKeys of a fragment, those of the loops inside it included. */
function outputKeys(fragment: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const [k, v] of Object.entries(fragment)) {
    if (k.startsWith(FOR_EACH) && Array.isArray(v) && isMap(v[2])) keys.push(...outputKeys(v[2]));
    else keys.push(k);
  }
  return keys;
}

/** An OutputKey template as a pattern over the names it can produce (`${X}`/`&{X}`: anything). */
function keyPattern(key: string): RegExp {
  const parts = key.split(/[$&]\{[^}]*\}/).map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${parts.join(".+")}$`);
}

/** The first use of a LanguageExtensions feature: a loop, Fn::Length, Fn::ToJsonString or a FindInMap DefaultValue. */
function findExtension(v: unknown, depth: number): { container: object; key: string; what: string } | undefined {
  if (!v || typeof v !== "object" || depth > 64) return undefined;
  if (Array.isArray(v)) {
    for (const x of v) {
      const f = findExtension(x, depth + 1);
      if (f) return f;
    }
    return undefined;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith(FOR_EACH)) return { container: v, key: k, what: "Fn::ForEach" };
    if (k === "Fn::Length" || k === "Fn::ToJsonString") return { container: v, key: k, what: k };
    if (k === "Fn::FindInMap" && Array.isArray(x) && isMap(x[3]) && "DefaultValue" in x[3]) {
      return { container: v, key: k, what: "Fn::FindInMap with a DefaultValue" };
    }
    const f = findExtension(x, depth + 1);
    if (f) return f;
  }
  return undefined;
}
