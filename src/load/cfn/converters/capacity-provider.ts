// Lambda Managed Instances: AWS::Lambda::CapacityProvider (AWS::Serverless::CapacityProvider is
// expanded to it by sam.ts) -> CapacityProvider.
//
// CloudFormation reference (aws-resource-lambda-capacityprovider.html) and the Lambda API
// (API_CapacityProviderVpcConfig.html): VpcConfig is required, SubnetIds 1-16, SecurityGroupIds
// 0-5; no property sets a public IP on the instances
// (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-networking.html).
import { MAX_FUNCTION_SECURITY_GROUPS, MAX_FUNCTION_SUBNETS } from "../../../aws/facts.ts";
import type { CapacityProvider, Unknown, VpcConfig } from "../../../model/types.ts";
import { isUnknown, unknown } from "../../../model/types.ts";
import { isPlainObject } from "../intrinsics.ts";
import type { LoaderKit, Props } from "../kit.ts";

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
