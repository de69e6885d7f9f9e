// Synthetic CloudFormation templates for the benchmarks: many copies of the canonical
// "Lambda in private subnets behind one NAT gateway per AZ" network.
//
//   node dist/bench/generate.js --vpcs N --functions-per-vpc M [--azs K] [-o file.json]
//
// Per VPC i (every logical id ends in `Vpc<i>`, per-AZ ids carry the AZ number first):
// VPC 10.(i % 256).0.0/16, internet gateway + attachment, and per AZ k a public subnet
// 10.x.k.0/24 (associated with one shared public route table, 0.0.0.0/0 -> IGW), an EIP and a
// NAT gateway in it, and a private subnet 10.x.(128+k).0/24 with its own route table,
// 0.0.0.0/0 -> the same AZ's NAT gateway. One security group (egress TCP 443 to 0.0.0.0/0),
// one execution role, and M functions attached to every private subnet and the group.
import { realpathSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

export interface GenerateOptions {
  readonly vpcs: number;
  readonly functionsPerVpc: number;
  /** Availability zones (public + private subnet pairs) per VPC: 1..128, default 2. */
  readonly azs?: number;
}

export interface Resource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
  readonly DependsOn?: string;
}

export interface Template {
  readonly AWSTemplateFormatVersion: "2010-09-09";
  readonly Description: string;
  readonly Resources: Record<string, Resource>;
}

const ref = (id: string) => ({ Ref: id });
const getAtt = (id: string, attr: string) => ({ "Fn::GetAtt": [id, attr] });
const az = (k: number) => ({ "Fn::Select": [k, { "Fn::GetAZs": "" }] });

function checkCount(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

export function generateTemplate(opts: GenerateOptions): Template {
  const azs = opts.azs ?? 2;
  checkCount("vpcs", opts.vpcs, 0, 1_000_000);
  checkCount("functionsPerVpc", opts.functionsPerVpc, 0, 1_000_000);
  checkCount("azs", azs, 1, 128);

  const resources: Record<string, Resource> = {};
  const add = (id: string, resource: Resource): string => {
    if (id in resources) throw new Error(`duplicate logical id ${id}`);
    resources[id] = resource;
    return id;
  };

  for (let i = 0; i < opts.vpcs; i++) {
    const s = `Vpc${i}`;
    const net = `10.${i % 256}`;
    const vpc = add(`Vpc${i}`, {
      Type: "AWS::EC2::VPC",
      Properties: { CidrBlock: `${net}.0.0/16`, EnableDnsSupport: true, EnableDnsHostnames: true },
    });
    const igw = add(`InternetGateway${s}`, { Type: "AWS::EC2::InternetGateway", Properties: {} });
    const attachment = add(`GatewayAttachment${s}`, {
      Type: "AWS::EC2::VPCGatewayAttachment",
      Properties: { VpcId: ref(vpc), InternetGatewayId: ref(igw) },
    });
    const publicRt = add(`PublicRouteTable${s}`, {
      Type: "AWS::EC2::RouteTable",
      Properties: { VpcId: ref(vpc) },
    });
    add(`PublicDefaultRoute${s}`, {
      Type: "AWS::EC2::Route",
      DependsOn: attachment,
      Properties: {
        RouteTableId: ref(publicRt),
        DestinationCidrBlock: "0.0.0.0/0",
        GatewayId: ref(igw),
      },
    });

    const privateSubnets: { Ref: string }[] = [];
    for (let k = 0; k < azs; k++) {
      const n = `${k + 1}${s}`;
      const publicSubnet = add(`PublicSubnet${n}`, {
        Type: "AWS::EC2::Subnet",
        Properties: {
          VpcId: ref(vpc),
          CidrBlock: `${net}.${k}.0/24`,
          AvailabilityZone: az(k),
          MapPublicIpOnLaunch: true,
        },
      });
      add(`PublicSubnetRouteTableAssociation${n}`, {
        Type: "AWS::EC2::SubnetRouteTableAssociation",
        Properties: { SubnetId: ref(publicSubnet), RouteTableId: ref(publicRt) },
      });
      const eip = add(`NatEip${n}`, {
        Type: "AWS::EC2::EIP",
        DependsOn: attachment,
        Properties: { Domain: "vpc" },
      });
      const nat = add(`NatGateway${n}`, {
        Type: "AWS::EC2::NatGateway",
        Properties: { AllocationId: getAtt(eip, "AllocationId"), SubnetId: ref(publicSubnet) },
      });
      const privateSubnet = add(`PrivateSubnet${n}`, {
        Type: "AWS::EC2::Subnet",
        Properties: {
          VpcId: ref(vpc),
          CidrBlock: `${net}.${128 + k}.0/24`,
          AvailabilityZone: az(k),
        },
      });
      const privateRt = add(`PrivateRouteTable${n}`, {
        Type: "AWS::EC2::RouteTable",
        Properties: { VpcId: ref(vpc) },
      });
      add(`PrivateDefaultRoute${n}`, {
        Type: "AWS::EC2::Route",
        Properties: {
          RouteTableId: ref(privateRt),
          DestinationCidrBlock: "0.0.0.0/0",
          NatGatewayId: ref(nat),
        },
      });
      add(`PrivateSubnetRouteTableAssociation${n}`, {
        Type: "AWS::EC2::SubnetRouteTableAssociation",
        Properties: { SubnetId: ref(privateSubnet), RouteTableId: ref(privateRt) },
      });
      privateSubnets.push(ref(privateSubnet));
    }

    const sg = add(`LambdaSecurityGroup${s}`, {
      Type: "AWS::EC2::SecurityGroup",
      Properties: {
        GroupDescription: `Lambda functions in VPC ${i}`,
        VpcId: ref(vpc),
        SecurityGroupEgress: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, CidrIp: "0.0.0.0/0" }],
      },
    });
    const role = add(`LambdaRole${s}`, {
      Type: "AWS::IAM::Role",
      Properties: {
        AssumeRolePolicyDocument: {
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "lambda.amazonaws.com" },
              Action: "sts:AssumeRole",
            },
          ],
        },
        ManagedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"],
      },
    });
    for (let f = 0; f < opts.functionsPerVpc; f++) {
      add(`Function${f + 1}${s}`, {
        Type: "AWS::Lambda::Function",
        Properties: {
          Runtime: "nodejs20.x",
          Handler: "index.handler",
          Code: { ZipFile: "exports.handler = async () => 'ok';" },
          Role: getAtt(role, "Arn"),
          VpcConfig: { SubnetIds: privateSubnets, SecurityGroupIds: [ref(sg)] },
        },
      });
    }
  }

  return {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `lambda-egress benchmark: ${opts.vpcs} VPCs x ${azs} AZs, ${opts.functionsPerVpc} functions per VPC`,
    Resources: resources,
  };
}

