// Random VPC networks for the differential tests: a fast-check arbitrary of small network descriptions (subnets, route
// tables, internet and NAT gateways, endpoints, security groups and network ACLs, with the classic mistakes among the
// choices) and their CloudFormation templates. Several networks go into one template, each in its own VPC with its own
// logical-id prefix, so that one emulation checks many of them at once.
import fc from "fast-check";

export const REGION = "us-east-1";
const AZS = ["us-east-1a", "us-east-1b", "us-east-1c"] as const;
const VPC_CIDR = "10.0.0.0/16";

/** A function's security group egress: what it lets out. */
export type FunctionEgress =
  | "default" // no SecurityGroupEgress: AWS adds allow-all
  | "all" // -1 to 0.0.0.0/0
  | "https" // tcp 443 to 0.0.0.0/0
  | "http" // tcp 80 to 0.0.0.0/0
  | "vpc-https" // tcp 443 to the VPC only
  | "none" // the "no egress" idiom: -1 to 127.0.0.1/32
  | "endpoint-sg"; // tcp 443 to the interface endpoint's security group only

/** An interface endpoint's security group ingress. */
export type EndpointIngress =
  | "vpc-https" // tcp 443 from the VPC
  | "function-sg" // tcp 443 from the first function's security group
  | "vpc-http" // tcp 80 only: the classic "endpoint SG without 443"
  | "default-sg"; // no group given: the VPC's default group (ingress from itself only)

/** A network ACL's rules. */
export type NaclKind =
  | "allow-all"
  | "no-ephemeral-in" // inbound only tcp 80 and 443: replies to the subnet's own connections are dropped
  | "no-https-out" // outbound tcp 443 denied before an allow-all
  | "vpc-only" // both directions only within the VPC
  | "web-and-ephemeral" // the textbook tight NACL: out 80/443/ephemeral, in 80/443/ephemeral
  | "empty"; // no entries: everything denied

export type DefaultRoute =
  { readonly kind: "none" } | { readonly kind: "igw" } | { readonly kind: "nat"; readonly nat: number } | { readonly kind: "instance" }; // the NAT instance

export interface SubnetSpec {
  readonly az: number;
  /** Index into routeTables, or null: the VPC's main route table. */
  readonly routeTable: number | null;
  /** Index into nacls, or null: the VPC's default network ACL. */
  readonly nacl: number | null;
  readonly mapPublicIp: boolean;
}

export interface NetworkSpec {
  /** EnableDnsSupport: off, the VPC resolver does not answer, so no name resolves. */
  readonly dnsSupport: boolean;
  readonly dnsHostnames: boolean;
  readonly subnets: readonly SubnetSpec[];
  readonly igw: "none" | "attached" | "detached";
  readonly nats: readonly {
    readonly subnet: number;
    readonly connectivity: "public" | "private";
    /** A regional NAT gateway (AvailabilityMode regional): in no subnet, serving every AZ. */
    readonly regional: boolean;
  }[];
  /** Under VPC Block Public Access (set for the whole template, see templateOf): this network's exclusion, if any. */
  readonly bpaExclusion: { readonly scope: "vpc" | "subnet0"; readonly mode: "allow-bidirectional" | "allow-egress" } | null;
  /** A NAT instance (EC2): source/destination check off or (a mistake) on, an Elastic IP or none. */
  readonly natInstance: {
    readonly subnet: number;
    readonly sourceDestCheck: boolean;
    readonly eip: boolean;
    /** Its security group's ingress: all from the VPC, or only tcp 22 (a mistake: it drops what it should forward). */
    readonly ingress: "vpc" | "ssh";
  } | null;
  readonly routeTables: readonly { readonly defaultRoute: DefaultRoute }[];
  readonly nacls: readonly NaclKind[];
  /** S3 gateway endpoint and the route tables it is associated with. */
  readonly s3Gateway: { readonly routeTables: readonly number[] } | null;
  /** An SQS interface endpoint. */
  readonly sqsEndpoint: {
    readonly subnets: readonly number[];
    readonly privateDns: boolean;
    readonly ingress: EndpointIngress;
  } | null;
  readonly functions: readonly { readonly subnets: readonly number[]; readonly egress: FunctionEgress }[];
  /** A dual-stack network, or null for IPv4 only. */
  readonly ipv6: Ipv6Spec | null;
  /** A database (RDS PostgreSQL) the functions' DB_HOST names, probed as `resource:<p>Db` (absent: none). */
  readonly database?: DatabaseSpec | null;
}

