// Lambda Managed Instances (reference/aws-semantics.md §3.7; DESIGN §4.11). A function bound to a
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
import type { CapacityProvider, EntityRef, LambdaFunction, Location, Subnet, TelemetryEndpoint, VpcConfig } from "../model/types.ts";
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

/** Interface endpoints in `vpcId` that may serve CloudWatch Logs or X-Ray. */
export function telemetryEndpointsIn(model: Model, vpcId: string): TelemetryEndpoint[] {
  return model.all("telemetry-endpoint").filter((e) => e.vpcId === vpcId || (isUnknown(e.vpcId) && e.vpcId.literal === undefined));
}

export interface TelemetrySubnet {
  readonly subnet: string;
  readonly verdict: "reachable" | "unreachable" | "unknown";
  readonly reason: string;
  readonly fix?: string;
}

export interface TelemetryPath {
  readonly provider: CapacityProvider;
  readonly location: Location;
  readonly subnets: readonly TelemetrySubnet[];
}

const SERVICES = MANAGED_INSTANCES_TELEMETRY_SERVICES.join(" and ");

/**
 * For each capacity provider and each of its subnets: do the instances have a path to CloudWatch
 * Logs and X-Ray? Through the internet (NAT, or a public IP and an internet gateway) it is
 * decided here; an interface endpoint for either service in the VPC makes the answer unknown
 * until endpoints are part of the analysis.
 */
export function telemetryPaths(model: Model, engine: Reachability = new Reachability(model)): TelemetryPath[] {
  const https = parseDestination("internet");
  const out: TelemetryPath[] = [];
  for (const cp of model.all("capacity-provider")) {
    if (isUnknown(cp.vpcConfig) || isUnknown(cp.vpcConfig.subnetIds)) continue;
    const sgs: readonly EntityRef[] = isUnknown(cp.vpcConfig.securityGroupIds)
      ? [cp.vpcConfig.securityGroupIds]
      : cp.vpcConfig.securityGroupIds;
    const subnets: TelemetrySubnet[] = [];
    for (const ref of cp.vpcConfig.subnetIds) {
      const subnet = model.get("subnet", ref);
      if (!subnet) {
        const why = isUnknown(ref) ? ref.reason : `subnet ${ref} is not defined in this template`;
        subnets.push({ subnet: isUnknown(ref) ? (ref.literal ?? "(unresolved)") : ref, verdict: "unknown", reason: why });
        continue;
      }
      const r: ReachResult = engine.reach({ subnet, securityGroupIds: sgs, managedInstances: managedInstancesHost(cp, subnet) }, https);
      const endpoints = typeof subnet.vpcId === "string" ? telemetryEndpointsIn(model, subnet.vpcId) : [];
      if (r.verdict !== "reachable" && endpoints.length > 0) {
        const names = endpoints.map((e) => e.id).join(", ");
        subnets.push({
          subnet: subnet.id,
          verdict: "unknown",
          reason: `no internet path (${r.reason}); whether endpoint ${names} serves ${SERVICES} is not analyzed yet`,
        });
        continue;
      }
      subnets.push({
        subnet: subnet.id,
        verdict: r.verdict,
        reason: r.verdict === "reachable" ? `through the internet (${r.reason})` : r.reason,
        ...(r.fix ? { fix: r.fix } : {}),
      });
    }
    out.push({ provider: cp, location: locationOf(cp.origin), subnets });
  }
  return out.sort((a, b) => a.provider.id.localeCompare(b.provider.id));
}
