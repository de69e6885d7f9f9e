// The planner's notes, typed: what the emulation could not reproduce, as a code and its data, and the one renderer to the
// prose `emulate --plan` prints (and a plan's `notes` carry). Tests match codes and data; only this file words them.
import type { EntityRef, Unknown } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";
import { PRIVATE_V4 } from "./address-space.ts";

/** Each note's data, by code. `what` names the thing the note is about (e.g. `function Fn`, `NAT gateway Nat`). */
export interface PlanNoteData {
  // --- functions
  FUNCTION_NOT_IN_MODEL: { fn: string };
  FUNCTION_NOT_IN_VPC: { fn: string };
  FUNCTION_SUBNETS_UNKNOWN: { fn: string; why: string };
  DUAL_STACK_UNKNOWN: { fn: string; why: string };
  MANAGED_INSTANCES_UNRESOLVED: { fn: string; reason: string };
  MANAGED_INSTANCES: { fn: string; provider: string };
  PUBLIC_IP_UNKNOWN: { what: string; why: string };
  // --- VPCs and subnets
  VPC_CIDR_UNKNOWN: { vpc: string; why: string };
  VPC_PUBLIC_CIDR: { vpc: string; cidr: string };
  VPC_NO_IPV4: { vpc: string };
  DNS_SUPPORT_OFF: { vpc: string; resolver: string };
  SUBNET_UNKNOWN: { what: string; why: string };
  SUBNET_NOT_IN_MODEL: { what: string; subnet: string };
  /** `why` is absent when the CIDR is known but not IPv4. */
  SUBNET_CIDR_UNKNOWN: { what: string; subnet: string; why?: string };
  SUBNET_VPC_NOT_IN_MODEL: { what: string; subnet: string; vpc: string };
  SUBNET_IN_OTHER_VPC: { what: string; subnet: string; vpc: string; expected: string };
  SUBNET_OUTSIDE_VPC: { what: string; subnet: string; cidr: string; vpc: string };
  SUBNET_FULL: { what: string; subnet: string };
  // --- security groups
  SECURITY_GROUPS_UNKNOWN: { what: string; why: string };
  NO_SECURITY_GROUP: { what: string };
  SECURITY_GROUP_NOT_IN_MODEL: { what: string; group: string };
  SG_RULE_PORTS_UNKNOWN: { group: string; egress: boolean };
  SG_RULE_PEER_GROUP_UNKNOWN: { group: string; why: string };
  SG_RULE_PREFIX_LIST_AS_GATEWAY_ENDPOINTS: { group: string; prefixList: string };
  SG_RULE_PREFIX_LIST_UNKNOWN: { group: string; prefixList: string };
  SG_RULE_PEER_UNKNOWN: { group: string; why: string };
  // --- network ACLs
  NACL_UNKNOWN: { subnet: string; why: string };
  NACL_ENTRY_UNKNOWN: { acl: string; egress: boolean; rule: number };
  // --- gateways and public addresses
  NAT_EXTRA_ADDRESSES: { nat: string; regional: boolean; count: number };
  REGIONAL_NAT_AZ_UNKNOWN: { nat: string; why: string };
  REGIONAL_NAT_SUBNET_AZ_UNKNOWN: { nat: string; subnet: string };
  SOURCE_DEST_CHECK_UNKNOWN: { instance: string; why: string };
  PUBLIC_ADDRESS_UNKNOWN: { what: string; why: string };
  EIP_STAND_IN: { eip: string; address: string; standIn: string };
  EXTRA_INTERNET_GATEWAYS: { vpc: string; count: number; emulated: string };
  EXTRA_EGRESS_ONLY_GATEWAYS: { vpc: string; count: number; emulated: string };
  EIGW_WITHOUT_IPV6: { eigw: string; vpc: string };
  BPA_UNKNOWN_ADDRESS: { igw: string; why: string; what: string };
  BPA_UNKNOWN_IPV6: { gateway: string; why: string; subnet: string };
  // --- endpoints
  ENDPOINT_UNKNOWN: { endpoint: string; why: string };
  ENDPOINT_TYPE_NOT_EMULATED: { endpoint: string; type: string };
  GATEWAY_ENDPOINT_ROUTE_TABLES_UNKNOWN: { endpoint: string; why: string };
  INTERFACE_ENDPOINT_SUBNETS_UNKNOWN: { endpoint: string; why: string };
  PRIVATE_DNS_UNKNOWN: { endpoint: string; why: string };
  // --- routes
  ROUTE_TABLE_UNKNOWN: { subnet: string; why: string; what: string };
  ROUTE_PREFIX_LIST_UNKNOWN: { routeTable: string; prefixList: string };
  ROUTE_DESTINATION_UNKNOWN: { routeTable: string; why: string };
  ROUTE_INSIDE_VPC: { routeTable: string; cidrs: readonly string[]; target: string };
  /** `target` is the route target's kind, `id` its id ("" when none); `vpc` the VPC whose router has the table. */
  ROUTE_TARGET_NOT_EMULATED: { routeTable: string; cidr: string; target: string; id: string; vpc: string };
  IPV4_ROUTE_TO_EIGW: { routeTable: string; cidr: string; eigw: string };
  IPV6_ROUTE_OUTSIDE_DOCUMENTATION: { routeTable: string; cidr: string };
  IPV6_ROUTE_TO_NAT: { routeTable: string; cidr: string; nat: string };
  IPV6_ROUTE_TO_INSTANCE: { routeTable: string; cidr: string; target: string; id: string };
  // --- IPv6 blocks (plan-ipv6.ts)
  IPV6_BLOCK_STAND_IN: { vpc: string; block: string; standIn: string };
  IPV6_BLOCK_UNKNOWN: { vpc: string; why: string; standIn: string };
  /** `block` is the subnet's own IPv6 block, absent when not known. */
  SUBNET_IPV6_NO_ROOM: { subnet: string; vpcBlock: string; block?: string };
  SUBNET_IPV6_STAND_IN: { subnet: string; block: string; standIn: string };
  SUBNET_IPV6_UNKNOWN: { vpc: string; standIns: readonly { subnet: string; block: string }[] };
  // --- resources and function environments (plan-resources.ts)
  RESOURCE_SUBNETS_UNKNOWN: { what: string; resource: string; why: string };
  RESOURCE_NO_SUBNET: { what: string; resource: string };
  RESOURCE_PORT_UNKNOWN: { what: string; resource: string; why: string };
  ENV_NAME_INVALID: { fn: string; key: string };
  ENV_RESOURCE_WITHOUT_STAND_IN: { fn: string; subnet?: string; key: string; resource: string };
  ENV_OTHER_TOKENS: { fn: string; key: string; value: string };
}

