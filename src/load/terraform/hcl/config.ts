// A Terraform configuration (.tf files) -> the resource instances a plan would hold, with the values
// that are static: what the plan path (plan.ts) reads from `terraform show -json`, built here from
// the configuration itself, so that one builder (build.ts) makes the model of both. Module calls are
// followed into their folders; `count` and `for_each` are expanded over known values; a value known
// only after apply (an id) stays a reference to the instance it comes from; anything else that cannot
// be decided is Undecided, naming the expression.
import type { DiagnosticCode } from "../../../aws/codes.ts";
import type { Expr, Step } from "./ast.ts";
import type { Scope, Value } from "./eval.ts";
import { Computed, Evaluator, isMap, LazyObject, shallow, Undecided } from "./eval.ts";
import type { Boundary, TfFile } from "./files.ts";
import { MAX_MODULE_DEPTH, resolveModule } from "./files.ts";
import { LoadError } from "../../errors.ts";

/** The raw JSON hcl2json gives for a file: blocks as arrays of objects, expressions as template strings. */
export type Raw = unknown;

export interface Parsed {
  readonly file: TfFile;
  readonly json: Record<string, unknown>;
}

/** The parse trees of every template string met, and a way to parse more (see index.ts). */
export interface Templates {
  get(text: string): Expr | undefined;
}

interface Decl {
  readonly mode: "managed" | "data";
  readonly type: string;
  readonly name: string;
  readonly body: Record<string, unknown>;
  readonly file: string;
  readonly line: number | undefined;
}

export interface ModuleDef {
  readonly dir: string;
  readonly shown: string;
  /** Where its declarations are, for messages: the folder, or the one file given. */
  label: string;
  readonly variables: Map<string, { body: Record<string, unknown>; file: string }>;
  readonly locals: Map<string, { raw: Raw; file: string }>;
  readonly resources: Map<string, Decl>;
  readonly data: Map<string, Decl>;
  readonly calls: Map<string, { body: Record<string, unknown>; file: string; line: number | undefined }>;
  readonly outputs: Map<string, Raw>;
  readonly providers: Record<string, unknown>[];
}

export interface HclInstance {
  readonly address: string;
  readonly module: string;
  readonly modulePath: readonly string[];
  readonly type: string;
  readonly name: string;
  readonly index: number | string | undefined;
  readonly configAddress: string;
  readonly file: string;
  readonly line: number | undefined;
  readonly moduleSource: string | undefined;
  /** The evaluated body (attributes and blocks). */
  values(): Record<string, Value>;
  /** depends_on, as written. */
  readonly dependsOn: readonly string[];
}

export interface ConfigReading {
  readonly instances: HclInstance[];
  readonly undecided: { reason: string; address?: string; file: string; line?: number }[];
  readonly warnings: { code: DiagnosticCode; message: string; file: string; line?: number; address?: string }[];
  readonly providerRegion: Value;
}

const META = new Set(["count", "for_each", "depends_on", "lifecycle", "provider", "provisioner", "connection", "dynamic"]);
const MAX_INSTANCES = 10_000;

/** Types whose instances change other resources, and the attributes left unknown when their number is not known. */
const MAY_NOT_EXIST: Record<string, readonly string[]> = {
  aws_route_table_association: ["subnet_id"],
  aws_route: [
    "gateway_id",
    "nat_gateway_id",
    "egress_only_gateway_id",
    "network_interface_id",
    "vpc_endpoint_id",
    "vpc_peering_connection_id",
    "transit_gateway_id",
    "carrier_gateway_id",
    "local_gateway_id",
    "core_network_arn",
  ],
};
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const keyText = (k: number | string) => (typeof k === "number" ? `[${k}]` : `[${JSON.stringify(k)}]`);

/** Resource types whose instances the network model is built from: when their number is unknown, so is every road. */
const NETWORK_TYPE =
  /^aws_(vpc\w*|subnet|route\w*|main_route_table_association|internet_gateway\w*|egress_only_internet_gateway|nat_gateway|eip\w*|security_group\w*|vpc_security_group_\w+|network_acl\w*|default_\w+|instance|network_interface\w*|lambda_function|lambda_capacity_provider|ec2_\w+|vpn_\w+)$/;

