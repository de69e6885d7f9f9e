// VPCs and what they are cut into: CIDR blocks, subnets, route tables and their routes, managed prefix lists, and
// the association of a subnet with its route table.
import { vpcDefaults } from "../../implicit.ts";
import type { EntityRef, PrefixList, Route, RouteTarget } from "../../../model/types.ts";
import { ALL_PORTS, isUnknown, unknown } from "../../../model/types.ts";
import type { Cidr } from "../../../net/ip.ts";
import { parseCidr } from "../../../net/ip.ts";
import type { Value } from "../intrinsics.ts";
import { isPlainObject } from "../intrinsics.ts";
import type { ConverterKit, Props } from "../kit.ts";
import type { Converter } from "./index.ts";
import { ANY_IPV6, bool, cidr } from "./values.ts";

/** The ids of the implicit entities AWS creates with a VPC. */
export const implicitIds = {
  mainRouteTable: (vpc: string) => `${vpc}.MainRouteTable`,
  defaultNetworkAcl: (vpc: string) => `${vpc}.DefaultNetworkAcl`,
  defaultSecurityGroup: (vpc: string) => `${vpc}.DefaultSecurityGroup`,
};

/** The ids of a VPC's implicit main route table, default network ACL and default security group. */
export function defaultIdsOf(vpcId: string) {
  return {
    mainRouteTable: implicitIds.mainRouteTable(vpcId),
    defaultNetworkAcl: implicitIds.defaultNetworkAcl(vpcId),
    defaultSecurityGroup: implicitIds.defaultSecurityGroup(vpcId),
  };
}

function vpc(k: ConverterKit, id: string, p: Props): void {
  const block =
    p.Ipv4IpamPoolId !== undefined && p.CidrBlock === undefined
      ? unknown("allocated from an IPAM pool at deploy time")
      : (cidr(k, id, "CidrBlock", p.CidrBlock) ?? unknown("the VPC has no CidrBlock"));
  const enableDnsSupport = bool(p.EnableDnsSupport, true);
  const enableDnsHostnames = bool(p.EnableDnsHostnames, false);
  k.draft.vpcs.set(id, {
    kind: "vpc",
    id,
    origin: k.origin(id),
    cidrs: [block],
    enableDnsSupport: enableDnsSupport === true,
    enableDnsHostnames: enableDnsHostnames === true,
    mainRouteTableId: implicitIds.mainRouteTable(id),
    defaultNetworkAclId: implicitIds.defaultNetworkAcl(id),
    defaultSecurityGroupId: implicitIds.defaultSecurityGroup(id),
  });
  const dflt = k.origin(id, undefined, { source: "default", isDefault: true });
  const d = vpcDefaults(id, defaultIdsOf(id), dflt, false);
  k.draft.routeTables.set(d.routeTable.id, d.routeTable);
  k.draft.nacls.set(d.networkAcl.id, d.networkAcl);
  k.draft.sgs.set(d.securityGroup.id, d.securityGroup);
}

function vpcCidrBlock(k: ConverterKit, id: string, p: Props): void {
  const vpc = k.draft.vpcs.get(String(k.ref(p.VpcId, "VpcId")));
  if (!vpc) return;
  if (p.CidrBlock === undefined && p.Ipv4IpamPoolId === undefined) {
    // An IPv6 block: AWS adds "allow all IPv6 out" to the VPC's default security group
    // (its default network ACL already carries the IPv6 entries).
    const sg = k.draft.sgs.get(vpc.defaultSecurityGroupId);
    const dflt = k.origin(vpc.id, undefined, { source: "default", isDefault: true });
    if (sg && !sg.egress.some((r) => r.peer.kind === "cidr" && r.peer.cidr.family === 6 && r.peer.cidr.prefix === 0)) {
      sg.egress.push({ protocol: "all", ports: ALL_PORTS, peer: { kind: "cidr", cidr: ANY_IPV6 }, origin: dflt });
    }
  }
  if (p.CidrBlock !== undefined) vpc.cidrs.push(cidr(k, id, "CidrBlock", p.CidrBlock) ?? unknown("no CidrBlock"));
  else if (p.Ipv6CidrBlock !== undefined) vpc.cidrs.push(cidr(k, id, "Ipv6CidrBlock", p.Ipv6CidrBlock) ?? unknown("no block"));
  else if (p.AmazonProvidedIpv6CidrBlock === true || p.AmazonProvidedIpv6CidrBlock === "true") {
    vpc.cidrs.push(unknown(`the IPv6 block of ${id} is assigned by AWS at deploy time`));
  } else vpc.cidrs.push(unknown(`${id} gets its block from an IPAM pool at deploy time`));
}

