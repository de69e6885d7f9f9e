import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadCloudFormation } from "../src/load/cfn/index.ts";

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
