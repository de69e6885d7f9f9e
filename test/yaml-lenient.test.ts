// YAML that CloudFormation accepts (its loader, like cfn-lint's, is built on PyYAML) and a strict YAML 1.2 reader
// refuses: flow collections and quoted strings continued on lines indented no deeper than their key are read as
// PyYAML reads them, with a LOAD_YAML_LENIENT warning at the first such line. Everything PyYAML refuses stays an
// error. Duplicate keys, in YAML and JSON alike, are LOAD_DUPLICATE_KEY warnings and the last value is the one read.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { CheckReport } from "../src/check.ts";
import { checkTemplate } from "../src/check.ts";
import { parseTemplateText } from "../src/load/cfn/parse.ts";
import { LoadError } from "../src/load/errors.ts";
import { FIXTURES } from "./support/helpers.ts";

/** The parsed value and each warning as `CODE line:column`. */
function read(text: string, file = "t.yaml"): { value: unknown; warnings: string[] } {
  const parsed = parseTemplateText(file, text);
  return { value: parsed.value, warnings: parsed.warnings.map((w) => `${w.code} ${w.line}:${w.column}`) };
}

/** The LoadError reading this text ends with: `CODE line:column`. */
function refused(text: string, file = "t.yaml"): string {
  try {
    parseTemplateText(file, text);
  } catch (e) {
    assert.ok(e instanceof LoadError, String(e));
    return `${e.code} ${e.location.line}:${e.location.column}`;
  }
  assert.fail("read without an error");
}

const LENIENT = "LOAD_YAML_LENIENT";

describe("YAML that CloudFormation reads and YAML 1.2 refuses (LOAD_YAML_LENIENT)", () => {
  it("a flow mapping continued on a line indented less than its key", () => {
    const text = "Resources:\n  Fn:\n    Properties:\n      VpcConfig: { SubnetIds: [a, b],\n    SecurityGroupIds: [c] }\n";
    assert.deepEqual(read(text), {
      value: { Resources: { Fn: { Properties: { VpcConfig: { SubnetIds: ["a", "b"], SecurityGroupIds: ["c"] } } } } },
      warnings: [`${LENIENT} 5:5`],
    });
  });

  it("a flow mapping continued at column 0, and one whose entries start on the next line", () => {
    assert.deepEqual(read("A:\n  B: { C: 1,\nD: 2 }\n"), { value: { A: { B: { C: 1, D: 2 } } }, warnings: [`${LENIENT} 3:1`] });
    assert.deepEqual(read("A:\n  B: {\n C: 1, D: 2\n  }\n"), { value: { A: { B: { C: 1, D: 2 } } }, warnings: [`${LENIENT} 3:2`] });
  });

  it("a flow sequence continued less indented, at column 0, and closed at column 0", () => {
    assert.deepEqual(read("A:\n  B: [a,\n b]\n"), { value: { A: { B: ["a", "b"] } }, warnings: [`${LENIENT} 3:2`] });
    assert.deepEqual(read("A:\n  B: [a,\nb]\n"), { value: { A: { B: ["a", "b"] } }, warnings: [`${LENIENT} 3:1`] });
    assert.deepEqual(read("A:\n  B: [a,\n  b\n]\nC: 1\n"), { value: { A: { B: ["a", "b"] }, C: 1 }, warnings: [`${LENIENT} 3:3`] });
  });

  it("a flow collection in a block sequence item, and one nested in another", () => {
    assert.deepEqual(read("A:\n  - {a: 1,\n  b: 2}\n  - c\n"), { value: { A: [{ a: 1, b: 2 }, "c"] }, warnings: [`${LENIENT} 3:3`] });
    assert.deepEqual(read("A:\n  B: {C: [x,\n y], D: {E: 1,\nF: 2}}\n"), {
      value: { A: { B: { C: ["x", "y"], D: { E: 1, F: 2 } } } },
      warnings: [`${LENIENT} 3:2`],
    });
  });

  it("a plain scalar over several lines in a dedented flow sequence is folded as PyYAML folds it", () => {
    assert.deepEqual(read("A:\n  B: [ foo\n bar, baz ]\n"), { value: { A: { B: ["foo bar", "baz"] } }, warnings: [`${LENIENT} 3:2`] });
  });

  it("quoted strings continued less indented, single and double quoted", () => {
    assert.deepEqual(read("A:\n  B: 'foo\n bar'\n"), { value: { A: { B: "foo bar" } }, warnings: [`${LENIENT} 3:2`] });
    assert.deepEqual(read('A:\n  B: "foo\nbar \\"baz\\""\n'), { value: { A: { B: 'foo bar "baz"' } }, warnings: [`${LENIENT} 3:1`] });
  });

  it("short-form tags inside a dedented flow collection keep their meaning", () => {
    const text = "A:\n  B: { Ref: !Ref X, C: !GetAtt X.Y,\n D: [!Sub '${X}', !If [C, !Ref Y, !Ref AWS::NoValue]] }\n";
    assert.deepEqual(read(text), {
      value: {
        A: {
          B: {
            Ref: { Ref: "X" },
            C: { "Fn::GetAtt": ["X", "Y"] },
            D: [{ "Fn::Sub": "${X}" }, { "Fn::If": ["C", { Ref: "Y" }, { Ref: "AWS::NoValue" }] }],
          },
        },
      },
      warnings: [`${LENIENT} 3:2`],
    });
  });

  it("CRLF line ends and a BOM do not move the warning", () => {
    const text = "\uFEFFA:\r\n  B: [a,\r\n b]\r\n";
    assert.deepEqual(read(text), { value: { A: { B: ["a", "b"] } }, warnings: [`${LENIENT} 3:2`] });
  });

  it("one warning, at the first such line, when several collections are dedented", () => {
    assert.deepEqual(read("A:\n  B: [a,\n b]\nC:\n  D: [c,\n d]\n"), {
      value: { A: { B: ["a", "b"] }, C: { D: ["c", "d"] } },
      warnings: [`${LENIENT} 3:2`],
    });
  });
});

