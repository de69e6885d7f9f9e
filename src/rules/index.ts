// The rule registry, sorted by id. A consistency test checks it against the files and docs.
import type { Analysis } from "../analyze/check.ts";
import type { Model } from "../model/model.ts";
import type { Finding, Rule } from "./define.ts";
import dualStackWithoutIpv6Egress from "./dual-stack-without-ipv6-egress.ts";
import egressPathBroken from "./egress-path-broken.ts";
import endpointBlocksFunction from "./endpoint-blocks-function.ts";
import endpointCustomPolicy from "./endpoint-custom-policy.ts";
import endpointMissingAz from "./endpoint-missing-az.ts";
import endpointPrivateDnsDisabled from "./endpoint-private-dns-disabled.ts";
import endpointPrivateDnsWithoutDnsHostnames from "./endpoint-private-dns-without-dns-hostnames.ts";
import functionInPublicSubnet from "./function-in-public-subnet.ts";
import grantedServiceUnreached from "./granted-service-unreached.ts";
import functionMissingInvokePermission from "./function-missing-invoke-permission.ts";
import functionMissingPolicyDependency from "./function-missing-policy-dependency.ts";
import functionSingleAz from "./function-single-az.ts";
import functionSubnetsDisagree from "./function-subnets-disagree.ts";
import functionSubnetsNotDualStack from "./function-subnets-not-dual-stack.ts";
import internetGatewayNotAttached from "./internet-gateway-not-attached.ts";
import managedInstancesWithoutTelemetryPath from "./managed-instances-without-telemetry-path.ts";
import natGatewayCrossAz from "./nat-gateway-cross-az.ts";
import natGatewayWithoutInternetRoute from "./nat-gateway-without-internet-route.ts";
import roleMissingEniPermissions from "./role-missing-eni-permissions.ts";
import vpcConfigLimits from "./vpc-config-limits.ts";
import wiredResourceUnreachable from "./wired-resource-unreachable.ts";

export const RULES: readonly Rule[] = [
  dualStackWithoutIpv6Egress,
  egressPathBroken,
  endpointBlocksFunction,
  endpointCustomPolicy,
  endpointMissingAz,
  endpointPrivateDnsDisabled,
  endpointPrivateDnsWithoutDnsHostnames,
  functionInPublicSubnet,
  functionMissingInvokePermission,
  functionMissingPolicyDependency,
  functionSingleAz,
  functionSubnetsDisagree,
  functionSubnetsNotDualStack,
  grantedServiceUnreached,
  internetGatewayNotAttached,
  managedInstancesWithoutTelemetryPath,
  natGatewayCrossAz,
  natGatewayWithoutInternetRoute,
  roleMissingEniPermissions,
  vpcConfigLimits,
  wiredResourceUnreachable,
];

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Runs every rule; a rule that throws becomes an `internal-rule-error` finding. */
export function runRules(model: Model, analysis: Analysis, rules: readonly Rule[] = RULES): Finding[] {
  const findings: Finding[] = [];
  for (const rule of rules) {
    try {
      rule.check({
        model,
        analysis,
        report: (f) => findings.push({ rule: rule.meta.id, severity: rule.meta.severity, ...f }),
      });
    } catch (e) {
      findings.push({
        rule: "internal-rule-error",
        severity: "error",
        message: `rule ${rule.meta.id} failed: ${(e as Error).message}`,
        resource: "",
        location: { file: model.files[0] ?? "" },
        fix: "Please report this with the template.",
      });
    }
  }
  return findings.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] || a.resource.localeCompare(b.resource) || a.rule.localeCompare(b.rule),
  );
}
