// CDK cloud assemblies (cdk.out) as input: the manifest reader, check and trace over every stack, construct paths in locations, and the errors.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, describe, it } from "node:test";
import { checkAssembly } from "../src/check.ts";
import type { AssemblyFiles, CloudAssembly } from "../src/load/cdk-assembly.ts";
import { KNOWN_SCHEMA_MAJOR, readCloudAssembly, regionOf } from "../src/load/cdk-assembly.ts";
import { LoadError } from "../src/load/errors.ts";
import { traceAssembly } from "../src/trace.ts";
import { CORPUS, checkFile, HAS_CORPUS, ROOT } from "./support/helpers.ts";

const FIXTURES_CDK = join(ROOT, "test", "fixtures-cdk");

/** The file system as the CLI gives it to the reader. */
const disk: AssemblyFiles = {
  read: (p) => (isFile(p) ? readFileSync(p, "utf8") : undefined),
  isFile,
};
function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The fixture assembly, shown relative to the repository root as the CLI shows it. */
function fixture(name: string): CloudAssembly {
  return readCloudAssembly(join(FIXTURES_CDK, name), `test/fixtures-cdk/${name}`, disk);
}
const text = (s: { path: string }) => readFileSync(s.path, "utf8");

/** In-memory files: path -> text. */
function memory(files: Record<string, string>): AssemblyFiles {
  return { read: (p) => files[p], isFile: (p) => p in files };
}
function loadError(fn: () => unknown): LoadError {
  try {
    fn();
  } catch (e) {
    if (e instanceof LoadError) return e;
    throw e;
  }
  assert.fail("expected a LoadError");
}

