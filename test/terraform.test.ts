// Terraform plans and states (`terraform show -json`): hand-written fixtures in, exact verdicts,
// egress, findings and reasons out; the real plans of ../shared/corpus-terraform load and are read right.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { CheckReport } from "../src/check.ts";
import { checkTemplate } from "../src/check.ts";
import { loadModel } from "../src/load/index.ts";
import { parseRef, splitAddress } from "../src/load/terraform/plan.ts";
import type { Model } from "../src/model/model.ts";
import { isUnknown } from "../src/model/types.ts";
import { runCli } from "./support/cli-helpers.ts";
import { ROOT } from "./support/helpers.ts";

const TF = join(ROOT, "test", "fixtures-terraform");
const CORPUS_TF = join(ROOT, "..", "shared", "corpus-terraform");

const text = (name: string) => readFileSync(join(TF, name), "utf8");
const check = (name: string, body = text(name)) => checkTemplate(join("test/fixtures-terraform", name), body);
const load = (name: string, body = text(name)): Model => loadModel(name, body);

interface Row {
  verdict: string;
  code?: string;
  via?: string[];
  publicIp?: (string | null)[];
  eip?: (string | null)[];
}

/** subnet -> destination -> what the report says. */
function table(report: CheckReport, fn = 0): Record<string, Record<string, Row>> {
  const f = report.functions[fn];
  assert.ok(f, "a function");
  return Object.fromEntries(
    f.subnets.map((s) => [
      s.subnet,
      Object.fromEntries(
        s.destinations.map((d) => [
          d.to,
          {
            verdict: d.verdict,
            ...(d.code ? { code: d.code } : {}),
            ...(d.egress.length > 0
              ? { via: d.egress.map((e) => e.via), publicIp: d.egress.map((e) => e.publicIp), eip: d.egress.map((e) => e.eip) }
              : {}),
          },
        ]),
      ),
    ]),
  );
}

const rules = (r: CheckReport) => r.findings.map((f) => `${f.rule} ${f.resource}`).sort();

