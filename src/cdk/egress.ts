// The egress strategies of the EgressVpc construct, chosen like CDK's own NatProvider: `Egress.natGatewayPerAz()`, ...
import type { PatternName } from "../generate/patterns.ts";

/** Options of `Egress.natGatewayPerAz()`. */
export interface NatGatewayPerAzOptions {
  /**
   * Existing Elastic IP allocation ids (`eipalloc-...`), one per AZ in AZ order, so the addresses a
   * partner allowlists survive a rebuild of the stack.
   *
   * @default - a new Elastic IP per NAT gateway
   */
  readonly eipAllocationIds?: readonly string[];
}

/** Options of the strategies with a single NAT (`sharedNatGateway`, `regionalNatGateway`). */
export interface SingleNatOptions {
  /**
   * An existing Elastic IP allocation id (`eipalloc-...`) for the NAT.
   *
   * @default - a new Elastic IP
   */
  readonly eipAllocationId?: string;
}

/** Options of `Egress.natInstance()`. */
export interface NatInstanceOptions extends SingleNatOptions {
  /**
   * The EC2 instance type of the NAT instance (an Amazon Linux 2023 image of the type's architecture).
   *
   * @default "t4g.nano"
   */
  readonly instanceType?: string;
}

/** How the functions of an EgressVpc get out of the VPC. Create one with the static methods. */
export class Egress {
  /** The pattern of the catalogue (src/generate/patterns.ts) this strategy builds (without `dualStack`). */
  readonly pattern: PatternName;
  /** The Elastic IP allocation ids given, if any. */
  readonly eipAllocationIds: readonly string[];
  /** The NAT instance type, for `natInstance`. */
  readonly instanceType: string | undefined;

  private constructor(pattern: PatternName, eipAllocationIds: readonly string[] = [], instanceType?: string) {
    this.pattern = pattern;
    this.eipAllocationIds = eipAllocationIds;
    this.instanceType = instanceType;
  }

  /** One NAT gateway with an Elastic IP in a public subnet of each AZ; each private subnet uses its own AZ's gateway. */
  static natGatewayPerAz(options: NatGatewayPerAzOptions = {}): Egress {
    return new Egress("nat-gateway", options.eipAllocationIds ?? []);
  }

  /** One NAT gateway in the first AZ's public subnet shared by every private subnet (cheaper; that AZ's outage cuts egress). */
  static sharedNatGateway(options: SingleNatOptions = {}): Egress {
    return new Egress("shared-nat-gateway", options.eipAllocationId ? [options.eipAllocationId] : []);
  }

  /** One regional NAT gateway (`AvailabilityMode: regional`) serving every AZ, with no public subnets. */
  static regionalNatGateway(options: SingleNatOptions = {}): Egress {
    return new Egress("regional-nat-gateway", options.eipAllocationId ? [options.eipAllocationId] : []);
  }

  /**
   * One EC2 NAT instance in the first AZ's public subnet: source/destination check off, an Elastic
   * IP, its security group admitting only the VPC's CIDR. Cheap, but unmonitored: nothing replaces it.
   */
  static natInstance(options: NatInstanceOptions = {}): Egress {
    return new Egress("nat-instance", options.eipAllocationId ? [options.eipAllocationId] : [], options.instanceType ?? "t4g.nano");
  }

  /** No internet at all: isolated subnets, and the VPC endpoints named in `endpoints` (required). */
  static endpointsOnly(): Egress {
    return new Egress("endpoints");
  }

  /**
   * Lambda Managed Instances in public subnets: the capacity provider's instances get public IPv4
   * addresses and leave through the internet gateway (no NAT). Functions are bound to the
   * construct's capacity provider instead of being attached to the VPC.
   */
  static publicSubnetsForManagedInstances(): Egress {
    return new Egress("managed-instances-public");
  }
}
