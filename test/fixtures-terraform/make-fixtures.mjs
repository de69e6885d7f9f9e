// Writes the Terraform fixtures of this directory (plan and state JSON as `terraform show -json`
// prints them, format_version 1.2, Terraform 1.9). Each resource is written once, by hand, with
// its configuration expressions; this script only keeps the redundant parts of the format
// consistent: a plan's resource_changes (after / after_unknown / after_sensitive),
// planned_values (known values only) and configuration; a state's values. Run it with
// `node test/fixtures-terraform/make-fixtures.mjs` after changing a fixture below.
//
// Format: https://developer.hashicorp.com/terraform/internals/json-format (plan representation,
// values representation, expression representation). References are written as Terraform 1.x
// writes them: `aws_vpc.main.id` -> ["aws_vpc.main.id", "aws_vpc.main"]; an index that is not a
// constant is dropped (`aws_subnet.public[count.index].id` -> ["aws_subnet.public", "count.index"]);
// a splat keeps the resource only (`aws_subnet.private[*].id` -> ["aws_subnet.private"]).
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const DIR = dirname(fileURLToPath(import.meta.url));
const PROVIDER = "registry.terraform.io/hashicorp/aws";
const U = { unknown: true }; // a value known only after apply

const ref = (...r) => ({ references: r });
const c = (v) => ({ constant_value: v });
const attr = (res, a) => ref(`${res}.${a}`, res);

const ASSUME = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" } }],
});
const VPC_ACCESS = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";

/**
 * after and after_unknown of a value: an unknown attribute is left out of `after` (an unknown list
 * element is null) and is `true` in `after_unknown`, which also keeps the containers around it.
 */
function split(v) {
  if (v === U) return [undefined, true];
  if (Array.isArray(v)) {
    const parts = v.map(split);
    const unk = parts.map(([, u]) => u);
    return [parts.map(([a]) => (a === undefined ? null : a)), unk.some((u) => u !== false) ? unk : []];
  }
  if (v && typeof v === "object") {
    const after = {};
    const unk = {};
    for (const [k, x] of Object.entries(v)) {
      const [a, u] = split(x);
      if (a !== undefined) after[k] = a;
      if (u !== false) unk[k] = u;
    }
    return [after, unk];
  }
  return [v, false];
}

/** The sensitive_values / after_sensitive shape: empty containers where the value has containers. */
function shape(v) {
  if (Array.isArray(v)) return v.map(shape).some((x) => x !== false) ? v.map(shape) : [];
  if (v && typeof v === "object") {
    const o = {};
    for (const [k, x] of Object.entries(v)) if (x && typeof x === "object") o[k] = shape(x);
    return o;
  }
  return false;
}

function moduleOf(address) {
  const m = /^(.*)\.(data\.)?[a-z0-9_]+\.[a-z0-9_-]+(\[[^\]]+\])?$/.exec(address);
  return m && m[1].startsWith("module.") ? m[1] : "";
}

function instance(r) {
  const module = moduleOf(r.address);
  const local = module ? r.address.slice(module.length + 1) : r.address;
  const m = /^(?:data\.)?([a-z0-9_]+)\.([a-z0-9_-]+)(?:\[(.+)\])?$/.exec(local);
  const index = m[3] === undefined ? undefined : JSON.parse(m[3]);
  return { module, type: m[1], name: m[2], index, mode: local.startsWith("data.") ? "data" : "managed" };
}

function plannedModules(resources, valuesOf) {
  const byModule = new Map();
  for (const r of resources) {
    const i = instance(r);
    const list = byModule.get(i.module) ?? [];
    list.push({
      address: r.address,
      mode: i.mode,
      type: i.type,
      name: i.name,
      ...(i.index !== undefined ? { index: i.index } : {}),
      provider_name: PROVIDER,
      schema_version: r.schema ?? 0,
      values: valuesOf(r),
      sensitive_values: shape(valuesOf(r)),
    });
    byModule.set(i.module, list);
  }
  const root = { resources: byModule.get("") ?? [] };
  const children = [...byModule.keys()].filter((k) => k !== "").sort();
  if (children.length > 0) root.child_modules = children.map((address) => ({ resources: byModule.get(address), address }));
  return root;
}

function configModule(cfg) {
  const out = {};
  if (cfg.outputs) out.outputs = cfg.outputs;
  out.resources = (cfg.resources ?? []).map((r) => {
    const [, type, name] = /^(?:data\.)?([a-z0-9_]+)\.([a-z0-9_-]+)$/.exec(r.address);
    return {
      address: r.address,
      mode: r.address.startsWith("data.") ? "data" : "managed",
      type,
      name,
      provider_config_key: "aws",
      expressions: r.expressions ?? {},
      schema_version: r.schema ?? 0,
      ...(r.count ? { count_expression: r.count } : {}),
      ...(r.for_each ? { for_each_expression: r.for_each } : {}),
      ...(r.depends_on ? { depends_on: r.depends_on } : {}),
    };
  });
  if (cfg.module_calls) {
    out.module_calls = Object.fromEntries(
      Object.entries(cfg.module_calls).map(([k, m]) => [
        k,
        { source: m.source, ...(m.expressions ? { expressions: m.expressions } : {}), module: configModule(m.module) },
      ]),
    );
  }
  if (cfg.variables) out.variables = cfg.variables;
  return out;
}

function plan({ region, resources, config, variables }) {
  const doc = {
    format_version: "1.2",
    terraform_version: "1.9.8",
    ...(variables ? { variables } : {}),
    planned_values: { root_module: plannedModules(resources, (r) => split(r.after)[0]) },
    resource_changes: resources.map((r) => {
      const i = instance(r);
      const [after, afterUnknown] = split(r.after);
      return {
        address: r.address,
        ...(i.module ? { module_address: i.module } : {}),
        mode: i.mode,
        type: i.type,
        name: i.name,
        ...(i.index !== undefined ? { index: i.index } : {}),
        provider_name: PROVIDER,
        change: {
          actions: ["create"],
          before: null,
          after,
          after_unknown: afterUnknown,
          before_sensitive: false,
          after_sensitive: shape(after),
        },
      };
    }),
    configuration: {
      provider_config: { aws: { name: "aws", full_name: PROVIDER, expressions: { region: c(region) } } },
      root_module: configModule(config),
    },
    timestamp: "2026-12-01T09:00:00Z",
    applyable: true,
    complete: true,
    errored: false,
  };
  return doc;
}

function state({ resources }) {
  return {
    format_version: "1.0",
    terraform_version: "1.9.8",
    values: {
      root_module: plannedModules(resources, (r) => r.after),
    },
  };
}

const write = (name, doc) => writeFileSync(join(DIR, name), `${JSON.stringify(doc, null, 2)}\n`);

// ---- shared pieces -------------------------------------------------------------------------------

const vpc = (cidr, extra = {}) => ({
  address: "aws_vpc.main",
  schema: 1,
  after: {
    arn: U,
    assign_generated_ipv6_cidr_block: null,
    cidr_block: cidr,
    default_network_acl_id: U,
    default_route_table_id: U,
    default_security_group_id: U,
    dhcp_options_id: U,
    enable_dns_hostnames: true,
    enable_dns_support: true,
    enable_network_address_usage_metrics: U,
    id: U,
    instance_tenancy: "default",
    ipv4_ipam_pool_id: null,
    ipv4_netmask_length: null,
    ipv6_association_id: U,
    ipv6_cidr_block: U,
    ipv6_cidr_block_network_border_group: U,
    ipv6_ipam_pool_id: null,
    ipv6_netmask_length: null,
    main_route_table_id: U,
    owner_id: U,
    tags: null,
    tags_all: U,
    ...extra,
  },
});
const vpcConfig = (cidr) => ({ address: "aws_vpc.main", schema: 1, expressions: { cidr_block: c(cidr), enable_dns_hostnames: c(true) } });

