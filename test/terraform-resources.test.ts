// Terraform's resources a function is wired to (databases, caches, search domains, Kafka, Redshift,
// EFS): plans, states and .tf configurations written here or in the fixtures, exact verdicts, needs
// and resource entities out.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { CheckReport } from "../src/check.ts";
import { checkTemplate } from "../src/check.ts";
import { loadModel } from "../src/load/index.ts";
import { isUnknown } from "../src/model/types.ts";
import { runCli } from "./support/cli-helpers.ts";
import { ROOT } from "./support/helpers.ts";

const TF = "test/fixtures-terraform";
const check = (name: string) => checkTemplate(join(TF, name), readFileSync(join(ROOT, TF, name), "utf8"));

async function checkCli(args: string[]): Promise<CheckReport> {
  const r = await runCli(["check", ...args, "--format", "json", "--fail-on", "none"]);
  assert.equal(r.stderr, "", r.stderr);
  return JSON.parse(r.stdout) as CheckReport;
}

/** destination -> subnet -> verdict (and code). */
function verdicts(r: CheckReport, to: string): Record<string, string> {
  const f = r.functions[0];
  assert.ok(f, "a function");
  return Object.fromEntries(
    f.subnets.map((s) => {
      const d = s.destinations.find((x) => x.to === to);
      return [s.subnet, `${d?.verdict}${d?.code ? ` ${d.code}` : ""}`];
    }),
  );
}

const needs = (r: CheckReport) => (r.functions[0]?.needs ?? []).map((n) => [n.to, n.because]);
const DB = "resource:aws_db_instance.db";
const EFS = "resource:aws_efs_file_system.data";

