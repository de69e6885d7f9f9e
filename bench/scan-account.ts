// The synthetic account of bench/scan.ts, in the wire shapes of test/support/aws-server.ts.
import { ACCOUNT, fn, natGateway, networkAcl, routeTable, securityGroup, subnet, vpc } from "../test/support/aws-account.ts";
import type { FakeAccount, FakeRegion, Xml } from "../test/support/aws-server.ts";

const hex = (n: number, width = 17) => n.toString(16).padStart(width, "0");

export function syntheticAccount(vpcs: number, functions: number): FakeAccount {
  const r: Required<
    Pick<FakeRegion, "vpcs" | "subnets" | "routeTables" | "natGateways" | "addresses" | "networkAcls" | "securityGroups" | "functions">
  > &
    FakeRegion = {
    vpcs: [],
    vpcAttributes: {},
    subnets: [],
    routeTables: [],
    internetGateways: [],
    natGateways: [],
    addresses: [],
    networkAcls: [],
    securityGroups: [],
    functions: [],
  };
  const privates: string[][] = [];
  for (let v = 0; v < vpcs; v++) {
    const V = `vpc-${hex(v)}`;
    const base = `10.${v % 256}`;
    r.vpcs.push(vpc(V, `${base}.0.0/16`, `vpc-${v}`));
    (r.vpcAttributes as Record<string, { enableDnsSupport: boolean; enableDnsHostnames: boolean }>)[V] = {
      enableDnsSupport: true,
      enableDnsHostnames: true,
    };
    const igw = `igw-${hex(v)}`;
    r.internetGateways?.push({
      internetGatewayId: igw,
      ownerId: ACCOUNT,
      attachmentSet: [{ vpcId: V, state: "available" }],
      tagSet: [] as Xml,
    });
    const pub = (["a", "b"] as const).map((az, i) => `subnet-${hex(v * 4 + i)}`);
    const priv = (["a", "b"] as const).map((az, i) => `subnet-${hex(v * 4 + 2 + i)}`);
    privates.push(priv);
    (["a", "b"] as const).forEach((az, i) => {
      r.subnets.push(subnet(pub[i] as string, V, `${base}.${i}.0/24`, az, { name: `public-${az}`, mapPublic: true }));
      r.subnets.push(subnet(priv[i] as string, V, `${base}.${10 + i}.0/24`, az, { name: `private-${az}` }));
      const nat = `nat-${hex(v * 2 + i)}`;
      const alloc = `eipalloc-${hex(v * 2 + i)}`;
      const ip = `198.51.${Math.floor((v * 2 + i) / 250)}.${((v * 2 + i) % 250) + 1}`;
      r.natGateways.push(natGateway(nat, V, pub[i] as string, alloc, ip));
      r.addresses.push({ allocationId: alloc, publicIp: ip, domain: "vpc", tagSet: [] as Xml });
      r.routeTables.push(
        routeTable(`rtb-${hex(v * 4 + 2 + i)}`, V, {
          subnets: [priv[i] as string],
          routes: [
            [`${base}.0.0/16`, "local"],
            ["0.0.0.0/0", nat],
          ],
        }),
      );
    });
    r.routeTables.push(routeTable(`rtb-${hex(v * 4)}`, V, { main: true, routes: [[`${base}.0.0/16`, "local"]] }));
    r.routeTables.push(
      routeTable(`rtb-${hex(v * 4 + 1)}`, V, {
        subnets: pub,
        routes: [
          [`${base}.0.0/16`, "local"],
          ["0.0.0.0/0", igw],
        ],
      }),
    );
    r.networkAcls.push(
      networkAcl(`acl-${hex(v)}`, V, {
        isDefault: true,
        subnets: [...pub, ...priv],
        rules: [
          [100, false, "allow", "-1", "0.0.0.0/0"],
          [100, true, "allow", "-1", "0.0.0.0/0"],
        ],
      }),
    );
    r.securityGroups.push(securityGroup(`sg-${hex(v * 2)}`, V, "default", [], [{ protocol: "-1", cidr: "0.0.0.0/0" }]));
    r.securityGroups.push(
      securityGroup(`sg-${hex(v * 2 + 1)}`, V, "function", [], [{ protocol: "tcp", from: 443, to: 443, cidr: "0.0.0.0/0" }]),
    );
  }
  for (let f = 0; f < functions; f++) {
    const v = f % vpcs;
    r.functions.push(
      fn(`fn-${f}`, `role-${v % 10}`, { subnets: privates[v] as string[], groups: [`sg-${hex(v * 2 + 1)}`], vpcId: `vpc-${hex(v)}` }),
    );
  }
  const vpcAccess = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";
  const roles: FakeAccount["roles"] = {};
  for (let i = 0; i < 10; i++) roles[`role-${i}`] = { attached: [vpcAccess] };
  return {
    account: ACCOUNT,
    regions: { "us-east-1": r },
    roles,
    policies: {
      [vpcAccess]: {
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"],
            Resource: "*",
          },
        ],
      },
    },
    pageSize: 1000,
  };
}
