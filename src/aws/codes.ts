// Explanation codes for verdicts. AWS Reachability Analyzer's codes are reused where the
// meaning matches (https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html); ours follow
// the same style.

export interface CodeInfo {
  /** One line: what the code means. */
  readonly meaning: string;
  /** How to fix it, in general terms (the verdict's own fix names the components). */
  readonly fix: string;
  /** Defined by AWS Reachability Analyzer (true) or by lambda-egress (false). */
  readonly fromReachabilityAnalyzer: boolean;
}

export const CODES = {
  IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS: {
    meaning: "The packet reaches an internet gateway from an address with no public IPv4 association, so the gateway drops it.",
    fix: "Route the subnet's 0.0.0.0/0 to a NAT gateway that sits in a public subnet (a Lambda ENI never has a public IP).",
    fromReachabilityAnalyzer: true,
  },
  NO_ROUTE_TO_DESTINATION: {
    meaning: "The route table has no route that matches the destination.",
    fix: "Add a route for the destination (0.0.0.0/0 to a NAT gateway for the internet).",
    fromReachabilityAnalyzer: true,
  },
  BAD_STATE_ROUTE: {
    meaning: "The matching route is a blackhole: its target no longer exists. It still wins, and drops the traffic.",
    fix: "Point the route at a target that exists, or delete it.",
    fromReachabilityAnalyzer: true,
  },
  BAD_STATE_ATTACHMENT: {
    meaning: "The route targets an internet gateway that is not attached to the VPC.",
    fix: "Attach the internet gateway with AWS::EC2::VPCGatewayAttachment and make the route DependsOn it.",
    fromReachabilityAnalyzer: true,
  },
  SUBNET_ACL_RESTRICTION: {
    meaning: "A network ACL denies the traffic (ACLs are stateless: the reply to ephemeral ports needs its own rule).",
    fix: "Allow the traffic in the ACL both ways, including the return to ports 1024-65535.",
    fromReachabilityAnalyzer: true,
  },
  ENI_SG_RULES_MISMATCH: {
    meaning: "No security group rule allows the traffic.",
    fix: "Add a rule allowing the traffic to the security group.",
    fromReachabilityAnalyzer: true,
  },
  ENI_SOURCE_DEST_CHECK_RESTRICTION: {
    meaning: "The NAT instance has source/destination checking on, so it drops traffic it does not originate.",
    fix: "Set SourceDestCheck: false on the NAT instance.",
    fromReachabilityAnalyzer: true,
  },
  REGIONAL_NGW_ROUTE_AZ_RESTRICTION: {
    meaning: "The regional NAT gateway has no address in the function subnet's Availability Zone.",
    fix: "Add the Availability Zone to the NAT gateway's AvailabilityZoneAddresses, or use automatic mode.",
    fromReachabilityAnalyzer: true,
  },
  ROUTING_LOOP: {
    meaning: "The NAT's own subnet routes the traffic back to a NAT: it never reaches an internet gateway.",
    fix: "Place the NAT in a public subnet, whose route table sends 0.0.0.0/0 to an attached internet gateway.",
    fromReachabilityAnalyzer: false,
  },
  CANNOT_ROUTE: {
    meaning: "The route's target cannot forward this traffic.",
    fix: "Route the destination to a target that can carry it.",
    fromReachabilityAnalyzer: true,
  },
  VPC_BLOCK_PUBLIC_ACCESS_ENABLED: {
    meaning:
      "VPC Block Public Access blocks the traffic at the internet gateway: bidirectional mode blocks all of it, NAT gateways included; ingress-only mode leaves only NAT gateways and egress-only internet gateways.",
    fix: "Exclude the subnet of the NAT gateway (or of the instance), or its VPC, with an AWS::EC2::VPCBlockPublicAccessExclusion (allow-egress or allow-bidirectional).",
    fromReachabilityAnalyzer: true,
  },
  UNKNOWN_RESOURCE: {
    meaning: "A component on the path is not defined in the configuration (a parameter, an import, an existing resource).",
    fix: "Pass the value with --param, or check the template or account that defines the resource.",
    fromReachabilityAnalyzer: true,
  },
  DESTINATION_IN_EXECUTION_ENVIRONMENT: {
    meaning:
      "The destination is the function's own host (loopback, 0.0.0.0/8): the packets never reach the VPC, so the network does not decide whether something answers there.",
    fix: "Name a destination outside the execution environment (an address of the VPC, a public address, or aws:SERVICE).",
    fromReachabilityAnalyzer: false,
  },
  LINK_LOCAL_DESTINATION: {
    meaning:
      "The destination is link-local (169.254.0.0/16, fe80::/10): no route table forwards it, and what answers there (Amazon DNS, time sync, the execution environment) is outside the network model.",
    fix: "Name the service by its VPC address (the DNS resolver at the VPC base + 2) or a destination outside link-local space.",
    fromReachabilityAnalyzer: false,
  },
  LAMBDA_NO_INSTANCE_METADATA: {
    meaning:
      "The EC2 instance metadata service (169.254.169.254, fd00:ec2::254) answers only on an EC2 instance; a Lambda function is not one and reads its credentials and settings from environment variables.",
    fix: "Read credentials through the SDK's default chain (environment variables in Lambda) and the Availability Zone from the Lambda metadata endpoint, not from IMDS.",
    fromReachabilityAnalyzer: false,
  },
  DESTINATION_NOT_PUBLIC: {
    meaning:
      "The destination is not a public internet address (private, shared, reserved, multicast or broadcast space): a NAT gateway or internet gateway hands it to the internet, which does not route it.",
    fix: "Reach private networks outside the VPC through VPC peering, a transit gateway or a VPN: a route for the destination to that target.",
    fromReachabilityAnalyzer: false,
  },
  UNDECIDED_CONDITION: {
    meaning:
      "A CloudFormation condition the template leaves open (a parameter without a value) decides whether a resource, rule, route or association on the road exists, and the verdict differs between the two.",
    fix: "Give the parameters the condition reads (--param Name=Value), or check each deployment with its own parameter values.",
    fromReachabilityAnalyzer: false,
  },
  UNKNOWN_DESTINATION: {
    meaning: "The destination lies inside the VPC, and which resource holds it (with its own security group) is not known.",
    fix: "Check the destination's security group and network ACL.",
    fromReachabilityAnalyzer: true,
  },
  LAMBDA_IPV6_NOT_ALLOWED: {
    meaning: "The function does not send IPv6: VpcConfig.Ipv6AllowedForDualStack is false (its default), so only IPv4 leaves the ENI.",
    fix: "Set VpcConfig.Ipv6AllowedForDualStack: true (every subnet of the function must then be dual-stack).",
    fromReachabilityAnalyzer: false,
  },
  SUBNET_NOT_DUAL_STACK: {
    meaning: "The function's subnet has no IPv6 CIDR block, so its ENI has no IPv6 address.",
    fix: "Give the subnet an Ipv6CidrBlock from the VPC's IPv6 block (AWS::EC2::VPCCidrBlock with AmazonProvidedIpv6CidrBlock).",
    fromReachabilityAnalyzer: false,
  },
  ENDPOINT_PRIVATE_DNS_NOT_IN_EFFECT: {
    meaning:
      "An interface endpoint for the service exists, but its private DNS is off (or the VPC lacks DNS support or hostnames), so the service name resolves to the public endpoint.",
    fix: "Set PrivateDnsEnabled: true on the endpoint and EnableDnsSupport and EnableDnsHostnames: true on the VPC, or give the function a path to the internet.",
    fromReachabilityAnalyzer: false,
  },
  VPC_DNS_SUPPORT_DISABLED: {
    meaning:
      "The VPC has EnableDnsSupport off: the Amazon-provided resolver does not answer in it, so the function cannot resolve the service's name at all.",
    fix: "Set EnableDnsSupport: true on the VPC (it is true by default).",
    fromReachabilityAnalyzer: false,
  },
  UNSUPPORTED_COMPONENT: {
    meaning: "The path goes through a component lambda-egress does not model yet.",
    fix: "Check the path beyond that component by hand.",
    fromReachabilityAnalyzer: true,
  },
  EFS_NO_MOUNT_TARGET_IN_AZ: {
    meaning:
      "The function mounts an EFS file system that has no mount target in the Availability Zone of this subnet; Lambda needs one in every AZ the function runs in.",
    fix: "Add an AWS::EFS::MountTarget for the file system in a subnet of this AZ (its security group admitting tcp 2049 from the function).",
    fromReachabilityAnalyzer: false,
  },
} as const satisfies Record<string, CodeInfo>;

