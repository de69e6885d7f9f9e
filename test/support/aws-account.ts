// A deployed account for the scan tests, in the wire shapes aws-server.ts serves: the seeds'
// NAT gateway per AZ, and beside it the classic mistakes (a function in a public subnet, a
// subnet on the main route table, a network ACL without the ephemeral ports, a role without
// the ENI actions, a function outside any VPC, a subnet shared from another account).
import type { FakeAccount, FakeRegion, Xml } from "./aws-server.ts";

export const ACCOUNT = "111122223333";
export const OTHER_ACCOUNT = "444455556666";
const REGION = "us-east-1";

const tags = (name?: string): Xml => (name ? [{ key: "Name", value: name }] : []);

export function vpc(id: string, cidr: string, name?: string, owner = ACCOUNT): Record<string, Xml> {
  return {
    vpcId: id,
    ownerId: owner,
    state: "available",
    cidrBlock: cidr,
    cidrBlockAssociationSet: [{ associationId: `${id}-cidr`, cidrBlock: cidr, cidrBlockState: { state: "associated" } }],
    isDefault: false,
    tagSet: tags(name),
  };
}

export function subnet(
  id: string,
  vpcId: string,
  cidr: string,
  az: "a" | "b",
  opts: { name?: string; owner?: string; mapPublic?: boolean } = {},
): Record<string, Xml> {
  return {
    subnetId: id,
    subnetArn: `arn:aws:ec2:${REGION}:${opts.owner ?? ACCOUNT}:subnet/${id}`,
    state: "available",
    vpcId,
    ownerId: opts.owner ?? ACCOUNT,
    cidrBlock: cidr,
    availableIpAddressCount: 250,
    availabilityZone: `${REGION}${az}`,
    availabilityZoneId: az === "a" ? "use1-az4" : "use1-az6",
    defaultForAz: false,
    mapPublicIpOnLaunch: opts.mapPublic ?? false,
    ipv6Native: false,
    tagSet: tags(opts.name),
  };
}

type RouteSpec = [destination: string, target: string, state?: "active" | "blackhole"];

export function routeTable(
  id: string,
  vpcId: string,
  opts: { main?: boolean; subnets?: string[]; routes: RouteSpec[]; name?: string },
): Record<string, Xml> {
  const targetField = (t: string): string =>
    t === "local" || t.startsWith("igw-") || t.startsWith("vgw-") || t.startsWith("vpce-")
      ? "gatewayId"
      : t.startsWith("nat-")
        ? "natGatewayId"
        : t.startsWith("eigw-")
          ? "egressOnlyInternetGatewayId"
          : t.startsWith("i-")
            ? "instanceId"
            : t.startsWith("eni-")
              ? "networkInterfaceId"
              : t.startsWith("pcx-")
                ? "vpcPeeringConnectionId"
                : "transitGatewayId";
  return {
    routeTableId: id,
    vpcId,
    ownerId: ACCOUNT,
    associationSet: [
      ...(opts.main
        ? [{ main: true, routeTableAssociationId: `${id}-main`, routeTableId: id, associationState: { state: "associated" } }]
        : []),
      ...(opts.subnets ?? []).map((s) => ({
        main: false,
        routeTableAssociationId: `${id}-${s}`,
        routeTableId: id,
        subnetId: s,
        associationState: { state: "associated" },
      })),
    ],
    routeSet: opts.routes.map(([d, t, state]) => ({
      [d.startsWith("pl-") ? "destinationPrefixListId" : d.includes(":") ? "destinationIpv6CidrBlock" : "destinationCidrBlock"]: d,
      [targetField(t)]: t,
      state: state ?? "active",
      origin: t === "local" ? "CreateRouteTable" : "CreateRoute",
    })),
    tagSet: tags(opts.name),
  };
}

type AclRule = [ruleNumber: number, egress: boolean, action: "allow" | "deny", protocol: string, cidr: string, ports?: [number, number]];