/** A database's security group ingress at its port. */
export type DatabaseIngress =
  | "function-sg" // from the first function's security group
  | "vpc" // from the VPC's block
  | "subnet0" // from subnet 0's block only
  | "other-port" // from the VPC, but at another port (a mistake)
  | "none" // a group without ingress
  | "default-sg"; // no group given: the VPC's default group (ingress from itself only)

export interface DatabaseSpec {
  /** The network's subnets in its DB subnet group. */
  readonly subnets: readonly number[];
  /** A subnet of its own (10.0.200.0/24) in the group too, in some AZ, with the VPC's default or a custom network ACL. */
  readonly dataSubnet: { readonly az: number; readonly nacl: number | null } | null;
  readonly port: number;
  readonly ingress: DatabaseIngress;
}

/** IPv6: an Amazon-provided block, some subnets dual-stack, a `::/0` route per route table. */
export interface Ipv6Spec {
  /** Per subnet: whether it has an IPv6 /64. */
  readonly subnets: readonly boolean[];
  readonly eigw: boolean;
  /** Per route table: where `::/0` goes (a NAT gateway does not carry IPv6: a classic mistake). */
  readonly routes: readonly ("eigw" | "igw" | "nat" | "none")[];
  /** Per function: Ipv6AllowedForDualStack, and whether its explicit egress rules have an IPv6 twin. */
  readonly functions: readonly { readonly allowed: boolean; readonly egress6: boolean }[];
  /** Whether the custom network ACLs carry IPv6 twins of their entries. */
  readonly nacl6: boolean;
}

/** The destinations every function is checked (and probed) for. */
export const DESTINATIONS = ["internet", "internet:80", "internet6", "aws:s3", "aws:sqs"] as const;

/** A non-empty subset of 0..n-1, sorted, where `preferred` indexes are more likely to be in it. */
const subset = (n: number, preferred: (i: number) => boolean, other = 1): fc.Arbitrary<number[]> =>
  fc
    .tuple(...Array.from({ length: n }, (_, i) => fc.integer({ min: 0, max: 9 }).map((x) => x < (preferred(i) ? 8 : other))))
    .chain((picked) => {
      const chosen = picked.flatMap((p, i) => (p ? [i] : []));
      return chosen.length > 0 ? fc.constant(chosen) : fc.nat({ max: n - 1 }).map((i) => [i]);
    });

/** One of `items`, with weights (all alike when every weight is 0). */
const weighted = <T>(...items: [number, T][]): fc.Arbitrary<T> => {
  const some = items.filter(([w]) => w > 0);
  return fc.oneof(...(some.length > 0 ? some : items).map(([weight, v]) => ({ weight: Math.max(weight, 1), arbitrary: fc.constant(v) })));
};

/**
 * A random network: 1-3 subnets, 0-2 NAT gateways, 1-3 route tables, 0-2 custom NACLs, 1-2 functions. Drawn as a
 * working design (route table 0 public, the others through a NAT, NATs in public subnets, functions in private ones)
 * with each part wrong now and then, so that both verdicts come up often and the classic mistakes do too: `m`, the
 * weight of each wrong choice, is 0 for a third of the networks (a correct design, but for the NACL and SG kinds that
 * are right for some destinations only), 1 or 3 for the rest.
 */
