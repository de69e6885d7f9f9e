// The CloudFormation and SAM templates `lambda-egress new` writes: one pure function per pattern of
// patterns.ts, giving a complete, deployable stack (VPC, subnets, routes, NAT or endpoints, the
// security groups, the execution role and the demo function in every function subnet).
import {
  AL2023_AMI_SSM_PARAMETER,
  endpointServiceNameSub,
  ENI_ACTIONS_DOCUMENTED,
  LAMBDA_BASIC_EXECUTION_POLICY_ARN_SUB,
  MANAGED_INSTANCES_MIN_MEMORY_MB,
  MANAGED_INSTANCES_OPERATOR_POLICY_ARN_SUB,
} from "../aws/facts.ts";
import { yaml } from "../vendor.ts";
import {
  DEMO_FUNCTION_CODE,
  DEMO_FUNCTION_HANDLER,
  DEMO_FUNCTION_RUNTIME,
  DEMO_FUNCTION_TIMEOUT,
  DEMO_FUNCTION_URL,
} from "./demo-function.ts";
import type { PatternName, ResolvedPatternOptions } from "./patterns.ts";
import { isGatewayEndpointService, PATTERN_INFO } from "./patterns.ts";

/** `cloudformation`: plain resources; `sam`: the SAM transform and its serverless resource types. */
export type TemplateFormat = "cloudformation" | "sam";
/** The formats `new --format` takes. */
export const TEMPLATE_FORMATS: readonly TemplateFormat[] = ["cloudformation", "sam"];

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };
interface Resource {
  Type: string;
  DependsOn?: string | string[];
  Properties: Obj;
}

/** The logical id of the demo function in every template. */
export const FUNCTION_ID = "DemoFunction";

/** Suffix of each AZ's resources: A, B, C. */
const AZ_SUFFIX = ["A", "B", "C"] as const;

const NAT_INSTANCE_TYPE = "t3.micro";

/** Turns the instance into a NAT: IP forwarding on, masquerade out of the primary interface. */
export const NAT_INSTANCE_USER_DATA = `#!/bin/bash
# NAT instance: forward IPv4 and masquerade the VPC's traffic behind this instance's address.
set -u
for i in 1 2 3 4 5 6 7 8 9 10; do dnf install -y iptables-services && break; sleep 6; done
echo 'net.ipv4.ip_forward = 1' > /etc/sysctl.d/90-nat.conf
sysctl --system
iface="$(ip route show default | awk '{print $5; exit}')"
iptables -t nat -A POSTROUTING -o "$iface" -j MASQUERADE
iptables -F FORWARD
service iptables save
systemctl enable --now iptables
`;

const ref = (id: string): Json => ({ Ref: id });
const getAtt = (id: string, attr: string): Json => ({ "Fn::GetAtt": [id, attr] });
const sub = (s: string): Json => ({ "Fn::Sub": s });
const az = (i: number): Json => ({ "Fn::Select": [i, { "Fn::GetAZs": "" }] });
const tags = (name: string): Json => [{ Key: "Name", Value: sub(`\${AWS::StackName}-${name}`) }];

/** `10.0.0.0/16` -> its address as a 32-bit number and its prefix length (host bits cleared). */
function parseCidr(cidr: string): { base: number; len: number } {
  const [addr = "", lenText = "0"] = cidr.split("/");
  const len = Number(lenText);
  const n = addr.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - len);
  return { base: n - (n % size), len };
}

function formatCidr(n: number, len: number): string {
  return `${[24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".")}/${len}`;
}

/**
 * The VPC block cut in eight: public subnets take the first three eighths (one per AZ), private
 * subnets the fifth to seventh, so a /16 gives /19 subnets (8,187 usable addresses each).
 */
function subnetCidrs(vpcCidr: string): { vpc: string; publicCidr: (i: number) => string; privateCidr: (i: number) => string } {
  const { base, len } = parseCidr(vpcCidr);
  const sublen = len + 3;
  const size = 2 ** (32 - sublen);
  return {
    vpc: formatCidr(base, len),
    publicCidr: (i) => formatCidr(base + i * size, sublen),
    privateCidr: (i) => formatCidr(base + (4 + i) * size, sublen),
  };
}

