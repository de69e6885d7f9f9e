// Terraform configuration read directly (.tf): hand-written configurations in test/fixtures-hcl and the bundled examples/terraform, exact verdicts,
// egress, reasons and locations out; variables from tfvars and --var; local and installed modules; bounds and errors.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { CheckReport } from "../src/check.ts";
import { runCli } from "./support/cli-helpers.ts";
import { ROOT } from "./support/helpers.ts";

const HCL = "test/fixtures-hcl";
/** Bundled examples the README shows; the tests read them rather than a copy. */
const EXAMPLES = "examples/terraform";

async function check(args: string[]): Promise<CheckReport> {
  const r = await runCli(["check", ...args, "--format", "json", "--fail-on", "none"]);
  assert.equal(r.stderr, "", r.stderr);
  return JSON.parse(r.stdout) as CheckReport;
}

/** function -> subnet -> internet verdict (and the NAT gateways that carry it, or the reason). */
function table(report: CheckReport): Record<string, Record<string, string>> {
  return Object.fromEntries(
    report.functions.map((f) => [
      f.id,
      Object.fromEntries(
        f.subnets.map((s) => {
          const d = s.destinations.find((x) => x.to === "internet");
          return [s.subnet, `${d?.verdict}${d?.egress.length ? ` via ${d.egress.map((e) => `${e.via} (${e.eip})`).join(", ")}` : ""}`];
        }),
      ),
    ]),
  );
}

const rules = (r: CheckReport) => r.findings.map((f) => `${f.rule} ${f.resource}`).sort();
const reasonOf = (r: CheckReport, fn = 0) => {
  const f = r.functions[fn];
  return f?.reason ?? f?.subnets.flatMap((s) => s.destinations.map((d) => d.reason)).join(" ") ?? "";
};