const subnet = (address, cidr, az, extra = {}) => ({
  address,
  schema: 1,
  after: {
    arn: U,
    assign_ipv6_address_on_creation: false,
    availability_zone: az,
    availability_zone_id: U,
    cidr_block: cidr,
    customer_owned_ipv4_pool: null,
    enable_dns64: false,
    enable_resource_name_dns_a_record_on_launch: false,
    enable_resource_name_dns_aaaa_record_on_launch: false,
    id: U,
    ipv6_cidr_block: null,
    ipv6_cidr_block_association_id: U,
    ipv6_native: false,
    map_customer_owned_ip_on_launch: null,
    map_public_ip_on_launch: false,
    outpost_arn: null,
    owner_id: U,
    private_dns_hostname_type_on_launch: U,
    tags: null,
    tags_all: U,
    timeouts: null,
    vpc_id: U,
    ...extra,
  },
});

const igw = { address: "aws_internet_gateway.gw", after: { arn: U, id: U, owner_id: U, tags: null, tags_all: U, timeouts: null, vpc_id: U } };
const igwConfig = { address: "aws_internet_gateway.gw", expressions: { vpc_id: attr("aws_vpc.main", "id") } };

const eip = (address) => ({
  address,
  after: {
    address: null,
    allocation_id: U,
    arn: U,
    associate_with_private_ip: null,
    association_id: U,
    carrier_ip: U,
    customer_owned_ip: U,
    customer_owned_ipv4_pool: null,
    domain: "vpc",
    id: U,
    instance: U,
    ipam_pool_id: null,
    network_border_group: U,
    network_interface: U,
    private_dns: U,
    private_ip: U,
    ptr_record: U,
    public_dns: U,
    public_ip: U,
    public_ipv4_pool: U,
    tags: null,
    tags_all: U,
    timeouts: null,
  },
});

const nat = (address) => ({
  address,
  after: {
    allocation_id: U,
    association_id: U,
    connectivity_type: "public",
    id: U,
    network_interface_id: U,
    private_ip: U,
    public_ip: U,
    secondary_allocation_ids: U,
    secondary_private_ip_address_count: U,
    secondary_private_ip_addresses: U,
    subnet_id: U,
    tags: null,
    tags_all: U,
    timeouts: null,
  },
});

const routeTable = (address, routes) => ({
  address,
  after: {
    arn: U,
    id: U,
    owner_id: U,
    propagating_vgws: U,
    route: routes,
    tags: null,
    tags_all: U,
    timeouts: null,
    vpc_id: U,
  },
});

/** An inline `route` element: every attribute of the set's object type, the ones configured as given. */
const inlineRoute = (given) => ({
  carrier_gateway_id: "",
  cidr_block: "",
  core_network_arn: "",
  destination_prefix_list_id: "",
  egress_only_gateway_id: "",
  gateway_id: "",
  ipv6_cidr_block: "",
  local_gateway_id: "",
  nat_gateway_id: "",
  network_interface_id: "",
  transit_gateway_id: "",
  vpc_endpoint_id: "",
  vpc_peering_connection_id: "",
  ...given,
});

const route = (address, dest) => ({
  address,
  after: {
    carrier_gateway_id: null,
    core_network_arn: null,
    destination_cidr_block: dest,
    destination_ipv6_cidr_block: null,
    destination_prefix_list_id: null,
    egress_only_gateway_id: U,
    gateway_id: U,
    id: U,
    instance_id: U,
    instance_owner_id: U,
    local_gateway_id: null,
    nat_gateway_id: U,
    network_interface_id: U,
    origin: U,
    route_table_id: U,
    state: U,
    timeouts: null,
    transit_gateway_id: null,
    vpc_endpoint_id: null,
    vpc_peering_connection_id: null,
  },
});

const association = (address) => ({ address, after: { gateway_id: null, id: U, route_table_id: U, subnet_id: U, timeouts: null } });

const sgRule = (given) => ({
  cidr_blocks: [],
  description: "",
  from_port: 0,
  ipv6_cidr_blocks: [],
  prefix_list_ids: [],
  protocol: "-1",
  security_groups: [],
  self: false,
  to_port: 0,
  ...given,
});
const securityGroup = (address, name, egress, ingress = []) => ({
  address,
  schema: 1,
  after: {
    arn: U,
    description: "Managed by Terraform",
    egress,
    id: U,
    ingress,
    name,
    name_prefix: U,
    owner_id: U,
    revoke_rules_on_delete: false,
    tags: null,
    tags_all: U,
    timeouts: null,
    vpc_id: U,
  },
});
const allOut = sgRule({ cidr_blocks: ["0.0.0.0/0"] });

const role = {
  address: "aws_iam_role.fn",
  after: {
    arn: U,
    assume_role_policy: ASSUME,
    create_date: U,
    description: null,
    force_detach_policies: false,
    id: U,
    inline_policy: U,
    managed_policy_arns: U,
    max_session_duration: 3600,
    name: "api-fn",
    name_prefix: U,
    path: "/",
    permissions_boundary: null,
    tags: null,
    tags_all: U,
    unique_id: U,
  },
};
const attachment = { address: "aws_iam_role_policy_attachment.vpc_access", after: { id: U, policy_arn: VPC_ACCESS, role: "api-fn" } };
const iamConfig = [
  { address: "aws_iam_role.fn", expressions: { assume_role_policy: c(ASSUME), name: c("api-fn") } },
  {
    address: "aws_iam_role_policy_attachment.vpc_access",
    expressions: { policy_arn: c(VPC_ACCESS), role: attr("aws_iam_role.fn", "name") },
  },
];

const lambda = (vpcConfigAfter) => ({
  address: "aws_lambda_function.api",
  after: {
    architectures: U,
    arn: U,
    code_sha256: U,
    code_signing_config_arn: null,
    dead_letter_config: [],
    description: null,
    environment: [{ variables: { PARTNER_URL: "https://partner.example.com" } }],
    ephemeral_storage: U,
    file_system_config: [],
    filename: "build/api.zip",
    function_name: "api",
    handler: "index.handler",
    id: U,
    image_config: [],
    image_uri: null,
    invoke_arn: U,
    kms_key_arn: null,
    last_modified: U,
    layers: null,
    logging_config: U,
    memory_size: 128,
    package_type: "Zip",
    publish: false,
    qualified_arn: U,
    qualified_invoke_arn: U,
    replace_security_groups_on_destroy: null,
    replacement_security_group_ids: null,
    reserved_concurrent_executions: -1,
    role: U,
    runtime: "nodejs20.x",
    s3_bucket: null,
    s3_key: null,
    s3_object_version: null,
    signing_job_arn: U,
    signing_profile_version_arn: U,
    skip_destroy: false,
    snap_start: [],
    source_code_hash: U,
    source_code_size: U,
    tags: null,
    tags_all: U,
    timeout: 10,
    timeouts: null,
    tracing_config: U,
    version: U,
    vpc_config: [vpcConfigAfter],
  },
});
const lambdaConfig = (subnetIds, extra = {}) => ({
  address: "aws_lambda_function.api",
  expressions: {
    environment: [{ variables: c({ PARTNER_URL: "https://partner.example.com" }) }],
    filename: c("build/api.zip"),
    function_name: c("api"),
    handler: c("index.handler"),
    role: attr("aws_iam_role.fn", "arn"),
    runtime: c("nodejs20.x"),
    timeout: c(10),
    vpc_config: [{ security_group_ids: ref("aws_security_group.fn.id", "aws_security_group.fn"), subnet_ids: subnetIds, ...extra }],
  },
  depends_on: ["aws_iam_role_policy_attachment.vpc_access"],
});
const fnSgConfig = {
  address: "aws_security_group.fn",
  schema: 1,
  expressions: {
    egress: [{ cidr_blocks: c(["0.0.0.0/0"]), from_port: c(0), protocol: c("-1"), to_port: c(0) }],
    name: c("api-fn"),
    vpc_id: attr("aws_vpc.main", "id"),
  },
};

