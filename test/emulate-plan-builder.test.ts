// The emulator's plan builder (src/emulate/plan-builder.ts) step by step, and the plan notes' renderer
// (src/emulate/plan-notes.ts): templates written here, exact namespaces, addresses and typed notes out.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PlanBuilder } from "../src/emulate/plan-builder.ts";
import type { PlanNote } from "../src/emulate/plan-notes.ts";
import { NOT_EMULATED_YET, planNote, renderPlanNote } from "../src/emulate/plan-notes.ts";
import { renderIpOps } from "../src/emulate/ip-ops.ts";
import { planFunction, selectFunctions } from "../src/emulate/plan.ts";
import { planGateways } from "../src/emulate/plan-gateways.ts";
import { planRoutes } from "../src/emulate/plan-routes.ts";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import type { Subnet } from "../src/model/types.ts";

const TEMPLATE = `
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.1.0.0/16 }
  Other:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.2.0.0/16 }
  Public:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 30.0.0.0/16 }
  Tiny:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.1.0.0/29 }
  Private:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.1.1.0/24 }
  Outside:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.9.0.0/24 }
  Elsewhere:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Other, CidrBlock: 10.2.0.0/24 }
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: { GroupDescription: fn, VpcId: !Ref Vpc }
`;

function builder(): PlanBuilder {
  return new PlanBuilder(loadCloudFormation("inline.yaml", TEMPLATE), "le1a2b3c");
}

const codes = (b: PlanBuilder): string[] => b.notes.map((n) => n.code);