const tmp = mkdtempSync(join(tmpdir(), "le-hcl-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe("terraform configuration: evaluated constructs give exact verdicts", () => {
  it("count, length, element, cidrsubnet, variable defaults, locals, x[count.index] and splats: each AZ by its own NAT gateway", async () => {
    const r = await check([`${EXAMPLES}/nat-per-az-count`]);
    assert.equal(r.region, "eu-west-1");
    assert.deepEqual(table(r), {
      "aws_lambda_function.api": {
        "aws_subnet.private[0]": "reachable via aws_nat_gateway.nat[0] (aws_eip.nat[0])",
        "aws_subnet.private[1]": "reachable via aws_nat_gateway.nat[1] (aws_eip.nat[1])",
      },
    });
    assert.deepEqual(
      r.functions[0]?.subnets.map((s) => s.az),
      ["eu-west-1a", "eu-west-1b"],
    );
    assert.deepEqual(rules(r), []);
    // Locations are the file and line of the block, with the address.
    assert.deepEqual(r.functions[0]?.location, {
      file: `${EXAMPLES}/nat-per-az-count/main.tf`,
      line: 102,
      address: "aws_lambda_function.api",
    });
  });

  it("one .tf file given alone reads that file only, with the same verdicts", async () => {
    const r = await check([`${EXAMPLES}/nat-per-az-count/main.tf`]);
    assert.equal(table(r)["aws_lambda_function.api"]?.["aws_subnet.private[1]"], "reachable via aws_nat_gateway.nat[1] (aws_eip.nat[1])");
  });

  it("for_each over a map of locals, each.key/each.value, lookup, merge, a for expression with if, dynamic blocks: a subnet left on the main route table", async () => {
    const r = await check([`${HCL}/for-each-subnets`]);
    assert.deepEqual(table(r), {
      "aws_lambda_function.orders": {
        'aws_subnet.private["a"]': "reachable via aws_nat_gateway.nat (aws_eip.nat)",
        'aws_subnet.private["b"]': "reachable via aws_nat_gateway.nat (aws_eip.nat)",
        'aws_subnet.private["c"]': "unreachable",
      },
    });
    assert.equal(r.functions[0]?.subnets[2]?.destinations[0]?.code, "NO_ROUTE_TO_DESTINATION");
    assert.deepEqual(rules(r), ["function-subnets-disagree aws_lambda_function.orders", "nat-gateway-cross-az aws_lambda_function.orders"]);
    // The dynamic egress blocks (443 and 5432) are the security group's rules: 5432 to the internet is allowed too.
    const r5432 = await check([`${HCL}/for-each-subnets`, "--to", "internet:5432", "--to", "internet:22"]);
    assert.deepEqual(
      r5432.functions[0]?.subnets[0]?.destinations.map((d) => `${d.to} ${d.verdict}`),
      ["internet:5432 reachable", "internet:22 unreachable"],
    );
  });

  it("a local module by path: its resources are named module.network.*, its outputs feed the function", async () => {
    const r = await check([`${HCL}/local-module`]);
    assert.deepEqual(table(r), {
      "aws_lambda_function.worker": {
        "module.network.aws_subnet.private[0]": "reachable via module.network.aws_nat_gateway.this (module.network.aws_eip.nat)",
        "module.network.aws_subnet.private[1]": "reachable via module.network.aws_nat_gateway.this (module.network.aws_eip.nat)",
      },
    });
    assert.deepEqual(rules(r), ["nat-gateway-cross-az aws_lambda_function.worker"]);
    // Only 443 is allowed out by the module's aws_vpc_security_group_egress_rule.
    const r80 = await check([`${HCL}/local-module`, "--to", "internet:80"]);
    assert.equal(r80.functions[0]?.summary["internet:80"], "unreachable");
  });

  it("variables: terraform.tfvars, then *.auto.tfvars, then --var-file and --var, the last one winning", async () => {
    const dflt = await check([`${HCL}/tfvars-nat-switch`]);
    // terraform.tfvars says nat = true; nat.auto.tfvars, read after it, says false.
    assert.deepEqual(table(dflt), { "aws_lambda_function.job": { "aws_subnet.private": "unreachable" } });
    const byVar = await check([`${HCL}/tfvars-nat-switch`, "--var", "nat=true"]);
    assert.deepEqual(table(byVar), {
      "aws_lambda_function.job": { "aws_subnet.private": "reachable via aws_nat_gateway.nat[0] (aws_eip.nat[0])" },
    });
    const byFile = await check([`${HCL}/tfvars-nat-switch`, "--var-file", `${HCL}/tfvars-nat-switch/terraform.tfvars`]);
    assert.equal(byFile.functions[0]?.summary.internet, "reachable");
    const both = await check([`${HCL}/tfvars-nat-switch`, "--var-file", `${HCL}/tfvars-nat-switch/terraform.tfvars`, "--var", "nat=false"]);
    assert.equal(both.functions[0]?.summary.internet, "unreachable");
  });

  it("a registry module is read from .terraform/modules when terraform init installed it", async () => {
    const dir = join(tmp, "installed");
    mkdirSync(join(dir, ".terraform", "modules"), { recursive: true });
    cpSync(join(ROOT, HCL, "local-module", "modules", "network"), join(dir, ".terraform", "modules", "vpc"), { recursive: true });
    writeFileSync(
      join(dir, ".terraform", "modules", "modules.json"),
      JSON.stringify({
        Modules: [
          { Key: "", Source: "", Dir: "." },
          { Key: "vpc", Source: "registry.terraform.io/acme/network/aws", Version: "1.0.0", Dir: ".terraform/modules/vpc" },
        ],
      }),
    );
    writeFileSync(
      join(dir, "main.tf"),
      readFileSync(join(ROOT, HCL, "local-module", "main.tf"), "utf8")
        .replace('module "network"', 'module "vpc"')
        .replace('source = "./modules/network"', 'source = "acme/network/aws"')
        .replaceAll("module.network.", "module.vpc."),
    );
    const r = await check([dir]);
    assert.equal(r.functions[0]?.summary.internet, "reachable");
    assert.equal(r.functions[0]?.subnets[0]?.subnet, "module.vpc.aws_subnet.private[0]");
  });
});

