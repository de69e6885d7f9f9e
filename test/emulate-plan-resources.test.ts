// Tests of the planner's stand-ins for resource destinations (src/emulate/plan-resources.ts), without privileges: where
// each database and mount target is emulated, which rules guard it, and what the function's environment carries.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { validatePlan } from "../src/emulate/apply.ts";
import { destinationOf } from "../src/emulate/explain.ts";
import { buildPlan, describePlan, planEmulation } from "../src/emulate/plan.ts";
import type { PlanNote } from "../src/emulate/plan-notes.ts";
import type { Plan } from "../src/emulate/plan-types.ts";
import { renderIpOps } from "../src/emulate/ip-ops.ts";
import { planProblems } from "../src/emulate/validate-plan.ts";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import { ROOT } from "./support/helpers.ts";

const PREFIX = "le1a2b3c";
const EXAMPLE = readFileSync(join(ROOT, "examples", "database-and-file-system", "template.yaml"), "utf8");

function plan(yaml: string): Plan {
  return planEmulation(loadCloudFormation("template.yaml", yaml), { prefix: PREFIX });
}

/** The plan's notes, typed. */
function notesOf(yaml: string): readonly PlanNote[] {
  return buildPlan(loadCloudFormation("template.yaml", yaml), { prefix: PREFIX }).notes;
}

/** The example with `from` replaced by `to` (which must be in it). */
function variant(from: string, to: string): string {
  assert.ok(EXAMPLE.includes(from), `the example has ${JSON.stringify(from)}`);
  return EXAMPLE.replace(from, to);
}

/** The stand-ins of the plan: `address:port label (namespace role)`. */
function standins(p: Plan): string[] {
  return p.servers
    .filter((s) => s.label?.startsWith("resource:"))
    .map((s) => `${s.address}:${s.port} ${s.label} (${p.namespaces.find((n) => n.name === s.ns)?.role})`);
}

/** The router's chain `name`, its rule lines. */
function chain(p: Plan, name: string): string[] {
  const nft = p.namespaces.find((n) => n.role === "router")?.nft ?? "";
  const m = new RegExp(`chain ${name} \\{\\n([^}]*)\\}`).exec(nft);
  assert.ok(m, `chain ${name} in the router's ruleset`);
  return (m[1] as string)
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !l.startsWith("#"));
}

