// The Fn::GetAtt attributes of the resource types whose attributes the loader judges, from the
// CloudFormation Template Reference ("Return values" > "Fn::GetAtt" of each type's page) and the
// resource provider schemas (readOnlyProperties) cfn-lint ships
// (aws-cloudformation/cfn-lint src/cfnlint/data/schemas/providers/us_east_1/aws-ec2-*.json).
// A type absent here is not judged: its attributes are not listed (types whose every property
// is an attribute, such as AWS::EC2::VPC, AWS::EC2::Subnet, AWS::EC2::SecurityGroup and
// AWS::EC2::Instance, or types not researched).
export const GETATT_ATTRIBUTES: Readonly<Record<string, readonly string[]>> = {
  "AWS::EC2::EIP": ["AllocationId", "PublicIp"],
  // NatGatewayId; the others came with regional NAT gateways (2025).
  "AWS::EC2::NatGateway": ["NatGatewayId", "AutoProvisionZones", "AutoScalingIps", "EniId", "RouteTableId"],
  "AWS::EC2::InternetGateway": ["InternetGatewayId"],
  "AWS::EC2::EgressOnlyInternetGateway": ["Id"],
  "AWS::EC2::RouteTable": ["RouteTableId"],
  "AWS::EC2::Route": ["CidrBlock"],
  "AWS::EC2::NetworkAcl": ["Id"],
};
