// Templates checked together: Fn::ImportValue against the other templates' exports, --import, --stack-name.
// Fixtures: test/fixtures-multi (README there).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { FunctionReport } from "../src/analyze/analysis.ts";
import type { ReachResult } from "../src/analyze/reach.ts";
import type { CheckOptions, CheckReport } from "../src/check.ts";
import { checkTemplates, mergeReports } from "../src/check.ts";
import { loadModels } from "../src/load/index.ts";
import { qualifyNetwork } from "../src/model/qualify.ts";
import { traceTemplates } from "../src/trace.ts";
import { runCli } from "./support/cli-helpers.ts";
import { CORPUS, HAS_CORPUS, ROOT } from "./support/helpers.ts";

const MULTI = join(ROOT, "test", "fixtures-multi");
const NAT = { vpc: join(MULTI, "nat-gateway", "vpc.yaml"), app: join(MULTI, "nat-gateway", "app.yaml") };
const NO_NAT = { vpc: join(MULTI, "no-nat-gateway", "vpc.yaml"), app: join(MULTI, "no-nat-gateway", "app.yaml") };

const input = (file: string) => ({ file, text: readFileSync(file, "utf8") });
function check(files: string[], options: CheckOptions = {}): CheckReport[] {
  return checkTemplates(files.map(input), options);
}
function fn(report: CheckReport | undefined, id: string): FunctionReport {
  const f = report?.functions.find((x) => x.id === id);
  assert.ok(f, `function ${id}`);
  return f;
}
function internet(f: FunctionReport, subnet: string): ReachResult {
  const r = f.subnets.find((s) => s.subnet === subnet)?.destinations.find((d) => d.to === "internet");
  assert.ok(r, `${subnet} internet in ${JSON.stringify(f.subnets.map((s) => s.subnet))}`);
  return r;
}