describe("plan builder: state and shared steps", () => {
  it("starts with the internet namespace; names count per letter", () => {
    const b = builder();
    assert.equal(b.internet.name, "le1a2b3c-i0");
    assert.equal(b.newNs("e", "eni", "Private").name, "le1a2b3c-e0");
    assert.equal(b.newNs("e", "eni", "Private").name, "le1a2b3c-e1");
    assert.equal(b.newNs("n", "nat-gateway", "Nat").name, "le1a2b3c-n0");
    assert.deepEqual(
      b.namespaces.map((n) => n.name),
      ["le1a2b3c-i0", "le1a2b3c-e0", "le1a2b3c-e1", "le1a2b3c-n0"],
    );
  });

  it("refuses a prefix that would not fit interface names", () => {
    assert.throws(() => new PlanBuilder(loadCloudFormation("inline.yaml", TEMPLATE), "averyveryverylongprefix"), /at most 10 characters/);
  });

  it("keeps each note once, by its words, in the order they came", () => {
    const b = builder();
    b.note(planNote("VPC_NO_IPV4", { vpc: "A" }));
    b.note(planNote("FUNCTION_NOT_IN_MODEL", { fn: "F" }));
    b.note(planNote("VPC_NO_IPV4", { vpc: "A" }));
    assert.deepEqual(b.notes, [
      { code: "VPC_NO_IPV4", data: { vpc: "A" } },
      { code: "FUNCTION_NOT_IN_MODEL", data: { fn: "F" } },
    ]);
  });

  it("a VPC's router: the resolver at base+2 and each subnet's gateway on lo; a public block is not emulated", () => {
    const b = builder();
    const st = b.vpcState(b.model.vpc("Vpc") ?? assert.fail("Vpc"));
    assert.ok(st);
    assert.equal(st.router.name, "le1a2b3c-r0");
    assert.equal(st.resolver, "10.1.0.2");
    assert.deepEqual(renderIpOps(st.router.ip), [
      "link set lo up",
      "addr add 10.1.0.2/32 dev lo",
      "addr add 10.1.0.1/32 dev lo",
      "addr add 10.1.1.1/32 dev lo",
      "addr add 10.9.0.1/32 dev lo",
    ]);
    assert.equal(b.vpcState(b.model.vpc("Vpc") ?? assert.fail("Vpc")), st, "made once");
    assert.equal(b.vpcState(b.model.vpc("Public") ?? assert.fail("Public")), undefined);
    assert.deepEqual(b.notes, [{ code: "VPC_PUBLIC_CIDR", data: { vpc: "Public", cidr: "30.0.0.0/16" } }]);
  });

  it("places a subnet, or says why not: unknown, not in the model, in another VPC, outside the VPC's blocks", () => {
    const b = builder();
    const placed = b.placeSubnet("Private", "function Fn");
    assert.equal(placed?.subnet.id, "Private");
    assert.equal(placed?.cidr.text, "10.1.1.0/24");
    const st = placed?.st ?? assert.fail("placed");
    assert.equal(b.placeSubnet({ unknown: true, reason: "parameter S" }, "function Fn"), undefined);
    assert.equal(b.placeSubnet("Nope", "function Fn"), undefined);
    assert.equal(b.placeSubnet("Elsewhere", "NAT gateway Nat", st), undefined);
    assert.equal(b.placeSubnet("Outside", "function Fn"), undefined);
    assert.deepEqual(
      b.notes.map((n) => [n.code, n.data]),
      [
        ["SUBNET_UNKNOWN", { what: "function Fn", why: "parameter S" }],
        ["SUBNET_NOT_IN_MODEL", { what: "function Fn", subnet: "Nope" }],
        ["SUBNET_IN_OTHER_VPC", { what: "NAT gateway Nat", subnet: "Elsewhere", vpc: "Other", expected: "Vpc" }],
        ["SUBNET_OUTSIDE_VPC", { what: "function Fn", subnet: "Outside", cidr: "10.9.0.0/24", vpc: "Vpc" }],
      ],
    );
  });

  it("allocates the preferred host offset when free, else the lowest free one, never AWS's reserved ones", () => {
    const b = builder();
    const { subnet, cidr, st } = b.placeSubnet("Tiny", "function Fn") ?? assert.fail("Tiny");
    // A /29: base+0..3 and the last are AWS's, so base+4..6 are all there is.
    assert.equal(b.allocate(st, subnet, cidr, 23n), "10.1.0.4");
    assert.equal(b.allocate(st, subnet, cidr, 6n), "10.1.0.6");
    assert.equal(b.allocate(st, subnet, cidr, 6n), "10.1.0.5");
    assert.equal(b.allocate(st, subnet, cidr, 4n), undefined);
  });

  it("an interface: linked to the router in its subnet's group, default route via base+1; no address left: noted", () => {
    const b = builder();
    const { subnet, cidr, st } = b.placeSubnet("Tiny", "function Fn") ?? assert.fail("Tiny");
    const one = b.addInterface(st, subnet, cidr, 4n, { short: "e", role: "eni", entity: "Tiny" }, "function Fn", ["Sg"]);
    assert.deepEqual(renderIpOps(one?.ns.ip ?? []), [
      "link set lo up",
      "link set eth0 up",
      "addr add 10.1.0.4/29 dev eth0",
      "route add default via 10.1.0.1 dev eth0",
    ]);
    assert.equal(one?.ns.resolvConf, "nameserver 10.1.0.2\n");
    assert.deepEqual(renderIpOps(st.router.ip).slice(-2), ["link set le1a2b3c-e0 up", "link set le1a2b3c-e0 group 1"]);
    assert.deepEqual(
      st.ports.map((p) => [p.veth, p.address, p.groups?.map((g) => g.id), p.what]),
      [["le1a2b3c-e0", "10.1.0.4", ["Sg"], "function Fn"]],
    );
    b.addInterface(st, subnet, cidr, 4n, { short: "e", role: "eni", entity: "Tiny" }, "function G", []);
    b.addInterface(st, subnet, cidr, 4n, { short: "e", role: "eni", entity: "Tiny" }, "function H", ["Missing"]);
    assert.equal(b.addInterface(st, subnet, cidr, 4n, { short: "e", role: "eni", entity: "Tiny" }, "function K", null), undefined);
    assert.deepEqual(
      b.notes.map((n) => [n.code, n.data]),
      [
        ["NO_SECURITY_GROUP", { what: "function G" }],
        ["SECURITY_GROUP_NOT_IN_MODEL", { what: "function H", group: "Missing" }],
        ["SUBNET_FULL", { what: "function K", subnet: "Tiny" }],
      ],
    );
  });

  it("public addresses: stand-ins from 203.0.113.10, a documentation literal kept, another literal noted", () => {
    const b = builder();
    const st = b.vpcState(b.model.vpc("Vpc") ?? assert.fail("Vpc")) ?? assert.fail("state");
    const bpa = { subnet: null as Subnet | null, user: "nat-gateway" as const };
    b.mapPublic(st, "NAT gateway A", "10.1.1.10", { kind: "auto-assigned" }, bpa);
    b.mapPublic(st, "NAT gateway B", "10.1.1.11", { kind: "allocation", allocationId: "eipalloc-1", publicIp: "198.51.100.7" }, bpa);
    b.mapPublic(st, "NAT gateway C", "10.1.1.12", { kind: "allocation", allocationId: "eipalloc-2", publicIp: "52.1.2.3" }, bpa);
    b.mapPublic(st, "NAT gateway D", "10.1.1.13", { kind: "unknown", reason: "none given" }, bpa);
    assert.deepEqual(
      b.publicMappings.map((m) => [m.what, m.privateIp, m.publicIp]),
      [
        ["NAT gateway A", "10.1.1.10", "203.0.113.10"],
        ["NAT gateway B", "10.1.1.11", "198.51.100.7"],
        ["NAT gateway C", "10.1.1.12", "203.0.113.11"],
      ],
    );
    assert.deepEqual(codes(b), ["EIP_STAND_IN", "PUBLIC_ADDRESS_UNKNOWN"]);
  });

  it("an AWS service's stand-in: one address per service, with its public name", () => {
    const b = builder();
    assert.equal(b.serviceStandin("s3"), "198.51.100.100");
    assert.equal(b.serviceStandin("dynamodb"), "198.51.100.101");
    assert.equal(b.serviceStandin("s3"), "198.51.100.100");
    assert.deepEqual(b.publicRecords["s3.us-east-1.amazonaws.com"], ["198.51.100.100"]);
  });

  it("finish: the plan's notes are the notes' prose", () => {
    const b = builder();
    b.note(planNote("FUNCTION_NOT_IN_MODEL", { fn: "Nope" }));
    const { plan, notes } = b.finish([]);
    assert.deepEqual(plan.notes, ["function Nope is not in the model: left out"]);
    assert.deepEqual(notes, [{ code: "FUNCTION_NOT_IN_MODEL", data: { fn: "Nope" } }]);
    assert.deepEqual(
      plan.namespaces.map((n) => n.name),
      ["le1a2b3c-i0"],
    );
  });
});