describe("terraform: plans and states give exact verdicts", () => {
  it("NAT gateway per AZ with count: each private subnet leaves by its own AZ's NAT gateway (x[count.index])", () => {
    const r = check("nat-per-az-count.plan.json");
    assert.equal(r.region, "eu-west-1");
    assert.equal(r.functions[0]?.id, "aws_lambda_function.api");
    assert.deepEqual(r.functions[0]?.summary, { internet: "reachable" });
    assert.deepEqual(table(r), {
      "aws_subnet.private[0]": {
        internet: { verdict: "reachable", via: ["aws_nat_gateway.nat[0]"], publicIp: [null], eip: ["aws_eip.nat[0]"] },
      },
      "aws_subnet.private[1]": {
        internet: { verdict: "reachable", via: ["aws_nat_gateway.nat[1]"], publicIp: [null], eip: ["aws_eip.nat[1]"] },
      },
    });
    assert.deepEqual(rules(r), []);
    assert.deepEqual(r.functions[0]?.location, {
      file: "test/fixtures-terraform/nat-per-az-count.plan.json",
      address: "aws_lambda_function.api",
    });
  });

  it("a module-built VPC with a single NAT gateway: the function's subnets come from the module's output", () => {
    const r = check("module-single-nat.plan.json");
    assert.equal(r.functions[0]?.vpc, "module.vpc.aws_vpc.this[0]");
    const via = { verdict: "reachable", via: ["module.vpc.aws_nat_gateway.this[0]"], publicIp: [null], eip: ["module.vpc.aws_eip.nat[0]"] };
    assert.deepEqual(table(r), {
      "module.vpc.aws_subnet.private[0]": { internet: via },
      "module.vpc.aws_subnet.private[1]": { internet: via },
    });
    assert.deepEqual(rules(r), ["nat-gateway-cross-az aws_lambda_function.api"]);
    // Locations name the module the resource is declared in.
    const nat = r.functions[0]?.subnets[0]?.destinations[0]?.trace.find((h) => h.kind === "nat-gateway");
    assert.deepEqual(nat?.location, {
      file: "test/fixtures-terraform/module-single-nat.plan.json",
      address: "module.vpc.aws_nat_gateway.this[0]",
      moduleSource: "./modules/vpc",
    });
  });

  it("a state: cross-AZ route and a subnet left on the main route table, with real ids and the NAT's public IP", () => {
    const r = check("cross-az.state.json");
    assert.equal(r.region, "eu-central-1", "from the subnets' Availability Zones");
    assert.deepEqual(r.functions[0]?.summary, { internet: "partial" });
    const nat = { verdict: "reachable", via: ["aws_nat_gateway.a"], publicIp: ["198.51.100.7"], eip: ["aws_eip.nat_a"] };
    assert.deepEqual(table(r), {
      "aws_subnet.private_a": { internet: nat },
      "aws_subnet.private_b": { internet: nat },
      "aws_subnet.private_c": { internet: { verdict: "unreachable", code: "NO_ROUTE_TO_DESTINATION" } },
    });
    assert.deepEqual(rules(r), ["function-subnets-disagree aws_lambda_function.api", "nat-gateway-cross-az aws_lambda_function.api"]);
    // Reports carry the real id beside the address.
    assert.deepEqual(r.functions[0]?.location, {
      file: "test/fixtures-terraform/cross-az.state.json",
      address: "aws_lambda_function.api",
      physicalId: "api",
    });
    const m = load("cross-az.state.json");
    assert.equal(m.get("subnet", "aws_subnet.private_c")?.routeTableId, "aws_vpc.main.MainRouteTable");
    assert.equal(m.get("subnet", "aws_subnet.private_c")?.origin.physicalId, "subnet-0c1d2e3f4a5b60023");
    // aws_route and the table's own `route` list the same route once.
    assert.equal(m.get("route-table", "aws_route_table.private_b")?.routes.length, 2);
    assert.equal(m.get("route-table", "aws_route_table.private_b")?.routes[1]?.origin.address, "aws_route.private_b_nat");
  });

  it("for_each subnets: instances keyed by each.key, associations tied by each.key", () => {
    const r = check("for-each-subnets.plan.json");
    const via = { verdict: "reachable", via: ["aws_nat_gateway.nat"], publicIp: [null], eip: ["aws_eip.nat"] };
    assert.deepEqual(table(r), { 'aws_subnet.private["a"]': { internet: via }, 'aws_subnet.private["b"]': { internet: via } });
    assert.deepEqual(rules(r), ["nat-gateway-cross-az aws_lambda_function.api"]);
    const m = load("for-each-subnets.plan.json");
    assert.equal(m.get("subnet", 'aws_subnet.private["b"]')?.routeTableId, "aws_route_table.private");
  });

  it("a function in a public subnet gets no internet (a Lambda ENI has no public IPv4)", () => {
    const r = check("public-subnet-function.plan.json");
    assert.deepEqual(table(r), {
      "aws_subnet.public": { internet: { verdict: "unreachable", code: "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS" } },
    });
    assert.deepEqual(rules(r), ["function-in-public-subnet aws_lambda_function.api", "function-single-az aws_lambda_function.api"]);
  });

  it("a network ACL without the ephemeral ports drops the replies", () => {
    const r = check("nacl-no-ephemeral.state.json");
    assert.deepEqual(table(r), { "aws_subnet.private": { internet: { verdict: "unreachable", code: "SUBNET_ACL_RESTRICTION" } } });
    assert.deepEqual(rules(r), ["egress-path-broken aws_lambda_function.api", "function-single-az aws_lambda_function.api"]);
  });

  it("dual-stack with an egress-only internet gateway: IPv4 by the NAT gateway's address, IPv6 by the gateway", () => {
    const r = check("dual-stack-eigw.state.json");
    assert.deepEqual(r.functions[0]?.summary, { internet: "reachable", internet6: "reachable" });
    assert.deepEqual(table(r), {
      "aws_subnet.private": {
        internet: { verdict: "reachable", via: ["aws_nat_gateway.nat"], publicIp: ["192.0.2.44"], eip: ["aws_eip.nat"] },
        internet6: { verdict: "reachable" },
      },
    });
  });
});

