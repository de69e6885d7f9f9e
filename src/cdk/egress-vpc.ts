// EgressVpc: the CDK construct that builds a VPC with a chosen egress strategy and places Lambda functions in it.
import { CfnOutput, Duration, Fn, Stack, Token } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as iam from "aws-cdk-lib/aws-iam";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { Construct } from "constructs";
import { AWS_SERVICE_PORT, ENI_ACTIONS_DOCUMENTED, LAMBDA_EPHEMERAL_PORTS } from "../aws/facts.ts";
import { DEMO_FUNCTION_CODE, DEMO_FUNCTION_HANDLER, DEMO_FUNCTION_RUNTIME, DEMO_FUNCTION_TIMEOUT } from "../generate/demo-function.ts";
import type { ResolvedPatternOptions } from "../generate/patterns.ts";
import { isGatewayEndpointService, natCount, resolvePatternOptions } from "../generate/patterns.ts";
import { Egress } from "./egress.ts";

/** Properties of an EgressVpc. */
export interface EgressVpcProps {
  /** How the functions get out of the VPC: `Egress.natGatewayPerAz()`, `Egress.endpointsOnly()`, ... */
  readonly egress: Egress;
  /**
   * Availability zones, 1 to 3: one function subnet (and, where the strategy has them, one public
   * subnet) in each.
   *
   * @default 2
   */
  readonly azs?: number;
  /**
   * AWS services given a VPC endpoint, by short name (`s3`, `dynamodb`, `lambda`, `sqs`, ...):
   * gateway endpoints for S3 and DynamoDB on the function subnets' route tables, interface
   * endpoints with private DNS (their security group admitting HTTPS from the functions) for the
   * others. Combinable with any strategy; required by `Egress.endpointsOnly()`.
   *
   * @default - none
   */
  readonly endpoints?: readonly string[];
  /**
   * Dual-stack subnets: an Amazon-provided IPv6 block, an egress-only internet gateway with `::/0`
   * routes for the function subnets, IPv6 egress in the functions' security group and
   * `Ipv6AllowedForDualStack` on the functions. IPv4 keeps the chosen strategy.
   *
   * @default false
   */
  readonly dualStack?: boolean;
  /**
   * Custom network ACLs on every subnet instead of the VPC's default (allow-all) ACL: everything
   * within the VPC both ways, HTTP and HTTPS out, and the ephemeral ports (1024-65535) back in.
   *
   * @default false
   */
  readonly customNacls?: boolean;
  /**
   * The VPC's IPv4 CIDR block, /16 to /24.
   *
   * @default "10.0.0.0/16"
   */
  readonly vpcCidr?: string;
}

/** Properties of a function placed by `EgressVpc.addFunction`: a `lambda.Function`'s, less what the construct decides. */
export interface EgressFunctionProps extends Omit<
  lambda.FunctionProps,
  | "vpc"
  | "vpcSubnets"
  | "securityGroups"
  | "role"
  | "allowPublicSubnet"
  | "allowAllOutbound"
  | "allowAllIpv6Outbound"
  | "ipv6AllowedForDualStack"
> {
  /**
   * Functions this one may invoke (`lambda:InvokeFunction` on each, in its execution role).
   *
   * @default - none
   */
  readonly canInvoke?: readonly lambda.IFunction[];
  /**
   * Security groups added to the construct's function security group.
   *
   * @default - only the construct's group
   */
  readonly extraSecurityGroups?: readonly ec2.ISecurityGroup[];
}

/** The EgressVpc props that build a pattern of the catalogue (src/generate/patterns.ts), as `lambda-egress new` does. */
export function egressVpcPropsForPattern(options: ResolvedPatternOptions): EgressVpcProps {
  const ids = options.eipAllocations;
  const one = ids[0] !== undefined ? { eipAllocationId: ids[0] } : {};
  const common = { azs: options.azs, endpoints: options.endpoints, vpcCidr: options.vpcCidr };
  switch (options.pattern) {
    case "nat-gateway":
      return { ...common, egress: Egress.natGatewayPerAz({ eipAllocationIds: ids }) };
    case "dual-stack":
      return { ...common, egress: Egress.natGatewayPerAz({ eipAllocationIds: ids }), dualStack: true };
    case "shared-nat-gateway":
      return { ...common, egress: Egress.sharedNatGateway(one) };
    case "regional-nat-gateway":
      return { ...common, egress: Egress.regionalNatGateway(one) };
    case "nat-instance":
      return { ...common, egress: Egress.natInstance(one) };
    case "endpoints":
      return { ...common, egress: Egress.endpointsOnly() };
    case "managed-instances-public":
      return { ...common, egress: Egress.publicSubnetsForManagedInstances() };
  }
}

