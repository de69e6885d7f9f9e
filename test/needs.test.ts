// Inferred needs and resource destinations (resource:ID[:PORT]): templates written here, exact verdicts out.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DestinationError } from "../src/analyze/destination.ts";
import type { CheckOptions, CheckReport } from "../src/check.ts";
import { parseIntents } from "../src/intents/parse.ts";
import { checkYaml } from "./support/helpers.ts";

interface Opts {
  /** Extra resources (YAML, indented by two spaces). */
  resources: string;
  /** The function's Environment.Variables (YAML map entries, indented by 10). */
  env?: string;
  /** Extra function properties (indented by 6). */
  fnProps?: string;
  /** Ingress of DataSg (YAML list entries, indented by 8); default: none. */
  dataIngress?: string;
  /** FunctionSg's inline egress rules (a YAML flow list's items); default: CloudFormation's allow-all. */
  fnEgress?: string;
  /** A network ACL on DataSubnetA and DataSubnetB (entries as resources). */
  dataNacl?: string;
}

/** A VPC with two function subnets, two data subnets (us-east-1a and 1b), FunctionSg (allow-all egress) and DataSg. */
function template(o: Opts): string {
  return `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1a }
  SubnetB:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24, AvailabilityZone: us-east-1b }
  DataSubnetA:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.11.0/24, AvailabilityZone: us-east-1a }
  DataSubnetB:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.12.0/24, AvailabilityZone: us-east-1b }
  DataSubnets:
    Type: AWS::RDS::DBSubnetGroup
    Properties: { DBSubnetGroupDescription: data, SubnetIds: [!Ref DataSubnetA, !Ref DataSubnetB] }
  CacheSubnets:
    Type: AWS::ElastiCache::SubnetGroup
    Properties: { Description: data, SubnetIds: [!Ref DataSubnetA, !Ref DataSubnetB] }
  FunctionSg:
    Type: AWS::EC2::SecurityGroup
    Properties: { GroupDescription: function, VpcId: !Ref Vpc${o.fnEgress ? `, SecurityGroupEgress: [${o.fnEgress}]` : ""} }
  DataSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: data
      VpcId: !Ref Vpc
      SecurityGroupIngress:
${o.dataIngress ?? "        []"}
${o.dataNacl ?? ""}
${o.resources}
  Function:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/r
      Code: { ZipFile: "exports.handler = async () => 1;" }
${o.env ? `      Environment:\n        Variables:\n${o.env}` : ""}
${o.fnProps ?? ""}
      VpcConfig:
        SubnetIds: [!Ref SubnetA, !Ref SubnetB]
        SecurityGroupIds: [!Ref FunctionSg]
`;
}

const ingress = (port: number | string) =>
  `        - { IpProtocol: tcp, FromPort: ${port}, ToPort: ${port}, SourceSecurityGroupId: !Ref FunctionSg }`;

const POSTGRES = `  Db:
    Type: AWS::RDS::DBInstance
    Properties: { Engine: postgres, DBInstanceClass: db.t4g.micro, DBSubnetGroupName: !Ref DataSubnets, VPCSecurityGroups: [!Ref DataSg] }`;

function check(o: Opts, options: CheckOptions = {}): CheckReport {
  return checkYaml(template(o), options);
}

/** The function's verdict per subnet for one destination. */
function verdicts(r: CheckReport, to: string): Record<string, string> {
  const fn = r.functions[0];
  assert.ok(fn);
  return Object.fromEntries(fn.subnets.map((s) => [s.subnet, s.destinations.find((d) => d.to === to)?.verdict ?? "(none)"]));
}

function result(r: CheckReport, subnet: string, to: string) {
  const d = r.functions[0]?.subnets.find((s) => s.subnet === subnet)?.destinations.find((x) => x.to === to);
  assert.ok(d, `${subnet} has no ${to}`);
  return d;
}