describe("terraform: endpoints, NAT instances, regional NAT gateways and rule resources", () => {
  const name = "endpoints-nat-instance.state.json";
  it("a NAT instance behind the main route table, an interface and a gateway endpoint", () => {
    const r = checkTemplate(name, text(name), { to: ["internet", "aws:logs", "aws:s3"] });
    const nat = { verdict: "reachable", via: ["aws_instance.nat"], publicIp: ["203.0.113.80"], eip: ["aws_eip.nat_instance"] };
    assert.deepEqual(table(r), {
      "aws_subnet.app": { internet: nat, "aws:logs": { verdict: "reachable" }, "aws:s3": { verdict: "reachable" } },
      "aws_subnet.db": { internet: nat, "aws:logs": { verdict: "reachable" }, "aws:s3": { verdict: "reachable" } },
    });
    assert.deepEqual(rules(r), ["endpoint-custom-policy aws_vpc_endpoint.s3", "endpoint-missing-az aws_lambda_function.api"]);
  });

  it("reads each resource as the provider defines it", () => {
    const m = load(name);
    // aws_main_route_table_association: subnets without an association follow the new main table.
    assert.equal(m.get("subnet", "aws_subnet.db")?.routeTableId, "aws_route_table.private");
    assert.equal(m.get("route-table", "aws_route_table.private")?.isMain, true);
    assert.equal(m.get("route-table", "aws_vpc.main.MainRouteTable")?.isMain, false);
    assert.deepEqual(m.get("internet-gateway", "aws_internet_gateway.gw")?.attachedVpcIds, ["aws_vpc.main"]);
    const instance = m.get("instance", "aws_instance.nat");
    assert.equal(instance?.sourceDestCheck, false);
    assert.deepEqual(instance?.networkInterfaceIds, ["aws_network_interface.nat"]);
    assert.deepEqual(instance?.publicAddress, { kind: "elastic-ip", eipId: "aws_eip.nat_instance", publicIp: "203.0.113.80" });
    const sg = m.get("security-group", "aws_security_group.nat");
    assert.deepEqual(
      sg?.egress.map((x) => [x.protocol, x.ports, x.origin.address]),
      [[6, { from: 443, to: 443 }, "aws_vpc_security_group_egress_rule.nat_out"]],
    );
    const regional = m.get("nat-gateway", "aws_nat_gateway.regional");
    assert.equal(regional?.availability, "regional");
    assert.equal(regional?.subnetId, null);
    assert.deepEqual(regional?.regionalAzs, ["eu-west-1a"]);
    assert.deepEqual(regional?.addresses, [{ kind: "elastic-ip", eipId: "aws_eip.regional", publicIp: "203.0.113.81" }]);
    const logs = m.get("vpc-endpoint", "aws_vpc_endpoint.logs");
    assert.deepEqual(
      [logs?.service, logs?.privateDnsEnabled, logs?.hasCustomPolicy, logs?.securityGroupIds],
      ["logs", true, false, ["aws_security_group.endpoint"]],
    );
    const s3 = m.get("vpc-endpoint", "aws_vpc_endpoint.s3");
    assert.deepEqual([s3?.type, s3?.routeTableIds, s3?.hasCustomPolicy], ["Gateway", ["aws_route_table.private"], true]);
    const role = m.get("role", "aws_iam_role.fn");
    assert.deepEqual(
      role?.statements.map((x) => x.actions),
      [["ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface"]],
    );
    const code = m.get("function", "aws_lambda_function.api")?.code?.source;
    assert.ok(isUnknown(code) && code.reason === "the code is in S3, not in the plan");
  });
});

describe("terraform: Lambda Managed Instances", () => {
  it("aws_lambda_capacity_provider's vpc_config places the function; capacity_provider_config ties them", () => {
    const doc = JSON.parse(text("nat-per-az-count.plan.json"));
    doc.resource_changes.push({
      address: "aws_lambda_capacity_provider.cp",
      mode: "managed",
      type: "aws_lambda_capacity_provider",
      name: "cp",
      provider_name: "registry.terraform.io/hashicorp/aws",
      change: {
        actions: ["create"],
        before: null,
        after: { name: "cp", vpc_config: [{ subnet_ids: [null, null], security_group_ids: [null] }] },
        after_unknown: { arn: true, id: true, vpc_config: [{ subnet_ids: [true, true], security_group_ids: [true] }] },
        before_sensitive: false,
        after_sensitive: {},
      },
    });
    doc.configuration.root_module.resources.push({
      address: "aws_lambda_capacity_provider.cp",
      mode: "managed",
      type: "aws_lambda_capacity_provider",
      name: "cp",
      provider_config_key: "aws",
      expressions: {
        name: { constant_value: "cp" },
        vpc_config: [
          {
            subnet_ids: { references: ["aws_subnet.public"] },
            security_group_ids: { references: ["aws_security_group.fn.id", "aws_security_group.fn"] },
          },
        ],
      },
      schema_version: 0,
    });
    const fn = doc.resource_changes.find((x: { address: string }) => x.address === "aws_lambda_function.api");
    fn.change.after.vpc_config = [];
    fn.change.after_unknown.vpc_config = [];
    fn.change.after.capacity_provider_config = [{ lambda_managed_instances_capacity_provider_config: [{}] }];
    fn.change.after_unknown.capacity_provider_config = [
      { lambda_managed_instances_capacity_provider_config: [{ capacity_provider_arn: true }] },
    ];
    const cfg = doc.configuration.root_module.resources.find((x: { address: string }) => x.address === "aws_lambda_function.api");
    delete cfg.expressions.vpc_config;
    cfg.expressions.capacity_provider_config = [
      {
        lambda_managed_instances_capacity_provider_config: [
          { capacity_provider_arn: { references: ["aws_lambda_capacity_provider.cp.arn", "aws_lambda_capacity_provider.cp"] } },
        ],
      },
    ];
    const body = JSON.stringify(doc);
    const m = load("managed-instances.plan.json", body);
    assert.equal(m.get("function", "aws_lambda_function.api")?.capacityProviderId, "aws_lambda_capacity_provider.cp");
    const cp = m.get("capacity-provider", "aws_lambda_capacity_provider.cp");
    assert.equal(cp?.name, "cp");
    assert.ok(cp && !isUnknown(cp.vpcConfig));
    assert.deepEqual(cp.vpcConfig.subnetIds, ["aws_subnet.public[0]", "aws_subnet.public[1]"]);
    assert.deepEqual(cp.vpcConfig.securityGroupIds, ["aws_security_group.fn"]);
    const r = checkTemplate("managed-instances.plan.json", body);
    assert.deepEqual(
      r.functions[0]?.subnets.map((x) => [x.subnet, x.destinations[0]?.verdict]),
      [
        ["aws_subnet.public[0]", "reachable"],
        ["aws_subnet.public[1]", "reachable"],
      ],
    );
  });
});