// ---- nat-per-az-count: two AZs, a NAT gateway per AZ, everything with count ---------------------

{
  const azs = ["eu-west-1a", "eu-west-1b"];
  const resources = [
    vpc("10.0.0.0/16"),
    ...azs.map((az, i) => subnet(`aws_subnet.public[${i}]`, `10.0.${i}.0/24`, az, { map_public_ip_on_launch: true })),
    ...azs.map((az, i) => subnet(`aws_subnet.private[${i}]`, `10.0.${10 + i}.0/24`, az)),
    igw,
    ...azs.map((_az, i) => eip(`aws_eip.nat[${i}]`)),
    ...azs.map((_az, i) => nat(`aws_nat_gateway.nat[${i}]`)),
    routeTable("aws_route_table.public", [inlineRoute({ cidr_block: "0.0.0.0/0", gateway_id: U })]),
    ...azs.map((_az, i) => routeTable(`aws_route_table.private[${i}]`, U)),
    ...azs.map((_az, i) => route(`aws_route.private_nat[${i}]`, "0.0.0.0/0")),
    ...azs.map((_az, i) => association(`aws_route_table_association.public[${i}]`)),
    ...azs.map((_az, i) => association(`aws_route_table_association.private[${i}]`)),
    securityGroup("aws_security_group.fn", "api-fn", [allOut]),
    role,
    attachment,
    lambda({ ipv6_allowed_for_dual_stack: false, security_group_ids: U, subnet_ids: U, vpc_id: U }),
  ];
  const count = ref("var.azs");
  const config = {
    resources: [
      vpcConfig("10.0.0.0/16"),
      {
        address: "aws_subnet.public",
        schema: 1,
        count,
        expressions: {
          availability_zone: ref("var.azs", "count.index"),
          cidr_block: ref("aws_vpc.main.cidr_block", "aws_vpc.main", "count.index"),
          map_public_ip_on_launch: c(true),
          vpc_id: attr("aws_vpc.main", "id"),
        },
      },
      {
        address: "aws_subnet.private",
        schema: 1,
        count,
        expressions: {
          availability_zone: ref("var.azs", "count.index"),
          cidr_block: ref("aws_vpc.main.cidr_block", "aws_vpc.main", "count.index"),
          vpc_id: attr("aws_vpc.main", "id"),
        },
      },
      igwConfig,
      { address: "aws_eip.nat", count, expressions: { domain: c("vpc") } },
      {
        address: "aws_nat_gateway.nat",
        count,
        expressions: {
          allocation_id: ref("aws_eip.nat", "count.index"),
          subnet_id: ref("aws_subnet.public", "count.index"),
        },
      },
      {
        address: "aws_route_table.public",
        expressions: {
          route: [{ cidr_block: c("0.0.0.0/0"), gateway_id: attr("aws_internet_gateway.gw", "id") }],
          vpc_id: attr("aws_vpc.main", "id"),
        },
      },
      { address: "aws_route_table.private", count, expressions: { vpc_id: attr("aws_vpc.main", "id") } },
      {
        address: "aws_route.private_nat",
        count,
        expressions: {
          destination_cidr_block: c("0.0.0.0/0"),
          nat_gateway_id: ref("aws_nat_gateway.nat", "count.index"),
          route_table_id: ref("aws_route_table.private", "count.index"),
        },
      },
      {
        address: "aws_route_table_association.public",
        count,
        expressions: {
          route_table_id: attr("aws_route_table.public", "id"),
          subnet_id: ref("aws_subnet.public", "count.index"),
        },
      },
      {
        address: "aws_route_table_association.private",
        count,
        expressions: {
          route_table_id: ref("aws_route_table.private", "count.index"),
          subnet_id: ref("aws_subnet.private", "count.index"),
        },
      },
      fnSgConfig,
      ...iamConfig,
      lambdaConfig(ref("aws_subnet.private")),
    ],
    variables: { azs: { default: azs } },
  };
  write("nat-per-az-count.plan.json", plan({ region: "eu-west-1", resources, config, variables: { azs: { value: azs } } }));

  // The same network where the private tables pick their NAT gateway through a variable
  // (terraform-aws-modules/vpc's `var.single_nat_gateway ? 0 : count.index`): the plan drops the
  // index logic, so which NAT gateway each table uses is not certain.
  const ambiguous = structuredClone(config);
  const r = ambiguous.resources.find((x) => x.address === "aws_route.private_nat");
  r.expressions.nat_gateway_id = ref("aws_nat_gateway.nat", "var.single_nat_gateway", "count.index");
  write(
    "nat-index-ambiguous.plan.json",
    plan({ region: "eu-west-1", resources, config: ambiguous, variables: { azs: { value: azs }, single_nat_gateway: { value: false } } }),
  );
}

// ---- module-single-nat: a module-built VPC with one NAT gateway, the function in the root ---------
// A local module shaped like terraform-aws-modules/vpc with single_nat_gateway, written with
// constant indexes (`aws_subnet.public[0].id`), which the plan records.

