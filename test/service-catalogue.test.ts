// AWS service names are real: destinations, `new --endpoints`, `cost --traffic` and endpoints in templates are
// checked against the catalogue of services with VPC endpoints, with "did you mean" for a near miss.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DestinationError, parseDestination } from "../src/analyze/destination.ts";
import { closestService, isAwsService, isRegionalEndpointService } from "../src/aws/service-catalogue.ts";
import { GATEWAY_ENDPOINT_SERVICE_NAMES, INTERFACE_ENDPOINT_SERVICE_NAMES } from "../src/aws/services.ts";
import { resolvePatternOptions } from "../src/generate/patterns.ts";
import { parseInlineTraffic, TrafficError } from "../src/cost/traffic.ts";
import { checkYaml } from "./support/helpers.ts";

describe("the AWS service catalogue", () => {
  it("holds the services Lambda functions call through endpoints, and the gateway ones", () => {
    for (const s of [
      "lambda",
      "sts",
      "secretsmanager",
      "sqs",
      "sns",
      "dynamodb",
      "s3",
      "logs",
      "xray",
      "kms",
      "ssm",
      "execute-api",
      "ecr.dkr",
    ]) {
      assert.ok(INTERFACE_ENDPOINT_SERVICE_NAMES.includes(s), s);
    }
    assert.deepEqual(GATEWAY_ENDPOINT_SERVICE_NAMES, ["dynamodb", "s3", "s3express"]);
    assert.ok(INTERFACE_ENDPOINT_SERVICE_NAMES.length > 300);
    assert.equal(isAwsService("s4"), false);
    assert.equal(isAwsService("iam"), true, "a global service is a destination");
    assert.equal(isRegionalEndpointService("iam"), false, "but not an endpoint new can create as com.amazonaws.REGION.iam");
    assert.equal(closestService("s4"), "s3");
    assert.equal(closestService("dynamo"), "dynamodb");
    assert.equal(closestService("secretmanager"), "secretsmanager");
    assert.equal(closestService("zzzzzzzz"), undefined);
  });

  it("--to aws:s4 is refused with did you mean aws:s3; aws:cassandra takes its own port", () => {
    assert.throws(
      () => parseDestination("aws:s4"),
      (e: unknown) => e instanceof DestinationError && /did you mean aws:s3\?/.test(e.message),
    );
    assert.throws(() => parseDestination("aws:"), DestinationError);
    assert.equal(parseDestination("aws:cassandra").port, 9142);
    assert.equal(parseDestination("aws:S3").label, "aws:s3");
  });

  it("new --endpoints s4 is refused, s3 and lambda are taken", () => {
    const bad = resolvePatternOptions({ pattern: "endpoints", endpoints: ["s4", "lambda"] });
    assert.ok("errors" in bad);
    assert.deepEqual(bad.errors, ['"s4" is not an AWS service with VPC endpoints; did you mean s3? (e.g. s3, dynamodb, lambda)']);
    assert.ok("options" in resolvePatternOptions({ pattern: "endpoints", endpoints: ["s3", "lambda"] }));
  });

  it("cost --traffic s4=1 is refused, naming s3", () => {
    assert.throws(
      () => parseInlineTraffic("s4=1"),
      (e: unknown) => e instanceof TrafficError && /\(did you mean s3\?\)/.test(e.message),
    );
    assert.deepEqual(parseInlineTraffic("s3=2,sqs=1").services, { s3: 2, sqs: 1 });
  });

  it("an endpoint for com.amazonaws.REGION.s4 is a warning, and no road to aws:s4 is claimed", () => {
    const r = checkYaml(`
Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16, EnableDnsSupport: true, EnableDnsHostnames: true } }
  Subnet: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24, AvailabilityZone: us-east-1a } }
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      VpcEndpointType: Interface
      ServiceName: !Sub com.amazonaws.\${AWS::Region}.s4
      PrivateDnsEnabled: true
      SubnetIds: [!Ref Subnet]
  Sg: { Type: AWS::EC2::SecurityGroup, Properties: { GroupDescription: fn, VpcId: !Ref Vpc } }
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs20.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: { ZipFile: "exports.handler = async () => 1" }
      VpcConfig: { SubnetIds: [!Ref Subnet], SecurityGroupIds: [!Ref Sg] }
`);
    const d = r.diagnostics.find((x) => x.code === "LOAD_UNKNOWN_SERVICE");
    assert.ok(d, JSON.stringify(r.diagnostics));
    assert.equal(d.severity, "warning");
    assert.equal(d.resource, "Endpoint");
    assert.match(d.message, /com\.amazonaws\.us-east-1\.s4 names no AWS service we know \(s4: did you mean s3\?\)/);
    assert.deepEqual(
      r.functions[0]?.subnets[0]?.destinations.map((x) => x.to),
      ["internet"],
    );
  });
});
