// The egress patterns lambda-egress builds, as `lambda-egress new` templates and as the
// `lambda-egress/cdk` construct: their names, options and what each promises. One place for
// both emitters, so that a pattern means the same network whichever way it is built.
import { GATEWAY_ENDPOINT_SERVICES } from "../aws/facts.ts";
import { didYouMean, isRegionalEndpointService } from "../aws/service-catalogue.ts";
import { cidrOverlaps, formatAddress, mustParseCidr, parseCidr } from "../net/ip.ts";
import { closest } from "../report/suggest.ts";

/** The prefixes a pattern's VPC may have: AWS takes /16 to /28; the patterns cut the block in eight subnets of at least /27. */
export const VPC_PREFIX_MIN = 16;
export const VPC_PREFIX_MAX = 24;

/** IPv4 blocks no VPC can use (AWS refuses them, or they never leave a host), with why. */
const VPC_FORBIDDEN: readonly [string, string][] = [
  ["0.0.0.0/8", "'this network' (0.0.0.0/8)"],
  ["127.0.0.0/8", "loopback (127.0.0.0/8)"],
  ["169.254.0.0/16", "link-local (169.254.0.0/16, where the instance metadata service lives)"],
  ["224.0.0.0/4", "multicast (224.0.0.0/4)"],
  ["240.0.0.0/4", "reserved (240.0.0.0/4)"],
];

/** Why `text` cannot be a pattern's VPC block (undefined when it can). */
export function vpcCidrProblem(text: string): string | undefined {
  const p = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text) ? parseCidr(text) : null;
  if (!p || p.cidr.family !== 4) return `the VPC CIDR ${text} is not an IPv4 block (e.g. 10.0.0.0/16)`;
  const c = p.cidr;
  if (c.prefix < VPC_PREFIX_MIN || c.prefix > VPC_PREFIX_MAX)
    return `the VPC CIDR ${text} has a /${c.prefix} prefix: use /${VPC_PREFIX_MIN} to /${VPC_PREFIX_MAX} (AWS takes /16 to /28; the pattern cuts it in eight subnets)`;
  if (p.hostBitsSet) return `the VPC CIDR ${text} has host bits set: did you mean ${formatAddress(4, c.start)}/${c.prefix}?`;
  for (const [block, what] of VPC_FORBIDDEN)
    if (cidrOverlaps(mustParseCidr(block), c)) return `the VPC CIDR ${text} is in the ${what} range, which a VPC cannot use`;
  return undefined;
}

export const PATTERNS = [
  "nat-gateway",
  "shared-nat-gateway",
  "regional-nat-gateway",
  "nat-instance",
  "endpoints",
  "dual-stack",
  "managed-instances-public",
] as const;

export type PatternName = (typeof PATTERNS)[number];

export interface PatternInfo {
  /** One line for `new --help` and the README. */
  readonly summary: string;
  /** Whether the functions reach the public IPv4 internet. */
  readonly internet: boolean;
  /** Whether the functions reach the public IPv6 internet. */
  readonly internet6: boolean;
  /** Whether the functions leave from fixed public IPv4 addresses (Elastic IPs) to allowlist. */
  readonly fixedEgressIps: boolean;
}

export const PATTERN_INFO: Readonly<Record<PatternName, PatternInfo>> = {
  "nat-gateway": {
    summary: "private subnets for the functions, one NAT gateway with an Elastic IP in a public subnet per AZ",
    internet: true,
    internet6: false,
    fixedEgressIps: true,
  },
  "shared-nat-gateway": {
    summary: "one NAT gateway in the first AZ's public subnet shared by every private subnet (cheaper, one AZ's outage cuts egress)",
    internet: true,
    internet6: false,
    fixedEgressIps: true,
  },
  "regional-nat-gateway": {
    summary: "one regional NAT gateway (AvailabilityMode: regional) that serves every AZ, no public subnets",
    internet: true,
    internet6: false,
    fixedEgressIps: true,
  },
  "nat-instance": {
    summary: "one EC2 NAT instance (source/destination check off, its security group open to the VPC only) with an Elastic IP",
    internet: true,
    internet6: false,
    fixedEgressIps: true,
  },
  endpoints: {
    summary: "no internet at all: interface endpoints with private DNS and gateway endpoints (S3, DynamoDB) for the AWS services named",
    internet: false,
    internet6: false,
    fixedEgressIps: false,
  },
  "dual-stack": {
    summary: "dual-stack private subnets: IPv6 through an egress-only internet gateway, IPv4 through a NAT gateway per AZ",
    internet: true,
    internet6: true,
    fixedEgressIps: true,
  },
  "managed-instances-public": {
    summary: "Lambda Managed Instances in public subnets: the instances get public IPv4 addresses and leave through the internet gateway",
    internet: true,
    internet6: false,
    fixedEgressIps: false,
  },
};

