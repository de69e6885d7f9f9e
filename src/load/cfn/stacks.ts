// Templates loaded together (`check vpc.yaml app.yaml`): each template's `Fn::ImportValue` reads the
// `Outputs` the others export (`Export: Name:`), evaluated by the exporting template's own Resolver (its
// parameters, conditions and region), or an export set by hand (`--import NAME=VALUE`). An export whose
// value is a network resource of the exporting template (`!Ref PrivateSubnetA`) links the two: the model
// of the importing template then holds the exporting template's network too, its ids qualified by that
// stack (`vpc/PrivateSubnetA`, see model/qualify.ts), so that its functions get exact verdicts through
// the other stack's subnets, route tables and NAT gateways. What cannot be matched stays unknown, with
// the export's name and the templates searched.
import { basename, extname } from "node:path";
import { Model } from "../../model/model.ts";
import { qualifiedId, qualifierOf, qualifyNetwork, stackOfId } from "../../model/qualify.ts";
import type { Diagnostic, Entity, Location } from "../../model/types.ts";
import { isUnknown, unknown } from "../../model/types.ts";
import { closestName, UNKNOWN_IMPORT_CODE } from "../params.ts";
import type { LoadOptions, PreparedTemplate } from "./index.ts";
import { prepareCloudFormation } from "./index.ts";
import type { Value, Where } from "./intrinsics.ts";
import type { Pos } from "./parse.ts";
import { isPlainObject, isResourceRef } from "./intrinsics.ts";

export const DUPLICATE_EXPORT_CODE = "LOAD_DUPLICATE_EXPORT";

/** A template given to be loaded with others. */
export interface StackInput {
  readonly file: string;
  readonly text: string;
  /** This template's own options (a CDK stack's region and construct paths), over the common ones. */
  readonly options?: LoadOptions;
  /** What qualifies its ids in other stacks' models when no --stack-name names it (a CDK stack's artifact id); default: the file's base name. */
  readonly qualifier?: string;
}

/** One export of a template: its name and (evaluated when first imported) its value. */
interface Exported {
  readonly name: string;
  readonly from: Stack;
  readonly output: string;
  readonly location: () => Location;
  readonly value: () => Value;
}

/** An export whose name the template does not determine (`${AWS::StackName}-SubnetA` without --stack-name). */
interface Unnamed {
  readonly output: string;
  readonly reason: string;
}

interface Stack {
  readonly file: string;
  /** The qualifier of its ids in other stacks' models: its --stack-name, else the file's base name. */
  readonly qualifier: string;
  readonly prepared: PreparedTemplate;
  readonly unnamed: Unnamed[];
  /** The stacks whose network resources this one imports. */
  readonly links: Set<Stack>;
}

/** The file's name without directory and extension (`net/vpc.yaml` -> `vpc`). */
function baseName(file: string): string {
  const b = basename(file);
  return b.slice(0, b.length - extname(b).length) || b;
}

/**
 * Loads CloudFormation/SAM templates together: one model per input, in order. A template that
 * imports network resources of others gets a model that also holds theirs (qualified ids); the
 * others' functions, findings and diagnostics stay in their own models.
 */
