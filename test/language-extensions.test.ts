// Transforms: AWS::LanguageExtensions (Fn::ForEach expanded as CloudFormation does), transforms
// and macros the tool does not know (reported, and every verdict left undecided).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import type { Model } from "../src/model/model.ts";
import { runCli } from "./support/cli-helpers.ts";
import { checkYaml, FIXTURES } from "./support/helpers.ts";

const FOREACH = join(FIXTURES, "language-extensions-foreach", "template.yaml");
const SEED000 = readFileSync(join(FIXTURES, "single-nat-public-and-private", "template.yaml"), "utf8");

const load = (yaml: string, params: Record<string, string> = {}): Model => loadCloudFormation("t.yaml", yaml, { params });
const codes = (m: Model) => m.diagnostics.map((d) => `${d.severity} ${d.code}`);
const ids = (m: Model, kind: "subnet" | "nat-gateway" | "route-table") =>
  m
    .all(kind)
    .map((e) => e.id)
    .filter((id) => !id.includes("."))
    .sort();

/** A file in a fresh temporary directory, for the CLI. */
function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "lambda-egress-le-")), name);
  writeFileSync(path, text);
  return path;
}

const VPC = `  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
`;

describe("AWS::LanguageExtensions: Fn::ForEach", () => {
  it("expands nested loops over a CommaDelimitedList parameter and a list, before SAM (Transform as a list)", () => {
    const m = loadCloudFormation(FOREACH, readFileSync(FOREACH, "utf8"));
    assert.deepEqual(codes(m), []);
    assert.deepEqual(m.undecided, []);
    assert.deepEqual(ids(m, "subnet"), ["PrivateSubnetA", "PrivateSubnetB", "PublicSubnetA", "PublicSubnetB"]);
    assert.deepEqual(ids(m, "nat-gateway"), ["NatA", "NatB"]);
    const b = m.get("subnet", "PrivateSubnetB");
    assert.equal((b?.cidr as { text: string }).text, "10.0.2.0/24", "Fn::FindInMap keyed by the loop identifiers");
    assert.equal(b?.az, "us-east-1b");
    assert.equal(b?.routeTableId, "PrivateRouteTableB");
    // The SAM function got its generated role, and its subnets are the generated ones.
    const fn = m.functions()[0];
    assert.deepEqual(fn?.vpcConfig?.subnetIds, ["PrivateSubnetA", "PrivateSubnetB"]);
  });

  it("a generated resource's origin and diagnostics point into the loop", () => {
    const text = readFileSync(FOREACH, "utf8");
    const lines = text.split("\n");
    const m = loadCloudFormation(FOREACH, text);
    const nat = m.get("nat-gateway", "NatB");
    assert.equal(lines[(nat?.origin.line ?? 0) - 1]?.trim(), "Type: AWS::EC2::NatGateway");
    // An invalid value inside the loop is reported at its line in the loop, once per generated resource.
    const bad = loadCloudFormation(
      FOREACH,
      text.replace("DestinationCidrBlock: 0.0.0.0/0\n          NatGatewayId", "DestinationCidrBlock: 0.0.0.0\n          NatGatewayId"),
    );
    const diags = bad.diagnostics.filter((d) => d.code === "LOAD_INVALID_VALUE");
    assert.deepEqual(
      diags.map((d) => d.resource),
      ["PrivateDefaultRouteA", "PrivateDefaultRouteB"],
    );
    for (const d of diags) {
      assert.equal(lines[(d.location.line ?? 0) - 1]?.trim(), "DestinationCidrBlock: 0.0.0.0/0", `${d.resource} at its key in the loop`);
      assert.match(d.fix ?? "", /0\.0\.0\.0\/32/);
    }
  });

  it("&{Identifier} keeps only alphanumerics, Ref to the identifier is the item, JSON works too", () => {
    const template = {
      AWSTemplateFormatVersion: "2010-09-09",
      Transform: "AWS::LanguageExtensions",
      Resources: {
        Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.0.0.0/16" } },
        "Fn::ForEach::Subnets": [
          "Cidr",
          ["10.0.1.0/24", "10.0.2.0/24"],
          { "Subnet&{Cidr}": { Type: "AWS::EC2::Subnet", Properties: { VpcId: { Ref: "Vpc" }, CidrBlock: { Ref: "Cidr" } } } },
        ],
      },
    };
    const m = loadCloudFormation("t.json", JSON.stringify(template, null, 2));
    assert.deepEqual(codes(m), []);
    assert.deepEqual(
      m.all("subnet").map((s) => [s.id, (s.cidr as { text: string }).text]),
      [
        ["Subnet1001024", "10.0.1.0/24"],
        ["Subnet1002024", "10.0.2.0/24"],
      ],
    );
    // Positions: the JSON loop key.
    assert.equal(m.get("subnet", "Subnet1002024")?.origin.line, 11);
  });

  it("loops in Conditions and Outputs; ${Identifier} in Fn::Sub and in Fn::Equals", () => {
    const m = load(`Transform: AWS::LanguageExtensions
Parameters:
  Stage:
    Type: String
    Default: prod
Conditions:
  Fn::ForEach::Stages:
    - Env
    - [Prod, Dev]
    - Is\${Env}: !Equals [!Ref Stage, !Sub '\${Env}']
Resources:
${VPC}  ProdSubnet:
    Type: AWS::EC2::Subnet
    Condition: IsProd
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24 }
  DevSubnet:
    Type: AWS::EC2::Subnet
    Condition: IsDev
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24 }
Outputs:
  Fn::ForEach::Ids:
    - Env
    - [Prod]
    - \${Env}SubnetId:
        Value: !Ref ProdSubnet
`);
    // Conditions compare the parameter to the item's name: "prod" != "Prod", so neither subnet exists...
    assert.deepEqual(ids(m, "subnet"), []);
    const m2 = load(
      `Transform: AWS::LanguageExtensions
Parameters:
  Stage: { Type: String, Default: Dev }
Conditions:
  Fn::ForEach::Stages:
    - Env
    - [Prod, Dev]
    - Is\${Env}: !Equals [!Ref Stage, '\${Env}']
Resources:
${VPC}  DevSubnet:
    Type: AWS::EC2::Subnet
    Condition: IsDev
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24 }
  ProdSubnet:
    Type: AWS::EC2::Subnet
    Condition: IsProd
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24 }
`,
    );
    // ...and with Dev, only DevSubnet: the generated conditions are evaluated.
    assert.deepEqual(codes(m2), []);
    assert.deepEqual(ids(m2, "subnet"), ["DevSubnet"]);
    assert.deepEqual(codes(m), []);
  });

  it("a collection without a value: not expanded, a warning at the loop, the model undecided; --param expands it", () => {
    const text = readFileSync(FOREACH, "utf8").replace('    Default: "A,B"\n', "");
    const m = loadCloudFormation(FOREACH, text);
    assert.deepEqual(codes(m), ["warning LOAD_FOREACH_UNRESOLVED"], "no Ref-not-found error for the names the loop would generate");
    const d = m.diagnostics[0];
    assert.equal(text.split("\n")[(d?.location.line ?? 0) - 1]?.trim(), "Fn::ForEach::Zones:");
    assert.match(d?.fix ?? "", /--param/);
    assert.equal(m.undecided.length, 1);
    assert.match(m.undecided[0]?.reason ?? "", /Fn::ForEach::Zones is not expanded \(parameter Azs has no default/);
    const report = checkYaml(text);
    assert.deepEqual(report.functions[0]?.summary, { internet: "unknown" });
    const given = loadCloudFormation(FOREACH, text, { params: { Azs: "A,B" } });
    assert.deepEqual(codes(given), []);
    assert.deepEqual(ids(given, "nat-gateway"), ["NatA", "NatB"]);
  });

  it("a loop generating a key twice, or a key already written: an error (CloudFormation rejects it)", () => {
    const m = load(`Transform: AWS::LanguageExtensions
Resources:
${VPC}  Fn::ForEach::Same:
    - X
    - [a, b]
    - Subnet:
        Type: AWS::EC2::Subnet
        Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24 }
`);
    assert.deepEqual(codes(m), ["error LOAD_FOREACH_DUPLICATE"]);
    assert.equal(m.diagnostics[0]?.location.line, 7);
    assert.match(m.undecided[0]?.reason ?? "", /rejected by AWS/);
  });

  it("Fn::ForEach, Fn::Length or a FindInMap DefaultValue without the transform: an error, read as if declared", () => {
    const loop = load(`Resources:
${VPC}  Fn::ForEach::Subnets:
    - N
    - ['1']
    - Subnet\${N}:
        Type: AWS::EC2::Subnet
        Properties: { VpcId: !Ref Vpc, CidrBlock: !Sub '10.0.\${N}.0/24' }
`);
    assert.deepEqual(codes(loop), ["error LOAD_TRANSFORM_MISSING"]);
    assert.equal(loop.diagnostics[0]?.location.line, 6);
    assert.match(loop.diagnostics[0]?.fix ?? "", /Transform: AWS::LanguageExtensions/);
    assert.deepEqual(ids(loop, "subnet"), ["Subnet1"]);
    const length = load(`Mappings:
  M: { a: { b: x } }
Resources:
${VPC}  S:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !FindInMap [M, z, b, { DefaultValue: 10.0.3.0/24 }]
`);
    assert.deepEqual(codes(length), ["error LOAD_TRANSFORM_MISSING"]);
    assert.equal((length.get("subnet", "S")?.cidr as { text: string }).text, "10.0.3.0/24");
    const declared = load(
      `Transform: AWS::LanguageExtensions\nParameters:\n  L: { Type: CommaDelimitedList, Default: 'a,b,c' }\nResources:\n${VPC}  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: !Sub ['10.0.\${N}.0/24', { N: !Length { Ref: L } }]\n`,
    );
    assert.deepEqual(codes(declared), []);
    assert.equal((declared.get("subnet", "S")?.cidr as { text: string }).text, "10.0.3.0/24");
  });
});

describe("transforms and macros the tool does not know", () => {
  const withTransform = (t: string) =>
    SEED000.replace("AWSTemplateFormatVersion: '2010-09-09'\n", `AWSTemplateFormatVersion: '2010-09-09'\nTransform: ${t}\n`);

  it("an unknown Transform (string or in a list): a warning naming it; a reachable road becomes unknown with the reason", () => {
    for (const t of ["MyCompany::Macro", "[AWS::Serverless-2016-10-31, MyCompany::Macro]"]) {
      const text = withTransform(t);
      const m = load(text);
      assert.deepEqual(codes(m), ["warning LOAD_UNKNOWN_TRANSFORM"], t);
      const d = m.diagnostics[0];
      assert.match(d?.message ?? "", /Transform MyCompany::Macro is not expanded/);
      assert.equal(d?.location.line, 2);
      assert.match(d?.fix ?? "", /Processed/);
      assert.deepEqual(
        m.undecided.map((u) => u.reason),
        ["the template uses the transform MyCompany::Macro, which is not expanded"],
      );
      const r = checkYaml(text).functions.find((f) => f.id === "ApiClientFunction");
      assert.equal(r?.summary.internet, "unknown");
      assert.match(r?.subnets[0]?.destinations[0]?.reason ?? "", /the transform MyCompany::Macro, which is not expanded/);
    }
    // The two transforms the tool knows are not reported.
    assert.deepEqual(codes(load(withTransform("[AWS::LanguageExtensions, AWS::Serverless-2016-10-31]"))), []);
  });

  it("Fn::Transform (AWS::Include) where the model reads: undecided; in a resource it does not read: only reported", () => {
    const inFunction = SEED000.replace(
      "      Timeout: 10\n",
      "      Timeout: 10\n      Environment:\n        Fn::Transform:\n          Name: AWS::Include\n          Parameters: { Location: s3://bucket/env.yaml }\n",
    );
    const m = load(inFunction);
    assert.deepEqual(codes(m), ["warning LOAD_UNKNOWN_TRANSFORM"]);
    assert.match(m.undecided[0]?.reason ?? "", /Fn::Transform AWS::Include, which is not expanded/);
    const api = `${SEED000.replace("AWSTemplateFormatVersion: '2010-09-09'\n", "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n")}
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters: { Location: ./open-api.yaml }
`;
    const a = load(api);
    assert.deepEqual(codes(a), ["warning LOAD_UNKNOWN_TRANSFORM"]);
    assert.match(a.diagnostics[0]?.message ?? "", /only a property of Api \(AWS::Serverless::Api\), which the network model does not read/);
    assert.deepEqual(a.undecided, []);
    // Among the resources: reported as a macro, not as a resource without Type.
    const top = load(`${SEED000}\n  Fn::Transform:\n    Name: AWS::Include\n    Parameters: { Location: s3://bucket/more.yaml }\n`);
    assert.deepEqual(codes(top), ["warning LOAD_UNKNOWN_TRANSFORM"]);
    assert.equal(top.undecided.length, 1);
  });

  it("CLI: exit 0 by default, 1 with --fail-on unknown or error,unknown, 0 with --fail-on none", async () => {
    const file = tempFile("template.yaml", withTransform("MyCompany::Macro").replace(/PublicSubnetFunction:[\s\S]*$/, ""));
    const plain = await runCli(["check", file]);
    assert.equal(plain.code, 0, plain.stdout);
    assert.match(plain.stdout, /warning {2}LOAD_UNKNOWN_TRANSFORM .*Transform MyCompany::Macro is not expanded/);
    assert.equal((await runCli(["check", file, "--fail-on", "unknown"])).code, 1);
    assert.equal((await runCli(["check", file, "--fail-on", "error,unknown"])).code, 1);
    assert.equal((await runCli(["check", file, "--fail-on", "none"])).code, 0);
    const bad = await runCli(["check", file, "--fail-on", "error,warning"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--fail-on error,warning: use one level/);
  });
});