describe("emulate: stand-ins for resource destinations", () => {
  it("a database in each of its subnets and a file system's mount targets, at their ports, behind their security groups", () => {
    const p = plan(EXAMPLE);
    assert.deepEqual(standins(p), [
      "10.0.11.70:5432 resource:Database in DataSubnetA (resource)",
      "10.0.12.70:5432 resource:Database in DataSubnetB (resource)",
      "10.0.11.71:2049 resource:FileSystem (mount target MountTargetA) in DataSubnetA (resource)",
      "10.0.12.71:2049 resource:FileSystem (mount target MountTargetB) in DataSubnetB (resource)",
    ]);
    assert.deepEqual(validatePlan(p), []);
    // The database's ingress admits 5432 from the function's group only; the file system's 2049.
    assert.deepEqual(chain(p, `sg_in_${PREFIX}_d0`), ["ip saddr @sg_FunctionSecurityGroup meta l4proto tcp th dport 5432 return", "drop"]);
    assert.deepEqual(chain(p, `sg_in_${PREFIX}_d3`), ["ip saddr @sg_FunctionSecurityGroup meta l4proto tcp th dport 2049 return", "drop"]);
    // Its subnet's network ACL both ways (DataSubnetA is the third subnet with a router port).
    const router = p.namespaces.find((n) => n.role === "router");
    assert.ok(router);
    assert.ok(renderIpOps(router.ip).includes(`link set ${PREFIX}-d0 group 3`));
    // The VPC's local route carries the function's traffic to it.
    assert.ok(renderIpOps(router.ip).some((l) => l === `route add 10.0.11.70/32 dev ${PREFIX}-d0 table 1000`));
    const d0 = p.namespaces.find((n) => n.name === `${PREFIX}-d0`);
    assert.deepEqual(renderIpOps(d0?.ip ?? []).slice(-2), ["addr add 10.0.11.70/24 dev eth0", "route add default via 10.0.11.1 dev eth0"]);
    // A connection to a stand-in is said as check's destination.
    assert.equal(destinationOf(p, "10.0.12.70:5432"), "resource:Database");
    assert.equal(destinationOf(p, "10.0.11.71:2049"), "resource:FileSystem");
    assert.equal(destinationOf(p, "10.0.11.70:5433"), "resource:Database:5433");
  });

  it("the function's environment carries the stand-in's address and port, token by token", () => {
    const yaml = variant(
      "          DB_HOST: !GetAtt Database.Endpoint.Address\n",
      "          DB_HOST: !GetAtt Database.Endpoint.Address\n" +
        "          DB_PORT: !GetAtt Database.Endpoint.Port\n" +
        '          DB_URL: !Sub "postgres://app@${Database.Endpoint.Address}:${Database.Endpoint.Port}/app"\n',
    );
    const p = plan(yaml);
    const env = { DB_HOST: "10.0.11.70", DB_PORT: "5432", DB_URL: "postgres://app@10.0.11.70:5432/app" };
    assert.deepEqual(
      p.enis.map((e) => [e.subnetId, e.env]),
      [
        ["PrivateSubnetA", env],
        ["PrivateSubnetB", env],
      ],
    );
    // The secret's ARN has no stand-in: left out, and said.
    assert.deepEqual(
      notesOf(yaml).flatMap((n) => (n.code === "ENV_OTHER_TOKENS" ? [[n.data.fn, n.data.key]] : [])),
      [["Function", "DB_SECRET_ARN"]],
    );
    assert.match(describePlan(p), /Function in PrivateSubnetA: 10\.0\.1\.23 \(le1a2b3c-e0\)\n {4}environment DB_HOST=10\.0\.11\.70\n/);
    assert.deepEqual(planProblems(JSON.parse(JSON.stringify(p))), []);
  });

  it("a port the template leaves open: no stand-in, and check's reason", () => {
    const yaml = variant("      Engine: postgres\n", "      Engine: !Ref Engine\n").replace(
      "Resources:\n",
      "Parameters:\n  Engine:\n    Type: String\n\nResources:\n",
    );
    const p = plan(yaml);
    const notes = notesOf(yaml);
    assert.deepEqual(
      standins(p).map((s) => s.split(" ")[1]),
      ["resource:FileSystem", "resource:FileSystem"],
    );
    const why = notes.find((n) => n.code === "RESOURCE_PORT_UNKNOWN");
    assert.equal(why?.code === "RESOURCE_PORT_UNKNOWN" && why.data.resource, "Database");
    assert.ok(why?.code === "RESOURCE_PORT_UNKNOWN" && why.data.why !== "");
    assert.deepEqual(
      notes.flatMap((n) => (n.code === "ENV_RESOURCE_WITHOUT_STAND_IN" ? [[n.data.key, n.data.resource]] : [])),
      [
        ["DB_HOST", "Database"],
        ["DB_HOST", "Database"],
      ],
    );
    assert.deepEqual(
      p.enis.map((e) => e.env),
      [undefined, undefined],
    );
  });

  it("a database without ingress from the function: its stand-in drops everything", () => {
    const p = plan(
      variant(
        "      SecurityGroupIngress:\n        - IpProtocol: tcp\n          FromPort: 5432\n          ToPort: 5432\n          SourceSecurityGroupId: !Ref FunctionSecurityGroup\n",
        "",
      ),
    );
    assert.deepEqual(chain(p, `sg_in_${PREFIX}_d0`), ["drop"]);
  });

  it("a shape check refuses an environment that is not NAME=text", () => {
    const p = JSON.parse(JSON.stringify(plan(EXAMPLE))) as { enis: { env?: Record<string, string> }[] };
    (p.enis[0] as { env?: Record<string, string> }).env = { "BAD NAME": "x" };
    assert.deepEqual(planProblems(p), ["enis[0]: env is not an object of environment variables (NAME: one line of printable text)"]);
  });
});