function subnet(k: ConverterKit, id: string, p: Props): void {
  const vpcId = k.ref(p.VpcId, "VpcId") ?? unknown("the subnet has no VpcId");
  const az = p.AvailabilityZone;
  const ipv6 = p.Ipv6CidrBlock === undefined ? [] : [cidr(k, id, "Ipv6CidrBlock", p.Ipv6CidrBlock) ?? unknown("none")];
  const mainRt = typeof vpcId === "string" ? implicitIds.mainRouteTable(vpcId) : unknown("the subnet's VPC is unknown");
  const defNacl = typeof vpcId === "string" ? implicitIds.defaultNetworkAcl(vpcId) : unknown("the subnet's VPC is unknown");
  const mapPublic = bool(p.MapPublicIpOnLaunch, false);
  const mapPublicUnknown = isUnknown(mapPublic) ? { mapPublicIpOnLaunchUnknown: mapPublic } : {};
  k.draft.subnets.set(id, {
    kind: "subnet",
    id,
    origin: k.origin(id),
    vpcId,
    az:
      typeof az === "string"
        ? az
        : isUnknown(az)
          ? az
          : az === undefined && p.AvailabilityZoneId === undefined
            ? unknown("no AvailabilityZone given: AWS picks one at deploy time")
            : typeof p.AvailabilityZoneId === "string"
              ? p.AvailabilityZoneId
              : unknown("AvailabilityZone known only at deploy time"),
    cidr:
      cidr(k, id, "CidrBlock", p.CidrBlock) ??
      unknown(p.Ipv4IpamPoolId ? "allocated from an IPAM pool" : "the subnet has no IPv4 CidrBlock"),
    ipv6Cidrs: ipv6,
    mapPublicIpOnLaunch: mapPublic === true,
    ...mapPublicUnknown,
    ipv6Native: bool(p.Ipv6Native, false) === true,
    routeTableId: mainRt,
    routeTableIsMain: true,
    networkAclId: defNacl,
    networkAclIsDefault: true,
  });
}

function routeTable(k: ConverterKit, id: string, p: Props): void {
  k.draft.routeTables.set(id, {
    kind: "route-table",
    id,
    origin: k.origin(id),
    vpcId: k.ref(p.VpcId, "VpcId") ?? unknown("no VpcId"),
    isMain: false,
    routes: [],
  });
}

function prefixList(k: ConverterKit, id: string, p: Props): void {
  const cidrs: Cidr[] = [];
  for (const e of Array.isArray(p.Entries) ? (p.Entries as Value[]) : []) {
    if (isPlainObject(e) && typeof e.Cidr === "string") {
      const c = parseCidr(e.Cidr);
      if (c) cidrs.push(c.cidr);
    }
  }
  const pl: PrefixList = { kind: "prefix-list", id, origin: k.origin(id), cidrs };
  k.draft.others.push(pl);
}

function route(k: ConverterKit, id: string, p: Props): void {
  const rtRef = k.ref(p.RouteTableId, "RouteTableId");
  const rt = typeof rtRef === "string" ? k.draft.routeTables.get(rtRef) : undefined;
  if (!rt) {
    k.report("LOAD_UNRESOLVED", "warning", `${id} belongs to a route table that is not in this template`, id, "RouteTableId");
    return;
  }
  let destination: Route["destination"];
  if (p.DestinationCidrBlock !== undefined || p.DestinationIpv6CidrBlock !== undefined) {
    const key = p.DestinationCidrBlock !== undefined ? "DestinationCidrBlock" : "DestinationIpv6CidrBlock";
    const c = cidr(k, id, key, p[key]);
    destination = c && !isUnknown(c) ? { kind: "cidr", cidr: c } : { kind: "unknown", reason: c ? c.reason : "no destination" };
  } else if (p.DestinationPrefixListId !== undefined) {
    const plRef = k.ref(p.DestinationPrefixListId, "prefix list") ?? unknown("empty");
    const pl =
      typeof plRef === "string" ? k.draft.others.find((e): e is PrefixList => e.kind === "prefix-list" && e.id === plRef) : undefined;
    destination = {
      kind: "prefix-list",
      id: plRef,
      cidrs: pl ? pl.cidrs : unknown("the prefix list's entries are not in this template"),
    };
  } else {
    k.report("LOAD_INVALID_VALUE", "error", `${id} has no destination`, id);
    return;
  }
  const target = routeTarget(k, id, p);
  const r: Route = {
    destination,
    target,
    state: target.kind === "none" ? "blackhole" : "active",
    origin: k.origin(id),
  };
  rt.routes.push(r);
}

