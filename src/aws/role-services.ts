// Which AWS service endpoints a function's own code calls when its execution role grants an
// action, and which grants are used by Lambda itself, outside the function's network.
// Sources (pages of the Lambda developer guide, https://docs.aws.amazon.com/lambda/latest/dg/, unless a
// page says otherwise; service names as AWS lists them in "AWS services that integrate with AWS PrivateLink",
// https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html):
// - Lambda developer guide, "Using source function ARN..." (permissions-source-function-arn.html):
//   Lambda itself uses the role for CloudWatch Logs, X-Ray (Tracing), EFS ClientMount, KMS for
//   environment variables, EC2 network interfaces and event-source reads (e.g. SQS).
// - foundation-networking.md: a VPC function's log messages "do not use the VPC routes".
// - configuration-vpc.html: the ENI actions are not needed to invoke the function.
// - with-msk-cluster-network.html, with-kafka-cluster-network.html, process-mq-messages-with-lambda.html,
//   with-documentdb.html: the pollers of Kafka, MQ and DocumentDB sources run in the source's VPC.
// - invocation-async-retain-records.html: Lambda sends records to DLQs and destinations.
// - lambda-managed-instances-networking.html: Managed Instances send telemetry to CloudWatch Logs
//   and X-Ray over the VPC (see MANAGED_INSTANCES_TELEMETRY_SERVICES in facts.ts).
// - Endpoint names: aws-cdk's InterfaceVpcEndpointAwsService (aws-ec2/lib/vpc-endpoint.ts), the
//   PrivateLink list of services, DynamoDB Streams' and Bedrock's endpoint pages.

/** IAM prefixes whose endpoint service name differs from the prefix; `null`: no endpoint (the call goes to the resource itself, or nowhere). */
const PREFIX_ENDPOINTS: Readonly<Record<string, string | null>> = {
  cloudwatch: "monitoring",
  kinesis: "kinesis-streams",
  firehose: "kinesis-firehose",
  ses: "email",
  memorydb: "memory-db",
  // The SDK presigns an IAM database token locally, then connects to the database (rds-db:connect).
  "rds-db": null,
  // es:ESHttp* go to the domain's own endpoint (a resource of the VPC, or a public one).
  es: null,
  // kafka-cluster:* authorize the connection to the brokers.
  "kafka-cluster": null,
  // elasticfilesystem:Client* are checked by Lambda when it mounts; NFS goes to the mount target.
  // (The EFS API itself, elasticfilesystem:Describe*, is a code call.)
};

/** Actions whose endpoint differs from their prefix's. */
const ACTION_ENDPOINTS: readonly [RegExp, string | null][] = [
  [/^dynamodb:(DescribeStream|GetRecords|GetShardIterator|ListStreams)$/i, "dynamodb-streams"],
  [/^bedrock:(InvokeModel|InvokeModelWithResponseStream|Converse|ConverseStream)$/i, "bedrock-runtime"],
  [/^sagemaker:InvokeEndpoint/i, "sagemaker.runtime"],
  [/^states:StartSyncExecution$/i, "sync-states"],
  [/^ecr:/i, "ecr.api"],
  [/^appconfig:(StartConfigurationSession|GetLatestConfiguration)$/i, "appconfigdata"],
  [/^elasticfilesystem:Client(Mount|Write|RootAccess)$/i, null],
];

/** The endpoint service a granted action is called at (`secretsmanager:GetSecretValue` -> `secretsmanager`); null when none. */
export function endpointOfAction(action: string): string | null {
  for (const [re, svc] of ACTION_ENDPOINTS) if (re.test(action)) return svc;
  const prefix = action.slice(0, action.indexOf(":")).toLowerCase();
  if (prefix in PREFIX_ENDPOINTS) return PREFIX_ENDPOINTS[prefix] ?? null;
  return prefix;
}