const tmp = mkdtempSync(join(tmpdir(), "lambda-egress-cdk-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A directory under the temporary root with these files (path -> text). */
function dirWith(name: string, files: Record<string, string>): string {
  const dir = join(tmp, name);
  for (const [p, t] of Object.entries(files)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), t);
  }
  mkdirSync(dir, { recursive: true });
  return dir;
}

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ["bin/lambda-egress.js", ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    encoding: "utf8",
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** An input error as the user sees it: exit 2, one line (and at most a hint), no stack trace. */
function expectCliError(args: string[], first: string, hint?: string): void {
  const r = cli(args);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(r.stdout, "");
  assert.equal(r.stderr, `lambda-egress: ${first}\n${hint ? `  hint: ${hint}\n` : ""}`);
}

const MANIFEST_STACK = (templateFile: string, environment = "aws://unknown-account/unknown-region") => ({
  type: "aws:cloudformation:stack",
  environment,
  properties: { templateFile },
  displayName: "Stack",
});
const MINIMAL_TEMPLATE = JSON.stringify({ Resources: { Vpc: { Type: "AWS::EC2::VPC", Properties: { CidrBlock: "10.0.0.0/16" } } } });

describe("readCloudAssembly", () => {
  it("reads every stack of the manifest, skipping the tree and asset artifacts", () => {
    const a = fixture("two-regions");
    assert.equal(a.manifest, "test/fixtures-cdk/two-regions/manifest.json");
    assert.equal(a.version, "48.0.0");
    assert.deepEqual(a.diagnostics, []);
    assert.deepEqual(
      a.stacks.map((s) => [s.id, s.name, s.file, s.environment, s.region]),
      [
        ["NetworkEu", "NetworkEu", "test/fixtures-cdk/two-regions/NetworkEu.template.json", "aws://123456789012/eu-west-1", "eu-west-1"],
        [
          "NetworkAnywhere",
          "NetworkAnywhere",
          "test/fixtures-cdk/two-regions/NetworkAnywhere.template.json",
          "aws://unknown-account/unknown-region",
          null,
        ],
      ],
    );
    assert.equal(a.stacks[0]?.path, join(FIXTURES_CDK, "two-regions", "NetworkEu.template.json"));
    assert.equal(a.stacks[0]?.constructPaths.VpcPublicSubnet1NATGateway62336243, "NetworkEu/Vpc/PublicSubnet1/NATGateway");
    assert.equal(a.stacks[0]?.constructPaths.BootstrapVersion, "NetworkEu/BootstrapVersion");
  });

  it("recurses into a Stage's nested assembly", () => {
    const a = fixture("stage");
    assert.deepEqual(
      a.stacks.map((s) => [s.id, s.name, s.file, s.region]),
      [
        [
          "ProdAppStack1A2B3C4D",
          "Prod/AppStack",
          "test/fixtures-cdk/stage/assembly-Prod/ProdAppStack1A2B3C4D.template.json",
          "ap-southeast-2",
        ],
      ],
    );
    assert.equal(a.stacks[0]?.constructPaths.HandlerA640CF1A, "Prod/AppStack/Handler/Resource");
  });

  it("regions: only a region name counts", () => {
    assert.equal(regionOf("aws://123456789012/eu-west-1"), "eu-west-1");
    assert.equal(regionOf("aws://unknown-account/us-gov-west-1"), "us-gov-west-1");
    assert.equal(regionOf("aws://unknown-account/unknown-region"), null);
    assert.equal(regionOf("aws://123456789012"), null);
    assert.equal(regionOf(null), null);
  });

  it("reads the metadata a newer CDK writes to a file of its own (additionalMetadataFile)", () => {
    const a = readCloudAssembly(
      "/a",
      "cdk.out",
      memory({
        "/a/manifest.json": JSON.stringify({
          version: "48.0.0",
          artifacts: { S: { ...MANIFEST_STACK("S.template.json"), additionalMetadataFile: "S.metadata.json" } },
        }),
        "/a/S.template.json": MINIMAL_TEMPLATE,
        "/a/S.metadata.json": JSON.stringify({ "/S/Vpc/Resource": [{ type: "aws:cdk:logicalId", data: "Vpc" }] }),
      }),
    );
    assert.deepEqual(a.stacks[0]?.constructPaths, { Vpc: "S/Vpc/Resource" });
  });

  it("a newer schema version is read, with a warning", () => {
    const manifest = `{\n  "version": "${KNOWN_SCHEMA_MAJOR + 1}.0.0",\n  "artifacts": { "S": ${JSON.stringify(MANIFEST_STACK("S.template.json"))} }\n}\n`;
    const a = readCloudAssembly("/a", "cdk.out", memory({ "/a/manifest.json": manifest, "/a/S.template.json": MINIMAL_TEMPLATE }));
    assert.equal(a.stacks.length, 1);
    assert.deepEqual(a.diagnostics, [
      {
        code: "LOAD_CDK_NEWER_SCHEMA",
        severity: "warning",
        message: `cloud assembly schema ${KNOWN_SCHEMA_MAJOR + 1}.0.0 is newer than the versions known (up to ${KNOWN_SCHEMA_MAJOR}.x); read as the known format`,
        location: { file: "cdk.out/manifest.json", line: 2, column: 3 },
      },
    ]);
  });

  it("errors: not an assembly, invalid JSON, missing template, no stacks, bad shape, a cycle", () => {
    let e = loadError(() => readCloudAssembly("/a", "cdk.out", memory({})));
    assert.deepEqual(
      [e.code, e.message, e.location],
      ["LOAD_NOT_CLOUD_ASSEMBLY", "is a directory without manifest.json: not a CDK cloud assembly", { file: "cdk.out" }],
    );
    assert.match(e.hint ?? "", /cdk synth/);

    e = loadError(() =>
      readCloudAssembly("/a", "cdk.out", memory({ "/a/manifest.json": '{\n  "version": "48.0.0",\n  "artifacts": {,}\n}' })),
    );
    assert.deepEqual([e.code, e.location], ["LOAD_SYNTAX", { file: "cdk.out/manifest.json", line: 3, column: 17 }]);

    e = loadError(() =>
      readCloudAssembly(
        "/a",
        "cdk.out",
        memory({ "/a/manifest.json": JSON.stringify({ version: "48.0.0", artifacts: { S: MANIFEST_STACK("S.template.json") } }, null, 2) }),
      ),
    );
    assert.deepEqual(
      [e.code, e.message, e.location],
      [
        "LOAD_CDK_MISSING_TEMPLATE",
        "stack S names the template S.template.json, which does not exist in cdk.out",
        { file: "cdk.out/manifest.json", line: 8, column: 9 },
      ],
    );

    e = loadError(() =>
      readCloudAssembly(
        "/a",
        "cdk.out",
        memory({
          "/a/manifest.json": JSON.stringify({
            version: "48.0.0",
            artifacts: { Tree: { type: "cdk:tree", properties: { file: "tree.json" } } },
          }),
        }),
      ),
    );
    assert.deepEqual(
      [e.code, e.message, e.location],
      [
        "LOAD_CDK_NO_STACKS",
        "the cloud assembly has no stacks (no artifact of type aws:cloudformation:stack)",
        { file: "cdk.out/manifest.json" },
      ],
    );

    e = loadError(() => readCloudAssembly("/a", "cdk.out", memory({ "/a/manifest.json": '{ "artifacts": {} }' })));
    assert.deepEqual(
      [e.code, e.message],
      ["LOAD_CDK_MANIFEST", 'not a cloud assembly manifest: `version` must be a string such as "48.0.0"'],
    );

    e = loadError(() => readCloudAssembly("/a", "cdk.out", memory({ "/a/manifest.json": "[]" })));
    assert.deepEqual([e.code, e.message], ["LOAD_CDK_MANIFEST", "not a cloud assembly manifest (not a JSON object)"]);

    const loop = JSON.stringify({
      version: "48.0.0",
      artifacts: { Self: { type: "cdk:cloud-assembly", properties: { directoryName: "." } } },
    });
    e = loadError(() => readCloudAssembly("/a", "cdk.out", memory({ "/a/manifest.json": loop })));
    assert.deepEqual([e.code, e.message], ["LOAD_CDK_MANIFEST", "nested assembly Self names . again (a cycle)"]);
  });
});

describe("checkAssembly", () => {
  it("two stacks in two regions: each checked in its own region (else --region), one report", () => {
    const r = checkAssembly(fixture("two-regions"), text, { region: "us-west-2" });
    assert.deepEqual(r.files, [
      "test/fixtures-cdk/two-regions/NetworkEu.template.json",
      "test/fixtures-cdk/two-regions/NetworkAnywhere.template.json",
    ]);
    assert.deepEqual(r.stacks, [
      {
        stack: "NetworkEu",
        file: "test/fixtures-cdk/two-regions/NetworkEu.template.json",
        environment: "aws://123456789012/eu-west-1",
        region: "eu-west-1",
      },
      {
        stack: "NetworkAnywhere",
        file: "test/fixtures-cdk/two-regions/NetworkAnywhere.template.json",
        environment: "aws://unknown-account/unknown-region",
        region: "us-west-2",
      },
    ]);
    assert.deepEqual(
      r.functions.map((f) => [f.file, f.id, f.summary.internet, f.subnets.map((s) => s.az), f.location.constructPath]),
      [
        [
          "test/fixtures-cdk/two-regions/NetworkEu.template.json",
          "HandlerA640CF1A",
          "reachable",
          ["eu-west-1a"],
          "NetworkEu/Handler/Resource",
        ],
        [
          "test/fixtures-cdk/two-regions/NetworkAnywhere.template.json",
          "HandlerA640CF1A",
          "reachable",
          ["us-west-2a"],
          "NetworkAnywhere/Handler/Resource",
        ],
      ],
    );
    assert.deepEqual(
      r.findings.map((f) => `${f.rule} ${f.location.constructPath}`),
      ["function-single-az NetworkEu/Handler/Resource", "function-single-az NetworkAnywhere/Handler/Resource"],
    );
    assert.deepEqual(r.diagnostics, []);
  });

  it("a Stage: construct paths from the manifest when the template carries no aws:cdk:path", () => {
    const a = fixture("stage");
    assert.doesNotMatch(readFileSync(a.stacks[0]?.path as string, "utf8"), /aws:cdk:path/);
    const r = checkAssembly(a, text);
    assert.equal(r.region, "us-east-1", "the region asked for");
    assert.equal(r.stacks?.[0]?.region, "ap-southeast-2");
    assert.deepEqual(
      r.functions.map((f) => [f.id, f.summary.internet, f.location]),
      [
        [
          "HandlerA640CF1A",
          "reachable",
          {
            file: "test/fixtures-cdk/stage/assembly-Prod/ProdAppStack1A2B3C4D.template.json",
            line: 276,
            column: 5,
            constructPath: "Prod/AppStack/Handler/Resource",
          },
        ],
      ],
    );
    assert.deepEqual(r.functions[0]?.subnets[0]?.destinations[0]?.egress, [
      { via: "VpcPublicSubnet1NATGateway62336243", publicIp: null, eip: "VpcPublicSubnet1EIP78CE5FFB" },
    ]);
  });

  it("a broken NAT: the finding and the blocking hop carry the construct path", () => {
    const r = checkAssembly(fixture("broken-nat"), text);
    assert.deepEqual(
      r.functions.map((f) => [f.id, f.summary.internet]),
      [["HandlerA640CF1A", "unreachable"]],
    );
    const file = "test/fixtures-cdk/broken-nat/BrokenNatStack.template.json";
    assert.deepEqual(
      r.findings.map((f) => [f.rule, f.resource, f.location]),
      [
        ["egress-path-broken", "HandlerA640CF1A", { file, line: 302, column: 5, constructPath: "BrokenNatStack/Handler/Resource" }],
        [
          "nat-gateway-without-internet-route",
          "VpcPublicSubnet1NATGateway62336243",
          { file, line: 102, column: 5, constructPath: "BrokenNatStack/Vpc/PublicSubnet1/NATGateway" },
        ],
        ["function-single-az", "HandlerA640CF1A", { file, line: 316, column: 9, constructPath: "BrokenNatStack/Handler/Resource" }],
      ],
    );
    const internet = r.functions[0]?.subnets[0]?.destinations[0];
    assert.equal(internet?.code, "NO_ROUTE_TO_DESTINATION");
    assert.deepEqual(internet?.location, { file, line: 56, column: 5, constructPath: "BrokenNatStack/Vpc/PublicSubnet1/RouteTable" });
  });

  it("a template synthesized by CDK, checked on its own, also carries construct paths (its aws:cdk:path metadata)", () => {
    const file = join(FIXTURES_CDK, "broken-nat", "BrokenNatStack.template.json");
    const r = checkFile(file);
    assert.deepEqual(
      r.findings.map((f) => [f.rule, f.location.constructPath]),
      [
        ["egress-path-broken", "BrokenNatStack/Handler/Resource"],
        ["nat-gateway-without-internet-route", "BrokenNatStack/Vpc/PublicSubnet1/NATGateway"],
        ["function-single-az", "BrokenNatStack/Handler/Resource"],
      ],
    );
    assert.equal(r.stacks, undefined);
  });
});

describe("traceAssembly", () => {
  it("finds the stack that defines the function, by logical id or construct path", () => {
    const t = traceAssembly(fixture("broken-nat"), text, { function: "HandlerA640CF1A" });
    assert.equal(t.file, "test/fixtures-cdk/broken-nat/BrokenNatStack.template.json");
    assert.equal(t.location.constructPath, "BrokenNatStack/Handler/Resource");
    assert.deepEqual(
      t.traces.map((x) => [x.to, x.verdict, x.code, x.location?.constructPath]),
      [["internet", "unreachable", "NO_ROUTE_TO_DESTINATION", "BrokenNatStack/Vpc/PublicSubnet1/RouteTable"]],
    );
    assert.deepEqual(
      t.traces[0]?.hops.map((h) => h.location?.constructPath),
      [
        "BrokenNatStack/Handler/SecurityGroup/Resource",
        "BrokenNatStack/Vpc/Resource",
        "BrokenNatStack/Vpc/Resource",
        "BrokenNatStack/Vpc/PrivateSubnet1/DefaultRoute",
        "BrokenNatStack/Vpc/Resource",
        "BrokenNatStack/Vpc/Resource",
        "BrokenNatStack/Vpc/Resource",
        "BrokenNatStack/Vpc/Resource",
        "BrokenNatStack/Vpc/PublicSubnet1/NATGateway",
        "BrokenNatStack/Vpc/PublicSubnet1/RouteTable",
      ],
    );
    const eu = traceAssembly(fixture("two-regions"), text, { function: "NetworkEu/Handler" });
    assert.deepEqual(
      [eu.file, eu.region, eu.traces[0]?.az],
      ["test/fixtures-cdk/two-regions/NetworkEu.template.json", "eu-west-1", "eu-west-1a"],
    );
    const us = traceAssembly(fixture("two-regions"), text, { function: "NetworkAnywhere/Handler/Resource" });
    assert.deepEqual([us.region, us.traces[0]?.verdict], ["us-east-1", "reachable"]);
  });
});

describe("the CDK snapshot templates of the corpus, in a cloud assembly", { skip: HAS_CORPUS ? false : `no corpus at ${CORPUS}` }, () => {
  const cdk = HAS_CORPUS ? readdirSync(CORPUS).filter((f) => f.includes("aws-cdk") && f.endsWith(".template.json")) : [];
  /** The stack name of a snapshot: `...js.snapshot__<Stack>.template.json`. */
  const stackOf = (f: string) => /\.snapshot__(.+)\.template\.json$/.exec(f)?.[1] ?? f;
  // What `cdk synth` writes to the manifest for these resources (their construct paths).
  const known: Record<string, string> = {
    VPCB9E5F0B4: "VPC/Resource",
    VPCPublicSubnet1NATGatewayE0556630: "VPC/PublicSubnet1/NATGateway",
    VPCPrivateSubnet1DefaultRouteAE1D6490: "VPC/PrivateSubnet1/DefaultRoute",
    MyLambdaCCE802FB: "MyLambda/Resource",
    LambdawithIPv6VPCF50054B3: "LambdawithIPv6VPC/Resource",
  };
  const dir = join(tmp, "corpus.out");

  it("checks both stacks (in the regions the manifest gives) with the verdicts of the plain templates", () => {
    assert.equal(cdk.length, 2);
    mkdirSync(dir, { recursive: true });
    const artifacts: Record<string, unknown> = { Tree: { type: "cdk:tree", properties: { file: "tree.json" } } };
    const regions = ["eu-central-1", "us-west-2"];
    cdk.sort().forEach((f, i) => {
      const stack = stackOf(f);
      const template = JSON.parse(readFileSync(join(CORPUS, f), "utf8")) as { Resources: Record<string, unknown> };
      copyFileSync(join(CORPUS, f), join(dir, `${stack}.template.json`));
      const metadata: Record<string, unknown> = {};
      for (const [id, path] of Object.entries(known)) {
        if (id in template.Resources) metadata[`/${stack}/${path}`] = [{ type: "aws:cdk:logicalId", data: id }];
      }
      artifacts[stack] = {
        type: "aws:cloudformation:stack",
        environment: `aws://unknown-account/${regions[i]}`,
        properties: { templateFile: `${stack}.template.json` },
        metadata,
        displayName: stack,
      };
    });
    writeFileSync(join(dir, "manifest.json"), JSON.stringify({ version: "48.0.0", artifacts }, null, 2));
    const shown = relative(ROOT, dir);
    const r = checkAssembly(readCloudAssembly(dir, shown, disk), text);
    assert.deepEqual(
      r.stacks?.map((s) => [s.stack, s.region]),
      [
        ["LambdaAllowAllIpv6Outbound", "eu-central-1"],
        ["aws-cdk-vpc-lambda", "us-west-2"],
      ],
    );
    assert.deepEqual(
      r.functions.map((f) => [f.id, f.summary.internet, f.location.constructPath ?? null, f.subnets.map((s) => s.az)]),
      [
        ["CustomVpcRestrictDefaultSGCustomResourceProviderHandlerDC833E5E", "reachable", null, []],
        [
          "LambdawithIPv6VPCF50054B3",
          "reachable",
          "LambdaAllowAllIpv6Outbound/LambdawithIPv6VPC/Resource",
          ["eu-central-1a", "eu-central-1b"],
        ],
        ["MyLambdaCCE802FB", "reachable", "aws-cdk-vpc-lambda/MyLambda/Resource", ["us-west-2a", "us-west-2b"]],
      ],
    );
    assert.deepEqual(r.findings, []);
    const t = traceAssembly(readCloudAssembly(dir, shown, disk), text, { function: "aws-cdk-vpc-lambda/MyLambda" });
    const nat = t.traces[0]?.hops.find((h) => h.kind === "nat-gateway");
    assert.equal(nat?.location?.constructPath, "aws-cdk-vpc-lambda/VPC/PublicSubnet1/NATGateway");
    // The same answers as the plain template, which carries no construct paths.
    const plain = checkFile(join(CORPUS, cdk.find((f) => f.includes("integ.vpc-lambda")) as string));
    assert.equal(plain.functions[0]?.location.constructPath, undefined);
    assert.equal(plain.functions[0]?.summary.internet, "reachable");
  });
});

describe("CLI: check DIR / trace DIR", () => {
  it("text: each stack under its file, with its stack name and region; construct paths after the locations", () => {
    const r = cli(["check", "test/fixtures-cdk/broken-nat"]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, "");
    const f = "test/fixtures-cdk/broken-nat/BrokenNatStack.template.json";
    assert.equal(
      r.stdout,
      [
        `${f}  (stack BrokenNatStack, region us-east-1)`,
        "",
        `Function HandlerA640CF1A  vpc VpcCFCF4CD8, 1 subnet  ${f}:302:5 [BrokenNatStack/Handler/Resource]`,
        "  internet     unreachable",
        "    VpcPrivateSubnet1Subnet2582ADC9  us-east-1a       unreachable  NO_ROUTE_TO_DESTINATION",
        `      at   VpcPublicSubnet1RouteTable27276149: VpcPublicSubnet1RouteTable27276149 of VpcPublicSubnet1SubnetE7F5E3B6 has no route for internet  (${f}:56:5 [BrokenNatStack/Vpc/PublicSubnet1/RouteTable])`,
        "      why  VpcPublicSubnet1RouteTable27276149 (used by VpcPublicSubnet1SubnetE7F5E3B6) has no route to internet",
        "      fix  Add a route 0.0.0.0/0 to an attached internet gateway to VpcPublicSubnet1RouteTable27276149, the NAT's subnet's table.",
        "",
        "Findings",
        `  error    egress-path-broken  HandlerA640CF1A  ${f}:302:5 [BrokenNatStack/Handler/Resource]`,
        "           HandlerA640CF1A routes internet traffic to a NAT, yet cannot reach the internet from VpcPrivateSubnet1Subnet2582ADC9: NO_ROUTE_TO_DESTINATION (VpcPublicSubnet1RouteTable27276149 (used by VpcPublicSubnet1SubnetE7F5E3B6) has no route to internet)",
        "           fix: Add a route 0.0.0.0/0 to an attached internet gateway to VpcPublicSubnet1RouteTable27276149, the NAT's subnet's table.",
        `  error    nat-gateway-without-internet-route  VpcPublicSubnet1NATGateway62336243  ${f}:102:5 [BrokenNatStack/Vpc/PublicSubnet1/NATGateway]`,
        "           NAT gateway VpcPublicSubnet1NATGateway62336243 cannot reach the internet: its subnet VpcPublicSubnet1SubnetE7F5E3B6 has no 0.0.0.0/0 route",
        "           fix: Place VpcPublicSubnet1NATGateway62336243 in a public subnet: one whose route table sends 0.0.0.0/0 to an attached internet gateway.",
        `  warning  function-single-az  HandlerA640CF1A  ${f}:316:9 [BrokenNatStack/Handler/Resource]`,
        "           Function HandlerA640CF1A runs in one Availability Zone only (us-east-1a): an outage of that zone stops it",
        "           fix: Add a subnet in a second Availability Zone to HandlerA640CF1A's VpcConfig, with its own route to a NAT gateway in that zone.",
        "",
        "2 errors, 1 warning in 1 function (1 file)",
        "",
      ].join("\n"),
    );
  });

  it("text: two stacks, two regions", () => {
    const r = cli(["check", "test/fixtures-cdk/two-regions", "--region", "us-west-2", "--fail-on", "none"]);
    assert.equal(r.code, 0, r.stderr);
    const headers = r.stdout.split("\n").filter((l) => l.startsWith("test/"));
    assert.deepEqual(headers, [
      "test/fixtures-cdk/two-regions/NetworkEu.template.json  (stack NetworkEu, region eu-west-1)",
      "test/fixtures-cdk/two-regions/NetworkAnywhere.template.json  (stack NetworkAnywhere, region us-west-2)",
    ]);
    assert.match(r.stdout, /\n {4}VpcPrivateSubnet1Subnet2582ADC9 {2}eu-west-1a {7}reachable {4}via VpcPublicSubnet1NATGateway62336243/);
    assert.match(r.stdout, /\n {4}VpcPrivateSubnet1Subnet2582ADC9 {2}us-west-2a {7}reachable {4}via VpcPublicSubnet1NATGateway62336243/);
    assert.match(r.stdout, /\n0 errors, 2 warnings in 2 functions \(2 files\)\n$/);
  });

  it("json: schemaVersion 1, the stacks, construct paths in locations", () => {
    const r = cli(["check", "test/fixtures-cdk/stage", "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      schemaVersion: number;
      region: string;
      files: string[];
      stacks: unknown[];
      functions: { id: string; summary: Record<string, string>; location: unknown }[];
      findings: { rule: string; location: unknown }[];
    };
    const file = "test/fixtures-cdk/stage/assembly-Prod/ProdAppStack1A2B3C4D.template.json";
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.region, "us-east-1");
    assert.deepEqual(report.files, [file]);
    assert.deepEqual(report.stacks, [
      { stack: "Prod/AppStack", file, environment: "aws://unknown-account/ap-southeast-2", region: "ap-southeast-2" },
    ]);
    assert.deepEqual(
      report.functions.map((f) => [f.id, f.summary, f.location]),
      [["HandlerA640CF1A", { internet: "reachable" }, { file, line: 276, column: 5, constructPath: "Prod/AppStack/Handler/Resource" }]],
    );
    assert.deepEqual(
      report.findings.map((f) => [f.rule, f.location]),
      [["function-single-az", { file, line: 290, column: 9, constructPath: "Prod/AppStack/Handler/Resource" }]],
    );
  });

  it("an assembly and a template together: each file under its own region", () => {
    const r = cli([
      "check",
      "test/fixtures-cdk/two-regions",
      "test/fixtures/nat-cross-az/template.yaml",
      "--region",
      "sa-east-1",
      "--fail-on",
      "none",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.stdout.split("\n").filter((l) => l.startsWith("test/")),
      [
        "test/fixtures-cdk/two-regions/NetworkEu.template.json  (stack NetworkEu, region eu-west-1)",
        "test/fixtures-cdk/two-regions/NetworkAnywhere.template.json  (stack NetworkAnywhere, region sa-east-1)",
        "test/fixtures/nat-cross-az/template.yaml  (region sa-east-1)",
      ],
    );
  });

  it("a template inside cdk.out is read as before", () => {
    const r = cli(["check", "test/fixtures-cdk/two-regions/NetworkEu.template.json", "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { region: string; stacks?: unknown; functions: { location: { constructPath?: string } }[] };
    assert.equal(report.region, "us-east-1");
    assert.equal(report.stacks, undefined);
    assert.equal(report.functions[0]?.location.constructPath, "NetworkEu/Handler/Resource");
  });

  it("trace DIR --function: the hops show the construct paths", () => {
    const r = cli(["trace", "test/fixtures-cdk/broken-nat", "--function", "BrokenNatStack/Handler"]);
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split("\n");
    assert.equal(lines[0], "HandlerA640CF1A from VpcPrivateSubnet1Subnet2582ADC9 (us-east-1a) -> internet");
    assert.match(
      lines[9] as string,
      /^ {3}9 {2}nat-gateway {5}VpcPublicSubnet1NATGateway62336243 +source -> VpcPublicSubnet1EIP78CE5FFB +translate +test\/fixtures-cdk\/broken-nat\/BrokenNatStack\.template\.json:102:5 \[BrokenNatStack\/Vpc\/PublicSubnet1\/NATGateway\]$/,
    );
    assert.equal(
      lines.find((l) => l.startsWith("    at ")),
      "    at      test/fixtures-cdk/broken-nat/BrokenNatStack.template.json:56:5 [BrokenNatStack/Vpc/PublicSubnet1/RouteTable]",
    );
  });

  it("trace DIR: a function in several stacks, or in none", () => {
    expectCliError(
      ["trace", "test/fixtures-cdk/two-regions", "--function", "HandlerA640CF1A"],
      'several stacks define a function "HandlerA640CF1A": NetworkEu, NetworkAnywhere',
      "name it by its construct path (NetworkEu/Handler, NetworkAnywhere/Handler), or pass that stack's template file",
    );
    expectCliError(
      ["trace", "test/fixtures-cdk/two-regions", "--function", "Nope"],
      'no function "Nope" in the cloud assembly test/fixtures-cdk/two-regions/manifest.json',
      "--function takes a logical id, FunctionName or construct path: NetworkAnywhere/Handler, NetworkEu/Handler",
    );
  });

  it("errors: exit 2 with the file, the line and what is wrong", () => {
    const stack = JSON.stringify(MANIFEST_STACK("S.template.json"));
    const empty = relative(ROOT, dirWith("empty", { "README.txt": "not an assembly\n" }));
    expectCliError(
      ["check", empty],
      `${empty}: is a directory without manifest.json: not a CDK cloud assembly`,
      "run `cdk synth` to write the cloud assembly (cdk.out), or pass a template file",
    );
    const broken = relative(
      ROOT,
      dirWith("broken-json", { "manifest.json": '{\n  "version": "48.0.0",\n  "artifacts": {\n    "S": \n  }\n}\n' }),
    );
    const r = cli(["check", broken]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`^lambda-egress: ${broken}/manifest\\.json:5:3: not valid JSON`));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    const missing = relative(
      ROOT,
      dirWith("missing-template", { "manifest.json": `{\n  "version": "48.0.0",\n  "artifacts": {\n    "S": ${stack}\n  }\n}\n` }),
    );
    expectCliError(
      ["check", missing],
      `${missing}/manifest.json:4:112: stack S names the template S.template.json, which does not exist in ${missing}`,
      "the cloud assembly is incomplete; run `cdk synth` again",
    );
    const none = relative(
      ROOT,
      dirWith("no-stacks", {
        "manifest.json":
          '{ "version": "48.0.0", "artifacts": { "Tree": { "type": "cdk:tree", "properties": { "file": "tree.json" } } } }\n',
      }),
    );
    expectCliError(
      ["check", none],
      `${none}/manifest.json: the cloud assembly has no stacks (no artifact of type aws:cloudformation:stack)`,
      "check that the CDK app adds a Stack, then run `cdk synth` again",
    );
    expectCliError(
      ["trace", none, "--function", "F"],
      `${none}/manifest.json: the cloud assembly has no stacks (no artifact of type aws:cloudformation:stack)`,
      "check that the CDK app adds a Stack, then run `cdk synth` again",
    );
  });

  it("a newer schema version: read, with a warning diagnostic", () => {
    const dir = relative(
      ROOT,
      dirWith("newer", {
        "manifest.json": `{\n  "version": "${KNOWN_SCHEMA_MAJOR + 7}.0.0",\n  "artifacts": { "S": ${JSON.stringify(MANIFEST_STACK("S.template.json"))} }\n}\n`,
        "S.template.json": MINIMAL_TEMPLATE,
      }),
    );
    const r = cli(["check", dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      r.stdout.includes(
        `\nDiagnostics\n  warning  LOAD_CDK_NEWER_SCHEMA  ${dir}/manifest.json:2:3  cloud assembly schema ${KNOWN_SCHEMA_MAJOR + 7}.0.0 is newer than the versions known (up to ${KNOWN_SCHEMA_MAJOR}.x); read as the known format\n`,
      ),
      r.stdout,
    );
  });
});