const STEPS_TEMPLATE = `
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.1.0.0/16 }
  Igw:
    Type: AWS::EC2::InternetGateway
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: { VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw }
  Public:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.1.0.0/24 }
  Private:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.1.1.0/24 }
  PublicRt:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref Vpc }
  PublicDefault:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref PublicRt, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw }
  PublicAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref Public, RouteTableId: !Ref PublicRt }
  PrivateRt:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref Vpc }
  PrivateDefault:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref PrivateRt, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat }
  PrivateEigw:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref PrivateRt, DestinationCidrBlock: 192.168.0.0/16, EgressOnlyInternetGatewayId: eigw-0abc }
  PrivateAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref Private, RouteTableId: !Ref PrivateRt }
  Eip:
    Type: AWS::EC2::EIP
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: { SubnetId: !Ref Public, AllocationId: !GetAtt Eip.AllocationId }
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: { GroupDescription: fn, VpcId: !Ref Vpc }
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: { ZipFile: 'exports.handler = async () => 1' }
      VpcConfig: { SubnetIds: [!Ref Private], SecurityGroupIds: [!Ref Sg] }
`;

describe("plan steps over one builder", () => {
  it("a function's ENI, the VPC's NAT gateway and internet gateway, then the router's rules and tables", () => {
    const b = new PlanBuilder(loadCloudFormation("inline.yaml", STEPS_TEMPLATE), "le1a2b3c");
    const functions = selectFunctions(b, ["Fn", "Nope"]);
    assert.deepEqual(
      functions.map((f) => f.id),
      ["Fn"],
    );
    for (const f of functions) planFunction(b, f);
    assert.deepEqual(b.enis, [{ functionId: "Fn", subnetId: "Private", ns: "le1a2b3c-e0", ipv4: "10.1.1.23" }]);
    const st = b.vpcStates.get("Vpc") ?? assert.fail("Vpc state");
    planGateways(b, st);
    assert.deepEqual(
      b.namespaces.map((n) => [n.name, n.role, n.entity]),
      [
        ["le1a2b3c-i0", "internet", "internet"],
        ["le1a2b3c-r0", "router", "Vpc"],
        ["le1a2b3c-e0", "eni", "Private"],
        ["le1a2b3c-n0", "nat-gateway", "Nat"],
        ["le1a2b3c-g0", "igw", "Igw"],
      ],
    );
    assert.deepEqual(
      b.publicMappings.map((m) => [m.what, m.privateIp, m.publicIp]),
      [["NAT gateway Nat", "10.1.0.10", "203.0.113.10"]],
    );
    const before = st.router.ip.length;
    planRoutes(b, st);
    assert.deepEqual(renderIpOps(st.router.ip.slice(before)), [
      "rule add pref 100 to 10.1.0.0/16 lookup 1000",
      "route add blackhole 10.1.0.0/16 table 1000",
      "route add 10.1.1.23/32 dev le1a2b3c-e0 table 1000",
      "route add 10.1.0.10/32 dev le1a2b3c-n0 table 1000",
      "route add blackhole default table default",
      "route add 0.0.0.0/0 via 10.1.0.10 dev le1a2b3c-n0 onlink table 1001",
      "route add blackhole 192.168.0.0/16 table 1001",
      "rule add pref 200 iif le1a2b3c-e0 lookup 1001",
      "route add 0.0.0.0/0 via 169.254.0.1 dev le1a2b3c-g0 onlink table 1002",
      "rule add pref 201 iif le1a2b3c-n0 lookup 1002",
    ]);
    assert.deepEqual(
      b.notes.map((n) => [n.code, n.data]),
      [
        ["FUNCTION_NOT_IN_MODEL", { fn: "Nope" }],
        ["IPV4_ROUTE_TO_EIGW", { routeTable: "PrivateRt", cidr: "192.168.0.0/16", eigw: "eigw-0abc" }],
      ],
    );
  });
});

