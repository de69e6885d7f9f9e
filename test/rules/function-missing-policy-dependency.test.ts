import rule from "../../src/rules/function-missing-policy-dependency.ts";
import { testRule } from "../support/rule-tester.ts";
import { network, PRIVATE_AB } from "../support/rule-templates.ts";

/** A function whose role gets the ENI actions from a separate AWS::IAM::Policy; `dependsOn` makes the function wait for it. */
function separatePolicy(dependsOn: boolean): string {
  return network(
    PRIVATE_AB,
    `  FnRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{ Effect: Allow, Principal: { Service: lambda.amazonaws.com }, Action: sts:AssumeRole }]
  EniPolicy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: eni
      Roles: [!Ref FnRole]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action: [ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces, ec2:DeleteNetworkInterface, ec2:AssignPrivateIpAddresses, ec2:UnassignPrivateIpAddresses, ec2:DescribeSubnets, ec2:DescribeVpcs, ec2:DescribeSecurityGroups]
            Resource: "*"
  Fn:
    Type: AWS::Lambda::Function${dependsOn ? "\n    DependsOn: EniPolicy" : ""}
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: !GetAtt FnRole.Arn
      Code: { ZipFile: "exports.handler = async () => 1;" }
      VpcConfig: { SubnetIds: [!Ref SubnetA, !Ref SubnetB], SecurityGroupIds: [!Ref FnSg] }`,
  );
}

testRule(rule, {
  valid: [{ name: "the function DependsOn the policy", yaml: separatePolicy(true) }],
  invalid: [
    {
      name: "no DependsOn",
      yaml: separatePolicy(false),
      errors: [
        {
          messageId: "createdFirst",
          resource: "Fn",
          data: { fn: "Fn", providers: "EniPolicy", tool: "CloudFormation" },
          fix: "Add DependsOn: EniPolicy to Fn (or attach the permissions to FnRole itself).",
        },
      ],
    },
  ],
  notApplicable: [{ name: "no function", yaml: network(PRIVATE_AB), reason: "no function" }],
});
