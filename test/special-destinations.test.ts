// Destinations that never reach the network or that the internet does not route: loopback, the instance metadata
// service, link-local, multicast, broadcast, private and shared space outside the VPC. None is ever "reachable
// through the NAT"; each is decided as AWS documents it or unknown with the reason.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { checkFile, FIXTURES, ROOT } from "./support/helpers.ts";

const SINGLE_NAT = join(ROOT, "examples", "single-nat-gateway", "template.yaml");
const DUAL_STACK = join(FIXTURES, "ipv6-egress-only-gateway", "template.yaml");
const MANAGED_PUBLIC = join(FIXTURES, "lmi-public-subnet", "template.yaml");

/** Every (subnet, destination) verdict of the template's first function, as `verdict CODE`. */
function verdicts(file: string, to: string[]): Record<string, string[]> {
  const r = checkFile(file, { to });
  const fn = r.functions[0];
  assert.ok(fn);
  const out: Record<string, string[]> = {};
  for (const s of fn.subnets) for (const d of s.destinations) (out[d.to] ??= []).push(`${d.verdict} ${d.code ?? ""}`.trim());
  return out;
}

describe("special destinations", () => {
  it("IPv4: loopback and 0.0.0.0 unknown, IMDS unreachable, link-local unknown, the rest never through the NAT", () => {
    const v = verdicts(SINGLE_NAT, [
      "127.0.0.1:22",
      "0.0.0.0:80",
      "169.254.169.254:80",
      "169.254.169.253:53",
      "224.0.0.1:80",
      "255.255.255.255:80",
      "10.99.0.1:443",
      "172.16.0.1:80",
      "192.168.1.1:443",
      "100.64.0.1:443",
      "240.0.0.1:443",
      "8.8.8.8:53",
    ]);
    const both = (x: string) => [x, x];
    assert.deepEqual(v, {
      "127.0.0.1/32:22": both("unknown DESTINATION_IN_EXECUTION_ENVIRONMENT"),
      "0.0.0.0/32:80": both("unknown DESTINATION_IN_EXECUTION_ENVIRONMENT"),
      "169.254.169.254/32:80": both("unreachable LAMBDA_NO_INSTANCE_METADATA"),
      "169.254.169.253/32:53": both("unknown LINK_LOCAL_DESTINATION"),
      "224.0.0.1/32:80": both("unreachable DESTINATION_NOT_PUBLIC"),
      "255.255.255.255/32:80": both("unreachable DESTINATION_NOT_PUBLIC"),
      "10.99.0.1/32:443": both("unreachable DESTINATION_NOT_PUBLIC"),
      "172.16.0.1/32:80": both("unreachable DESTINATION_NOT_PUBLIC"),
      "192.168.1.1/32:443": both("unreachable DESTINATION_NOT_PUBLIC"),
      "100.64.0.1/32:443": both("unreachable DESTINATION_NOT_PUBLIC"),
      "240.0.0.1/32:443": both("unreachable DESTINATION_NOT_PUBLIC"),
      "8.8.8.8/32:53": both("reachable"),
    });
  });

  it("an address inside the VPC is not taken for a special one: unknown (its own security group decides)", () => {
    const v = verdicts(SINGLE_NAT, ["10.0.1.10:5432"]);
    assert.deepEqual(v["10.0.1.10/32:5432"], ["unknown UNKNOWN_DESTINATION", "unknown UNKNOWN_DESTINATION"]);
  });

  it("a block that mixes public and private space is unreachable for its private part, naming it", () => {
    const r = checkFile(SINGLE_NAT, { to: ["0.0.0.0/0:443"] });
    const d = r.functions[0]?.subnets[0]?.destinations[0];
    assert.equal(d?.verdict, "unreachable");
    assert.equal(d?.code, "DESTINATION_NOT_PUBLIC");
  });

  it("IPv6: ::1 unknown, fd00:ec2::254 unreachable, fe80:: unknown, ff02:: and fc00:: never through the egress-only gateway", () => {
    const v = verdicts(DUAL_STACK, ["[::1]:22", "[fd00:ec2::254]:80", "[fe80::1]:80", "[ff02::1]:443", "[fc00::1]:443", "[2600::1]:443"]);
    const both = (x: string) => [x, x];
    assert.deepEqual(v, {
      "[::1/128]:22": both("unknown DESTINATION_IN_EXECUTION_ENVIRONMENT"),
      "[fd00:ec2::254/128]:80": both("unreachable LAMBDA_NO_INSTANCE_METADATA"),
      "[fe80::1/128]:80": both("unknown LINK_LOCAL_DESTINATION"),
      "[ff02::1/128]:443": both("unreachable DESTINATION_NOT_PUBLIC"),
      "[fc00::1/128]:443": both("unreachable DESTINATION_NOT_PUBLIC"),
      "[2600::1/128]:443": both("reachable"),
    });
  });

  it("Lambda Managed Instances run on EC2 instances: IMDS is unknown there, private space still not through the IGW", () => {
    const v = verdicts(MANAGED_PUBLIC, ["169.254.169.254:80", "10.200.0.1:443"]);
    assert.deepEqual(v, {
      "169.254.169.254/32:80": ["unknown UNKNOWN_DESTINATION"],
      "10.200.0.1/32:443": ["unreachable DESTINATION_NOT_PUBLIC"],
    });
  });
});