export function networkArbitrary(): fc.Arbitrary<NetworkSpec> {
  const counts = weighted([1, 0], [1, 1], [1, 3]).chain((m) =>
    fc.record({
      m: fc.constant(m),
      subnetCount: weighted([m, 1], [3, 2], [3, 3]),
      natCount: weighted([1, 0], [4, 1], [2, 2]),
      rtCount: weighted([1, 1], [4, 2], [2, 3]),
      naclCount: weighted([3, 0], [2, 1], [1, 2]),
      fnCount: weighted([3, 1], [2, 2]),
      instance: weighted([4, false], [1, true]),
    }),
  );
  const layout = counts.chain((c) => {
    const route = (i: number): fc.Arbitrary<DefaultRoute> =>
      i === 0 || c.natCount === 0
        ? weighted<DefaultRoute>([8, { kind: "igw" }], [c.m, { kind: "none" }], [c.natCount > 0 ? c.m : 0, { kind: "nat", nat: 0 }])
        : c.instance && i === c.rtCount - 1
          ? weighted<DefaultRoute>([8, { kind: "instance" }], [c.m, { kind: "nat", nat: 0 }], [c.m, { kind: "none" }])
          : weighted<DefaultRoute>(
              [8, { kind: "nat", nat: (i - 1) % c.natCount }],
              [c.m, { kind: "nat", nat: i % c.natCount }],
              [c.m, { kind: "igw" }],
              [c.m, { kind: "none" }],
            );
    const subnet = (i: number): fc.Arbitrary<SubnetSpec> =>
      fc.record({
        az: weighted([6, i % AZS.length], [1, (i + 1) % AZS.length]),
        routeTable: weighted<number | null>(
          [c.m, null],
          ...Array.from({ length: c.rtCount }, (_, t): [number, number] => [t === Math.min(i, c.rtCount - 1) ? 12 : c.m, t]),
        ),
        nacl: weighted<number | null>([4, null], ...Array.from({ length: c.naclCount }, (_, t): [number, number] => [1, t])),
        mapPublicIp: fc.boolean(),
      });
    return fc.record({
      c: fc.constant(c),
      subnets: fc.tuple(...Array.from({ length: c.subnetCount }, (_, i) => subnet(i))),
      routeTables: fc.tuple(...Array.from({ length: c.rtCount }, (_, i) => route(i).map((defaultRoute) => ({ defaultRoute })))),
    });
  });
  return layout
    .chain(({ c, subnets, routeTables }) => {
      const isPublic = (i: number): boolean => {
        const t = subnets[i]?.routeTable;
        return t !== null && t !== undefined && routeTables[t]?.defaultRoute.kind === "igw";
      };
      const anySubnet = (prefer: (i: number) => boolean): fc.Arbitrary<number> =>
        weighted(...Array.from({ length: c.subnetCount }, (_, i): [number, number] => [prefer(i) ? 15 : c.m, i]));
      return fc.record({
        dnsSupport: weighted([8, true], [c.m, false]),
        dnsHostnames: weighted([4, true], [c.m, false]),
        subnets: fc.constant(subnets),
        igw: weighted<"none" | "attached" | "detached">([10, "attached"], [c.m, "none"], [c.m, "detached"]),
        nats: fc.tuple(
          ...Array.from({ length: c.natCount }, () =>
            fc.record({
              subnet: anySubnet(isPublic),
              connectivity: weighted<"public" | "private">([6, "public"], [c.m, "private"]),
              regional: weighted([5, false], [1, true]),
            }),
          ),
        ),
        routeTables: fc.constant(routeTables),
        bpaExclusion: fc.option(
          fc.record({
            scope: weighted<"vpc" | "subnet0">([1, "vpc"], [1, "subnet0"]),
            mode: weighted<"allow-bidirectional" | "allow-egress">([1, "allow-bidirectional"], [1, "allow-egress"]),
          }),
          { freq: 2 },
        ),
        natInstance: c.instance
          ? fc.record({
              subnet: anySubnet(isPublic),
              sourceDestCheck: weighted([c.m, true], [6, false]),
              eip: weighted([6, true], [c.m, false]),
              ingress: weighted<"vpc" | "ssh">([6, "vpc"], [c.m, "ssh"]),
            })
          : fc.constant(null),
        nacls: fc.tuple(
          ...Array.from({ length: c.naclCount }, () =>
            weighted<NaclKind>(
              [3, "allow-all"],
              [3, "web-and-ephemeral"],
              [c.m, "no-ephemeral-in"],
              [c.m, "no-https-out"],
              [c.m, "vpc-only"],
              [c.m, "empty"],
            ),
          ),
        ),
        s3Gateway: fc.option(fc.record({ routeTables: subset(c.rtCount, (t) => t > 0) }), { freq: 2 }),
        sqsEndpoint: fc.option(
          fc.record({
            subnets: subset(c.subnetCount, (i) => !isPublic(i), c.m),
            privateDns: weighted([4, true], [c.m, false]),
            ingress: weighted<EndpointIngress>([4, "vpc-https"], [2, "function-sg"], [c.m, "vpc-http"], [c.m, "default-sg"]),
          }),
          { freq: 2 },
        ),
        ipv6: fc.option(
          fc.record({
            subnets: fc.tuple(...Array.from({ length: c.subnetCount }, () => weighted([4, true], [c.m + 1, false]))),
            eigw: weighted([4, true], [c.m + 1, false]),
            routes: fc.tuple(
              ...Array.from({ length: c.rtCount }, (_, i) =>
                weighted<"eigw" | "igw" | "nat" | "none">(
                  [i === 0 ? 8 : 1, "igw"],
                  [i === 0 ? c.m : 8, "eigw"],
                  [c.m, "nat"],
                  [c.m + 1, "none"],
                ),
              ),
            ),
            functions: fc.tuple(
              ...Array.from({ length: c.fnCount }, () =>
                fc.record({ allowed: weighted([4, true], [c.m + 1, false]), egress6: weighted([4, true], [c.m, false]) }),
              ),
            ),
            nacl6: weighted([4, true], [c.m, false]),
          }),
          { freq: 3 },
        ),
        database: fc.option(
          fc.record({
            subnets: fc.subarray(
              Array.from({ length: c.subnetCount }, (_, i) => i),
              { minLength: 0, maxLength: Math.min(2, c.subnetCount) },
            ),
            dataSubnet: fc.option(
              fc.record({
                az: fc.nat({ max: AZS.length - 1 }),
                nacl: weighted<number | null>([3, null], ...Array.from({ length: c.naclCount }, (_, t): [number, number] => [2, t])),
              }),
              { freq: 3 },
            ),
            port: weighted([3, 5432], [2, 3306], [1, 443], [1, 6379], [2, 0]).chain((p) =>
              p === 0 ? fc.integer({ min: 1024, max: 65535 }) : fc.constant(p),
            ),
            ingress: weighted<DatabaseIngress>(
              [6, "function-sg"],
              [4, "vpc"],
              [2, "subnet0"],
              [c.m, "other-port"],
              [c.m, "none"],
              [c.m, "default-sg"],
            ),
          }),
          { freq: 2 },
        ),
        functions: fc.tuple(
          ...Array.from({ length: c.fnCount }, () =>
            fc.record({
              subnets: subset(c.subnetCount, (i) => !isPublic(i), c.m),
              egress: weighted<FunctionEgress>(
                [3, "default"],
                [3, "all"],
                [4, "https"],
                [1, "http"],
                [c.m, "vpc-https"],
                [c.m, "none"],
                [c.m, "endpoint-sg"],
              ),
            }),
          ),
        ),
      });
    })
    .map(normalize);
}