/** Finds the line of each block header (`resource "aws_vpc" "main" {`), which hcl2json does not report. */
function blockLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  const re = /^[ \t]*(resource|data|module|variable|output)[ \t]+"?([\w-]+)"?(?:[ \t]+"?([\w-]+)"?)?[ \t]*\{/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const key = m[3] !== undefined ? `${m[1]} ${m[2]}.${m[3]}` : `${m[1]} ${m[2]}`;
    if (!out.has(key)) out.set(key, text.slice(0, m.index).split("\n").length);
  }
  return out;
}

export function moduleDefOf(dir: string, shown: string, parsed: readonly Parsed[]): ModuleDef {
  const def: ModuleDef = {
    dir,
    shown,
    label: shown,
    variables: new Map(),
    locals: new Map(),
    resources: new Map(),
    data: new Map(),
    calls: new Map(),
    outputs: new Map(),
    providers: [],
  };
  for (const { file, json } of parsed) {
    const lines = blockLines(file.text);
    const at = (key: string) => ({ file: file.shown, line: lines.get(key) });
    for (const [mode, section] of [
      ["managed", json.resource],
      ["data", json.data],
    ] as const) {
      if (!isObj(section)) continue;
      for (const [type, byName] of Object.entries(section)) {
        if (!isObj(byName)) continue;
        for (const [name, bodies] of Object.entries(byName)) {
          const body = Array.isArray(bodies) ? bodies[0] : undefined;
          if (!isObj(body)) continue;
          const map = mode === "managed" ? def.resources : def.data;
          const key = `${type}.${name}`;
          const where = at(`${mode === "managed" ? "resource" : "data"} ${key}`);
          if (map.has(key)) {
            throw new LoadError(
              "LOAD_TERRAFORM_DUPLICATE",
              `declares ${mode === "data" ? "data." : ""}${key} twice (Terraform rejects it)`,
              where,
            );
          }
          map.set(key, { mode, type, name, body, file: file.shown, line: where.line });
        }
      }
    }
    for (const [name, bodies] of Object.entries(isObj(json.variable) ? json.variable : {})) {
      const body = Array.isArray(bodies) ? bodies[0] : undefined;
      def.variables.set(name, { body: isObj(body) ? body : {}, file: file.shown });
    }
    for (const block of Array.isArray(json.locals) ? json.locals : []) {
      if (!isObj(block)) continue;
      for (const [name, raw] of Object.entries(block)) def.locals.set(name, { raw, file: file.shown });
    }
    for (const [name, bodies] of Object.entries(isObj(json.module) ? json.module : {})) {
      const body = Array.isArray(bodies) ? bodies[0] : undefined;
      if (isObj(body)) def.calls.set(name, { body, file: file.shown, line: at(`module ${name}`).line });
    }
    for (const [name, bodies] of Object.entries(isObj(json.output) ? json.output : {})) {
      const body = Array.isArray(bodies) ? bodies[0] : undefined;
      if (isObj(body)) def.outputs.set(name, body.value);
    }
    const aws = isObj(json.provider) ? json.provider.aws : undefined;
    for (const p of Array.isArray(aws) ? aws : []) if (isObj(p)) def.providers.push(p);
  }
  return def;
}

interface ModuleInst {
  readonly address: string;
  readonly path: readonly string[];
  readonly def: ModuleDef | undefined;
  /** Why the module's configuration is not read (a registry module not installed). */
  readonly missing?: string;
  readonly source: string | undefined;
  readonly parent: ModuleInst | undefined;
  readonly callScope: Scope | undefined;
  readonly callBody: Record<string, unknown> | undefined;
  readonly key: number | string | undefined;
  readonly scope: Scope;
}

export class ConfigReader {
  private readonly ev = new Evaluator();
  private readonly templates: Templates;
  private readonly boundary: Boundary;
  private readonly installed: ReadonlyMap<string, { dir: string; source: string }>;
  private readonly rootVars: Record<string, Value>;
  private readonly memo = new Map<string, Value>();
  private readonly busy = new Set<string>();
  private readonly defs: ReadonlyMap<string, ModuleDef>;
  readonly reading: ConfigReading = { instances: [], undecided: [], warnings: [], providerRegion: null };

