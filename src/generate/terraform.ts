// The Terraform configuration `lambda-egress new --format terraform` writes: the network of each pattern
// of patterns.ts as plain `aws_*` resources, equivalent to the CloudFormation template of template.ts
// (same subnets, routes, NATs, endpoints, security groups, role and demo function), in one main.tf.
import { AL2023_AMI_SSM_PARAMETER, ENI_ACTIONS_DOCUMENTED, MANAGED_INSTANCES_MIN_MEMORY_MB } from "../aws/facts.ts";
import {
  DEMO_FUNCTION_CODE,
  DEMO_FUNCTION_HANDLER,
  DEMO_FUNCTION_RUNTIME,
  DEMO_FUNCTION_TIMEOUT,
  DEMO_FUNCTION_URL,
} from "./demo-function.ts";
import type { PatternName, ResolvedPatternOptions } from "./patterns.ts";
import { isGatewayEndpointService, natCount, PATTERN_INFO } from "./patterns.ts";
import { NAT_INSTANCE_USER_DATA } from "./template.ts";

/** The address of the demo function in every configuration. */
export const TERRAFORM_FUNCTION_ADDRESS = "aws_lambda_function.demo";

const q = (s: string): string => JSON.stringify(s).replace(/\$\{/g, "$${").replace(/%\{/g, "%%{");

/** The VPC block cut in eight, as in the CloudFormation template: public subnets first, private from the fifth eighth. */
function cidrs(vpcCidr: string): { publicCidr: (i: number) => string; privateCidr: (i: number) => string } {
  const [addr = "", lenText = "0"] = vpcCidr.split("/");
  const len = Number(lenText);
  const n = addr.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - len - 3);
  const fmt = (x: number) => `${[24, 16, 8, 0].map((s) => Math.floor(x / 2 ** s) % 256).join(".")}/${len + 3}`;
  return { publicCidr: (i) => fmt(n + i * size), privateCidr: (i) => fmt(n + (4 + i) * size) };
}

function shape(pattern: PatternName) {
  const nat =
    pattern === "nat-gateway" || pattern === "dual-stack"
      ? "per-az"
      : pattern === "shared-nat-gateway"
        ? "shared"
        : pattern === "regional-nat-gateway"
          ? "regional"
          : pattern === "nat-instance"
            ? "instance"
            : "none";
  const publicSubnets =
    pattern === "nat-gateway" || pattern === "dual-stack" || pattern === "managed-instances-public"
      ? "all"
      : pattern === "shared-nat-gateway" || pattern === "nat-instance"
        ? "first"
        : "none";
  return {
    nat,
    publicSubnets,
    private: pattern !== "managed-instances-public",
    ipv6: pattern === "dual-stack",
    igw: pattern !== "endpoints",
  };
}

/** The configuration's text (one main.tf). */
export function buildTerraform(options: ResolvedPatternOptions, header?: string): string {
  const { pattern, azs, endpoints, eipAllocations } = options;
  const s = shape(pattern);
  const c = cidrs(options.vpcCidr);
  const out: string[] = [];
  const add = (block: string) => out.push(block.replace(/^\n/, ""));
  const publicCount = s.publicSubnets === "all" ? azs : s.publicSubnets === "first" ? 1 : 0;
  const list = (xs: string[]) => `[${xs.map(q).join(", ")}]`;
  const nats = natCount(pattern, azs);
  const given = eipAllocations.length > 0;

  if (header) add(header.replace(/^/gm, "# ") + "\n");
  add(`
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
      # ${s.nat === "regional" ? "Regional NAT gateways (availability_mode, vpc_id) came with the AWS provider 6.24.0." : "The AWS provider 6 or later."}
      version = "${s.nat === "regional" ? ">= 6.24" : ">= 6.0"}"
    }
    archive = {
      source = "hashicorp/archive"
    }
  }
}

variable "region" {
  description = "The region to deploy to"
  type        = string
  default     = "us-east-1"
}

provider "aws" {
  region = var.region
}

data "aws_availability_zones" "available" {
  state = "available"
}

locals {
  name          = ${q(`lambda-egress-${pattern}`)}
  azs           = slice(data.aws_availability_zones.available.names, 0, ${azs})
  public_cidrs  = ${list(Array.from({ length: publicCount }, (_x, i) => c.publicCidr(i)))}
  private_cidrs = ${list(Array.from({ length: s.private ? azs : 0 }, (_x, i) => c.privateCidr(i)))}
}

resource "aws_vpc" "main" {
  cidr_block           = ${q(options.vpcCidr)}
  enable_dns_support   = true
  enable_dns_hostnames = true${s.ipv6 ? "\n  assign_generated_ipv6_cidr_block = true" : ""}
  tags                 = { Name = "\${local.name}-vpc" }
}
`);
  if (s.igw) {
    add(`
resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
  tags   = { Name = "\${local.name}-igw" }
}
`);
  }
  if (s.ipv6) {
    add(`
resource "aws_egress_only_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}
`);
  }
  if (publicCount > 0) {
    add(`
resource "aws_subnet" "public" {
  count                   = ${publicCount}
  vpc_id                  = aws_vpc.main.id
  cidr_block              = local.public_cidrs[count.index]
  availability_zone       = local.azs[count.index]
  map_public_ip_on_launch = true
  tags                    = { Name = "\${local.name}-public-\${count.index}" }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
  tags = { Name = "\${local.name}-public" }
}

resource "aws_route_table_association" "public" {
  count          = ${publicCount}
  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public.id
}
`);
  }
  // Elastic IPs: new ones, or the allocations given (so the allowlisted addresses survive a rebuild).
  const allocation = (i: string) => (given ? `local.eip_allocations[${i}]` : `aws_eip.nat[${i}].id`);
  if (nats > 0 && given) add(`\nlocals {\n  eip_allocations = ${list([...eipAllocations])}\n}\n`);
  if (nats > 0 && !given) {
    add(`
resource "aws_eip" "nat" {
  count      = ${nats}
  domain     = "vpc"${s.nat === "instance" ? "\n  instance   = aws_instance.nat.id" : ""}
  depends_on = [aws_internet_gateway.main]
  tags       = { Name = "\${local.name}-nat-\${count.index}" }
}
`);
  }
  if (s.nat === "per-az" || s.nat === "shared") {
    add(`
resource "aws_nat_gateway" "nat" {
  count         = ${nats}
  allocation_id = ${allocation("count.index")}
  subnet_id     = aws_subnet.public[count.index].id
  tags          = { Name = "\${local.name}-nat-\${count.index}" }
}
`);
  } else if (s.nat === "regional") {
    add(`
resource "aws_nat_gateway" "nat" {
  count             = 1
  availability_mode = "regional"
  connectivity_type = "public"
  vpc_id            = aws_vpc.main.id
  allocation_id     = ${allocation("0")}
  depends_on        = [aws_internet_gateway.main]
  tags              = { Name = "\${local.name}-nat" }
}
`);
  } else if (s.nat === "instance") {
    add(`
data "aws_ssm_parameter" "nat_ami" {
  name = ${q(AL2023_AMI_SSM_PARAMETER)}
}

resource "aws_security_group" "nat_instance" {
  description = "NAT instance: TCP from the VPC only"
  vpc_id      = aws_vpc.main.id
  ingress {
    description = "TCP from the VPC"
    protocol    = "tcp"
    from_port   = 0
    to_port     = 65535
    cidr_blocks = [aws_vpc.main.cidr_block]
  }
  egress {
    description = "out to the internet"
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_instance" "nat" {
  ami                    = data.aws_ssm_parameter.nat_ami.insecure_value
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.public[0].id
  vpc_security_group_ids = [aws_security_group.nat_instance.id]
  source_dest_check      = false
  user_data              = <<-EOT
${NAT_INSTANCE_USER_DATA}EOT
  depends_on             = [aws_internet_gateway.main]
  tags                   = { Name = "\${local.name}-nat-instance" }
}
`);
    if (given)
      add(
        `\nresource "aws_eip_association" "nat" {\n  allocation_id = local.eip_allocations[0]\n  instance_id   = aws_instance.nat.id\n}\n`,
      );
  }
  if (s.private) {
    const natRef =
      s.nat === "per-az"
        ? "aws_nat_gateway.nat[count.index].id"
        : s.nat === "shared" || s.nat === "regional"
          ? "aws_nat_gateway.nat[0].id"
          : undefined;
    add(`
resource "aws_subnet" "private" {
  count             = ${azs}
  vpc_id            = aws_vpc.main.id
  cidr_block        = local.private_cidrs[count.index]
  availability_zone = local.azs[count.index]${
    s.ipv6
      ? "\n  ipv6_cidr_block   = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, count.index)\n  assign_ipv6_address_on_creation = true"
      : ""
  }
  tags              = { Name = "\${local.name}-private-\${count.index}" }
}

resource "aws_route_table" "private" {
  count  = ${azs}
  vpc_id = aws_vpc.main.id
  tags   = { Name = "\${local.name}-private-\${count.index}" }
}

resource "aws_route_table_association" "private" {
  count          = ${azs}
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}
`);
    if (natRef || s.nat === "instance") {
      add(`
resource "aws_route" "private_default" {
  count                  = ${azs}
  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  ${natRef ? `nat_gateway_id         = ${natRef}` : "network_interface_id   = aws_instance.nat.primary_network_interface_id"}
}
`);
    }
    if (s.ipv6) {
      add(`
resource "aws_route" "private_ipv6_default" {
  count                       = ${azs}
  route_table_id              = aws_route_table.private[count.index].id
  destination_ipv6_cidr_block = "::/0"
  egress_only_gateway_id      = aws_egress_only_internet_gateway.main.id
}
`);
    }
  }
  const fnSubnets = s.private ? "aws_subnet.private[*].id" : "aws_subnet.public[*].id";
  const fnTables = s.private ? "aws_route_table.private[*].id" : "[aws_route_table.public.id]";
  add(`
resource "aws_security_group" "function" {
  description = ${q(pattern === "managed-instances-public" ? "Lambda Managed Instances: HTTPS out" : "Lambda function: HTTPS out")}
  vpc_id      = aws_vpc.main.id
  egress {
    description = "HTTPS out (IPv4)"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }${
    s.ipv6
      ? `
  egress {
    description      = "HTTPS out (IPv6)"
    protocol         = "tcp"
    from_port        = 443
    to_port          = 443
    ipv6_cidr_blocks = ["::/0"]
  }`
      : ""
  }
}
`);
  const interfaces = endpoints.filter((e) => !isGatewayEndpointService(e));
  if (interfaces.length > 0) {
    add(`
resource "aws_security_group" "endpoints" {
  description = "Interface endpoints: HTTPS from the function"
  vpc_id      = aws_vpc.main.id
  ingress {
    description     = "HTTPS from the function"
    protocol        = "tcp"
    from_port       = 443
    to_port         = 443
    security_groups = [aws_security_group.function.id]
  }
}
`);
  }
  for (const service of endpoints) {
    const name = service.replace(/[^a-z0-9]+/g, "_");
    add(
      isGatewayEndpointService(service)
        ? `
resource "aws_vpc_endpoint" ${q(name)} {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.\${var.region}.${service}"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = ${fnTables}
}
`
        : `
resource "aws_vpc_endpoint" ${q(name)} {
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.\${var.region}.${service}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = ${fnSubnets}
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true
}
`,
    );
  }
  const managed = pattern === "managed-instances-public";
  const assume = `jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })`;
  add(`
resource "aws_iam_role" "function" {
  name_prefix        = "\${local.name}-"
  assume_role_policy = ${assume}
}

resource "aws_iam_role_policy_attachment" "basic" {
  role       = aws_iam_role.function.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}
`);
  if (!managed) {
    add(`
resource "aws_iam_role_policy" "vpc_network_interfaces" {
  name = "vpc-network-interfaces"
  role = aws_iam_role.function.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ${list([...ENI_ACTIONS_DOCUMENTED])}, Resource = "*" }]
  })
}
`);
  } else {
    add(`
resource "aws_iam_role" "capacity_provider_operator" {
  name_prefix        = "\${local.name}-operator-"
  assume_role_policy = ${assume}
}

resource "aws_iam_role_policy_attachment" "capacity_provider_operator" {
  role       = aws_iam_role.capacity_provider_operator.name
  policy_arn = "arn:aws:iam::aws:policy/AWSLambdaManagedEC2ResourceOperator"
}

resource "aws_lambda_capacity_provider" "main" {
  name = local.name
  vpc_config {
    subnet_ids         = ${fnSubnets}
    security_group_ids = [aws_security_group.function.id]
  }
  permissions_config {
    capacity_provider_operator_role_arn = aws_iam_role.capacity_provider_operator.arn
  }
  instance_requirements {
    architectures = ["x86_64"]
  }
  depends_on = [aws_iam_role_policy_attachment.capacity_provider_operator]
}
`);
  }
  add(`
data "archive_file" "demo" {
  type        = "zip"
  output_path = "\${path.module}/demo-function.zip"
  source {
    filename = "index.js"
    content  = <<-EOT
${DEMO_FUNCTION_CODE.replace(/\$\{/g, "$${").replace(/%\{/g, "%%{")}EOT
  }
}

resource "aws_lambda_function" "demo" {
  function_name    = local.name
  description      = ${q(`lambda-egress ${pattern} demo: fetches ${DEMO_FUNCTION_URL} and returns the address it leaves from`)}
  role             = aws_iam_role.function.arn
  runtime          = ${q(DEMO_FUNCTION_RUNTIME)}
  handler          = ${q(DEMO_FUNCTION_HANDLER)}
  timeout          = ${DEMO_FUNCTION_TIMEOUT}
  filename         = data.archive_file.demo.output_path
  source_code_hash = data.archive_file.demo.output_base64sha256${
    managed
      ? `
  memory_size      = ${MANAGED_INSTANCES_MIN_MEMORY_MB}
  architectures    = ["x86_64"]
  capacity_provider_config {
    lambda_managed_instances_capacity_provider_config {
      capacity_provider_arn = aws_lambda_capacity_provider.main.arn
    }
  }
  depends_on = [aws_iam_role_policy_attachment.basic]`
      : `
  vpc_config {
    subnet_ids         = ${fnSubnets}
    security_group_ids = [aws_security_group.function.id]${s.ipv6 ? "\n    ipv6_allowed_for_dual_stack = true" : ""}
  }
  depends_on = [aws_iam_role_policy_attachment.basic, aws_iam_role_policy.vpc_network_interfaces]`
  }
}

output "function_name" {
  description = "Invoke it to see the address the function leaves from"
  value       = aws_lambda_function.demo.function_name
}
${
  nats > 0 && !given
    ? `
output "egress_ips" {
  description = "The public IPv4 addresses the functions leave from: allowlist them"
  value       = aws_eip.nat[*].public_ip
}
`
    : ""
}`);
  return `${out.join("\n").trimEnd()}\n`;
}

/** One line for the header, as the CloudFormation template's Description says it. */
export function terraformDescription(options: ResolvedPatternOptions): string {
  const endpointNote = options.endpoints.length > 0 ? `; VPC endpoints: ${options.endpoints.join(", ")}` : "";
  return `lambda-egress new ${options.pattern} (${options.azs} AZ${options.azs > 1 ? "s" : ""}${endpointNote}): ${PATTERN_INFO[options.pattern].summary}`;
}