/**
 * Grants Lambda uses itself, whatever the function's network: log delivery, X-Ray segments
 * (Tracing), the function's network interfaces, the EFS mount check. A wildcard over `logs` or
 * `ec2` (`logs:*`, `ec2:*`) is read as Lambda's own use too: AWSLambdaExecute and the full-access
 * policies grant it for the logs, and a code call to the EC2 or Logs API is rare enough to name with --to.
 */
export const SERVICE_SIDE_ACTIONS: readonly RegExp[] = [
  /^logs:(CreateLogGroup|CreateLogStream|PutLogEvents)$/i,
  /^ec2:(CreateNetworkInterface|DescribeNetworkInterfaces|DescribeSubnets|DeleteNetworkInterface|AssignPrivateIpAddresses|UnassignPrivateIpAddresses|DetachNetworkInterface)$/i,
  /^xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets|GetSamplingStatisticSummaries)$/i,
  /^elasticfilesystem:Client(Mount|Write|RootAccess)$/i,
  /^(logs|ec2):.*[*?]/i,
];

/** The event source kinds whose pollers use the function's role, and the actions they use. */
export const POLLER_ACTIONS: Readonly<Record<string, readonly RegExp[]>> = {
  sqs: [/^sqs:(ReceiveMessage|DeleteMessage|DeleteMessageBatch|GetQueueAttributes|ChangeMessageVisibility|ChangeMessageVisibilityBatch)$/i],
  kinesis: [/^kinesis:(DescribeStream|DescribeStreamSummary|GetRecords|GetShardIterator|ListShards|ListStreams|SubscribeToShard)$/i],
  dynamodb: [/^dynamodb:(DescribeStream|GetRecords|GetShardIterator|ListStreams)$/i],
  kafka: [/^kafka:(DescribeCluster|DescribeClusterV2|GetBootstrapBrokers)$/i, /^kafka-cluster:/i, /^secretsmanager:GetSecretValue$/i],
  mq: [/^mq:DescribeBroker$/i, /^secretsmanager:GetSecretValue$/i, /^kms:Decrypt$/i],
  docdb: [
    /^rds:(DescribeDBClusters|DescribeDBClusterParameters|DescribeDBSubnetGroups)$/i,
    /^secretsmanager:GetSecretValue$/i,
    /^kms:Decrypt$/i,
  ],
};

/** The event source kind of an ESM's source: by the CloudFormation type of the resource it names, or the service of its ARN. */
export function eventSourceKind(typeOrArnService: string): string | null {
  const t = typeOrArnService;
  if (t === "AWS::SQS::Queue" || t === "sqs" || t === "SQS") return "sqs";
  if (t === "AWS::Kinesis::Stream" || t === "kinesis" || t === "Kinesis") return "kinesis";
  if (t === "AWS::DynamoDB::Table" || t === "dynamodb" || t === "DynamoDB") return "dynamodb";
  if (t === "AWS::MSK::Cluster" || t === "AWS::MSK::ServerlessCluster" || t === "kafka" || t === "MSK" || t === "SelfManagedKafka")
    return "kafka";
  if (t === "AWS::AmazonMQ::Broker" || t === "mq" || t === "MQ") return "mq";
  if (t === "AWS::DocDB::DBCluster" || t === "rds" || t === "DocumentDB") return "docdb";
  return null;
}

/** Actions Lambda uses to send a function's failed (or finished) asynchronous invocations to a DLQ or destination. */
export const ASYNC_DESTINATION_ACTIONS: readonly RegExp[] = [
  /^sqs:SendMessage$/i,
  /^sns:Publish$/i,
  /^lambda:InvokeFunction$/i,
  /^events:PutEvents$/i,
  /^s3:(PutObject|ListBucket)$/i,
];

/** KMS for the function's environment variables (`KmsKeyArn`): Lambda decrypts them before the code runs. */
export const ENVIRONMENT_KMS_ACTION = /^kms:Decrypt$/i;
