// scan reads the databases, proxies and file systems functions are wired to: the real RDS and EFS
// SDK clients against the local server (test/support/aws-server.ts, RDS Query XML and EFS
// REST-JSON), the snapshot they give, the needs and verdicts `check` draws from it, denied calls,
// and a snapshot of version 1.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { CheckReport } from "../src/check.ts";
import { runCli } from "./support/cli-helpers.ts";
import { ACCOUNT, fn, securityGroup, seedAccount } from "./support/aws-account.ts";
import type { FakeAccount, FakeRegion } from "./support/aws-server.ts";
import { fakeAwsEnv, startFakeAws } from "./support/aws-server.ts";

const dir = mkdtempSync(join(tmpdir(), "lambda-egress-scan-res-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const V = "vpc-0a1b2c3d4e5f60001";
const PRIVATE = ["subnet-0priv0000000000a", "subnet-0priv0000000000b"];
const DB_HOST = "orders-db.c1abcdefgh.us-east-1.rds.amazonaws.com";
const PROXY = "orders-proxy.proxy-c1abcdefgh.us-east-1.rds.amazonaws.com";
const READER = "reports.cluster-ro-c1abcdefgh.us-east-1.rds.amazonaws.com";
const AP = `arn:aws:elasticfilesystem:us-east-1:${ACCOUNT}:access-point/fsap-0123456789abcdef0`;

const subnetGroup = {
  DBSubnetGroupName: "data",
  VpcId: V,
  SubnetGroupStatus: "Complete",
  Subnets: PRIVATE.map((id, i) => ({
    SubnetIdentifier: id,
    SubnetAvailabilityZone: { Name: `us-east-1${"ab"[i]}` },
    SubnetStatus: "Active",
  })),
};
const dbGroup = [{ VpcSecurityGroupId: "sg-0database00000001", Status: "active" }];

/** The seeds' account with an orders function wired to a PostgreSQL instance, a proxy, an Aurora cluster's reader and an EFS mount. */
function account(overrides: Partial<FakeAccount> = {}): FakeAccount {
  const a = seedAccount(overrides);
  const r = a.regions["us-east-1"] as FakeRegion;
  r.securityGroups = [
    ...(r.securityGroups ?? []),
    // PostgreSQL from the functions; MySQL (the Aurora cluster) from nobody.
    securityGroup("sg-0database00000001", V, "database", [{ protocol: "tcp", from: 5432, to: 5432, group: "sg-0function000000001" }], []),
    securityGroup("sg-0efs0000000000001", V, "efs", [{ protocol: "tcp", from: 2049, to: 2049, group: "sg-0function000000001" }], []),
  ];
  r.dbInstances = [
    {
      DBInstanceIdentifier: "orders-db",
      DBInstanceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:orders-db`,
      DBInstanceClass: "db.t4g.micro",
      Engine: "postgres",
      DBInstanceStatus: "available",
      Endpoint: { Address: DB_HOST, Port: 5432, HostedZoneId: "Z2R2ITUGPM61AM" },
      VpcSecurityGroups: dbGroup,
      DBSubnetGroup: subnetGroup,
    },
    {
      DBInstanceIdentifier: "reports-1",
      DBInstanceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:reports-1`,
      DBInstanceClass: "db.r6g.large",
      Engine: "aurora-mysql",
      DBInstanceStatus: "available",
      DBClusterIdentifier: "reports",
      Endpoint: { Address: "reports-1.c1abcdefgh.us-east-1.rds.amazonaws.com", Port: 3306 },
      VpcSecurityGroups: dbGroup,
      DBSubnetGroup: subnetGroup,
    },
  ];
  r.dbClusters = [
    {
      DBClusterIdentifier: "reports",
      DBClusterArn: `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:reports`,
      Engine: "aurora-mysql",
      Status: "available",
      Port: 3306,
      Endpoint: "reports.cluster-c1abcdefgh.us-east-1.rds.amazonaws.com",
      ReaderEndpoint: READER,
      DBSubnetGroup: "data",
      VpcSecurityGroups: dbGroup,
      DBClusterMembers: [{ DBInstanceIdentifier: "reports-1", IsClusterWriter: true }],
    },
  ];
  r.dbProxies = [
    {
      DBProxyName: "orders-proxy",
      DBProxyArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db-proxy:prx-0123456789abcdef0`,
      Status: "available",
      EngineFamily: "POSTGRESQL",
      VpcId: V,
      VpcSecurityGroupIds: ["sg-0database00000001"],
      VpcSubnetIds: PRIVATE,
      Endpoint: PROXY,
    },
  ];
  r.accessPoints = [
    { AccessPointId: "fsap-0123456789abcdef0", AccessPointArn: AP, FileSystemId: "fs-0123456789abcdef0", OwnerId: ACCOUNT },
    {
      AccessPointId: "fsap-0other0000000000",
      AccessPointArn: `arn:aws:elasticfilesystem:us-east-1:${ACCOUNT}:access-point/fsap-0other0000000000`,
      FileSystemId: "fs-0other0000000000",
      OwnerId: ACCOUNT,
    },
  ];
  r.mountTargets = PRIVATE.map((s, i) => ({
    MountTargetId: `fsmt-0000000000000000${"ab"[i]}`,
    FileSystemId: "fs-0123456789abcdef0",
    SubnetId: s,
    LifeCycleState: "available",
    AvailabilityZoneName: `us-east-1${"ab"[i]}`,
    VpcId: V,
    SecurityGroups: ["sg-0efs0000000000001"],
  }));
  r.functions = [
    ...(r.functions ?? []),
    {
      ...fn(
        "orders",
        "partner-api-role",
        { subnets: PRIVATE, groups: ["sg-0function000000001"], vpcId: V },
        { DB_HOST, PROXY: `${PROXY}:5432`, REPORTS: READER, DB_PASSWORD: "do-not-copy-this-value" },
      ),
      FileSystemConfigs: [{ Arn: AP, LocalMountPath: "/mnt/orders" }],
    },
  ];
  return a;
}

async function scanAndCheck(a: FakeAccount): Promise<{ snapshot: Record<string, unknown>; text: string; report: CheckReport }> {
  const fake = await startFakeAws(a);
  try {
    const path = join(dir, `${n++}-snapshot.json`);
    const s = await runCli(["scan", "-o", path, "--function", "orders"], fakeAwsEnv(fake));
    assert.equal(s.code, 0, s.stderr);
    const c = await runCli(["check", path, "--format", "json", "--fail-on", "none"], { NO_COLOR: "1" });
    assert.equal(c.code, 0, c.stderr);
    const text = readFileSync(path, "utf8");
    return { snapshot: JSON.parse(text) as Record<string, unknown>, text, report: JSON.parse(c.stdout) as CheckReport };
  } finally {
    await fake.close();
  }
}

const orders = (r: CheckReport) => {
  const f = r.functions.find((x) => x.id === "orders");
  assert.ok(f, "orders in the report");
  return f;
};
const reasonOf = (r: CheckReport, to: string) =>
  orders(r).subnets.map((s) => s.destinations.find((d) => d.to === to)?.reason ?? "no such destination");

describe("scan: RDS databases and proxies, EFS file systems", () => {
  it("reads them into the snapshot, keeps the environment values that are their endpoints, and check infers the needs", async () => {
    const { snapshot, text, report } = await scanAndCheck(account());
    assert.equal(snapshot.schemaVersion, 2);
    const region = (snapshot.regions as Record<string, unknown>[])[0] as { resources: unknown[]; functions: Record<string, unknown>[] };
    assert.deepEqual(region.resources, [
      {
        id: "reports",
        arn: `arn:aws:rds:us-east-1:${ACCOUNT}:cluster:reports`,
        type: "db-cluster",
        engine: "aurora-mysql",
        port: 3306,
        endpoints: ["reports.cluster-c1abcdefgh.us-east-1.rds.amazonaws.com", READER],
        subnetIds: PRIVATE,
        securityGroupIds: ["sg-0database00000001"],
      },
      {
        id: "orders-db",
        arn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:orders-db`,
        type: "db-instance",
        engine: "postgres",
        port: 5432,
        endpoints: [DB_HOST],
        subnetIds: PRIVATE,
        securityGroupIds: ["sg-0database00000001"],
      },
      {
        id: "reports-1",
        arn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:reports-1`,
        type: "db-instance",
        engine: "aurora-mysql",
        port: 3306,
        endpoints: ["reports-1.c1abcdefgh.us-east-1.rds.amazonaws.com"],
        subnetIds: PRIVATE,
        securityGroupIds: ["sg-0database00000001"],
        clusterId: "reports",
      },
      {
        id: "orders-proxy",
        arn: `arn:aws:rds:us-east-1:${ACCOUNT}:db-proxy:prx-0123456789abcdef0`,
        type: "db-proxy",
        engine: "POSTGRESQL",
        port: null,
        endpoints: [PROXY],
        subnetIds: PRIVATE,
        securityGroupIds: ["sg-0database00000001"],
      },
      {
        id: "fs-0123456789abcdef0",
        arn: `arn:aws:elasticfilesystem:us-east-1:${ACCOUNT}:file-system/fs-0123456789abcdef0`,
        type: "efs-file-system",
        engine: null,
        port: null,
        endpoints: [],
        subnetIds: [],
        securityGroupIds: [],
        mountTargets: [
          { id: "fsmt-0000000000000000a", subnetId: PRIVATE[0], securityGroupIds: ["sg-0efs0000000000001"] },
          { id: "fsmt-0000000000000000b", subnetId: PRIVATE[1], securityGroupIds: ["sg-0efs0000000000001"] },
        ],
        accessPointArns: [AP],
      },
    ]);
    assert.deepEqual(region.functions[0]?.environmentReferences, { DB_HOST, PROXY: `${PROXY}:5432`, REPORTS: READER });
    assert.doesNotMatch(text, /do-not-copy-this-value/);

    const f = orders(report);
    assert.deepEqual(f.summary, {
      internet: "reachable",
      "resource:orders-db": "reachable",
      "resource:orders-proxy": "reachable",
      "resource:reports": "unreachable",
      "resource:fs-0123456789abcdef0": "reachable",
      "aws:dynamodb": "reachable",
    });
    assert.deepEqual(
      (f.needs ?? []).filter((x) => x.kind === "resource").map((x) => [x.to, x.because]),
      [
        ["resource:orders-db", "environment DB_HOST = orders-db.Endpoint"],
        ["resource:orders-proxy", "environment PROXY = ${orders-proxy.Endpoint}:5432"],
        ["resource:reports", "environment REPORTS = reports.Endpoint"],
        ["resource:fs-0123456789abcdef0", "FileSystemConfigs mounts fs-0123456789abcdef0 through access point fsap-0123456789abcdef0"],
      ],
    );
    assert.deepEqual(
      orders(report).subnets.map((s) => s.destinations.find((d) => d.to === "resource:reports")?.code),
      ["ENI_SG_RULES_MISMATCH", "ENI_SG_RULES_MISMATCH"],
    );
    assert.deepEqual(
      report.findings.filter((x) => x.rule === "wired-resource-unreachable").map((x) => [x.resource, x.fix]),
      [["orders", "Add ingress tcp 3306 from sg-0function000000001 to sg-0database00000001."]],
    );
  });

  it("denied RDS and EFS calls: no guess; the file system's road is unknown with the reason", async () => {
    const { snapshot, report } = await scanAndCheck(
      account({ deny: ["rds:DescribeDBInstances", "elasticfilesystem:DescribeMountTargets"] }),
    );
    const region = (snapshot.regions as Record<string, unknown>[])[0] as {
      denied: { action: string }[];
      resources: { id: string }[];
      functions: Record<string, unknown>[];
    };
    assert.deepEqual(
      region.denied.map((d) => d.action),
      ["elasticfilesystem:DescribeMountTargets", "rds:DescribeDBInstances"],
    );
    assert.deepEqual(
      region.resources.map((r) => r.id),
      ["reports", "orders-proxy", "fs-0123456789abcdef0"],
    );
    // The DB instance was not read: its address is not kept, and no need is drawn from it.
    assert.deepEqual(region.functions[0]?.environmentReferences, { PROXY: `${PROXY}:5432`, REPORTS: READER });
    const f = orders(report);
    assert.equal(f.summary["resource:orders-db"], undefined);
    assert.equal(f.summary["resource:fs-0123456789abcdef0"], "unknown");
    for (const reason of reasonOf(report, "resource:fs-0123456789abcdef0"))
      assert.match(reason, /elasticfilesystem:DescribeMountTargets was denied/);
    // The cluster's subnets come from its instances, which were not read.
    assert.equal(f.summary["resource:reports"], "unknown");
    for (const reason of reasonOf(report, "resource:reports")) assert.match(reason, /the subnets of reports are not known/);
    assert.ok(report.diagnostics.some((d) => d.code === "AWS_ACCESS_DENIED" && /rds:DescribeDBInstances was denied/.test(d.message)));
  });

  it("DescribeAccessPoints denied: the mounted file system stands as its access point, unknown", async () => {
    const { report } = await scanAndCheck(account({ deny: ["elasticfilesystem:DescribeAccessPoints"] }));
    const f = orders(report);
    assert.equal(f.summary["resource:fsap-0123456789abcdef0"], "unknown");
    for (const reason of reasonOf(report, "resource:fsap-0123456789abcdef0"))
      assert.match(reason, /elasticfilesystem:DescribeAccessPoints was denied/);
  });

  it("a snapshot of version 1 (no resources) is still read: the network's verdicts, no resource needs", async () => {
    const { snapshot, report } = await scanAndCheck(account());
    assert.equal(snapshot.schemaVersion, 2);
    assert.equal(orders(report).summary["resource:orders-db"], "reachable", "version 2 has the database");
    const v1 = {
      ...snapshot,
      schemaVersion: 1,
      regions: (snapshot.regions as Record<string, unknown>[]).map(({ resources: _r, ...r }) => ({
        ...r,
        functions: (r.functions as Record<string, unknown>[]).map((f) => ({ ...f, environmentReferences: {} })),
      })),
    };
    const path = join(dir, `${n++}-v1.json`);
    writeFileSync(path, JSON.stringify(v1));
    const c = await runCli(["check", path, "--format", "json", "--fail-on", "none"], { NO_COLOR: "1" });
    assert.equal(c.code, 0, c.stderr);
    assert.deepEqual(orders(JSON.parse(c.stdout) as CheckReport).summary, { internet: "reachable", "aws:dynamodb": "reachable" });
  });
});
