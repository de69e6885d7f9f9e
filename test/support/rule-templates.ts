// Small SAM templates for the rule tests (test/rules/), put together from YAML pieces: a VPC with an internet gateway, a
// public subnet holding a NAT gateway, and the security group `FnSg`; the tests add the subnets and functions they need.

/** The template: the network above, then `resources` (YAML resources, indented by two spaces). */
export function network(...resources: string[]): string {
  return `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16, EnableDnsSupport: true, EnableDnsHostnames: true }
  Igw:
    Type: AWS::EC2::InternetGateway
  IgwAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: { VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw }
${subnet("PublicSubnet", { cidr: "10.0.0.0/24", az: "us-east-1a", to: "igw" })}
  NatEip:
    Type: AWS::EC2::EIP
    Properties: { Domain: vpc }
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: { SubnetId: !Ref PublicSubnet, AllocationId: !GetAtt NatEip.AllocationId }
  FnSg:
    Type: AWS::EC2::SecurityGroup
    Properties: { GroupDescription: functions, VpcId: !Ref Vpc }
${resources.join("\n")}
`;
}

/** A subnet `name` with its own route table, sending `route` (default 0.0.0.0/0) to a NAT (default `Nat`), the internet gateway, or nowhere. */
export function subnet(
  name: string,
  o: { cidr: string; az: string; to?: "nat" | "igw" | "none"; route?: string; nat?: string; vpc?: string },
): string {
  const target = o.to ?? "nat";
  const vpc = o.vpc ?? "Vpc";
  const route =
    target === "none"
      ? ""
      : `
  ${name}Default:
    Type: AWS::EC2::Route
    DependsOn: IgwAttachment
    Properties:
      RouteTableId: !Ref ${name}Routes
      DestinationCidrBlock: ${o.route ?? "0.0.0.0/0"}
      ${target === "nat" ? `NatGatewayId: !Ref ${o.nat ?? "Nat"}` : "GatewayId: !Ref Igw"}`;
  return `  ${name}:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref ${vpc}, CidrBlock: ${o.cidr}, AvailabilityZone: ${o.az} }
  ${name}Routes:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref ${vpc} }${route}
  ${name}Assoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref ${name}, RouteTableId: !Ref ${name}Routes }`;
}

/**
 * A SAM function in `subnets` behind FnSg (SAM gives its role the VPC access policy); `vpcConfig` adds lines to its
 * VpcConfig, `properties` to its Properties (YAML, one line or a block indented as under Properties).
 */
export function fn(
  name: string,
  subnets: readonly string[],
  o: { vpcConfig?: readonly string[]; properties?: readonly string[] } = {},
): string {
  return `  ${name}:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => 1;"
      VpcConfig:
        SubnetIds: [${subnets.map((s) => `!Ref ${s}`).join(", ")}]
        SecurityGroupIds: [!Ref FnSg]${(o.vpcConfig ?? []).map((p) => `\n        ${p}`).join("")}${(o.properties ?? []).map((p) => `\n      ${p}`).join("")}`;
}

/** A security group `name` admitting tcp `port` from FnSg. */
export function admitsFunctions(name: string, port: number): string {
  return `  ${name}:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ${name}
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: ${port}, ToPort: ${port}, SourceSecurityGroupId: !Ref FnSg }`;
}

/** An interface endpoint for `service` in `subnets`, behind security group `sg`; `properties` adds lines. */
export function interfaceEndpoint(name: string, service: string, subnets: readonly string[], sg: string, ...properties: string[]): string {
  return `  ${name}:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: com.amazonaws.us-east-1.${service}
      VpcEndpointType: Interface
      SubnetIds: [${subnets.map((s) => `!Ref ${s}`).join(", ")}]
      SecurityGroupIds: [!Ref ${sg}]${properties.map((p) => `\n      ${p}`).join("")}`;
}

/** The common case: private subnets A (us-east-1a) and B (us-east-1b) routed to the NAT. */
export const PRIVATE_AB = [
  subnet("SubnetA", { cidr: "10.0.1.0/24", az: "us-east-1a" }),
  subnet("SubnetB", { cidr: "10.0.2.0/24", az: "us-east-1b" }),
].join("\n");

/** A template with no VPC function (one outside any VPC). */
export const NO_VPC_FUNCTION = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: nodejs22.x
      Handler: index.handler
      InlineCode: "exports.handler = async () => 1;"
`;