{
  const azs = ["eu-west-1a", "eu-west-1b"];
  const m = (x) => ({ ...x, address: `module.vpc.${x.address}` });
  const resources = [
    m({ ...vpc("10.20.0.0/16"), address: "aws_vpc.this[0]" }),
    ...azs.map((az, i) => m(subnet(`aws_subnet.public[${i}]`, `10.20.${i}.0/24`, az, { map_public_ip_on_launch: true }))),
    ...azs.map((az, i) => m(subnet(`aws_subnet.private[${i}]`, `10.20.${10 + i}.0/24`, az))),
    m(igw),
    m(eip("aws_eip.nat[0]")),
    m(nat("aws_nat_gateway.this[0]")),
    m(routeTable("aws_route_table.public[0]", U)),
    m(routeTable("aws_route_table.private[0]", U)),
    m(route("aws_route.public_internet_gateway[0]", "0.0.0.0/0")),
    m(route("aws_route.private_nat_gateway[0]", "0.0.0.0/0")),
    ...azs.map((_az, i) => m(association(`aws_route_table_association.public[${i}]`))),
    ...azs.map((_az, i) => m(association(`aws_route_table_association.private[${i}]`))),
    securityGroup("aws_security_group.fn", "api-fn", [allOut]),
    role,
    attachment,
    lambda({ ipv6_allowed_for_dual_stack: false, security_group_ids: U, subnet_ids: U, vpc_id: U }),
  ];
  const vpcModule = {
    outputs: {
      private_subnets: { expression: ref("aws_subnet.private"), description: "List of IDs of private subnets" },
      vpc_id: { expression: ref("aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this") },
    },
    resources: [
      { ...vpcConfig("10.20.0.0/16"), address: "aws_vpc.this", count: ref("var.create_vpc") },
      {
        address: "aws_subnet.public",
        schema: 1,
        count: ref("var.public_subnets"),
        expressions: {
          availability_zone: ref("var.azs", "count.index"),
          cidr_block: ref("var.public_subnets", "count.index"),
          map_public_ip_on_launch: c(true),
          vpc_id: ref("aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this"),
        },
      },
      {
        address: "aws_subnet.private",
        schema: 1,
        count: ref("var.private_subnets"),
        expressions: {
          availability_zone: ref("var.azs", "count.index"),
          cidr_block: ref("var.private_subnets", "count.index"),
          vpc_id: ref("aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this"),
        },
      },
      {
        address: "aws_internet_gateway.gw",
        expressions: { vpc_id: ref("aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this") },
      },
      { address: "aws_eip.nat", count: ref("local.nat_gateway_count"), expressions: { domain: c("vpc") } },
      {
        address: "aws_nat_gateway.this",
        count: ref("local.nat_gateway_count"),
        expressions: {
          allocation_id: ref("aws_eip.nat[0].id", "aws_eip.nat[0]", "aws_eip.nat"),
          subnet_id: ref("aws_subnet.public[0].id", "aws_subnet.public[0]", "aws_subnet.public"),
        },
      },
      { address: "aws_route_table.public", count: ref("var.public_subnets"), expressions: { vpc_id: ref("aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this") } },
      { address: "aws_route_table.private", count: ref("local.nat_gateway_count"), expressions: { vpc_id: ref("aws_vpc.this[0].id", "aws_vpc.this[0]", "aws_vpc.this") } },
      {
        address: "aws_route.public_internet_gateway",
        count: ref("var.public_subnets"),
        expressions: {
          destination_cidr_block: c("0.0.0.0/0"),
          gateway_id: ref("aws_internet_gateway.gw.id", "aws_internet_gateway.gw"),
          route_table_id: ref("aws_route_table.public[0].id", "aws_route_table.public[0]", "aws_route_table.public"),
        },
      },
      {
        address: "aws_route.private_nat_gateway",
        count: ref("local.nat_gateway_count"),
        expressions: {
          destination_cidr_block: c("0.0.0.0/0"),
          nat_gateway_id: ref("aws_nat_gateway.this", "count.index"),
          route_table_id: ref("aws_route_table.private", "count.index"),
        },
      },
      {
        address: "aws_route_table_association.public",
        count: ref("var.public_subnets"),
        expressions: {
          route_table_id: ref("aws_route_table.public[0].id", "aws_route_table.public[0]", "aws_route_table.public"),
          subnet_id: ref("aws_subnet.public", "count.index"),
        },
      },
      {
        address: "aws_route_table_association.private",
        count: ref("var.private_subnets"),
        expressions: {
          route_table_id: ref("aws_route_table.private[0].id", "aws_route_table.private[0]", "aws_route_table.private"),
          subnet_id: ref("aws_subnet.private", "count.index"),
        },
      },
    ],
    variables: {
      azs: { default: [] },
      create_vpc: { default: true },
      private_subnets: { default: [] },
      public_subnets: { default: [] },
      single_nat_gateway: { default: false },
    },
  };
  const config = {
    resources: [
      { ...fnSgConfig, expressions: { ...fnSgConfig.expressions, vpc_id: ref("module.vpc.vpc_id", "module.vpc") } },
      ...iamConfig,
      lambdaConfig(ref("module.vpc.private_subnets", "module.vpc")),
    ],
    module_calls: {
      vpc: {
        source: "./modules/vpc",
        expressions: {
          azs: c(azs),
          cidr: c("10.20.0.0/16"),
          private_subnets: c(["10.20.10.0/24", "10.20.11.0/24"]),
          public_subnets: c(["10.20.0.0/24", "10.20.1.0/24"]),
          single_nat_gateway: c(true),
        },
        module: vpcModule,
      },
    },
  };
  write("module-single-nat.plan.json", plan({ region: "eu-west-1", resources, config }));
}

// ---- for-each-subnets: subnets keyed by AZ letter, the function in both ---------------------------

{
  const keys = { a: "us-east-1a", b: "us-east-1b" };
  const resources = [
    vpc("10.1.0.0/16"),
    subnet("aws_subnet.public", "10.1.0.0/24", "us-east-1a", { map_public_ip_on_launch: true }),
    ...Object.entries(keys).map(([k, az], i) => subnet(`aws_subnet.private["${k}"]`, `10.1.${10 + i}.0/24`, az)),
    igw,
    eip("aws_eip.nat"),
    nat("aws_nat_gateway.nat"),
    routeTable("aws_route_table.public", [inlineRoute({ cidr_block: "0.0.0.0/0", gateway_id: U })]),
    routeTable("aws_route_table.private", [inlineRoute({ cidr_block: "0.0.0.0/0", nat_gateway_id: U })]),
    association("aws_route_table_association.public"),
    ...Object.keys(keys).map((k) => association(`aws_route_table_association.private["${k}"]`)),
    securityGroup("aws_security_group.fn", "api-fn", [allOut]),
    role,
    attachment,
    lambda({ ipv6_allowed_for_dual_stack: false, security_group_ids: U, subnet_ids: U, vpc_id: U }),
  ];
  const config = {
    resources: [
      vpcConfig("10.1.0.0/16"),
      {
        address: "aws_subnet.public",
        schema: 1,
        expressions: {
          availability_zone: c("us-east-1a"),
          cidr_block: c("10.1.0.0/24"),
          map_public_ip_on_launch: c(true),
          vpc_id: attr("aws_vpc.main", "id"),
        },
      },
      {
        address: "aws_subnet.private",
        schema: 1,
        for_each: ref("local.private_subnets"),
        expressions: {
          availability_zone: ref("each.value.az", "each.value"),
          cidr_block: ref("each.value.cidr", "each.value"),
          vpc_id: attr("aws_vpc.main", "id"),
        },
      },
      igwConfig,
      { address: "aws_eip.nat", expressions: { domain: c("vpc") } },
      {
        address: "aws_nat_gateway.nat",
        expressions: { allocation_id: attr("aws_eip.nat", "id"), subnet_id: attr("aws_subnet.public", "id") },
      },
      {
        address: "aws_route_table.public",
        expressions: {
          route: [{ cidr_block: c("0.0.0.0/0"), gateway_id: attr("aws_internet_gateway.gw", "id") }],
          vpc_id: attr("aws_vpc.main", "id"),
        },
      },
      {
        address: "aws_route_table.private",
        expressions: {
          route: [{ cidr_block: c("0.0.0.0/0"), nat_gateway_id: attr("aws_nat_gateway.nat", "id") }],
          vpc_id: attr("aws_vpc.main", "id"),
        },
      },
      {
        address: "aws_route_table_association.public",
        expressions: { route_table_id: attr("aws_route_table.public", "id"), subnet_id: attr("aws_subnet.public", "id") },
      },
      {
        address: "aws_route_table_association.private",
        for_each: ref("aws_subnet.private"),
        expressions: { route_table_id: attr("aws_route_table.private", "id"), subnet_id: ref("aws_subnet.private", "each.key") },
      },
      fnSgConfig,
      ...iamConfig,
      // subnet_ids = [for s in aws_subnet.private : s.id]
      lambdaConfig(ref("aws_subnet.private")),
    ],
  };
  write("for-each-subnets.plan.json", plan({ region: "us-east-1", resources, config }));
}

// ---- public-subnet-function: the classic mistake, the function in the public subnet -------------

