// The snapshot loader alone (no SDK, no server): snapshot JSON in, model and verdicts out.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkModel } from "../src/check.ts";
import { loadSnapshot } from "../src/load/aws/model.ts";
import type { RegionSnapshot, Snapshot } from "../src/load/aws/snapshot.ts";

const A = "111122223333";
const V = "vpc-0r0000000000000001";

function region(parts: Partial<RegionSnapshot>): RegionSnapshot {
  return {
    region: "us-east-1",
    denied: [],
    vpcs: [{ id: V, ownerId: A, cidrs: ["10.2.0.0/16"], ipv6Cidrs: [], enableDnsSupport: true, enableDnsHostnames: true }],
    subnets: ["a", "b"].map((az, i) => ({
      id: `subnet-0r00000000000000${az}`,
      vpcId: V,
      ownerId: A,
      az: `us-east-1${az}`,
      azId: `use1-az${i + 1}`,
      cidr: `10.2.${i}.0/24`,
      ipv6Cidrs: [],
      mapPublicIpOnLaunch: false,
      ipv6Native: false,
    })),
    routeTables: [
      {
        id: "rtb-0r0000000000000001",
        vpcId: V,
        ownerId: A,
        main: true,
        subnetIds: [],
        routes: [
          { destination: "10.2.0.0/16", target: "local", state: "active", origin: "CreateRouteTable" },
          { destination: "0.0.0.0/0", target: "nat-0r0000000000000001", state: "active", origin: "CreateRoute" },
        ],
      },
    ],
    internetGateways: [{ id: "igw-0r0000000000000001", vpcIds: [V] }],
    egressOnlyInternetGateways: [],
    natGateways: [],
    addresses: [],
    networkAcls: [
      {
        id: "acl-0r0000000000000001",
        vpcId: V,
        isDefault: true,
        subnetIds: ["subnet-0r00000000000000a", "subnet-0r00000000000000b"],
        entries: [
          { ruleNumber: 100, egress: false, action: "allow", protocol: "-1", cidr: "0.0.0.0/0", ports: null },
          { ruleNumber: 100, egress: true, action: "allow", protocol: "-1", cidr: "0.0.0.0/0", ports: null },
        ],
      },
    ],
    securityGroups: [
      {
        id: "sg-0r0000000000000001",
        name: "default",
        vpcId: V,
        ingress: [],
        egress: [{ protocol: "-1", fromPort: null, toPort: null, cidr: "0.0.0.0/0" }],
      },
    ],
    prefixLists: [],
    vpcEndpoints: [],
    networkInterfaces: [],
    instances: [],
    functions: [
      {
        name: "regional",
        arn: `arn:aws:lambda:us-east-1:${A}:function:regional`,
        runtime: "nodejs20.x",
        handler: "index.handler",
        timeout: 3,
        role: null,
        vpcConfig: {
          subnetIds: ["subnet-0r00000000000000a", "subnet-0r00000000000000b"],
          securityGroupIds: ["sg-0r0000000000000001"],
          ipv6AllowedForDualStack: false,
        },
        capacityProviderArn: null,
        fileSystems: [],
        environmentReferences: {},
      },
    ],
    capacityProviders: [],
    roles: [],
    blockPublicAccess: { mode: "off", exclusions: [] },
    ...parts,
  };
}

function snapshot(r: RegionSnapshot): Snapshot {
  return {
    schemaVersion: 1,
    kind: "lambda-egress/aws-snapshot",
    account: A,
    partition: "aws",
    scannedAt: "2026-12-06T00:00:00Z",
    functionFilter: [],
    regions: [r],
  };
}

const regionalNat = {
  id: "nat-0r0000000000000001",
  vpcId: V,
  subnetId: null,
  connectivity: "public" as const,
  availability: "regional" as const,
  state: "available",
  addresses: [
    { allocationId: "eipalloc-0r000000000000a", publicIp: "198.51.100.31", privateIp: null, az: "us-east-1a" },
    { allocationId: "eipalloc-0r000000000000b", publicIp: "198.51.100.32", privateIp: null, az: "us-east-1b" },
  ],
};

