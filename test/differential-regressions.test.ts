// Every disagreement the differential tests found, kept as a case: the network (as the generator describes it), the
// analyzer's verdicts, always checked, and, where the kernel tests can run, the emulation agreeing with them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkTemplate } from "../src/check.ts";
import { runBatch } from "./support/differential.ts";
import type { NetworkSpec } from "./support/differential-network.ts";
import { DESTINATIONS, REGION, templateOf } from "./support/differential-network.ts";
import { kernelTestsMissing } from "./support/emulate-fixtures.ts";

const skip = kernelTestsMissing();

interface Case {
  readonly name: string;
  /** Which side was wrong, and why. */
  readonly finding: string;
  readonly spec: NetworkSpec;
  /** `FUNCTION SUBNET DESTINATION` -> `verdict` and, for a reachable one, the reason. */
  readonly expected: Readonly<Record<string, string>>;
}

const PRIVATE_BEHIND_NAT = {
  dnsSupport: true,
  dnsHostnames: true,
  natInstance: null,
  bpaExclusion: null,
  igw: "attached",
  nats: [{ subnet: 0, connectivity: "public", regional: false }],
  routeTables: [{ defaultRoute: { kind: "igw" } }, { defaultRoute: { kind: "nat", nat: 0 } }],
  nacls: [],
  sqsEndpoint: null,
  ipv6: null,
} as const;

