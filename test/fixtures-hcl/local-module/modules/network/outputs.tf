output "private_subnet_ids" {
  value = aws_subnet.private[*].id
}

output "function_sg_id" {
  value = aws_security_group.fn.id
}
