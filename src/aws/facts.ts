// Facts about AWS that the loaders, the analysis and the rules rely on. One place for each;
// each names the AWS documentation it comes from.
import { isRegionalEndpointService } from "./service-catalogue.ts";
import { GATEWAY_ENDPOINT_SERVICE_NAMES } from "./services.ts";

export const DEFAULT_REGION = "us-east-1";

/**
 * The Availability Zones Fn::GetAZs returns, by region, as zone letters. GetAZs lists the zones
 * available to the account (those with a default subnet, else all of them), in alphabetical order;
 * these are the usual answers. The zones of each region are those cfn-lint lists
 * (cfnlint/helpers.py AVAILABILITY_ZONES, v1.51), except where an older zone is closed to new
 * accounts, which get the others (ap-northeast-1b, ca-central-1c). A region absent here has no
 * answer: Fn::GetAZs of it is unknown, not guessed.
 */
const AZ_LETTERS: Readonly<Record<string, string>> = {
  "af-south-1": "abc",
  "ap-east-1": "abc",
  "ap-east-2": "abc",
  "ap-northeast-1": "acd",
  "ap-northeast-2": "abcd",
  "ap-northeast-3": "abc",
  "ap-south-1": "abc",
  "ap-south-2": "abc",
  "ap-southeast-1": "abc",
  "ap-southeast-2": "abc",
  "ap-southeast-3": "abc",
  "ap-southeast-4": "abc",
  "ap-southeast-5": "abc",
  "ap-southeast-6": "abc",
  "ap-southeast-7": "abc",
  "ca-west-1": "abc",
  "ca-central-1": "abd",
  "cn-north-1": "abc",
  "cn-northwest-1": "abc",
  "eu-central-1": "abc",
  "eu-central-2": "abc",
  "eu-north-1": "abc",
  "eu-south-1": "abc",
  "eu-south-2": "abc",
  "eu-west-1": "abc",
  "eu-west-2": "abc",
  "eu-west-3": "abc",
  "il-central-1": "abc",
  "me-south-1": "abc",
  "me-central-1": "abc",
  "mx-central-1": "abc",
  "sa-east-1": "abc",
  "us-east-1": "abcdef",
  "us-east-2": "abc",
  "us-gov-east-1": "abc",
  "us-gov-west-1": "abc",
  "us-west-1": "ac",
  "us-west-2": "abcd",
};

/** The zones Fn::GetAZs returns in `region`, or undefined when the tool does not know them. */
export function availabilityZones(region: string): string[] | undefined {
  const letters = AZ_LETTERS[region];
  return letters === undefined ? undefined : [...letters].map((l) => `${region}${l}`);
}

/** EC2 resource ids: a prefix, a dash and hexadecimal digits (`subnet-0a1b2c3d4e5f67890`). */
const EC2_ID = /[a-z0-9-]/;

/**
 * The characters of the value `Ref` (attr undefined) or `Fn::GetAtt` gives for a resource of `type`
 * with properties `props`, for the values AWS writes in a fixed form, each at least one character
 * long: EC2 ids, an Elastic IP's address, a Lambda function's name and ARN. Null when the value may
 * hold any character (names users choose: an IAM role's name may hold a comma). A string that embeds
 * such a value splits on a delimiter none of whose characters it can hold (CloudFormation
 * Template Reference, "Return values" of each type).
 */
export function referenceCharacters(type: string, attr: string | undefined, props: Readonly<Record<string, unknown>>): RegExp | null {
  const key = attr === undefined ? type : `${type}.${attr}`;
  // A security group's Ref is its id only when it is created in a VPC given by VpcId; else its name.
  if (key === "AWS::EC2::SecurityGroup") return props.VpcId === undefined ? null : EC2_ID;
  if (EC2_ID_VALUES.has(key)) return EC2_ID;
  if (key === "AWS::EC2::EIP" || key === "AWS::EC2::EIP.PublicIp") return /[0-9.]/;
  if (key === "AWS::Lambda::Function") return /[A-Za-z0-9_-]/;
  if (key === "AWS::Lambda::Function.Arn") return /[A-Za-z0-9_:-]/;
  return null;
}