{
  const resources = [
    vpc("10.2.0.0/16"),
    subnet("aws_subnet.public", "10.2.0.0/24", "us-east-1a", { map_public_ip_on_launch: true }),
    igw,
    routeTable("aws_route_table.public", [inlineRoute({ cidr_block: "0.0.0.0/0", gateway_id: U })]),
    association("aws_route_table_association.public"),
    securityGroup("aws_security_group.fn", "api-fn", [allOut]),
    role,
    attachment,
    lambda({ ipv6_allowed_for_dual_stack: false, security_group_ids: U, subnet_ids: [U], vpc_id: U }),
  ];
  const config = {
    resources: [
      vpcConfig("10.2.0.0/16"),
      {
        address: "aws_subnet.public",
        schema: 1,
        expressions: {
          availability_zone: c("us-east-1a"),
          cidr_block: c("10.2.0.0/24"),
          map_public_ip_on_launch: c(true),
          vpc_id: attr("aws_vpc.main", "id"),
        },
      },
      igwConfig,
      {
        address: "aws_route_table.public",
        expressions: {
          route: [{ cidr_block: c("0.0.0.0/0"), gateway_id: attr("aws_internet_gateway.gw", "id") }],
          vpc_id: attr("aws_vpc.main", "id"),
        },
      },
      {
        address: "aws_route_table_association.public",
        expressions: { route_table_id: attr("aws_route_table.public", "id"), subnet_id: attr("aws_subnet.public", "id") },
      },
      fnSgConfig,
      ...iamConfig,
      lambdaConfig(ref("aws_subnet.public.id", "aws_subnet.public")),
    ],
  };
  // subnet_ids = [aws_subnet.public.id]: a list of one element known only after apply.
  write("public-subnet-function.plan.json", plan({ region: "us-east-1", resources, config }));
}

// ---- nacl-no-ephemeral: a state; the private subnet's NACL lets 443 out but nothing back ----------

{
  const s = (address, after) => ({ address, after });
  const resources = [
    s("aws_vpc.main", {
      arn: "arn:aws:ec2:us-east-1:111122223333:vpc/vpc-0a1b2c3d4e5f60001",
      assign_generated_ipv6_cidr_block: false,
      cidr_block: "10.3.0.0/16",
      default_network_acl_id: "acl-0a1b2c3d4e5f60001",
      default_route_table_id: "rtb-0a1b2c3d4e5f60001",
      default_security_group_id: "sg-0a1b2c3d4e5f60001",
      enable_dns_hostnames: true,
      enable_dns_support: true,
      id: "vpc-0a1b2c3d4e5f60001",
      instance_tenancy: "default",
      ipv6_association_id: "",
      ipv6_cidr_block: "",
      main_route_table_id: "rtb-0a1b2c3d4e5f60001",
      owner_id: "111122223333",
      tags: {},
      tags_all: {},
    }),
    ...[
      ["aws_subnet.public", "subnet-0a1b2c3d4e5f60011", "10.3.0.0/24", true],
      ["aws_subnet.private", "subnet-0a1b2c3d4e5f60012", "10.3.10.0/24", false],
    ].map(([address, id, cidr, pub]) =>
      s(address, {
        arn: `arn:aws:ec2:us-east-1:111122223333:subnet/${id}`,
        availability_zone: "us-east-1a",
        availability_zone_id: "use1-az1",
        cidr_block: cidr,
        id,
        ipv6_cidr_block: "",
        ipv6_native: false,
        map_public_ip_on_launch: pub,
        vpc_id: "vpc-0a1b2c3d4e5f60001",
      }),
    ),
    s("aws_internet_gateway.gw", { id: "igw-0a1b2c3d4e5f60001", vpc_id: "vpc-0a1b2c3d4e5f60001" }),
    s("aws_eip.nat", { allocation_id: "eipalloc-0a1b2c3d4e5f60001", domain: "vpc", id: "eipalloc-0a1b2c3d4e5f60001", public_ip: "203.0.113.25" }),
    s("aws_nat_gateway.nat", {
      allocation_id: "eipalloc-0a1b2c3d4e5f60001",
      connectivity_type: "public",
      id: "nat-0a1b2c3d4e5f60001",
      public_ip: "203.0.113.25",
      subnet_id: "subnet-0a1b2c3d4e5f60011",
    }),
    s("aws_route_table.public", {
      id: "rtb-0a1b2c3d4e5f60011",
      route: [inlineRoute({ cidr_block: "0.0.0.0/0", gateway_id: "igw-0a1b2c3d4e5f60001" })],
      vpc_id: "vpc-0a1b2c3d4e5f60001",
    }),
    s("aws_route_table.private", {
      id: "rtb-0a1b2c3d4e5f60012",
      route: [inlineRoute({ cidr_block: "0.0.0.0/0", nat_gateway_id: "nat-0a1b2c3d4e5f60001" })],
      vpc_id: "vpc-0a1b2c3d4e5f60001",
    }),
    s("aws_route_table_association.public", { id: "rtbassoc-0a1b2c3d4e5f60011", route_table_id: "rtb-0a1b2c3d4e5f60011", subnet_id: "subnet-0a1b2c3d4e5f60011" }),
    s("aws_route_table_association.private", { id: "rtbassoc-0a1b2c3d4e5f60012", route_table_id: "rtb-0a1b2c3d4e5f60012", subnet_id: "subnet-0a1b2c3d4e5f60012" }),
    s("aws_network_acl.private", {
      arn: "arn:aws:ec2:us-east-1:111122223333:network-acl/acl-0a1b2c3d4e5f60012",
      egress: [{ action: "allow", cidr_block: "0.0.0.0/0", from_port: 443, icmp_code: 0, icmp_type: 0, ipv6_cidr_block: "", protocol: "6", rule_no: 100, to_port: 443 }],
      id: "acl-0a1b2c3d4e5f60012",
      ingress: [{ action: "allow", cidr_block: "10.3.0.0/16", from_port: 0, icmp_code: 0, icmp_type: 0, ipv6_cidr_block: "", protocol: "-1", rule_no: 100, to_port: 0 }],
      subnet_ids: ["subnet-0a1b2c3d4e5f60012"],
      vpc_id: "vpc-0a1b2c3d4e5f60001",
    }),
    s("aws_security_group.fn", {
      arn: "arn:aws:ec2:us-east-1:111122223333:security-group/sg-0a1b2c3d4e5f60012",
      egress: [allOut],
      id: "sg-0a1b2c3d4e5f60012",
      ingress: [],
      name: "api-fn",
      vpc_id: "vpc-0a1b2c3d4e5f60001",
    }),
    s("aws_iam_role.fn", {
      arn: "arn:aws:iam::111122223333:role/api-fn",
      assume_role_policy: ASSUME,
      id: "api-fn",
      inline_policy: [],
      managed_policy_arns: [VPC_ACCESS],
      name: "api-fn",
    }),
    s("aws_iam_role_policy_attachment.vpc_access", { id: "api-fn-20261201090000000000000001", policy_arn: VPC_ACCESS, role: "api-fn" }),
    s("aws_lambda_function.api", {
      arn: "arn:aws:lambda:us-east-1:111122223333:function:api",
      filename: "build/api.zip",
      function_name: "api",
      handler: "index.handler",
      id: "api",
      role: "arn:aws:iam::111122223333:role/api-fn",
      runtime: "nodejs20.x",
      timeout: 10,
      vpc_config: [
        {
          ipv6_allowed_for_dual_stack: false,
          security_group_ids: ["sg-0a1b2c3d4e5f60012"],
          subnet_ids: ["subnet-0a1b2c3d4e5f60012"],
          vpc_id: "vpc-0a1b2c3d4e5f60001",
        },
      ],
    }),
  ];
  write("nacl-no-ephemeral.state.json", state({ resources }));
}

// ---- state-cross-az: a state; one NAT gateway in AZ a, the AZ b table routes to it, a third -------
// subnet has no association and stays on the main route table (no default route).