describe("plan notes: the prose of each code", () => {
  const cases: [PlanNote, string][] = [
    [planNote("FUNCTION_NOT_IN_MODEL", { fn: "Nope" }), "function Nope is not in the model: left out"],
    [
      planNote("DNS_SUPPORT_OFF", { vpc: "Vpc", resolver: "10.1.0.2" }),
      "Vpc has EnableDnsSupport off: no resolver answers at 10.1.0.2, so names do not resolve in it",
    ],
    [
      planNote("VPC_PUBLIC_CIDR", { vpc: "V", cidr: "30.0.0.0/16" }),
      "V uses 30.0.0.0/16, outside the private ranges (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10): the emulator gives nothing a public address but documentation ones, so V is not emulated",
    ],
    [planNote("SUBNET_CIDR_UNKNOWN", { what: "function Fn", subnet: "S" }), "function Fn: the IPv4 CIDR of S is not known: left out"],
    [
      planNote("SUBNET_CIDR_UNKNOWN", { what: "function Fn", subnet: "S", why: "parameter C" }),
      "function Fn: the IPv4 CIDR of S is not known (parameter C): left out",
    ],
    [
      planNote("NAT_EXTRA_ADDRESSES", { nat: "N", regional: true, count: 2 }),
      "regional NAT gateway N: only its first public address is emulated (2 given)",
    ],
    [
      planNote("NAT_EXTRA_ADDRESSES", { nat: "N", regional: false, count: 3 }),
      "NAT gateway N: only its first public address is emulated (3 given)",
    ],
    [
      planNote("ROUTE_INSIDE_VPC", { routeTable: "Rt", cidrs: ["10.1.0.0/24", "10.1.1.0/24"], target: "internet-gateway" }),
      "not emulated yet: route table Rt routes 10.1.0.0/24, 10.1.1.0/24 inside the VPC to internet-gateway; the local route carries that traffic instead",
    ],
    [
      planNote("ROUTE_TARGET_NOT_EMULATED", { routeTable: "Rt", cidr: "0.0.0.0/0", target: "internet-gateway", id: "Igw", vpc: "Vpc" }),
      "route table Rt: the route to 0.0.0.0/0 is left out (internet gateway Igw is not attached to Vpc in the model): that traffic is dropped",
    ],
    [
      planNote("ROUTE_TARGET_NOT_EMULATED", {
        routeTable: "Rt",
        cidr: "::/0",
        target: "egress-only-internet-gateway",
        id: "E",
        vpc: "Vpc",
      }),
      "route table Rt: the route to ::/0 is left out (egress-only internet gateway E is not emulated in Vpc): that traffic is dropped",
    ],
    [
      planNote("ROUTE_TARGET_NOT_EMULATED", { routeTable: "Rt", cidr: "0.0.0.0/0", target: "transit-gateway", id: "Tgw", vpc: "Vpc" }),
      "route table Rt: the route to 0.0.0.0/0 is left out (transit-gateway Tgw is not emulated): that traffic is dropped",
    ],
    [
      planNote("SUBNET_IPV6_NO_ROOM", { subnet: "S", vpcBlock: "2001:db8:1::/56", block: "2600::/64" }),
      "S: no /64 is left in 2001:db8:1::/56 for its IPv6 block 2600::/64: it has no IPv6 in the emulation",
    ],
    [
      planNote("SUBNET_IPV6_NO_ROOM", { subnet: "S", vpcBlock: "2001:db8:1::/56" }),
      "S: no /64 is left in 2001:db8:1::/56: it has no IPv6 in the emulation",
    ],
    [
      planNote("ENV_OTHER_TOKENS", { fn: "F", key: "ARN", value: "${Db.MasterUserSecret.SecretArn}" }),
      "function F: environment ARN is left out: only a resource's address and port have stand-ins (Db.MasterUserSecret.SecretArn)",
    ],
    [
      planNote("ENV_RESOURCE_WITHOUT_STAND_IN", { fn: "F", subnet: "S", key: "DB_HOST", resource: "Db" }),
      "function F in S: environment DB_HOST names Db, which has no stand-in there: left out",
    ],
    [
      planNote("ENDPOINT_TYPE_NOT_EMULATED", { endpoint: "Ep", type: "GatewayLoadBalancer" }),
      "not emulated yet: GatewayLoadBalancer endpoint Ep",
    ],
  ];
  for (const [note, text] of cases) it(note.code, () => assert.equal(renderPlanNote(note), text));

  it("the codes that mean not emulated yet are those whose prose says so", () => {
    assert.deepEqual([...NOT_EMULATED_YET].sort(), ["ENDPOINT_TYPE_NOT_EMULATED", "ROUTE_INSIDE_VPC"]);
  });
});
