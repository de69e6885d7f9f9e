// VPC endpoints: interface and gateway endpoints, their service, subnets, security groups, route tables and policy.
import { awsServiceOfEndpoint, unknownAwsServiceOfEndpoint } from "../../../aws/facts.ts";
import { didYouMean } from "../../../aws/service-catalogue.ts";
import type { Unknown, VpcEndpoint } from "../../../model/types.ts";
import { isUnknown, unknown } from "../../../model/types.ts";
import type { Value } from "../intrinsics.ts";
import { isPlainObject } from "../intrinsics.ts";
import type { ConverterKit, Props } from "../kit.ts";
import type { Converter } from "./index.ts";
import { bool } from "./values.ts";

const ENDPOINT_TYPES = new Set(["Interface", "Gateway", "GatewayLoadBalancer", "Resource", "ServiceNetwork"]);

/**
 * The default endpoint policy, allow everything to everyone, or its equivalent for the
 * endpoint's service (`s3:*` on an S3 endpoint), written in any statement form.
 */
function isDefaultEndpointPolicy(policy: Value, service: string | null | Unknown): boolean {
  if (!isPlainObject(policy)) return false;
  const statements = Array.isArray(policy.Statement) ? policy.Statement : [policy.Statement];
  return statements.every((st) => {
    if (!isPlainObject(st) || st.Effect !== "Allow" || st.Condition !== undefined) return false;
    const all = (v: Value | undefined, also?: string) =>
      v === "*" || v === also || (Array.isArray(v) && v.length === 1 && (v[0] === "*" || v[0] === also));
    const principal = st.Principal;
    const anyone = all(principal) || (isPlainObject(principal) && all(principal.AWS));
    const everyAction = all(st.Action, typeof service === "string" ? `${service}:*` : undefined);
    return anyone && everyAction && all(st.Resource ?? "*");
  });
}

function vpcEndpoint(k: ConverterKit, id: string, p: Props): void {
  const typeValue = p.VpcEndpointType ?? "Gateway";
  const type: VpcEndpoint["type"] = isUnknown(typeValue)
    ? typeValue
    : typeof typeValue === "string" && ENDPOINT_TYPES.has(typeValue)
      ? (typeValue as VpcEndpoint["type"] & string)
      : unknown(`VpcEndpointType ${JSON.stringify(typeValue)} is not a known endpoint type`);
  const name = p.ServiceName;
  const serviceName = typeof name === "string" ? name : isUnknown(name) ? name : unknown("the service name is not a string");
  const region = k.resolver.options.region;
  const service = typeof serviceName === "string" ? awsServiceOfEndpoint(serviceName, region) : serviceName;
  const unknownService = typeof serviceName === "string" ? unknownAwsServiceOfEndpoint(serviceName, region) : null;
  if (unknownService !== null) {
    k.report(
      "LOAD_UNKNOWN_SERVICE",
      "warning",
      `${serviceName} names no AWS service we know (${unknownService}${didYouMean(unknownService, true).replace(/^; /, ": ")}); the endpoint is treated as another provider's service`,
      id,
      "ServiceName",
    );
  }
  const interfaceLike = type === "Interface";
  const policy = p.PolicyDocument;
  k.draft.others.push({
    kind: "vpc-endpoint",
    id,
    origin: k.origin(id),
    vpcId: k.ref(p.VpcId, "VpcId") ?? unknown("the endpoint has no VpcId"),
    type,
    serviceName,
    service,
    // CloudFormation's default is false (the console and CDK turn it on explicitly).
    privateDnsEnabled: interfaceLike ? bool(p.PrivateDnsEnabled, false) : false,
    privateDnsInboundOnly: isPlainObject(p.DnsOptions) && p.DnsOptions.PrivateDnsOnlyForInboundResolverEndpoint === "OnlyInboundResolver",
    subnetIds: interfaceLike ? k.refList(p.SubnetIds, "subnet") : [],
    securityGroupIds: interfaceLike ? k.refList(p.SecurityGroupIds, "security group") : [],
    routeTableIds: type === "Gateway" ? k.refList(p.RouteTableIds, "route table") : [],
    hasCustomPolicy: policy !== undefined && policy !== null && !isDefaultEndpointPolicy(policy, service),
  });
  if (!isUnknown(type) && type !== "Interface" && type !== "Gateway") {
    k.report(
      "LOAD_UNSUPPORTED_RESOURCE",
      "info",
      `${id} is a ${type} endpoint, which is not part of the network model yet; verdicts do not account for it`,
      id,
      "VpcEndpointType",
    );
  }
}

export const ENDPOINTS: readonly Converter[] = [{ type: "AWS::EC2::VPCEndpoint", phase: "endpoints", convert: vpcEndpoint }];