/** `dynamodb` -> `Dynamodb`, `ecr.api` -> `EcrApi`: the service's part of a logical id. */
function pascal(service: string): string {
  return service
    .split(/[^a-z0-9]+/i)
    .filter((w) => w.length > 0)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join("");
}

/** Which subnets and NATs a pattern has. */
function shape(pattern: PatternName): {
  publicSubnets: "none" | "first" | "all";
  privateSubnets: boolean;
  nat: "none" | "gateway-per-az" | "gateway-shared" | "gateway-regional" | "instance";
  ipv6: boolean;
  igw: boolean;
} {
  switch (pattern) {
    case "nat-gateway":
      return { publicSubnets: "all", privateSubnets: true, nat: "gateway-per-az", ipv6: false, igw: true };
    case "shared-nat-gateway":
      return { publicSubnets: "first", privateSubnets: true, nat: "gateway-shared", ipv6: false, igw: true };
    case "regional-nat-gateway":
      return { publicSubnets: "none", privateSubnets: true, nat: "gateway-regional", ipv6: false, igw: true };
    case "nat-instance":
      return { publicSubnets: "first", privateSubnets: true, nat: "instance", ipv6: false, igw: true };
    case "endpoints":
      return { publicSubnets: "none", privateSubnets: true, nat: "none", ipv6: false, igw: false };
    case "dual-stack":
      return { publicSubnets: "all", privateSubnets: true, nat: "gateway-per-az", ipv6: true, igw: true };
    case "managed-instances-public":
      return { publicSubnets: "all", privateSubnets: false, nat: "none", ipv6: false, igw: true };
  }
}

/**
 * The complete template of a pattern, as a plain object (intrinsics in their long form, so it
 * serializes to JSON or YAML alike). `sam` uses `AWS::Serverless::Function` (and
 * `AWS::Serverless::CapacityProvider`) under the SAM transform; the network is the same.
 */
