# The network comes from a local module; the function uses its outputs.
provider "aws" {
  region = "us-west-2"
}

module "network" {
  source = "./modules/network"
  cidr   = "10.1.0.0/16"
  azs    = ["us-west-2a", "us-west-2b"]
}

resource "aws_iam_role" "fn" {
  name               = "worker"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "eni" {
  role = aws_iam_role.fn.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"]
      Resource = "*"
    }]
  })
}

resource "aws_lambda_function" "worker" {
  function_name = "worker"
  role          = aws_iam_role.fn.arn
  runtime       = "nodejs20.x"
  handler       = "index.handler"
  filename      = "worker.zip"
  depends_on    = [aws_iam_role_policy.eni]
  vpc_config {
    subnet_ids         = module.network.private_subnet_ids
    security_group_ids = [module.network.function_sg_id]
  }
}