describe("terraform: values unknown until apply are never guessed", () => {
  it("an index the plan drops (var ? 0 : count.index) leaves the NAT gateway unknown, naming the ambiguity", () => {
    const r = check("nat-index-ambiguous.plan.json");
    assert.deepEqual(r.functions[0]?.summary, { internet: "unknown" });
    for (const s of r.functions[0]?.subnets ?? []) {
      const d = s.destinations[0];
      assert.equal(d?.verdict, "unknown");
      assert.match(
        d?.reason ?? "",
        /is one of the 2 instances of aws_nat_gateway\.nat, chosen by count\.index, var\.single_nat_gateway; the plan does not record which/,
      );
    }
  });

  it("a value from a local is unknown with that reason", () => {
    const doc = JSON.parse(text("nat-per-az-count.plan.json"));
    const cfg = doc.configuration.root_module.resources.find((x: { address: string }) => x.address === "aws_route.private_nat");
    cfg.expressions.nat_gateway_id = { references: ["local.nat_ids", "count.index"] };
    const m = load("local.plan.json", JSON.stringify(doc));
    const route = m.get("route-table", "aws_route_table.private[0]")?.routes.find((x) => x.target.kind === "nat-gateway");
    const id = route?.target.kind === "nat-gateway" ? route.target.id : undefined;
    assert.ok(isUnknown(id));
    assert.equal(
      id.reason,
      "aws_route.private_nat[0].nat_gateway_id comes from local.nat_ids, whose value the plan does not record (known only after apply)",
    );
  });

  it("a module's input variable is tied to what the module call passes", () => {
    const rc = (address: string, type: string, name: string, after: object, afterUnknown: object, module?: string) => ({
      address,
      ...(module ? { module_address: module } : {}),
      mode: "managed",
      type,
      name,
      provider_name: "registry.terraform.io/hashicorp/aws",
      change: { actions: ["create"], before: null, after, after_unknown: afterUnknown, before_sensitive: false, after_sensitive: {} },
    });
    const doc = {
      format_version: "1.2",
      terraform_version: "1.9.8",
      planned_values: { root_module: {} },
      resource_changes: [
        rc("aws_vpc.main", "aws_vpc", "main", { cidr_block: "10.7.0.0/16" }, { id: true }),
        rc(
          "module.net.aws_subnet.a",
          "aws_subnet",
          "a",
          { availability_zone: "us-east-1a", cidr_block: "10.7.1.0/24" },
          { id: true, vpc_id: true },
          "module.net",
        ),
      ],
      configuration: {
        root_module: {
          resources: [
            {
              address: "aws_vpc.main",
              mode: "managed",
              type: "aws_vpc",
              name: "main",
              expressions: { cidr_block: { constant_value: "10.7.0.0/16" } },
            },
          ],
          module_calls: {
            net: {
              source: "./net",
              expressions: { vpc_id: { references: ["aws_vpc.main.id", "aws_vpc.main"] } },
              module: {
                resources: [
                  {
                    address: "aws_subnet.a",
                    mode: "managed",
                    type: "aws_subnet",
                    name: "a",
                    expressions: { cidr_block: { constant_value: "10.7.1.0/24" }, vpc_id: { references: ["var.vpc_id"] } },
                  },
                ],
                variables: { vpc_id: {} },
              },
            },
          },
        },
      },
    };
    const m = load("module-var.plan.json", JSON.stringify(doc));
    assert.equal(m.get("subnet", "module.net.aws_subnet.a")?.vpcId, "aws_vpc.main");
    assert.equal(m.get("subnet", "module.net.aws_subnet.a")?.routeTableId, "aws_vpc.main.MainRouteTable");
  });

  it("constant indexes name exactly those instances; two of them for one value are ambiguous", () => {
    const doc = JSON.parse(text("nat-per-az-count.plan.json"));
    const fn = doc.configuration.root_module.resources.find((x: { address: string }) => x.address === "aws_lambda_function.api");
    fn.expressions.vpc_config[0].subnet_ids = {
      references: [
        "aws_subnet.private[1].id",
        "aws_subnet.private[1]",
        "aws_subnet.private[0].id",
        "aws_subnet.private[0]",
        "aws_subnet.private",
      ],
    };
    const route = doc.configuration.root_module.resources.find((x: { address: string }) => x.address === "aws_route.private_nat");
    route.expressions.nat_gateway_id = {
      references: [
        "aws_nat_gateway.nat[0].id",
        "aws_nat_gateway.nat[0]",
        "aws_nat_gateway.nat[1].id",
        "aws_nat_gateway.nat[1]",
        "aws_nat_gateway.nat",
      ],
    };
    const m = load("indexes.plan.json", JSON.stringify(doc));
    assert.deepEqual(m.get("function", "aws_lambda_function.api")?.vpcConfig?.subnetIds, [
      "aws_subnet.private[1]",
      "aws_subnet.private[0]",
    ]);
    const target = m.get("route-table", "aws_route_table.private[0]")?.routes.find((x) => x.target.kind === "nat-gateway")?.target;
    const id = target && "id" in target ? target.id : undefined;
    assert.ok(isUnknown(id));
    assert.match(id.reason, /may be aws_nat_gateway\.nat\[0\] or aws_nat_gateway\.nat\[1\]; the plan does not record which/);
  });

  it("a splat whose length differs from the plan's list is unknown", () => {
    const doc = JSON.parse(text("nat-per-az-count.plan.json"));
    const fn = doc.resource_changes.find((x: { address: string }) => x.address === "aws_lambda_function.api");
    fn.change.after.vpc_config[0].subnet_ids = [null, null, null];
    fn.change.after_unknown.vpc_config[0].subnet_ids = [true, true, true];
    const ids = load("splat.plan.json", JSON.stringify(doc)).get("function", "aws_lambda_function.api")?.vpcConfig?.subnetIds;
    assert.ok(isUnknown(ids));
    assert.match(ids.reason, /has 3 elements known only after apply; its expression refers to 2 instances/);
  });

  it("a deferred change leaves the model undecided: nothing is said reachable", () => {
    const doc = JSON.parse(text("nat-per-az-count.plan.json"));
    doc.deferred_changes = [
      {
        reason: "instance_count_unknown",
        resource_change: { address: "aws_route.extra", mode: "managed", type: "aws_route", name: "extra" },
      },
    ];
    doc.complete = false;
    const m = load("deferred.plan.json", JSON.stringify(doc));
    assert.equal(m.undecided.length, 1);
    assert.match(m.undecided[0]?.reason ?? "", /^Terraform deferred aws_route\.extra \(instance_count_unknown\)/);
    const r = checkTemplate("deferred.plan.json", JSON.stringify(doc));
    assert.deepEqual(r.functions[0]?.summary, { internet: "unknown" });
  });

  it("a new aws_security_group has no egress unless given (the provider revokes AWS's default rule)", () => {
    const doc = JSON.parse(text("nat-per-az-count.plan.json"));
    const sg = doc.resource_changes.find((x: { address: string }) => x.address === "aws_security_group.fn");
    delete sg.change.after.egress;
    sg.change.after_unknown.egress = true;
    const cfg = doc.configuration.root_module.resources.find((x: { address: string }) => x.address === "aws_security_group.fn");
    delete cfg.expressions.egress;
    const m = load("no-egress.plan.json", JSON.stringify(doc));
    assert.deepEqual(m.get("security-group", "aws_security_group.fn")?.egress, []);
    const r = checkTemplate("no-egress.plan.json", JSON.stringify(doc));
    assert.deepEqual(
      r.functions[0]?.subnets.map((s) => [s.destinations[0]?.verdict, s.destinations[0]?.code]),
      [
        ["unreachable", "ENI_SG_RULES_MISMATCH"],
        ["unreachable", "ENI_SG_RULES_MISMATCH"],
      ],
    );
  });

  it("the VPC's defaults are materialised; aws_default_network_acl replaces the default ACL's rules", () => {
    const doc = JSON.parse(text("nacl-no-ephemeral.state.json"));
    doc.values.root_module.resources.push({
      address: "aws_default_network_acl.default",
      mode: "managed",
      type: "aws_default_network_acl",
      name: "default",
      provider_name: "registry.terraform.io/hashicorp/aws",
      schema_version: 0,
      values: {
        default_network_acl_id: "acl-0a1b2c3d4e5f60001",
        egress: [],
        id: "acl-0a1b2c3d4e5f60001",
        ingress: [],
        subnet_ids: ["subnet-0a1b2c3d4e5f60011"],
      },
      sensitive_values: {},
    });
    const m = load("default-acl.state.json", JSON.stringify(doc));
    const acl = m.get("network-acl", "aws_vpc.main.DefaultNetworkAcl");
    assert.deepEqual(acl?.entries, []);
    assert.equal(acl?.origin.address, "aws_default_network_acl.default");
    assert.equal(m.get("subnet", "aws_subnet.public")?.networkAclId, "aws_vpc.main.DefaultNetworkAcl");
    assert.equal(m.get("route-table", "aws_vpc.main.MainRouteTable")?.isMain, true);
    assert.deepEqual(
      m.get("security-group", "aws_vpc.main.DefaultSecurityGroup")?.egress.map((x) => (x.peer.kind === "cidr" ? x.peer.cidr.text : "")),
      ["0.0.0.0/0"],
    );
  });
});