describe("inferred resource needs", () => {
  it("an environment value referring to a database makes it a destination, with because and location", () => {
    const r = check({ resources: POSTGRES, env: "          DB_HOST: !GetAtt Db.Endpoint.Address", dataIngress: ingress(5432) });
    const fn = r.functions[0];
    assert.deepEqual(Object.keys(fn?.summary ?? {}), ["internet", "resource:Db"]);
    assert.equal(fn?.summary["resource:Db"], "reachable");
    assert.deepEqual(
      fn?.needs?.map((n) => [n.to, n.because, n.location.line]),
      [["resource:Db", "environment DB_HOST = Db.Endpoint.Address", 45]],
    );
    assert.deepEqual(r.findings, []);
  });

  it("a reference inside Fn::Sub and a Ref count too; one need per resource", () => {
    const r = check({
      resources: POSTGRES,
      env: "          DB_URL: !Sub postgres://\${Db.Endpoint.Address}:\${Db.Endpoint.Port}/app\n          DB_ID: !Ref Db",
      dataIngress: ingress(5432),
    });
    assert.deepEqual(
      r.functions[0]?.needs?.map((n) => n.because),
      ["environment DB_URL = postgres://${Db.Endpoint.Address}:${Db.Endpoint.Port}/app"],
    );
  });

  it("no reference, no need: a function with an unrelated environment keeps the default destinations", () => {
    const r = check({ resources: POSTGRES, env: "          STAGE: prod", dataIngress: ingress(5432) });
    assert.deepEqual(Object.keys(r.functions[0]?.summary ?? {}), ["internet"]);
    assert.equal(r.functions[0]?.needs, undefined);
  });

  it("--to narrows: only what it names is checked, a resource among them", () => {
    const opts = { resources: POSTGRES, env: "          DB_HOST: !GetAtt Db.Endpoint.Address", dataIngress: ingress(5432) };
    assert.deepEqual(Object.keys(check(opts, { to: ["internet"] }).functions[0]?.summary ?? {}), ["internet"]);
    const r = check(opts, { to: ["resource:Db:6432"] });
    assert.deepEqual(r.functions[0]?.summary, { "resource:Db:6432": "unreachable" });
    assert.equal(result(r, "SubnetA", "resource:Db:6432").code, "ENI_SG_RULES_MISMATCH");
  });

  it("--to resource:ID of something the input does not have is refused, naming what it has", () => {
    assert.throws(
      () => check({ resources: POSTGRES, dataIngress: ingress(5432) }, { to: ["resource:Nope"] }),
      (e: Error) => e instanceof DestinationError && /Nope is not a database.*\(it has Db\)/.test(e.message),
    );
  });

  it("the database's security group without the port: unreachable, error finding with the fix", () => {
    const r = check({ resources: POSTGRES, env: "          DB_HOST: !GetAtt Db.Endpoint.Address", dataIngress: ingress(3306) });
    assert.deepEqual(verdicts(r, "resource:Db"), { SubnetA: "unreachable", SubnetB: "unreachable" });
    const d = result(r, "SubnetA", "resource:Db");
    assert.equal(d.code, "ENI_SG_RULES_MISMATCH");
    assert.equal(d.fix, "Add ingress tcp 5432 from FunctionSg to DataSg.");
    const f = r.findings.filter((x) => x.rule === "wired-resource-unreachable");
    assert.equal(f.length, 1);
    assert.equal(f[0]?.severity, "error");
    assert.match(
      f[0]?.message ?? "",
      /wired to Db \(environment DB_HOST = Db.Endpoint.Address\).*blocked at DataSg \(ENI_SG_RULES_MISMATCH\)/,
    );
    assert.equal(f[0]?.fix, "Add ingress tcp 5432 from FunctionSg to DataSg.");
  });

  it("an ingress rule from the function subnets' CIDR admits it too", () => {
    const r = check({
      resources: POSTGRES,
      env: "          DB_HOST: !GetAtt Db.Endpoint.Address",
      dataIngress: "        - { IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 10.0.0.0/20 }",
    });
    assert.deepEqual(verdicts(r, "resource:Db"), { SubnetA: "reachable", SubnetB: "reachable" });
  });

  it("the function's own egress must allow the port: an egress rule to the database's group does", () => {
    const egress = (port: number) => `{ IpProtocol: tcp, FromPort: ${port}, ToPort: ${port}, DestinationSecurityGroupId: !Ref DataSg }`;
    const env = "          DB_HOST: !GetAtt Db.Endpoint.Address";
    // The database's ingress as a resource of its own: inline rules both ways would be a cycle CloudFormation rejects.
    const resources = `${POSTGRES}
  DataSgIngress:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: { GroupId: !Ref DataSg, IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: !Ref FunctionSg }`;
    const ok = check({ resources, fnEgress: egress(5432), env });
    assert.deepEqual(verdicts(ok, "resource:Db"), { SubnetA: "reachable", SubnetB: "reachable" });
    const bad = check({ resources, fnEgress: egress(443), env });
    assert.deepEqual(verdicts(bad, "resource:Db"), { SubnetA: "unreachable", SubnetB: "unreachable" });
    assert.equal(result(bad, "SubnetA", "resource:Db").code, "ENI_SG_RULES_MISMATCH");
  });

  it("the data subnets' network ACL must let the reply out to ephemeral ports", () => {
    const nacl = (replyOut: boolean) => `  DataNacl:
    Type: AWS::EC2::NetworkAcl
    Properties: { VpcId: !Ref Vpc }
  DataNaclIn:
    Type: AWS::EC2::NetworkAclEntry
    Properties: { NetworkAclId: !Ref DataNacl, RuleNumber: 100, Protocol: 6, RuleAction: allow, CidrBlock: 10.0.0.0/16, PortRange: { From: 5432, To: 5432 } }
  DataNaclOut:
    Type: AWS::EC2::NetworkAclEntry
    Properties: { NetworkAclId: !Ref DataNacl, RuleNumber: 100, Protocol: 6, Egress: true, RuleAction: allow, CidrBlock: 10.0.0.0/16, PortRange: { From: ${replyOut ? 1024 : 5432}, To: ${replyOut ? 65535 : 5432} } }
  DataNaclA:
    Type: AWS::EC2::SubnetNetworkAclAssociation
    Properties: { SubnetId: !Ref DataSubnetA, NetworkAclId: !Ref DataNacl }
  DataNaclB:
    Type: AWS::EC2::SubnetNetworkAclAssociation
    Properties: { SubnetId: !Ref DataSubnetB, NetworkAclId: !Ref DataNacl }`;
    const env = "          DB_HOST: !GetAtt Db.Endpoint.Address";
    const ok = check({ resources: POSTGRES, env, dataIngress: ingress(5432), dataNacl: nacl(true) });
    assert.deepEqual(verdicts(ok, "resource:Db"), { SubnetA: "reachable", SubnetB: "reachable" });
    const bad = check({ resources: POSTGRES, env, dataIngress: ingress(5432), dataNacl: nacl(false) });
    assert.deepEqual(verdicts(bad, "resource:Db"), { SubnetA: "unreachable", SubnetB: "unreachable" });
    assert.equal(result(bad, "SubnetA", "resource:Db").code, "SUBNET_ACL_RESTRICTION");
  });

  it("a database in one open and one blocked subnet of its group: unknown (AWS picks the subnet, and moves it on failover)", () => {
    const nacl = `  DataNacl:
    Type: AWS::EC2::NetworkAcl
    Properties: { VpcId: !Ref Vpc }
  DataNaclB:
    Type: AWS::EC2::SubnetNetworkAclAssociation
    Properties: { SubnetId: !Ref DataSubnetB, NetworkAclId: !Ref DataNacl }`;
    const r = check({
      resources: POSTGRES,
      env: "          DB_HOST: !GetAtt Db.Endpoint.Address",
      dataIngress: ingress(5432),
      dataNacl: nacl,
    });
    assert.deepEqual(verdicts(r, "resource:Db"), { SubnetA: "unknown", SubnetB: "unknown" });
    assert.match(result(r, "SubnetA", "resource:Db").reason, /Db may be in a subnet that is open or in one that is blocked/);
  });

  it("ports come from Port, else the engine's default; an Aurora instance takes its cluster's", () => {
    const cases: [string, string, number][] = [
      [
        `  Db:\n    Type: AWS::RDS::DBInstance\n    Properties: { Engine: mysql, Port: "3307", DBSubnetGroupName: !Ref DataSubnets, VPCSecurityGroups: [!Ref DataSg] }`,
        "Db",
        3307,
      ],
      [
        `  Db:\n    Type: AWS::RDS::DBCluster\n    Properties: { Engine: aurora-mysql, DBSubnetGroupName: !Ref DataSubnets, VpcSecurityGroupIds: [!Ref DataSg] }`,
        "Db",
        3306,
      ],
      [
        `  Cluster:\n    Type: AWS::RDS::DBCluster\n    Properties: { Engine: aurora-postgresql, DBSubnetGroupName: !Ref DataSubnets, VpcSecurityGroupIds: [!Ref DataSg] }\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties: { Engine: aurora-postgresql, DBClusterIdentifier: !Ref Cluster, DBSubnetGroupName: !Ref DataSubnets }`,
        "Db",
        5432,
      ],
      [
        `  Db:\n    Type: AWS::RDS::DBProxy\n    Properties: { EngineFamily: POSTGRESQL, VpcSubnetIds: [!Ref DataSubnetA, !Ref DataSubnetB], VpcSecurityGroupIds: [!Ref DataSg] }`,
        "Db",
        5432,
      ],
      [
        `  Db:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties: { Engine: redis, CacheSubnetGroupName: !Ref CacheSubnets, SecurityGroupIds: [!Ref DataSg] }`,
        "Db",
        6379,
      ],
      [
        `  Db:\n    Type: AWS::ElastiCache::CacheCluster\n    Properties: { Engine: memcached, CacheSubnetGroupName: !Ref CacheSubnets, VpcSecurityGroupIds: [!Ref DataSg] }`,
        "Db",
        11211,
      ],
      [
        `  Db:\n    Type: AWS::DocDB::DBCluster\n    Properties: { DBSubnetGroupName: !Ref DataSubnets, VpcSecurityGroupIds: [!Ref DataSg] }`,
        "Db",
        27017,
      ],
      [
        `  Db:\n    Type: AWS::Neptune::DBCluster\n    Properties: { DBSubnetGroupName: !Ref DataSubnets, VpcSecurityGroupIds: [!Ref DataSg] }`,
        "Db",
        8182,
      ],
      [
        `  Db:\n    Type: AWS::OpenSearchService::Domain\n    Properties: { VPCOptions: { SubnetIds: [!Ref DataSubnetA], SecurityGroupIds: [!Ref DataSg] } }`,
        "Db",
        443,
      ],
      [
        `  Db:\n    Type: AWS::MSK::Cluster\n    Properties: { ClusterName: k, KafkaVersion: 3.6.0, NumberOfBrokerNodes: 2, ClientAuthentication: { Sasl: { Iam: { Enabled: true } } }, BrokerNodeGroupInfo: { InstanceType: kafka.t3.small, ClientSubnets: [!Ref DataSubnetA, !Ref DataSubnetB], SecurityGroups: [!Ref DataSg] } }`,
        "Db",
        9098,
      ],
    ];
    for (const [resources, id, port] of cases) {
      const env = `          TARGET: !GetAtt ${id}.Arn`;
      const open = check({ resources, env, dataIngress: ingress(port) });
      assert.equal(open.functions[0]?.summary[`resource:${id}`], "reachable", resources);
      const shut = check({ resources, env, dataIngress: ingress(port + 1) });
      assert.equal(shut.functions[0]?.summary[`resource:${id}`], "unreachable", resources);
    }
  });

  it("a port the template does not decide leaves the verdict unknown, with the reason", () => {
    const resources = `  Db:\n    Type: AWS::RDS::DBProxy\n    Properties: { EngineFamily: SQLSERVER, VpcSubnetIds: [!Ref DataSubnetA], VpcSecurityGroupIds: [!Ref DataSg] }`;
    const r = check({ resources, env: "          DB: !GetAtt Db.Endpoint", dataIngress: ingress(1433) });
    assert.deepEqual(verdicts(r, "resource:Db"), { SubnetA: "unknown", SubnetB: "unknown" });
    assert.match(result(r, "SubnetA", "resource:Db").reason, /not documented.*resource:Db:PORT/);
  });

  it("a database without a subnet group goes to the default VPC: unknown", () => {
    const resources = `  Db:\n    Type: AWS::RDS::DBInstance\n    Properties: { Engine: postgres, VPCSecurityGroups: [!Ref DataSg] }`;
    const r = check({ resources, env: "          DB: !GetAtt Db.Endpoint.Address", dataIngress: ingress(5432) });
    assert.deepEqual(verdicts(r, "resource:Db"), { SubnetA: "unknown", SubnetB: "unknown" });
    assert.match(result(r, "SubnetA", "resource:Db").reason, /default VPC/);
  });
});

