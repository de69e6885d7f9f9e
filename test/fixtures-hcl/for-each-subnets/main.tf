# for_each subnets from a map in locals; the "c" subnet is left on the main route table, which has no route out.
provider "aws" {
  region = "us-east-1"
}

locals {
  base = "10.20.0.0/16"
  private = {
    a = { az = "us-east-1a", netnum = 1 }
    b = { az = "us-east-1b", netnum = 2 }
    c = { az = "us-east-1c", netnum = 3 }
  }
  routed = { for k, v in local.private : k => v if k != "c" }
  tags   = merge({ team = "core" }, { app = "orders" })
}

resource "aws_vpc" "main" {
  cidr_block = local.base
  tags       = local.tags
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "public" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(local.base, 8, 0)
  availability_zone = "us-east-1a"
}

resource "aws_subnet" "private" {
  for_each          = local.private
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(local.base, 8, lookup(each.value, "netnum", 99))
  availability_zone = each.value.az
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "nat" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.nat.id
  }
}

resource "aws_route_table_association" "private" {
  for_each       = local.routed
  subnet_id      = aws_subnet.private[each.key].id
  route_table_id = aws_route_table.private.id
}

resource "aws_security_group" "fn" {
  vpc_id = aws_vpc.main.id
  dynamic "egress" {
    for_each = [443, 5432]
    content {
      from_port   = egress.value
      to_port     = egress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

resource "aws_iam_role" "fn" {
  name               = "orders"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy_attachment" "vpc" {
  role       = aws_iam_role.fn.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_lambda_function" "orders" {
  function_name = "orders"
  role          = aws_iam_role.fn.arn
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "orders.zip"
  depends_on    = [aws_iam_role_policy_attachment.vpc]
  vpc_config {
    subnet_ids         = concat([for s in aws_subnet.private : s.id])
    security_group_ids = [aws_security_group.fn.id]
  }
}