/** AWS takes one interface endpoint subnet per AZ: keep the first subnet of each AZ. A database has at least one subnet. */
function normalize(spec: NetworkSpec): NetworkSpec {
  const db = spec.database;
  if (db && db.subnets.length === 0 && db.dataSubnet === null) spec = { ...spec, database: { ...db, subnets: [0] } };
  if (!spec.sqsEndpoint) return spec;
  const azs = new Set<number>();
  const subnets = spec.sqsEndpoint.subnets.filter((i) => {
    const az = spec.subnets[i]?.az ?? -1;
    if (azs.has(az)) return false;
    azs.add(az);
    return true;
  });
  return { ...spec, sqsEndpoint: { ...spec.sqsEndpoint, subnets } };
}

type Resource = { Type: string; Properties?: Record<string, unknown>; DependsOn?: string };

const ref = (id: string): { Ref: string } => ({ Ref: id });

type NaclEntry = { egress: boolean; rule: number; protocol: number; action: string; cidr: string; ports?: [number, number] };

/** The entries of a NACL kind; with `v6`, each entry that covers all of IPv4 gets an IPv6 twin (rule number + 1000). */
function naclEntriesFor(kind: NaclKind, v6: boolean): NaclEntry[] {
  const v4 = naclEntries(kind);
  if (!v6) return v4;
  return [...v4, ...v4.filter((e) => e.cidr === "0.0.0.0/0").map((e) => ({ ...e, rule: e.rule + 1000, cidr: "::/0" }))];
}

