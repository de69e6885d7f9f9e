import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import type { Value } from "../src/load/cfn/intrinsics.ts";
import { mayBeAbsent, NO_VALUE, Resolver } from "../src/load/cfn/intrinsics.ts";
import { parseTemplateText } from "../src/load/cfn/parse.ts";

const vpc = (cidr: string) => `Resources:\n  V:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: ${cidr}\n`;
function subnet(extra: string, params = "", opts = {}) {
  const m = loadCloudFormation(
    "t.yaml",
    `${params}${vpc("10.0.0.0/16")}  S:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref V\n${extra}`,
    opts,
  );
  const s = m.get("subnet", "S");
  assert.ok(s);
  return { s, m };
}

describe("intrinsics", () => {
  it("Fn::Select over Fn::Cidr over Fn::GetAtt VPC.CidrBlock", () => {
    const { s } = subnet("      CidrBlock: !Select [2, !Cidr [!GetAtt V.CidrBlock, 4, 8]]\n");
    assert.equal((s.cidr as { text: string }).text, "10.0.2.0/24");
  });
  it("Fn::Sub with pseudo parameters and a region option; Fn::GetAZs", () => {
    const { s } = subnet("      CidrBlock: 10.0.0.0/24\n      AvailabilityZone: !Select [1, !GetAZs '']\n", "", {
      region: "ap-northeast-1",
    });
    assert.equal(s.az, "ap-northeast-1c");
    const { s: s2 } = subnet("      CidrBlock: 10.0.0.0/24\n      AvailabilityZone: !Sub '${AWS::Region}b'\n");
    assert.equal(s2.az, "us-east-1b");
  });
  it("parameters: default, --param override, list parameters, Fn::If with conditions", () => {
    const params =
      "Parameters:\n  Third:\n    Type: String\n    Default: '2'\n  Env:\n    Type: String\n    Default: prod\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\n";
    const extra = "      CidrBlock: !If [IsProd, !Sub '10.0.${Third}.0/24', 10.0.9.0/24]\n";
    assert.equal((subnet(extra, params).s.cidr as { text: string }).text, "10.0.2.0/24");
    assert.equal((subnet(extra, params, { params: { Env: "dev" } }).s.cidr as { text: string }).text, "10.0.9.0/24");
    assert.equal((subnet(extra, params, { params: { Third: "7" } }).s.cidr as { text: string }).text, "10.0.7.0/24");
  });
  it("Fn::Join, Fn::Split, Fn::FindInMap", () => {
    const params = "Mappings:\n  Net:\n    us-east-1:\n      Cidr: 10.0.4.0/24\n";
    assert.equal(
      (subnet("      CidrBlock: !FindInMap [Net, !Ref AWS::Region, Cidr]\n", params).s.cidr as { text: string }).text,
      "10.0.4.0/24",
    );
    const j = subnet("      CidrBlock: !Join ['/', [!Select [0, !Split [',', '10.0.5.0,x']], '24']]\n");
    assert.equal((j.s.cidr as { text: string }).text, "10.0.5.0/24");
  });
  it("a parameter without default is unknown, with the reason", () => {
    const { s } = subnet("      CidrBlock: !Ref Block\n", "Parameters:\n  Block:\n    Type: String\n");
    assert.deepEqual(s.cidr, { unknown: true, reason: "parameter Block has no default; pass --param Block=VALUE" });
  });
  it("Fn::ImportValue is unknown and says so", () => {
    const { s } = subnet("      CidrBlock: !ImportValue net-cidr\n");
    assert.match((s.cidr as { reason: string }).reason, /imported from another stack \(export net-cidr\)/);
  });
  it("JSON long forms and positions", () => {
    const m = loadCloudFormation(
      "t.json",
      JSON.stringify(
        { Resources: { V: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: { "Fn::Join": ["", ["10.1", ".0.0/16"]] } } } } },
        null,
        2,
      ),
    );
    const v = m.get("vpc", "V");
    assert.equal((v?.cidrs[0] as { text: string }).text, "10.1.0.0/16");
    assert.equal(v?.origin.line, 3);
  });
  it("implicit defaults are materialised and marked", () => {
    const { s, m } = subnet("      CidrBlock: 10.0.0.0/24\n");
    assert.equal(s.routeTableIsMain, true);
    const rt = m.routeTableFor(s);
    assert.equal(rt?.origin.isDefault, true);
    assert.deepEqual(
      rt?.routes.map((r) => r.target.kind),
      ["local"],
    );
    assert.equal(m.networkAclFor(s)?.isDefault, true);
  });
});

