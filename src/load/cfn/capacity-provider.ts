// Lambda Managed Instances: AWS::Lambda::CapacityProvider (AWS::Serverless::CapacityProvider is
// expanded to it by sam.ts) -> CapacityProvider; and the interface endpoints for the services the
// instances send telemetry to.
//
// CloudFormation reference (aws-resource-lambda-capacityprovider.html) and the Lambda API
// (API_CapacityProviderVpcConfig.html): VpcConfig is required, SubnetIds 1-16, SecurityGroupIds
// 0-5; no property sets a public IP on the instances (reference/aws-semantics.md §3.7).
import { MANAGED_INSTANCES_TELEMETRY_SERVICES, MAX_FUNCTION_SECURITY_GROUPS, MAX_FUNCTION_SUBNETS } from "../../aws/facts.ts";
import type { CapacityProvider, TelemetryEndpoint, Unknown, VpcConfig } from "../../model/types.ts";
import { isUnknown, unknown } from "../../model/types.ts";
import { isPlainObject } from "./intrinsics.ts";
import type { LoaderKit, Props } from "./kit.ts";

export function capacityProvider(kit: LoaderKit, id: string, p: Props): CapacityProvider {
  const vc = p.VpcConfig;
  let vpcConfig: VpcConfig | Unknown;
  if (isUnknown(vc)) {
    vpcConfig = vc;
  } else if (isPlainObject(vc)) {
    const subnetIds = kit.refList(vc.SubnetIds, "subnet");
    const securityGroupIds = kit.refList(vc.SecurityGroupIds, "security group");
    if (!isUnknown(subnetIds) && subnetIds.length === 0) {
      kit.report(
        "LOAD_INVALID_VALUE",
        "error",
        `capacity provider ${id} names no subnet; AWS requires 1 to ${MAX_FUNCTION_SUBNETS}`,
        id,
        "VpcConfig",
      );
      vpcConfig = unknown(`capacity provider ${id} names no subnet`);
    } else {
      if (!isUnknown(subnetIds) && subnetIds.length > MAX_FUNCTION_SUBNETS) {
        kit.report(
          "LOAD_INVALID_VALUE",
          "error",
          `capacity provider ${id} names ${subnetIds.length} subnets; AWS allows ${MAX_FUNCTION_SUBNETS}`,
          id,
          "VpcConfig",
        );
      }
      if (!isUnknown(securityGroupIds) && securityGroupIds.length > MAX_FUNCTION_SECURITY_GROUPS) {
        kit.report(
          "LOAD_INVALID_VALUE",
          "error",
          `capacity provider ${id} names ${securityGroupIds.length} security groups; AWS allows ${MAX_FUNCTION_SECURITY_GROUPS}`,
          id,
          "VpcConfig",
        );
      }
      // CapacityProviderVpcConfig has no IPv6 switch; dual-stack instances are not modelled.
      vpcConfig = { subnetIds, securityGroupIds, ipv6AllowedForDualStack: false, origin: kit.origin(id, "VpcConfig") };
    }
  } else {
    kit.report("LOAD_INVALID_VALUE", "error", `capacity provider ${id} has no VpcConfig; AWS requires one`, id);
    vpcConfig = unknown(`capacity provider ${id} has no VpcConfig`);
  }
  return {
    kind: "capacity-provider",
    id,
    origin: kit.origin(id),
    name: typeof p.CapacityProviderName === "string" ? p.CapacityProviderName : null,
    vpcConfig,
  };
}

const TELEMETRY_SERVICE = new RegExp(`\\.(${MANAGED_INSTANCES_TELEMETRY_SERVICES.join("|")})$`);

/**
 * AWS::EC2::VPCEndpoint resources whose service is CloudWatch Logs or X-Ray, or is not known.
 * Gateway endpoints exist only for S3 and DynamoDB, so the endpoint type does not matter here.
 */
export function telemetryEndpoints(kit: LoaderKit): TelemetryEndpoint[] {
  const out: TelemetryEndpoint[] = [];
  for (const [id, p] of kit.resourcesOfType("AWS::EC2::VPCEndpoint", ["ServiceName", "VpcId"])) {
    const name = p.ServiceName;
    let service: string | Unknown;
    if (typeof name === "string") {
      const m = TELEMETRY_SERVICE.exec(name);
      if (!m?.[1]) continue;
      service = m[1];
    } else {
      service = isUnknown(name) ? name : unknown(`the ServiceName of ${id} is known only at deploy time`);
    }
    out.push({
      kind: "telemetry-endpoint",
      id,
      origin: kit.origin(id),
      vpcId: kit.ref(p.VpcId, "VpcId") ?? unknown(`${id} has no VpcId`),
      service,
    });
  }
  return out;
}