describe("templates checked together (Fn::ImportValue)", () => {
  it("a function in the subnets another stack exports reaches the internet through that stack's NAT, with its EIP", () => {
    const [vpc, app] = check([NAT.vpc, NAT.app], { stackNames: { [NAT.vpc]: "network" } });
    const f = fn(app, "ApiClientFunction");
    assert.deepEqual(f.summary, { internet: "reachable" });
    assert.equal(f.vpc, "network/Vpc");
    assert.deepEqual(
      f.subnets.map((s) => s.subnet),
      ["network/PrivateSubnetA", "network/PrivateSubnetB"],
    );
    for (const s of ["network/PrivateSubnetA", "network/PrivateSubnetB"]) {
      const r = internet(f, s);
      assert.equal(r.verdict, "reachable");
      assert.deepEqual(r.egress, [{ via: "network/NatGateway", publicIp: null, eip: "network/NatEip" }]);
    }
    // The network stack's own report is the same as when it is checked alone: its subnets, unqualified, no function.
    assert.deepEqual(vpc?.functions, []);
    assert.deepEqual(
      vpc?.subnets.map((s) => s.subnet),
      ["PrivateSubnetA", "PrivateSubnetB", "PublicSubnet"],
    );
    assert.deepEqual(app?.subnets, []);
    assert.deepEqual(
      [...(app?.diagnostics ?? []), ...(vpc?.diagnostics ?? [])].filter((d) => d.severity !== "info"),
      [],
    );
  });

  it("trace walks into the other template: each hop located in the file that defines it", () => {
    const report = traceTemplates([input(NAT.vpc), input(NAT.app)], {
      function: "ApiClientFunction",
      subnet: "network/PrivateSubnetA",
      stackNames: { [NAT.vpc]: "network" },
    });
    const [t] = report.traces;
    assert.equal(t?.verdict, "reachable");
    const byComponent = new Map(t?.hops.map((h) => [h.component, h.location?.file]));
    assert.equal(byComponent.get("FunctionSecurityGroup"), NAT.app);
    assert.equal(byComponent.get("network/PrivateRouteTable"), NAT.vpc);
    assert.equal(byComponent.get("network/NatGateway"), NAT.vpc);
    assert.equal(byComponent.get("network/InternetGateway"), NAT.vpc);
  });

  it("without the other stack's NAT gateway: unreachable, NO_ROUTE_TO_DESTINATION at its route table, in its file", () => {
    const [, app] = check([NO_NAT.vpc, NO_NAT.app], { stackNames: { [NO_NAT.vpc]: "network" } });
    const f = fn(app, "ApiClientFunction");
    assert.deepEqual(f.summary, { internet: "unreachable" });
    for (const s of ["network/PrivateSubnetA", "network/PrivateSubnetB"]) {
      const r = internet(f, s);
      assert.equal(r.verdict, "unreachable");
      assert.equal(r.code, "NO_ROUTE_TO_DESTINATION");
      assert.equal(r.location?.file, NO_NAT.vpc);
      assert.equal(r.location?.line, 64);
    }
  });

  it("export names made of AWS::StackName without --stack-name: unknown, naming the export, the template searched and --stack-name", () => {
    const [, app] = check([NAT.vpc, NAT.app]);
    const f = fn(app, "ApiClientFunction");
    assert.deepEqual(f.summary, { internet: "unknown" });
    const reason = f.subnets[0]?.destinations[0]?.reason ?? "";
    assert.match(reason, /^imported from another stack \(export network-PrivateSubnetA\): none of .*nat-gateway\/vpc\.yaml exports it/);
    assert.match(reason, /exports Outputs VpcId, PrivateSubnetAId, PrivateSubnetBId under names not known/);
    assert.match(reason, /pass --stack-name .*nat-gateway\/vpc\.yaml=NAME/);
    assert.equal(f.subnets[0]?.destinations[0]?.code, "UNKNOWN_RESOURCE");
  });

  it("an import no template exports stays unknown, naming the export and the templates searched", () => {
    const [, app] = check([NAT.vpc, NAT.app], { stackNames: { [NAT.vpc]: "other" } });
    const f = fn(app, "ApiClientFunction");
    assert.deepEqual(f.summary, { internet: "unknown" });
    assert.equal(
      f.subnets[0]?.destinations[0]?.reason,
      `imported from another stack (export network-PrivateSubnetA): none of ${NAT.vpc} exports it; give the template that exports it too, or --import network-PrivateSubnetA=VALUE`,
    );
  });

  it("--import of a subnet id no template defines: unknown, that subnet's routes are not known", () => {
    const [app] = check([NAT.app], {
      imports: { "network-PrivateSubnetA": "subnet-0abc", "network-PrivateSubnetB": "subnet-0def", "network-VpcId": "vpc-0123" },
    });
    const f = fn(app, "ApiClientFunction");
    assert.deepEqual(f.summary, { internet: "unknown" });
    assert.deepEqual(
      f.subnets.map((s) => s.subnet),
      ["subnet-0abc", "subnet-0def"],
    );
    const r = internet(f, "subnet-0abc");
    assert.equal(r.verdict, "unknown");
    assert.equal(r.code, "UNKNOWN_RESOURCE");
    assert.match(r.reason, /subnet-0abc/);
    assert.deepEqual(
      app?.diagnostics.filter((d) => d.severity !== "info"),
      [],
    );
  });

  it("--import wins over a template's export of the same name", () => {
    const [, app] = check([NAT.vpc, NAT.app], {
      stackNames: { [NAT.vpc]: "network" },
      imports: { "network-PrivateSubnetB": "subnet-0def" },
    });
    const f = fn(app, "ApiClientFunction");
    assert.deepEqual(
      f.subnets.map((s) => s.subnet),
      ["network/PrivateSubnetA", "subnet-0def"],
    );
    assert.equal(internet(f, "network/PrivateSubnetA").verdict, "reachable");
    assert.equal(internet(f, "subnet-0def").verdict, "unknown");
  });

  it("an --import name no template imports: a warning naming it and the closest import", () => {
    const [app] = check([NAT.app], { imports: { "network-PrivateSubnetC": "subnet-0abc" } });
    const w = app?.diagnostics.filter((d) => d.code === "LOAD_UNKNOWN_IMPORT");
    assert.deepEqual(
      w?.map((d) => [d.severity, d.message]),
      [
        [
          "warning",
          "--import network-PrivateSubnetC: no template given imports network-PrivateSubnetC, so it changes nothing (their imports: network-VpcId, network-PrivateSubnetA, network-PrivateSubnetB); did you mean network-PrivateSubnetA?",
        ],
      ],
    );
  });

  it("two templates exporting one name: an error at the second export, and the import stays unknown", () => {
    const stackNames = { [NAT.vpc]: "network", [NO_NAT.vpc]: "network" };
    const reports = check([NAT.vpc, NO_NAT.vpc, NAT.app], { stackNames });
    const dup = reports[1]?.diagnostics.filter((d) => d.code === "LOAD_DUPLICATE_EXPORT") ?? [];
    assert.deepEqual(
      dup.map((d) => [d.severity, d.location.file, d.location.line]),
      [
        ["error", NO_NAT.vpc, 84],
        ["error", NO_NAT.vpc, 88],
        ["error", NO_NAT.vpc, 92],
      ],
    );
    assert.match(
      dup[1]?.message ?? "",
      /^export network-PrivateSubnetA \(Outputs PrivateSubnetAId\) is also exported by .*nat-gateway\/vpc\.yaml/,
    );
    assert.deepEqual(
      reports[0]?.diagnostics.filter((d) => d.code === "LOAD_DUPLICATE_EXPORT"),
      [],
    );
    const f = fn(reports[2], "ApiClientFunction");
    assert.deepEqual(f.summary, { internet: "unknown" });
    assert.match(f.subnets[0]?.destinations[0]?.reason ?? "", /export network-PrivateSubnetA\), which .* both export/);
  });

  it("a resource that changes the other stack's network (a route in its route table, a rule in its security group): what it changes is unknown", () => {
    const vpc = readFileSync(NAT.vpc, "utf8")
      .replace(
        "Outputs:\n",
        `Outputs:
  PrivateRouteTable:
    Value: !Ref PrivateRouteTable
    Export: { Name: !Sub "\${AWS::StackName}-PrivateRouteTable" }
  SharedSg:
    Value: !GetAtt SharedSg.GroupId
    Export: { Name: !Sub "\${AWS::StackName}-SharedSg" }
`,
      )
      .replace(
        "Outputs:\n",
        `  SharedSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: shared
      VpcId: !Ref Vpc

Outputs:
`,
      );
    const app = (extra: string) => `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: arn:aws:iam::123456789012:role/r
      VpcConfig:
        SubnetIds: [!ImportValue network-PrivateSubnetA]
        SecurityGroupIds: [!ImportValue network-SharedSg]
${extra}`;
    const verdict = (extra: string) => {
      const [, report] = checkTemplates(
        [
          { file: NAT.vpc, text: vpc },
          { file: "app.yaml", text: app(extra) },
        ],
        {
          stackNames: { [NAT.vpc]: "network" },
        },
      );
      return internet(fn(report, "Fn"), "network/PrivateSubnetA");
    };
    assert.equal(verdict("").verdict, "reachable");
    const route = verdict(`  ToPeer:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !ImportValue network-PrivateRouteTable
      DestinationCidrBlock: 0.0.0.0/1
      VpcPeeringConnectionId: pcx-0123
`);
    assert.equal(route.verdict, "unknown");
    assert.equal(
      route.reason,
      `ToPeer (AWS::EC2::Route, app.yaml) changes network/PrivateRouteTable of another stack, which is not modelled`,
    );
    const rule = verdict(`  Rule:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !ImportValue network-SharedSg
      IpProtocol: tcp
      FromPort: 443
      ToPort: 443
      CidrIp: 10.0.0.0/16
`);
    assert.equal(rule.verdict, "reachable", "a rule that only adds can turn nothing here");
  });

  it("exports are per region: one name in two regions is no duplicate, and a stack imports its own region's", () => {
    const net = (cidr: string) => `Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: ${cidr}
Outputs:
  Cidr:
    Value: !GetAtt Vpc.CidrBlock
    Export: { Name: vpc-cidr }
`;
    const app = `Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: x
      SecurityGroupEgress:
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: !ImportValue vpc-cidr }
`;
    const models = loadModels([
      { file: "eu.yaml", text: net("10.1.0.0/16"), options: { region: "eu-west-1" } },
      { file: "us.yaml", text: net("10.2.0.0/16"), options: { region: "us-east-1" } },
      { file: "app.yaml", text: app, options: { region: "eu-west-1" } },
    ]);
    assert.deepEqual(
      models.flatMap((m) => m.diagnostics.filter((d) => d.code === "LOAD_DUPLICATE_EXPORT")),
      [],
    );
    const rule = models[2]?.get("security-group", "Sg")?.egress[0];
    assert.deepEqual(rule?.peer.kind === "cidr" ? rule.peer.cidr.text : rule?.peer, "10.1.0.0/16");
  });

  it("an export of a resource that is not part of the network, or under an open condition: unknown, naming the export", () => {
    const exporter = `Parameters:
  Env:
    Type: String
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
Outputs:
  S:
    Condition: IsProd
    Value: !Ref Subnet
    Export: { Name: subnet }
  R:
    Value: !Ref Role
    Export: { Name: role-name }
`;
    const importer = `Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: x
      VpcId: !ImportValue role-name
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: arn:aws:iam::123456789012:role/r
      VpcConfig:
        SubnetIds: [!ImportValue subnet]
        SecurityGroupIds: [!Ref Sg]
`;
    const [, app] = checkTemplates([
      { file: "net.yaml", text: exporter },
      { file: "app.yaml", text: importer },
    ]);
    const f = fn(app, "Fn");
    assert.deepEqual(f.summary, { internet: "unknown" });
    assert.equal(
      f.subnets[0]?.destinations[0]?.reason,
      "imported from net.yaml (export subnet, Outputs S): the export exists only under condition IsProd: parameter Env has no default; pass --param Env=VALUE",
    );
    const [, model] = loadModels([
      { file: "net.yaml", text: exporter },
      { file: "app.yaml", text: importer },
    ]);
    const sg = model?.get("security-group", "Sg");
    assert.deepEqual(sg?.vpcId, {
      unknown: true,
      reason:
        "imported from net.yaml (export role-name): Role (AWS::IAM::Role) is not a network resource, which is all a model takes from another stack",
    });
  });

  it("a stack that re-exports an import: the function's model holds both stacks' networks", () => {
    const mid = `Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: shared
      VpcId: !ImportValue network-VpcId
Outputs:
  SubnetA:
    Value: !ImportValue network-PrivateSubnetA
    Export: { Name: mid-subnet }
  Sg:
    Value: !Ref Sg
    Export: { Name: mid-sg }
`;
    const app = `Resources:
  Fn:
    Type: AWS::Lambda::Function
    Properties:
      Role: arn:aws:iam::123456789012:role/r
      VpcConfig:
        SubnetIds: [!ImportValue mid-subnet]
        SecurityGroupIds: [!ImportValue mid-sg]
`;
    const reports = checkTemplates([input(NAT.vpc), { file: "mid.yaml", text: mid }, { file: "app.yaml", text: app }], {
      stackNames: { [NAT.vpc]: "network" },
    });
    const f = fn(reports[2], "Fn");
    assert.deepEqual(f.summary, { internet: "reachable" });
    assert.deepEqual(
      f.subnets.map((s) => s.subnet),
      ["network/PrivateSubnetA"],
    );
    assert.deepEqual(internet(f, "network/PrivateSubnetA").egress, [{ via: "network/NatGateway", publicIp: null, eip: "network/NatEip" }]);
    // Checked as one report: each file once, each finding once.
    const merged = mergeReports(reports);
    assert.deepEqual(merged.files, [NAT.vpc, "mid.yaml", "app.yaml"]);
  });

  it("qualifies every id an entity holds and the open conditions it names, and leaves ids of a third stack alone", () => {
    const [q] = qualifyNetwork(
      [
        {
          kind: "route-table",
          id: "Rt",
          origin: { source: "cloudformation", file: "vpc.yaml", logicalId: "Rt" },
          vpcId: "Vpc",
          isMain: false,
          routes: [
            {
              destination: { kind: "cidr", cidr: { family: 4, text: "0.0.0.0/0" } as never },
              target: { kind: "nat-gateway", id: "other/Nat" },
              state: "active",
              origin: { source: "cloudformation", file: "vpc.yaml", conditionUnknown: "condition IsProd: parameter Env has no default" },
            },
            {
              destination: { kind: "prefix-list", id: "Pl", cidrs: [] },
              target: { kind: "vpc-endpoint", id: { unknown: true, reason: "r" } },
              state: "active",
              origin: { source: "cloudformation", file: "vpc.yaml" },
            },
          ],
        },
        {
          kind: "role",
          id: "Role",
          origin: { source: "cloudformation", file: "vpc.yaml" },
          statements: [],
          unknownPolicies: [],
          attachedPolicyResources: [],
        },
      ],
      "net",
    );
    assert.deepEqual(q, {
      kind: "route-table",
      id: "net/Rt",
      origin: { source: "cloudformation", file: "vpc.yaml", logicalId: "Rt" },
      vpcId: "net/Vpc",
      isMain: false,
      routes: [
        {
          destination: { kind: "cidr", cidr: { family: 4, text: "0.0.0.0/0" } },
          target: { kind: "nat-gateway", id: "other/Nat" },
          state: "active",
          // Two templates' conditions are never one, whatever their names.
          origin: { source: "cloudformation", file: "vpc.yaml", conditionUnknown: "net/condition IsProd: parameter Env has no default" },
        },
        {
          destination: { kind: "prefix-list", id: "net/Pl", cidrs: [] },
          target: { kind: "vpc-endpoint", id: { unknown: true, reason: "r" } },
          state: "active",
          origin: { source: "cloudformation", file: "vpc.yaml" },
        },
      ],
    });
  });

  it(
    "the Lambda developer guide's list-manager sample with its VPC stack: exact verdicts through that stack",
    { skip: !HAS_CORPUS },
    () => {
      const vpc = join(CORPUS, "awsdocs__aws-lambda-developer-guide__templates__vpc-private.yaml");
      const app = join(CORPUS, "awsdocs__aws-lambda-developer-guide__sample-apps__list-manager__template.yml");
      const [, report] = check([vpc, app], { stackNames: { [vpc]: "list-manager-vpc" } });
      for (const id of ["dbadmin", "processor"]) {
        const f = fn(report, id);
        assert.deepEqual(f.summary, { internet: "unreachable", "aws:dynamodb": "reachable", "aws:s3": "reachable" });
        const r = internet(f, "list-manager-vpc/privateSubnet1");
        assert.equal(r.code, "NO_ROUTE_TO_DESTINATION");
        assert.equal(r.location?.file, vpc);
      }
    },
  );

  it("a CDK cloud assembly: a stack's reference to another stack's subnets (an export and a Fn::ImportValue) is followed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lambda-egress-stacks-"));
    try {
      const stack = (templateFile: string) => ({
        type: "aws:cloudformation:stack",
        environment: "aws://unknown-account/unknown-region",
        properties: { templateFile },
      });
      writeFileSync(
        join(dir, "manifest.json"),
        JSON.stringify({ version: "48.0.0", artifacts: { Network: stack("Network.template.json"), App: stack("App.template.json") } }),
      );
      const r = (id: string) => ({ Ref: id });
      writeFileSync(
        join(dir, "Network.template.json"),
        JSON.stringify({
          Resources: {
            Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.0.0.0/16" } },
            Igw: { Type: "AWS::EC2::InternetGateway" },
            Attach: { Type: "AWS::EC2::VPCGatewayAttachment", Properties: { VpcId: r("Vpc"), InternetGatewayId: r("Igw") } },
            Public: { Type: "AWS::EC2::Subnet", Properties: { VpcId: r("Vpc"), CidrBlock: "10.0.0.0/24", AvailabilityZone: "us-east-1a" } },
            PublicRt: { Type: "AWS::EC2::RouteTable", Properties: { VpcId: r("Vpc") } },
            PublicRoute: {
              Type: "AWS::EC2::Route",
              Properties: { RouteTableId: r("PublicRt"), DestinationCidrBlock: "0.0.0.0/0", GatewayId: r("Igw") },
            },
            PublicAssoc: {
              Type: "AWS::EC2::SubnetRouteTableAssociation",
              Properties: { SubnetId: r("Public"), RouteTableId: r("PublicRt") },
            },
            Eip: { Type: "AWS::EC2::EIP", Properties: { Domain: "vpc" } },
            Nat: {
              Type: "AWS::EC2::NatGateway",
              Properties: { SubnetId: r("Public"), AllocationId: { "Fn::GetAtt": ["Eip", "AllocationId"] } },
            },
            Private: {
              Type: "AWS::EC2::Subnet",
              Properties: { VpcId: r("Vpc"), CidrBlock: "10.0.1.0/24", AvailabilityZone: "us-east-1a" },
            },
            PrivateRt: { Type: "AWS::EC2::RouteTable", Properties: { VpcId: r("Vpc") } },
            PrivateRoute: {
              Type: "AWS::EC2::Route",
              Properties: { RouteTableId: r("PrivateRt"), DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: r("Nat") },
            },
            PrivateAssoc: {
              Type: "AWS::EC2::SubnetRouteTableAssociation",
              Properties: { SubnetId: r("Private"), RouteTableId: r("PrivateRt") },
            },
          },
          Outputs: {
            ExportsOutputRefPrivate: { Value: r("Private"), Export: { Name: "Network:ExportsOutputRefPrivate" } },
            ExportsOutputFnGetAttVpcDefaultSecurityGroup: {
              Value: { "Fn::GetAtt": ["Vpc", "DefaultSecurityGroup"] },
              Export: { Name: "Network:ExportsOutputFnGetAttVpcDefaultSecurityGroup" },
            },
          },
        }),
      );
      writeFileSync(
        join(dir, "App.template.json"),
        JSON.stringify({
          Resources: {
            Fn: {
              Type: "AWS::Lambda::Function",
              Properties: {
                Role: "arn:aws:iam::123456789012:role/r",
                VpcConfig: {
                  SubnetIds: [{ "Fn::ImportValue": "Network:ExportsOutputRefPrivate" }],
                  SecurityGroupIds: [{ "Fn::ImportValue": "Network:ExportsOutputFnGetAttVpcDefaultSecurityGroup" }],
                },
              },
            },
          },
        }),
      );
      const c = await runCli(["check", dir, "--format", "json"]);
      assert.equal(c.code, 0, c.stderr);
      const report = JSON.parse(c.stdout) as CheckReport;
      const f = fn(report, "Fn");
      assert.deepEqual(f.summary, { internet: "reachable" });
      assert.deepEqual(internet(f, "Network/Private").egress, [{ via: "Network/Nat", publicIp: null, eip: "Network/Eip" }]);
      const t = await runCli(["trace", dir, "--function", "Fn", "--format", "json"]);
      assert.equal(t.code, 0, t.stderr);
      assert.equal((JSON.parse(t.stdout) as { traces: { verdict: string }[] }).traces[0]?.verdict, "reachable");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("cli: check VPC APP --stack-name, trace across them, and usage errors", async () => {
    const vpc = "test/fixtures-multi/nat-gateway/vpc.yaml";
    const app = "test/fixtures-multi/nat-gateway/app.yaml";
    const r = await runCli(["check", vpc, app, "--stack-name", `./${vpc}=network`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /network\/PrivateSubnetA\s+us-east-1a\s+reachable\s+via network\/NatGateway \(EIP network\/NatEip\)/);
    assert.match(r.stdout, /egress IPs to allowlist: network\/NatEip/);
    const t = await runCli(["trace", vpc, app, "--stack-name", `${vpc}=network`, "--function", "ApiClientFunction", "--format", "json"]);
    assert.equal(t.code, 0, t.stderr);
    assert.deepEqual(
      (JSON.parse(t.stdout) as { traces: { subnet: string; verdict: string }[] }).traces.map((x) => [x.subnet, x.verdict]),
      [
        ["network/PrivateSubnetA", "reachable"],
        ["network/PrivateSubnetB", "reachable"],
      ],
    );
    const bad = await runCli(["check", app, "--stack-name", "nope.yaml=network"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--stack-name nope\.yaml=network: nope\.yaml is not one of the templates given/);
    const badName = await runCli(["check", vpc, "--stack-name", `${vpc}=1net`]);
    assert.equal(badName.code, 2);
    assert.match(badName.stderr, /"1net" is not a stack name/);
    for (const command of [
      ["check", app],
      ["cost", app],
      ["emulate", "--plan", app, "--function", "ApiClientFunction"],
    ]) {
      const badImport = await runCli([...command, "--import", "subnet-0abc"]);
      assert.equal(badImport.code, 2, command.join(" "));
      assert.match(badImport.stderr, /--import subnet-0abc: use NAME=VALUE/);
    }
    // cost (one template) takes --import too, and says when a name is imported nowhere.
    const cost = await runCli(["cost", app, "--import", "network-PrivateSubnetC=subnet-0abc"]);
    assert.equal(cost.code, 0, cost.stderr);
    assert.match(
      cost.stderr,
      /^lambda-egress: warning: --import network-PrivateSubnetC: no template given imports network-PrivateSubnetC, so it changes nothing/,
    );
  });
});
