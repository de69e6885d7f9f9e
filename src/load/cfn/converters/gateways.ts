// Internet and egress-only internet gateways, Elastic IPs and their associations, NAT gateways.
import type { NatGateway, PublicAddress, Unknown } from "../../../model/types.ts";
import { unknown } from "../../../model/types.ts";
import type { Value } from "../intrinsics.ts";
import { isPlainObject, isResourceRef } from "../intrinsics.ts";
import type { ConverterKit, Props } from "../kit.ts";
import type { Converter } from "./index.ts";
import { publicAddressFromAllocation } from "./values.ts";

function internetGateway(k: ConverterKit, id: string): void {
  k.draft.igws.set(id, { kind: "internet-gateway", id, origin: k.origin(id), attachedVpcIds: [] });
}

function gatewayAttachment(k: ConverterKit, id: string, p: Props): void {
  if (p.InternetGatewayId === undefined) return; // a VPN gateway attachment
  const igwRef = k.ref(p.InternetGatewayId, "InternetGatewayId");
  const igw = typeof igwRef === "string" ? k.draft.igws.get(igwRef) : undefined;
  const vpc = k.ref(p.VpcId, "VpcId");
  if (igw && vpc !== null) {
    igw.attachedVpcIds.push(vpc);
    igw.attachmentOrigin = k.origin(id);
  }
}

function egressOnlyGateway(k: ConverterKit, id: string, p: Props): void {
  k.draft.others.push({
    kind: "egress-only-internet-gateway",
    id,
    origin: k.origin(id),
    vpcId: k.ref(p.VpcId, "VpcId") ?? unknown("no VpcId"),
  });
}

function eip(k: ConverterKit, id: string, p: Props): void {
  k.draft.others.push({ kind: "elastic-ip", id, origin: k.origin(id), publicIp: null });
  const cond = k.origin(id).conditionUnknown;
  const addr: PublicAddress = cond
    ? { kind: "unknown", reason: `${id} exists only under ${cond}` }
    : { kind: "elastic-ip", eipId: id, publicIp: null };
  const inst = k.ref(p.InstanceId, "InstanceId");
  if (typeof inst === "string") k.draft.instanceEips.set(inst, addr);
}

function eipAssociation(k: ConverterKit, id: string, p: Props): void {
  const addr =
    publicAddressFromAllocation(p.AllocationId, "AllocationId") ??
    (isResourceRef(p.EIP) ? { kind: "elastic-ip" as const, eipId: p.EIP.$ref, publicIp: null } : null) ??
    (typeof p.EIP === "string" ? { kind: "allocation" as const, allocationId: p.EIP, publicIp: p.EIP } : null);
  if (!addr) {
    k.report("LOAD_INVALID_VALUE", "warning", `${id} names no Elastic IP`, id);
    return;
  }
  // An association the template makes conditional may or may not give the address (no entity of its own carries it).
  const cond = k.origin(id).conditionUnknown;
  const given: PublicAddress = cond ? { kind: "unknown", reason: `${id} associates the address only under ${cond}` } : addr;
  const inst = k.ref(p.InstanceId, "InstanceId");
  if (typeof inst === "string") k.draft.instanceEips.set(inst, given);
  const eni = k.ref(p.NetworkInterfaceId, "NetworkInterfaceId");
  if (typeof eni === "string") k.draft.eniEips.set(eni, given);
}

function natGateway(k: ConverterKit, id: string, p: Props): void {
  const connectivity = p.ConnectivityType === "private" ? "private" : "public";
  const availability = p.AvailabilityMode === "regional" ? "regional" : "zonal";
  const addresses: PublicAddress[] = [];
  const main = publicAddressFromAllocation(p.AllocationId, "AllocationId");
  if (main) addresses.push(main);
  if (Array.isArray(p.SecondaryAllocationIds)) {
    for (const a of p.SecondaryAllocationIds as Value[]) {
      const x = publicAddressFromAllocation(a, "SecondaryAllocationIds");
      if (x) addresses.push(x);
    }
  }
  let regionalAzs: NatGateway["regionalAzs"] = "auto";
  if (availability === "regional" && Array.isArray(p.AvailabilityZoneAddresses)) {
    const azs: (string | Unknown)[] = [];
    regionalAzs = azs;
    for (const entry of p.AvailabilityZoneAddresses as Value[]) {
      if (!isPlainObject(entry)) continue;
      const az = entry.AvailabilityZone ?? entry.AvailabilityZoneId;
      azs.push(typeof az === "string" ? az : unknown("AZ known only at deploy time"));
      for (const a of Array.isArray(entry.AllocationIds) ? (entry.AllocationIds as Value[]) : []) {
        const x = publicAddressFromAllocation(a, "AllocationIds");
        if (x) addresses.push(x);
      }
    }
  }
  if (connectivity === "public" && availability === "zonal" && addresses.length === 0) {
    k.report("LOAD_INVALID_VALUE", "error", `public NAT gateway ${id} has no AllocationId; AWS requires an Elastic IP for it`, id);
  }
  const subnetId = availability === "zonal" ? (k.ref(p.SubnetId, "SubnetId") ?? unknown("no SubnetId")) : null;
  k.draft.nats.set(id, {
    kind: "nat-gateway",
    id,
    origin: k.origin(id),
    vpcId: k.ref(p.VpcId, "VpcId") ?? unknown("not yet known"),
    connectivity,
    availability,
    subnetId,
    addresses,
    regionalAzs,
  });
}

export const GATEWAYS: readonly Converter[] = [
  { type: "AWS::EC2::InternetGateway", phase: "gateways", convert: internetGateway },
  { type: "AWS::EC2::VPCGatewayAttachment", phase: "gateways", convert: gatewayAttachment },
  { type: "AWS::EC2::EgressOnlyInternetGateway", phase: "gateways", convert: egressOnlyGateway },
  { type: "AWS::EC2::EIP", phase: "gateways", convert: eip },
  { type: "AWS::EC2::EIPAssociation", phase: "gateways", convert: eipAssociation },
  { type: "AWS::EC2::NatGateway", phase: "gateways", convert: natGateway },
];