describe("terraform: addresses and references", () => {
  it("splits addresses on dots outside brackets and quotes", () => {
    assert.deepEqual(splitAddress('module.net["eu.a"].aws_subnet.az["a.b"]'), ["module", 'net["eu.a"]', "aws_subnet", 'az["a.b"]']);
  });
  it("parses references as Terraform writes them", () => {
    assert.deepEqual(parseRef("aws_subnet.private[0].id"), { kind: "resource", target: "aws_subnet.private", key: 0, attr: "id" });
    assert.deepEqual(parseRef('aws_subnet.az["a"]'), { kind: "resource", target: "aws_subnet.az", key: "a", attr: undefined });
    assert.deepEqual(parseRef("data.aws_vpc.selected.id"), {
      kind: "resource",
      target: "data.aws_vpc.selected",
      key: undefined,
      attr: "id",
    });
    assert.deepEqual(parseRef("module.vpc.private_subnets"), {
      kind: "module-output",
      call: "vpc",
      key: undefined,
      output: "private_subnets",
    });
    assert.deepEqual(parseRef("count.index"), { kind: "count.index" });
    assert.deepEqual(parseRef("each.key"), { kind: "each.key" });
    assert.deepEqual(parseRef("local.vpc_id"), { kind: "local", text: "local.vpc_id" });
    assert.deepEqual(parseRef("path.module"), { kind: "other", text: "path.module" });
  });
});