describe("the rest of what PyYAML reads is read alike, without a warning", () => {
  // With the dedented flow sequence beside them, each is read by the lenient read too (and read the same).
  const plain: [string, string, unknown][] = [
    ["a key with spaces before its colon", "A   : 1\nB : 2\n", { A: 1, B: 2 }],
    ["`? ` complex keys", "? A\n: 1\n? B\n: [x]\n", { A: 1, B: ["x"] }],
    ["a document ended by `...`", "---\nA: 1\n...\n", { A: 1 }],
    ["a %YAML 1.1 directive", "%YAML 1.1\n---\nA: 1\n", { A: 1 }],
    ["a BOM", "\uFEFFA: 1\n", { A: 1 }],
    ["CRLF line ends", "A:\r\n  B: 1\r\n  C: [a,\r\n   b]\r\n", { A: { B: 1, C: ["a", "b"] } }],
    [
      "tabs between tokens (libyaml, cfn-lint's loader, accepts them)",
      "A:\n  B: x\t\n  C:\ty\t# c\n  D: {\tE: 1,\tF: [a, b\t] }\n",
      { A: { B: "x", C: "y", D: { E: 1, F: ["a", "b"] } } },
    ],
    ["a plain scalar over several lines in a flow sequence, indented", "A: [ foo\n  bar, baz ]\n", { A: ["foo bar", "baz"] }],
    ["a flow sequence closed at its key's indentation", "A:\n  B: [a,\n    b\n  ]\n", { A: { B: ["a", "b"] } }],
    [
      "short-form tags on sequence items and nested in flow",
      "A:\n  - !Ref X\n  - !GetAtt X.Y\n  - !Join ['', [!Ref X, !Sub '${Y}']]\n",
      { A: [{ Ref: "X" }, { "Fn::GetAtt": ["X", "Y"] }, { "Fn::Join": ["", [{ Ref: "X" }, { "Fn::Sub": "${Y}" }]] }] },
    ],
  ];
  it("with no warning, and read the same beside a dedented flow collection (with its warning)", () => {
    for (const [name, text, value] of plain) {
      assert.deepEqual(read(text), { value, warnings: [] }, name);
      if (text.startsWith("%") || text.startsWith("---")) continue; // the document's own start
      const dedented = "Z:\n  Y: [a,\n b]\n";
      const both = read(`${text.replace(/^\uFEFF/, "")}${text.includes("\r") ? dedented.replace(/\n/g, "\r\n") : dedented}`);
      const offset = text.split("\n").length - 1;
      assert.deepEqual(both, { value: { ...(value as object), Z: { Y: ["a", "b"] } }, warnings: [`${LENIENT} ${offset + 3}:2`] }, name);
    }
  });
});

