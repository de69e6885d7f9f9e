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

/**
 * Diagnostic codes: what a loader (CloudFormation, SAM, CDK, Terraform, a snapshot of a deployed account) or the
 * model check says about its input, as `diagnostics` of the JSON report and the lines before the verdicts. Every
 * code a Diagnostic carries is one of these (the type says so); `lambda-egress explain CODE` prints its entry.
 */
export const DIAGNOSTIC_CODES = {
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
  LOAD_INVALID_VALUE: {
    meaning:
      "A property has a value AWS rejects: a CIDR block that is not one (or has no prefix length, or host bits set), a route with no destination or target or with two targets, a subnet associated with two route tables, a public NAT gateway without an Elastic IP, a rule number out of range, a capacity provider without subnets, an unknown mode. Verdicts that depend on the template are unknown: AWS would not deploy it.",
    fix: "Correct the value the message names, at the location it gives.",
  },
  LOAD_INVALID_RESOURCE: {
    meaning: "A resource has no Type, so neither CloudFormation nor lambda-egress knows what it is.",
    fix: "Give the resource a Type (e.g. AWS::EC2::Subnet), or remove it.",
  },
  LOAD_INVALID_GETATT: {
    meaning: "Fn::GetAtt names an attribute the resource's type does not have: CloudFormation rejects the template.",
    fix: "Use an attribute the resource type returns (its CloudFormation reference lists them), e.g. GroupId of a security group.",
  },
  LOAD_CYCLE: {
    meaning:
      "Resources (or conditions) refer to each other in a circle, through Ref, Fn::GetAtt, Fn::Sub or DependsOn: CloudFormation cannot order their creation and rejects the template.",
    fix: "Break the circle: a security group rule that refers to its own group's peer, for example, goes in a separate AWS::EC2::SecurityGroupIngress or SecurityGroupEgress resource.",
  },
  LOAD_REF_NOT_FOUND: {
    meaning:
      "A Ref, Fn::GetAtt or condition names nothing the template defines (no parameter, resource or condition of that name): CloudFormation rejects the template.",
    fix: "Correct the name, or add the parameter, resource or condition it means.",
  },
  LOAD_BAD_INTRINSIC: {
    meaning:
      "An intrinsic function has arguments of the wrong shape or value (Fn::Select out of range, Fn::Cidr with a bad block or count, Fn::ForEach written wrong): CloudFormation rejects the template.",
    fix: "Write the function as its CloudFormation reference shows; the message names the argument.",
  },
  LOAD_UNKNOWN_INTRINSIC: {
    meaning: "A key that starts with Fn:: is no intrinsic function CloudFormation has: CloudFormation rejects the template.",
    fix: "Correct the function's name (Fn::GetAtt, Fn::Sub, Fn::Join, ...).",
  },
  LOAD_UNSUPPORTED_INTRINSIC: {
    meaning:
      "An intrinsic function is not evaluated where it stands (Fn::ForEach outside a list of resources, outputs or conditions): its result is unknown, and so is every verdict that depends on it.",
    fix: "Nothing to fix in the template if CloudFormation deploys it; give lambda-egress the processed template to check what it generates.",
  },
  LOAD_UNKNOWN_TRANSFORM: {
    meaning:
      "The template names a transform or macro lambda-egress does not expand (other than AWS::Serverless and AWS::LanguageExtensions): what it generates is unknown, so no verdict that depends on it is reachable.",
    fix: "Check the processed template (aws cloudformation get-template --template-stage Processed), or the output of the macro.",
  },
  LOAD_TRANSFORM_MISSING: {
    meaning:
      "The template uses a function of AWS::LanguageExtensions (Fn::ForEach, Fn::Length, Fn::ToJsonString, DefaultValue) without declaring the transform: CloudFormation rejects it. lambda-egress reads it as if it were declared.",
    fix: "Add Transform: AWS::LanguageExtensions at the top of the template (before AWS::Serverless-2016-10-31 in a list).",
  },
  LOAD_FOREACH_DUPLICATE: {
    meaning:
      "Fn::ForEach generates a key that is already defined (by another loop, or written in the template): CloudFormation rejects the template.",
    fix: "Make the generated key unique per item (include ${Identifier} or &{Identifier}) and distinct from the other keys.",
  },
  LOAD_FOREACH_UNRESOLVED: {
    meaning:
      "The collection of an Fn::ForEach is known only at deploy time (a parameter without a value, an import): what the loop generates is unknown, so no verdict that depends on it is reachable.",
    fix: "Give the parameter the collection reads (--param Name=Value).",
  },
  LOAD_SAM_WITHOUT_TRANSFORM: {
    meaning:
      "The template has AWS::Serverless resources but does not declare Transform: AWS::Serverless-2016-10-31: CloudFormation rejects it as is. lambda-egress reads it as SAM.",
    fix: "Add Transform: AWS::Serverless-2016-10-31 at the top of the template.",
  },
  LOAD_UNSUPPORTED_RESOURCE: {
    meaning:
      "A resource that can change what a function reaches is not part of the network model yet (a transit gateway, a VPC peering connection, a VPN gateway, a network firewall, a nested stack, a Gateway Load Balancer endpoint): verdicts do not account for it.",
    fix: "Check by hand what the resource does to the roads the report shows.",
  },
  LOAD_UNRESOLVED: {
    meaning:
      "A resource refers to something the input does not hold (a route table, security group, network ACL, subnet or file system of another stack or of the account), so what it adds is not on any road.",
    fix: "Check the stack or account that defines the other resource, or give its template too (several templates are read together).",
  },
  LOAD_UNKNOWN_SERVICE: {
    meaning:
      "A VPC endpoint's service name is in AWS's form (com.amazonaws.REGION.NAME) but names no service lambda-egress knows: the endpoint is treated as another provider's service.",
    fix: "Correct the service's name (the message suggests the closest one), or ignore the warning for a service newer than lambda-egress.",
  },
  LOAD_SUBNET_OUTSIDE_VPC: {
    meaning: "A subnet's CIDR block lies outside every block of its VPC: AWS rejects the subnet.",
    fix: "Give the subnet a block inside the VPC's CidrBlock (or a block added with AWS::EC2::VPCCidrBlock).",
  },
  LOAD_SUBNET_OVERLAP: {
    meaning: "Two subnets of one VPC have overlapping CIDR blocks: AWS rejects the second.",
    fix: "Give each subnet its own block (Fn::Cidr divides the VPC's block without overlap).",
  },
  LOAD_DUPLICATE_ROUTE: {
    meaning: "Two routes of one route table have the same destination: AWS rejects the second.",
    fix: "Keep one route per destination in each route table.",
  },
  LOAD_DUPLICATE_RULE_NUMBER: {
    meaning: "Two entries of one network ACL have the same rule number in the same direction: AWS rejects the second.",
    fix: "Give each entry of a direction its own rule number.",
  },
  LOAD_DUPLICATE_EXPORT: {
    meaning:
      "Two outputs export the same name (in two templates read together, or in one): CloudFormation refuses a second export of a name in a region.",
    fix: "Give the export a name no other stack uses (e.g. prefix it with ${AWS::StackName}).",
  },
  LOAD_UNKNOWN_PARAMETER: {
    meaning: "--param names a parameter the template does not declare, so it changes nothing.",
    fix: "Use a parameter name the template declares (the message lists them and the closest one).",
  },
  LOAD_UNKNOWN_IMPORT: {
    meaning: "--import names an export no template imports with Fn::ImportValue, so it changes nothing.",
    fix: "Use the export name the template imports.",
  },
  LOAD_PARAM_IGNORED: {
    meaning: "--param was given with Terraform input: it sets CloudFormation parameters only.",
    fix: "Give a Terraform variable's value with --var NAME=VALUE (a plan already holds its variables' values).",
  },
  LOAD_INTERNAL: {
    meaning:
      "A bug: lambda-egress failed to model one resource. The resource is left out, and the verdicts that depend on it may be wrong.",
    fix: "Report the bug with the message and the resource; meanwhile check that resource by hand.",
  },
  LOAD_CDK_NEWER_SCHEMA: {
    meaning:
      "The cloud assembly has a newer schema version than lambda-egress knows: it is read anyway, and what the new version changed may be missed.",
    fix: "Update lambda-egress, or synthesize with a CDK version whose schema it knows.",
  },
  LOAD_CDK_METADATA: {
    meaning:
      "A metadata file the cloud assembly's manifest names is missing or not valid JSON: construct paths come from the templates only.",
    fix: "Synthesize the app again (cdk synth) so the assembly is complete.",
  },
  LOAD_TERRAFORM_VARIABLE: {
    meaning: "A .tfvars file or --var gives a value to a variable the configuration does not declare: it changes nothing.",
    fix: "Correct the variable's name, or declare it in the configuration.",
  },
  LOAD_TERRAFORM_UNDECLARED: {
    meaning: "The configuration uses var.NAME without declaring it: Terraform rejects it, and what depends on it is unknown.",
    fix: "Declare the variable, or give the whole folder if another file declares it.",
  },
  LOAD_TERRAFORM_MODULE_NOT_READ: {
    meaning: "A module's source is not on disk (a registry or remote module before terraform init): what it creates is unknown.",
    fix: "Run terraform init so the module is in .terraform/modules, or give the plan (terraform show -json).",
  },
  LOAD_BAD_SNAPSHOT_ENTRY: {
    meaning: "An element of a snapshot (written by scan) is malformed: it is skipped, and the rest is read.",
    fix: "Write the snapshot again with lambda-egress scan.",
  },
  AWS_ACCESS_DENIED: {
    meaning:
      "The scan was denied an AWS API call: what that call describes is unknown in the snapshot, and so are the verdicts that depend on it.",
    fix: "Grant the scanning identity the action the message names, then scan again.",
  },
  AWS_NOT_SCANNED: {
    meaning:
      "The snapshot does not say whether VPC Block Public Access is on (it was written without the Block Public Access options), so the verdicts cannot account for it.",
    fix: "Scan again with an identity allowed ec2:DescribeVpcBlockPublicAccessOptions and ec2:DescribeVpcBlockPublicAccessExclusions.",
  },
  AWS_NAT_GATEWAY_PENDING: {
    meaning: "A NAT gateway of the account is still being created: it forwards nothing yet.",
    fix: "Scan again once the NAT gateway is available.",
  },
  AWS_ENDPOINT_NOT_AVAILABLE: {
    meaning: "A VPC endpoint of the account is not available (pending, failed, rejected or being deleted): it carries no traffic.",
    fix: "Fix or accept the endpoint in the account, then scan again.",
  },
  AWS_INSTANCE_NOT_RUNNING: {
    meaning: "An EC2 instance that a route targets (a NAT instance) is stopped or terminated: it forwards nothing.",
    fix: "Start the instance (or point the route at a running NAT), then scan again.",
  },
} as const satisfies Record<string, Pick<CodeInfo, "meaning" | "fix">>;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;
