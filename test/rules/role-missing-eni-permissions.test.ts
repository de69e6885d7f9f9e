import rule from "../../src/rules/role-missing-eni-permissions.ts";
import { testRule } from "../support/rule-tester.ts";
import { network, PRIVATE_AB } from "../support/rule-templates.ts";

/** A plain function in SubnetA whose role has `managed` policies. */
function withRole(...managed: string[]): string {
  return network(
    PRIVATE_AB,
    `  FnRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
      ManagedPolicyArns: [${managed.join(", ")}]
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: !GetAtt FnRole.Arn
      Code: { ZipFile: "exports.handler = async () => 1;" }
      VpcConfig: { SubnetIds: [!Ref SubnetA, !Ref SubnetB], SecurityGroupIds: [!Ref FnSg] }`,
  );
}

testRule(rule, {
  valid: [{ name: "the VPC access policy", yaml: withRole("arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole") }],
  invalid: [
    {
      name: "only the basic execution policy",
      yaml: withRole("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
      errors: [
        {
          messageId: "missingActions",
          resource: "Fn",
          data: {
            role: "FnRole",
            fn: "Fn",
            actions: "ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DeleteNetworkInterface",
          },
        },
      ],
    },
  ],
  notApplicable: [{ name: "no function", yaml: network(PRIVATE_AB), reason: "no function" }],
});