function naclEntries(
  kind: NaclKind,
): { egress: boolean; rule: number; protocol: number; action: string; cidr: string; ports?: [number, number] }[] {
  const all = (egress: boolean, cidr = "0.0.0.0/0") => ({ egress, rule: 100, protocol: -1, action: "allow", cidr });
  const tcp = (egress: boolean, rule: number, from: number, to: number, action = "allow") => ({
    egress,
    rule,
    protocol: 6,
    action,
    cidr: "0.0.0.0/0",
    ports: [from, to] as [number, number],
  });
  switch (kind) {
    case "allow-all":
      return [all(false), all(true)];
    case "no-ephemeral-in":
      return [tcp(false, 100, 443, 443), tcp(false, 110, 80, 80), all(true)];
    case "no-https-out":
      return [all(false), tcp(true, 90, 443, 443, "deny"), all(true)];
    case "vpc-only":
      return [all(false, VPC_CIDR), all(true, VPC_CIDR)];
    case "web-and-ephemeral":
      return [
        tcp(false, 100, 443, 443),
        tcp(false, 110, 80, 80),
        tcp(false, 120, 1024, 65535),
        tcp(true, 100, 443, 443),
        tcp(true, 110, 80, 80),
        tcp(true, 120, 1024, 65535),
      ];
    case "empty":
      return [];
  }
}

function functionEgressRules(kind: FunctionEgress, endpointSg: string | null): unknown[] | undefined {
  const rule = (proto: string, from: number | undefined, cidr: string) => ({
    IpProtocol: proto,
    ...(from !== undefined ? { FromPort: from, ToPort: from } : {}),
    CidrIp: cidr,
  });
  switch (kind) {
    case "default":
      return undefined;
    case "all":
      return [rule("-1", undefined, "0.0.0.0/0")];
    case "https":
      return [rule("tcp", 443, "0.0.0.0/0")];
    case "http":
      return [rule("tcp", 80, "0.0.0.0/0")];
    case "vpc-https":
      return [rule("tcp", 443, VPC_CIDR)];
    case "none":
      return [rule("-1", undefined, "127.0.0.1/32")];
    case "endpoint-sg":
      return endpointSg === null
        ? [rule("-1", undefined, "127.0.0.1/32")]
        : [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, DestinationSecurityGroupId: ref(endpointSg) }];
  }
}