export function networkAcl(
  id: string,
  vpcId: string,
  opts: { isDefault: boolean; subnets: string[]; rules: AclRule[]; name?: string },
): Record<string, Xml> {
  const implicit: AclRule[] = [
    [32767, false, "deny", "-1", "0.0.0.0/0"],
    [32767, true, "deny", "-1", "0.0.0.0/0"],
  ];
  return {
    networkAclId: id,
    vpcId,
    default: opts.isDefault,
    ownerId: ACCOUNT,
    associationSet: opts.subnets.map((s) => ({ networkAclAssociationId: `aclassoc-${s}`, networkAclId: id, subnetId: s })),
    entrySet: [...opts.rules, ...implicit].map(([ruleNumber, egress, ruleAction, protocol, cidrBlock, ports]) => ({
      ruleNumber,
      protocol,
      ruleAction,
      egress,
      cidrBlock,
      ...(ports ? { portRange: { from: ports[0], to: ports[1] } } : {}),
    })),
    tagSet: tags(opts.name),
  };
}

const ALLOW_ALL_ACL: AclRule[] = [
  [100, false, "allow", "-1", "0.0.0.0/0"],
  [100, true, "allow", "-1", "0.0.0.0/0"],
];

type Perm = { protocol: string; from?: number; to?: number; cidr?: string; group?: string; prefixList?: string };

function perms(list: Perm[]): Xml {
  return list.map((p) => ({
    ipProtocol: p.protocol,
    ...(p.from !== undefined ? { fromPort: p.from, toPort: p.to ?? p.from } : {}),
    groups: p.group ? [{ groupId: p.group, userId: ACCOUNT }] : [],
    ipRanges: p.cidr ? [{ cidrIp: p.cidr }] : [],
    ipv6Ranges: [],
    prefixListIds: p.prefixList ? [{ prefixListId: p.prefixList }] : [],
  }));
}

export function securityGroup(id: string, vpcId: string, name: string, ingress: Perm[], egress: Perm[]): Record<string, Xml> {
  return {
    ownerId: ACCOUNT,
    groupId: id,
    groupName: name,
    groupDescription: name,
    vpcId,
    ipPermissions: perms(ingress),
    ipPermissionsEgress: perms(egress),
    tagSet: [],
  };
}

export function natGateway(
  id: string,
  vpcId: string,
  subnetId: string,
  allocationId: string,
  publicIp: string,
  name?: string,
): Record<string, Xml> {
  return {
    natGatewayId: id,
    vpcId,
    subnetId,
    state: "available",
    connectivityType: "public",
    availabilityMode: "zonal",
    natGatewayAddressSet: [
      { allocationId, publicIp, privateIp: "10.0.0.10", networkInterfaceId: `eni-${id.slice(4)}`, isPrimary: true, status: "succeeded" },
    ],
    tagSet: tags(name),
  };
}