export function loadStacks(inputs: readonly StackInput[], options: LoadOptions = {}): Model[] {
  const imports = options.imports ?? {};
  const stacks: Stack[] = [];
  const byQualifier = new Map<string, Stack>();
  const table = new Map<string, Exported[]>();
  const evaluating = new Set<Exported>();

  const translate = (v: Value, e: Exported, into: Stack): Value => {
    if (isResourceRef(v)) {
      const owner = stackOfId(v.$ref);
      if (owner !== undefined) {
        // Already another stack's (an export re-exporting an import).
        const s = byQualifier.get(owner);
        if (s === into) return { ...v, $ref: v.$ref.slice(owner.length + 1) };
        if (s) into.links.add(s);
        return v;
      }
      const type = e.from.prepared.resolver.resources[v.$ref]?.Type;
      if (typeof type === "string" && type.startsWith("AWS::EC2::")) {
        into.links.add(e.from);
        return { ...v, $ref: qualifiedId(e.from.qualifier, v.$ref) };
      }
      return unknown(
        `imported from ${e.from.file} (export ${e.name}): ${v.$ref}${typeof type === "string" ? ` (${type})` : ""} is not a network resource, which is all a model takes from another stack`,
      );
    }
    if (isUnknown(v)) return unknown(`imported from ${e.from.file} (export ${e.name}, Outputs ${e.output}): ${v.reason}`, v.literal);
    if (Array.isArray(v)) return (v as Value[]).map((x) => translate(x, e, into));
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, translate(x, e, into)]));
    return v;
  };

  const importValue =
    (into: Stack) =>
    (name: string, _where: Where): Value => {
      const byHand = imports[name];
      if (byHand !== undefined) return byHand;
      const all = table.get(name) ?? [];
      // An export is imported only in its own region (a CDK assembly's stacks may be in several).
      const region = into.prepared.resolver.options.region;
      const found = all.filter((e) => e.from !== into && e.from.prepared.resolver.options.region === region);
      if (found.length > 1) {
        return unknown(
          `imported from another stack (export ${name}), which ${found.map((e) => e.from.file).join(" and ")} both export; CloudFormation refuses a second export of a name`,
        );
      }
      const hit = found[0];
      if (hit) {
        if (evaluating.has(hit)) return unknown(`imported from ${hit.from.file} (export ${name}), whose value imports itself`);
        evaluating.add(hit);
        try {
          return translate(hit.value(), hit, into);
        } finally {
          evaluating.delete(hit);
        }
      }
      const others = stacks.filter((s) => s !== into);
      const searched =
        others.length === 0
          ? "no other template was given"
          : `none of ${others.map((s) => s.file).join(", ")} exports it${
              all.some((e) => e.from === into)
                ? ", and a stack cannot import its own export"
                : all.length > 0
                  ? ` in ${region} (${all.map((e) => e.from.file).join(", ")} exports it in another region)`
                  : ""
            }`;
      const unnamed = others.flatMap((s) => {
        const byReason = new Map<string, string[]>();
        for (const u of s.unnamed) byReason.set(u.reason, [...(byReason.get(u.reason) ?? []), u.output]);
        return [...byReason].map(([reason, outs]) => `${s.file} exports Outputs ${outs.join(", ")} under names not known (${reason})`);
      });
      return unknown(
        `imported from another stack (export ${name}): ${searched}${unnamed.length > 0 ? `; ${unnamed.slice(0, 3).join("; ")}` : ""}; give the template that exports it too, or --import ${name}=VALUE`,
      );
    };

  for (const input of inputs) {
    const own = { ...options, ...input.options };
    const name = own.stackNames?.[input.file] ?? own.stackName;
    let qualifier = qualifierOf(name ?? input.qualifier ?? baseName(input.file));
    if (byQualifier.has(qualifier)) qualifier = qualifierOf(input.file);
    for (let n = 2; byQualifier.has(qualifier); n++) qualifier = `${qualifierOf(input.file)}~${n}`;
    const stack: Stack = {
      file: input.file,
      qualifier,
      unnamed: [],
      links: new Set(),
      // Assigned just below: the Resolver needs the callback, the callback needs the stack.
      prepared: undefined as unknown as PreparedTemplate,
    };
    const prepared = prepareCloudFormation(
      input.file,
      input.text,
      { ...own, ...(name !== undefined ? { stackName: name } : {}) },
      importValue(stack),
    );
    (stack as { prepared: PreparedTemplate }).prepared = prepared;
    stacks.push(stack);
    byQualifier.set(qualifier, stack);
  }

  for (const s of stacks) for (const e of exportsOf(s)) table.set(e.name, [...(table.get(e.name) ?? []), e]);

  // Diagnostics each template gets besides its own: a second export of a name, unknown --import names.
  const extra = new Map<Stack, Diagnostic[]>();
  const add = (s: Stack, d: Diagnostic) => extra.set(s, [...(extra.get(s) ?? []), d]);
  for (const [name, all] of table) {
    // Per region: CloudFormation refuses a second export of a name in a region (CDK stacks may be in several).
    const regions = new Map<string, Exported[]>();
    for (const e of all) {
      const r = e.from.prepared.resolver.options.region;
      regions.set(r, [...(regions.get(r) ?? []), e]);
    }
    for (const list of regions.values()) {
      const first = list[0] as Exported;
      for (const e of list.slice(1)) {
        add(e.from, {
          code: DUPLICATE_EXPORT_CODE,
          severity: "error",
          message: `export ${name} (Outputs ${e.output}) is also exported by ${first.from.file} (Outputs ${first.output}); CloudFormation refuses a second export of a name in a region`,
          location: e.location(),
          fix: `Give the export a name no other stack uses (e.g. prefix it with \${AWS::StackName}).`,
        });
      }
    }
  }
  const first = stacks[0];
  if (first && Object.keys(imports).length > 0) {
    const imported = new Set(stacks.flatMap(importNames));
    for (const given of Object.keys(imports)) {
      if (imported.has(given)) continue;
      const close = closestName(given, [...imported]);
      const list = imported.size === 0 ? "they import nothing" : `their imports: ${[...imported].join(", ")}`;
      add(first, {
        code: UNKNOWN_IMPORT_CODE,
        severity: "warning",
        message: `--import ${given}: no template given imports ${given}, so it changes nothing (${list})${close !== undefined ? `; did you mean ${close}?` : ""}`,
        location: { file: first.file },
      });
    }
  }

  const own = new Map<Stack, Model>();
  for (const s of stacks) own.set(s, s.prepared.build(extra.get(s) ?? []));
  return stacks.map((s) => combined(s, own, s.links.size > 0 ? foreignChanges(s) : []));
}