/** The CloudFormation resources of one network, every logical id starting with `p` (e.g. `N3`). */
export function networkResources(spec: NetworkSpec, p: string): Record<string, Resource> {
  const r: Record<string, Resource> = {};
  const vpc = `${p}Vpc`;
  r[vpc] = {
    Type: "AWS::EC2::VPC",
    Properties: { CidrBlock: VPC_CIDR, EnableDnsSupport: spec.dnsSupport, EnableDnsHostnames: spec.dnsHostnames },
  };
  const v6 = spec.ipv6;
  if (v6) {
    r[`${p}VpcIpv6`] = { Type: "AWS::EC2::VPCCidrBlock", Properties: { VpcId: ref(vpc), AmazonProvidedIpv6CidrBlock: true } };
    if (v6.eigw) r[`${p}Eigw`] = { Type: "AWS::EC2::EgressOnlyInternetGateway", Properties: { VpcId: ref(vpc) } };
  }
  spec.subnets.forEach((s, i) => {
    const dual = v6?.subnets[i] === true;
    r[`${p}Subnet${i}`] = {
      Type: "AWS::EC2::Subnet",
      Properties: {
        VpcId: ref(vpc),
        CidrBlock: `10.0.${i}.0/24`,
        AvailabilityZone: AZS[s.az],
        MapPublicIpOnLaunch: s.mapPublicIp,
        ...(dual
          ? {
              Ipv6CidrBlock: {
                "Fn::Select": [i, { "Fn::Cidr": [{ "Fn::Select": [0, { "Fn::GetAtt": [vpc, "Ipv6CidrBlocks"] }] }, 8, 64] }],
              },
            }
          : {}),
      },
      ...(dual ? { DependsOn: `${p}VpcIpv6` } : {}),
    };
    if (s.routeTable !== null) {
      r[`${p}Subnet${i}Routes`] = {
        Type: "AWS::EC2::SubnetRouteTableAssociation",
        Properties: { SubnetId: ref(`${p}Subnet${i}`), RouteTableId: ref(`${p}RouteTable${s.routeTable}`) },
      };
    }
    if (s.nacl !== null) {
      r[`${p}Subnet${i}Acl`] = {
        Type: "AWS::EC2::SubnetNetworkAclAssociation",
        Properties: { SubnetId: ref(`${p}Subnet${i}`), NetworkAclId: ref(`${p}Acl${s.nacl}`) },
      };
    }
  });
  if (spec.igw !== "none") {
    r[`${p}Igw`] = { Type: "AWS::EC2::InternetGateway", Properties: {} };
    if (spec.igw === "attached") {
      r[`${p}IgwAttachment`] = {
        Type: "AWS::EC2::VPCGatewayAttachment",
        Properties: { VpcId: ref(vpc), InternetGatewayId: ref(`${p}Igw`) },
      };
    }
  }
  spec.nats.forEach((n, i) => {
    const props: Record<string, unknown> = n.regional
      ? { AvailabilityMode: "regional", VpcId: ref(vpc) }
      : { SubnetId: ref(`${p}Subnet${n.subnet}`) };
    if (n.connectivity === "public") {
      r[`${p}NatEip${i}`] = { Type: "AWS::EC2::EIP", Properties: { Domain: "vpc" } };
      props.AllocationId = { "Fn::GetAtt": [`${p}NatEip${i}`, "AllocationId"] };
    } else props.ConnectivityType = "private";
    r[`${p}Nat${i}`] = { Type: "AWS::EC2::NatGateway", Properties: props };
  });
  const ni = spec.natInstance;
  if (ni) {
    r[`${p}NatInstanceSg`] = {
      Type: "AWS::EC2::SecurityGroup",
      Properties: {
        GroupDescription: "NAT instance",
        VpcId: ref(vpc),
        SecurityGroupIngress: [
          ni.ingress === "vpc" ? { IpProtocol: "-1", CidrIp: VPC_CIDR } : { IpProtocol: "tcp", FromPort: 22, ToPort: 22, CidrIp: VPC_CIDR },
        ],
      },
    };
    r[`${p}NatInstance`] = {
      Type: "AWS::EC2::Instance",
      Properties: {
        ImageId: "ami-0123456789abcdef0",
        InstanceType: "t4g.nano",
        SubnetId: ref(`${p}Subnet${ni.subnet}`),
        SecurityGroupIds: [ref(`${p}NatInstanceSg`)],
        SourceDestCheck: ni.sourceDestCheck,
      },
    };
    if (ni.eip) r[`${p}NatInstanceEip`] = { Type: "AWS::EC2::EIP", Properties: { Domain: "vpc", InstanceId: ref(`${p}NatInstance`) } };
  }
  if (spec.bpaExclusion) {
    r[`${p}BpaExclusion`] = {
      Type: "AWS::EC2::VPCBlockPublicAccessExclusion",
      Properties: {
        ...(spec.bpaExclusion.scope === "vpc" ? { VpcId: ref(vpc) } : { SubnetId: ref(`${p}Subnet0`) }),
        InternetGatewayExclusionMode: spec.bpaExclusion.mode,
      },
    };
  }
  spec.routeTables.forEach((t, i) => {
    const rt = `${p}RouteTable${i}`;
    r[rt] = { Type: "AWS::EC2::RouteTable", Properties: { VpcId: ref(vpc) } };
    const d = t.defaultRoute;
    const target =
      d.kind === "igw"
        ? spec.igw === "none"
          ? null
          : { GatewayId: ref(`${p}Igw`) }
        : d.kind === "nat"
          ? { NatGatewayId: ref(`${p}Nat${d.nat}`) }
          : d.kind === "instance" && spec.natInstance
            ? { InstanceId: ref(`${p}NatInstance`) }
            : null;
    if (target) {
      r[`${rt}Default`] = {
        Type: "AWS::EC2::Route",
        Properties: { RouteTableId: ref(rt), DestinationCidrBlock: "0.0.0.0/0", ...target },
      };
    }
    const to6 = v6?.routes[i] ?? "none";
    const target6 =
      to6 === "eigw" && v6?.eigw
        ? { EgressOnlyInternetGatewayId: ref(`${p}Eigw`) }
        : to6 === "igw" && spec.igw !== "none"
          ? { GatewayId: ref(`${p}Igw`) }
          : to6 === "nat" && spec.nats.length > 0
            ? { NatGatewayId: ref(`${p}Nat0`) }
            : null;
    if (target6) {
      r[`${rt}Default6`] = {
        Type: "AWS::EC2::Route",
        Properties: { RouteTableId: ref(rt), DestinationIpv6CidrBlock: "::/0", ...target6 },
      };
    }
  });
  spec.nacls.forEach((kind, i) => {
    const acl = `${p}Acl${i}`;
    r[acl] = { Type: "AWS::EC2::NetworkAcl", Properties: { VpcId: ref(vpc) } };
    for (const e of naclEntriesFor(kind, spec.ipv6?.nacl6 ?? false)) {
      r[`${acl}${e.egress ? "Out" : "In"}${e.rule}`] = {
        Type: "AWS::EC2::NetworkAclEntry",
        Properties: {
          NetworkAclId: ref(acl),
          RuleNumber: e.rule,
          Protocol: e.protocol,
          RuleAction: e.action,
          Egress: e.egress,
          ...(e.cidr.includes(":") ? { Ipv6CidrBlock: e.cidr } : { CidrBlock: e.cidr }),
          ...(e.ports ? { PortRange: { From: e.ports[0], To: e.ports[1] } } : {}),
        },
      };
    }
  });
  if (spec.s3Gateway) {
    r[`${p}S3Endpoint`] = {
      Type: "AWS::EC2::VPCEndpoint",
      Properties: {
        VpcId: ref(vpc),
        VpcEndpointType: "Gateway",
        ServiceName: `com.amazonaws.${REGION}.s3`,
        RouteTableIds: spec.s3Gateway.routeTables.map((i) => ref(`${p}RouteTable${i}`)),
      },
    };
  }
  const endpointSg = spec.sqsEndpoint && spec.sqsEndpoint.ingress !== "default-sg" ? `${p}SqsEndpointSg` : null;
  if (spec.sqsEndpoint) {
    const e = spec.sqsEndpoint;
    if (endpointSg && e.ingress === "function-sg") {
      // A separate ingress resource: inline, it would name the function's group, whose egress may
      // name this one, a circular dependency CloudFormation rejects (LOAD_CYCLE).
      r[endpointSg] = { Type: "AWS::EC2::SecurityGroup", Properties: { GroupDescription: "SQS endpoint", VpcId: ref(vpc) } };
      r[`${endpointSg}Ingress`] = {
        Type: "AWS::EC2::SecurityGroupIngress",
        Properties: {
          GroupId: ref(endpointSg),
          IpProtocol: "tcp",
          FromPort: 443,
          ToPort: 443,
          SourceSecurityGroupId: ref(`${p}Function0Sg`),
        },
      };
    } else if (endpointSg) {
      const ingress =
        e.ingress === "vpc-https"
          ? { IpProtocol: "tcp", FromPort: 443, ToPort: 443, CidrIp: VPC_CIDR }
          : { IpProtocol: "tcp", FromPort: 80, ToPort: 80, CidrIp: VPC_CIDR };
      r[endpointSg] = {
        Type: "AWS::EC2::SecurityGroup",
        Properties: { GroupDescription: "SQS endpoint", VpcId: ref(vpc), SecurityGroupIngress: [ingress] },
      };
    }
    r[`${p}SqsEndpoint`] = {
      Type: "AWS::EC2::VPCEndpoint",
      Properties: {
        VpcId: ref(vpc),
        VpcEndpointType: "Interface",
        ServiceName: `com.amazonaws.${REGION}.sqs`,
        SubnetIds: e.subnets.map((i) => ref(`${p}Subnet${i}`)),
        PrivateDnsEnabled: e.privateDns,
        ...(endpointSg ? { SecurityGroupIds: [ref(endpointSg)] } : {}),
      },
    };
  }
  const db = spec.database;
  if (db) {
    const subnets = db.subnets.map((i) => ref(`${p}Subnet${i}`));
    if (db.dataSubnet) {
      r[`${p}DataSubnet`] = {
        Type: "AWS::EC2::Subnet",
        Properties: { VpcId: ref(vpc), CidrBlock: "10.0.200.0/24", AvailabilityZone: AZS[db.dataSubnet.az] },
      };
      if (db.dataSubnet.nacl !== null)
        r[`${p}DataSubnetAcl`] = {
          Type: "AWS::EC2::SubnetNetworkAclAssociation",
          Properties: { SubnetId: ref(`${p}DataSubnet`), NetworkAclId: ref(`${p}Acl${db.dataSubnet.nacl}`) },
        };
      subnets.push(ref(`${p}DataSubnet`));
    }
    r[`${p}DbSubnets`] = { Type: "AWS::RDS::DBSubnetGroup", Properties: { DBSubnetGroupDescription: "database", SubnetIds: subnets } };
    const at = (port: number) => ({ IpProtocol: "tcp", FromPort: port, ToPort: port });
    const ingress =
      db.ingress === "function-sg"
        ? [{ ...at(db.port), SourceSecurityGroupId: ref(`${p}Function0Sg`) }]
        : db.ingress === "vpc"
          ? [{ ...at(db.port), CidrIp: VPC_CIDR }]
          : db.ingress === "subnet0"
            ? [{ ...at(db.port), CidrIp: "10.0.0.0/24" }]
            : db.ingress === "other-port"
              ? [{ ...at(db.port === 65535 ? db.port - 1 : db.port + 1), CidrIp: VPC_CIDR }]
              : [];
    if (db.ingress !== "default-sg")
      r[`${p}DbSg`] = {
        Type: "AWS::EC2::SecurityGroup",
        Properties: { GroupDescription: "database", VpcId: ref(vpc), ...(ingress.length > 0 ? { SecurityGroupIngress: ingress } : {}) },
      };
    r[`${p}Db`] = {
      Type: "AWS::RDS::DBInstance",
      Properties: {
        Engine: "postgres",
        DBInstanceClass: "db.t4g.micro",
        AllocatedStorage: "20",
        Port: String(db.port),
        DBSubnetGroupName: ref(`${p}DbSubnets`),
        ...(db.ingress !== "default-sg" ? { VPCSecurityGroups: [ref(`${p}DbSg`)] } : {}),
      },
    };
  }
  spec.functions.forEach((f, i) => {
    const sg = `${p}Function${i}Sg`;
    const egress4 = functionEgressRules(f.egress, endpointSg);
    // The IPv6 twin of each rule to all of IPv4.
    const egress =
      egress4 && v6?.functions[i]?.egress6
        ? [
            ...egress4,
            ...egress4
              .filter((e) => (e as { CidrIp?: string }).CidrIp === "0.0.0.0/0")
              .map((e) => {
                const { CidrIp: _, ...rest } = e as Record<string, unknown>;
                return { ...rest, CidrIpv6: "::/0" };
              }),
          ]
        : egress4;
    r[sg] = {
      Type: "AWS::EC2::SecurityGroup",
      Properties: { GroupDescription: `function ${i}`, VpcId: ref(vpc), ...(egress ? { SecurityGroupEgress: egress } : {}) },
    };
    r[`${p}Function${i}`] = {
      Type: "AWS::Lambda::Function",
      Properties: {
        Runtime: "nodejs20.x",
        Handler: "index.handler",
        Role: { "Fn::GetAtt": ["FunctionRole", "Arn"] },
        Code: { ZipFile: "exports.handler = async () => 'ok';" },
        ...(db ? { Environment: { Variables: { DB_HOST: { "Fn::GetAtt": [`${p}Db`, "Endpoint.Address"] } } } } : {}),
        VpcConfig: {
          SubnetIds: f.subnets.map((s) => ref(`${p}Subnet${s}`)),
          SecurityGroupIds: [ref(sg)],
          ...(v6?.functions[i]?.allowed ? { Ipv6AllowedForDualStack: true } : {}),
        },
      },
    };
  });
  return r;
}