describe("terraform plan: a function wired to its PostgreSQL DB instance and an EFS mount", () => {
  it("environment values known only after apply and file_system_config become needs, reachable through the groups' ingress", () => {
    const r = check("rds-efs.plan.json");
    assert.deepEqual(r.functions[0]?.summary, { internet: "unreachable", [DB]: "reachable", [EFS]: "reachable" });
    // DB_HOST and DB_PORT both come from aws_db_instance.db (the plan records the map's references only).
    assert.deepEqual(needs(r), [
      [DB, "environment DB_HOST = aws_db_instance.db"],
      [EFS, "file_system_config mounts aws_efs_file_system.data through access point aws_efs_access_point.data"],
    ]);
    assert.deepEqual(r.functions[0]?.needs?.[0]?.location, {
      file: "test/fixtures-terraform/rds-efs.plan.json",
      address: "aws_lambda_function.api",
    });
    assert.deepEqual(verdicts(r, EFS), { "aws_subnet.private[0]": "reachable", "aws_subnet.private[1]": "reachable" });
    assert.deepEqual(r.findings, []);
  });

  it("the database's group without ingress from the function: unreachable, a wired-resource-unreachable error with the fix", () => {
    const r = check("rds-efs-no-ingress.plan.json");
    assert.deepEqual(r.functions[0]?.summary, { internet: "unreachable", [DB]: "unreachable", [EFS]: "reachable" });
    assert.deepEqual(verdicts(r, DB), {
      "aws_subnet.private[0]": "unreachable ENI_SG_RULES_MISMATCH",
      "aws_subnet.private[1]": "unreachable ENI_SG_RULES_MISMATCH",
    });
    assert.deepEqual(
      r.findings.map((f) => [f.rule, f.severity, f.resource, f.fix]),
      [
        [
          "wired-resource-unreachable",
          "error",
          "aws_lambda_function.api",
          "Add ingress tcp 5432 from aws_security_group.fn to aws_security_group.db.",
        ],
      ],
    );
  });

  it("values known only after apply from two resources: the plan does not say which is which, so neither is tied", () => {
    const doc = JSON.parse(readFileSync(join(ROOT, TF, "rds-efs.plan.json"), "utf8")) as {
      resource_changes: { address: string; change: { after_unknown: { environment: { variables: Record<string, boolean> }[] } } }[];
      configuration: { root_module: { resources: { address: string; expressions: { environment: { variables: unknown }[] } }[] } };
    };
    const rc = doc.resource_changes.find((r) => r.address === "aws_lambda_function.api");
    (rc?.change.after_unknown.environment[0] as { variables: Record<string, boolean> }).variables.FS_DNS = true;
    const cfg = doc.configuration.root_module.resources.find((r) => r.address === "aws_lambda_function.api");
    (cfg?.expressions.environment[0] as { variables: unknown }).variables = {
      references: [
        "aws_db_instance.db.address",
        "aws_db_instance.db",
        "aws_db_instance.db.port",
        "aws_efs_file_system.data.dns_name",
        "aws_efs_file_system.data",
      ],
    };
    const r = checkTemplate("ambiguous.plan.json", JSON.stringify(doc));
    assert.deepEqual(needs(r), [
      [EFS, "file_system_config mounts aws_efs_file_system.data through access point aws_efs_access_point.data"],
    ]);
    assert.deepEqual(loadModel("ambiguous.plan.json", JSON.stringify(doc)).get("function", "aws_lambda_function.api")?.environment, {
      PARTNER_URL: "https://partner.example.com",
      DB_HOST: "${?}",
      DB_PORT: "${?}",
      FS_DNS: "${?}",
    });
  });

  it("the DB instance and file system are read with their engine's port, subnet group and mount targets", () => {
    const m = loadModel(join(TF, "rds-efs.plan.json"), readFileSync(join(ROOT, TF, "rds-efs.plan.json"), "utf8"));
    const db = m.get("resource", "aws_db_instance.db");
    assert.equal(db?.what, "PostgreSQL DB instance");
    assert.equal(db?.port, 5432);
    assert.equal(db?.portWhy, "the default port of PostgreSQL");
    assert.deepEqual(db?.subnetIds, ["aws_subnet.data[0]", "aws_subnet.data[1]"]);
    assert.deepEqual(db?.securityGroupIds, ["aws_security_group.db"]);
    const fs = m.get("resource", "aws_efs_file_system.data");
    assert.deepEqual(
      fs?.mountTargets?.map((t) => [t.id, t.subnetId, t.securityGroupIds]),
      [
        ["aws_efs_mount_target.data[0]", "aws_subnet.private[0]", ["aws_security_group.efs"]],
        ["aws_efs_mount_target.data[1]", "aws_subnet.private[1]", ["aws_security_group.efs"]],
      ],
    );
    assert.deepEqual(m.get("function", "aws_lambda_function.api")?.environment, {
      PARTNER_URL: "https://partner.example.com",
      DB_HOST: "${aws_db_instance.db}",
      DB_PORT: "${aws_db_instance.db}",
    });
  });
});

describe("terraform configuration (.tf): the same network", () => {
  it("each environment value is tied to its own expression: reachable; --var db_ingress=false: the error", async () => {
    const ok = await checkCli(["test/fixtures-hcl/rds-efs"]);
    assert.deepEqual(ok.functions[0]?.summary, { internet: "unreachable", [DB]: "reachable", [EFS]: "reachable" });
    assert.deepEqual(needs(ok), [
      [DB, "environment DB_HOST = aws_db_instance.db.address"],
      [EFS, "file_system_config mounts aws_efs_file_system.data through access point aws_efs_access_point.data"],
    ]);
    assert.deepEqual(ok.functions[0]?.needs?.[0]?.location, {
      file: "test/fixtures-hcl/rds-efs/main.tf",
      line: 99,
      address: "aws_lambda_function.api",
    });
    assert.deepEqual(ok.findings, []);
    const bad = await checkCli(["test/fixtures-hcl/rds-efs", "--var", "db_ingress=false"]);
    assert.deepEqual(bad.functions[0]?.summary, { internet: "unreachable", [DB]: "unreachable", [EFS]: "reachable" });
    assert.deepEqual(verdicts(bad, DB), {
      "aws_subnet.private[0]": "unreachable ENI_SG_RULES_MISMATCH",
      "aws_subnet.private[1]": "unreachable ENI_SG_RULES_MISMATCH",
    });
    assert.deepEqual(
      bad.findings.map((f) => [f.rule, f.severity]),
      [["wired-resource-unreachable", "error"]],
    );
  });
});