const EC2_ID_VALUES: ReadonlySet<string> = new Set([
  "AWS::EC2::VPC",
  "AWS::EC2::VPC.VpcId",
  "AWS::EC2::VPC.DefaultNetworkAcl",
  "AWS::EC2::VPC.DefaultSecurityGroup",
  "AWS::EC2::Subnet",
  "AWS::EC2::Subnet.SubnetId",
  "AWS::EC2::Subnet.VpcId",
  "AWS::EC2::SecurityGroup.GroupId",
  "AWS::EC2::SecurityGroup.VpcId",
  "AWS::EC2::RouteTable",
  "AWS::EC2::RouteTable.RouteTableId",
  "AWS::EC2::InternetGateway",
  "AWS::EC2::InternetGateway.InternetGatewayId",
  "AWS::EC2::EgressOnlyInternetGateway",
  "AWS::EC2::EgressOnlyInternetGateway.Id",
  "AWS::EC2::NatGateway",
  "AWS::EC2::NatGateway.NatGatewayId",
  "AWS::EC2::NetworkAcl",
  "AWS::EC2::NetworkAcl.Id",
  "AWS::EC2::NetworkInterface",
  "AWS::EC2::Instance",
  "AWS::EC2::Instance.InstanceId",
  "AWS::EC2::VPCEndpoint",
  "AWS::EC2::VPCEndpoint.Id",
  "AWS::EC2::EIP.AllocationId",
  "AWS::EC2::TransitGateway",
  "AWS::EC2::VPCPeeringConnection",
  "AWS::EC2::PrefixList",
  "AWS::EC2::PrefixList.PrefixListId",
]);

export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  return "aws";
}

/**
 * The domain of AWS service endpoints. A service's regional name (`SERVICE.REGION.amazonaws.com`) has IPv4
 * addresses only; dual-stack endpoints have names of their own (`SERVICE.REGION.api.aws`, `s3.dualstack...`).
 */
