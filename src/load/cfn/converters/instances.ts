// Network interfaces and EC2 instances (NAT instances and the like), with the interfaces attached to them.
import { DEFAULT_INSTANCE_TYPE } from "../../../aws/facts.ts";
import type { EntityRef, InstanceVolume, PublicAddress, Unknown } from "../../../model/types.ts";
import { isUnknown, unknown } from "../../../model/types.ts";
import type { Value } from "../intrinsics.ts";
import { isPlainObject } from "../intrinsics.ts";
import type { ConverterKit, Props } from "../kit.ts";
import type { Converter } from "./index.ts";
import { bool } from "./values.ts";

function networkInterface(k: ConverterKit, id: string, p: Props): void {
  const sgs = k.refList(p.GroupSet, "security group");
  k.draft.enis.set(id, {
    kind: "network-interface",
    id,
    origin: k.origin(id),
    subnetId: k.ref(p.SubnetId, "SubnetId") ?? unknown("no SubnetId"),
    securityGroupIds: isUnknown(sgs) ? [sgs] : sgs,
    sourceDestCheck: bool(p.SourceDestCheck, true),
    instanceId: null,
    publicAddress: k.draft.eniEips.get(id) ?? null,
  });
}

function instance(k: ConverterKit, id: string, p: Props): void {
  const nics = Array.isArray(p.NetworkInterfaces) ? (p.NetworkInterfaces as Value[]).filter(isPlainObject) : [];
  const primary = nics.find((n) => String(n.DeviceIndex ?? "0") === "0") ?? nics[0];
  let subnetId: EntityRef = k.ref(p.SubnetId, "SubnetId") ?? unknown("no SubnetId");
  let sgs = k.refList(p.SecurityGroupIds, "security group");
  let publicAddress: PublicAddress | null = k.draft.instanceEips.get(id) ?? null;
  const eniIds: string[] = [];
  if (primary) {
    if (primary.SubnetId !== undefined) subnetId = k.ref(primary.SubnetId, "SubnetId") ?? subnetId;
    if (primary.GroupSet !== undefined) sgs = k.refList(primary.GroupSet, "security group");
    const eniRef = k.ref(primary.NetworkInterfaceId, "NetworkInterfaceId");
    if (typeof eniRef === "string") {
      eniIds.push(eniRef);
      const eni = k.draft.enis.get(eniRef);
      if (eni) {
        subnetId = eni.subnetId;
        sgs = [...eni.securityGroupIds];
        eni.instanceId = id;
        publicAddress ??= eni.publicAddress;
      }
    }
    if (!publicAddress && (primary.AssociatePublicIpAddress === true || primary.AssociatePublicIpAddress === "true")) {
      publicAddress = { kind: "auto-assigned" };
    }
  }
  if (p.SecurityGroups !== undefined && p.SecurityGroupIds === undefined && !primary) {
    sgs = [unknown("security groups named by name (SecurityGroups) are not resolved")];
  }
  k.draft.others.push({
    kind: "instance",
    id,
    origin: k.origin(id),
    subnetId,
    securityGroupIds: isUnknown(sgs) ? [sgs] : sgs,
    sourceDestCheck: bool(p.SourceDestCheck, true),
    // Auto-assigned addresses from the subnet's MapPublicIpOnLaunch are filled in later.
    publicAddress,
    networkInterfaceIds: eniIds,
    instanceType: instanceType(p),
    volumes: volumes(p.BlockDeviceMappings),
  });
}

function instanceType(p: Props): string | Unknown {
  const v = p.InstanceType;
  if (v === undefined || v === null) {
    return p.LaunchTemplate !== undefined ? unknown("the instance type comes from the launch template") : DEFAULT_INSTANCE_TYPE;
  }
  if (typeof v === "string") return v;
  if (isUnknown(v)) return v;
  return unknown("InstanceType is known only at deploy time");
}

function volumes(v: Value | undefined): InstanceVolume[] {
  const out: InstanceVolume[] = [];
  if (!Array.isArray(v)) return out;
  for (const m of v as Value[]) {
    if (!isPlainObject(m) || !isPlainObject(m.Ebs)) continue;
    const device = typeof m.DeviceName === "string" ? m.DeviceName : unknown("DeviceName is known only at deploy time");
    const size = m.Ebs.VolumeSize;
    const n = typeof size === "number" ? size : typeof size === "string" && /^\d+$/.test(size) ? Number(size) : NaN;
    const sizeGb = Number.isFinite(n)
      ? n
      : isUnknown(size)
        ? size
        : unknown(size === undefined ? "no VolumeSize (the snapshot's size applies)" : "VolumeSize is known only at deploy time");
    const type = m.Ebs.VolumeType;
    out.push({
      device,
      sizeGb,
      type:
        typeof type === "string"
          ? type
          : isUnknown(type)
            ? type
            : unknown(type === undefined ? "no VolumeType (EC2's default applies)" : "VolumeType is known only at deploy time"),
    });
  }
  return out;
}

function networkInterfaceAttachment(k: ConverterKit, _id: string, p: Props): void {
  const eni = k.draft.enis.get(String(k.ref(p.NetworkInterfaceId, "NetworkInterfaceId")));
  const inst = k.ref(p.InstanceId, "InstanceId");
  if (eni && typeof inst === "string") eni.instanceId = inst;
}

export const INTERFACES: readonly Converter[] = [
  { type: "AWS::EC2::NetworkInterface", phase: "interfaces", convert: networkInterface },
  { type: "AWS::EC2::Instance", phase: "interfaces", convert: instance },
  { type: "AWS::EC2::NetworkInterfaceAttachment", phase: "interfaces", convert: networkInterfaceAttachment },
];