describe("YAML PyYAML refuses stays refused, at the first error, and the hardening holds on the lenient read", () => {
  const bad: [string, string, string][] = [
    ["a block mapping entry indented less than its siblings", "A:\n  B: 1\n C: 2\n", "LOAD_SYNTAX 3:1"],
    ["a flow sequence never closed", "A: [a, b\nB: 1\n", "LOAD_SYNTAX 2:1"],
    ["a flow mapping never closed", "A:\n  B: {a: 1\n  C: 2\n", "LOAD_SYNTAX 3:3"],
    ["a document marker inside a flow sequence", "A:\n  B: [a,\n---\n]\n", "LOAD_SYNTAX 3:1"],
    ["a document end inside a quoted string", 'A:\n  B: "x\n...\n"\n', "LOAD_SYNTAX 2:8"],
    ["a tab as indentation", "A:\n\tB: 1\n", "LOAD_SYNTAX 2:1"],
    ["two documents", "A: 1\n---\nB: 2\n", "LOAD_SYNTAX 2:1"],
  ];
  it(
    "each refused with its first error; nesting depth, alias expansion and errors bounded after a dedented line",
    { timeout: 20_000 },
    () => {
      for (const [name, text, error] of bad) assert.equal(refused(text), error, name);
      // Dedented, so the strict read fails on indentation and the lenient one meets the nesting / the aliases.
      assert.equal(refused(`A:\n  B: [a,\n${"[".repeat(150)}${"]".repeat(150)}]\n`).split(" ")[0], "LOAD_TOO_DEEP");
      const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
      for (let i = 1; i < 9; i++) {
        const prev = String.fromCharCode(96 + i);
        levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${prev}`).join(", ")}]`);
      }
      assert.equal(refused(`${levels.join("\n")}\nz: [*i,\n*i]\n`).split(" ")[0], "LOAD_ALIAS_BOMB");
      // Thousands of errors after a dedented line: both reads stop at their first, and the first one is reported.
      assert.equal(refused(`A:\n  B: [a,\n${"} ] , : - ? [\n".repeat(20_000)}`), "LOAD_SYNTAX 3:1");
    },
  );
});

/** A small network: a function in a private subnet whose route goes to a NAT gateway in a public subnet. */
function network(functionVpcConfig: string): string {
  const template = {
    Resources: {
      Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.0.0.0/16" } },
      Igw: { Type: "AWS::EC2::InternetGateway" },
      Attach: { Type: "AWS::EC2::VPCGatewayAttachment", Properties: { VpcId: { Ref: "Vpc" }, InternetGatewayId: { Ref: "Igw" } } },
      Public: { Type: "AWS::EC2::Subnet", Properties: { VpcId: { Ref: "Vpc" }, CidrBlock: "10.0.0.0/24", AvailabilityZone: "us-east-1a" } },
      PublicRt: { Type: "AWS::EC2::RouteTable", Properties: { VpcId: { Ref: "Vpc" } } },
      PublicRoute: {
        Type: "AWS::EC2::Route",
        DependsOn: "Attach",
        Properties: { RouteTableId: { Ref: "PublicRt" }, DestinationCidrBlock: "0.0.0.0/0", GatewayId: { Ref: "Igw" } },
      },
      PublicAssoc: {
        Type: "AWS::EC2::SubnetRouteTableAssociation",
        Properties: { SubnetId: { Ref: "Public" }, RouteTableId: { Ref: "PublicRt" } },
      },
      Eip: { Type: "AWS::EC2::EIP", Properties: { Domain: "vpc" } },
      Nat: {
        Type: "AWS::EC2::NatGateway",
        Properties: { AllocationId: { "Fn::GetAtt": ["Eip", "AllocationId"] }, SubnetId: { Ref: "Public" } },
      },
      Private: {
        Type: "AWS::EC2::Subnet",
        Properties: { VpcId: { Ref: "Vpc" }, CidrBlock: "10.0.1.0/24", AvailabilityZone: "us-east-1a" },
      },
      PrivateRt: { Type: "AWS::EC2::RouteTable", Properties: { VpcId: { Ref: "Vpc" } } },
      PrivateRoute: {
        Type: "AWS::EC2::Route",
        Properties: { RouteTableId: { Ref: "PrivateRt" }, DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: { Ref: "Nat" } },
      },
      PrivateAssoc: {
        Type: "AWS::EC2::SubnetRouteTableAssociation",
        Properties: { SubnetId: { Ref: "Private" }, RouteTableId: { Ref: "PrivateRt" } },
      },
      Sg: { Type: "AWS::EC2::SecurityGroup", Properties: { GroupDescription: "fn", VpcId: { Ref: "Vpc" } } },
      Fn: {
        Type: "AWS::Lambda::Function",
        Properties: { Runtime: "nodejs22.x", Handler: "index.handler", Role: "arn:aws:iam::123456789012:role/r", VpcConfig: "@VPC@" },
      },
    },
  };
  return JSON.stringify(template, null, 2).replace('"@VPC@"', functionVpcConfig);
}