/** `ecr.api` -> `EcrApi`. */
function pascal(service: string): string {
  return service
    .split(/[^a-z0-9]+/i)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

const LAMBDA_PRINCIPAL = "lambda.amazonaws.com";
const BASIC_EXECUTION_POLICY = "service-role/AWSLambdaBasicExecutionRole";

/**
 * A VPC built for Lambda functions' egress by one strategy (NAT gateway per AZ, shared or
 * regional NAT gateway, NAT instance, VPC endpoints only, public subnets for Lambda Managed
 * Instances), optionally dual-stack, with VPC endpoints and custom network ACLs; `addFunction`
 * places functions in it with the security group, subnets and execution role they need.
 */
export class EgressVpc extends Construct {
  /** The VPC. */
  readonly vpc: ec2.Vpc;
  /** The egress strategy. */
  readonly egress: Egress;
  /** The options after defaults and validation (the pattern of the catalogue it builds). */
  readonly options: ResolvedPatternOptions;
  /** Whether the subnets are dual-stack. */
  readonly dualStack: boolean;
  /** The subnets functions are placed in (private, isolated for endpoints-only, public for Managed Instances). */
  readonly functionSubnets: ec2.SubnetSelection;
  /** The security group of every function placed here (of the capacity provider's instances for Managed Instances). */
  readonly functionSecurityGroup: ec2.SecurityGroup;
  /** The security group of the interface endpoints (admits HTTPS from `functionSecurityGroup`), when there are any. */
  readonly endpointSecurityGroup: ec2.SecurityGroup | undefined;
  /** The VPC endpoints, by service short name. */
  readonly endpoints: ReadonlyMap<string, ec2.IVpcEndpoint>;
  /**
   * The egress addresses to allowlist, one per NAT: the public IP of each new Elastic IP (a
   * token), or the allocation id of each existing one. Also stack outputs `EgressIp1`, ...
   */
  readonly egressIps: readonly string[];
  /** The capacity provider functions are bound to, for `Egress.publicSubnetsForManagedInstances()`. */
  readonly capacityProvider: lambda.CapacityProvider | undefined;

  /** Builds the network. Throws when the options are invalid (azs outside 1-3, a missing endpoint list, ...). */
  constructor(scope: Construct, id: string, props: EgressVpcProps) {
    super(scope, id);
    const egress = props.egress;
    const resolved = resolvePatternOptions({
      pattern: egress.pattern,
      azs: props.azs,
      endpoints: props.endpoints,
      eipAllocations: egress.eipAllocationIds,
      vpcCidr: props.vpcCidr,
    });
    const dualStack = props.dualStack ?? false;
    const errors = "errors" in resolved ? [...resolved.errors] : [];
    if (dualStack && egress.pattern === "endpoints") {
      errors.push("dualStack needs a way out for IPv6; Egress.endpointsOnly() has none");
    }
    if ("errors" in resolved || errors.length > 0) throw new Error(`EgressVpc ${id}: ${errors.join("; ")}`);
    const options: ResolvedPatternOptions = {
      ...resolved.options,
      pattern: dualStack && egress.pattern === "nat-gateway" ? "dual-stack" : egress.pattern,
    };
    this.egress = egress;
    this.options = options;
    this.dualStack = dualStack;
    const pattern = egress.pattern;
    const azs = options.azs;

    // Subnets: public ones hold the NATs (or the Managed Instances); the functions' are private,
    // isolated when there is no NAT.
    const hasPublic =
      pattern === "nat-gateway" || pattern === "shared-nat-gateway" || pattern === "nat-instance" || pattern === "managed-instances-public";
    const functionSubnetType =
      pattern === "managed-instances-public"
        ? ec2.SubnetType.PUBLIC
        : pattern === "endpoints"
          ? ec2.SubnetType.PRIVATE_ISOLATED
          : ec2.SubnetType.PRIVATE_WITH_EGRESS;
    const subnetConfiguration: ec2.SubnetConfiguration[] = [];
    if (hasPublic) {
      subnetConfiguration.push({
        name: "Public",
        subnetType: ec2.SubnetType.PUBLIC,
        mapPublicIpOnLaunch: pattern === "managed-instances-public" ? true : undefined,
      });
    }
    if (functionSubnetType !== ec2.SubnetType.PUBLIC) subnetConfiguration.push({ name: "Private", subnetType: functionSubnetType });

    // NATs and their Elastic IPs: new ones (children of this construct, so their public IPs can be
    // output) or the allocation ids given.
    const nats = natCount(pattern, azs);
    const eips: ec2.CfnEIP[] = [];
    const allocationIds: string[] = [...options.eipAllocations];
    if (allocationIds.length === 0) {
      for (let i = 0; i < nats; i++) {
        const eip = new ec2.CfnEIP(this, `NatEip${i + 1}`, { domain: "vpc" });
        eips.push(eip);
        allocationIds.push(eip.attrAllocationId);
      }
    }
    let natGatewayProvider: ec2.NatProvider | undefined;
    let natInstanceProvider: ec2.NatInstanceProviderV2 | undefined;
    if (pattern === "nat-gateway" || pattern === "shared-nat-gateway") {
      natGatewayProvider = ec2.NatProvider.gateway({ eipAllocationIds: allocationIds });
    } else if (pattern === "regional-nat-gateway") {
      natGatewayProvider = ec2.NatProvider.regionalGateway({ allocationId: allocationIds[0] });
    } else if (pattern === "nat-instance") {
      const instanceType = new ec2.InstanceType(egress.instanceType ?? "t4g.nano");
      const cpuType =
        instanceType.architecture === ec2.InstanceArchitecture.ARM_64 ? ec2.AmazonLinuxCpuType.ARM_64 : ec2.AmazonLinuxCpuType.X86_64;
      natInstanceProvider = ec2.NatProvider.instanceV2({
        instanceType,
        machineImage: ec2.MachineImage.latestAmazonLinux2023({ cpuType }),
        defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
      });
      natGatewayProvider = natInstanceProvider;
    }

    this.vpc = new ec2.Vpc(this, "Vpc", {
      ipAddresses: ec2.IpAddresses.cidr(options.vpcCidr),
      availabilityZones: this.pickAzs(azs),
      subnetConfiguration,
      natGateways: natGatewayProvider ? nats : 0,
      natGatewayProvider,
      ipProtocol: dualStack ? ec2.IpProtocol.DUAL_STACK : ec2.IpProtocol.IPV4_ONLY,
      enableDnsSupport: true,
      enableDnsHostnames: true,
    });
    this.functionSubnets = { subnetType: functionSubnetType };

    if (natInstanceProvider) {
      // Only the VPC may use the NAT instance; it keeps its address in an Elastic IP.
      natInstanceProvider.securityGroup.addIngressRule(
        ec2.Peer.ipv4(this.vpc.vpcCidrBlock),
        ec2.Port.allTraffic(),
        "traffic from the VPC to NAT",
      );
      const instance = natInstanceProvider.gatewayInstances[0];
      if (instance) {
        const assoc = new ec2.CfnEIPAssociation(this, "NatInstanceEipAssociation", {
          allocationId: allocationIds[0],
          instanceId: instance.instanceId,
        });
        assoc.node.addDependency(this.vpc.internetConnectivityEstablished);
      }
    }

    // Outputs: the addresses to allowlist.
    const egressIps: string[] = [];
    for (let i = 0; i < nats; i++) {
      const eip = eips[i];
      const value = eip ? eip.attrPublicIp : (allocationIds[i] as string);
      egressIps.push(value);
      new CfnOutput(this, `EgressIp${i + 1}`, {
        value,
        description: eip
          ? `public IPv4 address of NAT ${i + 1}: allowlist it`
          : `Elastic IP allocation id of NAT ${i + 1} (existing): allowlist its address`,
      });
    }
    this.egressIps = egressIps;

    // The functions' security group: all IPv4 out through a NAT; HTTPS to the endpoints and
    // anything within the VPC when there is no NAT; IPv6 out when dual-stack.
    const withNat = pattern !== "endpoints";
    this.functionSecurityGroup = new ec2.SecurityGroup(this, "FunctionSecurityGroup", {
      vpc: this.vpc,
      description: withNat
        ? "Lambda functions: all outbound traffic"
        : "Lambda functions: HTTPS to the VPC endpoints, anything within the VPC",
      allowAllOutbound: withNat,
      allowAllIpv6Outbound: dualStack,
    });
    if (!withNat) {
      this.functionSecurityGroup.addEgressRule(
        ec2.Peer.anyIpv4(),
        ec2.Port.tcp(AWS_SERVICE_PORT),
        "HTTPS to AWS services through the VPC endpoints",
      );
      this.functionSecurityGroup.addEgressRule(ec2.Peer.ipv4(this.vpc.vpcCidrBlock), ec2.Port.allTraffic(), "anything within the VPC");
    }

    // Endpoints.
    const endpoints = new Map<string, ec2.IVpcEndpoint>();
    const interfaceServices = options.endpoints.filter((s) => !isGatewayEndpointService(s));
    if (interfaceServices.length > 0) {
      this.endpointSecurityGroup = new ec2.SecurityGroup(this, "EndpointSecurityGroup", {
        vpc: this.vpc,
        description: "Interface VPC endpoints: HTTPS from the Lambda functions",
        allowAllOutbound: false,
      });
      this.endpointSecurityGroup.addIngressRule(
        this.functionSecurityGroup,
        ec2.Port.tcp(AWS_SERVICE_PORT),
        "HTTPS from the Lambda functions",
      );
    }
    for (const service of options.endpoints) {
      const endpointId = `${pascal(service)}Endpoint`;
      if (isGatewayEndpointService(service)) {
        endpoints.set(
          service,
          this.vpc.addGatewayEndpoint(endpointId, {
            service: service === "s3" ? ec2.GatewayVpcEndpointAwsService.S3 : ec2.GatewayVpcEndpointAwsService.DYNAMODB,
            subnets: [this.functionSubnets],
          }),
        );
      } else {
        endpoints.set(
          service,
          this.vpc.addInterfaceEndpoint(endpointId, {
            service: new ec2.InterfaceVpcEndpointAwsService(service),
            privateDnsEnabled: true,
            open: false,
            securityGroups: this.endpointSecurityGroup ? [this.endpointSecurityGroup] : [],
            subnets: this.functionSubnets,
          }),
        );
      }
    }
    this.endpoints = endpoints;

    if (props.customNacls) this.addNacls();

    if (pattern === "managed-instances-public") {
      this.capacityProvider = new lambda.CapacityProvider(this, "CapacityProvider", {
        subnets: this.vpc.selectSubnets(this.functionSubnets).subnets,
        securityGroups: [this.functionSecurityGroup],
        architectures: [lambda.Architecture.ARM_64],
      });
    }
  }

  /**
   * `azs` availability zones: the stack's own when it knows them (an environment with account and
   * region), else `Fn::Select` over `Fn::GetAZs` (an environment-agnostic stack knows only two).
   */
  private pickAzs(azs: number): string[] {
    const known = Stack.of(this).availabilityZones;
    if (known.length >= azs && known.every((az) => !Token.isUnresolved(az))) return known.slice(0, azs);
    return Array.from({ length: azs }, (_, i) => Fn.select(i, Fn.getAzs()));
  }

  /** One custom network ACL per subnet kind: the VPC both ways, HTTP(S) out, the ephemeral ports back in. */
  private addNacls(): void {
    const kinds: [string, ec2.SubnetType][] = [];
    if (this.vpc.publicSubnets.length > 0) kinds.push(["Public", ec2.SubnetType.PUBLIC]);
    if (this.vpc.privateSubnets.length > 0) kinds.push(["Private", ec2.SubnetType.PRIVATE_WITH_EGRESS]);
    if (this.vpc.isolatedSubnets.length > 0) kinds.push(["Isolated", ec2.SubnetType.PRIVATE_ISOLATED]);
    const ephemeral = ec2.AclTraffic.tcpPortRange(LAMBDA_EPHEMERAL_PORTS.from, LAMBDA_EPHEMERAL_PORTS.to);
    for (const [name, subnetType] of kinds) {
      const acl = new ec2.NetworkAcl(this, `${name}NetworkAcl`, { vpc: this.vpc, subnetSelection: { subnetType } });
      const vpcCidr = ec2.AclCidr.ipv4(this.vpc.vpcCidrBlock);
      const entries: [string, number, ec2.TrafficDirection, ec2.AclCidr, ec2.AclTraffic][] = [
        ["InFromVpc", 100, ec2.TrafficDirection.INGRESS, vpcCidr, ec2.AclTraffic.allTraffic()],
        ["InEphemeral", 110, ec2.TrafficDirection.INGRESS, ec2.AclCidr.anyIpv4(), ephemeral],
        ["OutToVpc", 100, ec2.TrafficDirection.EGRESS, vpcCidr, ec2.AclTraffic.allTraffic()],
        ["OutHttps", 110, ec2.TrafficDirection.EGRESS, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPort(443)],
        ["OutHttp", 120, ec2.TrafficDirection.EGRESS, ec2.AclCidr.anyIpv4(), ec2.AclTraffic.tcpPort(80)],
      ];
      if (this.dualStack) {
        entries.push(
          ["InEphemeral6", 130, ec2.TrafficDirection.INGRESS, ec2.AclCidr.anyIpv6(), ephemeral],
          ["OutHttps6", 130, ec2.TrafficDirection.EGRESS, ec2.AclCidr.anyIpv6(), ec2.AclTraffic.tcpPort(443)],
          ["OutHttp6", 140, ec2.TrafficDirection.EGRESS, ec2.AclCidr.anyIpv6(), ec2.AclTraffic.tcpPort(80)],
        );
      }
      for (const [entryId, ruleNumber, direction, cidr, traffic] of entries) {
        acl.addEntry(entryId, { ruleNumber, direction, cidr, traffic, ruleAction: ec2.Action.ALLOW });
      }
    }
  }

  /**
   * Creates a Lambda function placed in the network: in the function subnets with the function
   * security group (or, for Managed Instances, bound to the capacity provider), with an execution
   * role holding exactly the ENI actions Lambda needs plus basic logging, and invoke rights on
   * `canInvoke`.
   */
  addFunction(id: string, props: EgressFunctionProps): lambda.Function {
    const { canInvoke, extraSecurityGroups, ...functionProps } = props;
    const managed = this.capacityProvider !== undefined;
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal(LAMBDA_PRINCIPAL),
      description: managed ? "Lambda execution role: logs" : "Lambda execution role: the VPC's network interfaces and logs",
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName(BASIC_EXECUTION_POLICY)],
      inlinePolicies: managed
        ? undefined
        : {
            NetworkInterfaces: new iam.PolicyDocument({
              statements: [new iam.PolicyStatement({ actions: [...ENI_ACTIONS_DOCUMENTED], resources: ["*"] })],
            }),
          },
    });
    const fn = managed
      ? new lambda.Function(this, id, { ...functionProps, role })
      : new lambda.Function(this, id, {
          ...functionProps,
          role,
          vpc: this.vpc,
          vpcSubnets: this.functionSubnets,
          securityGroups: [this.functionSecurityGroup, ...(extraSecurityGroups ?? [])],
          ipv6AllowedForDualStack: this.dualStack ? true : undefined,
        });
    if (this.capacityProvider) this.capacityProvider.addFunction(fn);
    for (const target of canInvoke ?? []) target.grantInvoke(role);
    return fn;
  }

  /**
   * Adds the demo connectivity check (src/generate/demo-function.ts): it fetches a page that echoes
   * the caller's public IPv4 address and returns it, or the error (a timeout without a way out).
   */
  addDemoFunction(id = "ConnectivityCheck"): lambda.Function {
    const managed = this.capacityProvider !== undefined;
    return this.addFunction(id, {
      runtime:
        lambda.Runtime.ALL.find((r) => r.name === DEMO_FUNCTION_RUNTIME) ??
        new lambda.Runtime(DEMO_FUNCTION_RUNTIME, lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true }),
      handler: DEMO_FUNCTION_HANDLER,
      code: lambda.Code.fromInline(DEMO_FUNCTION_CODE),
      timeout: Duration.seconds(DEMO_FUNCTION_TIMEOUT),
      ...(managed ? { architecture: lambda.Architecture.ARM_64, memorySize: 2048 } : {}),
    });
  }
}
