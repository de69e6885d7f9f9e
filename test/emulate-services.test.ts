// AWS services on the kernel (root with ip and nft only, skipped otherwise): the endpoints-and-nat fixture emulated from its
// template, an HTTPS GET of each service's regional name from each of the function's ENIs, and the analyzer's verdict and
// road for the same (subnet, service) held to what the packets did: S3 through the gateway endpoint on subnet A's route
// table and through the NAT from B, SQS through its interface endpoint (private DNS), Secrets Manager's public name through
// the NAT's Elastic IP (private DNS off), KMS timing out at an endpoint whose security group lacks 443.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import type { ReachResult } from "../src/analyze/reach.ts";
import { serviceDnsName } from "../src/emulate/plan.ts";
import { runCli } from "./support/cli-helpers.ts";
import { kernelTestsMissing } from "./support/emulate-fixtures.ts";
import { checkFile, ROOT } from "./support/helpers.ts";

const skip = kernelTestsMissing();
if (skip) process.stdout.write(`# emulate-services skipped: ${skip}\n`);

const TEMPLATE = join(ROOT, "test", "fixtures", "endpoints-and-nat", "template.yaml");
const SERVICES = ["s3", "sqs", "secretsmanager", "kms"] as const;
/** The stand-in of NatEip (the first one the planner gives). */
const NAT_EIP = "203.0.113.10";

/** GETs each name in turn (3 s each): one line per name, `NAME {whoami body}` or `NAME ERR reason`. */
const CLIENT = `
const names = process.argv.slice(1);
const next = () => {
  const name = names.shift();
  if (!name) return;
  require("https").get("https://" + name + "/", { timeout: 3000 }, (r) => {
    let b = "";
    r.on("data", (c) => (b += c));
    r.on("end", () => { console.log(name + " " + b); next(); });
  }).on("timeout", function () { this.destroy(new Error("timeout")); })
    .on("error", (e) => { console.log(name + " ERR " + e.message); next(); });
};
next();`;

interface Seen {
  sourceIp: string;
  label: string;
}

describe("AWS services on the kernel: endpoints, private DNS and the NAT", { skip, timeout: 90000 }, () => {
  it("each service's name from each ENI takes the road check reports", async () => {
    const names = SERVICES.map((s) => serviceDnsName(s, "us-east-1"));
    const r = await runCli([
      "emulate",
      TEMPLATE,
      "--function",
      "ServicesFunction",
      "--exec",
      "--",
      process.execPath,
      "-e",
      CLIENT,
      ...names,
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const kernel: Record<string, Record<string, Seen | string>> = {};
    for (const block of r.stdout.split(/^== /m).slice(1)) {
      const [head, ...lines] = block.split("\n");
      const subnet = /^ServicesFunction in (\S+) \((\S+)\)/.exec(head ?? "")?.[1] ?? "?";
      kernel[subnet] = {};
      for (const l of lines) {
        const [name, ...rest] = l.split(" ");
        const service = SERVICES.find((s) => serviceDnsName(s, "us-east-1") === name);
        if (service) kernel[subnet][service] = rest[0] === "ERR" ? rest.join(" ") : (JSON.parse(rest.join(" ")) as Seen);
      }
    }
    // What the packets did.
    assert.deepEqual(kernel, {
      PrivateSubnetA: {
        s3: { sourceIp: "10.0.1.23", label: "aws:s3 via gateway endpoint", host: "s3.us-east-1.amazonaws.com" },
        sqs: { sourceIp: "10.0.1.23", label: "aws:sqs via endpoint", host: "sqs.us-east-1.amazonaws.com" },
        secretsmanager: { sourceIp: NAT_EIP, label: "aws:secretsmanager via internet", host: "secretsmanager.us-east-1.amazonaws.com" },
        kms: "ERR timeout",
      },
      PrivateSubnetB: {
        s3: { sourceIp: NAT_EIP, label: "aws:s3 via internet", host: "s3.us-east-1.amazonaws.com" },
        sqs: { sourceIp: "10.0.2.23", label: "aws:sqs via endpoint", host: "sqs.us-east-1.amazonaws.com" },
        secretsmanager: { sourceIp: NAT_EIP, label: "aws:secretsmanager via internet", host: "secretsmanager.us-east-1.amazonaws.com" },
        kms: "ERR timeout",
      },
    });
    // What check says, per (subnet, service): the verdict, and the road in its reason, egress and trace.
    const fn = checkFile(TEMPLATE).functions.find((f) => f.id === "ServicesFunction");
    assert.ok(fn);
    for (const s of fn.subnets) {
      for (const service of SERVICES) {
        const d = s.destinations.find((x: ReachResult) => x.to === `aws:${service}`);
        const seen: Seen | string | undefined = (kernel as Record<string, Record<string, Seen | string>>)[s.subnet]?.[service];
        const where: string = `${s.subnet} aws:${service}: check says ${d?.verdict} (${d?.reason}), the kernel ${JSON.stringify(seen)}`;
        assert.ok(d && seen !== undefined, where);
        if (typeof seen === "string") {
          assert.equal(d.verdict, "unreachable", where);
          assert.equal(d.code, "ENI_SG_RULES_MISMATCH", where);
          continue;
        }
        assert.equal(d.verdict, "reachable", where);
        const kinds = d.trace.map((h) => h.kind);
        if (seen.label.endsWith(" via gateway endpoint")) {
          assert.match(d.reason, /^through gateway endpoint S3GatewayEndpoint/, where);
          assert.deepEqual(d.egress, [], where);
          assert.ok(!kinds.includes("nat-gateway") && d.trace.some((h) => h.component === "S3GatewayEndpoint"), where);
        } else if (seen.label.endsWith(" via endpoint")) {
          assert.match(d.reason, /^through interface endpoint SqsEndpoint \(private DNS\)/, where);
          assert.deepEqual(d.egress, [], where);
          assert.ok(!kinds.includes("nat-gateway") && d.trace.at(-1)?.component === "SqsEndpoint", where);
        } else {
          assert.equal(seen.label, `aws:${service} via internet`, where);
          assert.deepEqual(
            d.egress.map((e) => e.via),
            ["NatGateway"],
            where,
          );
          assert.equal(seen.sourceIp, NAT_EIP, where);
          assert.deepEqual(kinds.slice(-3), ["nat-gateway", "route-table", "internet-gateway"], where);
        }
      }
    }
  });
});
