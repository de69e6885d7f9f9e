import rule from "../../src/rules/function-missing-invoke-permission.ts";
import { testRule } from "../support/rule-tester.ts";
import { network } from "../support/rule-templates.ts";

/** Caller holds Target's name in its environment; `policies` are its SAM Policies (YAML lines). */
function caller(...policies: string[]): string {
  return `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Target:
    Type: AWS::Serverless::Function
    Properties: { Runtime: nodejs22.x, Handler: index.handler, InlineCode: "exports.handler = async () => 1;" }
  Caller:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => 1;"
      Environment:
        Variables:
          TARGET_FUNCTION: !Ref Target${policies.length > 0 ? `\n      Policies:${policies.map((p) => `\n        - ${p}`).join("")}` : ""}
`;
}

testRule(rule, {
  valid: [{ name: "LambdaInvokePolicy names the function", yaml: caller("LambdaInvokePolicy: { FunctionName: !Ref Target }") }],
  invalid: [
    {
      name: "no policy allows the call",
      yaml: caller(),
      errors: [
        {
          messageId: "invokeDenied",
          resource: "Caller",
          data: {
            fn: "Caller",
            target: "Target",
            evidence: "its environment variable TARGET_FUNCTION holds the name or ARN of Target",
            role: "CallerRole",
            action: "lambda:InvokeFunction",
            why: "no statement allows lambda:InvokeFunction",
          },
          fix: "Add to the Policies of Caller: - LambdaInvokePolicy: { FunctionName: !Ref Target }.",
        },
      ],
    },
  ],
  notApplicable: [{ name: "no function", yaml: network(), reason: "no function" }],
});