export const CASES: readonly Case[] = [
  {
    name: "S3 gateway endpoint on the NAT's subnet only",
    finding:
      "analyzer: it sent S3 traffic that reached the NAT out to the public endpoint, but a NAT's own traffic follows its subnet's route table, where the endpoint's prefix-list route wins",
    spec: {
      ...PRIVATE_BEHIND_NAT,
      subnets: [
        { az: 0, routeTable: 0, nacl: null, mapPublicIp: true },
        { az: 1, routeTable: 1, nacl: null, mapPublicIp: false },
      ],
      s3Gateway: { routeTables: [0] },
      functions: [{ subnets: [1], egress: "all" }],
    },
    expected: {
      "N0Function0 N0Subnet1 internet": "reachable through N0Nat0",
      "N0Function0 N0Subnet1 aws:s3":
        "reachable gateway endpoint N0S3Endpoint, on the route table of the NAT's subnet N0Subnet0, delivers to s3 inside the region from the NAT's private address",
    },
  },
  {
    name: "a dual-stack function calls an AWS service that has no endpoint",
    finding:
      "emulator: its public DNS gave every name an IPv6 address, so the function reached SQS over IPv6 through the egress-only gateway; AWS services' regional names have IPv4 addresses only, so the call goes through the NAT, as the analyzer said",
    spec: {
      ...PRIVATE_BEHIND_NAT,
      subnets: [
        { az: 0, routeTable: 0, nacl: null, mapPublicIp: true },
        { az: 1, routeTable: 1, nacl: null, mapPublicIp: false },
      ],
      s3Gateway: null,
      functions: [{ subnets: [1], egress: "all" }],
      ipv6: { subnets: [true, true], eigw: true, routes: ["igw", "eigw"], functions: [{ allowed: true, egress6: true }], nacl6: true },
    },
    expected: {
      "N0Function0 N0Subnet1 internet6": "reachable N0Eigw forwards IPv6 to the internet from the function's own address (outbound only)",
      "N0Function0 N0Subnet1 aws:sqs": "reachable through N0Nat0",
    },
  },
  {
    name: "an interface endpoint with one ENI behind the function's own NACL and one in its subnet",
    finding:
      "harness: the probe took the first address the endpoint's name resolved to, the ENI in the function's own subnet (no NACL between them), while the other ENI's address is denied by the NACL; a client may get either first, so calls fail at random: the analyzer's unreachable is right, and the probe now tries every address",
    spec: {
      ...PRIVATE_BEHIND_NAT,
      subnets: [
        { az: 0, routeTable: 1, nacl: 0, mapPublicIp: false },
        { az: 1, routeTable: 1, nacl: null, mapPublicIp: false },
        { az: 0, routeTable: 0, nacl: null, mapPublicIp: true },
      ],
      nats: [{ subnet: 2, connectivity: "public", regional: false }],
      nacls: ["no-https-out"],
      s3Gateway: null,
      sqsEndpoint: { subnets: [0, 1], privateDns: true, ingress: "vpc-https" },
      functions: [{ subnets: [0], egress: "https" }],
      ipv6: null,
    },
    expected: { "N0Function0 N0Subnet0 aws:sqs": "unreachable" },
  },
  {
    name: "EnableDnsSupport off: no AWS service name resolves",
    finding:
      "analyzer: it said S3 was reachable through the gateway endpoint, but with EnableDnsSupport off the Amazon-provided resolver does not answer, so the function cannot resolve the name (the kernel's lookup fails); addresses (internet) still work",
    spec: {
      ...PRIVATE_BEHIND_NAT,
      dnsSupport: false,
      subnets: [
        { az: 0, routeTable: 0, nacl: null, mapPublicIp: true },
        { az: 1, routeTable: 1, nacl: null, mapPublicIp: false },
      ],
      s3Gateway: { routeTables: [1] },
      functions: [{ subnets: [1], egress: "all" }],
      ipv6: null,
    },
    expected: {
      "N0Function0 N0Subnet1 internet": "reachable through N0Nat0",
      "N0Function0 N0Subnet1 aws:s3": "unreachable",
    },
  },
  {
    name: "a database in two subnets, one of them behind an empty network ACL",
    finding:
      "harness: the analyzer says unknown (which of its subnets the database is in is AWS's choice) while the kernel reaches one of its two stand-ins: both right, now taken as agreement; the analyzer's reason called the database's subnet the NAT's subnet",
    spec: {
      ...PRIVATE_BEHIND_NAT,
      subnets: [
        { az: 0, routeTable: 0, nacl: null, mapPublicIp: true },
        { az: 1, routeTable: 1, nacl: null, mapPublicIp: false },
      ],
      nacls: ["empty"],
      s3Gateway: null,
      functions: [{ subnets: [1], egress: "all" }],
      database: { subnets: [0], dataSubnet: { az: 2, nacl: 0 }, port: 5432, ingress: "function-sg" },
    },
    expected: {
      "N0Function0 N0Subnet1 resource:N0Db":
        "unknown network ACL N0Acl0 of N0Db's subnet N0DataSubnet denies the inbound traffic from the function's subnet to N0Db: no rule allows it, so the implicit deny (rule *) decides; N0Db may be in a subnet that is open or in one that is blocked (which one is AWS's choice, and changes on failover)",
    },
  },
  {
    name: "a database in the function's own subnet, behind an empty network ACL",
    finding: "none: a network ACL filters what crosses its subnet's edge only, and both the analyzer and the kernel let this through",
    spec: {
      ...PRIVATE_BEHIND_NAT,
      subnets: [
        { az: 0, routeTable: 0, nacl: null, mapPublicIp: true },
        { az: 1, routeTable: 1, nacl: 0, mapPublicIp: false },
      ],
      nacls: ["empty"],
      s3Gateway: null,
      functions: [{ subnets: [1], egress: "all" }],
      database: { subnets: [1], dataSubnet: null, port: 3306, ingress: "vpc" },
    },
    expected: {
      "N0Function0 N0Subnet1 resource:N0Db": "reachable PostgreSQL DB instance N0Db in N0Subnet1 admits tcp 3306",
    },
  },
];

describe("differential regressions: the analyzer", () => {
  for (const c of CASES) {
    it(`${c.name}`, () => {
      const text = JSON.stringify(templateOf([c.spec]));
      const to = [...DESTINATIONS, ...(c.spec.database ? ["resource:N0Db"] : [])];
      const report = checkTemplate("regression.json", text, { to, region: REGION });
      const got: Record<string, string> = {};
      for (const f of report.functions)
        for (const s of f.subnets)
          for (const d of s.destinations) {
            const key = `${f.id} ${s.subnet} ${d.to}`;
            if (key in c.expected) got[key] = d.verdict === "unreachable" ? d.verdict : `${d.verdict} ${d.reason}`;
          }
      assert.deepEqual(got, c.expected);
    });
  }
});

describe("differential regressions: the kernel agrees", { skip, timeout: 120000 }, () => {
  it(`${CASES.length} case(s) in one emulation`, async () => {
    const r = await runBatch(CASES.map((c) => c.spec));
    assert.deepEqual(r.disagreements, []);
    assert.ok(r.observations.length >= CASES.length);
  });
});