/** Each function's verdict per subnet for `internet`, and the diagnostics as `CODE line:column`. */
function verdicts(report: CheckReport): { verdicts: Record<string, string>; diagnostics: string[] } {
  const out: Record<string, string> = {};
  for (const f of report.functions) {
    for (const s of f.subnets)
      for (const d of s.destinations) out[`${f.id} ${s.subnet} ${d.to}`] = `${d.verdict}${d.code ? ` ${d.code}` : ""}`;
  }
  return {
    verdicts: out,
    diagnostics: report.diagnostics.map((d) => `${d.code} ${d.location.line ?? "?"}:${d.location.column ?? "?"}`),
  };
}

describe("duplicate keys (LOAD_DUPLICATE_KEY): CloudFormation keeps the last one, and so does the tool", () => {
  it("YAML block mapping: the warning at the second key, the last value read", () => {
    const text = "Resources:\n  A:\n    Type: X\n    Type: Y\n";
    const parsed = parseTemplateText("t.yaml", text);
    assert.deepEqual(parsed.value, { Resources: { A: { Type: "Y" } } });
    assert.deepEqual(
      parsed.warnings.map((w) => [w.code, w.line, w.column, w.message]),
      [["LOAD_DUPLICATE_KEY", 4, 5, 'duplicate key "Type": CloudFormation keeps the last one, and so does lambda-egress']],
    );
    assert.match(parsed.warnings[0]?.fix ?? "", /Remove one of the two entries/);
  });

  it("a top-level section written twice: AWS calls it undefined behavior, the last one is read", () => {
    const message = `duplicate section "Resources": CloudFormation's behavior is undefined (AWS's documentation says not to repeat a section); lambda-egress reads the last one`;
    for (const [file, text, at] of [
      ["t.yaml", "Resources:\n  A: {Type: X}\nResources:\n  B: {Type: Y}\n", [3, 1]],
      ["t.json", '{"Resources": {"A": {"Type": "X"}},\n "Resources": {"B": {"Type": "Y"}}}', [2, 2]],
    ] as const) {
      const parsed = parseTemplateText(file, text);
      assert.deepEqual(parsed.value, { Resources: { B: { Type: "Y" } } }, file);
      assert.deepEqual(
        parsed.warnings.map((w) => [w.code, w.line, w.column, w.message]),
        [["LOAD_DUPLICATE_KEY", ...at, message]],
        file,
      );
    }
  });

  it("YAML flow mapping and JSON object alike", () => {
    assert.deepEqual(read("A: {B: 1, C: 2, B: 3}\n"), { value: { A: { B: 3, C: 2 } }, warnings: ["LOAD_DUPLICATE_KEY 1:17"] });
    assert.deepEqual(read('{\n  "A": {"B": 1, "C": 2,\n    "B": 3}\n}\n', "t.json"), {
      value: { A: { B: 3, C: 2 } },
      warnings: ["LOAD_DUPLICATE_KEY 3:5"],
    });
  });

  it("JSON: every repeated key at any depth, keys written with escapes compared by their text, no warning without one", () => {
    const text = '{"Resources": {\n"A": {"Type": "X", "P": {"k": 1, "k\\u0020": 2, "\\u006b": 3}},\n"A": {"Type": "Y"}}}';
    assert.deepEqual(read(text, "t.json"), {
      value: { Resources: { A: { Type: "Y" } } },
      warnings: ["LOAD_DUPLICATE_KEY 2:48", "LOAD_DUPLICATE_KEY 3:1"],
    });
    assert.deepEqual(read('{"Resources": {"A": {"__proto__": 1, "B": [{"k": ":"}, {"k": "\\""}]}}}', "t.json").warnings, []);
    // An object of many keys (past the first few compared as text), keys of the same length, and an escaped key
    // after plain ones: each repeat found, nothing else.
    const many = Array.from({ length: 40 }, (_, i) => `"k${String(i).padStart(2, "0")}": ${i}`).join(", ");
    assert.deepEqual(read(`{"A": {${many}, "k07": 99}}`, "t.json").warnings.length, 1);
    assert.deepEqual(read(`{"A": {${many}}}`, "t.json").warnings, []);
    assert.deepEqual(read('{"A": {"ToPort": 1, "CidrIp": 2, "Cidr\\u0049p": 3}}', "t.json"), {
      value: { A: { ToPort: 1, CidrIp: 3 } },
      warnings: ["LOAD_DUPLICATE_KEY 1:34"],
    });
    assert.deepEqual(read('{"A": {"ToPort": 1, "CidrIp": 2}, "B": {"ToPort": 3}}', "t.json").warnings, []);
  });

  it("the verdict follows the last VpcConfig, in a JSON template and in a YAML one", () => {
    const twice =
      '{ "SubnetIds": [{ "Ref": "Public" }], "SecurityGroupIds": [{ "Ref": "Sg" }] },\n  "VpcConfig": { "SubnetIds": [{ "Ref": "Private" }], "SecurityGroupIds": [{ "Ref": "Sg" }] }';
    const json = network(twice);
    const line = json.split("\n").findIndex((l) => l.startsWith('  "VpcConfig"')) + 1;
    const expected = { verdicts: { "Fn Private internet": "reachable" }, diagnostics: [`LOAD_DUPLICATE_KEY ${line}:3`] };
    assert.deepEqual(verdicts(checkTemplate("t.json", json)), expected);
    // The same text read as YAML (JSON is YAML; a comment first keeps it from being taken for JSON).
    assert.deepEqual(verdicts(checkTemplate("t.yaml", `# YAML\n${json}`)), {
      ...expected,
      diagnostics: [`LOAD_DUPLICATE_KEY ${line + 1}:3`],
    });
    // Reversed, the public subnet is the one read.
    const reversed =
      '{ "SubnetIds": [{ "Ref": "Private" }], "SecurityGroupIds": [{ "Ref": "Sg" }] },\n  "VpcConfig": { "SubnetIds": [{ "Ref": "Public" }], "SecurityGroupIds": [{ "Ref": "Sg" }] }';
    assert.deepEqual(verdicts(checkTemplate("t.json", network(reversed))).verdicts, {
      "Fn Public internet": "unreachable IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
    });
  });
});