{
  const s = (address, after) => ({ address, after });
  const V = "vpc-0c1d2e3f4a5b60001";
  const sub = (address, id, cidr, az, azId, pub) =>
    s(address, {
      arn: `arn:aws:ec2:eu-central-1:111122223333:subnet/${id}`,
      availability_zone: az,
      availability_zone_id: azId,
      cidr_block: cidr,
      id,
      ipv6_cidr_block: "",
      ipv6_native: false,
      map_public_ip_on_launch: pub,
      vpc_id: V,
    });
  const resources = [
    s("aws_vpc.main", {
      cidr_block: "10.4.0.0/16",
      default_network_acl_id: "acl-0c1d2e3f4a5b60001",
      default_route_table_id: "rtb-0c1d2e3f4a5b60001",
      default_security_group_id: "sg-0c1d2e3f4a5b60001",
      enable_dns_hostnames: true,
      enable_dns_support: true,
      id: V,
      ipv6_cidr_block: "",
      main_route_table_id: "rtb-0c1d2e3f4a5b60001",
    }),
    sub("aws_subnet.public_a", "subnet-0c1d2e3f4a5b60011", "10.4.0.0/24", "eu-central-1a", "euc1-az2", true),
    sub("aws_subnet.private_a", "subnet-0c1d2e3f4a5b60021", "10.4.10.0/24", "eu-central-1a", "euc1-az2", false),
    sub("aws_subnet.private_b", "subnet-0c1d2e3f4a5b60022", "10.4.11.0/24", "eu-central-1b", "euc1-az3", false),
    sub("aws_subnet.private_c", "subnet-0c1d2e3f4a5b60023", "10.4.12.0/24", "eu-central-1c", "euc1-az1", false),
    s("aws_internet_gateway.gw", { id: "igw-0c1d2e3f4a5b60001", vpc_id: V }),
    s("aws_eip.nat_a", { allocation_id: "eipalloc-0c1d2e3f4a5b60001", domain: "vpc", id: "eipalloc-0c1d2e3f4a5b60001", public_ip: "198.51.100.7" }),
    s("aws_nat_gateway.a", {
      allocation_id: "eipalloc-0c1d2e3f4a5b60001",
      connectivity_type: "public",
      id: "nat-0c1d2e3f4a5b60001",
      public_ip: "198.51.100.7",
      subnet_id: "subnet-0c1d2e3f4a5b60011",
    }),
    s("aws_route_table.public", { id: "rtb-0c1d2e3f4a5b60011", route: [], vpc_id: V }),
    s("aws_route.public_igw", {
      destination_cidr_block: "0.0.0.0/0",
      gateway_id: "igw-0c1d2e3f4a5b60001",
      id: "r-rtb-0c1d2e3f4a5b600111080289494",
      nat_gateway_id: "",
      route_table_id: "rtb-0c1d2e3f4a5b60011",
      state: "active",
    }),
    ...["a", "b"].map((az, i) =>
      s(`aws_route_table.private_${az}`, {
        id: `rtb-0c1d2e3f4a5b6002${i + 1}`,
        // A state lists the routes of aws_route resources in the table too.
        route: [inlineRoute({ cidr_block: "0.0.0.0/0", nat_gateway_id: "nat-0c1d2e3f4a5b60001" })],
        vpc_id: V,
      }),
    ),
    ...["a", "b"].map((az, i) =>
      s(`aws_route.private_${az}_nat`, {
        destination_cidr_block: "0.0.0.0/0",
        gateway_id: "",
        id: `r-rtb-0c1d2e3f4a5b6002${i + 1}1080289494`,
        nat_gateway_id: "nat-0c1d2e3f4a5b60001",
        route_table_id: `rtb-0c1d2e3f4a5b6002${i + 1}`,
        state: "active",
      }),
    ),
    s("aws_route_table_association.public_a", { id: "rtbassoc-0c1d2e3f4a5b60011", route_table_id: "rtb-0c1d2e3f4a5b60011", subnet_id: "subnet-0c1d2e3f4a5b60011" }),
    s("aws_route_table_association.private_a", { id: "rtbassoc-0c1d2e3f4a5b60021", route_table_id: "rtb-0c1d2e3f4a5b60021", subnet_id: "subnet-0c1d2e3f4a5b60021" }),
    s("aws_route_table_association.private_b", { id: "rtbassoc-0c1d2e3f4a5b60022", route_table_id: "rtb-0c1d2e3f4a5b60022", subnet_id: "subnet-0c1d2e3f4a5b60022" }),
    s("aws_security_group.fn", { egress: [allOut], id: "sg-0c1d2e3f4a5b60012", ingress: [], name: "api-fn", vpc_id: V }),
    s("aws_iam_role.fn", { arn: "arn:aws:iam::111122223333:role/api-fn", assume_role_policy: ASSUME, id: "api-fn", inline_policy: [], managed_policy_arns: [VPC_ACCESS], name: "api-fn" }),
    s("aws_lambda_function.api", {
      arn: "arn:aws:lambda:eu-central-1:111122223333:function:api",
      filename: "build/api.zip",
      function_name: "api",
      handler: "index.handler",
      id: "api",
      role: "arn:aws:iam::111122223333:role/api-fn",
      runtime: "nodejs20.x",
      timeout: 10,
      vpc_config: [
        {
          ipv6_allowed_for_dual_stack: false,
          security_group_ids: ["sg-0c1d2e3f4a5b60012"],
          subnet_ids: ["subnet-0c1d2e3f4a5b60021", "subnet-0c1d2e3f4a5b60022", "subnet-0c1d2e3f4a5b60023"],
          vpc_id: V,
        },
      ],
    }),
  ];
  write("cross-az.state.json", state({ resources }));
}

// ---- dual-stack-eigw: a state; dual-stack subnets, ::/0 to an egress-only gateway, IPv4 via NAT ---