/** Writes the template as compact JSON; returns its size in bytes and its resource count. */
export function writeTemplate(file: string, opts: GenerateOptions): { bytes: number; resources: number } {
  const template = generateTemplate(opts);
  const text = `${JSON.stringify(template)}\n`;
  writeFileSync(file, text);
  return { bytes: Buffer.byteLength(text), resources: Object.keys(template.Resources).length };
}

function count(name: string, value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new Error(`--${name} is required`);
    return fallback;
  }
  if (!/^\d+$/.test(value)) throw new Error(`--${name} must be a non-negative integer, got "${value}"`);
  return Number(value);
}

function main(argv: string[]): void {
  const { values } = parseArgs({
    args: argv,
    options: {
      vpcs: { type: "string" },
      "functions-per-vpc": { type: "string" },
      azs: { type: "string" },
      output: { type: "string", short: "o" },
    },
    strict: true,
    allowPositionals: false,
  });
  const opts: GenerateOptions = {
    vpcs: count("vpcs", values.vpcs),
    functionsPerVpc: count("functions-per-vpc", values["functions-per-vpc"]),
    azs: count("azs", values.azs, 2),
  };
  if (values.output === undefined) {
    process.stdout.write(`${JSON.stringify(generateTemplate(opts), null, 2)}\n`);
  } else {
    const { bytes, resources } = writeTemplate(values.output, opts);
    process.stderr.write(`wrote ${values.output}: ${resources} resources, ${bytes} bytes\n`);
  }
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  const self = fileURLToPath(import.meta.url);
  // `node dist/bench/generate` (no extension) also runs this file.
  return [script, `${script}.js`].some((candidate) => {
    try {
      return realpathSync(candidate) === self;
    } catch {
      return false;
    }
  });
}

if (invokedDirectly()) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(
      `generate: ${error instanceof Error ? error.message : String(error)}\n` +
        "usage: node dist/bench/generate.js --vpcs N --functions-per-vpc M [--azs K] [-o file.json]\n",
    );
    process.exitCode = 2;
  }
}
