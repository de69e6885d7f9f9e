// Security groups with their rules (inline and as their own resources), network ACLs with their entries, and the
// association of a subnet with its network ACL.
import type { SecurityGroupRule } from "../../../model/types.ts";
import { ALL_PORTS, isUnknown, unknown } from "../../../model/types.ts";
import type { Value } from "../intrinsics.ts";
import { isPlainObject } from "../intrinsics.ts";
import type { ConverterKit, Props } from "../kit.ts";
import type { Converter } from "./index.ts";
import { ANY_IPV4, bool, cidr, ports, protocol } from "./values.ts";

function sgRule(k: ConverterKit, id: string, r: Value, direction: "ingress" | "egress", key: string): SecurityGroupRule | null {
  if (!isPlainObject(r)) return null;
  const proto = protocol(r.IpProtocol);
  const range = ports(proto, r.FromPort, r.ToPort);
  const origin = k.origin(id, key);
  const peerSg = direction === "ingress" ? r.SourceSecurityGroupId : r.DestinationSecurityGroupId;
  const peerPl = direction === "ingress" ? r.SourcePrefixListId : r.DestinationPrefixListId;
  let peer: SecurityGroupRule["peer"];
  if (r.CidrIp !== undefined || r.CidrIpv6 !== undefined) {
    const c = cidr(k, id, key, r.CidrIp ?? r.CidrIpv6);
    peer = c && !isUnknown(c) ? { kind: "cidr", cidr: c } : { kind: "unknown", reason: c ? c.reason : "no CIDR" };
  } else if (peerSg !== undefined) {
    const ref = k.ref(peerSg, "security group");
    peer = ref === null ? { kind: "unknown", reason: "empty security group reference" } : { kind: "security-group", id: ref };
  } else if (peerPl !== undefined) {
    const ref = k.ref(peerPl, "prefix list");
    peer = ref === null ? { kind: "unknown", reason: "empty prefix list" } : { kind: "prefix-list", id: ref };
  } else if (r.SourceSecurityGroupName !== undefined) {
    peer = { kind: "unknown", reason: "security group referenced by name (EC2-Classic/default VPC)" };
  } else {
    k.report("LOAD_INVALID_VALUE", "warning", `a ${direction} rule of ${id} names no peer (CIDR, group or prefix list)`, id, key);
    return null;
  }
  return { protocol: proto, ports: range, peer, origin };
}

function securityGroup(k: ConverterKit, id: string, p: Props): void {
  const ingress = (Array.isArray(p.SecurityGroupIngress) ? (p.SecurityGroupIngress as Value[]) : [])
    .map((r) => sgRule(k, id, r, "ingress", "SecurityGroupIngress"))
    .filter((r): r is SecurityGroupRule => r !== null);
  const explicitEgress = Array.isArray(p.SecurityGroupEgress) ? (p.SecurityGroupEgress as Value[]) : [];
  const egress = explicitEgress
    .map((r) => sgRule(k, id, r, "egress", "SecurityGroupEgress"))
    .filter((r): r is SecurityGroupRule => r !== null);
  if (explicitEgress.length === 0) {
    // CloudFormation keeps EC2's default allow-all IPv4 egress unless egress rules are given.
    egress.push({
      protocol: "all",
      ports: ALL_PORTS,
      peer: { kind: "cidr", cidr: ANY_IPV4 },
      origin: k.origin(id, undefined, { isDefault: true }),
    });
  }
  k.draft.sgs.set(id, {
    kind: "security-group",
    id,
    origin: k.origin(id),
    vpcId: k.ref(p.VpcId, "VpcId"),
    ingress,
    egress,
  });
}

/** AWS::EC2::SecurityGroupIngress and AWS::EC2::SecurityGroupEgress: one rule added to a group of the template. */
function securityGroupRule(direction: "ingress" | "egress") {
  return (k: ConverterKit, id: string, p: Props): void => {
    const groupRef = k.ref(p.GroupId, "GroupId");
    const sg = typeof groupRef === "string" ? k.draft.sgs.get(groupRef.replace(/\.GroupId$/, "")) : undefined;
    if (!sg) {
      if (groupRef === null || typeof groupRef === "string") {
        k.report("LOAD_UNRESOLVED", "warning", `${id} adds a rule to a security group that is not in this template`, id, "GroupId");
      }
      return;
    }
    const rule = sgRule(k, id, p, direction, "IpProtocol");
    if (rule) (direction === "ingress" ? sg.ingress : sg.egress).push(rule);
  };
}

function networkAcl(k: ConverterKit, id: string, p: Props): void {
  k.draft.nacls.set(id, {
    kind: "network-acl",
    id,
    origin: k.origin(id),
    vpcId: k.ref(p.VpcId, "VpcId") ?? unknown("no VpcId"),
    isDefault: false,
    entries: [],
  });
}

function networkAclEntry(k: ConverterKit, id: string, p: Props): void {
  const aclRef = k.ref(p.NetworkAclId, "NetworkAclId");
  const acl = typeof aclRef === "string" ? k.draft.nacls.get(aclRef) : undefined;
  if (!acl) {
    k.report("LOAD_UNRESOLVED", "warning", `${id} belongs to a network ACL that is not in this template`, id, "NetworkAclId");
    return;
  }
  const proto = protocol(p.Protocol);
  const range = isPlainObject(p.PortRange) ? p.PortRange : {};
  const portRange = ports(proto, range.From, range.To);
  const action = String(p.RuleAction).toLowerCase() === "deny" ? "deny" : "allow";
  const block = cidr(k, id, p.CidrBlock !== undefined ? "CidrBlock" : "Ipv6CidrBlock", p.CidrBlock ?? p.Ipv6CidrBlock);
  const egress = bool(p.Egress, false);
  acl.entries.push({
    ruleNumber: Number(p.RuleNumber),
    egress: egress === true,
    action,
    protocol: proto,
    ports: portRange,
    cidr: block ?? unknown("no CIDR"),
    origin: k.origin(id),
  });
}

function networkAclAssociation(k: ConverterKit, id: string, p: Props): void {
  const subnet = k.draft.subnets.get(String(k.ref(p.SubnetId, "SubnetId")));
  if (!subnet) return;
  subnet.networkAclId = k.ref(p.NetworkAclId, "NetworkAclId") ?? unknown("empty NetworkAclId");
  subnet.networkAclIsDefault = false;
  subnet.networkAclOrigin = k.origin(id);
}

export const FIREWALLS: readonly Converter[] = [
  { type: "AWS::EC2::SecurityGroup", phase: "firewalls", convert: securityGroup },
  { type: "AWS::EC2::SecurityGroupIngress", phase: "firewalls", convert: securityGroupRule("ingress") },
  { type: "AWS::EC2::SecurityGroupEgress", phase: "firewalls", convert: securityGroupRule("egress") },
  { type: "AWS::EC2::NetworkAcl", phase: "firewalls", convert: networkAcl },
  { type: "AWS::EC2::NetworkAclEntry", phase: "firewalls", convert: networkAclEntry },
  { type: "AWS::EC2::SubnetNetworkAclAssociation", phase: "associations", convert: networkAclAssociation },
];