describe("EFS file systems", () => {
  const efs = (mountTargets: string) => `  Files:
    Type: AWS::EFS::FileSystem
  AccessPoint:
    Type: AWS::EFS::AccessPoint
    Properties: { FileSystemId: !Ref Files }
${mountTargets}`;
  const mt = (name: string, subnet: string) => `  ${name}:
    Type: AWS::EFS::MountTarget
    Properties: { FileSystemId: !Ref Files, SubnetId: !Ref ${subnet}, SecurityGroups: [!Ref DataSg] }`;
  const fnProps = "      FileSystemConfigs:\n        - { Arn: !GetAtt AccessPoint.Arn, LocalMountPath: /mnt/files }";

  it("FileSystemConfigs makes the file system a destination on 2049, through the mount target of the function's AZ", () => {
    const r = check({
      resources: efs(`${mt("MountA", "DataSubnetA")}\n${mt("MountB", "DataSubnetB")}`),
      fnProps,
      dataIngress: ingress(2049),
    });
    assert.equal(r.functions[0]?.summary["resource:Files"], "reachable");
    assert.match(result(r, "SubnetA", "resource:Files").reason, /mount target MountA/);
    assert.match(result(r, "SubnetB", "resource:Files").reason, /mount target MountB/);
    assert.deepEqual(
      r.functions[0]?.needs?.map((n) => n.because),
      ["FileSystemConfigs mounts Files through access point AccessPoint"],
    );
  });

  it("no mount target in the function's AZ is a blocker of its own", () => {
    const r = check({ resources: efs(mt("MountA", "DataSubnetA")), fnProps, dataIngress: ingress(2049) });
    assert.deepEqual(verdicts(r, "resource:Files"), { SubnetA: "reachable", SubnetB: "unreachable" });
    const d = result(r, "SubnetB", "resource:Files");
    assert.equal(d.code, "EFS_NO_MOUNT_TARGET_IN_AZ");
    assert.deepEqual(
      d.blockers?.map((b) => b.component),
      ["Files"],
    );
  });

  it("an access point the template does not define: not checked, and an info diagnostic says so", () => {
    const external =
      "      FileSystemConfigs:\n        - { Arn: arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-1, LocalMountPath: /mnt/files }";
    const r = check({ resources: efs(mt("MountA", "DataSubnetA")), fnProps: external, dataIngress: ingress(2049) });
    assert.deepEqual(Object.keys(r.functions[0]?.summary ?? {}), ["internet"]);
    const d = r.diagnostics.filter((x) => x.code === "LOAD_UNRESOLVED");
    assert.deepEqual(
      d.map((x) => [x.severity, x.message]),
      [
        [
          "info",
          "Function mounts an EFS file system that is not checked: access point arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-1 is not defined in this template",
        ],
      ],
    );
  });

  it("the mount target's security group must admit NFS", () => {
    const r = check({
      resources: efs(`${mt("MountA", "DataSubnetA")}\n${mt("MountB", "DataSubnetB")}`),
      fnProps,
      dataIngress: ingress(443),
    });
    assert.deepEqual(verdicts(r, "resource:Files"), { SubnetA: "unreachable", SubnetB: "unreachable" });
    assert.ok(r.findings.some((f) => f.rule === "wired-resource-unreachable" && /FileSystemConfigs mounts Files/.test(f.message)));
  });
});