export type PlanNoteCode = keyof PlanNoteData;
/** One note: its code and data (render it with renderPlanNote). */
export type PlanNote = { [K in PlanNoteCode]: { readonly code: K; readonly data: Readonly<PlanNoteData[K]> } }[PlanNoteCode];
/** Where a planning step reports a note. */
export type NoteSink = (n: PlanNote) => void;

/** The notes that mark a part of AWS the emulator does not reproduce yet (the differential test counts them as gaps). */
export const NOT_EMULATED_YET: ReadonlySet<PlanNoteCode> = new Set<PlanNoteCode>(["ENDPOINT_TYPE_NOT_EMULATED", "ROUTE_INSIDE_VPC"]);

/** Builds a note (typed: the data must fit the code). */
export function planNote<K extends PlanNoteCode>(code: K, data: PlanNoteData[K]): PlanNote {
  return { code, data } as PlanNote;
}

const inOut = (egress: boolean): string => (egress ? "outbound" : "inbound");

const RENDER: { readonly [K in PlanNoteCode]: (d: PlanNoteData[K]) => string } = {
  FUNCTION_NOT_IN_MODEL: (d) => `function ${d.fn} is not in the model: left out`,
  FUNCTION_NOT_IN_VPC: (d) => `function ${d.fn} is not attached to a VPC (it uses Lambda's own network): not emulated`,
  FUNCTION_SUBNETS_UNKNOWN: (d) => `function ${d.fn}: its subnets are not known (${d.why}): left out`,
  DUAL_STACK_UNKNOWN: (d) => `function ${d.fn}: whether Ipv6AllowedForDualStack is on is not known (${d.why}): its ENIs get IPv4 only`,
  MANAGED_INSTANCES_UNRESOLVED: (d) => `function ${d.fn} ${d.reason}: not emulated`,
  MANAGED_INSTANCES: (d) =>
    `function ${d.fn} runs on Lambda Managed Instances (capacity provider ${d.provider}): its ENIs stand for the instances, in the provider's subnets with its security groups`,
  PUBLIC_IP_UNKNOWN: (d) => `${d.what}: whether it gets a public address is not known (${d.why}): it has none`,
  VPC_CIDR_UNKNOWN: (d) => `a CIDR block of ${d.vpc} is not known (${d.why}): left out`,
  VPC_PUBLIC_CIDR: (d) =>
    `${d.vpc} uses ${d.cidr}, outside the private ranges (${PRIVATE_V4.map((c) => c.text).join(", ")}): the emulator gives nothing a public address but documentation ones, so ${d.vpc} is not emulated`,
  VPC_NO_IPV4: (d) => `${d.vpc} has no known IPv4 CIDR block: not emulated`,
  DNS_SUPPORT_OFF: (d) => `${d.vpc} has EnableDnsSupport off: no resolver answers at ${d.resolver}, so names do not resolve in it`,
  SUBNET_UNKNOWN: (d) => `${d.what}: subnet ${d.why}: left out`,
  SUBNET_NOT_IN_MODEL: (d) => `${d.what}: subnet ${d.subnet} is not defined in the model: left out`,
  SUBNET_CIDR_UNKNOWN: (d) => `${d.what}: the IPv4 CIDR of ${d.subnet} is not known${d.why !== undefined ? ` (${d.why})` : ""}: left out`,
  SUBNET_VPC_NOT_IN_MODEL: (d) => `${d.what}: the VPC of ${d.subnet} (${d.vpc}) is not in the model: left out`,
  SUBNET_IN_OTHER_VPC: (d) => `${d.what}: ${d.subnet} lies in ${d.vpc}, not in ${d.expected}: left out`,
  SUBNET_OUTSIDE_VPC: (d) => `${d.what}: ${d.subnet} (${d.cidr}) lies outside the known CIDR blocks of ${d.vpc}: left out`,
  SUBNET_FULL: (d) => `${d.what}: ${d.subnet} has no free address left: left out`,
  SECURITY_GROUPS_UNKNOWN: (d) => `${d.what}: its security groups are not known (${d.why}): all its traffic is dropped`,
  NO_SECURITY_GROUP: (d) => `${d.what}: no security group is given: all its traffic is dropped`,
  SECURITY_GROUP_NOT_IN_MODEL: (d) => `${d.what}: security group ${d.group} is not in the model: its rules are left out`,
  SG_RULE_PORTS_UNKNOWN: (d) =>
    `security group ${d.group}: an ${d.egress ? "egress" : "ingress"} rule's protocol or ports are not known: left out`,
  SG_RULE_PEER_GROUP_UNKNOWN: (d) => `security group ${d.group}: a rule refers to a security group that is not known (${d.why}): left out`,
  SG_RULE_PREFIX_LIST_AS_GATEWAY_ENDPOINTS: (d) =>
    `security group ${d.group}: a rule to prefix list ${d.prefixList} is taken as the gateway endpoint services' stand-ins`,
  SG_RULE_PREFIX_LIST_UNKNOWN: (d) =>
    `security group ${d.group}: a rule to prefix list ${d.prefixList} whose blocks are not known: left out`,
  SG_RULE_PEER_UNKNOWN: (d) => `security group ${d.group}: a rule's peer is not known (${d.why}): left out`,
  NACL_UNKNOWN: (d) => `the network ACL of ${d.subnet} is not known (${d.why}): all traffic in and out of it is dropped`,
  NACL_ENTRY_UNKNOWN: (d) => `network ACL ${d.acl}: ${inOut(d.egress)} rule ${d.rule} is not fully known: left out`,
  NAT_EXTRA_ADDRESSES: (d) =>
    `${d.regional ? "regional " : ""}NAT gateway ${d.nat}: only its first public address is emulated (${d.count} given)`,
  REGIONAL_NAT_AZ_UNKNOWN: (d) => `regional NAT gateway ${d.nat}: an AZ it covers is not known (${d.why}): left out`,
  REGIONAL_NAT_SUBNET_AZ_UNKNOWN: (d) => `regional NAT gateway ${d.nat}: the AZ of ${d.subnet} is not known: its traffic is not taken`,
  SOURCE_DEST_CHECK_UNKNOWN: (d) =>
    `NAT instance ${d.instance}: whether source/destination checking is off is not known (${d.why}): it forwards nothing`,
  PUBLIC_ADDRESS_UNKNOWN: (d) =>
    `${d.what}: its public address is not known (${d.why}): it has no public mapping (its traffic is dropped at the internet gateway)`,
  EIP_STAND_IN: (d) => `Elastic IP ${d.eip} (${d.address}) stands in as ${d.standIn}: the emulator uses documentation addresses only`,
  EXTRA_INTERNET_GATEWAYS: (d) => `${d.vpc} has ${d.count} internet gateways attached; only ${d.emulated} is emulated`,
  EXTRA_EGRESS_ONLY_GATEWAYS: (d) => `${d.vpc} has ${d.count} egress-only internet gateways; only ${d.emulated} is emulated`,
  EIGW_WITHOUT_IPV6: (d) => `egress-only internet gateway ${d.eigw}: ${d.vpc} has no IPv6 block: not emulated`,
  BPA_UNKNOWN_ADDRESS: (d) => `internet gateway ${d.igw}: ${d.why}: ${d.what} is emulated as blocked`,
  BPA_UNKNOWN_IPV6: (d) => `${d.gateway}: ${d.why}: IPv6 traffic of ${d.subnet} through it is emulated as blocked`,
  ENDPOINT_UNKNOWN: (d) => `VPC endpoint ${d.endpoint}: its type or service is not known (${d.why}): left out`,
  ENDPOINT_TYPE_NOT_EMULATED: (d) => `not emulated yet: ${d.type} endpoint ${d.endpoint}`,
  GATEWAY_ENDPOINT_ROUTE_TABLES_UNKNOWN: (d) => `gateway endpoint ${d.endpoint}: its route tables are not known (${d.why}): left out`,
  INTERFACE_ENDPOINT_SUBNETS_UNKNOWN: (d) => `interface endpoint ${d.endpoint}: its subnets are not known (${d.why}): left out`,
  PRIVATE_DNS_UNKNOWN: (d) => `interface endpoint ${d.endpoint}: whether private DNS is on is not known (${d.why}): emulated as off`,
  ROUTE_TABLE_UNKNOWN: (d) => `the route table of ${d.subnet} is not known (${d.why}): traffic of ${d.what} leaving the VPC is dropped`,
  ROUTE_PREFIX_LIST_UNKNOWN: (d) =>
    `route table ${d.routeTable}: a route to prefix list ${d.prefixList} whose blocks are not known: left out`,
  ROUTE_DESTINATION_UNKNOWN: (d) => `route table ${d.routeTable}: a route with an unknown destination (${d.why}): left out`,
  ROUTE_INSIDE_VPC: (d) =>
    `not emulated yet: route table ${d.routeTable} routes ${d.cidrs.join(", ")} inside the VPC to ${d.target}; the local route carries that traffic instead`,
  ROUTE_TARGET_NOT_EMULATED: (d) => {
    const why =
      d.target === "internet-gateway"
        ? `internet gateway ${d.id} is not attached to ${d.vpc} in the model`
        : d.target === "egress-only-internet-gateway"
          ? `egress-only internet gateway ${d.id} is not emulated in ${d.vpc}`
          : d.target === "nat-gateway"
            ? `NAT gateway ${d.id} is not emulated`
            : `${d.target} ${d.id} is not emulated`;
    return `route table ${d.routeTable}: the route to ${d.cidr} is left out (${why}): that traffic is dropped`;
  },
  IPV4_ROUTE_TO_EIGW: (d) =>
    `route table ${d.routeTable}: the IPv4 route to ${d.cidr} goes to egress-only internet gateway ${d.eigw}, which carries IPv6 only: a blackhole`,
  IPV6_ROUTE_OUTSIDE_DOCUMENTATION: (d) =>
    `route table ${d.routeTable}: the IPv6 route to ${d.cidr} is left out: the emulator uses documentation addresses only`,
  IPV6_ROUTE_TO_NAT: (d) =>
    `route table ${d.routeTable}: the IPv6 route to ${d.cidr} goes to NAT gateway ${d.nat}, which does not carry IPv6 to the internet: a blackhole (NAT64 is not emulated)`,
  IPV6_ROUTE_TO_INSTANCE: (d) =>
    `route table ${d.routeTable}: the IPv6 route to ${d.cidr} goes to ${d.target} ${d.id}: IPv6 through an instance is not emulated (a blackhole)`,
  IPV6_BLOCK_STAND_IN: (d) =>
    `${d.vpc}: its IPv6 block ${d.block} stands in as ${d.standIn}: the emulator uses documentation addresses only`,
  IPV6_BLOCK_UNKNOWN: (d) => `${d.vpc}: its IPv6 block is not known (${d.why}): it stands in as ${d.standIn}`,
  SUBNET_IPV6_NO_ROOM: (d) =>
    `${d.subnet}: no /64 is left in ${d.vpcBlock}${d.block !== undefined ? ` for its IPv6 block ${d.block}` : ""}: it has no IPv6 in the emulation`,
  SUBNET_IPV6_STAND_IN: (d) => `${d.subnet}: its IPv6 block ${d.block} stands in as ${d.standIn}`,
  SUBNET_IPV6_UNKNOWN: (d) =>
    `${d.vpc}: the IPv6 blocks of its subnets are not known: they stand in as ${d.standIns.map((s) => `${s.subnet} ${s.block}`).join(", ")}`,
  RESOURCE_SUBNETS_UNKNOWN: (d) => `${d.what} ${d.resource}: no stand-in: the subnets of ${d.resource}: ${d.why}`,
  RESOURCE_NO_SUBNET: (d) => `${d.what} ${d.resource}: no stand-in: ${d.resource} names no subnet`,
  RESOURCE_PORT_UNKNOWN: (d) =>
    `${d.what} ${d.resource}: no stand-in: the port of ${d.resource}: ${d.why} (name it with resource:${d.resource}:PORT)`,
  ENV_NAME_INVALID: (d) => `function ${d.fn}: environment variable ${JSON.stringify(d.key)} is not a variable name Lambda takes: left out`,
  ENV_RESOURCE_WITHOUT_STAND_IN: (d) =>
    `function ${d.fn}${d.subnet !== undefined ? ` in ${d.subnet}` : ""}: environment ${d.key} names ${d.resource}, which has no stand-in there: left out`,
  ENV_OTHER_TOKENS: (d) =>
    `function ${d.fn}: environment ${d.key} is left out: only a resource's address and port have stand-ins (${d.value.replace(/\$\{|\}/g, "")})`,
};

/** The prose of a note, as `emulate --plan` prints it. */
export function renderPlanNote(n: PlanNote): string {
  return (RENDER[n.code] as (d: PlanNote["data"]) => string)(n.data);
}

/** An unknown's reason for a note, with the literal it stands for when there is one. */
export function whyUnknown(u: Unknown): string {
  return u.literal === undefined ? u.reason : `${u.literal}: ${u.reason}`;
}

/** A reference for a note: its id, or what stands for an unknown one. */
export function refText(r: EntityRef): string {
  return isUnknown(r) ? (r.literal ?? `(${r.reason})`) : r;
}
