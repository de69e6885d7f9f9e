// Terraform configuration (.tf files, where no plan exists) -> the network model, through the same
// builder as plans and states: the configuration is read into the instances a plan would hold, with
// every value that is static, and references tied to the instance they name. hcl2json (WebAssembly)
// is loaded here only, when the input is HCL: checking a template never loads it.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DEFAULT_REGION } from "../../../aws/facts.ts";
import { importExternal } from "../../../import-external.ts";
import { Model } from "../../../model/model.ts";
import type { Diagnostic, Unknown } from "../../../model/types.ts";
import { unknown } from "../../../model/types.ts";
import type { LoadOptions } from "../../cfn/index.ts";
import { LoadError } from "../../errors.ts";
import { TerraformBuilder } from "../build.ts";
import type { Expression, Path, TfInstance, TfObject, TfValue } from "../plan.ts";
import { Pending, References } from "../plan.ts";
import type { Expr, Node } from "./ast.ts";
import { toExpr } from "./ast.ts";
import type { HclInstance, ModuleDef, Parsed } from "./config.ts";
import { ConfigReader, moduleDefOf } from "./config.ts";
import type { Scope, Value } from "./eval.ts";
import { Computed, Evaluator, isMap, LazyObject, Undecided } from "./eval.ts";
import type { Boundary, TfFile } from "./files.ts";
import { boundaryOf, installedModules, MAX_MODULE_DEPTH, readOne, readTfFiles, resolveModule, shownPath } from "./files.ts";

export interface TerraformConfigOptions extends LoadOptions {
  /** `--var NAME=VALUE`, in the order given (a later one wins). */
  readonly vars?: readonly (readonly [string, string])[];
  /** `--var-file FILE`, in the order given, as paths and as shown. */
  readonly varFiles?: readonly { readonly path: string; readonly shown: string }[];
}

type Hcl2Json = typeof import("@cdktn/hcl2json");
let hcl: Promise<Hcl2Json> | undefined;
/** hcl2json, loaded on first use (its WebAssembly module is started when the package is imported). */
function hcl2json(): Promise<Hcl2Json> {
  hcl ??= importExternal<Hcl2Json>("@cdktn/hcl2json");
  return hcl;
}

/** hcl2json's error (`parse config: [main.tf:2,7-3,1: Invalid expression; ...]`) as a LoadError at its file and line. */
function parseError(e: unknown, file: string): LoadError {
  const text = (e as Error).message ?? String(e);
  const m = /\[?([^[\]:]*):(\d+),(\d+)(?:-[\d,]+)?: ([^\]]*)\]?/.exec(text);
  if (m) {
    return new LoadError("LOAD_INVALID_HCL", `is not valid HCL: ${(m[4] as string).trim()}`, {
      file,
      line: Number(m[2]),
      column: Number(m[3]),
    });
  }
  return new LoadError("LOAD_INVALID_HCL", `is not valid HCL: ${text.replace(/^parse config: /, "")}`, { file });
}

async function parseFile(f: TfFile): Promise<Record<string, unknown>> {
  const { parse } = await hcl2json();
  try {
    const json = (await parse(f.shown, f.text)) as unknown;
    return typeof json === "object" && json !== null && !Array.isArray(json) ? (json as Record<string, unknown>) : {};
  } catch (e) {
    throw parseError(e, f.shown);
  }
}