export function urlSuffixOf(region: string): string {
  return region.startsWith("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
}

/** VpcConfig limits: SubnetIds at most 16, SecurityGroupIds at most 5 (Lambda API Reference, VpcConfig:
 * https://docs.aws.amazon.com/lambda/latest/api/API_VpcConfig.html). */
export const MAX_FUNCTION_SUBNETS = 16;
export const MAX_FUNCTION_SECURITY_GROUPS = 5;

/** Ephemeral source ports of Lambda ENIs and NAT gateways: "AWS Lambda functions use ports 1024-65535", "NAT gateways
 * use ports 1024-65535" (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html). */
export const LAMBDA_EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;
export const NAT_GATEWAY_EPHEMERAL_PORTS = { from: 1024, to: 65535 } as const;

/** The "internet" destination class: TCP to this port unless `internet:PORT` says otherwise. */
export const DEFAULT_INTERNET_PORT = 443;

/** AWS service APIs are HTTPS: clients connect to TCP 443 (endpoint ENIs and public endpoints alike). */
export const AWS_SERVICE_PORT = 443;

/** Services with gateway endpoints (route-table entries to an AWS-managed prefix list); IPv4 only. */
export const GATEWAY_ENDPOINT_SERVICES: ReadonlySet<string> = new Set(GATEWAY_ENDPOINT_SERVICE_NAMES);

/**
 * Public IPv6 space for `internet6`: the global unicast block 2000::/3, from which every public
 * IPv6 address (AWS's included) is allocated today.
 */
export const PUBLIC_IPV6 = "2000::/3";

/** Service names of AWS endpoints are `com.amazonaws.<region>.<service>`. */
const AWS_ENDPOINT_SERVICE = /^com\.amazonaws\.([a-z0-9-]+)\.([a-z0-9.-]+)$/;

/**
 * The AWS service an endpoint's ServiceName designates in `region` (`com.amazonaws.us-east-1.dynamodb`
 * -> `dynamodb`), or null when it is not an AWS service of that region (a partner's or one's own
 * `com.amazonaws.vpce.<region>.vpce-svc-...`, another region's service).
 */
export function awsServiceOfEndpoint(serviceName: string, region: string): string | null {
  const m = AWS_ENDPOINT_SERVICE.exec(serviceName);
  if (!m || m[1] !== region) return null;
  const service = m[2] ?? "";
  return isRegionalEndpointService(service) ? service : null;
}

/**
 * For a ServiceName of the AWS form in `region` whose service the catalogue does not know
 * (`com.amazonaws.us-east-1.s4`): the unknown name, else null.
 */
export function unknownAwsServiceOfEndpoint(serviceName: string, region: string): string | null {
  const m = AWS_ENDPOINT_SERVICE.exec(serviceName);
  if (!m || m[1] !== region) return null;
  const service = m[2] ?? "";
  return isRegionalEndpointService(service) ? null : service;
}

export const PROTOCOL_TCP = 6;

/** AWS::EC2::Instance InstanceType when the template gives none (CloudFormation resource reference: "Default: m1.small"). */
export const DEFAULT_INSTANCE_TYPE = "m1.small";

/** Device names of the root volume of the usual Linux AMIs (Amazon Linux: /dev/xvda; Ubuntu, Debian, RHEL: /dev/sda1). */
export const ROOT_DEVICE_NAMES: ReadonlySet<string> = new Set(["/dev/xvda", "/dev/sda1"]);

/**
 * EC2 actions the execution role needs to manage the function's ENIs
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions). The first three
 * are checked when the function is created ("The provided execution role does not have
 * permissions to call CreateNetworkInterface on EC2"); the rest are in the current list.
 */
export const ENI_ACTIONS_REQUIRED = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"] as const;
export const ENI_ACTIONS_RECOMMENDED = ["ec2:DescribeSubnets", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"] as const;
/** The whole documented list, as AWSLambdaVPCAccessExecutionRole grants it: what the roles lambda-egress builds get. */
export const ENI_ACTIONS_DOCUMENTED = [...ENI_ACTIONS_REQUIRED, ...ENI_ACTIONS_RECOMMENDED] as const;

/** Contents of AWS managed policies that matter here, by policy name (AWS Managed Policy Reference,
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/, e.g. AWSLambdaVPCAccessExecutionRole.html). */
export const MANAGED_POLICY_ACTIONS: Record<string, readonly string[]> = {
  AWSLambdaVPCAccessExecutionRole: [
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
  ],
  AWSLambdaENIManagementAccess: [
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
  ],
  AWSLambdaBasicExecutionRole: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
  AWSLambdaExecute: ["logs:*", "s3:GetObject", "s3:PutObject"],
  AWSXRayDaemonWriteAccess: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
  AWSXrayWriteOnlyAccess: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"],
  AdministratorAccess: ["*"],
  PowerUserAccess: ["*"],
  AmazonEC2FullAccess: ["ec2:*"],
  AmazonVPCFullAccess: ["ec2:*"],
  AWSLambda_FullAccess: ["lambda:*", "logs:*"],
  AWSLambdaRole: ["lambda:InvokeFunction"],
  AmazonDynamoDBFullAccess: ["dynamodb:*"],
  AmazonS3FullAccess: ["s3:*"],
  AmazonS3ReadOnlyAccess: ["s3:Get*", "s3:List*"],
  CloudWatchLogsFullAccess: ["logs:*"],
  AmazonSSMReadOnlyAccess: ["ssm:Describe*", "ssm:Get*", "ssm:List*"],
  SecretsManagerReadWrite: ["secretsmanager:*"],
  // AWS managed policies as published (zoph-io/MAMIP policies/<name> @0387244e): the service parts that matter for a function's needs.
  AmazonSQSFullAccess: ["sqs:*"],
  AmazonSNSFullAccess: ["sns:*"],
  AmazonDynamoDBReadOnlyAccess: [
    "dynamodb:BatchGetItem",
    "dynamodb:Describe*",
    "dynamodb:List*",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
  ],
  AmazonKinesisFullAccess: ["kinesis:*"],
  AWSStepFunctionsFullAccess: ["states:*"],
  AmazonEventBridgeFullAccess: ["events:*"],
  AWSLambdaSQSQueueExecutionRole: [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:GetQueueAttributes",
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
  ],
  AWSLambdaKinesisExecutionRole: [
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
    "kinesis:ListStreams",
    "kinesis:SubscribeToShard",
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
  ],
  AWSLambdaDynamoDBExecutionRole: [
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
  ],
  AWSLambdaMSKExecutionRole: [
    "kafka:DescribeCluster",
    "kafka:DescribeClusterV2",
    "kafka:GetBootstrapBrokers",
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeVpcs",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeSubnets",
    "ec2:DescribeSecurityGroups",
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
  ],
  // Lambda Insights: its extension, inside the execution environment, writes to CloudWatch Logs (see role-services.ts).
  CloudWatchLambdaInsightsExecutionRolePolicy: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
};

/** `arn:aws:iam::aws:policy/service-role/X` -> `X`; null when not an AWS managed policy ARN. */
export function awsManagedPolicyName(arn: string): string | null {
  const m = /^arn:aws[\w-]*:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
  return m ? (m[1] as string) : null;
}

/**
 * SAM policy templates (policy_templates.json of aws/serverless-application-model, samtranslator/policy_templates_data/):
 * those that grant the
 * ENI actions or lambda:InvokeFunction (of the 81 templates of samtranslator v1.110, no other one
 * grants either), and those that grant the calls a function's code most often makes.
 */
export const SAM_POLICY_TEMPLATE_ACTIONS: Record<string, readonly string[]> = {
  DynamoDBCrudPolicy: [
    "dynamodb:GetItem",
    "dynamodb:DeleteItem",
    "dynamodb:PutItem",
    "dynamodb:Scan",
    "dynamodb:Query",
    "dynamodb:UpdateItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:BatchGetItem",
    "dynamodb:DescribeTable",
    "dynamodb:ConditionCheckItem",
  ],
  DynamoDBReadPolicy: ["dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:DescribeTable"],
  DynamoDBWritePolicy: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"],
  DynamoDBStreamReadPolicy: ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"],
  S3ReadPolicy: ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:GetObjectVersion", "s3:GetLifecycleConfiguration"],
  S3CrudPolicy: [
    "s3:GetObject",
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:GetObjectVersion",
    "s3:PutObject",
    "s3:PutObjectAcl",
    "s3:GetLifecycleConfiguration",
    "s3:PutLifecycleConfiguration",
    "s3:DeleteObject",
  ],
  S3WritePolicy: ["s3:PutObject", "s3:PutObjectAcl", "s3:PutLifecycleConfiguration"],
  SQSSendMessagePolicy: ["sqs:SendMessage*"],
  SQSPollerPolicy: [
    "sqs:ChangeMessageVisibility",
    "sqs:ChangeMessageVisibilityBatch",
    "sqs:DeleteMessage",
    "sqs:DeleteMessageBatch",
    "sqs:GetQueueAttributes",
    "sqs:ReceiveMessage",
  ],
  SNSPublishMessagePolicy: ["sns:Publish"],
  AWSSecretsManagerGetSecretValuePolicy: ["secretsmanager:GetSecretValue"],
  SSMParameterReadPolicy: ["ssm:DescribeParameters", "ssm:GetParameters", "ssm:GetParameter", "ssm:GetParametersByPath"],
  KMSDecryptPolicy: ["kms:Decrypt"],
  StepFunctionsExecutionPolicy: ["states:StartExecution"],
  EventBridgePutEventsPolicy: ["events:PutEvents"],
  CloudWatchPutMetricPolicy: ["cloudwatch:PutMetricData"],
  KinesisStreamReadPolicy: [
    "kinesis:ListStreams",
    "kinesis:DescribeLimits",
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
  ],
  FirehoseWritePolicy: ["firehose:PutRecord", "firehose:PutRecordBatch"],
  ElasticsearchHttpPostPolicy: ["es:ESHttpPost", "es:ESHttpPut"],
  EFSWriteAccessPolicy: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
  VPCAccessPolicy: [
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DetachNetworkInterface",
  ],
  LambdaInvokePolicy: ["lambda:InvokeFunction"],
  EC2DescribePolicy: ["ec2:DescribeRegions", "ec2:DescribeInstances"],
};

/**
 * Lambda Managed Instances send telemetry to CloudWatch Logs and X-Ray from the instances
 * in the capacity provider's subnets, over the VPC (unlike standard functions, whose logs do not
 * use the VPC): "The connectivity is also needed for transmitting telemetry data to CloudWatch
 * Logs and X-Ray." (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances-networking.html). Endpoint service names:
 * com.amazonaws.<region>.logs and com.amazonaws.<region>.xray.
 */
export const MANAGED_INSTANCES_TELEMETRY_SERVICES = ["logs", "xray"] as const;

/** AWS::EC2::VPCBlockPublicAccessOptions InternetGatewayBlockMode values (https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa.html). */
export const BLOCK_PUBLIC_ACCESS_MODES = ["off", "block-bidirectional", "block-ingress"] as const;
/** AWS::EC2::VPCBlockPublicAccessExclusion InternetGatewayExclusionMode values (same page). */
export const BLOCK_PUBLIC_ACCESS_EXCLUSION_MODES = ["allow-bidirectional", "allow-egress"] as const;

/**
 * SAM policy templates whose statement is limited to a resource (samtranslator's
 * policy_templates.json, v1.110): the `Fn::Sub` string and, per variable, the policy template
 * parameter that fills it. The others above grant on `"*"`. Note the trailing `*` of
 * LambdaInvokePolicy: it also allows functions whose names start with the given name.
 */
export const SAM_POLICY_TEMPLATE_RESOURCES: Record<string, { readonly sub: string; readonly vars: Readonly<Record<string, string>> }> = {
  LambdaInvokePolicy: {
    sub: "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${functionName}*",
    vars: { functionName: "FunctionName" },
  },
};

/**
 * The unqualified ARN of the Lambda function `name` in the stack's own partition, region and
 * account, which stay `${AWS::...}` tokens (a SymbolicString).
 */
export function lambdaFunctionArn(name: string): string {
  return `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:${name}`;
}

/** Lambda API action a function needs to call another function (Invoke). */
export const INVOKE_ACTION = "lambda:InvokeFunction";

/** The `Fn::Sub` string of an AWS service's endpoint name in the stack's region (`com.amazonaws.<region>.<service>`). */
export function endpointServiceNameSub(service: string): string {
  return `com.amazonaws.\${AWS::Region}.${service}`;
}

/** `Fn::Sub` ARNs of the AWS managed policies the built templates attach (in the stack's partition). */
export const LAMBDA_BASIC_EXECUTION_POLICY_ARN_SUB = "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
export const MANAGED_INSTANCES_OPERATOR_POLICY_ARN_SUB = "arn:${AWS::Partition}:iam::aws:policy/AWSLambdaManagedEC2ResourceOperator";

/** The smallest memory size of a function on Lambda Managed Instances, in MB (https://docs.aws.amazon.com/lambda/latest/dg/lambda-managed-instances.html). */
export const MANAGED_INSTANCES_MIN_MEMORY_MB = 2048;

/** SSM public parameter naming the latest Amazon Linux 2023 AMI (x86_64). */
export const AL2023_AMI_SSM_PARAMETER = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64";

/**
 * Destinations that never leave the function's own execution environment or that the VPC does not route
 * (VPC User Guide: https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html, reserved link-local ranges;
 * https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html, the Amazon DNS server), decided before any walk. Each block
 * is checked outside the VPC's own CIDRs; the first that matches a packet decides it.
 * - loopback and "this host": the execution environment's own addresses (Lambda's Runtime API and metadata
 *   endpoint live there); nothing of the network is involved, so the network cannot say: unknown.
 * - the EC2 instance metadata service (IMDS): link-local, "only valid from the instance"; a Lambda function is
 *   not an EC2 instance and gets its credentials from environment variables: unreachable. Lambda Managed
 *   Instances run on EC2 instances, so there it is unknown.
 * - the rest of link-local: no route table forwards it; Amazon's own services answer on some of it (DNS at
 *   169.254.169.253, time at 169.254.169.123) in ways the network model does not describe: unknown.
 */
export const SPECIAL_DESTINATIONS: readonly {
  readonly cidrs: readonly string[];
  readonly code: "DESTINATION_IN_EXECUTION_ENVIRONMENT" | "LAMBDA_NO_INSTANCE_METADATA" | "LINK_LOCAL_DESTINATION";
  /** What the block is, after "ADDRESS is". */
  readonly what: string;
  readonly verdict: "unknown" | "unreachable";
}[] = [
  {
    cidrs: ["127.0.0.0/8", "0.0.0.0/8", "::1/128", "::/128"],
    code: "DESTINATION_IN_EXECUTION_ENVIRONMENT",
    what: "the function's own host (loopback): the packets never leave its execution environment, so the network does not decide whether anything answers",
    verdict: "unknown",
  },
  {
    cidrs: ["169.254.169.254/32", "fd00:ec2::254/128"],
    code: "LAMBDA_NO_INSTANCE_METADATA",
    what: "the EC2 instance metadata service, which answers only on an EC2 instance; a Lambda function is not one",
    verdict: "unreachable",
  },
  {
    cidrs: ["169.254.0.0/16", "fe80::/10", "fd00:ec2::/32"],
    code: "LINK_LOCAL_DESTINATION",
    what: "a link-local address: no route table forwards it, and what answers there (Amazon DNS at 169.254.169.253, time sync at 169.254.169.123, the execution environment itself) is not part of the network model",
    verdict: "unknown",
  },
];
