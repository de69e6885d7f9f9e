// CloudFormation resources (after SAM expansion) -> network model entities: the driver of the converters
// (converters/), which it runs phase by phase over the template's resources. Never throws on one bad resource: it
// records a diagnostic and goes on.
import type { DiagnosticCode } from "../../aws/codes.ts";
import { localRoutes } from "../implicit.ts";
import type { Diagnostic, Entity, EntityRef, Origin, Severity, SymbolicString, Unknown } from "../../model/types.ts";
import { isUnknown, unknown } from "../../model/types.ts";
import type { RawResource, Resolver, Value } from "./intrinsics.ts";
import { isPlainObject, isResourceRef } from "./intrinsics.ts";
import type { Pos } from "./parse.ts";
import type { ConverterKit, Draft, Mutable, Props } from "./kit.ts";
import { CONVERSION_ORDER, HANDLED, notModelled } from "./converters/index.ts";
import { VpcResourceReader } from "./converters/resources.ts";
import { Symbols } from "./converters/symbolic.ts";
import type { Problem } from "./validate.ts";
import { checkModel, checkProperties } from "./validate.ts";

export { HANDLED } from "./converters/index.ts";
export { defaultIdsOf, implicitIds } from "./converters/network.ts";

export interface BuildOutput {
  readonly entities: Entity[];
  readonly diagnostics: Diagnostic[];
}

/** Runs the converters; it is itself the ConverterKit they are given (no wrapper between a converter and its helpers). */
export class ModelBuilder implements ConverterKit {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly props = new Map<string, Props>();
  /** Source and condition of the resources that are SAM or conditional; the others are plain CloudFormation. */
  private readonly origins = new Map<string, Origin>();
  private readonly types = new Map<string, string>();

  readonly resolver: Resolver;
  readonly resources: Readonly<Record<string, RawResource>>;
  private readonly samGenerated: ReadonlyMap<string, string>;

  private readonly constructPaths: Readonly<Record<string, string>>;

  /** The model under construction, which the converters fill in. */
  readonly draft: Draft;
  private readonly symbols: Symbols;

  constructor(
    resolver: Resolver,
    resources: Readonly<Record<string, RawResource>>,
    samGenerated: ReadonlyMap<string, string>,
    constructPaths: Readonly<Record<string, string>> = {},
  ) {
    this.resolver = resolver;
    this.resources = resources;
    this.samGenerated = samGenerated;
    this.constructPaths = constructPaths;
    this.symbols = new Symbols(resolver, (id) => this.props.get(id));
    this.draft = {
      vpcs: new Map(),
      subnets: new Map(),
      routeTables: new Map(),
      igws: new Map(),
      nats: new Map(),
      sgs: new Map(),
      nacls: new Map(),
      enis: new Map(),
      roles: new Map(),
      others: [],
      dhcpAssociations: [],
      instanceEips: new Map(),
      eniEips: new Map(),
      vpcResources: new VpcResourceReader(this),
    };
  }

  // ---- the ConverterKit (kit.ts): what the converters call ---------------------------------------

  typeOf(id: string): string | undefined {
    return this.types.get(id);
  }

  propsOf(id: string): Props | undefined {
    return this.props.get(id);
  }

  samOwner(id: string): string | undefined {
    return this.samGenerated.get(id);
  }

  symbolic(from: string, v: unknown): SymbolicString {
    return this.symbols.of(from, v);
  }

  symbolicRef(from: string, name: string): SymbolicString {
    return this.symbols.ref(from, name);
  }

  symbolicAttr(id: string, attr: string): SymbolicString {
    return this.symbols.attr(id, attr);
  }

  /**
   * The CDK construct path of a resource: its `Metadata: { "aws:cdk:path": ... }`, else what the
   * cloud assembly's manifest maps its logical id to. Resources SAM generates take their owner's.
   */
  private constructPath(id: string): string | undefined {
    // A few lookups, no cache: a cache of every resource's answer cost more than the lookups on large templates.
    const owner = this.samGenerated.get(id) ?? id;
    const meta = this.resources[owner]?.Metadata;
    const fromMeta = meta !== undefined && isPlainObject(meta) ? meta["aws:cdk:path"] : undefined;
    if (typeof fromMeta === "string" && fromMeta !== "") return fromMeta;
    return Object.hasOwn(this.constructPaths, owner) ? this.constructPaths[owner] : undefined;
  }

