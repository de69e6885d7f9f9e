// VPC Block Public Access (BPA): does it stop traffic leaving through an internet gateway?
// Pure over the model. What we rely on (VPC User Guide, security-vpc-bpa.html; EC2 API
// BlockPublicAccessStates, VpcBlockPublicAccessExclusion; https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa.html):
// - The mode is account- and region-wide: an AWS::EC2::VPCBlockPublicAccessOptions in the
//   template applies to every VPC of the region, including VPCs of other stacks.
// - block-bidirectional: "All traffic to and from internet gateways and egress-only internet
//   gateways in this Region (except for excluded VPCs and subnets) is blocked", NAT gateway egress
//   included.
// - block-ingress: "Only traffic to and from NAT gateways and egress-only internet gateways is
//   allowed": a NAT gateway or an egress-only internet gateway still reaches the internet; an
//   address of its own through the internet gateway (the public IP of a NAT instance or a
//   Managed Instance, a function's IPv6 address) does not.
// - Exclusions exempt one VPC or subnet: allow-bidirectional in either mode; allow-egress
//   ("Only applies when BPA is set to Bidirectional") lets outbound traffic through in
//   bidirectional mode.
// - [our inference from that page] The exclusion that counts is the one of the subnet whose traffic meets the
//   internet gateway (the NAT's subnet, or the instance's), or of its VPC; a regional NAT gateway
//   has no subnet, so only a VPC exclusion can exempt it.
import type { Model } from "../model/model.ts";
import type { BlockPublicAccessExclusion, BlockPublicAccessOptions, Location, Subnet } from "../model/types.ts";
import { isUnknown, locationOf } from "../model/types.ts";
import { languageOf, resourceTerm } from "../aws/resource-terms.ts";

/**
 * What meets the gateway: a NAT gateway, an egress-only internet gateway, or an address of its
 * own (an instance's public IPv4, a function's IPv6) through the internet gateway.
 */
export type GatewayUser = "nat-gateway" | "egress-only-gateway" | "public-address";

export type BlockVerdict =
  | { readonly kind: "allowed"; readonly note?: string }
  | { readonly kind: "blocked" | "unknown"; readonly reason: string; readonly fix: string; readonly location: Location };

/**
 * `egress`: traffic that leaves (and its replies); `ingress`: connections opened from the internet (the emulator's
 * internet gateway asks this for a function's IPv6 address), which only allow-bidirectional exempts.
 */
export type BlockDirection = "egress" | "ingress";

function exempts(
  e: BlockPublicAccessExclusion,
  mode: "block-bidirectional" | "block-ingress",
  direction: BlockDirection,
): boolean | "unknown" {
  if (isUnknown(e.mode)) return "unknown";
  return e.mode === "allow-bidirectional" || (mode === "block-bidirectional" && direction === "egress");
}

/** Whether BPA lets traffic from `subnet` (null: a regional NAT gateway) of `vpcId` out through the gateway (or, `ingress`, in). */
export function blockPublicAccess(
  model: Model,
  vpcId: string,
  subnet: Subnet | null,
  user: GatewayUser,
  direction: BlockDirection = "egress",
): BlockVerdict {
  const options = model.all("block-public-access-options");
  if (options.length === 0) return { kind: "allowed" };
  const where = subnet ? `${subnet.id} (in ${vpcId})` : vpcId;
  const mode = user === "public-address" ? "allow-bidirectional" : "allow-egress";
  const scope = `${subnet ? `subnet ${subnet.id} or ` : ""}VPC ${vpcId}`;
  const language = languageOf((options[0] as (typeof options)[number]).origin.source);
  const exclusion = resourceTerm("block-public-access-exclusion", language);
  const exclusionFix =
    language === "terraform"
      ? `Add an ${exclusion} for ${scope} with internet_gateway_exclusion_mode = "${mode}".`
      : language === "aws"
        ? `Exclude ${scope} from Block Public Access (${exclusion}, internet gateway exclusion mode ${mode}).`
        : `Add an ${exclusion} for ${scope} with InternetGatewayExclusionMode: ${mode}.`;
  let open: BlockVerdict | undefined;
  for (const o of options) {
    const v = verdictFor(model, o, vpcId, subnet, user, where, exclusionFix, direction);
    if (v.kind === "blocked") return v;
    if (v.kind === "unknown") open ??= v;
  }
  return open ?? { kind: "allowed" };
}

function verdictFor(
  model: Model,
  o: BlockPublicAccessOptions,
  vpcId: string,
  subnet: Subnet | null,
  user: GatewayUser,
  where: string,
  fix: string,
  direction: BlockDirection,
): BlockVerdict {
  const location = locationOf(o.origin);
  if (isUnknown(o.mode))
    return { kind: "unknown", reason: `the VPC Block Public Access mode of ${o.id} is not known: ${o.mode.reason}`, fix, location };
  if (o.mode === "off") return { kind: "allowed" };
  if (o.mode === "block-ingress" && user !== "public-address") {
    return { kind: "allowed", note: `${o.id} blocks ingress only; NAT gateways and egress-only internet gateways pass` };
  }
  const mode = o.mode;
  let doubt: string | undefined;
  for (const e of model.all("block-public-access-exclusion")) {
    if (isUnknown(e.scope)) {
      doubt ??= `exclusion ${e.id} may exempt ${where}: ${e.scope.reason}`;
      continue;
    }
    const target = e.scope.kind === "vpc" ? vpcId : subnet?.id;
    if (isUnknown(e.scope.id)) {
      // A literal id names an existing VPC or subnet, never one this template creates.
      if (e.scope.id.literal === undefined && (e.scope.kind === "vpc" || subnet))
        doubt ??= `exclusion ${e.id} may exempt ${where}: ${e.scope.id.reason}`;
      continue;
    }
    if (target === undefined || e.scope.id !== target) continue;
    const ok = exempts(e, mode, direction);
    if (ok === "unknown") {
      doubt ??= `exclusion ${e.id} covers ${e.scope.id}, but its mode is not known`;
      continue;
    }
    if (!ok) continue;
    if (e.origin.conditionUnknown) {
      doubt ??= `exclusion ${e.id} exempts ${e.scope.id} only under ${e.origin.conditionUnknown}`;
      continue;
    }
    return { kind: "allowed", note: `${e.id} exempts ${e.scope.id} (${e.mode as string})` };
  }
  if (doubt) return { kind: "unknown", reason: `VPC Block Public Access ${o.id} (${mode}) is on and ${doubt}`, fix, location };
  const what =
    mode === "block-bidirectional"
      ? `blocks all traffic through internet gateways and egress-only internet gateways in the region${user === "nat-gateway" ? ", NAT gateway egress included" : ""}`
      : "blocks internet traffic to and from addresses behind an internet gateway (only NAT gateways and egress-only internet gateways pass)";
  const reason = `VPC Block Public Access ${o.id} (${mode}) ${what}, and no exclusion exempts ${where}`;
  if (o.origin.conditionUnknown)
    return { kind: "unknown", reason: `${reason}, if ${o.id} exists (${o.origin.conditionUnknown})`, fix, location };
  return { kind: "blocked", reason, fix, location };
}
