// IAM: resource patterns against function ARNs, the permission they give, and how the loader
// keeps Resource and environment values symbolic (Ref, Fn::GetAtt, Fn::Sub, Fn::Join).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { functionPermission, resourceCoversFunction, resourceGlob } from "../src/analyze/iam.ts";
import { functionArn, invokedFunctions } from "../src/analyze/queries.ts";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import type { PolicyStatement } from "../src/model/types.ts";

const P = "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:";
const FNS = new Set(["Worker", "Report"]);
const WORKER = `${P}\${Worker}`;
const EXTERNAL = "arn:aws:lambda:eu-west-1:123456789012:function:billing-export";

function stmt(resources: string[], extra: Partial<PolicyStatement> = {}): PolicyStatement {
  return {
    effect: "Allow",
    actions: ["lambda:InvokeFunction"],
    resources,
    hasCondition: false,
    conditionKeys: [],
    origin: { source: "cloudformation", file: "t.yaml" },
    ...extra,
  };
}

describe("resourceGlob", () => {
  it("a * inside a segment stays in it; a * that ends a segment crosses colons", () => {
    assert.equal(resourceGlob("arn:aws:lambda:*:*:function:*", `${EXTERNAL}:live`), true);
    assert.equal(resourceGlob("arn:aws:lambda:*:*:function:bill*", `${EXTERNAL}`), true);
    assert.equal(resourceGlob("arn:aws:lambda:*:*:function:b*t", `${EXTERNAL}`), true);
    assert.equal(resourceGlob("arn:aws:lambda:*:*:function:b*e:live", `${EXTERNAL}:x:live`), false);
    assert.equal(resourceGlob("arn:aws:lambda:us-east-?:*:function:*", EXTERNAL), false);
    assert.equal(resourceGlob("arn:aws:lambda:eu-west-?:*:function:*", EXTERNAL), true);
    assert.equal(resourceGlob("arn:aws:lambda:*:*:function:Billing-export", EXTERNAL), false, "case-sensitive");
  });
});

describe("resourceCoversFunction", () => {
  const cases: [string, string, string][] = [
    ["*", WORKER, "yes"],
    [WORKER, WORKER, "yes"],
    [`${P}*`, WORKER, "yes"],
    [`${P}\${Worker}*`, WORKER, "yes"],
    [`${P}\${Report}`, WORKER, "no"],
    [`${P}\${Report}*`, WORKER, "no"],
    [`${P}orders-worker`, WORKER, "unknown"],
    ["arn:aws:lambda:*:*:function:*", WORKER, "unknown"],
    ["arn:aws:lambda:us-east-1:123456789012:function:*", WORKER, "unknown"],
    ["arn:aws:sqs:us-east-1:123456789012:queue", WORKER, "no"],
    ["arn:aws:sqs:*:*:*", EXTERNAL, "no"],
    ["arn:aws:lambda:*:*:function:*", EXTERNAL, "yes"],
    ["arn:aws:lambda:*:*:function:other", EXTERNAL, "no"],
    ["arn:aws:lambda:*:210987654321:function:*", EXTERNAL, "no"],
    [`${P}billing-*`, EXTERNAL, "unknown"],
    [`${P}\${Worker}`, EXTERNAL, "unknown"],
    [`${P}${P}\${Worker}*`, WORKER, "no"],
    ["${?}", WORKER, "unknown"],
    ["${Queue.Arn}", WORKER, "unknown"],
  ];
  for (const [pattern, arn, want] of cases) {
    it(`${pattern} vs ${arn}: ${want}`, () => assert.equal(resourceCoversFunction(pattern, arn, FNS), want));
  }
});

describe("functionPermission", () => {
  const perm = (s: PolicyStatement[], unknownPolicies = false) =>
    functionPermission(s, "lambda:InvokeFunction", WORKER, FNS, unknownPolicies).permission;
  it("allowed, denied, unknown and conditional", () => {
    assert.equal(perm([stmt([WORKER])]), "allowed");
    assert.equal(perm([stmt([`${P}\${Report}`])]), "denied");
    assert.equal(perm([]), "denied");
    assert.equal(perm([], true), "unknown", "a managed policy we cannot read");
    assert.equal(perm([stmt(["*"], { actions: ["lambda:*"] })]), "allowed");
    assert.equal(perm([stmt(["*"], { actions: ["s3:*"] })]), "denied");
    assert.equal(perm([stmt(["*"], { actions: [], notActions: ["s3:*"] })]), "allowed");
    assert.equal(perm([stmt(["arn:aws:lambda:*:*:function:*"])]), "unknown");
    assert.equal(perm([stmt([], { resources: { unknown: true, reason: "NotResource" } })]), "unknown");
    assert.equal(perm([stmt([WORKER], { hasCondition: true, conditionKeys: ["aws:SourceVpc"] })]), "conditional");
    assert.equal(perm([stmt(["*"]), stmt([WORKER], { effect: "Deny" })]), "denied");
    assert.equal(perm([stmt(["*"]), stmt([`${P}\${Report}`], { effect: "Deny" })]), "allowed");
    assert.equal(perm([stmt(["*"]), stmt([WORKER], { effect: "Deny", hasCondition: true, conditionKeys: ["x"] })]), "conditional");
  });
});