  report(code: DiagnosticCode, severity: Severity, message: string, id: string, key?: string, fix?: string): void {
    this.diagnostics.push(this.diagnostic(code, severity, message, id, key, fix));
  }

  private diagnostic(
    code: DiagnosticCode,
    severity: Severity,
    message: string,
    id: string,
    key?: string,
    fix?: string,
    at?: Pos,
  ): Diagnostic {
    const pos = at ?? this.keyPos(id, key);
    const constructPath = this.constructPath(id);
    return {
      code,
      severity,
      message,
      location: { file: this.resolver.parsed.file, line: pos?.line, column: pos?.column, ...(constructPath ? { constructPath } : {}) },
      resource: id,
      ...(fix ? { fix } : {}),
    };
  }

  /** Error diagnostics for problems that make AWS reject the template (validate.ts), at the value, key or resource they name. */
  diagnose(problems: readonly Problem[]): Diagnostic[] {
    return problems.map((p) => {
      const o = p.origin;
      const found = p.at ? this.resolver.positionOf(p.at) : undefined;
      const at = o?.line !== undefined ? { line: o.line, column: o.column ?? 1 } : (found?.keys.get("Fn::GetAtt") ?? found);
      return this.diagnostic(p.code, "error", p.message, p.resource, p.key, p.fix, at);
    });
  }

  private keyPos(id: string, key?: string): Pos | undefined {
    const owner = this.samGenerated.get(id) ?? id;
    const positions = this.resolver.parsed.positions;
    const keyPos = key ? positions.properties(owner)?.keys.get(key) : undefined;
    return keyPos ?? positions.resource(owner);
  }

  origin(id: string, key?: string, extra?: Partial<Origin>): Origin {
    const base = this.origins.get(id);
    const pos = this.keyPos(id, key);
    const constructPath = this.constructPath(id);
    // Built key by key (the keys in this order), not from spreads of small objects: every entity of a template has one.
    const o: { -readonly [K in keyof Origin]: Origin[K] } = {
      source: base?.source ?? "cloudformation",
      file: this.resolver.parsed.file,
      line: pos?.line,
      column: pos?.column,
    };
    if (constructPath) o.constructPath = constructPath;
    o.logicalId = id;
    if (key) o.path = `Properties.${key}`;
    if (base?.conditionUnknown) o.conditionUnknown = base.conditionUnknown;
    return extra ? Object.assign(o, extra) : o;
  }
  build(): BuildOutput {
    // Pass 1: resolve properties of every created resource.
    for (const id in this.resources) {
      const res = this.resources[id];
      if (!res || typeof res !== "object" || typeof res.Type !== "string") {
        this.report("LOAD_INVALID_RESOURCE", "error", `resource ${id} has no Type`, id);
        continue;
      }
      const exists = this.resolver.resourceCondition(id);
      if (exists === false) continue;
      const type = res.Type;
      const isSam = (res as { SamType?: string }).SamType !== undefined || this.samGenerated.has(id);
      // Only what differs from a plain CloudFormation resource is kept (see origin()).
      if (isSam || isUnknown(exists)) {
        this.origins.set(id, {
          source: isSam ? "sam" : "cloudformation",
          file: this.resolver.parsed.file,
          logicalId: id,
          ...(isUnknown(exists) ? { conditionUnknown: `condition ${String(res.Condition)}: ${exists.reason}` } : {}),
        });
      }
      if (!HANDLED.has(type)) {
        if (notModelled(type)) {
          this.report(
            "LOAD_UNSUPPORTED_RESOURCE",
            "info",
            `${type} is not part of the network model yet; verdicts do not account for ${id}`,
            id,
          );
          if (type === "AWS::EC2::VPCDHCPOptionsAssociation") this.draft.dhcpAssociations.push(id);
        }
        continue;
      }
      this.types.set(id, type);
      const resolved = this.resolver.resolve(res.Properties ?? {}, this.resolver.whereResource(id, this.samGenerated.get(id) ?? id));
      const props = isPlainObject(resolved) ? resolved : {};
      this.props.set(id, props);
      this.diagnostics.push(...this.diagnose(checkProperties(id, type, props)));
    }
    // Pass 2: the converters, phase by phase (converters/index.ts): primary entities, then what attaches to them.
    const byType = new Map<string, string[]>();
    for (const [id, t] of this.types) {
      const list = byType.get(t);
      if (list) list.push(id);
      else byType.set(t, [id]);
    }
    for (const converter of CONVERSION_ORDER) {
      for (const id of byType.get(converter.type) ?? []) {
        try {
          converter.convert(this, id, this.props.get(id) ?? {});
        } catch (e) {
          this.report("LOAD_INTERNAL", "error", `could not model ${id}: ${(e as Error).message}`, id);
        }
      }
    }
    this.finish();
    const d = this.draft;
    const entities: Entity[] = [
      ...d.vpcResources.finish(),
      ...d.vpcs.values(),
      ...d.subnets.values(),
      ...d.routeTables.values(),
      ...d.igws.values(),
      ...d.nats.values(),
      ...d.sgs.values(),
      ...d.nacls.values(),
      ...d.enis.values(),
      ...d.roles.values(),
      ...d.others,
    ];
    this.diagnostics.push(...this.diagnose(checkModel(entities)));
    return { entities, diagnostics: [...this.resolver.diagnostics, ...this.diagnostics] };
  }