/** VPC Block Public Access for the whole template (it is region-wide): off, or one of its modes. */
export type BlockPublicAccess = "off" | "block-bidirectional" | "block-ingress";

export function blockPublicAccessArbitrary(): fc.Arbitrary<BlockPublicAccess> {
  return weighted<BlockPublicAccess>([6, "off"], [1, "block-bidirectional"], [1, "block-ingress"]);
}

/**
 * One template holding every network, `N0`, `N1`, ... each in its own VPC, with one execution role for all functions,
 * and Block Public Access when `bpa` is not off (the networks' exclusions count only then).
 */
export function templateOf(specs: readonly NetworkSpec[], bpa: BlockPublicAccess = "off"): Record<string, unknown> {
  const resources: Record<string, Resource> = {
    FunctionRole: {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        },
        ManagedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"],
      },
    },
  };
  specs.forEach((s, i) => Object.assign(resources, networkResources(bpa === "off" ? { ...s, bpaExclusion: null } : s, `N${i}`)));
  if (bpa !== "off") {
    resources.BlockPublicAccess = { Type: "AWS::EC2::VPCBlockPublicAccessOptions", Properties: { InternetGatewayBlockMode: bpa } };
  }
  return { AWSTemplateFormatVersion: "2010-09-09", Description: "lambda-egress differential test networks", Resources: resources };
}