{
  const s = (address, after) => ({ address, after });
  const V = "vpc-0e1f2a3b4c5d60001";
  const resources = [
    s("aws_vpc.main", {
      assign_generated_ipv6_cidr_block: true,
      cidr_block: "10.5.0.0/16",
      default_network_acl_id: "acl-0e1f2a3b4c5d60001",
      default_route_table_id: "rtb-0e1f2a3b4c5d60001",
      default_security_group_id: "sg-0e1f2a3b4c5d60001",
      enable_dns_hostnames: true,
      enable_dns_support: true,
      id: V,
      ipv6_cidr_block: "2001:db8:1200::/56",
      main_route_table_id: "rtb-0e1f2a3b4c5d60001",
    }),
    s("aws_subnet.public", {
      availability_zone: "us-east-1a",
      cidr_block: "10.5.0.0/24",
      id: "subnet-0e1f2a3b4c5d60011",
      ipv6_cidr_block: "2001:db8:1200::/64",
      map_public_ip_on_launch: true,
      vpc_id: V,
    }),
    s("aws_subnet.private", {
      assign_ipv6_address_on_creation: true,
      availability_zone: "us-east-1a",
      cidr_block: "10.5.10.0/24",
      id: "subnet-0e1f2a3b4c5d60012",
      ipv6_cidr_block: "2001:db8:1200:10::/64",
      map_public_ip_on_launch: false,
      vpc_id: V,
    }),
    s("aws_internet_gateway.gw", { id: "igw-0e1f2a3b4c5d60001", vpc_id: V }),
    s("aws_egress_only_internet_gateway.eigw", { id: "eigw-0e1f2a3b4c5d60001", vpc_id: V }),
    s("aws_eip.nat", { allocation_id: "eipalloc-0e1f2a3b4c5d60001", domain: "vpc", id: "eipalloc-0e1f2a3b4c5d60001", public_ip: "192.0.2.44" }),
    s("aws_nat_gateway.nat", {
      allocation_id: "eipalloc-0e1f2a3b4c5d60001",
      connectivity_type: "public",
      id: "nat-0e1f2a3b4c5d60001",
      public_ip: "192.0.2.44",
      subnet_id: "subnet-0e1f2a3b4c5d60011",
    }),
    s("aws_route_table.public", {
      id: "rtb-0e1f2a3b4c5d60011",
      route: [
        inlineRoute({ cidr_block: "0.0.0.0/0", gateway_id: "igw-0e1f2a3b4c5d60001" }),
        inlineRoute({ ipv6_cidr_block: "::/0", gateway_id: "igw-0e1f2a3b4c5d60001" }),
      ],
      vpc_id: V,
    }),
    s("aws_route_table.private", {
      id: "rtb-0e1f2a3b4c5d60012",
      route: [
        inlineRoute({ cidr_block: "0.0.0.0/0", nat_gateway_id: "nat-0e1f2a3b4c5d60001" }),
        inlineRoute({ ipv6_cidr_block: "::/0", egress_only_gateway_id: "eigw-0e1f2a3b4c5d60001" }),
      ],
      vpc_id: V,
    }),
    s("aws_route_table_association.public", { id: "rtbassoc-0e1f2a3b4c5d60011", route_table_id: "rtb-0e1f2a3b4c5d60011", subnet_id: "subnet-0e1f2a3b4c5d60011" }),
    s("aws_route_table_association.private", { id: "rtbassoc-0e1f2a3b4c5d60012", route_table_id: "rtb-0e1f2a3b4c5d60012", subnet_id: "subnet-0e1f2a3b4c5d60012" }),
    s("aws_security_group.fn", {
      egress: [sgRule({ cidr_blocks: ["0.0.0.0/0"], ipv6_cidr_blocks: ["::/0"] })],
      id: "sg-0e1f2a3b4c5d60012",
      ingress: [],
      name: "api-fn",
      vpc_id: V,
    }),
    s("aws_iam_role.fn", { arn: "arn:aws:iam::111122223333:role/api-fn", id: "api-fn", inline_policy: [], managed_policy_arns: [VPC_ACCESS], name: "api-fn" }),
    s("aws_lambda_function.api", {
      filename: "build/api.zip",
      function_name: "api",
      handler: "index.handler",
      id: "api",
      role: "arn:aws:iam::111122223333:role/api-fn",
      runtime: "nodejs20.x",
      vpc_config: [
        {
          ipv6_allowed_for_dual_stack: true,
          security_group_ids: ["sg-0e1f2a3b4c5d60012"],
          subnet_ids: ["subnet-0e1f2a3b4c5d60012"],
          vpc_id: V,
        },
      ],
    }),
  ];
  write("dual-stack-eigw.state.json", state({ resources }));
}

// ---- endpoints-nat-instance: a state with an interface and a gateway endpoint, a NAT instance -----
// (its ENI, source/dest check off, an EIP), a regional NAT gateway, aws_vpc_security_group_*_rule,
// aws_internet_gateway_attachment and aws_main_route_table_association.

{
  const s = (address, after) => ({ address, after });
  const V = "vpc-0f00000000000001";
  const resources = [
        s("aws_vpc.main", { cidr_block: "10.9.0.0/16", enable_dns_hostnames: true, enable_dns_support: true, id: V, main_route_table_id: "rtb-0f00000000000001", default_network_acl_id: "acl-0f00000000000001", default_security_group_id: "sg-0f00000000000001", ipv6_cidr_block: "" }),
        s("aws_subnet.public", { availability_zone: "eu-west-1a", cidr_block: "10.9.0.0/24", id: "subnet-0f00000000000011", map_public_ip_on_launch: true, vpc_id: V }),
        s("aws_subnet.app", { availability_zone: "eu-west-1a", cidr_block: "10.9.10.0/24", id: "subnet-0f00000000000012", map_public_ip_on_launch: false, vpc_id: V }),
        s("aws_subnet.db", { availability_zone: "eu-west-1b", cidr_block: "10.9.11.0/24", id: "subnet-0f00000000000013", map_public_ip_on_launch: false, vpc_id: V }),
        s("aws_internet_gateway.gw", { id: "igw-0f00000000000001", vpc_id: "" }),
        s("aws_internet_gateway_attachment.gw", { id: "igw-0f00000000000001:vpc-0f00000000000001", internet_gateway_id: "igw-0f00000000000001", vpc_id: V }),
        s("aws_route_table.public", { id: "rtb-0f00000000000011", route: [{ cidr_block: "0.0.0.0/0", gateway_id: "igw-0f00000000000001", nat_gateway_id: "", network_interface_id: "" }], vpc_id: V }),
        s("aws_route_table_association.public", { id: "rtbassoc-1", route_table_id: "rtb-0f00000000000011", subnet_id: "subnet-0f00000000000011" }),
        s("aws_route_table.private", { id: "rtb-0f00000000000012", route: [{ cidr_block: "0.0.0.0/0", gateway_id: "", nat_gateway_id: "", network_interface_id: "eni-0f00000000000001" }], vpc_id: V }),
        s("aws_main_route_table_association.private", { id: "rtbassoc-2", route_table_id: "rtb-0f00000000000012", vpc_id: V }),
        s("aws_security_group.nat", { egress: [], id: "sg-0f00000000000011", ingress: [], vpc_id: V }),
        s("aws_vpc_security_group_ingress_rule.nat_from_vpc", { cidr_ipv4: "10.9.0.0/16", id: "sgr-1", ip_protocol: "-1", security_group_id: "sg-0f00000000000011" }),
        s("aws_vpc_security_group_egress_rule.nat_out", { cidr_ipv4: "0.0.0.0/0", from_port: 443, id: "sgr-2", ip_protocol: "tcp", security_group_id: "sg-0f00000000000011", to_port: 443 }),
        s("aws_network_interface.nat", { id: "eni-0f00000000000001", security_groups: ["sg-0f00000000000011"], source_dest_check: false, subnet_id: "subnet-0f00000000000011", attachment: [{ device_index: 0, instance: "i-0f00000000000001" }] }),
        s("aws_instance.nat", { id: "i-0f00000000000001", instance_type: "t4g.nano", network_interface: [{ device_index: 0, network_interface_id: "eni-0f00000000000001" }], public_ip: "203.0.113.80", source_dest_check: false, subnet_id: "subnet-0f00000000000011", vpc_security_group_ids: ["sg-0f00000000000011"] }),
        s("aws_eip.nat_instance", { allocation_id: "eipalloc-0f00000000000001", id: "eipalloc-0f00000000000001", instance: "i-0f00000000000001", public_ip: "203.0.113.80" }),
        s("aws_eip.regional", { allocation_id: "eipalloc-0f00000000000002", id: "eipalloc-0f00000000000002", public_ip: "203.0.113.81" }),
        s("aws_nat_gateway.regional", { availability_mode: "regional", availability_zone_address: [{ allocation_ids: ["eipalloc-0f00000000000002"], availability_zone: "eu-west-1a", availability_zone_id: "" }], connectivity_type: "public", id: "nat-0f00000000000002", subnet_id: "", vpc_id: V }),
        s("aws_security_group.fn", { egress: [{ cidr_blocks: ["0.0.0.0/0"], from_port: 443, ipv6_cidr_blocks: [], prefix_list_ids: [], protocol: "tcp", security_groups: [], self: false, to_port: 443 }], id: "sg-0f00000000000012", ingress: [], vpc_id: V }),
        s("aws_security_group.endpoint", { egress: [], id: "sg-0f00000000000013", ingress: [{ cidr_blocks: [], from_port: 443, ipv6_cidr_blocks: [], prefix_list_ids: [], protocol: "tcp", security_groups: ["sg-0f00000000000012"], self: false, to_port: 443 }], vpc_id: V }),
        s("aws_vpc_endpoint.logs", { id: "vpce-0f00000000000001", policy: "{\"Statement\":[{\"Action\":\"*\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Resource\":\"*\"}],\"Version\":\"2008-10-17\"}", private_dns_enabled: true, route_table_ids: [], security_group_ids: ["sg-0f00000000000013"], service_name: "com.amazonaws.eu-west-1.logs", subnet_ids: ["subnet-0f00000000000012"], vpc_endpoint_type: "Interface", vpc_id: V }),
        s("aws_vpc_endpoint.s3", { id: "vpce-0f00000000000002", policy: "{\"Statement\":[{\"Action\":\"s3:GetObject\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Resource\":\"arn:aws:s3:::my-bucket/*\"}],\"Version\":\"2008-10-17\"}", private_dns_enabled: false, route_table_ids: [], security_group_ids: [], service_name: "com.amazonaws.eu-west-1.s3", subnet_ids: [], vpc_endpoint_type: "Gateway", vpc_id: V }),
        s("aws_vpc_endpoint_route_table_association.s3", { id: "a-vpce-0f00000000000002", route_table_id: "rtb-0f00000000000012", vpc_endpoint_id: "vpce-0f00000000000002" }),
        s("aws_iam_role.fn", { arn: "arn:aws:iam::111122223333:role/fn", id: "fn", inline_policy: [{ name: "eni", policy: "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"ec2:CreateNetworkInterface\",\"ec2:DescribeNetworkInterfaces\",\"ec2:DeleteNetworkInterface\"],\"Resource\":\"*\"}]}" }], managed_policy_arns: [], name: "fn" }),
        s("aws_lambda_function.api", { function_name: "api", id: "api", role: "arn:aws:iam::111122223333:role/fn", s3_bucket: "code", vpc_config: [{ ipv6_allowed_for_dual_stack: false, security_group_ids: ["sg-0f00000000000012"], subnet_ids: ["subnet-0f00000000000012", "subnet-0f00000000000013"], vpc_id: V }] }),
  ];
  write("endpoints-nat-instance.state.json", state({ resources }));
}