const BASE = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  TargetName:
    Type: String
    Default: reports
Resources:
  Worker:
    Type: AWS::Lambda::Function
    Properties:
      Role: arn:aws:iam::123456789012:role/worker
      Runtime: nodejs22.x
      Handler: index.handler
      Code: { ZipFile: 'exports.handler = async () => 1;' }
  Named:
    Type: AWS::Lambda::Function
    Properties:
      FunctionName: orders-worker
      Role: arn:aws:iam::123456789012:role/worker
      Runtime: nodejs22.x
      Handler: index.handler
      Code: { ZipFile: 'exports.handler = async () => 1;' }
  Queue:
    Type: AWS::SQS::Queue
`;

describe("loader: symbolic resources and environment", () => {
  it("keeps Ref, Fn::GetAtt, Fn::Sub and Fn::Join of functions in Resource and Environment", () => {
    const m = loadCloudFormation(
      "t.yaml",
      `${BASE}  CallerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      Policies:
        - PolicyName: p
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: lambda:InvokeFunction
                Resource:
                  - !GetAtt Worker.Arn
                  - !Sub '\${Named.Arn}'
                  - !Sub 'arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:\${TargetName}'
                  - !Join [':', [!GetAtt Worker.Arn, '*']]
                  - !GetAtt Queue.Arn
                  - !Sub '\${AWS::StackName}-x'
              - Effect: Allow
                Action: s3:GetObject
                NotResource: arn:aws:s3:::private/*
  Caller:
    Type: AWS::Serverless::Function
    Properties:
      Role: !GetAtt CallerRole.Arn
      Runtime: nodejs22.x
      Handler: index.handler
      InlineCode: 'exports.handler = async () => 1;'
      Environment:
        Variables:
          BY_REF: !Ref Worker
          BY_ARN: !GetAtt Worker.Arn
          BY_SUB: !Sub 'arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:\${Worker}'
          NAMED: orders-worker
          EXTERNAL: ${EXTERNAL}
          PLAIN: hello
`,
    );
    const role = m.get("role", "CallerRole");
    assert.ok(role);
    assert.deepEqual(role.statements[0]?.resources, [
      `${P}\${Worker}`,
      `${P}orders-worker`,
      `${P}reports`,
      `${P}\${Worker}:*`,
      "${Queue.Arn}",
      "${?}-x",
    ]);
    assert.equal((role.statements[1]?.resources as { unknown?: boolean }).unknown, true, "NotResource");
    const caller = m.get("function", "Caller");
    assert.ok(caller);
    assert.deepEqual(caller.environment, {
      BY_REF: "${Worker}",
      BY_ARN: `${P}\${Worker}`,
      BY_SUB: `${P}\${Worker}`,
      NAMED: "orders-worker",
      EXTERNAL,
      PLAIN: "hello",
    });
    const worker = m.get("function", "Worker");
    assert.ok(worker);
    assert.equal(functionArn(worker), WORKER);
    const targets = invokedFunctions(m, caller);
    assert.deepEqual(
      targets.map((t) => [t.target, t.inTemplate, t.evidence.map((e) => (e.kind === "environment" ? e.variable : e.kind))]),
      [
        ["Worker", true, ["BY_REF", "BY_ARN", "BY_SUB"]],
        ["Named", true, ["NAMED"]],
        [EXTERNAL, false, ["EXTERNAL"]],
      ],
    );
    assert.deepEqual(m.diagnostics, [], "no diagnostics, none repeated");
  });

  it("SAM LambdaInvokePolicy is scoped to its function, as samtranslator builds it", () => {
    const m = loadCloudFormation(
      "t.yaml",
      `${BASE}  Caller:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      InlineCode: 'exports.handler = async () => 1;'
      Policies:
        - LambdaInvokePolicy:
            FunctionName: !Ref Worker
        - LambdaInvokePolicy:
            FunctionName: !GetAtt Named.Arn
        - LambdaInvokePolicy: {}
`,
    );
    const role = m.get("role", "CallerRole");
    assert.ok(role);
    const invoke = role.statements.filter((s) => s.origin.path === "Properties.Policies (LambdaInvokePolicy)").map((s) => s.resources);
    assert.deepEqual(invoke, [[`${P}\${Worker}*`], [`${P}${P}orders-worker*`], [`${P}\${?}*`]]);
    const caller = m.get("function", "Caller");
    assert.ok(caller);
    assert.deepEqual(
      invokedFunctions(m, caller).map((t) => t.target),
      ["Worker", "Named"],
    );
  });
});