describe("inferred service needs (from the execution role)", () => {
  /** A SAM function in a private subnet without any road out, with `extra` function properties and resources. */
  const sam = (fnProps: string, resources = "") => `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16, EnableDnsSupport: true, EnableDnsHostnames: true }
  SubnetA:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-east-1a }
  FunctionSg:
    Type: AWS::EC2::SecurityGroup
    Properties: { GroupDescription: function, VpcId: !Ref Vpc }
  Queue:
    Type: AWS::SQS::Queue
  Table:
    Type: AWS::DynamoDB::Table
    Properties: { KeySchema: [{ AttributeName: id, KeyType: HASH }], AttributeDefinitions: [{ AttributeName: id, AttributeType: S }], BillingMode: PAY_PER_REQUEST }
${resources}
  Function:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => 1;"
      VpcConfig: { SubnetIds: [!Ref SubnetA], SecurityGroupIds: [!Ref FunctionSg] }
${fnProps}
`;
  const needs = (r: CheckReport) => (r.functions[0]?.needs ?? []).map((n) => `${n.to} <- ${n.because}`);

  it("SAM's own policies (logs, network interfaces) are Lambda's, not needs", () => {
    assert.deepEqual(needs(checkYaml(sam(""))), []);
  });

  it("a SAM policy template, an inline statement and an AWS managed policy map to their endpoints", () => {
    const r = checkYaml(
      sam(`      Policies:
        - DynamoDBCrudPolicy: { TableName: !Ref Table }
        - Statement: [{ Effect: Allow, Action: ["secretsmanager:GetSecretValue", "cloudwatch:PutMetricData"], Resource: "*" }]
        - AmazonKinesisFullAccess`),
    );
    assert.deepEqual(needs(r), [
      "aws:dynamodb <- role FunctionRole allows dynamodb:GetItem (DynamoDBCrudPolicy)",
      "aws:secretsmanager <- role FunctionRole allows secretsmanager:GetSecretValue",
      "aws:monitoring <- role FunctionRole allows cloudwatch:PutMetricData",
      "aws:kinesis-streams <- role FunctionRole allows kinesis:* (AmazonKinesisFullAccess)",
    ]);
    assert.equal(r.functions[0]?.summary["aws:secretsmanager"], "unreachable");
    const warned = r.findings.filter((f) => f.rule === "granted-service-unreached").map((f) => f.severity);
    assert.deepEqual(warned, ["warning", "warning", "warning", "warning"]);
    const f = r.findings.find((x) => x.rule === "granted-service-unreached" && x.message.includes("secretsmanager"));
    assert.match(
      f?.fix ?? "",
      /interface endpoint com\.amazonaws\.REGION\.secretsmanager with private DNS.*tcp 443.*NAT gateway.*cost --compare/,
    );
  });

  it("an interface endpoint that admits the function: reachable, no warning", () => {
    const endpoint = `  EndpointSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: endpoint
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{ IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: !Ref FunctionSg }]
  SecretsEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties: { VpcId: !Ref Vpc, ServiceName: com.amazonaws.us-east-1.secretsmanager, VpcEndpointType: Interface, PrivateDnsEnabled: true, SubnetIds: [!Ref SubnetA], SecurityGroupIds: [!Ref EndpointSg] }`;
    const r = checkYaml(sam("      Policies: [AWSSecretsManagerGetSecretValuePolicy: { SecretArn: x }]", endpoint));
    assert.equal(r.functions[0]?.summary["aws:secretsmanager"], "reachable");
    assert.deepEqual(
      r.findings.filter((f) => f.rule === "granted-service-unreached"),
      [],
    );
  });

  it("the poller of an event source mapping is Lambda's: its receive and delete grants are not needs", () => {
    const policies = "      Policies: [SQSPollerPolicy: { QueueName: !GetAtt Queue.QueueName }]";
    assert.deepEqual(needs(checkYaml(sam(policies))), [
      "aws:sqs <- role FunctionRole allows sqs:ChangeMessageVisibility (SQSPollerPolicy)",
    ]);
    const esm = `  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties: { FunctionName: !Ref Function, EventSourceArn: !GetAtt Queue.Arn }`;
    assert.deepEqual(needs(checkYaml(sam(policies, esm))), []);
    const samEvent = `${policies}\n      Events:\n        Q: { Type: SQS, Properties: { Queue: !GetAtt Queue.Arn } }`;
    assert.deepEqual(needs(checkYaml(sam(samEvent))), []);
  });

  it("kms:Decrypt is Lambda's when the environment is encrypted with KmsKeyArn, the code's otherwise", () => {
    const policies = "      Policies: [KMSDecryptPolicy: { KeyId: abc }]";
    assert.deepEqual(needs(checkYaml(sam(policies))), ["aws:kms <- role FunctionRole allows kms:Decrypt (KMSDecryptPolicy)"]);
    assert.deepEqual(needs(checkYaml(sam(`${policies}\n      KmsKeyArn: arn:aws:kms:us-east-1:123456789012:key/abc`))), []);
  });

  it("sending to the function's own dead-letter queue is Lambda's; to another queue, the code's", () => {
    const send = (queue: string) =>
      `      Policies: [{ Statement: [{ Effect: Allow, Action: sqs:SendMessage, Resource: !GetAtt ${queue}.Arn }] }]`;
    const dlq = "      DeadLetterQueue: { Type: SQS, TargetArn: !GetAtt Queue.Arn }";
    assert.deepEqual(needs(checkYaml(sam(`${send("Queue")}\n${dlq}`))), []);
    assert.deepEqual(needs(checkYaml(sam(`${send("Other")}\n${dlq}`, "  Other:\n    Type: AWS::SQS::Queue"))), [
      "aws:sqs <- role FunctionRole allows sqs:SendMessage",
    ]);
  });

  it("Lambda Insights' extension sends from the function's network: logs is a need", () => {
    assert.deepEqual(needs(checkYaml(sam("      Policies: [CloudWatchLambdaInsightsExecutionRolePolicy]"))), [
      "aws:logs <- role FunctionRole allows logs:CreateLogGroup (CloudWatchLambdaInsightsExecutionRolePolicy)",
    ]);
  });

  it("`*` grants every service: nothing is inferred from it", () => {
    assert.deepEqual(needs(checkYaml(sam("      Policies: [AdministratorAccess]"))), []);
  });
});

