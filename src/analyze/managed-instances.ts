// Lambda Managed Instances (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-networking.html). A function bound to a
// capacity provider runs on EC2 instances that Lambda launches in the provider's subnets with the
// provider's security groups, not on a Hyperplane ENI; so the path is the one of an EC2 instance:
// - private subnets reach the internet through a NAT exactly as standard functions do;
// - a subnet routed straight to an internet gateway works when the instance has a public IPv4
//   address ("Ensure resources have public IPv4 addresses or Elastic IP addresses assigned",
//   lambda-managed-instances-networking.html). CapacityProviderVpcConfig has no public-IP
//   setting (API_CapacityProviderVpcConfig.html: SubnetIds, SecurityGroupIds), so the subnet's
//   MapPublicIpOnLaunch decides, as for any EC2 launch that does not override it [INFERENCE].
// - the instances send telemetry to CloudWatch Logs and X-Ray over the VPC: "The connectivity is
//   also needed for transmitting telemetry data to CloudWatch Logs and X-Ray" (same page).
import { MANAGED_INSTANCES_TELEMETRY_SERVICES } from "../aws/facts.ts";
import type { Model } from "../model/model.ts";
import type { CapacityProvider, EntityRef, LambdaFunction, Location, Subnet, VpcConfig } from "../model/types.ts";
import { isUnknown, locationOf } from "../model/types.ts";
import { parseDestination } from "./destination.ts";
import type { ManagedInstancesHost, ReachResult } from "./reach.ts";
import { Reachability } from "./reach.ts";

/** How the instances of `cp` sit in `subnet`. */
export function managedInstancesHost(cp: CapacityProvider, subnet: Subnet): ManagedInstancesHost {
  const u = subnet.mapPublicIpOnLaunchUnknown;
  if (u) return { capacityProvider: cp.id, publicIp: u, publicIpWhy: `MapPublicIpOnLaunch of ${subnet.id}: ${u.reason}` };
  return subnet.mapPublicIpOnLaunch
    ? { capacityProvider: cp.id, publicIp: true, publicIpWhy: `${subnet.id} has MapPublicIpOnLaunch: true` }
    : { capacityProvider: cp.id, publicIp: false, publicIpWhy: `${subnet.id} does not set MapPublicIpOnLaunch: true` };
}

/** The capacity provider a function runs on and its VpcConfig, or why they are not known. */
export function capacityProviderOf(
  model: Model,
  fn: LambdaFunction,
): { readonly provider: CapacityProvider; readonly vpcConfig: VpcConfig } | { readonly reason: string } {
  const ref = fn.capacityProviderId;
  if (ref === null) return { reason: `${fn.id} does not run on Lambda Managed Instances` };
  const cp = model.get("capacity-provider", ref);
  const prefix = "runs on Lambda Managed Instances";
  if (!cp) {
    const why = isUnknown(ref) ? ref.reason : `capacity provider ${ref} is not defined in this template`;
    return { reason: `${prefix}, and ${why}` };
  }
  if (isUnknown(cp.vpcConfig)) return { reason: `${prefix} (${cp.id}), whose VpcConfig is not known: ${cp.vpcConfig.reason}` };
  return { provider: cp, vpcConfig: cp.vpcConfig };
}

export interface TelemetrySubnet {
  readonly subnet: string;
  /** reachable: both services; unreachable: at least one surely not; unknown otherwise. */
  readonly verdict: "reachable" | "unreachable" | "unknown";
  /** Per service (`aws:logs`, `aws:xray`): the reach result from this subnet's instances. */
  readonly services: readonly ReachResult[];
  readonly reason: string;
}

export interface TelemetryPath {
  readonly provider: CapacityProvider;
  readonly location: Location;
  readonly subnets: readonly TelemetrySubnet[];
}

/**
 * For each capacity provider and each of its subnets: can the instances reach CloudWatch Logs
 * and X-Ray (`aws:logs`, `aws:xray`: an interface endpoint with private DNS, else the public
 * endpoint over the internet through a NAT or the instance's own public IP)?
 */
export function telemetryPaths(model: Model, engine: Reachability = new Reachability(model)): TelemetryPath[] {
  const dests = MANAGED_INSTANCES_TELEMETRY_SERVICES.map((s) => parseDestination(`aws:${s}`));
  const out: TelemetryPath[] = [];
  for (const cp of model.all("capacity-provider")) {
    const vc = cp.vpcConfig;
    if (isUnknown(vc) || isUnknown(vc.subnetIds)) continue;
    const subnetIds = vc.subnetIds;
    const sgs: readonly EntityRef[] = isUnknown(vc.securityGroupIds) ? [vc.securityGroupIds] : vc.securityGroupIds;
    const subnets: TelemetrySubnet[] = [];
    for (const ref of subnetIds) {
      const subnet = model.get("subnet", ref);
      if (!subnet) {
        const why = isUnknown(ref) ? ref.reason : `subnet ${ref} is not defined in this template`;
        subnets.push({ subnet: isUnknown(ref) ? (ref.literal ?? "(unresolved)") : ref, verdict: "unknown", services: [], reason: why });
        continue;
      }
      const placement = {
        subnet,
        securityGroupIds: sgs,
        ipv6Allowed: vc.ipv6AllowedForDualStack,
        managedInstances: managedInstancesHost(cp, subnet),
      };
      const services = dests.map((d) => engine.reach(placement, d));
      const failed = services.filter((r) => r.verdict === "unreachable");
      const open = services.filter((r) => r.verdict === "unknown");
      const verdict = failed.length > 0 ? "unreachable" : open.length > 0 ? "unknown" : "reachable";
      const shown = verdict === "reachable" ? services : verdict === "unreachable" ? failed : open;
      subnets.push({ subnet: subnet.id, verdict, services, reason: shown.map((r) => `${r.to}: ${r.reason}`).join("; ") });
    }
    out.push({ provider: cp, location: locationOf(cp.origin), subnets });
  }
  return out.sort((a, b) => a.provider.id.localeCompare(b.provider.id));
}