  constructor(
    boundary: Boundary,
    templates: Templates,
    installed: ReadonlyMap<string, { dir: string; source: string }>,
    defs: ReadonlyMap<string, ModuleDef>,
    rootVars: Record<string, Value>,
  ) {
    this.boundary = boundary;
    this.templates = templates;
    this.installed = installed;
    this.defs = defs;
    this.rootVars = rootVars;
  }

  /** Evaluates a raw hcl2json value in a scope. */
  raw(v: Raw, scope: Scope, depth = 0): Value {
    if (typeof v === "string") {
      if (!/[$%]\{/.test(v)) return v;
      const e = this.templates.get(v);
      return e ? this.ev.eval(e, scope) : new Undecided(`${v} could not be parsed`);
    }
    if (v === null || typeof v === "number" || typeof v === "boolean") return v;
    if (depth > 64) return new Undecided("a value nested too deep");
    if (Array.isArray(v)) return v.map((x) => this.raw(x, scope, depth + 1));
    if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, this.raw(x, scope, depth + 1)]));
    return null;
  }

  private once(key: string, what: string, f: () => Value): Value {
    const known = this.memo.get(key);
    if (known !== undefined) return known;
    if (this.busy.has(key)) return new Undecided(`${what} refers to itself (a cycle)`);
    this.busy.add(key);
    try {
      const v = f();
      this.memo.set(key, v);
      return v;
    } finally {
      this.busy.delete(key);
    }
  }

  // ---- module instances ----------------------------------------------------------------------

  read(rootDef: ModuleDef): ConfigReading {
    const root = this.moduleInst("", [], rootDef, undefined, undefined, undefined, undefined, undefined);
    const region = rootDef.providers.find((p) => p.alias === undefined)?.region;
    (this.reading as { providerRegion: Value }).providerRegion = region === undefined ? null : this.raw(region, root.scope);
    this.walk(root, 0);
    return this.reading;
  }

  private moduleInst(
    address: string,
    path: readonly string[],
    def: ModuleDef | undefined,
    parent: ModuleInst | undefined,
    callScope: Scope | undefined,
    callBody: Record<string, unknown> | undefined,
    key: number | string | undefined,
    source: string | undefined,
    missing?: string,
  ): ModuleInst {
    const m: ModuleInst = {
      address,
      path,
      def,
      parent,
      callScope,
      callBody,
      key,
      source,
      ...(missing !== undefined ? { missing } : {}),
      scope: undefined as unknown as Scope,
    };
    (m as { scope: Scope }).scope = this.scopeOf(m, {});
    return m;
  }

  private walk(m: ModuleInst, depth: number): void {
    const def = m.def;
    if (!def) return;
    for (const decl of def.resources.values()) this.expandResource(m, decl);
    for (const name of def.calls.keys()) {
      const insts = this.moduleCall(m, name, depth);
      for (const child of insts) this.walk(child, depth + 1);
    }
  }

  /** The instances of a module call (none when its count or for_each is unknown: then it is undecided). */
  private readonly callMemo = new Map<string, ModuleInst[] | Undecided>();

  private moduleCall(m: ModuleInst, name: string, depth: number): ModuleInst[] {
    const r = this.moduleInstances(m, name, depth);
    return r instanceof Undecided ? [] : r;
  }

  private moduleInstances(m: ModuleInst, name: string, depth = 0): ModuleInst[] | Undecided {
    const memoKey = `${m.address}|module.${name}`;
    const known = this.callMemo.get(memoKey);
    if (known) return known;
    const call = m.def?.calls.get(name);
    if (!call) return new Undecided(`module.${name} is not declared in ${m.def?.label ?? "the configuration"}`);
    const at = { file: call.file, ...(call.line !== undefined ? { line: call.line } : {}) };
    const prefix = `${m.address === "" ? "" : `${m.address}.`}module.${name}`;
    const sourceRaw = call.body.source;
    const source = typeof sourceRaw === "string" ? sourceRaw : undefined;
    const path = [...m.path, name];
    let def: ModuleDef | undefined;
    let missing: string | undefined;
    if (depth >= MAX_MODULE_DEPTH) throw new LoadError("LOAD_TERRAFORM_MODULE", `module calls nest deeper than ${MAX_MODULE_DEPTH}`, at);
    const where =
      source === undefined ? undefined : resolveModule(this.boundary, this.installed, m.def?.dir ?? this.boundary.dir, path, source, at);
    if (source === undefined) missing = `module.${name} has no source`;
    else if (where === undefined) {
      missing = `module ${prefix} (source ${JSON.stringify(source)}) is not read: it is not in .terraform/modules (run terraform init, or give its plan)`;
    } else def = this.defOf(where);
    const expansion = this.expansion(call.body, m.scope, prefix);
    let out: ModuleInst[] | Undecided;
    if (expansion instanceof Undecided) {
      out = expansion;
      this.reading.undecided.push({ reason: expansion.reason, address: prefix, ...at });
    } else {
      out = expansion.map(({ key, vars }) =>
        this.moduleInst(
          `${prefix}${key === undefined ? "" : keyText(key)}`,
          path,
          def,
          m,
          m.scope.with(vars),
          call.body,
          key,
          source,
          missing,
        ),
      );
      if (missing !== undefined) this.moduleNotRead(m, call.body, missing, prefix, at);
    }
    this.callMemo.set(memoKey, out);
    return out;
  }

  /** A module that is not read: a warning; undecided when it is given one of the network's resources, which it may change. */
  private moduleNotRead(
    m: ModuleInst,
    body: Record<string, unknown>,
    missing: string,
    address: string,
    at: { file: string; line?: number },
  ): void {
    this.reading.warnings.push({ code: "LOAD_TERRAFORM_MODULE_NOT_READ", message: missing, address, ...at });
    const given: string[] = [];
    const walk = (v: Value, depth: number): void => {
      if (depth > 32) return;
      if (v instanceof Computed) {
        const type = /(?:^|\.)(aws_[a-z0-9_]+)\.[^.]+$/.exec(v.address.replace(/\[[^\]]*\]$/, ""))?.[1];
        if (type && NETWORK_TYPE.test(type)) given.push(`${v.address}.${v.attr}`);
      } else if (Array.isArray(v)) v.forEach((x) => walk(x, depth + 1));
      else if (isMap(v)) Object.values(v).forEach((x) => walk(x, depth + 1));
    };
    for (const [k, raw] of Object.entries(body)) {
      if (k === "source" || k === "version" || META.has(k) || k === "providers") continue;
      walk(this.raw(raw, m.scope), 0);
    }
    if (given.length > 0) {
      this.reading.undecided.push({
        reason: `${missing}; it is given ${given.slice(0, 3).join(", ")}${given.length > 3 ? ", ..." : ""}, which it may change`,
        address,
        ...at,
      });
    }
  }

  private defOf(dir: string): ModuleDef {
    const def = this.defs.get(dir);
    if (!def) throw new Error(`the module folder ${dir} was not read`);
    return def;
  }

  /** count / for_each of a block: the keys of its instances and the names they bind, or Undecided. */
  private expansion(
    body: Record<string, unknown>,
    scope: Scope,
    what: string,
  ): { key: number | string | undefined; vars: Record<string, Value> }[] | Undecided {
    if (body.count !== undefined && body.for_each !== undefined)
      return new Undecided(`${what} has both count and for_each (Terraform rejects it)`);
    if (body.count !== undefined) {
      const n = shallow(this.raw(body.count, scope));
      if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
        return n instanceof Undecided
          ? new Undecided(`the count of ${what} is not known: ${n.reason}`)
          : n instanceof Computed
            ? new Undecided(`the count of ${what} depends on ${n.address}.${n.attr}, known only after apply`)
            : new Undecided(`the count of ${what} is not a whole number`);
      }
      if (n > MAX_INSTANCES) return new Undecided(`the count of ${what} is ${n}; at most ${MAX_INSTANCES} instances are read`);
      return Array.from({ length: n }, (_x, i) => ({ key: i, vars: { "count.index": i } }));
    }
    if (body.for_each !== undefined) {
      const v = shallow(this.raw(body.for_each, scope));
      const entries: [string, Value][] = Array.isArray(v)
        ? v.every((x) => typeof x === "string")
          ? (v as string[]).map((x) => [x, x])
          : []
        : isMap(v)
          ? Object.entries(v)
          : [];
      if (!Array.isArray(v) && !isMap(v)) {
        return new Undecided(
          `the for_each of ${what} is not known: ${v instanceof Undecided ? v.reason : v instanceof Computed ? `${v.address}.${v.attr} is known only after apply` : "not a map or set of strings"}`,
        );
      }
      if (Array.isArray(v) && entries.length !== v.length)
        return new Undecided(`the for_each of ${what} is a set whose elements are not all known strings`);
      if (entries.length > MAX_INSTANCES)
        return new Undecided(`the for_each of ${what} has ${entries.length} elements; at most ${MAX_INSTANCES} instances are read`);
      return entries
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, value]) => ({ key: k, vars: { "each.key": k, "each.value": value } }));
    }
    return [{ key: undefined, vars: {} }];
  }

  // ---- resources -----------------------------------------------------------------------------

  private readonly resMemo = new Map<string, Value>();

  /** `aws_subnet.p` in a module instance: one object, a list (count) or a map (for_each) of instances. */
  private resourceValue(m: ModuleInst, decl: Decl): Value {
    const prefix = `${m.address === "" ? "" : `${m.address}.`}${decl.mode === "data" ? "data." : ""}${decl.type}.${decl.name}`;
    const known = this.resMemo.get(prefix);
    if (known !== undefined) return known;
    if (decl.mode === "data") {
      const v = new Undecided(`${prefix} is read from AWS when Terraform plans`);
      this.resMemo.set(prefix, v);
      return v;
    }
    const v = this.once(`expand ${prefix}`, prefix, () => {
      const exp = this.expansion(decl.body, m.scope, prefix);
      if (exp instanceof Undecided) return exp;
      const objects = exp.map(
        ({ key, vars }) => new LazyObject(this.instanceLazy(m, decl, `${prefix}${key === undefined ? "" : keyText(key)}`, vars)),
      );
      if (decl.body.count !== undefined) return objects;
      if (decl.body.for_each !== undefined) return Object.fromEntries(exp.map(({ key }, i) => [String(key), objects[i] as Value]));
      return objects[0] as Value;
    });
    this.resMemo.set(prefix, v);
    return v;
  }

  private readonly lazies = new Map<string, { lazy: InstanceLazy }>();

  private instanceLazy(m: ModuleInst, decl: Decl, address: string, vars: Record<string, Value>): InstanceLazy {
    const known = this.lazies.get(address);
    if (known) return known.lazy;
    const lazy = new InstanceLazy(this, m, decl, address, m.scope.with(vars));
    this.lazies.set(address, { lazy });
    return lazy;
  }

  private expandResource(m: ModuleInst, decl: Decl): void {
    const v = this.resourceValue(m, decl);
    const prefix = `${m.address === "" ? "" : `${m.address}.`}${decl.type}.${decl.name}`;
    if (v instanceof Undecided && MAY_NOT_EXIST[decl.type]) this.mayNotExist(m, decl, prefix, v);
    if (v instanceof Undecided) {
      if (NETWORK_TYPE.test(decl.type)) {
        this.reading.undecided.push({
          reason: v.reason,
          address: prefix,
          file: decl.file,
          ...(decl.line !== undefined ? { line: decl.line } : {}),
        });
      } else {
        this.reading.warnings.push({
          code: "LOAD_UNRESOLVED",
          message: v.reason,
          address: prefix,
          file: decl.file,
          ...(decl.line !== undefined ? { line: decl.line } : {}),
        });
      }
      return;
    }
    const objects = v instanceof LazyObject ? [v] : Array.isArray(v) ? v : isMap(v) ? Object.values(v) : [];
    for (const o of objects) {
      if (!(o instanceof LazyObject) || !(o.lazy instanceof InstanceLazy)) continue;
      const lazy = o.lazy;
      const key = lazy.address.endsWith("]") ? /\[("(?:[^"\\]|\\.)*"|\d+)\]$/.exec(lazy.address)?.[1] : undefined;
      this.reading.instances.push({
        address: lazy.address,
        module: m.address,
        modulePath: m.path,
        type: decl.type,
        name: decl.name,
        index: key === undefined ? undefined : key.startsWith('"') ? (JSON.parse(key) as string) : Number(key),
        configAddress: `${decl.type}.${decl.name}`,
        file: decl.file,
        line: decl.line,
        moduleSource: m.source,
        values: () => lazy.body(),
        dependsOn: (Array.isArray(decl.body.depends_on) ? decl.body.depends_on : [])
          .filter((x): x is string => typeof x === "string")
          .map((x) => x.replace(/^\$\{(.*)\}$/s, "$1")),
      });
    }
  }

  /**
   * A route or a route table association whose count or for_each is not known: one instance stands for all it may
   * make, with what it may change left unknown (the subnets it may associate, the target of the route), so that no
   * verdict it could turn is given.
   */
  private mayNotExist(m: ModuleInst, decl: Decl, prefix: string, why: Undecided): void {
    const open = new Undecided(`${why.reason}; ${prefix} may not exist, or be several`);
    const scope = m.scope.with({ "count.index": open, "each.key": open, "each.value": open });
    const unknownKeys = MAY_NOT_EXIST[decl.type] ?? [];
    const values = (): Record<string, Value> => {
      const out: Record<string, Value> = {};
      for (const [k, raw] of Object.entries(decl.body)) {
        if (META.has(k)) continue;
        if (!unknownKeys.includes(k)) {
          out[k] = this.raw(raw, scope);
          continue;
        }
        // The resources its expression names (`aws_subnet.private[count.index].id` -> aws_subnet.private).
        const refs = typeof raw === "string" ? [...raw.matchAll(/\b(aws_[a-z0-9_]+\.[A-Za-z_][\w-]*)/g)].map((x) => x[1] as string) : [];
        out[k] = new Undecided(open.reason, refs);
      }
      return out;
    };
    this.reading.instances.push({
      address: prefix,
      module: m.address,
      modulePath: m.path,
      type: decl.type,
      name: decl.name,
      index: undefined,
      configAddress: `${decl.type}.${decl.name}`,
      file: decl.file,
      line: decl.line,
      moduleSource: m.source,
      values,
      dependsOn: [],
    });
  }

  /** Evaluates an attribute of a resource instance once: what the configuration sets (blocks and dynamic blocks together), else computed. */
  attribute(lazy: InstanceLazy, name: string): Value {
    return this.once(`${lazy.address}.${name}`, `${lazy.address}.${name}`, () => {
      const raw = META.has(name) ? undefined : lazy.decl.body[name];
      const own = raw === undefined ? undefined : this.raw(raw, lazy.scope);
      const dyn = this.dynamicBlocks(lazy, name);
      // A name that is not known still names this instance (`role = aws_iam_role.x.name`): a reference to it.
      if (own instanceof Undecided && name === "name" && dyn === undefined) return new Computed(lazy.address, name);
      if (dyn === undefined) return own ?? new Computed(lazy.address, name);
      if (dyn instanceof Undecided || own === undefined) return dyn;
      return Array.isArray(own) && Array.isArray(dyn) ? [...own, ...dyn] : dyn;
    });
  }

  /** `dynamic "NAME" { for_each = ...; content { ... } }`: the blocks it makes, over known values. */
  dynamicBlocks(lazy: InstanceLazy, name: string, body = lazy.decl.body, scope = lazy.scope, depth = 0): Value | undefined {
    const dyn = isObj(body.dynamic) ? body.dynamic[name] : undefined;
    if (!Array.isArray(dyn) || depth > 16) return undefined;
    const out: Value[] = [];
    for (const d of dyn) {
      if (!isObj(d)) continue;
      const iterator = typeof d.iterator === "string" ? d.iterator.replace(/^\$\{(.*)\}$/s, "$1") : name;
      const coll = shallow(this.raw(d.for_each, scope));
      if (!Array.isArray(coll) && !isMap(coll)) {
        return new Undecided(
          `the dynamic ${name} blocks of ${lazy.address} are not known: ${coll instanceof Undecided ? coll.reason : "its for_each is known only after apply"}`,
        );
      }
      const content = Array.isArray(d.content) && isObj(d.content[0]) ? d.content[0] : {};
      const entries: [Value, Value][] = Array.isArray(coll) ? coll.map((v, i) => [i, v]) : Object.entries(coll);
      for (const [k, v] of entries) {
        const inner = scope.with({ [iterator]: { key: k, value: v } });
        const block: { [k: string]: Value } = {};
        for (const [ck, cv] of Object.entries(content)) if (ck !== "dynamic") block[ck] = this.raw(cv, inner);
        for (const nested of Object.keys(isObj(content.dynamic) ? content.dynamic : {})) {
          const sub = this.dynamicBlocks(lazy, nested, content, inner, depth + 1);
          if (sub !== undefined) block[nested] = sub;
        }
        out.push(block);
      }
    }
    return out;
  }

  // ---- scopes --------------------------------------------------------------------------------

  private scopeOf(m: ModuleInst, vars: Record<string, Value>): Scope {
    const reader = this;
    const scope: Scope = {
      with: (more) => reader.scopeOf(m, { ...vars, ...more }),
      lookup(root: string, steps: readonly Step[], text: string): { value: Value; used: number } {
        const first = steps[0];
        const name = first && "name" in first ? first.name : undefined;
        if (Object.hasOwn(vars, root)) return { value: vars[root] as Value, used: 0 };
        switch (root) {
          case "count":
            if (name === "index" && Object.hasOwn(vars, "count.index")) return { value: vars["count.index"] as Value, used: 1 };
            return { value: new Undecided(`${text} is used outside a block with count`), used: steps.length };
          case "each":
            if ((name === "key" || name === "value") && Object.hasOwn(vars, `each.${name}`))
              return { value: vars[`each.${name}`] as Value, used: 1 };
            return { value: new Undecided(`${text} is used outside a block with for_each`), used: steps.length };
          case "var":
            return { value: name === undefined ? new Undecided(`${text} names no variable`) : reader.variable(m, name), used: 1 };
          case "local":
            return { value: name === undefined ? new Undecided(`${text} names no local value`) : reader.local(m, name), used: 1 };
          case "module":
            return { value: name === undefined ? new Undecided(`${text} names no module`) : reader.moduleValue(m, name), used: 1 };
          case "path":
            if (name === "module") return { value: m.def?.shown ?? ".", used: 1 };
            if (name === "root" || name === "cwd") return { value: reader.boundary.shownDir, used: 1 };
            return { value: new Undecided(`${text} is not known`), used: steps.length };
          case "terraform":
            if (name === "workspace") return { value: "default", used: 1 };
            return { value: new Undecided(`${text} is not known`), used: steps.length };
          case "data": {
            const second = steps[1];
            const dname = second && "name" in second ? second.name : undefined;
            const decl = name && dname ? m.def?.data.get(`${name}.${dname}`) : undefined;
            if (!decl) return { value: new Undecided(`${text}: no such data source is declared`), used: steps.length };
            return { value: reader.resourceValue(m, decl), used: 2 };
          }
          default: {
            const decl = name !== undefined ? m.def?.resources.get(`${root}.${name}`) : undefined;
            if (decl) return { value: reader.resourceValue(m, decl), used: 1 };
            if (m.missing !== undefined) return { value: new Undecided(m.missing), used: steps.length };
            return {
              value: new Undecided(`${text}: ${root}${name ? `.${name}` : ""} is not declared in ${m.def?.label ?? "the configuration"}`),
              used: steps.length,
            };
          }
        }
      },
    };
    return scope;
  }

  private variable(m: ModuleInst, name: string): Value {
    return this.once(`${m.address}|var.${name}`, `var.${name}`, () => {
      const decl = m.def?.variables.get(name);
      if (m.parent === undefined) {
        if (Object.hasOwn(this.rootVars, name)) return this.rootVars[name] as Value;
      } else if (m.callBody && Object.hasOwn(m.callBody, name) && m.callScope) {
        return this.raw(m.callBody[name], m.callScope);
      }
      if (!decl) {
        const where = m.def?.label ?? "the configuration";
        this.reading.warnings.push({
          code: "LOAD_TERRAFORM_UNDECLARED",
          message: `var.${name} is used but not declared in ${where} (Terraform rejects it; give the whole folder if it is declared in another file)`,
          file: m.def?.label ?? this.boundary.shownDir,
          ...(m.address !== "" ? { address: m.address } : {}),
        });
        return new Undecided(`var.${name} is not declared in ${where}`);
      }
      if (Object.hasOwn(decl.body, "default")) return this.raw(decl.body.default, m.scope);
      return new Undecided(
        m.parent === undefined
          ? `var.${name} has no default and no value is given (--var ${name}=VALUE, --var-file, terraform.tfvars)`
          : `var.${name} of ${m.address} has no default and the module call gives it no value`,
      );
    });
  }

  private local(m: ModuleInst, name: string): Value {
    return this.once(`${m.address}|local.${name}`, `local.${name}`, () => {
      const l = m.def?.locals.get(name);
      if (!l) return new Undecided(`local.${name} is not declared in ${m.def?.label ?? "the configuration"}`);
      return this.raw(l.raw, m.scope);
    });
  }

  private moduleValue(m: ModuleInst, name: string): Value {
    return this.once(`${m.address}|module.${name}`, `module.${name}`, () => {
      const insts = this.moduleInstances(m, name);
      if (insts instanceof Undecided) return insts;
      const objects = insts.map((mi) => new LazyObject(new ModuleLazy(this, mi)));
      const call = m.def?.calls.get(name)?.body;
      if (call?.count !== undefined) return objects;
      if (call?.for_each !== undefined) return Object.fromEntries(insts.map((mi, i) => [String(mi.key), objects[i] as Value]));
      return objects[0] ?? new Undecided(`module.${name} has no instance`);
    });
  }

  output(mi: ModuleInst, name: string): Value {
    return this.once(`${mi.address}|output.${name}`, `${mi.address}.${name}`, () => {
      if (mi.missing !== undefined) return new Undecided(mi.missing);
      if (!mi.def?.outputs.has(name)) return new Undecided(`${mi.address} has no output ${name}`);
      return this.raw(mi.def.outputs.get(name), mi.scope);
    });
  }

  outputNames(mi: ModuleInst): string[] {
    return [...(mi.def?.outputs.keys() ?? [])];
  }
}

