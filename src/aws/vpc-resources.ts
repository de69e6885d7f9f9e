// What AWS says about the resources a VPC function is wired to (databases, caches, search
// domains, Kafka clusters, file systems): the port each listens on by default, and what a
// reference to one looks like. Sources: AWS documentation (RDS API Reference CreateDBInstance and
// CreateDBCluster `Port`; RDS Proxy user guide; Neptune `DBPortNumber`; MSK port-info; EFS in
// the Lambda developer guide; CloudFormation resource pages for the attributes).

/** The port of an RDS, Aurora or RDS Proxy engine by its name (`postgres`, `aurora-mysql`, `sqlserver-ex`, `oracle-ee`, `db2-se`). */
export function rdsEnginePort(engine: string): number | null {
  const e = engine.toLowerCase();
  if (/^(mysql|mariadb|aurora|aurora-mysql)$/.test(e)) return 3306;
  if (/^(postgres|aurora-postgresql)$/.test(e)) return 5432;
  if (e.startsWith("oracle")) return 1521;
  if (e.startsWith("sqlserver")) return 1433;
  if (e.startsWith("db2")) return 50000;
  return null;
}

/** An engine's name as the user knows it (`PostgreSQL`, `MySQL`). */
export function engineName(engine: string): string {
  const e = engine.toLowerCase();
  if (e.includes("postgres")) return "PostgreSQL";
  if (e.includes("mysql") || e === "aurora") return "MySQL";
  if (e === "mariadb") return "MariaDB";
  if (e.startsWith("oracle")) return "Oracle";
  if (e.startsWith("sqlserver")) return "SQL Server";
  if (e.startsWith("db2")) return "Db2";
  if (e === "redis") return "Redis";
  if (e === "valkey") return "Valkey";
  if (e === "memcached") return "Memcached";
  return engine;
}

/**
 * RDS Proxy listens on 3306 for MySQL and MariaDB and 5432 for PostgreSQL, whatever the database's
 * own port (RDS user guide, rds-proxy.html). The SQL Server port is not documented: null.
 */
export function rdsProxyPort(engineFamily: string): number | null {
  const f = engineFamily.toUpperCase();
  if (f === "MYSQL") return 3306;
  if (f === "POSTGRESQL") return 5432;
  return null;
}

/** ElastiCache and MemoryDB: Redis and Valkey 6379, Memcached 11211. */
export function cacheEnginePort(engine: string): number | null {
  const e = engine.toLowerCase();
  if (e === "redis" || e === "valkey") return 6379;
  if (e === "memcached") return 11211;
  return null;
}

export const DOCUMENTDB_PORT = 27017;
export const NEPTUNE_PORT = 8182;
export const REDSHIFT_PORT = 5439;
/** An OpenSearch (or Elasticsearch) domain in a VPC answers HTTPS. */
export const OPENSEARCH_PORT = 443;
/** NFS, the port of every EFS mount target. */
export const EFS_PORT = 2049;

/**
 * MSK broker ports by client authentication (MSK developer guide, port-info.html): IAM 9098,
 * SASL/SCRAM 9096, TLS 9094, plaintext 9092. A cluster with several listeners has several ports.
 */
export const MSK_PORTS = { iam: 9098, scram: 9096, tls: 9094, plaintext: 9092 } as const;