describe("a Lambda function in a VPC template written with dedented flow mappings", () => {
  const file = join(FIXTURES, "yaml-dedented-flow-mapping", "template.yaml");
  const text = readFileSync(file, "utf8");
  const report = checkTemplate("template.yaml", text);
  const lineOf = (s: string, after = 0) => text.split("\n").findIndex((l, i) => i >= after && l.startsWith(s)) + 1;

  it("gets its exact verdicts and egress, with one LOAD_YAML_LENIENT warning at the first dedented line", () => {
    assert.deepEqual(verdicts(report), {
      verdicts: {
        "ApiClientFunction PrivateSubnet internet": "reachable",
        "PublicSubnetFunction PublicSubnet internet": "unreachable IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
      },
      diagnostics: [`LOAD_YAML_LENIENT ${lineOf("    EnableDnsHostnames: true }")}:5`],
    });
    const api = report.functions.find((f) => f.id === "ApiClientFunction");
    assert.deepEqual(api?.subnets[0]?.destinations[0]?.egress, [{ via: "NatGateway", publicIp: null, eip: "NatEip" }]);
    assert.equal(report.diagnostics[0]?.severity, "warning");
    assert.match(report.diagnostics[0]?.fix ?? "", /Indent the continuation lines deeper than the key/);
  });

  it("keeps the positions of resources and properties exact", () => {
    const publicFn = lineOf("  PublicSubnetFunction:");
    assert.deepEqual(report.findings.map((f) => `${f.rule} ${f.resource} ${f.location?.line}:${f.location?.column}`).sort(), [
      `function-in-public-subnet PublicSubnetFunction ${lineOf("      VpcConfig: {", publicFn)}:7`,
      `function-single-az ApiClientFunction ${lineOf("      VpcConfig: { SubnetIds: [ !Ref PrivateSubnet ],")}:7`,
      `function-single-az PublicSubnetFunction ${lineOf("      VpcConfig: {", publicFn)}:7`,
    ]);
    assert.deepEqual(
      report.functions.map((f) => `${f.id} ${f.location.line}:${f.location.column}`),
      [`ApiClientFunction ${lineOf("  ApiClientFunction:") + 1}:5`, `PublicSubnetFunction ${publicFn + 1}:5`],
    );
  });
});
