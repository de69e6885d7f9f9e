// What AWS decides when a configuration leaves it unsaid, over the model: one answer, read by the
// analyzer (reach and its hops) and by the emulator's planner (src/emulate/plan.ts) alike, as
// block-public-access.ts is. Each decision only: how a packet then fares stays with each of them
// (the differential test relies on two independent implementations of the packet semantics).
// Sources: reference/aws-semantics.md §3 (routes), §6 (security groups), §7 (VPC endpoints).
import type { EntityRef, RouteDestination, Unknown, Vpc, VpcEndpoint } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";

/**
 * The security groups of a network interface that AWS creates for a resource (an interface endpoint's ENIs, an
 * instance, a database or a file system's mount target): the VPC's default security group when the resource names none.
 */
export function groupsOrDefault(
  groups: readonly EntityRef[] | Unknown,
  vpc: Pick<Vpc, "defaultSecurityGroupId">,
): readonly EntityRef[] | Unknown {
  return isUnknown(groups) || groups.length > 0 ? groups : [vpc.defaultSecurityGroupId];
}

/**
 * Whether an interface endpoint's private DNS captures its service's regional name for the whole VPC: private DNS on,
 * not for inbound Resolver endpoints only, in a VPC with EnableDnsSupport and EnableDnsHostnames. Otherwise the name
 * resolves to the service's public endpoint. (Private DNS whose setting is not known captures nothing here: callers
 * that can say "unknown" check `privateDnsEnabled` themselves.)
 */
export function privateDnsCaptures(ep: VpcEndpoint, vpc: Pick<Vpc, "enableDnsSupport" | "enableDnsHostnames">): boolean {
  return (
    ep.type === "Interface" && ep.privateDnsEnabled === true && !ep.privateDnsInboundOnly && vpc.enableDnsSupport && vpc.enableDnsHostnames
  );
}

/**
 * Which route wins among routes to the same block (after the longest prefix): static routes (a CIDR) before
 * prefix-list routes (propagated routes, not modelled, would come last). Lower wins.
 */
export function routePrecedence(d: RouteDestination): number {
  return d.kind === "prefix-list" ? 1 : 0;
}