describe("snapshot loader", () => {
  it("a regional NAT gateway: no subnet, its AZs from its addresses, the subnets on the main table reach the internet through it", () => {
    const [model] = loadSnapshot(snapshot(region({ natGateways: [regionalNat] })));
    assert.ok(model);
    const nat = model.natGateway("nat-0r0000000000000001");
    assert.equal(nat?.availability, "regional");
    assert.equal(nat?.subnetId, null);
    assert.deepEqual(nat?.regionalAzs, ["us-east-1a", "us-east-1b"]);
    assert.equal(model.get("subnet", "subnet-0r00000000000000a")?.routeTableIsMain, true);
    const report = checkModel(model);
    const fn = report.functions.find((f) => f.id === "regional");
    assert.equal(fn?.summary.internet, "reachable", JSON.stringify(fn?.subnets[0]?.destinations[0]?.reason));
    assert.deepEqual(
      fn?.subnets.map((s) => [s.subnet, s.azId, s.destinations[0]?.egress[0]?.via]),
      [
        ["subnet-0r00000000000000a", "use1-az1", "nat-0r0000000000000001"],
        ["subnet-0r00000000000000b", "use1-az2", "nat-0r0000000000000001"],
      ],
    );
  });

  it("a deleted NAT gateway is gone and the route to it a blackhole; a denied DescribeVpcAttribute leaves the road unknown", () => {
    const gone = region({
      routeTables: [
        {
          ...(region({}).routeTables[0] as RegionSnapshot["routeTables"][number]),
          routes: [
            { destination: "10.2.0.0/16", target: "local", state: "active", origin: "CreateRouteTable" },
            { destination: "0.0.0.0/0", target: "nat-0r0000000000000001", state: "blackhole", origin: "CreateRoute" },
          ],
        },
      ],
    });
    const [m1] = loadSnapshot(snapshot(gone));
    const r1 = checkModel(m1 as NonNullable<typeof m1>);
    assert.equal(r1.functions[0]?.subnets[0]?.destinations[0]?.code, "BAD_STATE_ROUTE");

    const vpcs = region({}).vpcs.map((v) => ({ ...v, enableDnsSupport: null, enableDnsHostnames: null }));
    const [m2] = loadSnapshot(
      snapshot(
        region({
          natGateways: [regionalNat],
          vpcs,
          denied: [{ action: "ec2:DescribeVpcAttribute", code: "UnauthorizedOperation", affects: "the DNS attributes of VPCs" }],
        }),
      ),
    );
    const d = checkModel(m2 as NonNullable<typeof m2>).functions[0]?.subnets[0]?.destinations[0];
    assert.equal(d?.verdict, "unknown");
    assert.match(d?.reason ?? "", /DescribeVpcAttribute was denied/);
  });
});

describe("snapshot: the AWS managed policy a statement comes from (PolicyStatement.policy)", () => {
  it("Lambda Insights' managed policy makes logs a need, named as in a template", () => {
    const arn = `arn:aws:iam::${A}:role/fn`;
    const base = region({});
    const fn = base.functions[0];
    assert.ok(fn);
    const r = region({
      functions: [{ ...fn, role: arn }],
      roles: [
        {
          name: "fn",
          arn,
          incomplete: [],
          policies: [
            {
              kind: "managed",
              name: "CloudWatchLambdaInsightsExecutionRolePolicy",
              arn: "arn:aws:iam::aws:policy/CloudWatchLambdaInsightsExecutionRolePolicy",
              document: {
                Version: "2012-10-17",
                Statement: [
                  { Effect: "Allow", Action: ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" },
                ],
              },
            },
          ],
        },
      ],
    });
    const [model] = loadSnapshot(snapshot(r));
    assert.ok(model);
    const needs = checkModel(model).functions[0]?.needs?.map((n) => `${n.to} <- ${n.because}`);
    assert.deepEqual(needs, ["aws:logs <- role fn allows logs:CreateLogGroup (CloudWatchLambdaInsightsExecutionRolePolicy)"]);
  });
});
