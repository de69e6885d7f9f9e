// The real public templates of ../shared/corpus: every one loads and gets a sensible answer.
// Skipped (with a message) when the corpus is absent; never copied into the repository.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { CheckReport } from "../src/check.ts";
import { runCli } from "./support/cli-helpers.ts";
import { CORPUS, checkFile, HAS_CORPUS } from "./support/helpers.ts";

/** file-name fragment -> function -> internet summary, and the findings expected. */
const EXPECTED: Record<string, { functions: Record<string, string>; findings: string[]; subnets?: Record<string, string> }> = {
  "allenheltondev__aws-lambda-static-ip": { functions: { StaticIpLambda: "reachable" }, findings: ["function-single-az StaticIpLambda"] },
  SapPrivateLink: {
    functions: { ASCPrivateLinkLambdaFunction: "unknown" },
    findings: ["role-missing-eni-permissions ASCPrivateLinkLambdaFunction"],
  },
  ADCONNECTOR: { functions: { ADConnectorLambdaFunction: "unknown" }, findings: [] },
  DIRECTORY_SETTINGS: {
    functions: { DirectorySettingsLambdaFunction: "unknown" },
    findings: ["role-missing-eni-permissions DirectorySettingsLambdaFunction"],
  },
  VPC_With_Managed_NAT: {
    functions: {},
    findings: [],
    subnets: { PrivateSubnet0: "reachable", PrivateSubnet1: "reachable", PublicSubnet0: "unreachable", PublicSubnet1: "unreachable" },
  },
  "quickstart-aws-vpc": {
    functions: {},
    findings: [],
    subnets: { PrivateSubnet1A: "reachable", PrivateSubnet2A: "reachable", PublicSubnet1: "unreachable", PublicSubnet2: "unreachable" },
  },
  "apigw-http-api-lambda-rds-proxy": { functions: { RdsProxyFunction: "unknown" }, findings: [] },
  "apigw-lambda-efs-sam": { functions: { HelloEfsFunction: "unreachable" }, findings: [] },
  "apigw-lambda-memorydb": { functions: { HelloWorldFunction: "unreachable" }, findings: [] },
  "apigw-private-cdn-private-ca-sam": { functions: { APITestingLambdaFunction: "unknown", PythonLambda: "reachable" }, findings: [] },
  "apigw-rest-api-lambda-vpc-sqs": { functions: { LambdaToSQS: "unknown" }, findings: [] },
  "docdb-lambda": { functions: { MyLambdaFunction: "unknown" }, findings: [] },
  "iot-mqttoverhttp-customauth": { functions: { LambdaAuthorizer: "reachable", Processor: "unknown" }, findings: [] },
  "lambda-s3-files-sam": {
    functions: { S3FilesReaderFunction: "unreachable" },
    // Its s3-outposts interface endpoint uses the function's own security group, which admits nothing; its role
    // grants s3:GetObject, and its security group lets nothing out on 443 (granted-service-unreached).
    findings: [
      "endpoint-blocks-function S3FilesReaderFunction",
      "function-single-az S3FilesReaderFunction",
      "granted-service-unreached S3FilesReaderFunction",
    ],
  },
  // The function's public subnet also routes the parameter REMOTEVPCCIDR to a peering connection: without a value it
  // may take any of the internet's addresses there, whose far side is not modelled.
  "private-apigw-cross-region": {
    functions: { myLambdaFunction: "unknown" },
    findings: ["function-in-public-subnet myLambdaFunction", "function-single-az myLambdaFunction"],
  },
  // Managed Instances: the capacity provider's two private subnets share one NAT gateway in the first AZ.
  "sqs-lambda-lmi-esm-provisioned-sam": {
    functions: { ProcessorFunction: "reachable" },
    findings: ["nat-gateway-cross-az ProcessorFunction"],
  },
  "vpc-lattice-lambda": {
    functions: { DemoLambda: "unreachable", VLFunctionPrimary: "reachable", VLFunctionSecondary: "reachable" },
    findings: ["function-single-az DemoLambda"],
  },
  "lambda-allow-all-ipv6-outbound": {
    functions: { CustomVpcRestrictDefaultSGCustomResourceProviderHandlerDC833E5E: "reachable", LambdawithIPv6VPCF50054B3: "reachable" },
    findings: [],
  },
  "integ.vpc-lambda": { functions: { MyLambdaCCE802FB: "reachable" }, findings: [] },
  function_lmi_custom: { functions: { MyFunction: "unknown" }, findings: [] },
  function_lmi_default: { functions: { MyFunction: "unknown" }, findings: [] },
  function_with_file_system_config: { functions: { LambdaFunctionWithEfs: "unknown" }, findings: [] },
  "efs-nodejs": { functions: { function: "unknown" }, findings: [] },
  "list-manager": { functions: { dbadmin: "unknown", processor: "unknown" }, findings: [] },
  "templates__vpc-private.yaml": { functions: {}, findings: [], subnets: { privateSubnet1: "unreachable", privateSubnet2: "unreachable" } },
  "templates__vpc-privatepublic": {
    functions: {},
    findings: [],
    subnets: { privateSubnet1: "reachable", privateSubnet2: "reachable", publicSubnet1: "unreachable" },
  },
  "vpc-eip-lambda": { functions: { TestNatIPFn: "reachable" }, findings: ["function-single-az TestNatIPFn"] },
  "pope-tech": { functions: { testEmailWithMySQL: "unknown" }, findings: [] },
};

