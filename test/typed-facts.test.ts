// Facts the loaders hand the analyzer as typed fields, not as a diagnostic's wording (issue 20): the DHCP options a VPC
// is associated with (Vpc.dhcpOptions), from CloudFormation and Terraform alike.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "./support/cli-helpers.ts";

const dir = mkdtempSync(join(tmpdir(), "typed-facts-"));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Each function's verdict for `aws:dynamodb` from its one subnet: `verdict CODE`. */
async function verdicts(path: string): Promise<Record<string, string>> {
  const r = await runCli(["check", path, "--to", "aws:dynamodb", "--format", "json", "--fail-on", "none"]);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    functions: { id: string; subnets: { destinations: { verdict: string; code?: string; reason: string }[] }[] }[];
  };
  return Object.fromEntries(
    report.functions.map((f) => {
      const d = f.subnets[0]?.destinations[0];
      return [f.id, `${d?.verdict} ${d?.code}`];
    }),
  );
}

/** A VPC with EnableDnsSupport off, a subnet and a function in it. */
function cfnVpc(name: string, cidr: string): string {
  return `
  ${name}Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: ${cidr}.0.0/16
      EnableDnsSupport: false
  ${name}Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref ${name}Vpc
      CidrBlock: ${cidr}.1.0/24
      AvailabilityZone: us-east-1a
  ${name}Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: function
      VpcId: !Ref ${name}Vpc
  ${name}Function:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      Role: arn:aws:iam::123456789012:role/fn
      Code: { ZipFile: "exports.handler = async () => 1;" }
      VpcConfig:
        SubnetIds: [!Ref ${name}Subnet]
        SecurityGroupIds: [!Ref ${name}Group]`;
}

describe("Vpc.dhcpOptions", () => {
  it("CloudFormation: DHCP options make the VPC they are associated with undecided, not every VPC of the template", async () => {
    const file = join(dir, "two-vpcs.yaml");
    writeFileSync(
      file,
      `Resources:${cfnVpc("A", "10.0")}${cfnVpc("B", "10.1")}
  Options:
    Type: AWS::EC2::DHCPOptions
    Properties:
      DomainNameServers: [10.0.0.53]
  OptionsAssociation:
    Type: AWS::EC2::VPCDHCPOptionsAssociation
    Properties:
      VpcId: !Ref AVpc
      DhcpOptionsId: !Ref Options
`,
    );
    assert.deepEqual(await verdicts(file), {
      AFunction: "unknown UNKNOWN_RESOURCE",
      BFunction: "unreachable VPC_DNS_SUPPORT_DISABLED",
    });
  });

  it("Terraform: an aws_vpc_dhcp_options_association makes the verdict undecided, as in CloudFormation", async () => {
    const cfg = join(dir, "tf");
    mkdirSync(cfg);
    writeFileSync(
      join(cfg, "main.tf"),
      `provider "aws" {
  region = "us-east-1"
}
resource "aws_vpc" "main" {
  cidr_block         = "10.0.0.0/16"
  enable_dns_support = false
}
resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-1a"
}
resource "aws_security_group" "fn" {
  vpc_id = aws_vpc.main.id
}
resource "aws_vpc_dhcp_options" "dns" {
  domain_name_servers = ["10.0.0.53"]
}
resource "aws_vpc_dhcp_options_association" "dns" {
  vpc_id          = aws_vpc.main.id
  dhcp_options_id = aws_vpc_dhcp_options.dns.id
}
resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "fn.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.a.id]
    security_group_ids = [aws_security_group.fn.id]
  }
}
`,
    );
    assert.deepEqual(await verdicts(cfg), { "aws_lambda_function.fn": "unknown UNKNOWN_RESOURCE" });
  });
});
