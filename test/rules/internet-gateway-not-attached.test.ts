import rule from "../../src/rules/internet-gateway-not-attached.ts";
import { testRule } from "../support/rule-tester.ts";
import { network, NO_VPC_FUNCTION } from "../support/rule-templates.ts";

testRule(rule, {
  valid: [{ name: "an attached gateway", yaml: network() }],
  invalid: [
    {
      name: "a gateway without an attachment",
      yaml: `Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  Igw:
    Type: AWS::EC2::InternetGateway
`,
      errors: [
        {
          messageId: "notAttached",
          resource: "Igw",
          message: "Internet gateway Igw is not attached to any VPC: routes to it carry nothing",
          fix: "Add an AWS::EC2::VPCGatewayAttachment for Igw, and make routes to it DependsOn the attachment.",
        },
      ],
    },
  ],
  notApplicable: [{ name: "no internet gateway", yaml: NO_VPC_FUNCTION, reason: "no internet gateway" }],
});