export class InstanceLazy {
  readonly reader: ConfigReader;
  readonly module: ModuleInst;
  readonly decl: Decl;
  readonly address: string;
  readonly scope: Scope;
  readonly what: string;
  private cached: Record<string, Value> | undefined;

  constructor(reader: ConfigReader, module: ModuleInst, decl: Decl, address: string, scope: Scope) {
    this.reader = reader;
    this.module = module;
    this.decl = decl;
    this.address = address;
    this.scope = scope;
    this.what = address;
  }

  get(name: string): Value {
    return this.reader.attribute(this, name);
  }

  /** Every attribute and block the configuration sets, evaluated (dynamic blocks expanded). */
  body(): Record<string, Value> {
    if (this.cached) return this.cached;
    const keys = new Set(Object.keys(this.decl.body).filter((k) => !META.has(k)));
    for (const k of Object.keys(isObj(this.decl.body.dynamic) ? this.decl.body.dynamic : {})) keys.add(k);
    const out: Record<string, Value> = {};
    for (const k of keys) out[k] = this.get(k);
    this.cached = out;
    return out;
  }

  whole(): Value {
    return new Undecided(`${this.address} is used as a whole`);
  }
}

class ModuleLazy {
  readonly reader: ConfigReader;
  readonly mi: ModuleInst;
  readonly what: string;
  constructor(reader: ConfigReader, mi: ModuleInst) {
    this.reader = reader;
    this.mi = mi;
    this.what = mi.address;
  }
  get(name: string): Value {
    return this.reader.output(this.mi, name);
  }
  whole(): Value {
    return Object.fromEntries(this.reader.outputNames(this.mi).map((n) => [n, this.get(n)]));
  }
}