const TARGETS: readonly [string, RouteTarget["kind"]][] = [
  ["NatGatewayId", "nat-gateway"],
  ["InstanceId", "instance"],
  ["NetworkInterfaceId", "network-interface"],
  ["EgressOnlyInternetGatewayId", "egress-only-internet-gateway"],
  ["VpcPeeringConnectionId", "vpc-peering-connection"],
  ["TransitGatewayId", "transit-gateway"],
  ["VpcEndpointId", "vpc-endpoint"],
  ["CarrierGatewayId", "carrier-gateway"],
  ["LocalGatewayId", "local-gateway"],
  ["CoreNetworkArn", "core-network"],
];

function routeTarget(k: ConverterKit, id: string, p: Props): RouteTarget {
  const given = TARGETS.filter(([key]) => p[key] !== undefined);
  if (p.GatewayId !== undefined) {
    const ref = k.ref(p.GatewayId, "gateway");
    const type = typeof ref === "string" ? k.typeOf(ref) : undefined;
    const raw = p.GatewayId;
    const isVgw = type === "AWS::EC2::VPNGateway" || (typeof raw === "string" && raw.startsWith("vgw-"));
    const isLocal = raw === "local";
    if (isLocal) return { kind: "local" };
    return { kind: isVgw ? "vpn-gateway" : "internet-gateway", id: ref ?? unknown("empty GatewayId") } as RouteTarget;
  }
  if (given.length === 0) {
    k.report("LOAD_INVALID_VALUE", "error", `${id} has no target; AWS rejects such a route`, id);
    return { kind: "none", reason: "the route has no target" };
  }
  if (given.length > 1) k.report("LOAD_INVALID_VALUE", "error", `${id} names more than one target`, id);
  const [key, kind] = given[0] as [string, RouteTarget["kind"]];
  const ref: EntityRef = k.ref(p[key], key) ?? unknown(`empty ${key}`);
  return { kind, id: ref } as RouteTarget;
}

function routeTableAssociation(k: ConverterKit, id: string, p: Props): void {
  const subnet = k.draft.subnets.get(String(k.ref(p.SubnetId, "SubnetId")));
  const rt = k.ref(p.RouteTableId, "RouteTableId");
  if (!subnet) {
    k.report("LOAD_UNRESOLVED", "info", `${id} associates a subnet that is not in this template`, id, "SubnetId");
    return;
  }
  if (!subnet.routeTableIsMain) {
    k.report("LOAD_INVALID_VALUE", "error", `subnet ${subnet.id} is associated with two route tables; AWS allows one`, id, "SubnetId");
    return;
  }
  subnet.routeTableId = rt ?? unknown("empty RouteTableId");
  subnet.routeTableIsMain = false;
  subnet.routeTableOrigin = k.origin(id);
}

export const NETWORK: readonly Converter[] = [
  { type: "AWS::EC2::VPC", phase: "vpcs", convert: vpc },
  { type: "AWS::EC2::VPCCidrBlock", phase: "vpcs", convert: vpcCidrBlock },
  { type: "AWS::EC2::Subnet", phase: "vpcs", convert: subnet },
  { type: "AWS::EC2::RouteTable", phase: "vpcs", convert: routeTable },
  { type: "AWS::EC2::PrefixList", phase: "prefix-lists", convert: prefixList },
  { type: "AWS::EC2::Route", phase: "routes", convert: route },
  { type: "AWS::EC2::SubnetRouteTableAssociation", phase: "associations", convert: routeTableAssociation },
];