export const MIN_AZS = 1;
export const MAX_AZS = 3;
export const DEFAULT_AZS = 2;
export const DEFAULT_VPC_CIDR = "10.0.0.0/16";

export interface PatternOptions {
  readonly pattern: PatternName;
  /** Availability zones, 1-3 (default 2): one private (and, where the pattern has them, one public) subnet in each. */
  readonly azs?: number;
  /** AWS services given a VPC endpoint, by short name (`s3`, `dynamodb`, `lambda`, `sqs`, ...). */
  readonly endpoints?: readonly string[];
  /** Existing Elastic IP allocation ids for the NATs (one per NAT), so the allowlisted addresses survive a rebuild. */
  readonly eipAllocations?: readonly string[];
  /** The VPC's IPv4 CIDR block (default 10.0.0.0/16). */
  readonly vpcCidr?: string;
}

/** Options with their defaults filled in. */
export interface ResolvedPatternOptions {
  readonly pattern: PatternName;
  readonly azs: number;
  readonly endpoints: readonly string[];
  readonly eipAllocations: readonly string[];
  readonly vpcCidr: string;
}

export function isPatternName(s: string): s is PatternName {
  return (PATTERNS as readonly string[]).includes(s);
}

/** How many NATs (and so Elastic IPs) a pattern creates for `azs` AZs. */
export function natCount(pattern: PatternName, azs: number): number {
  switch (pattern) {
    case "nat-gateway":
    case "dual-stack":
      return azs;
    case "shared-nat-gateway":
    case "regional-nat-gateway":
    case "nat-instance":
      return 1;
    case "endpoints":
    case "managed-instances-public":
      return 0;
  }
}

/** Whether a service's endpoint is a gateway endpoint (S3, DynamoDB) rather than an interface endpoint. */
export function isGatewayEndpointService(service: string): boolean {
  return GATEWAY_ENDPOINT_SERVICES.has(service);
}

const SERVICE_NAME = /^[a-z0-9][a-z0-9.-]*$/;

/** Fills in the defaults, or returns what is wrong with the options (one sentence each). */
export function resolvePatternOptions(o: PatternOptions): { options: ResolvedPatternOptions } | { errors: string[] } {
  const errors: string[] = [];
  if (!isPatternName(o.pattern)) {
    const near = closest(String(o.pattern), PATTERNS);
    errors.push(`unknown pattern ${JSON.stringify(o.pattern)}${near ? ` (did you mean ${near}?)` : ""}; one of: ${PATTERNS.join(", ")}`);
  }
  const azs = o.azs ?? DEFAULT_AZS;
  if (!Number.isInteger(azs) || azs < MIN_AZS || azs > MAX_AZS)
    errors.push(`--azs must be a whole number from ${MIN_AZS} to ${MAX_AZS}, not ${azs}`);
  const endpoints = [...new Set(o.endpoints ?? [])];
  for (const s of endpoints) {
    if (!SERVICE_NAME.test(s)) errors.push(`${JSON.stringify(s)} is not an AWS service short name (e.g. s3, dynamodb, lambda)`);
    else if (!isRegionalEndpointService(s))
      errors.push(`${JSON.stringify(s)} is not an AWS service with VPC endpoints${didYouMean(s, true)} (e.g. s3, dynamodb, lambda)`);
  }
  if (o.pattern === "endpoints" && endpoints.length === 0) {
    errors.push("the endpoints pattern needs --endpoints (without them the functions reach nothing outside the VPC)");
  }
  const eipAllocations = o.eipAllocations ?? [];
  if (eipAllocations.length > 0 && isPatternName(o.pattern)) {
    const nats = natCount(o.pattern, azs);
    if (nats === 0) errors.push(`the ${o.pattern} pattern has no NAT, so it takes no --eip-allocations`);
    else if (eipAllocations.length !== nats) {
      errors.push(
        `the ${o.pattern} pattern with ${azs} AZ(s) has ${nats} NAT(s): give ${nats} allocation id(s), not ${eipAllocations.length}`,
      );
    }
    for (const a of eipAllocations) {
      if (!/^eipalloc-[0-9a-f]{8,17}$/.test(a)) errors.push(`${JSON.stringify(a)} is not an Elastic IP allocation id (eipalloc-...)`);
    }
  }
  const vpcCidr = o.vpcCidr ?? DEFAULT_VPC_CIDR;
  const cidrProblem = vpcCidrProblem(vpcCidr);
  if (cidrProblem !== undefined) errors.push(cidrProblem);
  if (errors.length > 0) return { errors };
  return { options: { pattern: o.pattern, azs, endpoints, eipAllocations, vpcCidr } };
}
