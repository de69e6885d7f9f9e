# The function's subnets come from a data source, read from AWS only when Terraform plans.
data "aws_subnets" "private" {
  filter {
    name   = "tag:tier"
    values = ["private"]
  }
}

resource "aws_lambda_function" "reader" {
  function_name = "reader"
  role          = "arn:aws:iam::123456789012:role/reader"
  runtime       = "python3.12"
  handler       = "app.handler"
  filename      = "reader.zip"
  vpc_config {
    subnet_ids         = data.aws_subnets.private.ids
    security_group_ids = ["sg-0123456789abcdef0"]
  }
}