describe("intents: needs, infer, ignore", () => {
  const opts = {
    resources: POSTGRES,
    env: "          DB_HOST: !GetAtt Db.Endpoint.Address",
    dataIngress: ingress(5432),
  };
  const withIntents = (yaml: string) => check(opts, { needs: parseIntents("intents.yaml", yaml).needs });

  it("needs: adds a stated destination, with the intents file as its reason and location", () => {
    const r = withIntents("Function:\n  needs: [aws:sqs]\n");
    assert.deepEqual(Object.keys(r.functions[0]?.summary ?? {}), ["internet", "aws:sqs", "resource:Db"]);
    const stated = r.functions[0]?.needs?.find((n) => n.to === "aws:sqs");
    assert.equal(stated?.because, "the intents file states it");
    assert.deepEqual(stated?.location, { file: "intents.yaml", line: 2, column: 11 });
  });

  it("infer: false turns inference off for the function; ignore leaves one inferred destination out", () => {
    assert.deepEqual(Object.keys(withIntents("Function:\n  infer: false\n").functions[0]?.summary ?? {}), ["internet"]);
    assert.deepEqual(Object.keys(withIntents("Function:\n  ignore: [resource:Db]\n").functions[0]?.summary ?? {}), ["internet"]);
    assert.deepEqual(Object.keys(withIntents("Other:\n  infer: false\n").functions[0]?.summary ?? {}), ["internet", "resource:Db"]);
  });

  it("a bad value is an error at its line", () => {
    assert.throws(() => parseIntents("i.yaml", "Function:\n  infer: maybe\n"), /line|infer: "maybe" is not true or false/);
    assert.throws(() => parseIntents("i.yaml", "Function:\n  needs: [nowhere]\n"), /needs: "nowhere" is not a destination/);
  });
});

