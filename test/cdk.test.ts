// lambda-egress/cdk: every pattern x AZ count x endpoint set synthesized, its resources asserted and its verdicts proven by our own analyzer; the validation plugin; the rendered CDK app; a CLI that never loads aws-cdk-lib.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { ReachResult } from "../src/analyze/reach.ts";
import { ENI_ACTIONS_DOCUMENTED } from "../src/aws/facts.ts";
import { renderCdkApp } from "../src/generate/cdk-app.ts";
import type { PatternName, ResolvedPatternOptions } from "../src/generate/patterns.ts";
import { natCount, PATTERN_INFO, PATTERNS, resolvePatternOptions } from "../src/generate/patterns.ts";
import type { CheckReport } from "../src/check.ts";
import { checkTemplate } from "../src/check.ts";
import { ROOT } from "./support/helpers.ts";

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const HAS_CDK = (() => {
  try {
    require.resolve("aws-cdk-lib");
    require.resolve("constructs");
    return true;
  } catch {
    return false;
  }
})();
const SKIP = HAS_CDK
  ? false
  : "aws-cdk-lib and constructs are not installed (optional peer dependencies): npm install -D aws-cdk-lib constructs";

// Loaded only when installed, so that this file runs (skipping) without them.
type Cdk = typeof import("aws-cdk-lib");
type Assertions = typeof import("aws-cdk-lib/assertions");
type Ec2 = typeof import("aws-cdk-lib/aws-ec2");
type Lambda = typeof import("aws-cdk-lib/aws-lambda");
type Ours = typeof import("../src/cdk/index.ts");
let libs: { cdk: Cdk; assertions: Assertions; ec2: Ec2; lambda: Lambda; ours: Ours } | undefined;
async function load() {
  libs ??= {
    cdk: await import("aws-cdk-lib"),
    assertions: await import("aws-cdk-lib/assertions"),
    ec2: await import("aws-cdk-lib/aws-ec2"),
    lambda: await import("aws-cdk-lib/aws-lambda"),
    ours: await import("../src/cdk/index.ts"),
  };
  return libs;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
interface Synth {
  template: { Resources: Resources; Outputs?: Record<string, { Value: unknown }> };
  report: CheckReport;
}

/** Synthesizes one EgressVpc with the demo function in its own app and checks it with our analyzer. */
async function synth(options: ResolvedPatternOptions, extra: { customNacls?: boolean } = {}): Promise<Synth> {
  const { cdk, assertions, ours } = await load();
  const app = new cdk.App();
  const stack = new cdk.Stack(app, "Stack");
  const network = new ours.EgressVpc(stack, "Network", { ...ours.egressVpcPropsForPattern(options), ...extra });
  network.addDemoFunction();
  const template = assertions.Template.fromStack(stack).toJSON() as Synth["template"];
  return { template, report: checkTemplate(`${options.pattern}.template.json`, JSON.stringify(template)) };
}

const ofType = (r: Resources, type: string) => Object.entries(r).filter(([, v]) => v.Type === type);
const refOf = (v: unknown): string | undefined => {
  const o = v as { Ref?: string; "Fn::GetAtt"?: [string, string] } | undefined;
  return o?.Ref ?? o?.["Fn::GetAtt"]?.[0];
};

/** Route table of each subnet, and the routes of each route table. */
function routing(r: Resources) {
  const tableOf = new Map<string, string>();
  for (const [, a] of ofType(r, "AWS::EC2::SubnetRouteTableAssociation")) {
    tableOf.set(refOf(a.Properties?.SubnetId) as string, refOf(a.Properties?.RouteTableId) as string);
  }
  const routes = (table: string) =>
    ofType(r, "AWS::EC2::Route")
      .filter(([, x]) => refOf(x.Properties?.RouteTableId) === table)
      .map(([, x]) => x.Properties ?? {});
  return { tableOf, routes };
}

function functionOf(t: Synth["template"]) {
  const fns = ofType(t.Resources, "AWS::Lambda::Function");
  assert.equal(fns.length, 1);
  return fns[0] as [string, Resources[string]];
}

function dest(report: CheckReport, to: string): ReachResult[] {
  const f = report.functions[0];
  assert.ok(f, "a function");
  return f.subnets.map((s) => {
    const d = s.destinations.find((x) => x.to === to);
    assert.ok(d, `${to} from ${s.subnet}`);
    return d;
  });
}

const ENDPOINT_SETS: readonly (readonly string[])[] = [[], ["s3"], ["lambda", "dynamodb"]];
const WITH_NAT: readonly PatternName[] = ["nat-gateway", "shared-nat-gateway", "regional-nat-gateway", "nat-instance", "dual-stack"];

/** Every structural and verdict assertion for one pattern, AZ count and endpoint set. */
function assertPattern(o: ResolvedPatternOptions, { template, report }: Synth): void {
  const r = template.Resources;
  const p = o.pattern;
  const { tableOf, routes } = routing(r);
  const [fnId, fn] = functionOf(template);
  const vpcConfig = fn.Properties?.VpcConfig as
    { SubnetIds: unknown[]; SecurityGroupIds: unknown[]; Ipv6AllowedForDualStack?: boolean } | undefined;
  const managed = p === "managed-instances-public";
  const fnSubnets = managed
    ? ((ofType(r, "AWS::Lambda::CapacityProvider")[0]?.[1].Properties?.VpcConfig as { SubnetIds: unknown[] }).SubnetIds.map(
        refOf,
      ) as string[])
    : (vpcConfig?.SubnetIds.map(refOf) as string[]);
  assert.equal(fnSubnets.length, o.azs, "one function subnet per AZ");
  const fnTables = fnSubnets.map((s) => tableOf.get(s) as string);
  const defaultRoute = (table: string) => routes(table).find((x) => x.DestinationCidrBlock === "0.0.0.0/0");

  // The VPC: DNS on; subnets per AZ.
  const [, vpc] = ofType(r, "AWS::EC2::VPC")[0] ?? assert.fail("a VPC");
  assert.equal(vpc.Properties?.EnableDnsSupport, true);
  assert.equal(vpc.Properties?.EnableDnsHostnames, true);
  const hasPublic = ["nat-gateway", "shared-nat-gateway", "nat-instance", "dual-stack", "managed-instances-public"].includes(p);
  assert.equal(ofType(r, "AWS::EC2::Subnet").length, o.azs * (hasPublic && !managed ? 2 : 1));

  // NATs, Elastic IPs, outputs.
  const nats = ofType(r, "AWS::EC2::NatGateway");
  const expectedNatGateways =
    p === "nat-gateway" || p === "dual-stack" ? o.azs : p === "shared-nat-gateway" || p === "regional-nat-gateway" ? 1 : 0;
  assert.equal(nats.length, expectedNatGateways, "NAT gateways");
  assert.equal(ofType(r, "AWS::EC2::EIP").length, natCount(p, o.azs), "Elastic IPs");
  assert.equal(Object.keys(template.Outputs ?? {}).filter((k) => k.includes("EgressIp")).length, natCount(p, o.azs), "egress IP outputs");
  for (const [, nat] of nats) {
    assert.ok(refOf(nat.Properties?.AllocationId), "NAT gateway with an Elastic IP of the stack");
    if (p === "regional-nat-gateway") {
      assert.equal(nat.Properties?.AvailabilityMode, "regional");
      assert.equal(nat.Properties?.SubnetId, undefined);
    } else {
      // In a public subnet whose own route table sends 0.0.0.0/0 to an attached IGW.
      const natTable = tableOf.get(refOf(nat.Properties?.SubnetId) as string) as string;
      const igw = refOf(defaultRoute(natTable)?.GatewayId);
      assert.ok(igw && r[igw]?.Type === "AWS::EC2::InternetGateway", "the NAT subnet routes to an IGW");
      assert.equal(ofType(r, "AWS::EC2::VPCGatewayAttachment").filter(([, a]) => refOf(a.Properties?.InternetGatewayId) === igw).length, 1);
    }
  }
  if (WITH_NAT.includes(p)) {
    const targets = fnTables.map((t) => refOf(defaultRoute(t)?.NatGatewayId ?? defaultRoute(t)?.InstanceId) as string);
    assert.ok(
      targets.every((x) => x !== undefined),
      "every function subnet routes 0.0.0.0/0 to the NAT",
    );
    assert.equal(new Set(targets).size, p === "nat-gateway" || p === "dual-stack" ? o.azs : 1, "per-AZ NATs are distinct");
  } else {
    for (const t of fnTables) {
      const d = defaultRoute(t);
      if (p === "endpoints") assert.equal(d, undefined, "no default route from isolated subnets");
      else assert.equal(r[refOf(d?.GatewayId) as string]?.Type, "AWS::EC2::InternetGateway");
    }
  }
  if (p === "endpoints") {
    assert.equal(ofType(r, "AWS::EC2::InternetGateway").length, 0);
    assert.equal(nats.length, 0);
  }
  if (p === "nat-instance") {
    const [[instanceId, instance]] = ofType(r, "AWS::EC2::Instance") as [[string, Resources[string]]];
    assert.equal(instance.Properties?.SourceDestCheck, false);
    const [[, assoc]] = ofType(r, "AWS::EC2::EIPAssociation") as [[string, Resources[string]]];
    assert.equal(refOf(assoc.Properties?.InstanceId), instanceId);
    const sgId = refOf((instance.Properties?.SecurityGroupIds as unknown[])[0]) as string;
    const ingress = (r[sgId]?.Properties?.SecurityGroupIngress ?? []) as { CidrIp?: unknown }[];
    assert.equal(ingress.length, 1, "the NAT instance admits one source");
    assert.deepEqual(ingress[0]?.CidrIp, { "Fn::GetAtt": [ofType(r, "AWS::EC2::VPC")[0]?.[0], "CidrBlock"] }, "the VPC's CIDR only");
  }

  // Endpoints: gateway ones on every function route table, interface ones with private DNS and an SG admitting 443 from the functions.
  const endpoints = ofType(r, "AWS::EC2::VPCEndpoint");
  assert.equal(endpoints.length, o.endpoints.length, "one endpoint per service");
  for (const [, ep] of endpoints) {
    if (ep.Properties?.VpcEndpointType === "Interface") {
      assert.equal(ep.Properties.PrivateDnsEnabled, true);
      assert.equal((ep.Properties.SubnetIds as unknown[]).length, o.azs);
    } else {
      assert.deepEqual(new Set((ep.Properties?.RouteTableIds as unknown[]).map(refOf)), new Set(fnTables));
    }
  }

  // Dual-stack.
  if (p === "dual-stack") {
    const eigw = ofType(r, "AWS::EC2::EgressOnlyInternetGateway");
    assert.equal(eigw.length, 1);
    for (const t of fnTables)
      assert.equal(refOf(routes(t).find((x) => x.DestinationIpv6CidrBlock === "::/0")?.EgressOnlyInternetGatewayId), eigw[0]?.[0]);
    assert.equal(vpcConfig?.Ipv6AllowedForDualStack, true);
  } else {
    assert.equal(vpcConfig?.Ipv6AllowedForDualStack, undefined);
  }

  // The function: in the VPC (or on the capacity provider) with an execution role holding exactly the ENI actions.
  const roleId = refOf(fn.Properties?.Role) as string;
  const role = r[roleId]?.Properties as {
    Policies?: { PolicyDocument: { Statement: { Action: string[] }[] } }[];
    ManagedPolicyArns: unknown[];
  };
  assert.equal(JSON.stringify(role.ManagedPolicyArns).includes("AWSLambdaBasicExecutionRole"), true);
  if (managed) {
    assert.equal(vpcConfig, undefined);
    assert.equal(role.Policies, undefined);
    assert.ok(ofType(r, "AWS::EC2::Subnet").every(([, s]) => s.Properties?.MapPublicIpOnLaunch === true));
  } else {
    assert.deepEqual(role.Policies?.[0]?.PolicyDocument.Statement[0]?.Action, [...ENI_ACTIONS_DOCUMENTED]);
  }

  // Our analyzer: the exact findings and verdicts.
  // (function-single-az looks at a Managed Instances function's capacity provider too.)
  const expectedFindings = [
    ...(o.azs === 1 ? ["function-single-az"] : []),
    ...(p === "shared-nat-gateway" && o.azs > 1 ? ["nat-gateway-cross-az"] : []),
  ];
  assert.deepEqual(report.findings.map((f) => f.rule).sort(), expectedFindings.sort(), JSON.stringify(report.findings, null, 1));
  assert.equal(report.findings.filter((f) => f.severity === "error").length, 0);
  assert.equal(report.functions[0]?.id, fnId);
  const internet = dest(report, "internet");
  const summary = report.functions[0]?.summary ?? {};
  if (PATTERN_INFO[p].internet) {
    assert.equal(summary.internet, "reachable");
    const via = internet.map((d) => d.egress[0]?.via);
    const eips = internet.map((d) => d.egress[0]?.eip);
    assert.ok(internet.every((d) => d.verdict === "reachable" && d.egress.length === 1));
    if (managed) {
      assert.deepEqual(new Set(via), new Set([ofType(r, "AWS::Lambda::CapacityProvider")[0]?.[0]]));
      assert.ok(
        eips.every((e) => !e),
        "no fixed address",
      );
    } else {
      const natIds = new Set([...nats, ...ofType(r, "AWS::EC2::Instance")].map(([id]) => id));
      assert.ok(
        via.every((v) => natIds.has(v as string)),
        `through the stack's NAT: ${via.join(", ")}`,
      );
      const eipIds = new Set(ofType(r, "AWS::EC2::EIP").map(([id]) => id));
      assert.ok(
        eips.every((e) => eipIds.has(e as string)),
        `with the stack's Elastic IPs: ${eips.join(", ")}`,
      );
      const perAz = p === "nat-gateway" || p === "dual-stack";
      assert.equal(new Set(via).size, perAz ? o.azs : 1, "one NAT per AZ, or the single one");
      assert.equal(new Set(eips).size, perAz ? o.azs : 1, "distinct Elastic IPs per AZ");
      if (perAz) {
        // Each subnet leaves through the NAT of its own AZ.
        for (const [i, s] of fnSubnets.entries()) {
          const natSubnet = refOf(nats.find(([id]) => id === via[i])?.[1].Properties?.SubnetId) as string;
          assert.deepEqual(r[natSubnet]?.Properties?.AvailabilityZone, r[s]?.Properties?.AvailabilityZone);
        }
      }
    }
  } else {
    assert.equal(summary.internet, "unreachable");
    assert.ok(internet.every((d) => d.verdict === "unreachable" && d.code === "NO_ROUTE_TO_DESTINATION"));
  }
  if (PATTERN_INFO[p].internet6) {
    assert.equal(summary.internet6, "reachable");
    assert.ok(dest(report, "internet6").every((d) => d.verdict === "reachable" && d.egress.length === 0));
  } else {
    assert.equal(summary.internet6, undefined);
  }
  for (const service of o.endpoints) {
    assert.equal(summary[`aws:${service}`], "reachable", `aws:${service}`);
    const road = ["s3", "dynamodb"].includes(service) ? "through gateway endpoint" : "through interface endpoint";
    assert.ok(
      dest(report, `aws:${service}`).every((d) => d.verdict === "reachable" && d.reason.includes(road) && d.egress.length === 0),
      `aws:${service} ${road}`,
    );
  }
}

describe("lambda-egress/cdk: every pattern synthesized and proven", { skip: SKIP }, () => {
  for (const pattern of PATTERNS) {
    for (const azs of [1, 2, 3]) {
      for (const endpoints of ENDPOINT_SETS) {
        if (pattern === "endpoints" && endpoints.length === 0) continue;
        it(`${pattern}, ${azs} AZ(s), endpoints [${endpoints.join(", ")}]`, async () => {
          const r = resolvePatternOptions({ pattern, azs, endpoints: [...endpoints] });
          assert.ok("options" in r);
          assertPattern(r.options, await synth(r.options));
        });
      }
    }
  }

  for (const pattern of [
    "nat-gateway",
    "dual-stack",
    "nat-instance",
    "endpoints",
    "regional-nat-gateway",
    "managed-instances-public",
  ] as const) {
    it(`${pattern} with custom NACLs: the same verdicts, every subnet on a custom ACL with the ephemeral ports`, async () => {
      const r = resolvePatternOptions({ pattern, azs: 2, endpoints: ["lambda", "s3"] });
      assert.ok("options" in r);
      const s = await synth(r.options, { customNacls: true });
      assertPattern(r.options, s);
      const res = s.template.Resources;
      const assoc = ofType(res, "AWS::EC2::SubnetNetworkAclAssociation");
      assert.equal(assoc.length, ofType(res, "AWS::EC2::Subnet").length, "every subnet has a custom ACL");
      for (const [aclId] of ofType(res, "AWS::EC2::NetworkAcl")) {
        const entries = ofType(res, "AWS::EC2::NetworkAclEntry")
          .filter(([, e]) => refOf(e.Properties?.NetworkAclId) === aclId)
          .map(([, e]) => e.Properties ?? {});
        assert.ok(
          entries.some((e) => e.Egress !== true && (e.PortRange as { From?: number } | undefined)?.From === 1024),
          "ephemeral ports in",
        );
        assert.ok(
          entries.some((e) => e.Egress === true && e.Protocol === -1),
          "replies out to the VPC",
        );
      }
    });
  }

  it("dualStack combines with the other NAT strategies and Managed Instances: internet and internet6 reachable", async () => {
    const { cdk, assertions, ours } = await load();
    const strategies = {
      shared: ours.Egress.sharedNatGateway(),
      regional: ours.Egress.regionalNatGateway(),
      instance: ours.Egress.natInstance(),
      managed: ours.Egress.publicSubnetsForManagedInstances(),
    };
    for (const [name, egress] of Object.entries(strategies)) {
      const stack = new cdk.Stack(new cdk.App(), "Stack");
      new ours.EgressVpc(stack, "Network", { egress, dualStack: true, azs: 2 }).addDemoFunction();
      const report = checkTemplate(name, JSON.stringify(assertions.Template.fromStack(stack).toJSON()));
      assert.equal(report.findings.filter((f) => f.severity === "error").length, 0, name);
      const summary = report.functions[0]?.summary;
      assert.equal(summary?.internet, "reachable", name);
      if (name !== "managed") assert.equal(summary?.internet6, "reachable", name);
    }
  });

  it("existing Elastic IP allocation ids: no new EIP, the ids on the NATs and as outputs, and in the egress answer", async () => {
    const ids = ["eipalloc-0123456789abcdef0", "eipalloc-0123456789abcdef1"];
    const r = resolvePatternOptions({ pattern: "nat-gateway", azs: 2, eipAllocations: ids });
    assert.ok("options" in r);
    const { template, report } = await synth(r.options);
    assert.equal(ofType(template.Resources, "AWS::EC2::EIP").length, 0);
    assert.deepEqual(
      ofType(template.Resources, "AWS::EC2::NatGateway")
        .map(([, n]) => n.Properties?.AllocationId)
        .sort(),
      ids,
    );
    assert.deepEqual(
      Object.values(template.Outputs ?? {})
        .map((o) => o.Value)
        .sort(),
      ids,
    );
    assert.deepEqual(
      dest(report, "internet")
        .map((d) => d.egress[0]?.eip)
        .sort(),
      ids,
    );
  });

  it("a NAT instance with an existing allocation id: EIPAssociation with that id, no new EIP", async () => {
    const r = resolvePatternOptions({ pattern: "nat-instance", azs: 2, eipAllocations: ["eipalloc-0123456789abcdef0"] });
    assert.ok("options" in r);
    const { template, report } = await synth(r.options);
    assert.equal(ofType(template.Resources, "AWS::EC2::EIP").length, 0);
    assert.equal(ofType(template.Resources, "AWS::EC2::EIPAssociation")[0]?.[1].Properties?.AllocationId, "eipalloc-0123456789abcdef0");
    assert.ok(dest(report, "internet").every((d) => d.verdict === "reachable" && d.egress[0]?.eip === "eipalloc-0123456789abcdef0"));
  });

  it("invalid options throw: AZs outside 1-3, endpoints-only without endpoints, a wrong number of allocation ids, dual-stack without a way out", async () => {
    const { cdk, ours } = await load();
    const stack = new cdk.Stack(new cdk.App(), "Stack");
    const { Egress, EgressVpc } = ours;
    assert.throws(() => new EgressVpc(stack, "A", { egress: Egress.natGatewayPerAz(), azs: 4 }), /1 to 3/);
    assert.throws(() => new EgressVpc(stack, "B", { egress: Egress.endpointsOnly() }), /needs --endpoints/);
    assert.throws(
      () => new EgressVpc(stack, "C", { egress: Egress.natGatewayPerAz({ eipAllocationIds: ["eipalloc-0123456789abcdef0"] }) }),
      /give 2/,
    );
    assert.throws(() => new EgressVpc(stack, "D", { egress: Egress.endpointsOnly(), endpoints: ["s3"], dualStack: true }), /dualStack/);
  });

  it("canInvoke grants lambda:InvokeFunction on the target to the caller's role", async () => {
    const { cdk, assertions, lambda, ours } = await load();
    const stack = new cdk.Stack(new cdk.App(), "Stack");
    const network = new ours.EgressVpc(stack, "Network", { egress: ours.Egress.endpointsOnly(), endpoints: ["lambda"] });
    const worker = network.addDemoFunction("Worker");
    network.addFunction("Caller", {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: "index.handler",
      code: lambda.Code.fromInline("exports.handler = async () => 1;"),
      canInvoke: [worker],
      environment: { WORKER: worker.functionName },
    });
    const json = assertions.Template.fromStack(stack).toJSON() as Synth["template"];
    const policies = ofType(json.Resources, "AWS::IAM::Policy");
    assert.ok(JSON.stringify(policies).includes("lambda:InvokeFunction"));
    const report = checkTemplate("invoke.json", JSON.stringify(json));
    assert.deepEqual(
      report.findings.map((f) => f.rule),
      [],
    );
  });

  it("is exported as the package subpath lambda-egress/cdk", async () => {
    const sub = (await import("lambda-egress/cdk" as string)) as Ours;
    assert.equal(sub.EgressVpc, (await load()).ours.EgressVpc);
  });
});

describe("LambdaEgressValidation (CDK policy validation plugin)", { skip: SKIP }, () => {
  const dir = mkdtempSync(join(tmpdir(), "lambda-egress-cdk-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  /** Synthesizes an app with the plugin; returns the validation report's text, or null when synthesis passed. */
  async function synthWith(
    build: (stack: InstanceType<Cdk["Stack"]>) => void,
    props: ConstructorParameters<Ours["LambdaEgressValidation"]>[0] = {},
  ) {
    const { cdk, ours } = await load();
    const outdir = mkdtempSync(join(dir, "out-"));
    const app = new cdk.App({ outdir });
    cdk.Validations.of(app).addPlugins(new ours.LambdaEgressValidation(props));
    build(new cdk.Stack(app, "Stack"));
    const log = console.error;
    console.error = () => {};
    try {
      app.synth();
      return null;
    } catch (e) {
      const report = join(outdir, "validation-report.json");
      return `${(e as Error).message}\n${existsSync(report) ? readFileSync(report, "utf8") : ""}`;
    } finally {
      console.error = log;
    }
  }

  it("fails synthesis for a function in public subnets (any CDK app, not only EgressVpc)", async () => {
    const { ec2, lambda } = await load();
    const out = await synthWith((stack) => {
      const vpc = new ec2.Vpc(stack, "Vpc", {
        natGateways: 0,
        subnetConfiguration: [{ name: "Public", subnetType: ec2.SubnetType.PUBLIC }],
      });
      new lambda.Function(stack, "Fn", {
        vpc,
        allowPublicSubnet: true,
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: "index.handler",
        code: lambda.Code.fromInline("exports.handler = async () => 1;"),
      });
    });
    assert.ok(out, "synthesis fails");
    assert.match(out, /function-in-public-subnet/);
  });

  const isolated = (ec2: Ec2, lambda: Lambda, stack: InstanceType<Cdk["Stack"]>) => {
    const vpc = new ec2.Vpc(stack, "Vpc", {
      natGateways: 0,
      subnetConfiguration: [{ name: "Private", subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    new lambda.Function(stack, "Fn", {
      vpc,
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: "index.handler",
      code: lambda.Code.fromInline("exports.handler = async () => 1;"),
    });
  };

  it("fails synthesis when a function in private subnets without NAT breaks an intent (named by construct path)", async () => {
    const { ec2, lambda } = await load();
    const intents = join(dir, "intents.yaml");
    writeFileSync(intents, "Stack/Fn:\n  internet: reachable\n");
    const out = await synthWith((stack) => isolated(ec2, lambda, stack), { intents });
    assert.ok(out, "synthesis fails");
    assert.match(out, /internet: reachable required, the network gives unreachable/);
    // Without the intent the isolated function is a legitimate design: synthesis passes.
    assert.equal(await synthWith((stack) => isolated(ec2, lambda, stack)), null);
  });

  it("passes an EgressVpc app with its intents held, and failOn warning fails on a shared NAT across AZs", async () => {
    const { ours } = await load();
    const intents = join(dir, "good-intents.yaml");
    writeFileSync(intents, "Stack/Network/ConnectivityCheck:\n  internet: reachable\n  egressIps: fixed\n");
    const good = await synthWith(
      (stack) => new ours.EgressVpc(stack, "Network", { egress: ours.Egress.natGatewayPerAz(), azs: 2 }).addDemoFunction(),
      {
        intents,
      },
    );
    assert.equal(good, null);
    const shared = (stack: InstanceType<Cdk["Stack"]>) =>
      new ours.EgressVpc(stack, "Network", { egress: ours.Egress.sharedNatGateway(), azs: 2 }).addDemoFunction();
    assert.equal(await synthWith(shared), null);
    assert.match((await synthWith(shared, { failOn: "warning" })) ?? "", /nat-gateway-cross-az/);
  });

  it("reports an intents file naming an unknown function", async () => {
    const { ours } = await load();
    const intents = join(dir, "unknown-intents.yaml");
    writeFileSync(intents, "NoSuchFunction:\n  internet: reachable\n");
    const out = await synthWith(
      (stack) => new ours.EgressVpc(stack, "Network", { egress: ours.Egress.natGatewayPerAz() }).addDemoFunction(),
      { intents },
    );
    assert.match(out ?? "", /no function \\*"NoSuchFunction\\*" in .*the functions are: NetworkConnectivityCheck/);
  });
});

describe("renderCdkApp (new --format cdk)", () => {
  it("writes an app per pattern that uses EgressVpc, the demo function and the validation plugin", () => {
    for (const pattern of PATTERNS) {
      const r = resolvePatternOptions({ pattern, azs: 2, endpoints: pattern === "endpoints" ? ["s3", "lambda"] : [] });
      assert.ok("options" in r);
      const text = renderCdkApp(r.options);
      assert.match(text, /from "lambda-egress\/cdk"/);
      assert.match(text, /new EgressVpc\(stack, "Network"/);
      assert.match(text, /addDemoFunction\("ConnectivityCheck"\)/);
      assert.match(text, /addPlugins\(new LambdaEgressValidation\(\)\)/);
    }
  });

  it("the rendered apps synthesize (run by node as the CDK CLI would) to networks our analyzer proves", { skip: SKIP }, async () => {
    const work = join(ROOT, "dist", "tmp-cdk-apps");
    const outdir = join(work, "cdk.out");
    mkdirSync(work, { recursive: true });
    try {
      const apps = PATTERNS.map((pattern) => {
        const r = resolvePatternOptions({
          pattern,
          azs: 2,
          endpoints: pattern === "endpoints" ? ["s3", "lambda"] : ["dynamodb"],
          eipAllocations: pattern === "shared-nat-gateway" ? ["eipalloc-0123456789abcdef0"] : [],
        });
        assert.ok("options" in r);
        const text = renderCdkApp(r.options);
        const file = join(work, `${pattern}.mjs`);
        writeFileSync(file, text);
        return { pattern, file, stack: /new Stack\(app, "([^"]+)"/.exec(text)?.[1] as string };
      });
      // The README's example (plain JavaScript too) runs with them.
      const readme = readFileSync(join(ROOT, "README.md"), "utf8");
      const start = readme.indexOf("\n## Build: the CDK construct");
      assert.ok(start >= 0, "README has the section Build: the CDK construct");
      const example = /```ts\n([\s\S]*?)```/.exec(readme.slice(start))?.[1];
      assert.ok(example, "the section has a ts example");
      const readmeApp = join(work, "readme.mjs");
      writeFileSync(readmeApp, example);
      // One process loads every app (aws-cdk-lib once); each App synthesizes when the process ends, as under `cdk synth`.
      const script = `for (const f of ${JSON.stringify([...apps.map((a) => a.file), readmeApp])}) await import(f);`;
      await run(process.execPath, ["--input-type=module", "-e", script], { cwd: ROOT, env: { ...process.env, CDK_OUTDIR: outdir } });
      for (const { pattern, stack } of apps) {
        const report = checkTemplate(pattern, readFileSync(join(outdir, `${stack}.template.json`), "utf8"));
        assert.equal(report.findings.filter((f) => f.severity === "error").length, 0, pattern);
        assert.equal(report.functions[0]?.summary.internet, PATTERN_INFO[pattern].internet ? "reachable" : "unreachable", pattern);
        assert.equal(report.functions[0]?.summary[pattern === "endpoints" ? "aws:lambda" : "aws:dynamodb"], "reachable", pattern);
      }
      const report = checkTemplate("README", readFileSync(join(outdir, "PartnerApi.template.json"), "utf8"));
      assert.deepEqual(report.findings, []);
      assert.equal(report.functions.length, 2);
      for (const f of report.functions) {
        assert.deepEqual(f.summary, { internet: "reachable", "aws:lambda": "reachable", "aws:s3": "reachable" }, f.id);
        assert.equal(
          new Set(f.subnets.map((x) => x.destinations.find((d) => d.to === "internet")?.egress[0]?.eip)).size,
          2,
          "two Elastic IPs",
        );
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe("aws-cdk-lib stays out of the CLI and the main entry", () => {
  it("the CLI bundle (dist/cli.cjs) does not load aws-cdk-lib, not even to write a CDK app", { skip: SKIP }, async () => {
    // The bundle holds "aws-cdk-lib" only as text, in the app `new --format cdk` writes: what counts is what it loads.
    const boot = JSON.stringify(pathToFileURL(join(ROOT, "dist", "src", "cli", "boot.js")).href);
    const bundle = JSON.stringify(join(ROOT, "dist", "cli.cjs"));
    const probe =
      `import { createRequire } from "node:module"; const { loadCli } = await import(${boot}); const { run } = loadCli(${bundle}, null).cli; ` +
      `const io = { stdout: { write() {} }, stderr: { write() {} }, env: {}, cwd: ${JSON.stringify(ROOT)} }; ` +
      `const codes = [await run(["check", "examples/nat-gateway-per-az/template.yaml"], io), await run(["new", "nat-gateway", "--format", "cdk"], io)]; ` +
      `console.log(codes.join(","), Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("aws-cdk-lib") || k.includes("constructs")).length);`;
    const r = await run(process.execPath, ["--input-type=module", "-e", probe], { cwd: ROOT });
    assert.equal(r.stdout.trim(), "0,0 0");
  });

  it("importing the package's main entry does not load aws-cdk-lib (lambda-egress/cdk does)", { skip: SKIP }, async () => {
    const probe = (entry: string) =>
      `import { createRequire } from "node:module"; await import(${JSON.stringify(entry)}); ` +
      `console.log(Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes("aws-cdk-lib")).length);`;
    const count = async (entry: string) =>
      Number((await run(process.execPath, ["--input-type=module", "-e", probe(entry)], { cwd: ROOT })).stdout.trim());
    assert.equal(await count("lambda-egress"), 0);
    assert.ok((await count("lambda-egress/cdk")) > 0, "the probe sees aws-cdk-lib when it is loaded");
  });
});