/** A network of two subnets, a role and a parameter-driven condition, for value-level checks. */
const NETWORK = `Parameters:
  Open:
    Type: String
  Env:
    Type: String
    Default: prod
  Count:
    Type: String
    Default: "3"
  Bits:
    Type: Number
    Default: 8
  Zones:
    Type: CommaDelimitedList
    Default: "a, b"
Conditions:
  IsOpen: !Equals [!Ref Open, "yes"]
  IsProd: !Equals [!Ref Env, prod]
  Loop: !Not [{Condition: Loop}]
Mappings:
  Net:
    prod:
      Cidr: 10.1.0.0/16
      "1": one
    dev:
      Cidr: 10.2.0.0/16
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  A:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
  B:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.2.0/24
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
`;

/** The value of `expr` (YAML, short forms) in NETWORK, with the diagnostics it gave. */
function value(expr: string, options: { region?: string; params?: Record<string, string> } = {}): { v: Value; codes: string[] } {
  const parsed = parseTemplateText("t.yaml", `${NETWORK}Outputs:\n  X:\n    Value: ${expr}\n`);
  const template = parsed.value as { Outputs: { X: { Value: unknown } } };
  const r = new Resolver(parsed, template as unknown as Record<string, unknown>, {
    region: options.region ?? "us-east-1",
    params: options.params ?? {},
  });
  const v = r.resolve(template.Outputs.X.Value, {});
  return { v, codes: r.diagnostics.map((d) => `${d.severity} ${d.code}`) };
}

const reasonOf = (v: Value) => (v as { unknown: true; reason: string }).reason;

describe("intrinsics: strings that hold resource ids", () => {
  it("Fn::Split over Fn::Sub with a map of Refs gives the references (a SubnetIds list)", () => {
    const { v, codes } = value(`!Split [",", !Sub ["\${X},\${Y}", {X: !Ref A, Y: !Ref B}]]`);
    assert.deepEqual(v, [{ $ref: "A" }, { $ref: "B" }]);
    assert.deepEqual(codes, []);
  });
  it("Fn::Select of Fn::Split of Fn::Join of Refs and Fn::GetAtt ids", () => {
    assert.deepEqual(value(`!Select [1, !Split [";", !Join [";", [!Ref A, !GetAtt B.SubnetId]]]]`).v, { $ref: "B" });
    assert.deepEqual(value(`!Split [", ", !Sub "\${A}, \${B}"]`).v, [{ $ref: "A" }, { $ref: "B" }]);
  });
  it("Fn::Sub of one reference and nothing else is that reference", () => {
    assert.deepEqual(value(`!Sub "\${A}"`).v, { $ref: "A" });
  });
  it("an element that mixes an id with text is unknown; the other elements stay known", () => {
    const { v } = value(`!Split [",", !Sub "x-\${A},\${B},tail"]`);
    assert.ok(Array.isArray(v) && v.length === 3, JSON.stringify(v));
    assert.match(reasonOf(v[0] as Value), /^A is known only at deploy time/);
    assert.deepEqual(v.slice(1), [{ $ref: "B" }, "tail"]);
    // A string that stays partly known is handed out as unknown with the first reason.
    assert.equal(reasonOf(value(`!Join ["", ["subnet:", !Ref A]]`).v), "Fn::Join over A, known only at deploy time");
  });
  it("a delimiter an id may hold is not split: unknown, with the reason", () => {
    const dash = value(`!Split ["-", !Sub "\${A}-\${B}"]`).v;
    assert.match(reasonOf(dash), /Fn::Split of a string holding A, whose value is known only at deploy time and may hold "-"/);
    // An IAM role's name may hold a comma.
    const role = value(`!Split [",", !Join [",", [!Ref Role, !Ref A]]]`).v;
    assert.match(reasonOf(role), /holding Role/);
  });
  it("a part the parameters leave open keeps the whole split unknown, with the parameter's reason", () => {
    const { v } = value(`!Split [",", !Sub "\${A},\${Open}"]`);
    assert.equal(reasonOf(v), "parameter Open has no default; pass --param Open=VALUE");
  });
});