  /** A reference to another resource (Ref / GetAtt / literal id). */
  ref(v: Value | undefined, what: string): EntityRef | null {
    if (v === undefined || v === null) return null;
    if (isResourceRef(v)) return v.$attr && !/^(GroupId|Id|AllocationId|Arn)$/.test(v.$attr) ? `${v.$ref}.${v.$attr}` : v.$ref;
    if (isUnknown(v)) return v;
    if (typeof v === "string") return unknown(`${what} ${v} is not defined in this template`, v);
    return unknown(`${what} is not a reference`);
  }

  refList(v: Value | undefined, what: string): EntityRef[] | Unknown {
    if (v === undefined || v === null) return [];
    if (isUnknown(v)) return v;
    if (!Array.isArray(v)) return [this.ref(v, what) ?? unknown(`${what} is empty`)];
    return (v as Value[]).map((x) => this.ref(x, what) ?? unknown(`${what} is empty`));
  }

  /** The raw (unresolved) properties of a resource, after SAM expansion. */
  rawProps(id: string): Record<string, unknown> {
    const p = this.resources[id]?.Properties;
    return p && typeof p === "object" && !Array.isArray(p) ? (p as Record<string, unknown>) : {};
  }

  /**
   * Implicit facts that need every resource in place: the DHCP options of VPCs, the local route of each route
   * table, the VPC of zonal NAT gateways (their subnet's), and auto-assigned public IPs of instances in subnets
   * that map one on launch.
   */
  private finish(): void {
    const d = this.draft;
    // DHCP options name their VPC; one whose VpcId is not a VPC of the template may be any of them.
    for (const a of d.dhcpAssociations) {
      const v = this.resolver.resolve(this.rawProps(a).VpcId, this.resolver.whereResource(a));
      const named = isResourceRef(v) && d.vpcs.has(v.$ref) ? v.$ref : undefined;
      for (const [vid, vpc] of d.vpcs) if (vpc.dhcpOptions === undefined && (named === undefined || named === vid)) vpc.dhcpOptions = a;
    }
    for (const rt of d.routeTables.values()) {
      const vpc = typeof rt.vpcId === "string" ? d.vpcs.get(rt.vpcId) : undefined;
      if (!vpc) continue;
      rt.routes.unshift(...localRoutes(vpc));
    }
    for (const nat of d.nats.values()) {
      if (nat.availability !== "zonal" || typeof nat.subnetId !== "string") continue;
      const subnet = d.subnets.get(nat.subnetId);
      if (subnet) nat.vpcId = subnet.vpcId;
    }
    for (const e of d.others) {
      if (e.kind !== "instance" || e.publicAddress) continue;
      const subnet = typeof e.subnetId === "string" ? d.subnets.get(e.subnetId) : undefined;
      if (subnet?.mapPublicIpOnLaunch) (e as Mutable<typeof e>).publicAddress = { kind: "auto-assigned" };
    }
  }
}