export type Code = keyof typeof CODES;

/** Codes of the warnings about how a template's text was read (diagnostics, not verdicts). */
export const READ_CODES = {
  LOAD_YAML_LENIENT: {
    meaning:
      "The YAML continues a flow collection ({ } or [ ]) or a quoted string on a line indented no deeper than its key. YAML 1.2 refuses it; PyYAML, which CloudFormation's and cfn-lint's loaders are built on, ignores indentation there, so CloudFormation deploys it and lambda-egress reads it the same way.",
    fix: "Indent the continuation lines deeper than the key (or keep the collection on one line), so that every YAML reader agrees.",
  },
  LOAD_DUPLICATE_KEY: {
    meaning:
      "A key appears twice in one mapping (YAML) or object (JSON). CloudFormation accepts the template and keeps the last one, for JSON and YAML alike (a top-level section written twice is undefined behavior, AWS's documentation says); lambda-egress reads the last one.",
    fix: "Remove one of the two entries, keeping the value that should be deployed.",
  },
  LOAD_INVALID_SUPPRESSION: {
    meaning:
      "A resource's Metadata lambda-egress entry, which lists the rules to ignore on that resource, is not a list of rule ids, or names a rule that does not exist: it suppresses nothing.",
    fix: "Write Metadata: { lambda-egress: { ignore: [RULE, ...] } } with rule ids that `lambda-egress explain` lists (an entry may be { rule: RULE, reason: TEXT }).",
  },
} as const satisfies Record<string, Pick<CodeInfo, "meaning" | "fix">>;

export type ReadCode = keyof typeof READ_CODES;