describe("terraform: the CLI detects plans and states by content", () => {
  it("check, with exit 1 on findings and the address in locations", async () => {
    const r = await runCli(["check", "test/fixtures-terraform/public-subnet-function.plan.json"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /aws_subnet\.public +us-east-1a +unreachable +IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS/);
    assert.match(r.stdout, /public-subnet-function\.plan\.json \[aws_lambda_function\.api\]/);
    const ok = await runCli(["check", "test/fixtures-terraform/nat-per-az-count.plan.json"]);
    assert.equal(ok.code, 0, ok.stdout);
  });

  it("an empty state (`terraform show -json` before any apply) has nothing to check", async () => {
    const { mkdirSync, writeFileSync } = await import("node:fs");
    const dir = join(ROOT, "dist", "tmp-tf");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "empty.json"), '{"format_version":"1.0"}\n');
    const r = await runCli(["check", join(dir, "empty.json")]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /No Lambda functions/);
  });

  it("a plan whose keys were sorted (jq -S) is still a plan", () => {
    const sortKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sortKeys)
        : v && typeof v === "object"
          ? Object.fromEntries(
              Object.entries(v)
                .sort(([a], [b]) => (a < b ? -1 : 1))
                .map(([k, x]) => [k, sortKeys(x)]),
            )
          : v;
    const sorted = JSON.stringify(sortKeys(JSON.parse(text("nat-per-az-count.plan.json"))), null, 2);
    assert.ok(!sorted.trimStart().startsWith('{\n  "format_version"'));
    assert.deepEqual(checkTemplate("sorted.json", sorted).functions[0]?.summary, { internet: "reachable" });
  });

  it("trace by address, cost in the plan's region, emulate --plan", async () => {
    const t = await runCli([
      "trace",
      "test/fixtures-terraform/cross-az.state.json",
      "--function",
      "aws_lambda_function.api",
      "--subnet",
      "aws_subnet.private_b",
    ]);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /nat-gateway +aws_nat_gateway\.a +source -> 198\.51\.100\.7/);
    const c = await runCli(["cost", "test/fixtures-terraform/nat-per-az-count.plan.json"]);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /monthly cost in eu-west-1/);
    assert.match(c.stdout, /aws_nat_gateway\.nat\[1\] +NAT gateway \(public\), per hour/);
    const e = await runCli([
      "emulate",
      "--plan",
      "test/fixtures-terraform/nat-per-az-count.plan.json",
      "--function",
      "aws_lambda_function.api",
    ]);
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /emulation plan/);
  });

  for (const [what, body, message] of [
    [
      "a format_version of an unknown major",
      '{"format_version":"2.0","values":{"root_module":{}}}',
      /format_version 2\.0; versions 0\.x and 1\.x are read/,
    ],
    ["truncated JSON", '{"format_version":"1.2","planned_values":{', /is not valid JSON/],
    ["neither plan nor state", '{"format_version":"1.0","provider_schemas":{}}', /neither a Terraform plan nor a state/],
  ] as const) {
    it(`refuses ${what} with one line and exit 2`, async () => {
      const dir = join(ROOT, "dist", "tmp-tf");
      const { mkdirSync, writeFileSync } = await import("node:fs");
      mkdirSync(dir, { recursive: true });
      const file = join(dir, "bad.json");
      writeFileSync(file, body);
      const r = await runCli(["check", file]);
      assert.equal(r.code, 2);
      assert.match(r.stderr.split("\n")[0] ?? "", message);
      assert.match(r.stderr, /bad\.json/);
      assert.ok(!/\n\s+at /.test(r.stderr), "no stack trace");
    });
  }
});