describe("terraform configuration: what is not static is unknown, naming the expression", () => {
  it("subnets from a data source", async () => {
    const r = await check([`${HCL}/unknown-data-source`]);
    assert.equal(r.functions[0]?.summary.internet, "unknown");
    assert.match(reasonOf(r), /data\.aws_subnets\.private is read from AWS when Terraform plans/);
  });

  it("a registry module not installed: its outputs are unknown, with a warning naming it", async () => {
    const r = await check([`${EXAMPLES}/unknown-registry-module`]);
    assert.equal(r.functions[0]?.summary.internet, "unknown");
    assert.match(
      reasonOf(r),
      /module module\.vpc \(source "terraform-aws-modules\/vpc\/aws"\) is not read: it is not in \.terraform\/modules/,
    );
    assert.deepEqual(
      r.diagnostics.map((d) => [d.code, d.location.line]),
      [["LOAD_TERRAFORM_MODULE_NOT_READ", 2]],
    );
  });

  it("a function that is not evaluated (regex) decides a route's destination", async () => {
    const r = await check([`${HCL}/unknown-function`]);
    assert.equal(r.functions[0]?.summary.internet, "unknown");
    assert.match(reasonOf(r), /regex\("\^\[0-9\.\/\]\+", var\.routes\): the function regex is not evaluated/);
  });

  it("a route table association or a route whose count is not known: the subnets it may name, the route's target are unknown", async () => {
    const dir = join(tmp, "unknown-association-count");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "main.tf"),
      readFileSync(join(ROOT, HCL, "unknown-function", "main.tf"), "utf8")
        .replace('regex("^[0-9./]+", var.routes)', '"0.0.0.0/0"')
        .replace(
          'resource "aws_route_table_association" "private" {',
          'resource "aws_route_table_association" "private" {\n  count = length(aws_eip.nat.public_ip)',
        ),
    );
    const r = await check([dir]);
    // Without it, the subnet would stay on the main route table: unreachable.
    assert.equal(r.functions[0]?.summary.internet, "unknown");
    assert.match(
      reasonOf(r),
      /aws_route_table_association\.private may associate it with another route table: the count of aws_route_table_association\.private is not known/,
    );
    // var.nat has no value: the NAT gateway and the private route may exist or not.
    const nat = join(tmp, "unknown-route-count");
    mkdirSync(nat, { recursive: true });
    cpSync(join(ROOT, HCL, "tfvars-nat-switch", "main.tf"), join(nat, "main.tf"));
    const n = await check([nat]);
    assert.equal(n.functions[0]?.summary.internet, "unknown");
    assert.match(reasonOf(n), /var\.nat has no default and no value is given/);
  });

  it("a count known only after apply leaves every road undecided; a module not read that is given a network resource too", async () => {
    const dir = join(tmp, "unknown-count");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "main.tf"),
      readFileSync(join(ROOT, HCL, "unknown-function", "main.tf"), "utf8")
        .replace('regex("^[0-9./]+", var.routes)', '"0.0.0.0/0"')
        .concat(
          '\nresource "aws_network_acl_rule" "extra" {\n  count          = length(aws_eip.nat.public_ip)\n  network_acl_id = aws_vpc.main.default_network_acl_id\n  rule_number    = 50\n  egress         = true\n  protocol       = "-1"\n  rule_action    = "deny"\n  cidr_block     = "0.0.0.0/0"\n}\n',
        ),
    );
    const r = await check([dir]);
    assert.equal(r.functions[0]?.summary.internet, "unknown");
    assert.match(
      reasonOf(r),
      /the count of aws_network_acl_rule\.extra is not known: length\(aws_eip\.nat\.public_ip\) needs aws_eip\.nat\.public_ip, which is known only after apply/,
    );
    const mod = join(tmp, "module-given-vpc");
    mkdirSync(mod, { recursive: true });
    writeFileSync(
      join(mod, "main.tf"),
      readFileSync(join(ROOT, HCL, "unknown-function", "main.tf"), "utf8").replace('regex("^[0-9./]+", var.routes)', '"0.0.0.0/0"') +
        '\nmodule "routes" {\n  source = "acme/routes/aws"\n  route_table_id = aws_route_table.private.id\n}\n',
    );
    const m = await check([mod]);
    assert.equal(m.functions[0]?.summary.internet, "unknown");
    assert.match(reasonOf(m), /it is given aws_route_table\.private\.id, which it may change/);
  });
});