// ---- rds-efs: the function, a PostgreSQL DB instance with its security group, an EFS mount ------------
// (rds-efs-no-ingress: the same, the database's group admitting nothing)

for (const open of [true, false]) {
  const azs = ["us-east-1a", "us-east-1b"];
  const ingressFromFn = (port) => sgRule({ from_port: port, protocol: "tcp", security_groups: U, to_port: port });
  const fn = lambda({ ipv6_allowed_for_dual_stack: false, security_group_ids: U, subnet_ids: U, vpc_id: U });
  fn.after.environment = [{ variables: { PARTNER_URL: "https://partner.example.com", DB_HOST: U, DB_PORT: U } }];
  fn.after.file_system_config = [{ arn: U, local_mount_path: "/mnt/data" }];
  const resources = [
    vpc("10.0.0.0/16"),
    ...azs.map((az, i) => subnet(`aws_subnet.private[${i}]`, `10.0.${10 + i}.0/24`, az)),
    ...azs.map((az, i) => subnet(`aws_subnet.data[${i}]`, `10.0.${20 + i}.0/24`, az)),
    securityGroup("aws_security_group.fn", "api-fn", [allOut]),
    securityGroup("aws_security_group.db", "api-db", [], open ? [ingressFromFn(5432)] : []),
    securityGroup("aws_security_group.efs", "api-efs", [], [ingressFromFn(2049)]),
    { address: "aws_db_subnet_group.data", after: { arn: U, description: "Managed by Terraform", id: U, name: "api-data", name_prefix: U, subnet_ids: U, supported_network_types: U, tags: null, tags_all: U, vpc_id: U } },
    {
      address: "aws_db_instance.db",
      schema: 2,
      after: { address: U, allocated_storage: 20, arn: U, db_subnet_group_name: "api-data", endpoint: U, engine: "postgres", engine_version: "16.4", id: U, identifier: "api-db", instance_class: "db.t4g.micro", port: U, publicly_accessible: false, skip_final_snapshot: true, username: "app", vpc_security_group_ids: U },
    },
    { address: "aws_efs_file_system.data", after: { arn: U, creation_token: U, dns_name: U, encrypted: true, id: U, tags: null, tags_all: U } },
    ...azs.map((_az, i) => ({ address: `aws_efs_mount_target.data[${i}]`, after: { dns_name: U, file_system_arn: U, file_system_id: U, id: U, ip_address: U, network_interface_id: U, security_groups: U, subnet_id: U } })),
    { address: "aws_efs_access_point.data", after: { arn: U, file_system_arn: U, file_system_id: U, id: U, posix_user: [], root_directory: U, tags: null, tags_all: U } },
    role,
    attachment,
    fn,
  ];
  const subnets = (name) => ({
    address: `aws_subnet.${name}`,
    schema: 1,
    count: ref("var.azs"),
    expressions: {
      availability_zone: ref("var.azs", "count.index"),
      cidr_block: ref("aws_vpc.main.cidr_block", "aws_vpc.main", "count.index"),
      vpc_id: attr("aws_vpc.main", "id"),
    },
  });
  const sgIngress = (port) => [{ from_port: c(port), protocol: c("tcp"), security_groups: ref("aws_security_group.fn.id", "aws_security_group.fn"), to_port: c(port) }];
  const fnConfig = lambdaConfig(ref("aws_subnet.private"));
  fnConfig.expressions.environment = [
    { variables: ref("aws_db_instance.db.address", "aws_db_instance.db", "aws_db_instance.db.port") },
  ];
  fnConfig.expressions.file_system_config = [{ arn: attr("aws_efs_access_point.data", "arn"), local_mount_path: c("/mnt/data") }];
  const config = {
    resources: [
      vpcConfig("10.0.0.0/16"),
      subnets("private"),
      subnets("data"),
      fnSgConfig,
      {
        address: "aws_security_group.db",
        schema: 1,
        expressions: { name: c("api-db"), vpc_id: attr("aws_vpc.main", "id"), ...(open ? { ingress: sgIngress(5432) } : {}) },
      },
      { address: "aws_security_group.efs", schema: 1, expressions: { ingress: sgIngress(2049), name: c("api-efs"), vpc_id: attr("aws_vpc.main", "id") } },
      { address: "aws_db_subnet_group.data", expressions: { name: c("api-data"), subnet_ids: ref("aws_subnet.data") } },
      {
        address: "aws_db_instance.db",
        schema: 2,
        expressions: {
          allocated_storage: c(20),
          db_subnet_group_name: attr("aws_db_subnet_group.data", "name"),
          engine: c("postgres"),
          engine_version: c("16.4"),
          identifier: c("api-db"),
          instance_class: c("db.t4g.micro"),
          skip_final_snapshot: c(true),
          username: c("app"),
          vpc_security_group_ids: ref("aws_security_group.db.id", "aws_security_group.db"),
        },
      },
      { address: "aws_efs_file_system.data", expressions: { encrypted: c(true) } },
      {
        address: "aws_efs_mount_target.data",
        count: ref("var.azs"),
        expressions: {
          file_system_id: attr("aws_efs_file_system.data", "id"),
          security_groups: ref("aws_security_group.efs.id", "aws_security_group.efs"),
          subnet_id: ref("aws_subnet.private", "count.index"),
        },
      },
      { address: "aws_efs_access_point.data", expressions: { file_system_id: attr("aws_efs_file_system.data", "id") } },
      ...iamConfig,
      fnConfig,
    ],
    variables: { azs: { default: azs } },
  };
  write(open ? "rds-efs.plan.json" : "rds-efs-no-ingress.plan.json", plan({ region: "us-east-1", resources, config, variables: { azs: { value: azs } } }));
}