describe("cost --compare takes the inferred needs", () => {
  it("a service the role grants is a need of the designs compared, even with no road to it today", async () => {
    const { compareDesigns } = await import("../src/cost/compare.ts");
    const { loadModel } = await import("../src/load/index.ts");
    const { readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { ROOT } = await import("./support/helpers.ts");
    // The rule page's failing example: the role grants secretsmanager:GetSecretValue, no road reaches it.
    const page = readFileSync(join(ROOT, "docs/rules/granted-service-unreached.md"), "utf8");
    const yaml = /```yaml bad\n([\s\S]*?)```/.exec(page)?.[1] ?? "";
    const model = loadModel("bad.yaml", yaml, {});
    const c = compareDesigns(model);
    assert.deepEqual(c.needs.services, ["secretsmanager"]);
    const endpoints = c.designs.find((d) => d.pattern === "endpoints");
    assert.deepEqual([endpoints?.meetsNeeds, endpoints?.endpoints], [true, ["secretsmanager"]]);
    assert.deepEqual(
      c.breakEven.map((b) => b.service),
      ["secretsmanager"],
    );
    // Left out by the intents file: no longer a need.
    const ignored = compareDesigns(model, undefined, parseIntents("i.yaml", "Function:\n  ignore: [aws:secretsmanager]\n"));
    assert.deepEqual(ignored.needs.services, []);
  });
});