describe("terraform configuration (.tf): a database in a module", () => {
  it("an environment value from the module's output is the module's DB instance", async () => {
    const root = mkdtempSync(join(tmpdir(), "le-tf-module-"));
    try {
      const main = readFileSync(join(ROOT, "test/fixtures-hcl/rds-efs/main.tf"), "utf8");
      const start = main.indexOf('resource "aws_db_subnet_group" "data"');
      const end = main.indexOf('resource "aws_efs_file_system" "data"');
      writeFileSync(
        join(root, "main.tf"),
        `${main.slice(0, start)}module "db" {
  source     = "./modules/db"
  subnet_ids = aws_subnet.data[*].id
  sg_id      = aws_security_group.db.id
}

${main.slice(end)}`
          .replace("DB_HOST = aws_db_instance.db.address", "DB_HOST = module.db.address")
          .replace("DB_PORT = aws_db_instance.db.port", 'DB_PORT = "5432"'),
      );
      mkdirSync(join(root, "modules", "db"), { recursive: true });
      writeFileSync(
        join(root, "modules", "db", "main.tf"),
        `variable "subnet_ids" { type = list(string) }
variable "sg_id" { type = string }
resource "aws_db_subnet_group" "data" {
  name       = "api-data"
  subnet_ids = var.subnet_ids
}
resource "aws_db_instance" "this" {
  identifier             = "api-db"
  engine                 = "postgres"
  instance_class         = "db.t4g.micro"
  db_subnet_group_name   = aws_db_subnet_group.data.name
  vpc_security_group_ids = [var.sg_id]
}
output "address" { value = aws_db_instance.this.address }
`,
      );
      const r = await checkCli([root]);
      assert.deepEqual(r.functions[0]?.summary, {
        internet: "unreachable",
        "resource:module.db.aws_db_instance.this": "reachable",
        [EFS]: "reachable",
      });
      assert.equal(r.functions[0]?.needs?.[0]?.because, "environment DB_HOST = module.db.aws_db_instance.this.address");
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

// ---- a state with every resource type -------------------------------------------------------------

const res = (address: string, values: Record<string, unknown>) => {
  const [type, name] = address.split(".") as [string, string];
  return { address, mode: "managed", type, name, provider_name: "registry.terraform.io/hashicorp/aws", schema_version: 0, values };
};
const DATA = { subnet_ids: ["subnet-da", "subnet-db"] };
const SG = ["sg-data"];

function state(extra: ReturnType<typeof res>[], env: Record<string, string> = {}): string {
  const resources = [
    res("aws_vpc.main", { id: "vpc-1", cidr_block: "10.0.0.0/16", enable_dns_support: true, enable_dns_hostnames: true }),
    res("aws_subnet.a", { id: "subnet-a", vpc_id: "vpc-1", cidr_block: "10.0.1.0/24", availability_zone: "us-east-1a" }),
    res("aws_subnet.da", { id: "subnet-da", vpc_id: "vpc-1", cidr_block: "10.0.11.0/24", availability_zone: "us-east-1a" }),
    res("aws_subnet.db", { id: "subnet-db", vpc_id: "vpc-1", cidr_block: "10.0.12.0/24", availability_zone: "us-east-1b" }),
    res("aws_security_group.fn", {
      id: "sg-fn",
      vpc_id: "vpc-1",
      ingress: [],
      egress: [{ protocol: "-1", from_port: 0, to_port: 0, cidr_blocks: ["0.0.0.0/0"] }],
    }),
    res("aws_security_group.data", {
      id: "sg-data",
      vpc_id: "vpc-1",
      ingress: [{ protocol: "tcp", from_port: 0, to_port: 65535, security_groups: ["sg-fn"] }],
      egress: [],
    }),
    ...extra,
    res("aws_lambda_function.api", {
      id: "api",
      function_name: "api",
      role: "arn:aws:iam::111122223333:role/api",
      environment: [{ variables: env }],
      vpc_config: [{ subnet_ids: ["subnet-a"], security_group_ids: ["sg-fn"], vpc_id: "vpc-1" }],
    }),
  ];
  return JSON.stringify({ format_version: "1.0", terraform_version: "1.9.8", values: { root_module: { resources } } });
}

const EVERY_TYPE = [
  res("aws_db_subnet_group.data", { id: "data", name: "data", ...DATA }),
  res("aws_db_instance.pg", {
    id: "db-ABC",
    identifier: "pg",
    address: "pg.c1.us-east-1.rds.amazonaws.com",
    engine: "postgres",
    port: 6432,
    db_subnet_group_name: "data",
    vpc_security_group_ids: SG,
  }),
  res("aws_rds_cluster.aurora", {
    id: "aurora",
    cluster_identifier: "aurora",
    engine: "aurora-mysql",
    endpoint: "aurora.cluster-c1.us-east-1.rds.amazonaws.com",
    db_subnet_group_name: "data",
    vpc_security_group_ids: SG,
  }),
  res("aws_rds_cluster_instance.aurora_1", { id: "aurora-1", cluster_identifier: "aurora", db_subnet_group_name: "data" }),
  res("aws_db_proxy.proxy", {
    id: "proxy",
    name: "proxy",
    engine_family: "POSTGRESQL",
    vpc_subnet_ids: DATA.subnet_ids,
    vpc_security_group_ids: SG,
  }),
  res("aws_db_proxy_endpoint.ro", { id: "proxy/ro", db_proxy_name: "proxy", vpc_subnet_ids: DATA.subnet_ids, vpc_security_group_ids: SG }),
  res("aws_elasticache_subnet_group.cache", { id: "cache", name: "cache", ...DATA }),
  res("aws_elasticache_replication_group.redis", {
    id: "redis",
    replication_group_id: "redis",
    engine: "redis",
    subnet_group_name: "cache",
    security_group_ids: SG,
    primary_endpoint_address: "master.redis.c1.use1.cache.amazonaws.com",
  }),
  res("aws_elasticache_cluster.memcached", { id: "mc", engine: "memcached", subnet_group_name: "cache", security_group_ids: SG }),
  res("aws_elasticache_serverless_cache.valkey", { id: "valkey", engine: "valkey", ...DATA, security_group_ids: SG }),
  res("aws_memorydb_subnet_group.mem", { id: "mem", name: "mem", ...DATA }),
  res("aws_memorydb_cluster.mem", { id: "memdb", subnet_group_name: "mem", security_group_ids: SG }),
  res("aws_docdb_subnet_group.docs", { id: "docs", name: "docs", ...DATA }),
  res("aws_docdb_cluster.docs", { id: "docs", cluster_identifier: "docs", db_subnet_group_name: "docs", vpc_security_group_ids: SG }),
  res("aws_neptune_subnet_group.graph", { id: "graph", name: "graph", ...DATA }),
  res("aws_neptune_cluster.graph", {
    id: "graph",
    cluster_identifier: "graph",
    neptune_subnet_group_name: "graph",
    vpc_security_group_ids: SG,
  }),
  res("aws_opensearch_domain.search", { id: "search", vpc_options: [{ ...DATA, security_group_ids: SG }] }),
  res("aws_opensearch_domain.public", { id: "public", vpc_options: [] }),
  res("aws_msk_cluster.kafka", {
    id: "kafka",
    broker_node_group_info: [{ client_subnets: DATA.subnet_ids, security_groups: SG }],
    client_authentication: [{ sasl: [{ iam: true, scram: false }], tls: [], unauthenticated: false }],
    encryption_info: [{ encryption_in_transit: [{ client_broker: "TLS", in_cluster: true }] }],
  }),
  res("aws_msk_cluster.open", {
    id: "open",
    broker_node_group_info: [{ client_subnets: DATA.subnet_ids, security_groups: SG }],
    client_authentication: [],
    encryption_info: [{ encryption_in_transit: [{ client_broker: "TLS_PLAINTEXT", in_cluster: true }] }],
  }),
  res("aws_redshift_subnet_group.wh", { id: "wh", name: "wh", ...DATA }),
  res("aws_redshift_cluster.wh", { id: "wh", cluster_subnet_group_name: "wh", vpc_security_group_ids: SG }),
  res("aws_db_instance.nowhere", { id: "db-X", engine: "mysql" }),
];

describe("terraform state: every resource type a function may be wired to", () => {
  it("reads what each is, its port and why, its subnets and groups", () => {
    const m = loadModel("state.json", state(EVERY_TYPE));
    const rows = Object.fromEntries(
      m
        .all("resource")
        .map((r) => [
          r.id,
          [
            r.what,
            isUnknown(r.port) ? `unknown: ${r.port.reason}` : r.port,
            r.portWhy,
            isUnknown(r.subnetIds) ? `unknown: ${r.subnetIds.reason}` : r.subnetIds.join(","),
            isUnknown(r.securityGroupIds) ? "unknown" : r.securityGroupIds.join(","),
          ],
        ]),
    );
    const data = "aws_subnet.da,aws_subnet.db";
    const sg = "aws_security_group.data";
    assert.deepEqual(rows, {
      "aws_db_instance.pg": ["PostgreSQL DB instance", 6432, "its port 6432", data, sg],
      "aws_rds_cluster.aurora": ["MySQL DB cluster", 3306, "the default port of MySQL", data, sg],
      "aws_rds_cluster_instance.aurora_1": [
        "MySQL DB instance",
        3306,
        "the port of aws_rds_cluster.aurora (the default port of MySQL)",
        data,
        sg,
      ],
      "aws_db_proxy.proxy": ["PostgreSQL RDS Proxy", 5432, "RDS Proxy listens on 5432 for POSTGRESQL", data, sg],
      "aws_db_proxy_endpoint.ro": [
        "RDS Proxy endpoint",
        5432,
        "the port of aws_db_proxy.proxy (RDS Proxy listens on 5432 for POSTGRESQL)",
        data,
        sg,
      ],
      "aws_elasticache_replication_group.redis": ["Redis ElastiCache cluster", 6379, "the default port of Redis", data, sg],
      "aws_elasticache_cluster.memcached": ["Memcached ElastiCache cluster", 11211, "the default port of Memcached", data, sg],
      "aws_elasticache_serverless_cache.valkey": ["Valkey ElastiCache serverless cache", 6379, "the default port of Valkey", data, sg],
      "aws_memorydb_cluster.mem": ["Redis MemoryDB cluster", 6379, "the default port of Redis", data, sg],
      "aws_docdb_cluster.docs": ["DocumentDB cluster", 27017, "the default port of DocumentDB", data, sg],
      "aws_neptune_cluster.graph": ["Neptune cluster", 8182, "the default port of Neptune", data, sg],
      "aws_opensearch_domain.search": ["OpenSearch domain", 443, "a domain answers HTTPS", data, sg],
      "aws_msk_cluster.kafka": ["MSK cluster", 9098, "its IAM listener", data, sg],
      "aws_msk_cluster.open": [
        "MSK cluster",
        "unknown: it has several listeners (TLS 9094, plaintext 9092): name one with resource:ID:PORT",
        "it has several listeners (TLS 9094, plaintext 9092): name one with resource:ID:PORT",
        data,
        sg,
      ],
      "aws_redshift_cluster.wh": ["Redshift cluster", 5439, "the default port of Redshift", data, sg],
      "aws_db_instance.nowhere": [
        "MySQL DB instance",
        3306,
        "the default port of MySQL",
        "unknown: it names no db_subnet_group_name, so it goes to the default VPC",
        "",
      ],
    });
  });

  it("an environment value that is a resource's endpoint, alone or as host:port, is that resource", () => {
    const r = checkTemplate(
      "state.json",
      state(EVERY_TYPE, {
        DB_HOST: "pg.c1.us-east-1.rds.amazonaws.com",
        CACHE: "master.redis.c1.use1.cache.amazonaws.com:6379",
        NAME: "pg",
      }),
    );
    assert.deepEqual(needs(r), [
      ["resource:aws_db_instance.pg", "environment DB_HOST = aws_db_instance.pg.address"],
      [
        "resource:aws_elasticache_replication_group.redis",
        "environment CACHE = ${aws_elasticache_replication_group.redis.primary_endpoint_address}:6379",
      ],
    ]);
    assert.deepEqual(r.functions[0]?.summary, {
      internet: "unreachable",
      "resource:aws_db_instance.pg": "reachable",
      "resource:aws_elasticache_replication_group.redis": "reachable",
    });
  });
});
