// scan, snapshots and check --aws, with the real AWS SDK clients against a local server on
// 127.0.0.1 that answers in AWS's wire formats (test/support/aws-server.ts): multi-page lists,
// throttling that must be retried, denied calls, a subnet shared from another account.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { SCAN_ACTIONS, scanPolicyDocument } from "../src/load/aws/permissions.ts";
import { runCli } from "./support/cli-helpers.ts";
import { ROOT } from "./support/helpers.ts";
import { ACCOUNT, extrasAccount, fn, OTHER_ACCOUNT, seedAccount } from "./support/aws-account.ts";
import type { Call, FakeAccount, FakeRegion } from "./support/aws-server.ts";
import { fakeAwsEnv, startFakeAws } from "./support/aws-server.ts";

const dir = mkdtempSync(join(tmpdir(), "lambda-egress-scan-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tmp = (name: string) => join(dir, `${n++}-${name}`);

async function withFake<T>(account: FakeAccount, f: (env: Record<string, string>, calls: Call[]) => Promise<T>): Promise<T> {
  const fake = await startFakeAws(account);
  try {
    return await f(fakeAwsEnv(fake), fake.calls);
  } finally {
    await fake.close();
  }
}

interface Dest {
  to: string;
  verdict: string;
  code?: string;
  reason: string;
  egress: { via: string; publicIp: string | null; eip: string | null }[];
  trace: { component: string; kind: string; detail: string }[];
}
interface Report {
  files: string[];
  functions: {
    id: string;
    inVpc: boolean;
    vpc: string | null;
    vpcName?: string;
    summary: Record<string, string>;
    subnets: { subnet: string; az: string | null; azId?: string; name?: string; destinations: Dest[] }[];
  }[];
  findings: { rule: string; resource: string; location: { file: string; name?: string } }[];
  diagnostics: { code: string; message: string }[];
}

const fnOf = (r: Report, id: string) => {
  const f = r.functions.find((x) => x.id === id);
  assert.ok(f, `function ${id} in the report`);
  return f;
};
const internet = (r: Report, id: string, subnet?: string) => {
  const f = fnOf(r, id);
  const s = subnet ? f.subnets.find((x) => x.subnet === subnet) : f.subnets[0];
  const d = s?.destinations.find((x) => x.to === "internet");
  assert.ok(d, `${id}: internet from ${subnet ?? "its first subnet"}`);
  return d;
};

/** Scans the fake into a file; returns the snapshot's path and parsed content. */
async function scanTo(
  env: Record<string, string>,
  args: string[] = [],
): Promise<{ path: string; snapshot: Record<string, unknown>; stderr: string }> {
  const path = tmp("snapshot.json");
  const r = await runCli(["scan", "-o", path, ...args], env);
  assert.equal(r.code, 0, r.stderr);
  return { path, snapshot: JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>, stderr: r.stderr };
}

const withoutTime = (s: Record<string, unknown>) => ({ ...s, scannedAt: "" });

describe("scan: the seeds' account through the real SDK", () => {
  it("writes a sorted snapshot with real ids, Name tags, AZ ids, NAT public IPs, and no environment values", async () => {
    await withFake(seedAccount(), async (env, calls) => {
      const { snapshot, stderr } = await scanTo(env);
      assert.equal(snapshot.kind, "lambda-egress/aws-snapshot");
      assert.equal(snapshot.schemaVersion, 2);
      assert.equal(snapshot.account, ACCOUNT);
      assert.match(String(snapshot.scannedAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const region = (snapshot.regions as Record<string, unknown>[])[0] as Record<string, unknown[]>;
      assert.equal((region as unknown as { region: string }).region, "us-east-1");
      const subnets = region.subnets as { id: string; name?: string; az: string; azId: string }[];
      assert.deepEqual(
        subnets.map((s) => s.id),
        [...subnets.map((s) => s.id)].sort(),
        "subnets sorted by id",
      );
      assert.equal(subnets.length, 7, "every page of DescribeSubnets (7 subnets, 2 a page)");
      assert.deepEqual(
        subnets.find((s) => s.id === "subnet-0priv0000000000b"),
        {
          id: "subnet-0priv0000000000b",
          name: "private-b",
          vpcId: "vpc-0a1b2c3d4e5f60001",
          ownerId: ACCOUNT,
          az: "us-east-1b",
          azId: "use1-az6",
          cidr: "10.0.11.0/24",
          ipv6Cidrs: [],
          mapPublicIpOnLaunch: false,
          ipv6Native: false,
        },
      );
      assert.deepEqual(
        (region.natGateways as { id: string; addresses: unknown[] }[]).map((n) => [n.id, n.addresses]),
        [
          [
            "nat-0a00000000000000a",
            [{ allocationId: "eipalloc-0aaaaaaaaaaaaaaa1", publicIp: "198.51.100.10", privateIp: "10.0.0.10", az: null }],
          ],
          [
            "nat-0b00000000000000b",
            [{ allocationId: "eipalloc-0bbbbbbbbbbbbbbb2", publicIp: "198.51.100.20", privateIp: "10.0.0.10", az: null }],
          ],
        ],
      );
      const partner = (region.functions as { name: string; environmentReferences: Record<string, string> }[]).find(
        (f) => f.name === "partner-api",
      );
      assert.deepEqual(partner?.environmentReferences, { NEXT: "arn:aws:lambda:us-east-1:111122223333:function:plain" });
      assert.doesNotMatch(readFileSync(join(dir, "0-snapshot.json"), "utf8"), /do-not-copy-this-value|TABLE_SECRET/);
      assert.deepEqual(
        (region.roles as { name: string; policies: { kind: string; name: string }[] }[]).map((r) => [
          r.name,
          r.policies.map((p) => `${p.kind}:${p.name}`),
        ]),
        [
          ["basic-role", ["managed:AWSLambdaBasicExecutionRole"]],
          ["partner-api-role", ["inline:read-table", "managed:AWSLambdaVPCAccessExecutionRole"]],
        ],
      );
      assert.match(stderr, /scanned aws:\/\/111122223333\/us-east-1: 2 VPCs, 7 subnets, 2 NAT gateways, 7 functions/);
      // Multi-page answers were followed, and no per-subnet or per-function call was made.
      const count = (a: string) => calls.filter((c) => c.action === a).length;
      assert.equal(count("ec2:DescribeSubnets"), 4);
      assert.equal(count("lambda:ListFunctions"), 4);
      assert.equal(count("ec2:DescribeVpcAttribute"), 4, "two attributes of each of the 2 VPCs (no list call gives them)");
      assert.deepEqual(
        [...new Set(calls.map((c) => c.action))].filter((a) => !(SCAN_ACTIONS as readonly string[]).includes(a)),
        [],
        "every call is in the least-privilege policy",
      );
      assert.ok(calls.every((c) => c.status === 200));
    });
  });

  it("gives the same report live (check --aws) and from the snapshot, with the seeds' verdicts", async () => {
    await withFake(seedAccount(), async (env, calls) => {
      const live = await runCli(["check", "--aws", "--format", "json"], env);
      assert.equal(live.code, 1, live.stderr);
      const { path } = await scanTo(env);
      const before = calls.length;
      const offline = await runCli(["check", path, "--format", "json"], { NO_COLOR: "1" });
      assert.equal(offline.code, 1, offline.stderr);
      assert.equal(calls.length, before, "checking a snapshot calls nothing");
      assert.equal(offline.stdout, live.stdout, "identical JSON reports");
      const liveText = await runCli(["check", "--aws"], env);
      const offlineText = await runCli(["check", path], { NO_COLOR: "1" });
      assert.equal(offlineText.stdout, liveText.stdout, "identical text reports");

      const r = JSON.parse(offline.stdout) as Report;
      assert.deepEqual(r.files, [`aws://${ACCOUNT}/us-east-1`]);
      // Seed 003: a NAT gateway per AZ, each private subnet through its own: two IPs to allowlist.
      assert.equal(fnOf(r, "partner-api").summary.internet, "reachable");
      assert.deepEqual(internet(r, "partner-api", "subnet-0priv0000000000a").egress, [
        { via: "nat-0a00000000000000a", publicIp: "198.51.100.10", eip: "eipalloc-0aaaaaaaaaaaaaaa1" },
      ]);
      assert.deepEqual(internet(r, "partner-api", "subnet-0priv0000000000b").egress, [
        { via: "nat-0b00000000000000b", publicIp: "198.51.100.20", eip: "eipalloc-0bbbbbbbbbbbbbbb2" },
      ]);
      assert.deepEqual(
        fnOf(r, "partner-api").subnets.map((s) => [s.subnet, s.az, s.azId]),
        [
          ["subnet-0priv0000000000a", "us-east-1a", "use1-az4"],
          ["subnet-0priv0000000000b", "us-east-1b", "use1-az6"],
        ],
      );
      // Seed 000/002: a function in a public subnet gets no internet.
      assert.equal(internet(r, "in-public-subnet").verdict, "unreachable");
      assert.equal(internet(r, "in-public-subnet").code, "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS");
      // A subnet without an association uses the main route table (which has no default route here).
      const main = internet(r, "on-main-table");
      assert.equal(main.code, "NO_ROUTE_TO_DESTINATION");
      assert.match(main.reason, /rtb-0main00000000000001 \(main route table\)/);
      // Its fix speaks of the EC2 action, not of a CloudFormation resource the account does not have.
      assert.match(
        offlineText.stdout,
        /fix {2}Associate subnet-0main0000000000c \(EC2 AssociateRouteTable\) with a route table that sends/,
      );
      // A custom network ACL without the ephemeral ports back in.
      assert.equal(internet(r, "strict-acl").code, "SUBNET_ACL_RESTRICTION");
      assert.match(internet(r, "strict-acl").reason, /acl-0strict0000000001/);
      // A role without the ENI actions.
      assert.deepEqual(
        r.findings.filter((f) => f.rule === "role-missing-eni-permissions").map((f) => f.resource),
        ["no-eni-role"],
      );
      assert.deepEqual(r.findings.find((f) => f.rule === "role-missing-eni-permissions")?.location, {
        file: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:no-eni-role`,
      });
      // Outside any VPC: Lambda's own network.
      assert.equal(fnOf(r, "plain").inVpc, false);
      assert.equal(fnOf(r, "plain").summary.internet, "reachable");
      // A subnet shared from another account: its route table and ACL are not visible.
      const shared = internet(r, "in-shared-subnet");
      assert.equal(shared.verdict, "unknown");
      assert.match(shared.reason, new RegExp(`subnet-0shared00000000e is shared from account ${OTHER_ACCOUNT} \\(AWS RAM\\)`));
      assert.equal(shared.trace.find((h) => h.kind === "network-acl")?.component, "subnet-0shared00000000e");
      // Names from Name tags beside the ids, AZ ids beside the AZ names.
      assert.equal(fnOf(r, "partner-api").vpcName, "egress-vpc");
      assert.deepEqual(
        fnOf(r, "partner-api").subnets.map((s) => s.name),
        ["private-a", "private-b"],
      );
      assert.match(offlineText.stdout, /^Function partner-api {2}vpc vpc-0a1b2c3d4e5f60001 \(egress-vpc\), 2 subnets/m);
      assert.match(
        offlineText.stdout,
        /^ {4}subnet-0priv0000000000a \(private-a\) {2}us-east-1a \(use1-az4\) {2}reachable {4}via nat-0a00000000000000a 198\.51\.100\.10$/m,
      );
      // Names from Name tags beside the ARN in the text report.
      assert.match(offlineText.stdout, /arn:aws:ec2:us-east-1:111122223333:network-acl\/acl-0strict0000000001 \(no-ephemeral\)/);
    });
  });

  it("trace works on the snapshot and live, function by name", async () => {
    await withFake(seedAccount(), async (env) => {
      const { path } = await scanTo(env);
      const offline = await runCli(["trace", path, "--function", "partner-api", "--format", "json"], { NO_COLOR: "1" });
      assert.equal(offline.code, 0, offline.stderr);
      const live = await runCli(["trace", "--aws", "--function", "partner-api", "--format", "json"], env);
      assert.equal(live.stdout, offline.stdout);
      const t = JSON.parse(offline.stdout) as { traces: { subnet: string; to: string; verdict: string; hops: { component: string }[] }[] };
      // The internet; the services its role grants are traced too (inferred needs).
      assert.deepEqual(
        t.traces.filter((x) => x.to === "internet").map((x) => [x.subnet, x.verdict]),
        [
          ["subnet-0priv0000000000a", "reachable"],
          ["subnet-0priv0000000000b", "reachable"],
        ],
      );
      assert.ok(t.traces[0]?.hops.some((h) => h.component === "nat-0a00000000000000a"));
    });
  });

  it("emulate --aws plans the same network as emulate of the snapshot (the scan limited to the function)", async () => {
    await withFake(seedAccount(), async (env, calls) => {
      const { path } = await scanTo(env);
      const offline = await runCli(["emulate", "--plan", path, "--function", "partner-api"], { NO_COLOR: "1" });
      assert.equal(offline.code, 0, offline.stderr);
      const before = calls.length;
      const live = await runCli(["emulate", "--aws", "--plan", "--function", "partner-api"], env);
      assert.equal(live.code, 0, live.stderr);
      assert.ok(calls.length > before, "the live run scanned");
      // Each run names its namespaces with its own prefix; the plans are otherwise the same.
      const prefix = (text: string) => /^emulation plan (\S+):/m.exec(text)?.[1] ?? "";
      const same = (text: string) => text.split(prefix(text)).join("PREFIX");
      assert.match(offline.stdout, /nat-0a00000000000000a|198\.51\.100\.10/);
      assert.equal(same(live.stdout), same(offline.stdout));
    });
  });

  it("--function limits the scan to those functions and their roles", async () => {
    await withFake(seedAccount(), async (env) => {
      const { snapshot } = await scanTo(env, ["--function", "partner-api"]);
      const region = (snapshot.regions as Record<string, { name: string }[]>[])[0] as Record<string, { name: string }[]>;
      assert.deepEqual(snapshot.functionFilter, ["partner-api"]);
      assert.deepEqual(
        region.functions?.map((f) => f.name),
        ["partner-api"],
      );
      assert.deepEqual(
        region.roles?.map((r) => r.name),
        ["partner-api-role"],
      );
      const missing = await runCli(["check", "--aws", "--function", "partner-apj"], env);
      assert.equal(missing.code, 2);
      assert.match(
        missing.stderr,
        /^lambda-egress: no function partner-apj in aws:\/\/111122223333\/us-east-1\n {2}hint: --function takes/,
      );
      const r = JSON.parse((await runCli(["check", "--aws", "--function", "partner-api", "--format", "json"], env)).stdout) as Report;
      assert.deepEqual(
        r.functions.map((f) => f.id),
        ["partner-api"],
      );
    });
  });

  it("scans several regions, each its own model", async () => {
    const account = seedAccount();
    account.regions["eu-west-1"] = {
      functions: [{ ...fn("eu-plain", "basic-role"), FunctionArn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:eu-plain` }],
    };
    await withFake(account, async (env, calls) => {
      const r = JSON.parse((await runCli(["check", "--aws", "--region", "us-east-1,eu-west-1", "--format", "json"], env)).stdout) as Report;
      assert.deepEqual(r.files, [`aws://${ACCOUNT}/us-east-1`, `aws://${ACCOUNT}/eu-west-1`]);
      assert.equal(fnOf(r, "eu-plain").summary.internet, "reachable");
      assert.ok(calls.some((c) => c.region === "eu-west-1" && c.action === "ec2:DescribeSubnets"));
    });
  });
});

describe("scan: NAT instance, endpoints, prefix lists, transit gateway, Managed Instances", () => {
  it("reads what routes target, filtered by id, and checks the roads through them", async () => {
    await withFake(extrasAccount(), async (env, calls) => {
      const { snapshot } = await scanTo(env);
      const region = (snapshot.regions as Record<string, unknown[]>[])[0] as Record<string, unknown[]>;
      assert.deepEqual(region.instances, [
        {
          id: "i-0e000000000000nat",
          name: "nat-instance",
          subnetId: "subnet-0e000000000000pub",
          state: "running",
          instanceType: "t4g.nano",
          securityGroupIds: ["sg-0e0000000000000nat"],
          sourceDestCheck: false,
          publicIp: "198.51.100.77",
          networkInterfaceIds: ["eni-0e000000000000nat"],
        },
      ]);
      assert.deepEqual(
        (region.networkInterfaces as { id: string }[]).map((n) => n.id),
        ["eni-0e000000000000nat"],
        "only the interfaces routes and NAT instances use, not the Lambda ENIs",
      );
      assert.deepEqual(region.prefixLists, [
        {
          id: "pl-0e00000000000s3",
          name: "com.amazonaws.us-east-1.s3",
          cidrs: ["16.182.0.0/16", "3.5.0.0/19", "52.216.0.0/15", "54.231.0.0/16"],
        },
      ]);
      assert.equal(calls.filter((c) => c.action === "ec2:GetManagedPrefixListEntries").length, 2, "two pages of entries");
      assert.deepEqual(
        (region.vpcEndpoints as { id: string; customPolicy: boolean; routeTableIds: string[] }[]).map((e) => [
          e.id,
          e.customPolicy,
          e.routeTableIds,
        ]),
        [
          ["vpce-0e000000000000s3", false, ["rtb-0e0000000000000px"]],
          ["vpce-0e00000000000sqs", false, []],
        ],
      );

      const r = JSON.parse(
        (
          await runCli(
            ["check", "--aws", "--format", "json", "--to", "internet", "--to", "aws:s3", "--to", "aws:sqs", "--to", "10.200.0.5:443"],
            env,
          )
        ).stdout,
      ) as Report;
      const f = fnOf(r, "behind-nat-instance");
      const dest = (subnet: string, to: string) => f.subnets.find((s) => s.subnet === subnet)?.destinations.find((d) => d.to === to);
      // The NAT instance, by its id and by its interface, with its Elastic IP.
      for (const s of ["subnet-0e0000000000000px", "subnet-0e0000000000000py"]) {
        assert.equal(dest(s, "internet")?.verdict, "reachable", `${s}: ${dest(s, "internet")?.reason}`);
        assert.deepEqual(dest(s, "internet")?.egress, [
          { via: "i-0e000000000000nat", publicIp: "198.51.100.77", eip: "eipalloc-0e00000000000nat" },
        ]);
      }
      // S3 by the gateway endpoint where its route table is associated.
      assert.equal(dest("subnet-0e0000000000000px", "aws:s3")?.verdict, "reachable");
      assert.ok(dest("subnet-0e0000000000000px", "aws:s3")?.trace.some((h) => h.component === "vpce-0e000000000000s3"));
      // SQS by the interface endpoint with private DNS, from both subnets.
      assert.equal(f.summary["aws:sqs"], "reachable");
      assert.ok(dest("subnet-0e0000000000000py", "aws:sqs")?.trace.some((h) => h.component === "vpce-0e00000000000sqs"));
      // Beyond a transit gateway: unknown.
      assert.equal(dest("subnet-0e0000000000000px", "10.200.0.5/32:443")?.verdict, "unknown");
      // Managed Instances: the capacity provider's subnets.
      const mi = fnOf(r, "on-managed-instances");
      assert.deepEqual(
        mi.subnets.map((s) => s.subnet),
        ["subnet-0e0000000000000px"],
      );
    });
  });

  it("VPC Block Public Access: bidirectional blocks the NAT's road; an exclusion of the NAT subnets lets it through", async () => {
    const blocked = seedAccount();
    const r0 = blocked.regions["us-east-1"] as FakeRegion;
    r0.blockPublicAccessMode = "block-bidirectional";
    await withFake(blocked, async (env) => {
      const r = JSON.parse((await runCli(["check", "--aws", "--format", "json", "--function", "partner-api"], env)).stdout) as Report;
      assert.equal(internet(r, "partner-api").verdict, "unreachable");
      assert.equal(internet(r, "partner-api").code, "VPC_BLOCK_PUBLIC_ACCESS_ENABLED");
      // The fix names the EC2 action, in the account's terms.
      assert.match(
        (internet(r, "partner-api") as Dest & { fix?: string }).fix ?? "",
        /^Exclude subnet subnet-0pub00000000000a or VPC vpc-0a1b2c3d4e5f60001 from Block Public Access \(EC2 CreateVpcBlockPublicAccessExclusion, internet gateway exclusion mode allow-egress\)\.$/,
      );
    });
    r0.blockPublicAccessExclusions = ["subnet-0pub00000000000a", "subnet-0pub00000000000b"].map((subnetId, i) => ({
      exclusionId: `vpcbpa-exclude-0${i}`,
      internetGatewayExclusionMode: "allow-bidirectional",
      resourceArn: `arn:aws:ec2:us-east-1:${ACCOUNT}:subnet/${subnetId}`,
      state: "create-complete",
    }));
    await withFake(blocked, async (env, calls) => {
      const { snapshot } = await scanTo(env, ["--function", "partner-api"]);
      const region = (snapshot.regions as { blockPublicAccess: unknown }[])[0];
      assert.deepEqual(region?.blockPublicAccess, {
        mode: "block-bidirectional",
        exclusions: [
          { id: "vpcbpa-exclude-00", mode: "allow-bidirectional", resource: "subnet-0pub00000000000a" },
          { id: "vpcbpa-exclude-01", mode: "allow-bidirectional", resource: "subnet-0pub00000000000b" },
        ],
      });
      assert.ok(calls.filter((c) => c.action === "ec2:DescribeVpcBlockPublicAccessExclusions").length >= 1);
      const r = JSON.parse((await runCli(["check", "--aws", "--format", "json", "--function", "partner-api"], env)).stdout) as Report;
      assert.equal(fnOf(r, "partner-api").summary.internet, "reachable");
    });
  });

  it("a region without Block Public Access or Managed Instances: nothing blocks, no capacity provider, no error", async () => {
    await withFake(
      seedAccount({ unavailable: ["ec2:DescribeVpcBlockPublicAccessOptions", "lambda:ListCapacityProviders"] }),
      async (env, calls) => {
        const { snapshot } = await scanTo(env);
        const region = (snapshot.regions as { blockPublicAccess: unknown; capacityProviders: unknown[]; denied: unknown[] }[])[0];
        assert.deepEqual(region?.blockPublicAccess, { mode: "off", exclusions: [] });
        assert.deepEqual(region?.capacityProviders, []);
        assert.deepEqual(region?.denied, []);
        assert.deepEqual(
          calls.filter((c) => c.status !== 200).map((c) => `${c.action} ${c.status}`),
          ["lambda:ListCapacityProviders 404", "ec2:DescribeVpcBlockPublicAccessOptions 400"].filter((x) =>
            calls.some((c) => x === `${c.action} ${c.status}`),
          ),
        );
        assert.equal(calls.filter((c) => c.status !== 200).length, 2);
      },
    );
  });

  it("a denied ListFunctions: no function is claimed, the denial is said", async () => {
    await withFake({ ...extrasAccount(), deny: ["lambda:ListFunctions"] }, async (env) => {
      const r = await runCli(["check", "--aws", "--format", "json"], env);
      assert.notEqual(r.code, 2, r.stderr);
      assert.match(r.stderr, /lambda:ListFunctions was denied \(AccessDeniedException\): the functions unknown/);
      const report = JSON.parse(r.stdout) as Report;
      assert.deepEqual(report.functions, []);
      assert.ok(report.diagnostics.some((d) => d.code === "AWS_ACCESS_DENIED" && /lambda:ListFunctions/.test(d.message)));
    });
  });
});

describe("the other commands on a deployed account", () => {
  it("examples/deployed-account/snapshot.json is what a scan of the test account writes", async () => {
    await withFake(seedAccount(), async (env) => {
      const { snapshot } = await scanTo(env);
      const example = JSON.parse(readFileSync(join(ROOT, "examples", "deployed-account", "snapshot.json"), "utf8")) as Record<
        string,
        unknown
      >;
      assert.deepEqual(withoutTime(example), withoutTime(snapshot));
    });
  });

  it("cost prices the deployed NAT gateways and Elastic IPs once each, in the snapshot's region; --aws the same", async () => {
    const example = join("examples", "deployed-account", "snapshot.json");
    const r = await runCli(["cost", example, "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout) as { region: string; items: { resource: string }[] };
    assert.equal(c.region, "us-east-1");
    assert.deepEqual(c.items.map((i) => i.resource).sort(), [
      "eipalloc-0aaaaaaaaaaaaaaa1",
      "eipalloc-0bbbbbbbbbbbbbbb2",
      "nat-0a00000000000000a",
      "nat-0b00000000000000b",
    ]);
    await withFake(seedAccount(), async (env) => {
      const live = await runCli(["cost", "--aws", "--format", "json"], env);
      assert.equal(live.stdout.replace(/"file": "[^"]*"/g, ""), r.stdout.replace(/"file": "[^"]*"/g, ""));
    });
    const missing = await runCli(["cost", example, "--region", "eu-west-1"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /snapshot\.json: has no region eu-west-1; it has us-east-1/);
  });

  it("emulate --plan builds the deployed VPC, with documentation addresses standing in for real public IPs", async () => {
    const real = tmp("real-ip.json");
    writeFileSync(
      real,
      readFileSync(join(ROOT, "examples", "deployed-account", "snapshot.json"), "utf8").replaceAll("198.51.100.10", "54.12.34.56"),
    );
    const r = await runCli(["emulate", "--plan", real, "--function", "partner-api"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Elastic IP eipalloc-0aaaaaaaaaaaaaaa1 \(54\.12\.34\.56\) stands in as 203\.0\.113\.\d+/);
    assert.doesNotMatch(r.stdout, /ip (addr|route) add 54\.12\.34\.56/);
    const aws = await runCli(["new", "--aws", "--pattern", "nat-gateway-per-az"]);
    assert.equal(aws.code, 2);
    assert.match(aws.stderr, /^lambda-egress: --aws applies to check, trace, cost and emulate\n {2}hint: new does not read a network/);
  });
});

describe("scan: throttling, denials, errors", () => {
  it("retries throttled calls (EC2 RequestLimitExceeded 503, Lambda 429, IAM Throttling) and gets the same snapshot", async () => {
    const plain = await withFake(seedAccount(), async (env) => (await scanTo(env)).snapshot);
    await withFake(
      seedAccount({ throttleOnce: ["ec2:DescribeSubnets", "lambda:ListFunctions", "iam:ListRolePolicies"] }),
      async (env, calls) => {
        const { snapshot } = await scanTo(env);
        assert.deepEqual(withoutTime(snapshot), withoutTime(plain));
        assert.deepEqual(
          calls
            .filter((c) => c.status !== 200)
            .map((c) => `${c.action} ${c.status}`)
            .sort(),
          ["ec2:DescribeSubnets 503", "iam:ListRolePolicies 400", "lambda:ListFunctions 429"],
        );
      },
    );
  });

  it("a denied EC2 call leaves the network unknown, naming the action; never a crash", async () => {
    await withFake(seedAccount({ deny: ["ec2:DescribeNatGateways"] }), async (env) => {
      const { path, stderr } = await scanTo(env);
      assert.match(stderr, /warning {2}ec2:DescribeNatGateways was denied \(UnauthorizedOperation\): the NAT gateways unknown/);
      const r = JSON.parse((await runCli(["check", path, "--format", "json"])).stdout) as Report;
      const d = internet(r, "partner-api");
      assert.equal(d.verdict, "unknown");
      assert.match(d.reason, /ec2:DescribeNatGateways was denied/);
      assert.equal(fnOf(r, "partner-api").summary.internet, "unknown");
      assert.ok(r.diagnostics.some((x) => x.code === "AWS_ACCESS_DENIED" && /ec2:DescribeNatGateways/.test(x.message)));
    });
  });

  it("a denied IAM call leaves the role's permissions unknown, not missing", async () => {
    await withFake(seedAccount({ deny: ["iam:ListAttachedRolePolicies"] }), async (env) => {
      const r = JSON.parse((await runCli(["check", "--aws", "--format", "json"], env)).stdout) as Report;
      assert.deepEqual(
        r.findings.filter((f) => f.rule === "role-missing-eni-permissions"),
        [],
        "no finding claims a missing permission the scan could not read",
      );
      assert.equal(fnOf(r, "partner-api").summary.internet, "reachable", "the network itself was read");
      assert.ok(r.diagnostics.some((x) => x.code === "AWS_ACCESS_DENIED" && /iam:ListAttachedRolePolicies/.test(x.message)));
    });
  });

  it("an endpoint that refuses connections: one clear line, exit 2", async () => {
    const fake = await startFakeAws(seedAccount());
    const env = fakeAwsEnv(fake);
    await fake.close();
    const r = await runCli(["check", "--aws"], env);
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /^lambda-egress: sts:GetCallerIdentity in us-east-1 failed: /);
    assert.ok(r.stderr.trim().split("\n").length <= 2, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it("no credentials: one clear line, exit 2, no call to any other address", () => {
    const home = tmp("home");
    mkdirSync(home);
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "lambda-egress.js"), "scan", "--region", "us-east-1"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: home,
        AWS_CONFIG_FILE: join(home, "config"),
        AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_ENDPOINT_URL: "http://127.0.0.1:9",
      },
    });
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /^lambda-egress: no usable AWS credentials/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
});

describe("snapshots as input", () => {
  it("a snapshot of another schemaVersion, invalid JSON, a bad region: one line naming the file, exit 2", async () => {
    const v2 = tmp("v2.json");
    writeFileSync(v2, JSON.stringify({ schemaVersion: 3, kind: "lambda-egress/aws-snapshot", regions: [] }));
    let r = await runCli(["check", v2]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^lambda-egress: .*v2\.json: is a snapshot of schemaVersion 3; this version reads 1 and 2\n {2}hint: scan the account again/,
    );
    const cut = tmp("cut.json");
    writeFileSync(cut, '{\n  "schemaVersion": 1,\n  "kind": "lambda-egress/aws-snapshot",\n  "regions": [');
    r = await runCli(["check", cut]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^lambda-egress: .*cut\.json: is not valid JSON/);
    r = await runCli(["check", "--aws", "--region", "mars-1"], { NO_COLOR: "1", AWS_ENDPOINT_URL: "http://127.0.0.1:9" });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^lambda-egress: --region mars-1 is not a region name/);
  });

  it("a malformed element is a diagnostic, the rest is checked", async () => {
    await withFake(seedAccount(), async (env) => {
      const { snapshot } = await scanTo(env);
      const region = (snapshot.regions as Record<string, unknown[]>[])[0] as Record<string, unknown[]>;
      region.securityGroups = [...(region.securityGroups ?? []), { id: "sg-broken", name: "x", vpcId: null, ingress: 5 }];
      const path = tmp("broken.json");
      writeFileSync(path, JSON.stringify(snapshot));
      const r = await runCli(["check", path, "--format", "json"]);
      assert.equal(r.code, 1, r.stderr);
      const report = JSON.parse(r.stdout) as Report;
      assert.ok(report.diagnostics.some((d) => d.code === "LOAD_BAD_SNAPSHOT_ENTRY" && /securityGroups\[3\]/.test(d.message)));
      assert.equal(fnOf(report, "partner-api").summary.internet, "reachable");
    });
  });

  it("docs/aws-scan-policy.json is the least-privilege policy the scan keeps to", () => {
    const doc = JSON.parse(readFileSync(join(ROOT, "docs", "aws-scan-policy.json"), "utf8")) as unknown;
    assert.deepEqual(doc, scanPolicyDocument());
    assert.ok(
      SCAN_ACTIONS.every((a) => /^(ec2|iam|lambda|sts|rds|elasticfilesystem):(Describe|Get|List)[A-Za-z]+$/.test(a)),
      "read calls only",
    );
  });

  it("check of a template does not load the AWS SDK", () => {
    const script = `
      import { createRequire } from "node:module";
      import { loadCli } from ${JSON.stringify(join(ROOT, "dist", "src", "cli", "boot.js"))};
      const { run } = loadCli(${JSON.stringify(join(ROOT, "dist", "cli.cjs"))}, null).cli;
      const io = { stdout: { write() {} }, stderr: { write() {} }, env: {}, cwd: ${JSON.stringify(ROOT)} };
      const code = await run(["check", "examples/nat-gateway-per-az/template.yaml"], io);
      const sdk = () => Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("@aws-sdk")).length;
      const before = sdk();
      await import("@aws-sdk/client-sts");
      console.log(JSON.stringify({ code, before, after: sdk() }));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
    const out = JSON.parse(r.stdout.trim().split("\n").pop() as string) as { code: number; before: number; after: number };
    assert.equal(out.code, 0, r.stderr);
    assert.equal(out.before, 0, "no @aws-sdk module loaded by check");
    assert.ok(out.after > 0, "the probe sees the SDK once it is loaded");
  });
});