export function fn(
  name: string,
  role: string,
  vpcConfig?: { subnets: string[]; groups: string[]; vpcId: string },
  env?: Record<string, string>,
): Record<string, unknown> {
  return {
    FunctionName: name,
    FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`,
    Runtime: "nodejs20.x",
    Role: `arn:aws:iam::${ACCOUNT}:role/${role}`,
    Handler: "index.handler",
    CodeSize: 1024,
    Timeout: 10,
    MemorySize: 128,
    LastModified: "2026-11-01T00:00:00.000+0000",
    Version: "$LATEST",
    PackageType: "Zip",
    ...(vpcConfig
      ? {
          VpcConfig: {
            SubnetIds: vpcConfig.subnets,
            SecurityGroupIds: vpcConfig.groups,
            VpcId: vpcConfig.vpcId,
            Ipv6AllowedForDualStack: false,
          },
        }
      : {}),
    ...(env ? { Environment: { Variables: env } } : {}),
  };
}

const VPC_ACCESS = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";
const BASIC = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

/** The seeds' network (NAT gateway per AZ) and the classic mistakes beside it, in one account. */
export function seedAccount(overrides: Partial<FakeAccount> = {}): FakeAccount {
  const V = "vpc-0a1b2c3d4e5f60001";
  const region: FakeRegion = {
    vpcs: [vpc(V, "10.0.0.0/16", "egress-vpc"), vpc("vpc-0shared0000000001", "10.9.0.0/16", "shared-vpc", OTHER_ACCOUNT)],
    vpcAttributes: {
      [V]: { enableDnsSupport: true, enableDnsHostnames: true },
      "vpc-0shared0000000001": { enableDnsSupport: true, enableDnsHostnames: true },
    },
    subnets: [
      subnet("subnet-0pub00000000000a", V, "10.0.0.0/24", "a", { name: "public-a", mapPublic: true }),
      subnet("subnet-0pub00000000000b", V, "10.0.1.0/24", "b", { name: "public-b", mapPublic: true }),
      subnet("subnet-0priv0000000000a", V, "10.0.10.0/24", "a", { name: "private-a" }),
      subnet("subnet-0priv0000000000b", V, "10.0.11.0/24", "b", { name: "private-b" }),
      subnet("subnet-0main0000000000c", V, "10.0.20.0/24", "a", { name: "on-main-table" }),
      subnet("subnet-0nacl0000000000d", V, "10.0.30.0/24", "b", { name: "strict-acl" }),
      subnet("subnet-0shared00000000e", "vpc-0shared0000000001", "10.9.1.0/24", "a", { name: "shared", owner: OTHER_ACCOUNT }),
    ],
    routeTables: [
      routeTable("rtb-0main00000000000001", V, { main: true, routes: [["10.0.0.0/16", "local"]], name: "main" }),
      routeTable("rtb-0public000000000001", V, {
        subnets: ["subnet-0pub00000000000a", "subnet-0pub00000000000b"],
        routes: [
          ["10.0.0.0/16", "local"],
          ["0.0.0.0/0", "igw-0a1b2c3d4e5f60001"],
        ],
        name: "public",
      }),
      routeTable("rtb-0private0000000000a", V, {
        subnets: ["subnet-0priv0000000000a", "subnet-0nacl0000000000d"],
        routes: [
          ["10.0.0.0/16", "local"],
          ["0.0.0.0/0", "nat-0a00000000000000a"],
        ],
        name: "private-a",
      }),
      routeTable("rtb-0private0000000000b", V, {
        subnets: ["subnet-0priv0000000000b"],
        routes: [
          ["10.0.0.0/16", "local"],
          ["0.0.0.0/0", "nat-0b00000000000000b"],
        ],
        name: "private-b",
      }),
    ],
    internetGateways: [
      {
        internetGatewayId: "igw-0a1b2c3d4e5f60001",
        ownerId: ACCOUNT,
        attachmentSet: [{ vpcId: V, state: "available" }],
        tagSet: tags("egress-igw"),
      },
    ],
    egressOnlyInternetGateways: [],
    natGateways: [
      natGateway("nat-0a00000000000000a", V, "subnet-0pub00000000000a", "eipalloc-0aaaaaaaaaaaaaaa1", "198.51.100.10", "nat-a"),
      natGateway("nat-0b00000000000000b", V, "subnet-0pub00000000000b", "eipalloc-0bbbbbbbbbbbbbbb2", "198.51.100.20", "nat-b"),
    ],
    addresses: [
      {
        allocationId: "eipalloc-0aaaaaaaaaaaaaaa1",
        publicIp: "198.51.100.10",
        domain: "vpc",
        networkInterfaceId: "eni-0a00000000000000a",
        tagSet: tags("partner-allowlist-a"),
      },
      {
        allocationId: "eipalloc-0bbbbbbbbbbbbbbb2",
        publicIp: "198.51.100.20",
        domain: "vpc",
        networkInterfaceId: "eni-0b00000000000000b",
        tagSet: tags("partner-allowlist-b"),
      },
    ],
    networkAcls: [
      networkAcl("acl-0default00000000001", V, {
        isDefault: true,
        subnets: [
          "subnet-0pub00000000000a",
          "subnet-0pub00000000000b",
          "subnet-0priv0000000000a",
          "subnet-0priv0000000000b",
          "subnet-0main0000000000c",
        ],
        rules: ALLOW_ALL_ACL,
      }),
      networkAcl("acl-0strict0000000001", V, {
        isDefault: false,
        subnets: ["subnet-0nacl0000000000d"],
        name: "no-ephemeral",
        rules: [
          [100, true, "allow", "-1", "0.0.0.0/0"],
          [100, false, "allow", "6", "0.0.0.0/0", [443, 443]],
        ],
      }),
    ],
    securityGroups: [
      securityGroup(
        "sg-0default0000000001",
        V,
        "default",
        [{ protocol: "-1", group: "sg-0default0000000001" }],
        [{ protocol: "-1", cidr: "0.0.0.0/0" }],
      ),
      securityGroup("sg-0function000000001", V, "function", [], [{ protocol: "-1", cidr: "0.0.0.0/0" }]),
      securityGroup(
        "sg-0shared00000000001",
        "vpc-0shared0000000001",
        "shared-fn",
        [],
        [{ protocol: "tcp", from: 443, to: 443, cidr: "0.0.0.0/0" }],
      ),
    ],
    prefixLists: [],
    vpcEndpoints: [],
    networkInterfaces: [],
    instances: [],
    functions: [
      fn(
        "partner-api",
        "partner-api-role",
        { subnets: ["subnet-0priv0000000000a", "subnet-0priv0000000000b"], groups: ["sg-0function000000001"], vpcId: V },
        {
          TABLE_SECRET: "do-not-copy-this-value",
          NEXT: "arn:aws:lambda:us-east-1:111122223333:function:plain",
        },
      ),
      fn("in-public-subnet", "partner-api-role", { subnets: ["subnet-0pub00000000000a"], groups: ["sg-0function000000001"], vpcId: V }),
      fn("on-main-table", "partner-api-role", { subnets: ["subnet-0main0000000000c"], groups: ["sg-0function000000001"], vpcId: V }),
      fn("strict-acl", "partner-api-role", { subnets: ["subnet-0nacl0000000000d"], groups: ["sg-0function000000001"], vpcId: V }),
      fn("no-eni-role", "basic-role", {
        subnets: ["subnet-0priv0000000000a", "subnet-0priv0000000000b"],
        groups: ["sg-0function000000001"],
        vpcId: V,
      }),
      fn("plain", "basic-role"),
      fn("in-shared-subnet", "partner-api-role", {
        subnets: ["subnet-0shared00000000e"],
        groups: ["sg-0shared00000000001"],
        vpcId: "vpc-0shared0000000001",
      }),
    ],
    capacityProviders: [],
  };
  return {
    account: ACCOUNT,
    regions: { [REGION]: region },
    roles: {
      "partner-api-role": {
        attached: [VPC_ACCESS],
        inline: { "read-table": { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "dynamodb:GetItem", Resource: "*" }] } },
      },
      "basic-role": { attached: [BASIC] },
    },
    policies: {
      [VPC_ACCESS]: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: [
              "logs:CreateLogGroup",
              "logs:CreateLogStream",
              "logs:PutLogEvents",
              "ec2:CreateNetworkInterface",
              "ec2:DescribeNetworkInterfaces",
              "ec2:DescribeSubnets",
              "ec2:DeleteNetworkInterface",
              "ec2:AssignPrivateIpAddresses",
              "ec2:UnassignPrivateIpAddresses",
            ],
            Resource: "*",
          },
        ],
      },
      [BASIC]: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }],
      },
    },
    ...overrides,
  };
}

/**
 * The rest of what a scan reads: a NAT instance (routes to the instance and to its interface),
 * a gateway endpoint for S3 with its prefix list, an interface endpoint for SQS, a route to a
 * transit gateway, and a function on Lambda Managed Instances.
 */
export function extrasAccount(): FakeAccount {
  const V = "vpc-0e0000000000000e1";
  const DEFAULT_POLICY = JSON.stringify({
    Version: "2008-10-17",
    Statement: [{ Effect: "Allow", Principal: "*", Action: "*", Resource: "*" }],
  });
  const region: FakeRegion = {
    vpcs: [vpc(V, "10.1.0.0/16", "extras")],
    vpcAttributes: { [V]: { enableDnsSupport: true, enableDnsHostnames: true } },
    subnets: [
      subnet("subnet-0e000000000000pub", V, "10.1.0.0/24", "a", { name: "nat-instance-subnet", mapPublic: true }),
      subnet("subnet-0e0000000000000px", V, "10.1.10.0/24", "a", { name: "private-x" }),
      subnet("subnet-0e0000000000000py", V, "10.1.11.0/24", "b", { name: "private-y" }),
    ],
    routeTables: [
      routeTable("rtb-0e00000000000main", V, { main: true, routes: [["10.1.0.0/16", "local"]] }),
      routeTable("rtb-0e000000000000pub", V, {
        subnets: ["subnet-0e000000000000pub"],
        routes: [
          ["10.1.0.0/16", "local"],
          ["0.0.0.0/0", "igw-0e00000000000001"],
        ],
      }),
      routeTable("rtb-0e0000000000000px", V, {
        subnets: ["subnet-0e0000000000000px"],
        routes: [
          ["10.1.0.0/16", "local"],
          ["0.0.0.0/0", "i-0e000000000000nat"],
          ["10.200.0.0/16", "tgw-0e00000000000001"],
          ["pl-0e00000000000s3", "vpce-0e000000000000s3"],
        ],
      }),
      routeTable("rtb-0e0000000000000py", V, {
        subnets: ["subnet-0e0000000000000py"],
        routes: [
          ["10.1.0.0/16", "local"],
          ["0.0.0.0/0", "eni-0e000000000000nat"],
        ],
      }),
    ],
    internetGateways: [
      { internetGatewayId: "igw-0e00000000000001", ownerId: ACCOUNT, attachmentSet: [{ vpcId: V, state: "available" }], tagSet: [] },
    ],
    egressOnlyInternetGateways: [],
    natGateways: [],
    addresses: [
      {
        allocationId: "eipalloc-0e00000000000nat",
        publicIp: "198.51.100.77",
        domain: "vpc",
        instanceId: "i-0e000000000000nat",
        networkInterfaceId: "eni-0e000000000000nat",
        tagSet: tags("nat-instance-ip"),
      },
    ],
    networkAcls: [
      networkAcl("acl-0e0000000000000001", V, {
        isDefault: true,
        subnets: ["subnet-0e000000000000pub", "subnet-0e0000000000000px", "subnet-0e0000000000000py"],
        rules: ALLOW_ALL_ACL,
      }),
    ],
    securityGroups: [
      securityGroup("sg-0e0000000000default", V, "default", [], [{ protocol: "-1", cidr: "0.0.0.0/0" }]),
      securityGroup(
        "sg-0e00000000000000fn",
        V,
        "function",
        [],
        [
          { protocol: "tcp", from: 443, to: 443, cidr: "0.0.0.0/0" },
          { protocol: "tcp", from: 443, to: 443, prefixList: "pl-0e00000000000s3" },
        ],
      ),
      securityGroup(
        "sg-0e0000000000000nat",
        V,
        "nat-instance",
        [{ protocol: "-1", cidr: "10.1.0.0/16" }],
        [{ protocol: "-1", cidr: "0.0.0.0/0" }],
      ),
      securityGroup(
        "sg-0e0000000000000sqs",
        V,
        "sqs-endpoint",
        [{ protocol: "tcp", from: 443, to: 443, group: "sg-0e00000000000000fn" }],
        [],
      ),
    ],
    prefixLists: [
      {
        prefixListId: "pl-0e00000000000s3",
        prefixListName: "com.amazonaws.us-east-1.s3",
        addressFamily: "IPv4",
        state: "create-complete",
        ownerId: "AWS",
      },
    ],
    prefixListEntries: { "pl-0e00000000000s3": ["16.182.0.0/16", "3.5.0.0/19", "52.216.0.0/15", "54.231.0.0/16"] },
    vpcEndpoints: [
      {
        vpcEndpointId: "vpce-0e000000000000s3",
        vpcEndpointType: "Gateway",
        vpcId: V,
        serviceName: "com.amazonaws.us-east-1.s3",
        state: "available",
        policyDocument: DEFAULT_POLICY,
        routeTableIdSet: ["rtb-0e0000000000000px"],
        subnetIdSet: [],
        groupSet: [],
        privateDnsEnabled: false,
        tagSet: tags("s3"),
      },
      {
        vpcEndpointId: "vpce-0e00000000000sqs",
        vpcEndpointType: "Interface",
        vpcId: V,
        serviceName: "com.amazonaws.us-east-1.sqs",
        state: "available",
        policyDocument: DEFAULT_POLICY,
        routeTableIdSet: [],
        subnetIdSet: ["subnet-0e0000000000000px", "subnet-0e0000000000000py"],
        groupSet: [{ groupId: "sg-0e0000000000000sqs", groupName: "sqs-endpoint" }],
        privateDnsEnabled: true,
        dnsOptions: { dnsRecordIpType: "ipv4", privateDnsOnlyForInboundResolverEndpoint: false },
        tagSet: tags("sqs"),
      },
    ],
    networkInterfaces: [
      {
        networkInterfaceId: "eni-0e000000000000nat",
        subnetId: "subnet-0e000000000000pub",
        vpcId: V,
        groupSet: [{ groupId: "sg-0e0000000000000nat", groupName: "nat-instance" }],
        sourceDestCheck: false,
        attachment: { attachmentId: "eni-attach-0e1", instanceId: "i-0e000000000000nat", deviceIndex: 0, status: "attached" },
        association: { publicIp: "198.51.100.77", allocationId: "eipalloc-0e00000000000nat", ipOwnerId: ACCOUNT },
        privateIpAddress: "10.1.0.50",
        status: "in-use",
        interfaceType: "interface",
      },
      // An interface no route targets: the scan does not ask for it.
      {
        networkInterfaceId: "eni-0e00000000lambda",
        subnetId: "subnet-0e0000000000000px",
        vpcId: V,
        groupSet: [],
        sourceDestCheck: true,
        interfaceType: "lambda",
      },
    ],
    instances: [
      {
        instanceId: "i-0e000000000000nat",
        imageId: "ami-0e000000000000001",
        instanceState: { code: 16, name: "running" },
        instanceType: "t4g.nano",
        subnetId: "subnet-0e000000000000pub",
        vpcId: V,
        privateIpAddress: "10.1.0.50",
        ipAddress: "198.51.100.77",
        sourceDestCheck: false,
        groupSet: [{ groupId: "sg-0e0000000000000nat", groupName: "nat-instance" }],
        networkInterfaceSet: [
          { networkInterfaceId: "eni-0e000000000000nat", attachment: { deviceIndex: 0, status: "attached" }, sourceDestCheck: false },
        ],
        tagSet: tags("nat-instance"),
      },
    ],
    functions: [
      fn("behind-nat-instance", "vpc-role", {
        subnets: ["subnet-0e0000000000000px", "subnet-0e0000000000000py"],
        groups: ["sg-0e00000000000000fn"],
        vpcId: V,
      }),
      {
        ...fn("on-managed-instances", "vpc-role"),
        CapacityProviderConfig: {
          LambdaManagedInstancesCapacityProviderConfig: {
            CapacityProviderArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:capacity-provider:cp-extras`,
          },
        },
      },
    ],
    capacityProviders: [
      {
        CapacityProviderArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:capacity-provider:cp-extras`,
        State: "Active",
        VpcConfig: { SubnetIds: ["subnet-0e0000000000000px"], SecurityGroupIds: ["sg-0e00000000000000fn"] },
        PermissionsConfig: { CapacityProviderOperatorRoleArn: `arn:aws:iam::${ACCOUNT}:role/operator` },
      },
    ],
  };
  const base = seedAccount();
  return {
    account: ACCOUNT,
    regions: { [REGION]: region },
    roles: { "vpc-role": { attached: [VPC_ACCESS] } },
    policies: { [VPC_ACCESS]: base.policies?.[VPC_ACCESS] },
  };
}