/** A resource of one template that changes a network resource of another (a route added to its route table). */
interface ForeignChange {
  /** The qualified id of the resource changed. */
  readonly target: string;
  readonly what: "route-table" | "security-group" | "network-acl" | "subnet-route-table" | "subnet-network-acl";
  readonly reason: string;
}

/** The resource types that change another resource, and the property naming it. */
const CHANGES: Readonly<Record<string, readonly [key: string, what: ForeignChange["what"]]>> = {
  "AWS::EC2::Route": ["RouteTableId", "route-table"],
  "AWS::EC2::SecurityGroupIngress": ["GroupId", "security-group"],
  "AWS::EC2::SecurityGroupEgress": ["GroupId", "security-group"],
  "AWS::EC2::NetworkAclEntry": ["NetworkAclId", "network-acl"],
  "AWS::EC2::SubnetRouteTableAssociation": ["SubnetId", "subnet-route-table"],
  "AWS::EC2::SubnetNetworkAclAssociation": ["SubnetId", "subnet-network-acl"],
};

/**
 * The resources of a template that change another stack's network (a route in its route table, a
 * rule in its security group, an entry in its network ACL, an association of its subnet). The
 * model does not apply them (the loader models a template's own resources), so what they change
 * is made unknown in the importing model: never a verdict the change could turn.
 */
function foreignChanges(stack: Stack): ForeignChange[] {
  const { resolver } = stack.prepared;
  const out: ForeignChange[] = [];
  for (const [id, res] of Object.entries(resolver.resources)) {
    const change = typeof res?.Type === "string" ? CHANGES[res.Type] : undefined;
    if (!change || resolver.resourceCondition(id) === false) continue;
    const props = res.Properties;
    const raw = props && typeof props === "object" ? (props as Record<string, unknown>)[change[0]] : undefined;
    const v = resolver.resolve(raw, resolver.whereResource(id));
    if (!isResourceRef(v) || stackOfId(v.$ref) === undefined) continue;
    out.push({
      target: v.$ref,
      what: change[1],
      reason: `${id} (${String(res.Type)}, ${stack.file}) changes ${v.$ref} of another stack, which is not modelled`,
    });
  }
  return out;
}

/** The entities with the other stacks' resources a template changes made unknown where the change acts. */
function withForeignChanges(entities: readonly Entity[], changes: readonly ForeignChange[]): Entity[] {
  if (changes.length === 0) return [...entities];
  const on = (what: ForeignChange["what"], target: string) => changes.find((c) => c.what === what && c.target === target);
  return entities.map((e): Entity => {
    if (e.kind === "subnet") {
      const rt = on("subnet-route-table", e.id) ?? (typeof e.routeTableId === "string" ? on("route-table", e.routeTableId) : undefined);
      const acl = on("subnet-network-acl", e.id) ?? (typeof e.networkAclId === "string" ? on("network-acl", e.networkAclId) : undefined);
      if (!rt && !acl) return e;
      return {
        ...e,
        ...(rt ? { routeTableId: unknown(rt.reason) } : {}),
        ...(acl ? { networkAclId: unknown(acl.reason) } : {}),
      };
    }
    if (e.kind === "security-group") {
      const c = on("security-group", e.id);
      if (!c) return e;
      const rule = {
        protocol: unknown(c.reason),
        ports: unknown(c.reason),
        peer: { kind: "unknown" as const, reason: c.reason },
        origin: e.origin,
      };
      return { ...e, ingress: [...e.ingress, rule], egress: [...e.egress, rule] };
    }
    return e;
  });
}