/** The corpus's .tf files: function -> "subnet verdict" for the internet, and the findings, checked by hand. */
const TF_EXPECTED: Record<string, { functions: Record<string, string[]>; findings: string[] }> = {
  // Two private subnets, each routed to the NAT gateway of its own public subnet (count.index).
  "lambda-managed-instances-nodejs-tf": {
    functions: { "aws_lambda_function.hello_world": ["aws_subnet.private[0] reachable", "aws_subnet.private[1] reachable"] },
    findings: [],
  },
  // Managed Instances: the capacity provider's three private subnets, each with its own NAT gateway and route table.
  "lambda-managed-instances-tf__": {
    functions: {
      "aws_lambda_function.hello_world_function": [
        "aws_subnet.private_subnet_1 reachable",
        "aws_subnet.private_subnet_2 reachable",
        "aws_subnet.private_subnet_3 reachable",
      ],
    },
    findings: [],
  },
  // One NAT gateway for both private subnets; the ENI permissions come from an aws_iam_role_policy the function does not
  // depend on (its depends_on lists the role, not the policy).
  "terraform-lambda-aurora-serverless": {
    functions: { "aws_lambda_function.aurora_lambda": ["aws_subnet.lambda_subnet_1 reachable", "aws_subnet.lambda_subnet_2 reachable"] },
    findings: ["function-missing-policy-dependency aws_lambda_function.aurora_lambda"],
  },
  // The subnets are a variable declared in another file of the project (var.aws_subnets): unknown.
  "terraform-lambda-bedrock-integration": { functions: { "aws_lambda_function.this_aws_lambda_function": [] }, findings: [] },
};

const files = HAS_CORPUS
  ? readdirSync(CORPUS)
      .filter((f) => !f.endsWith(".md"))
      .sort()
  : [];

describe("corpus of real templates", { skip: HAS_CORPUS ? false : `no corpus at ${CORPUS}` }, () => {
  it("has 32 templates, each with an expectation", () => {
    assert.equal(files.length, 32);
    for (const f of files.filter((x) => !x.endsWith(".tf"))) {
      assert.equal(Object.keys(EXPECTED).filter((k) => f.includes(k)).length, 1, `exactly one expectation for ${f}`);
    }
  });
  for (const f of files.filter((x) => !x.endsWith(".tf"))) {
    it(f, () => {
      const key = Object.keys(EXPECTED).find((k) => f.includes(k)) as string;
      const exp = EXPECTED[key] as (typeof EXPECTED)[string];
      const report: CheckReport = checkFile(join(CORPUS, f));
      const got = Object.fromEntries(report.functions.map((fn) => [fn.id, fn.summary.internet]));
      assert.deepEqual(got, exp.functions);
      assert.deepEqual(report.findings.map((x) => `${x.rule} ${x.resource}`).sort(), [...exp.findings].sort());
      if (exp.subnets) {
        assert.deepEqual(Object.fromEntries(report.subnets.map((s) => [s.subnet, s.destinations[0]?.verdict])), exp.subnets);
      }
      // Every unknown verdict says why.
      for (const fn of report.functions) {
        if (fn.summary.internet === "unknown") {
          const reasons = fn.reason ?? fn.subnets.flatMap((s) => s.destinations.map((d) => d.reason)).join(" ");
          assert.ok(reasons.length > 10, `${fn.id} unknown without a reason`);
        }
      }
    });
  }
  for (const f of files.filter((x) => x.endsWith(".tf"))) {
    it(`${f}: Terraform configuration read directly`, async () => {
      const key = Object.keys(TF_EXPECTED).find((k) => f.includes(k)) as string;
      const exp = TF_EXPECTED[key] as (typeof TF_EXPECTED)[string];
      const r = await runCli(["check", join(CORPUS, f), "--format", "json", "--fail-on", "none"]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as CheckReport;
      assert.deepEqual(
        Object.fromEntries(report.functions.map((fn) => [fn.id, fn.subnets.map((s) => `${s.subnet} ${s.destinations[0]?.verdict}`)])),
        exp.functions,
      );
      for (const fn of report.functions) assert.equal(fn.summary.internet, fn.subnets.length > 0 ? "reachable" : "unknown");
      assert.deepEqual(report.findings.map((x) => `${x.rule} ${x.resource}`).sort(), exp.findings);
      // Each file is one of several of its project: the variables declared in the others are named.
      assert.deepEqual([...new Set(report.diagnostics.map((d) => d.code))], ["LOAD_TERRAFORM_UNDECLARED"]);
    });
  }
});