describe("terraform configuration: bounds and errors", () => {
  it("invalid HCL: one line naming the file and line, exit 2", async () => {
    const dir = join(tmp, "bad");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "main.tf"), 'resource "aws_vpc" "main" {\n  cidr_block = \n}\n');
    const r = await runCli(["check", dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^lambda-egress: .*bad\/main\.tf:2:\d+: is not valid HCL: Invalid expression/);
    assert.equal(r.stderr.trim().split("\n").length, 1);
  });

  it("a local module may not lead outside the repository (or the folder given, outside a repository), symbolic links included", async () => {
    const outside = join(tmp, "outside");
    mkdirSync(join(outside, "cfg"), { recursive: true });
    mkdirSync(join(outside, "elsewhere"), { recursive: true });
    writeFileSync(join(outside, "elsewhere", "main.tf"), 'resource "aws_vpc" "x" {\n  cidr_block = "10.0.0.0/16"\n}\n');
    writeFileSync(join(outside, "cfg", "main.tf"), '\nmodule "up" {\n  source = "../elsewhere"\n}\n');
    const up = await runCli(["check", join(outside, "cfg")]);
    assert.equal(up.code, 2);
    assert.match(up.stderr, /cfg\/main\.tf:2: module source "\.\.\/elsewhere" leads outside the folder given/);
    // Inside a repository (a folder with .git), a module may go up within it; a symbolic link out of it is refused.
    const repo = join(tmp, "repo");
    mkdirSync(join(repo, ".git"), { recursive: true });
    mkdirSync(join(repo, "live", "prod"), { recursive: true });
    cpSync(join(ROOT, HCL, "local-module", "modules"), join(repo, "modules"), { recursive: true });
    writeFileSync(
      join(repo, "live", "prod", "main.tf"),
      readFileSync(join(ROOT, HCL, "local-module", "main.tf"), "utf8").replace('"./modules/network"', '"../../modules/network"'),
    );
    const ok = await check([join(repo, "live", "prod")]);
    assert.equal(ok.functions[0]?.summary.internet, "reachable");
    symlinkSync(join(outside, "elsewhere"), join(repo, "link"));
    writeFileSync(join(repo, "live", "prod", "main.tf"), 'module "l" {\n  source = "../../link"\n}\n');
    const link = await runCli(["check", join(repo, "live", "prod")]);
    assert.equal(link.code, 2);
    assert.match(link.stderr, /main\.tf:1: module source "\.\.\/\.\.\/link" leads outside the repository/);
  });

  it("checking a CloudFormation template never loads the HCL parser; checking .tf does", () => {
    const probe = (input: string) =>
      spawnSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `const m = await import(${JSON.stringify(join(ROOT, "dist", "src", "cli", "main.js"))});
           const io = { stdout: { write() {} }, stderr: { write() {} }, env: {}, cwd: ${JSON.stringify(ROOT)} };
           await m.run(["check", ${JSON.stringify(input)}], io);
           console.log(typeof globalThis.Go);`,
        ],
        { encoding: "utf8" },
      ).stdout.trim();
    assert.equal(probe("examples/nat-gateway-per-az/template.yaml"), "undefined");
    assert.equal(probe(`${EXAMPLES}/nat-per-az-count`), "function");
  });
});

describe("new --format terraform: every pattern, read back through the .tf path, gives the CloudFormation template's verdicts", () => {
  const cases: string[][] = [
    ["nat-gateway"],
    ["nat-gateway", "--azs", "3"],
    ["shared-nat-gateway"],
    ["regional-nat-gateway"],
    ["nat-instance", "--azs", "1"],
    ["endpoints", "--endpoints", "s3,dynamodb,lambda,sqs"],
    ["dual-stack"],
    ["managed-instances-public"],
    ["nat-gateway", "--eip-allocations", "eipalloc-0123456789abcdef0,eipalloc-0123456789abcdef1"],
  ];
  /** Per function, per subnet in order, every destination's verdict (the subnets' names differ: their order does not). */
  const verdicts = (r: CheckReport) =>
    r.functions.map((f) => ({ summary: f.summary, subnets: f.subnets.map((s) => s.destinations.map((d) => `${d.to} ${d.verdict}`)) }));
  for (const args of cases) {
    it(args.join(" "), async () => {
      const dir = join(tmp, `new-${args.join("-").replace(/[^a-z0-9-]/g, "")}`);
      mkdirSync(dir, { recursive: true });
      const tf = await runCli(["new", ...args, "--format", "terraform", "-o", join(dir, "main.tf")]);
      assert.equal(tf.code, 0, tf.stderr);
      const cfn = await runCli(["new", ...args, "-o", join(dir, "template.json")]);
      assert.equal(cfn.code, 0, cfn.stderr);
      const fromTf = await check([dir]);
      const fromCfn = await check([join(dir, "template.json")]);
      assert.deepEqual(verdicts(fromTf), verdicts(fromCfn));
      assert.ok(fromTf.functions.length === 1 && (fromTf.functions[0]?.subnets.length ?? 0) > 0);
      // No diagnostic: everything the configuration says is read.
      assert.deepEqual(fromTf.diagnostics, []);
    });
  }
});
