variable "cidr" {
  type = string
}

variable "azs" {
  type = list(string)
}