describe("intrinsics: lists, conditions and AWS::NoValue", () => {
  it("AWS::NoValue removes a list element; under an open condition the element may be absent, so later indexes and the length are unknown", () => {
    assert.deepEqual(value(`[a, !If [IsProd, !Ref "AWS::NoValue", b], c]`).v, ["a", "c"]);
    assert.equal(value(`!Join [",", [a, !Ref "AWS::NoValue", c]]`).v, "a,c");
    const list = `[!Ref A, !If [IsOpen, !Ref B, !Ref "AWS::NoValue"], tail]`;
    const { v } = value(list);
    assert.ok(Array.isArray(v) && v.length === 3);
    assert.deepEqual(v[0], { $ref: "A" });
    assert.ok(mayBeAbsent(v[1] as Value));
    assert.deepEqual(value(`!Select [0, ${list}]`).v, { $ref: "A" });
    assert.match(reasonOf(value(`!Select [2, ${list}]`).v), /length is not known: depends on condition IsOpen/);
    assert.match(reasonOf(value(`!Length ${list}`).v), /depends on condition IsOpen/);
    // Out of range whatever the condition decides: a template AWS rejects.
    assert.deepEqual(value(`!Select [3, ${list}]`).codes, ["error LOAD_BAD_INTRINSIC"]);
  });
  it("an open condition whose sides give the same value gives that value", () => {
    assert.deepEqual(value(`!If [IsOpen, !Ref A, !Sub "\${A}"]`).v, { $ref: "A" });
    assert.match(reasonOf(value(`!If [IsOpen, !Ref A, !Ref B]`).v), /depends on condition IsOpen/);
    assert.equal(value(`!If [IsOpen, !Ref "AWS::NoValue", !Ref "AWS::NoValue"]`).v, NO_VALUE);
    // The sides are compared, not reported: CloudFormation may never evaluate them.
    assert.deepEqual(value(`!If [IsOpen, !Select [5, [a]], b]`).codes, []);
    // A problem met there first is still reported where it is evaluated for real.
    assert.deepEqual(value(`[!If [IsOpen, !If [Loop, a, b], c], !If [Loop, a, b]]`).codes, ["error LOAD_CYCLE"]);
  });
});

describe("intrinsics: Fn::Cidr, Fn::GetAZs, Fn::FindInMap, Fn::Sub, Fn::Base64", () => {
  it("Fn::Cidr with count and bits from parameters; an unknown count is unknown, not an error", () => {
    assert.deepEqual(value(`!Cidr [!GetAtt Vpc.CidrBlock, !Ref Count, !Ref Bits]`).v, ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"]);
    const open = value(`!Cidr [10.0.0.0/16, !Ref Open, 8]`);
    assert.equal(reasonOf(open.v), "parameter Open has no default; pass --param Open=VALUE");
    assert.deepEqual(open.codes, []);
    assert.deepEqual(value(`!Cidr [10.0.0.0/16, many, 8]`).codes, ["error LOAD_BAD_INTRINSIC"]);
    assert.deepEqual(value(`!Cidr ["2001:db8::/56", 2, 64]`).v, ["2001:db8::/64", "2001:db8:0:1::/64"]);
  });
  it("Fn::GetAZs: the stack's region, a named region, and no guess for a region the tool does not know", () => {
    assert.deepEqual(value(`!GetAZs ""`, { region: "eu-west-1" }).v, ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    assert.deepEqual(value(`!GetAZs ca-central-1`).v, ["ca-central-1a", "ca-central-1b", "ca-central-1d"]);
    assert.deepEqual(value(`!GetAZs {Ref: "AWS::Region"}`, { region: "ap-northeast-1" }).v, [
      "ap-northeast-1a",
      "ap-northeast-1c",
      "ap-northeast-1d",
    ]);
    assert.match(
      reasonOf(value(`!Select [0, !GetAZs ""]`, { region: "xx-nowhere-9" }).v),
      /Availability Zones .* xx-nowhere-9 are not known/,
    );
  });
  it("Fn::FindInMap with keys computed from parameters, numeric keys, and DefaultValue", () => {
    assert.equal(value(`!FindInMap [Net, !Ref Env, Cidr]`).v, "10.1.0.0/16");
    assert.equal(value(`!FindInMap [Net, !Select [0, [prod]], 1]`).v, "one");
    assert.equal(value(`!FindInMap [Net, !Ref Env, Cidr]`, { params: { Env: "dev" } }).v, "10.2.0.0/16");
    assert.equal(value(`!FindInMap [Net, test, Cidr, {DefaultValue: 10.9.0.0/16}]`).v, "10.9.0.0/16");
    assert.match(reasonOf(value(`!FindInMap [Net, !Ref Open, Cidr]`).v), /parameter Open has no default/);
    assert.deepEqual(value(`!FindInMap [Net, constructor, Cidr]`).codes, ["error LOAD_BAD_INTRINSIC"]);
  });
  it("Fn::Sub: \${!Literal}, list parameters, and Fn::Base64 of a known string", () => {
    assert.equal(value(`!Sub "\${!Env}-\${Env}"`).v, "${Env}-prod");
    assert.deepEqual(value(`!Select [1, !Ref Zones]`).v, "b");
    assert.equal(value(`!Base64 "hi \${Env}"`).v, Buffer.from("hi ${Env}").toString("base64"));
    assert.equal(value(`!Base64 {"Fn::Sub": "hi \${Env}"}`).v, Buffer.from("hi prod").toString("base64"));
  });
});
