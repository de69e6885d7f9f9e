// The registry of converters: for each CloudFormation resource type the model reads (after SAM expansion), the
// phase it is converted in and the function that turns one resource of it into model entities. The builder
// (../build.ts) converts phase by phase, and within a phase type by type in the order listed here, each type's
// resources in template order: a converter may rely on what every earlier phase made (a route on its route table,
// NAT gateway and prefix list; an instance on its network interface and Elastic IP). One file per concern.
import type { ConverterKit, Props } from "../kit.ts";
import { ACCOUNT } from "./block-public-access.ts";
import { ENDPOINTS } from "./endpoints.ts";
import { FIREWALLS } from "./firewalls.ts";
import { FUNCTIONS } from "./functions.ts";
import { GATEWAYS } from "./gateways.ts";
import { IAM } from "./iam.ts";
import { INTERFACES } from "./instances.ts";
import { NETWORK } from "./network.ts";
import { VPC_RESOURCES } from "./resources.ts";

/** The phases, in the order the builder walks them. */
export const PHASES = [
  /** VPCs, their CIDR blocks, subnets and route tables (AWS's implicit main route table, ACL and group too). */
  "vpcs",
  /** Internet and egress-only gateways with their attachments, Elastic IPs, NAT gateways. */
  "gateways",
  /** Security groups and network ACLs with their rules. */
  "firewalls",
  /** Network interfaces and EC2 instances (NAT instances): they need their subnets, groups and addresses. */
  "interfaces",
  /** Managed prefix lists, which routes name. */
  "prefix-lists",
  "endpoints",
  /** Routes: their tables, targets and prefix lists exist by now. */
  "routes",
  /** Which route table and network ACL each subnet has. */
  "associations",
  /** Roles, then the policies attached to them. */
  "iam",
  /** What a function may be wired to: subnet groups, then the resources naming them, then EFS mount targets and access points. */
  "vpc-resources",
  /** Functions (their file systems' access points exist by now) and Lambda Managed Instances capacity providers. */
  "functions",
  /** Account settings: VPC Block Public Access. */
  "account",
] as const;

export type Phase = (typeof PHASES)[number];

export interface Converter {
  readonly type: string;
  readonly phase: Phase;
  /** Adds what resource `id` (resolved properties `props`) makes to `kit.draft`; reports through `kit.report`. */
  convert(kit: ConverterKit, id: string, props: Props): void;
}

/** Every converter, by concern. */
export const CONVERTERS: readonly Converter[] = [
  ...NETWORK,
  ...GATEWAYS,
  ...FIREWALLS,
  ...INTERFACES,
  ...ENDPOINTS,
  ...IAM,
  ...VPC_RESOURCES,
  ...FUNCTIONS,
  ...ACCOUNT,
];

/** The converters in the order the builder runs them: by phase, and in registry order within a phase. */
export const CONVERSION_ORDER: readonly Converter[] = PHASES.flatMap((phase) => CONVERTERS.filter((c) => c.phase === phase));

/** The converter of each type the model reads. */
export const CONVERTER_OF: ReadonlyMap<string, Converter> = new Map(CONVERTERS.map((c) => [c.type, c]));

/** The resource types the model reads (others are skipped, some with an info diagnostic: see notModelled). */
export const HANDLED: ReadonlySet<string> = new Set(CONVERTER_OF.keys());

/** Resource types outside the model that can change what a function reaches. */
const NETWORK_TYPES_NOT_MODELLED =
  /^AWS::EC2::(TransitGateway\w*|VPCPeeringConnection|VPNGateway|VPNGatewayRoutePropagation|VPNConnection\w*|CarrierGateway|LocalGateway\w*|GatewayRouteTableAssociation|DHCPOptions|VPCDHCPOptionsAssociation|VPCEndpointService)$|^AWS::NetworkFirewall::|^AWS::CloudFormation::Stack$|^AWS::Serverless::Application$/;

/** Whether a type the model does not read can change what a function reaches (the builder says so in an info diagnostic). */
export function notModelled(type: string): boolean {
  return NETWORK_TYPES_NOT_MODELLED.test(type);
}