/** The template's model, with the network of every stack it imports resources from (directly or through another). */
function combined(home: Stack, own: ReadonlyMap<Stack, Model>, changes: readonly ForeignChange[]): Model {
  const model = own.get(home) as Model;
  const linked: Stack[] = [];
  const todo = [...home.links];
  while (todo.length > 0) {
    const s = todo.pop() as Stack;
    if (s === home || linked.includes(s)) continue;
    linked.push(s);
    todo.push(...s.links);
  }
  if (linked.length === 0) return model;
  const entities = model.kinds().flatMap((k) => [...model.all(k)]);
  for (const s of linked) {
    const m = own.get(s) as Model;
    entities.push(
      ...qualifyNetwork(
        m.kinds().flatMap((k) => [...m.all(k)]),
        s.qualifier,
      ),
    );
  }
  const byQualifier = new Map(linked.map((s) => [s.qualifier, s]));
  return new Model({
    files: [home.file, ...linked.map((s) => s.file)],
    region: model.region,
    entities: withForeignChanges(entities, changes),
    diagnostics: model.diagnostics,
    dependencies: (id) => {
      const q = stackOfId(id);
      const s = q === undefined ? undefined : byQualifier.get(q);
      if (q === undefined || s === undefined) return model.dependencies(id);
      const deps = (own.get(s) as Model).dependencies(id.slice(q.length + 1));
      return new Set([...deps].map((d) => qualifiedId(q, d)));
    },
    // A template AWS rejects, or a transform not expanded, in a stack the road goes through leaves the road undecided.
    undecided: [...model.undecided, ...linked.flatMap((s) => (own.get(s) as Model).undecided)],
  });
}

/** The exports of a template's `Outputs` (`Export: Name:`), names evaluated now, values when imported. */
function exportsOf(stack: Stack): Exported[] {
  const { resolver, outputs } = stack.prepared;
  if (!isPlainObject(outputs as Value)) return [];
  const out: Exported[] = [];
  for (const [key, raw] of Object.entries(outputs as Record<string, unknown>)) {
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) continue;
    const o = raw as { Value?: unknown; Export?: unknown; Condition?: unknown };
    if (!o.Export || typeof o.Export !== "object" || !("Name" in o.Export)) continue;
    // Looked up only when a diagnostic needs it (a JSON template's positions are computed on demand, at a cost).
    let found: Pos | null | undefined;
    const where: Where = {
      get pos() {
        if (found === undefined) found = resolver.positionOf(o.Export)?.keys.get("Name") ?? resolver.positionOf(raw) ?? null;
        return found ?? undefined;
      },
    };
    const name = resolver.resolve((o.Export as { Name: unknown }).Name, where);
    if (typeof name !== "string") {
      stack.unnamed.push({ output: key, reason: isUnknown(name) ? name.reason : "the name is not a string" });
      continue;
    }
    const condition = typeof o.Condition === "string" ? resolver.condition(o.Condition, where) : true;
    if (condition === false) continue;
    out.push({
      name,
      from: stack,
      output: key,
      location: () => {
        const pos = where.pos;
        return { file: stack.file, ...(pos ? { line: pos.line, column: pos.column } : {}) };
      },
      value: isUnknown(condition)
        ? () => unknown(`the export exists only under condition ${String(o.Condition)}: ${condition.reason}`)
        : () => resolver.resolve(o.Value, where),
    });
  }
  return out;
}

/** The export names a template imports, wherever it does (read only when --import is given). */
function importNames(stack: Stack): string[] {
  const { resolver } = stack.prepared;
  const names: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (!v || typeof v !== "object") return;
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && keys[0] === "Fn::ImportValue") {
      const name = resolver.resolve(o["Fn::ImportValue"], {});
      if (typeof name === "string") names.push(name);
      return;
    }
    for (const k of keys) walk(o[k]);
  };
  walk(resolver.resources);
  walk(stack.prepared.outputs);
  return names;
}