export function buildTemplate(options: ResolvedPatternOptions, format: TemplateFormat): Record<string, unknown> {
  const { pattern, azs, endpoints, eipAllocations } = options;
  const s = shape(pattern);
  const cidrs = subnetCidrs(options.vpcCidr);
  const sam = format === "sam";
  const resources: Record<string, Resource> = {};
  const outputs: Record<string, Obj> = {};
  const parameters: Record<string, Obj> = {};
  const add = (id: string, r: Resource) => (resources[id] = r);
  const suffixes = AZ_SUFFIX.slice(0, azs);

  add("Vpc", {
    Type: "AWS::EC2::VPC",
    Properties: { CidrBlock: cidrs.vpc, EnableDnsSupport: true, EnableDnsHostnames: true, Tags: tags("vpc") },
  });
  if (s.ipv6) {
    add("VpcIpv6Block", { Type: "AWS::EC2::VPCCidrBlock", Properties: { VpcId: ref("Vpc"), AmazonProvidedIpv6CidrBlock: true } });
  }
  if (s.igw) {
    add("InternetGateway", { Type: "AWS::EC2::InternetGateway", Properties: { Tags: tags("igw") } });
    add("GatewayAttachment", {
      Type: "AWS::EC2::VPCGatewayAttachment",
      Properties: { VpcId: ref("Vpc"), InternetGatewayId: ref("InternetGateway") },
    });
  }
  if (s.ipv6) {
    add("EgressOnlyInternetGateway", { Type: "AWS::EC2::EgressOnlyInternetGateway", Properties: { VpcId: ref("Vpc") } });
  }

  // Public subnets: one shared route table to the internet gateway.
  const publicSuffixes = s.publicSubnets === "all" ? suffixes : s.publicSubnets === "first" ? suffixes.slice(0, 1) : [];
  const publicSubnets = publicSuffixes.map((x) => `PublicSubnet${x}`);
  if (publicSubnets.length > 0) {
    add("PublicRouteTable", { Type: "AWS::EC2::RouteTable", Properties: { VpcId: ref("Vpc"), Tags: tags("public") } });
    add("PublicDefaultRoute", {
      Type: "AWS::EC2::Route",
      DependsOn: "GatewayAttachment",
      Properties: { RouteTableId: ref("PublicRouteTable"), DestinationCidrBlock: "0.0.0.0/0", GatewayId: ref("InternetGateway") },
    });
    publicSuffixes.forEach((x, i) => {
      add(`PublicSubnet${x}`, {
        Type: "AWS::EC2::Subnet",
        Properties: {
          VpcId: ref("Vpc"),
          CidrBlock: cidrs.publicCidr(i),
          AvailabilityZone: az(i),
          MapPublicIpOnLaunch: true,
          Tags: tags(`public-${x.toLowerCase()}`),
        },
      });
      add(`PublicSubnet${x}RouteTableAssociation`, {
        Type: "AWS::EC2::SubnetRouteTableAssociation",
        Properties: { SubnetId: ref(`PublicSubnet${x}`), RouteTableId: ref("PublicRouteTable") },
      });
    });
  }

  // NATs, with their Elastic IPs (new, or the allocations given).
  const natIds: string[] = [];
  const egressOutputs: { name: string; value: Json; description: string }[] = [];
  const eip = (index: number, x: string, forWhat: string): Json => {
    const given = eipAllocations[index];
    if (given !== undefined) {
      egressOutputs.push({
        name: `EgressAllocation${x}`,
        value: given,
        description: `Elastic IP allocation of ${forWhat} (allowlist its address)`,
      });
      return given;
    }
    const id = `NatEip${x}`;
    add(id, {
      Type: "AWS::EC2::EIP",
      DependsOn: "GatewayAttachment",
      Properties: { Domain: "vpc", Tags: tags(`nat-${x.toLowerCase()}`) },
    });
    egressOutputs.push({
      name: `EgressIp${x}`,
      value: getAtt(id, "PublicIp"),
      description: `Public IPv4 address of ${forWhat}: allowlist it`,
    });
    return getAtt(id, "AllocationId");
  };
  if (s.nat === "gateway-per-az" || s.nat === "gateway-shared") {
    const natSuffixes = s.nat === "gateway-per-az" ? suffixes : suffixes.slice(0, 1);
    natSuffixes.forEach((x, i) => {
      const id = `NatGateway${x}`;
      const allocationId = eip(i, x, `NAT gateway ${id}`);
      add(id, {
        Type: "AWS::EC2::NatGateway",
        Properties: { AllocationId: allocationId, SubnetId: ref(`PublicSubnet${x}`), Tags: tags(`nat-${x.toLowerCase()}`) },
      });
      natIds.push(id);
    });
  } else if (s.nat === "gateway-regional") {
    const allocationId = eip(0, "", "regional NAT gateway NatGateway");
    add("NatGateway", {
      Type: "AWS::EC2::NatGateway",
      DependsOn: "GatewayAttachment",
      Properties: {
        AvailabilityMode: "regional",
        ConnectivityType: "public",
        VpcId: ref("Vpc"),
        AllocationId: allocationId,
        Tags: tags("nat"),
      },
    });
    natIds.push("NatGateway");
  } else if (s.nat === "instance") {
    parameters.NatInstanceImageId = {
      Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
      Default: AL2023_AMI_SSM_PARAMETER,
      Description: "AMI of the NAT instance (the latest Amazon Linux 2023 by default)",
    };
    add("NatInstanceSecurityGroup", {
      Type: "AWS::EC2::SecurityGroup",
      Properties: {
        GroupDescription: "NAT instance: TCP from the VPC only",
        VpcId: ref("Vpc"),
        SecurityGroupIngress: [{ IpProtocol: "tcp", FromPort: 0, ToPort: 65535, CidrIp: cidrs.vpc, Description: "TCP from the VPC" }],
        SecurityGroupEgress: [{ IpProtocol: "-1", CidrIp: "0.0.0.0/0", Description: "out to the internet" }],
        Tags: tags("nat-instance"),
      },
    });
    add("NatInstance", {
      Type: "AWS::EC2::Instance",
      DependsOn: "GatewayAttachment",
      Properties: {
        ImageId: ref("NatInstanceImageId"),
        InstanceType: NAT_INSTANCE_TYPE,
        SubnetId: ref("PublicSubnetA"),
        SecurityGroupIds: [ref("NatInstanceSecurityGroup")],
        SourceDestCheck: false,
        UserData: { "Fn::Base64": NAT_INSTANCE_USER_DATA },
        Tags: tags("nat-instance"),
      },
    });
    const given = eipAllocations[0];
    if (given !== undefined) {
      add("NatEipAssociation", { Type: "AWS::EC2::EIPAssociation", Properties: { AllocationId: given, InstanceId: ref("NatInstance") } });
      egressOutputs.push({
        name: "EgressAllocation",
        value: given,
        description: "Elastic IP allocation of the NAT instance (allowlist its address)",
      });
    } else {
      add("NatEip", {
        Type: "AWS::EC2::EIP",
        DependsOn: "GatewayAttachment",
        Properties: { Domain: "vpc", InstanceId: ref("NatInstance"), Tags: tags("nat-instance") },
      });
      egressOutputs.push({
        name: "EgressIp",
        value: getAtt("NatEip", "PublicIp"),
        description: "Public IPv4 address of the NAT instance: allowlist it",
      });
    }
    natIds.push("NatInstance");
  }

  // Private subnets: each its own route table, to its AZ's NAT (or the single one).
  const privateSubnets = s.privateSubnets ? suffixes.map((x) => `PrivateSubnet${x}`) : [];
  const privateRouteTables: string[] = [];
  if (s.privateSubnets) {
    suffixes.forEach((x, i) => {
      const subnet = `PrivateSubnet${x}`;
      const table = `PrivateRouteTable${x}`;
      add(subnet, {
        Type: "AWS::EC2::Subnet",
        ...(s.ipv6 ? { DependsOn: "VpcIpv6Block" } : {}),
        Properties: {
          VpcId: ref("Vpc"),
          CidrBlock: cidrs.privateCidr(i),
          AvailabilityZone: az(i),
          ...(s.ipv6
            ? {
                Ipv6CidrBlock: { "Fn::Select": [i, { "Fn::Cidr": [{ "Fn::Select": [0, getAtt("Vpc", "Ipv6CidrBlocks")] }, 8, 64] }] },
                AssignIpv6AddressOnCreation: true,
              }
            : {}),
          Tags: tags(`private-${x.toLowerCase()}`),
        },
      });
      add(table, { Type: "AWS::EC2::RouteTable", Properties: { VpcId: ref("Vpc"), Tags: tags(`private-${x.toLowerCase()}`) } });
      add(`${subnet}RouteTableAssociation`, {
        Type: "AWS::EC2::SubnetRouteTableAssociation",
        Properties: { SubnetId: ref(subnet), RouteTableId: ref(table) },
      });
      privateRouteTables.push(table);
      const nat = s.nat === "gateway-per-az" ? natIds[i] : natIds[0];
      if (nat !== undefined) {
        add(`PrivateDefaultRoute${x}`, {
          Type: "AWS::EC2::Route",
          Properties: {
            RouteTableId: ref(table),
            DestinationCidrBlock: "0.0.0.0/0",
            ...(s.nat === "instance" ? { InstanceId: ref(nat) } : { NatGatewayId: ref(nat) }),
          },
        });
      }
      if (s.ipv6) {
        add(`PrivateIpv6DefaultRoute${x}`, {
          Type: "AWS::EC2::Route",
          Properties: {
            RouteTableId: ref(table),
            DestinationIpv6CidrBlock: "::/0",
            EgressOnlyInternetGatewayId: ref("EgressOnlyInternetGateway"),
          },
        });
      }
    });
  }

  const functionSubnets = s.privateSubnets ? privateSubnets : publicSubnets;
  const functionRouteTables = s.privateSubnets ? privateRouteTables : ["PublicRouteTable"];

  // The function's security group: HTTPS out, anywhere (IPv6 too in dual-stack).
  const egress: Json[] = [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, CidrIp: "0.0.0.0/0", Description: "HTTPS out (IPv4)" }];
  if (s.ipv6) egress.push({ IpProtocol: "tcp", FromPort: 443, ToPort: 443, CidrIpv6: "::/0", Description: "HTTPS out (IPv6)" });
  const fnSg = pattern === "managed-instances-public" ? "InstancesSecurityGroup" : "FunctionSecurityGroup";
  add(fnSg, {
    Type: "AWS::EC2::SecurityGroup",
    Properties: {
      GroupDescription: pattern === "managed-instances-public" ? "Lambda Managed Instances: HTTPS out" : "Lambda function: HTTPS out",
      VpcId: ref("Vpc"),
      SecurityGroupEgress: egress,
      Tags: tags("function"),
    },
  });

  // Endpoints: gateway endpoints on the function subnets' route tables, interface endpoints in
  // every function subnet behind one security group admitting HTTPS from the function.
  const interfaceServices = endpoints.filter((e) => !isGatewayEndpointService(e));
  if (interfaceServices.length > 0) {
    add("EndpointSecurityGroup", {
      Type: "AWS::EC2::SecurityGroup",
      Properties: {
        GroupDescription: "Interface endpoints: HTTPS from the function",
        VpcId: ref("Vpc"),
        SecurityGroupIngress: [
          { IpProtocol: "tcp", FromPort: 443, ToPort: 443, SourceSecurityGroupId: ref(fnSg), Description: "HTTPS from the function" },
        ],
        Tags: tags("endpoints"),
      },
    });
  }
  for (const service of endpoints) {
    const gateway = isGatewayEndpointService(service);
    add(`${pascal(service)}Endpoint`, {
      Type: "AWS::EC2::VPCEndpoint",
      Properties: gateway
        ? {
            VpcEndpointType: "Gateway",
            VpcId: ref("Vpc"),
            ServiceName: sub(endpointServiceNameSub(service)),
            RouteTableIds: functionRouteTables.map(ref),
          }
        : {
            VpcEndpointType: "Interface",
            VpcId: ref("Vpc"),
            ServiceName: sub(endpointServiceNameSub(service)),
            SubnetIds: functionSubnets.map(ref),
            SecurityGroupIds: [ref("EndpointSecurityGroup")],
            PrivateDnsEnabled: true,
          },
    });
  }

  // The execution role: logs, and the ENI actions (standard functions only: on Managed Instances
  // the capacity provider's operator role places the instances).
  const managed = pattern === "managed-instances-public";
  add("FunctionRole", {
    Type: "AWS::IAM::Role",
    Properties: {
      AssumeRolePolicyDocument: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      },
      ManagedPolicyArns: [sub(LAMBDA_BASIC_EXECUTION_POLICY_ARN_SUB)],
      ...(managed
        ? {}
        : {
            Policies: [
              {
                PolicyName: "vpc-network-interfaces",
                PolicyDocument: {
                  Version: "2012-10-17",
                  Statement: [{ Effect: "Allow", Action: [...ENI_ACTIONS_DOCUMENTED], Resource: "*" }],
                },
              },
            ],
          }),
    },
  });

  const vpcConfig: Obj = {
    SubnetIds: functionSubnets.map(ref),
    SecurityGroupIds: [ref(fnSg)],
    ...(s.ipv6 ? { Ipv6AllowedForDualStack: true } : {}),
  };
  const functionProps: Obj = sam
    ? {
        Runtime: DEMO_FUNCTION_RUNTIME,
        Handler: DEMO_FUNCTION_HANDLER,
        Timeout: DEMO_FUNCTION_TIMEOUT,
        Role: getAtt("FunctionRole", "Arn"),
        InlineCode: DEMO_FUNCTION_CODE,
      }
    : {
        Runtime: DEMO_FUNCTION_RUNTIME,
        Handler: DEMO_FUNCTION_HANDLER,
        Timeout: DEMO_FUNCTION_TIMEOUT,
        Role: getAtt("FunctionRole", "Arn"),
        Code: { ZipFile: DEMO_FUNCTION_CODE },
      };
  functionProps.Description = `lambda-egress ${pattern} demo: fetches ${DEMO_FUNCTION_URL} and returns the address it leaves from`;
  if (managed) {
    add("CapacityProviderOperatorRole", {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
        },
        ManagedPolicyArns: [sub(MANAGED_INSTANCES_OPERATOR_POLICY_ARN_SUB)],
      },
    });
    add(
      "CapacityProvider",
      sam
        ? {
            Type: "AWS::Serverless::CapacityProvider",
            Properties: {
              VpcConfig: vpcConfig,
              OperatorRole: getAtt("CapacityProviderOperatorRole", "Arn"),
              InstanceRequirements: { Architectures: ["x86_64"] },
            },
          }
        : {
            Type: "AWS::Lambda::CapacityProvider",
            Properties: {
              VpcConfig: vpcConfig,
              PermissionsConfig: { CapacityProviderOperatorRoleArn: getAtt("CapacityProviderOperatorRole", "Arn") },
              InstanceRequirements: { Architectures: ["x86_64"] },
            },
          },
    );
    functionProps.MemorySize = MANAGED_INSTANCES_MIN_MEMORY_MB;
    functionProps.Architectures = ["x86_64"];
    functionProps.CapacityProviderConfig = sam
      ? { Arn: getAtt("CapacityProvider", "Arn") }
      : { LambdaManagedInstancesCapacityProviderConfig: { CapacityProviderArn: getAtt("CapacityProvider", "Arn") } };
  } else {
    functionProps.VpcConfig = vpcConfig;
  }
  add(FUNCTION_ID, { Type: sam ? "AWS::Serverless::Function" : "AWS::Lambda::Function", Properties: functionProps });

  for (const o of egressOutputs) outputs[o.name] = { Description: o.description, Value: o.value };
  outputs.FunctionName = { Description: "Invoke it to see the address the function leaves from", Value: ref(FUNCTION_ID) };
  outputs.VpcId = { Value: ref("Vpc") };
  outputs.FunctionSubnetIds = { Value: { "Fn::Join": [",", functionSubnets.map(ref)] } };

  const endpointNote = endpoints.length > 0 ? `; VPC endpoints: ${endpoints.join(", ")}` : "";
  return {
    AWSTemplateFormatVersion: "2010-09-09",
    ...(sam ? { Transform: "AWS::Serverless-2016-10-31" } : {}),
    Description: `lambda-egress new ${pattern} (${azs} AZ${azs > 1 ? "s" : ""}${endpointNote}): ${PATTERN_INFO[pattern].summary}`,
    ...(Object.keys(parameters).length > 0 ? { Parameters: parameters } : {}),
    Resources: resources,
    Outputs: outputs,
  };
}

/** Strings a YAML 1.1 reader (CloudFormation's, cfn-lint's) could take for something else: dates, `::/0`. */
const AMBIGUOUS_IN_YAML_1_1 = /^(\d{4}-\d\d-\d\d|:.*)$/;

/**
 * The template as text: JSON (2-space indent), or YAML with long-form intrinsics (`Ref`,
 * `Fn::GetAtt`...), block literals for the code, and quotes on the strings an older YAML reader
 * could misread. `header`, when given, opens the YAML as comment lines.
 */
export function renderTemplate(template: Record<string, unknown>, as: "yaml" | "json" = "yaml", header?: string): string {
  if (as === "json") return `${JSON.stringify(template, null, 2)}\n`;
  const Y = yaml();
  const doc = new Y.Document(template, { aliasDuplicateObjects: false });
  Y.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && AMBIGUOUS_IN_YAML_1_1.test(node.value)) node.type = "QUOTE_SINGLE";
    },
  });
  if (header) doc.commentBefore = header.replace(/^/gm, " ");
  return doc.toString({ lineWidth: 0 });
}
