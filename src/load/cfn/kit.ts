// What a converter (converters/) is given to turn one resource into model entities: the ModelBuilder's reference
// and origin helpers and its diagnostics (LoaderKit, all that converters/resources.ts needs), and the model under
// construction with the template's other resources (ConverterKit).
import type { DiagnosticCode } from "../../aws/codes.ts";
import type {
  Entity,
  EntityRef,
  InternetGateway,
  NatGateway,
  NetworkAcl,
  NetworkAclEntry,
  NetworkInterface,
  Origin,
  PolicyStatement,
  PublicAddress,
  Role,
  Route,
  RouteTable,
  SecurityGroup,
  SecurityGroupRule,
  Severity,
  Subnet,
  SymbolicString,
  Unknown,
  Vpc,
} from "../../model/types.ts";
import type { Cidr } from "../../net/ip.ts";
import type { RawResource, Resolver, Value } from "./intrinsics.ts";
import type { VpcResourceReader } from "./converters/resources.ts";

export type Props = Record<string, Value>;

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface LoaderKit {
  /** A reference to another resource (Ref / GetAtt / literal id). */
  ref(v: Value | undefined, what: string): EntityRef | null;
  refList(v: Value | undefined, what: string): EntityRef[] | Unknown;
  origin(id: string, key?: string, extra?: Partial<Origin>): Origin;
  report(code: DiagnosticCode, severity: Severity, message: string, id: string, key?: string, fix?: string): void;
}

/**
 * The model while the converters build it, by logical id: the converters of a phase add to what those of earlier
 * phases made (a route to its route table, a rule to its security group). The builder owns it; only converters
 * write to it.
 */
export interface Draft {
  readonly vpcs: Map<string, Mutable<Vpc> & { cidrs: (Cidr | Unknown)[] }>;
  readonly subnets: Map<string, Mutable<Subnet>>;
  readonly routeTables: Map<string, RouteTable & { routes: Route[] }>;
  readonly igws: Map<string, Mutable<InternetGateway> & { attachedVpcIds: EntityRef[] }>;
  readonly nats: Map<string, Mutable<NatGateway>>;
  readonly sgs: Map<string, SecurityGroup & { ingress: SecurityGroupRule[]; egress: SecurityGroupRule[] }>;
  readonly nacls: Map<string, NetworkAcl & { entries: NetworkAclEntry[] }>;
  readonly enis: Map<string, Mutable<NetworkInterface>>;
  readonly roles: Map<string, Role & { statements: PolicyStatement[]; unknownPolicies: string[]; attachedPolicyResources: string[] }>;
  /** Entities of the other kinds, in the order they were converted. */
  readonly others: Entity[];
  /** AWS::EC2::VPCDHCPOptionsAssociation resources (see Vpc.dhcpOptions). */
  readonly dhcpAssociations: string[];
  /** The public address an EIP or EIP association gives an instance, and a network interface. */
  readonly instanceEips: Map<string, PublicAddress>;
  readonly eniEips: Map<string, PublicAddress>;
  /** What functions may be wired to (databases, caches, file systems). */
  readonly vpcResources: VpcResourceReader;
}

export interface ConverterKit extends LoaderKit {
  readonly draft: Draft;
  readonly resolver: Resolver;
  /** The template's resources, raw, after SAM expansion. */
  readonly resources: Readonly<Record<string, RawResource>>;
  /** The type of a resource the model reads (undefined for every other resource). */
  typeOf(id: string): string | undefined;
  /** The resolved properties of a resource the model reads. */
  propsOf(id: string): Props | undefined;
  /** The raw (unresolved) properties of a resource, after SAM expansion. */
  rawProps(id: string): Record<string, unknown>;
  /** The SAM resource a resource was generated from, if any. */
  samOwner(id: string): string | undefined;
  /** A raw value as a symbolic string (model SymbolicString), references kept recognisable. */
  symbolic(from: string, v: unknown): SymbolicString;
  symbolicRef(from: string, name: string): SymbolicString;
  symbolicAttr(id: string, attr: string): SymbolicString;
}