/** Every string of a parsed file that holds an interpolation or a directive (a template for the evaluator). */
function templatesIn(v: unknown, out: Set<string>, depth = 0): void {
  if (depth > 64) return;
  if (typeof v === "string") {
    if (/[$%]\{/.test(v)) out.add(v);
  } else if (Array.isArray(v)) for (const x of v) templatesIn(x, out, depth + 1);
  else if (typeof v === "object" && v !== null) for (const x of Object.values(v)) templatesIn(x, out, depth + 1);
}

/** The parse trees of templates (one hcl2json call each), keyed by the string. */
async function parseTemplates(strings: Iterable<string>, file: string): Promise<Map<string, Expr>> {
  const { getExpressionAst } = await hcl2json();
  const out = new Map<string, Expr>();
  for (const s of strings) {
    // The commonest templates, references alone or in text (`${aws_vpc.main.id}`, `${local.name}-vpc`), are read
    // without the parser: hcl2json takes about 9 ms to return a tree, most of a configuration's reading time.
    const quick = simpleTemplate(s);
    if (quick) {
      out.set(s, quick);
      continue;
    }
    // A heredoc, so that quotes inside interpolations need no escaping (in a quoted string they would).
    let marker = "LAMBDA_EGRESS_EOT";
    while (s.includes(marker)) marker += "_";
    const source = `<<${marker}\n${s}\n${marker}\n`;
    try {
      const ast = (await getExpressionAst(file, source)) as unknown as Node | null;
      out.set(s, fromHeredoc(toExpr(ast, Buffer.from(source, "utf8")), s));
    } catch {
      // Left out: the evaluator says the string could not be parsed.
    }
  }
  return out;
}

const SIMPLE_REF = /^\s*([A-Za-z_][\w-]*)((?:\.[A-Za-z_][\w-]*|\[\d+\])*)\s*$/;

/** A template whose interpolations are all plain references (no directive, no escape), else undefined. */
function simpleTemplate(s: string): Expr | undefined {
  if (s.includes("%{") || s.includes("$${")) return undefined;
  const parts: Expr[] = [];
  let at = 0;
  for (const m of s.matchAll(/\$\{([^{}"]*)\}/g)) {
    const ref = SIMPLE_REF.exec(m[1] as string);
    if (!ref) return undefined;
    if (m.index > at) parts.push({ t: "lit", v: s.slice(at, m.index) });
    const steps = [...(ref[2] as string).matchAll(/\.([A-Za-z_][\w-]*)|\[(\d+)\]/g)].map((x) =>
      x[1] !== undefined ? { name: x[1] } : { index: Number(x[2]) },
    );
    parts.push({ t: "trav", root: ref[1] as string, steps, text: (m[1] as string).trim() });
    at = m.index + m[0].length;
  }
  const rest = s.slice(at);
  if (rest.includes("${")) return undefined;
  if (rest !== "") parts.push({ t: "lit", v: rest });
  if (parts.length === 1 && parts[0]?.t === "trav") return parts[0];
  return parts.length === 0 ? undefined : { t: "tpl", parts, text: s };
}

/** A template read as a heredoc, as the string it was: without the heredoc's last newline, and a lone interpolation as its value. */
function fromHeredoc(e: Expr, text: string): Expr {
  if (e.t !== "tpl") return e;
  const parts = [...e.parts];
  const last = parts[parts.length - 1];
  if (last?.t === "lit" && typeof last.v === "string" && last.v.endsWith("\n")) {
    const v = last.v.slice(0, -1);
    if (v === "") parts.pop();
    else parts[parts.length - 1] = { t: "lit", v };
  }
  if (parts.length === 1 && parts[0]?.t !== "lit") return parts[0] as Expr;
  if (parts.length === 1 && parts[0]?.t === "lit") return parts[0];
  if (parts.length === 0) return { t: "lit", v: "" };
  return { t: "tpl", parts, text };
}

/** The folders of the configuration (the root and every module it reaches), parsed. */
async function readModules(
  b: Boundary,
  installed: ReadonlyMap<string, { dir: string; source: string }>,
  rootFiles: TfFile[],
): Promise<{ defs: Map<string, ModuleDef>; strings: Set<string> }> {
  const defs = new Map<string, ModuleDef>();
  const strings = new Set<string>();
  const visit = async (dir: string, files: TfFile[], path: readonly string[]): Promise<void> => {
    if (defs.has(dir)) return;
    const parsed: Parsed[] = [];
    for (const f of files) {
      const json = await parseFile(f);
      templatesIn(json, strings);
      parsed.push({ file: f, json });
    }
    const def = moduleDefOf(dir, shownPath(b, dir), parsed);
    defs.set(dir, def);
    if (path.length >= MAX_MODULE_DEPTH) return;
    for (const [name, call] of def.calls) {
      const source = call.body.source;
      if (typeof source !== "string") continue;
      const at = { file: call.file, ...(call.line !== undefined ? { line: call.line } : {}) };
      const childPath = [...path, name];
      const child = resolveModule(b, installed, dir, childPath, source, at);
      if (child !== undefined && !defs.has(child)) await visit(child, readTfFiles(b, child), childPath);
    }
  };
  await visit(b.dir, rootFiles, []);
  return { defs, strings };
}

// ---- variables -----------------------------------------------------------------------------------

/** A scope in which nothing is declared: .tfvars hold values, not references. */
const EMPTY_SCOPE: Scope = {
  lookup: (_root, steps, text) => ({ value: new Undecided(`${text}: a variable file holds values, not references`), used: steps.length }),
  with: () => EMPTY_SCOPE,
};

async function rootVariables(
  b: Boundary,
  root: ModuleDef,
  options: TerraformConfigOptions,
  evalRaw: (v: unknown) => Value,
): Promise<{ vars: Record<string, Value>; warnings: Diagnostic[] }> {
  const vars: Record<string, Value> = {};
  const warnings: Diagnostic[] = [];
  const files: { path: string; shown: string }[] = [];
  // Terraform's order: terraform.tfvars, terraform.tfvars.json, *.auto.tfvars(.json) by name, then -var-file and -var as given.
  for (const name of ["terraform.tfvars", "terraform.tfvars.json"]) {
    if (existsSync(join(b.dir, name))) files.push({ path: join(b.dir, name), shown: join(b.shownDir, name) });
  }
  for (const name of readdirSync(b.dir)
    .filter((f) => f.endsWith(".auto.tfvars") || f.endsWith(".auto.tfvars.json"))
    .sort()) {
    files.push({ path: join(b.dir, name), shown: join(b.shownDir, name) });
  }
  const assign = (name: string, value: Value, file: string) => {
    if (!root.variables.has(name)) {
      warnings.push({
        code: "LOAD_TERRAFORM_VARIABLE",
        severity: "warning",
        message: `gives a value to ${name}, which the configuration does not declare`,
        location: { file },
      });
    }
    vars[name] = value;
  };
  const fileOrder: (() => Promise<void>)[] = [];
  for (const f of [...files, ...(options.varFiles ?? [])]) {
    fileOrder.push(async () => {
      const tf = readOne({ ...b, root: "/" }, f.path, f.shown);
      let doc: Record<string, unknown>;
      if (f.shown.endsWith(".json")) {
        try {
          doc = JSON.parse(tf.text) as Record<string, unknown>;
        } catch (e) {
          throw new LoadError("LOAD_INVALID_JSON", `is not valid JSON: ${(e as Error).message}`, { file: f.shown });
        }
        if (typeof doc !== "object" || doc === null || Array.isArray(doc))
          throw new LoadError("LOAD_INVALID_JSON", "is not a JSON object of variable values", { file: f.shown });
        for (const [k, v] of Object.entries(doc)) assign(k, jsonValue(v), f.shown);
      } else {
        doc = await parseFile(tf);
        const strings = new Set<string>();
        templatesIn(doc, strings);
        const parsed = await parseTemplates(strings, f.shown);
        const ev = new Evaluator();
        for (const [k, v] of Object.entries(doc)) {
          assign(k, typeof v === "string" && parsed.has(v) ? ev.eval(parsed.get(v) as Expr, EMPTY_SCOPE) : evalRaw(v), f.shown);
        }
      }
    });
  }
  for (const step of fileOrder) await step();
  for (const [name, text] of options.vars ?? []) {
    const decl = root.variables.get(name);
    const type = typeof decl?.body.type === "string" ? decl.body.type.replace(/^\$\{(.*)\}$/s, "$1").trim() : "";
    let value: Value = text;
    if (type === "number") value = /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : new Undecided(`--var ${name}=${text} is not a number`);
    else if (type === "bool")
      value = text === "true" ? true : text === "false" ? false : new Undecided(`--var ${name}=${text} is not true or false`);
    else if (type !== "" && type !== "string" && type !== "any") {
      // A list, map or object: the value is an HCL expression, as Terraform reads it.
      const parsed = await parseTemplates([`\${${text}}`], `--var ${name}`);
      const e = parsed.get(`\${${text}}`);
      value = e ? new Evaluator().eval(e, EMPTY_SCOPE) : new Undecided(`--var ${name}=${text} is not a valid HCL value`);
    }
    assign(name, value, `--var ${name}`);
  }
  return { vars, warnings };
}

function jsonValue(v: unknown, depth = 0): Value {
  if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (depth > 64) return null;
  if (Array.isArray(v)) return v.map((x) => jsonValue(x, depth + 1));
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, jsonValue(x, depth + 1)]));
}

// ---- the plan's shape ----------------------------------------------------------------------------

/** An expression behind a value known only after apply: the instances it names, or why it is undecided. */
interface HclExpression extends Expression {
  readonly resolved?: readonly string[];
  readonly reason?: string;
}

/** Ties values to instances for the builder, as References does for a plan, from what the configuration says. */
class HclReferences extends References {
  private readonly exprs: Map<string, Map<string, HclExpression>>;
  private readonly byAddress: Map<string, TfInstance>;
  private readonly meta: Map<string, HclInstance>;
  private readonly deps: Map<string, string[]>;

  constructor(
    instances: readonly TfInstance[],
    exprs: Map<string, Map<string, HclExpression>>,
    meta: Map<string, HclInstance>,
    deps: Map<string, string[]>,
  ) {
    super(instances, undefined);
    this.exprs = exprs;
    this.byAddress = new Map(instances.map((i) => [i.address, i]));
    this.meta = meta;
    this.deps = deps;
  }

  override get hasConfiguration(): boolean {
    return true;
  }

  override configOf(inst: TfInstance) {
    const refs = this.deps.get(inst.address) ?? [];
    const subnet = this.exprs.get(inst.address)?.get(JSON.stringify(["subnet_id"]));
    return {
      address: inst.configAddress,
      expressions: {
        references: { references: refs },
        ...(subnet ? { subnet_id: subnet } : {}),
      },
      depends_on: this.meta.get(inst.address)?.dependsOn ?? [],
    };
  }

  override expressionAt(inst: TfInstance, path: Path): Expression | undefined | Unknown {
    const e = this.exprs.get(inst.address)?.get(JSON.stringify(path));
    // Undecided: the reason names the expression (the builder passes an Unknown on as it is).
    return e?.reason !== undefined ? unknown(e.reason) : e;
  }

  override resolve(_from: TfInstance, expr: Expression, _list: boolean, what: string): TfInstance[] | Unknown {
    const e = expr as HclExpression;
    if (e.reason !== undefined) return unknown(e.reason);
    const out: TfInstance[] = [];
    for (const a of e.resolved ?? []) {
      const inst = this.byAddress.get(a);
      if (!inst) return unknown(`${what} refers to ${a}, which is not a resource the configuration creates`);
      out.push(inst);
    }
    return out;
  }

  override moduleSource(inst: TfInstance): string | undefined {
    return this.meta.get(inst.address)?.moduleSource;
  }

  override locate(inst: TfInstance): { file: string; line?: number } | undefined {
    const m = this.meta.get(inst.address);
    return m ? { file: m.file, ...(m.line !== undefined ? { line: m.line } : {}) } : undefined;
  }
}

/** A module-relative reference (`aws_subnet.a[0]`) for an instance address seen from a module (undefined when in another module). */
function relativeTo(module: string, address: string): string | undefined {
  if (module === "") return address.startsWith("module.") ? undefined : address;
  if (!address.startsWith(`${module}.`)) return undefined;
  const rest = address.slice(module.length + 1);
  return rest.startsWith("module.") ? undefined : rest;
}

/** An evaluated body -> plan values: what is known as is; the rest Pending, with the expression behind it. */
function toPlanValues(
  inst: HclInstance,
  body: Record<string, Value>,
): { values: TfObject; exprs: Map<string, HclExpression>; deps: Set<string> } {
  const exprs = new Map<string, HclExpression>();
  const deps = new Set<string>();
  const pending = (path: Path, e: HclExpression): Pending => {
    exprs.set(JSON.stringify(path), e);
    for (const a of e.resolved ?? []) {
      const rel = relativeTo(inst.module, a);
      if (rel !== undefined) deps.add(rel);
    }
    return new Pending(inst.address);
  };
  const convert = (v: Value, path: Path, depth: number): TfValue => {
    if (v === null || typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
    if (depth > 64) return pending(path, { reason: `${inst.address}: a value nested too deep` });
    if (v instanceof Computed) return pending(path, { resolved: [v.address], references: [`${v.address}.${v.attr}`] });
    if (v instanceof Undecided) return pending(path, { reason: v.reason, ...(v.refs ? { references: [...v.refs] } : {}) });
    if (v instanceof LazyObject) return pending(path, { reason: `${v.lazy.what} is used as a whole` });
    if (Array.isArray(v)) {
      if (v.every((x) => isMap(x))) return v.map((x, i) => convert(x, [...path, i], depth + 1));
      if (v.every((x) => x === null || typeof x !== "object")) return v as TfValue[];
      if (v.every((x) => x instanceof Computed)) {
        return pending(path, {
          resolved: (v as Computed[]).map((c) => c.address),
          references: (v as Computed[]).map((c) => `${c.address}.${c.attr}`),
        });
      }
      const bad = v.find((x) => x instanceof Undecided);
      if (bad instanceof Undecided) return pending(path, { reason: bad.reason });
      return pending(path, { reason: `${describePath(inst, path)} mixes values given as text with values known only after apply` });
    }
    const out: TfObject = {};
    for (const [k, x] of Object.entries(v)) out[k] = convert(x, [...path, k], depth + 1);
    return out;
  };
  const values: TfObject = {};
  for (const [k, v] of Object.entries(body)) values[k] = convert(v, [k], 0);
  // References inside values known now (a policy's jsonencode) still order creation.
  return { values, exprs, deps };
}

function describePath(inst: HclInstance, path: Path): string {
  return `${inst.address}${path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("")}`;
}

// ---- entry ---------------------------------------------------------------------------------------

/**
 * Loads Terraform configuration: a folder (its `.tf` files, the modules they call) or one `.tf` file alone. Throws
 * LoadError (file and line) when a file is not valid HCL, too large, or a module leaves the repository.
 */
export async function loadTerraformConfig(path: string, shown: string, options: TerraformConfigOptions = {}): Promise<Model> {
  const single = path.endsWith(".tf") && !statOrThrow(path, shown).isDirectory();
  const dir = single ? dirname(resolve(path)) : path;
  const shownDir = single ? dirname(shown) : shown;
  const b = boundaryOf(dir, shownDir);
  const rootFiles = single ? [readOne(b, path, shown)] : readTfFiles(b, b.dir);
  if (rootFiles.length === 0) throw new LoadError("LOAD_NOT_A_TEMPLATE", "holds no .tf files", { file: shown });
  const installed = installedModules(b);
  const { defs, strings } = await readModules(b, installed, rootFiles);
  const templates = await parseTemplates(strings, shown);
  const rootDef = defs.get(b.dir) as ModuleDef;
  if (single) rootDef.label = shown;
  const reader0 = new Evaluator();
  const { vars, warnings } = await rootVariables(b, rootDef, options, (v) => {
    if (typeof v === "string" && templates.has(v)) return reader0.eval(templates.get(v) as Expr, EMPTY_SCOPE);
    return jsonValue(v);
  });
  const reader = new ConfigReader(b, templates, installed, defs, vars);
  const reading = reader.read(rootDef);

  const tfInstances: TfInstance[] = [];
  const exprs = new Map<string, Map<string, HclExpression>>();
  const meta = new Map<string, HclInstance>();
  const deps = new Map<string, string[]>();
  for (const inst of reading.instances) {
    const converted = toPlanValues(inst, inst.values());
    exprs.set(inst.address, converted.exprs);
    meta.set(inst.address, inst);
    deps.set(inst.address, [...converted.deps]);
    tfInstances.push({
      address: inst.address,
      module: inst.module,
      modulePath: inst.modulePath,
      mode: "managed",
      type: inst.type,
      name: inst.name,
      index: inst.index,
      configAddress: inst.configAddress,
      values: converted.values,
      actions: ["create"],
    });
  }
  const refs = new HclReferences(tfInstances, exprs, meta, deps);
  const providerRegion =
    typeof reading.providerRegion === "string" && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(reading.providerRegion) ? reading.providerRegion : null;
  const region = options.region ?? providerRegion ?? DEFAULT_REGION;
  const built = new TerraformBuilder(shown, refs, region).build(tfInstances);
  const diagnostics: Diagnostic[] = [
    ...warnings,
    ...reading.warnings.map((w) => ({
      code: w.code,
      severity: "warning" as const,
      message: w.message,
      location: {
        file: w.file,
        ...(w.line !== undefined ? { line: w.line } : {}),
        ...(w.address !== undefined ? { address: w.address } : {}),
      },
      ...(w.address !== undefined ? { resource: w.address } : {}),
    })),
    ...built.diagnostics,
  ];
  if (options.params && Object.keys(options.params).length > 0) {
    diagnostics.unshift({
      code: "LOAD_PARAM_IGNORED",
      severity: "warning",
      message: "--param applies to CloudFormation parameters; give a Terraform variable's value with --var NAME=VALUE",
      location: { file: shown },
    });
  }
  return new Model({
    files: [shown],
    region,
    entities: built.entities,
    diagnostics,
    dependencies: built.dependencies,
    undecided: reading.undecided.map((u) => ({
      reason: u.reason,
      location: {
        file: u.file,
        ...(u.line !== undefined ? { line: u.line } : {}),
        ...(u.address !== undefined ? { address: u.address } : {}),
      },
    })),
  });
}

function statOrThrow(path: string, shown: string) {
  try {
    return statSync(path);
  } catch {
    throw new LoadError("LOAD_NOT_FOUND", "no such file", { file: shown });
  }
}