describe(
  "terraform: the real plans of ../shared/corpus-terraform",
  { skip: existsSync(CORPUS_TF) ? false : `no corpus at ${CORPUS_TF}` },
  () => {
    const file = (part: string) => {
      const name = readdirSync(CORPUS_TF).find((n) => n.includes(part));
      assert.ok(name, part);
      return join(CORPUS_TF, name);
    };
    const real = (part: string) => loadModel(file(part), readFileSync(file(part), "utf8"));

    it("every plan loads and checks without error", () => {
      for (const name of readdirSync(CORPUS_TF).filter((n) => n.endsWith(".json"))) {
        const r = checkTemplate(name, readFileSync(join(CORPUS_TF, name), "utf8"));
        assert.ok(!r.diagnostics.some((d) => d.code === "LOAD_INTERNAL"), name);
      }
    });

    it("issue-158 (terraform-aws-modules/vpc 2.15): 3 NAT gateways, each private table routed to its own by count.index", () => {
      const m = real("issue-158");
      assert.equal(m.region, "eu-west-1");
      const count = (k: Parameters<Model["all"]>[0]) => m.all(k).length;
      assert.deepEqual(
        [count("vpc"), count("subnet"), count("nat-gateway"), count("elastic-ip"), count("internet-gateway"), count("route-table")],
        [1, 6, 3, 3, 1, 5],
      );
      for (const i of [0, 1, 2]) {
        const rt = m.get("route-table", `module.vpc.aws_route_table.private[${i}]`);
        assert.deepEqual(
          rt?.routes.map((r) => (r.target.kind === "nat-gateway" ? r.target.id : r.target.kind)),
          [`module.vpc.aws_nat_gateway.this[${i}]`],
        );
      }
      assert.deepEqual(
        m
          .get("route-table", "module.vpc.aws_route_table.public[0]")
          ?.routes.map((r) => (r.target.kind === "internet-gateway" ? r.target.id : "")),
        ["module.vpc.aws_internet_gateway.this[0]"],
      );
      // The module picks each NAT gateway's subnet by `var.single_nat_gateway ? 0 : count.index`, which the plan drops.
      const subnet = m.get("nat-gateway", "module.vpc.aws_nat_gateway.this[1]")?.subnetId;
      assert.ok(isUnknown(subnet));
      assert.match(
        subnet.reason,
        /one of the 3 instances of module\.vpc\.aws_subnet\.public, chosen by count\.index, var\.single_nat_gateway/,
      );
      // The subnets' VPC comes from local.vpc_id.
      const vpc = m.get("subnet", "module.vpc.aws_subnet.private[0]")?.vpcId;
      assert.ok(isUnknown(vpc) && /local\.vpc_id/.test(vpc.reason));
      assert.equal(m.get("subnet", "module.vpc.aws_subnet.public[2]")?.routeTableId, "module.vpc.aws_route_table.public[0]");
      assert.deepEqual(
        m.diagnostics.map((d) => d.code),
        ["LOAD_UNSUPPORTED_RESOURCE"],
      );
    });

    it("issue_522: a function whose subnets are real ids outside the plan and whose security group is created", () => {
      const m = real("issue_522");
      const fn = m.get("function", "aws_lambda_function.lambda");
      const ids = fn?.vpcConfig?.subnetIds;
      assert.ok(Array.isArray(ids));
      assert.deepEqual(
        ids.map((x) => (isUnknown(x) ? x.literal : x)),
        ["subnet-081c9cbe188e2e3c5", "subnet-08a678ede68202ff3", "subnet-0bd9b444e36f39c73"],
      );
      assert.deepEqual(fn?.vpcConfig?.securityGroupIds, ["aws_security_group.lambda_sg"]);
      // The test's plan was sanitised to `role: ""`: a known empty value, not a reference to tie.
      assert.equal(fn?.roleId, null);
      assert.equal(fn?.name, "metrics-lambda-primary-lambda");
      assert.deepEqual(m.get("security-group", "aws_security_group.lambda_sg")?.egress, []);
    });

    it("issue-249: the function inside a module, an update plan with real ids, rules of aws_security_group_rule", () => {
      const m = real("issue-249");
      assert.deepEqual(
        m.functions().map((f) => f.id),
        ["module.lambda_TFUpgradeTest.aws_lambda_function.lambda"],
      );
      const fn = m.functions()[0];
      assert.equal(fn?.origin.physicalId, "MyAPP_TFUpgradeTest_SB");
      assert.equal(fn?.roleId, "aws_iam_role.lambda_role");
      assert.deepEqual(fn?.vpcConfig?.securityGroupIds, ["aws_security_group.lambda_sg"]);
      const sg = m.get("security-group", "aws_security_group.lambda_sg");
      assert.deepEqual(
        sg?.egress.map((r) => [r.protocol, r.peer.kind === "cidr" ? r.peer.cidr.text : ""]),
        [["all", "0.0.0.0/0"]],
      );
      assert.equal(sg?.origin.physicalId, "sg-041e96ff356b17d07");
      // aws_security_group_rule.outbound_internet_access names module.alb's group by its real id; the
      // group's own egress lists the same rule: one rule, from the rule resource.
      const alb = m.get("security-group", "module.alb.aws_security_group.alb");
      assert.deepEqual(
        alb?.egress.map((r) => r.origin.address),
        ["aws_security_group_rule.outbound_internet_access"],
      );
      // Dependencies follow the module's input variables to what the call passes.
      assert.ok(m.dependencies("module.lambda_TFUpgradeTest.aws_lambda_function.lambda").has("aws_iam_role.lambda_role"));
      // The role's ENI permissions come from a separate aws_iam_role_policy the function does not depend on.
      const r = checkTemplate("issue-249.json", readFileSync(file("issue-249"), "utf8"));
      const dep = r.findings.find((f) => f.rule === "function-missing-policy-dependency");
      assert.equal(
        dep?.fix,
        "Add depends_on = [aws_iam_role_policy.lambda_role_policy] to module.lambda_TFUpgradeTest.aws_lambda_function.lambda (or attach the permissions to aws_iam_role.lambda_role itself).",
      );
      assert.match(dep?.message ?? "", /Terraform may create the function first/);
      // Terraform 0.12's prior_state leaves module paths out of child module addresses: read with them.
      assert.equal(m.get("security-group", "aws_security_group.sg_asg"), undefined);
      assert.ok(m.get("security-group", "module.myapp-asg.aws_security_group.sg_asg"));
    });

    it("pull_330: a NAT gateway whose allocation_id names a VPC is an error; a rule for a group outside the plan is said so", () => {
      const m = real("pull_330");
      const nat = m.get("nat-gateway", "aws_nat_gateway.gw");
      assert.equal(nat?.subnetId, "aws_subnet.test");
      assert.deepEqual(
        nat?.addresses.map((a) => a.kind),
        ["unknown"],
      );
      assert.deepEqual(
        m.diagnostics.map((d) => `${d.code} ${d.resource}`),
        [
          "LOAD_UNSUPPORTED_RESOURCE aws_customer_gateway.main",
          "LOAD_UNSUPPORTED_RESOURCE aws_vpn_gateway.main",
          "LOAD_INVALID_VALUE aws_nat_gateway.gw",
          "LOAD_UNRESOLVED aws_security_group_rule.allow_all",
        ],
      );
      assert.deepEqual(
        m.get("security-group", "aws_security_group.allow_all_egress")?.egress.map((r) => [r.protocol, r.ports]),
        [[6, { from: 443, to: 443 }]],
      );
    });
  },
);
