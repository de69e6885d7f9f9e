// Lambda Managed Instances beyond the scenario fixtures: what the template leaves open, what the
// loader rejects, and the telemetry check's view of each subnet.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { telemetryPaths } from "../src/analyze/managed-instances.ts";
import type { CheckReport } from "../src/check.ts";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import { checkYaml, FIXTURES } from "./support/helpers.ts";

const fixture = (name: string) => readFileSync(join(FIXTURES, name, "template.yaml"), "utf8");

/** Replaces one exact piece of a fixture, failing loudly when it is not there. */
function edit(text: string, from: string, to: string): string {
  assert.ok(text.includes(from), `fixture lacks ${JSON.stringify(from)}`);
  return text.replace(from, to);
}

function internet(report: CheckReport, subnet: string) {
  const fn = report.functions.find((f) => f.id === "Function");
  assert.ok(fn, "no Function");
  const r = fn.subnets.find((s) => s.subnet === subnet)?.destinations.find((d) => d.to === "internet");
  assert.ok(r, `no internet result for ${subnet}`);
  return r;
}

describe("Lambda Managed Instances", () => {
  const publicSubnet = fixture("lmi-public-subnet");
  const withParam = edit(
    edit(publicSubnet, "Resources:\n", "Parameters:\n  MapPublic:\n    Type: String\n    AllowedValues: ['true', 'false']\n\nResources:\n"),
    "MapPublicIpOnLaunch: true",
    "MapPublicIpOnLaunch: !Ref MapPublic",
  );

  it("says unknown when MapPublicIpOnLaunch of a public subnet is a parameter without a value", () => {
    const r = internet(checkYaml(withParam), "PublicSubnet");
    assert.equal(r.verdict, "unknown");
    assert.equal(r.code, "UNKNOWN_RESOURCE");
    assert.match(r.reason, /public IPv4 address there is not known \(.*MapPublic/);
  });

  it("decides once the parameter is given", () => {
    assert.equal(internet(checkYaml(withParam, { params: { MapPublic: "true" } }), "PublicSubnet").verdict, "reachable");
    const off = internet(checkYaml(withParam, { params: { MapPublic: "false" } }), "PublicSubnet");
    assert.equal(off.verdict, "unreachable");
    assert.equal(off.code, "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS");
  });

  it("a standard function in the same public subnet still gets no internet (Hyperplane ENI, no public IP)", () => {
    const std = edit(
      publicSubnet,
      "      CapacityProviderConfig:\n        LambdaManagedInstancesCapacityProviderConfig:\n          CapacityProviderArn: !GetAtt CapacityProvider.Arn\n",
      "      VpcConfig:\n        SubnetIds: [!Ref PublicSubnet]\n        SecurityGroupIds: [!Ref InstancesSecurityGroup]\n",
    );
    const r = internet(checkYaml(std), "PublicSubnet");
    assert.equal(r.verdict, "unreachable");
    assert.equal(r.code, "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS");
  });

  it("is unknown, with the reason, when the capacity provider is outside the template", () => {
    const ext = edit(
      fixture("lmi-private-nat"),
      "CapacityProviderArn: !GetAtt CapacityProvider.Arn",
      "CapacityProviderArn: arn:aws:lambda:us-east-1:123456789012:capacity-provider:shared",
    );
    const fn = checkYaml(ext).functions.find((f) => f.id === "Function");
    assert.equal(fn?.summary.internet, "unknown");
    assert.match(
      fn?.reason ?? "",
      /runs on Lambda Managed Instances, and capacity provider arn:aws:lambda:.*:shared is not defined in this template/,
    );
  });

  it("reports a capacity provider without VpcConfig and leaves its functions unknown", () => {
    const bad = edit(
      fixture("lmi-private-nat"),
      "      VpcConfig:\n        SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]\n        SecurityGroupIds: [!Ref InstancesSecurityGroup]\n",
      "",
    );
    const report = checkYaml(bad);
    assert.deepEqual(
      report.diagnostics.filter((d) => d.resource === "CapacityProvider").map((d) => `${d.code} ${d.severity}`),
      ["LOAD_INVALID_VALUE error"],
    );
    const fn = report.functions.find((f) => f.id === "Function");
    assert.equal(fn?.summary.internet, "unknown");
    assert.match(fn?.reason ?? "", /VpcConfig is not known: capacity provider CapacityProvider has no VpcConfig/);
  });

  it("no longer reports capacity providers as unsupported resources", () => {
    for (const name of ["lmi-private-nat", "lmi-sam-capacity-provider"]) {
      const codes = checkYaml(fixture(name)).diagnostics.map((d) => `${d.code} ${d.resource ?? ""}`);
      assert.ok(!codes.some((c) => c.includes("CapacityProvider")), `${name}: ${codes.join(", ")}`);
    }
  });

  it("loads the SAM capacity provider as a capacity provider with its VpcConfig", () => {
    const model = loadCloudFormation("sam.yaml", fixture("lmi-sam-capacity-provider"));
    const cp = model.get("capacity-provider", "CapacityProvider");
    assert.equal(cp?.origin.source, "sam");
    assert.ok(cp && !("unknown" in cp.vpcConfig));
    assert.deepEqual(cp.vpcConfig.subnetIds, ["PrivateSubnetA", "PrivateSubnetB"]);
    assert.deepEqual(cp.vpcConfig.securityGroupIds, ["InstancesSecurityGroup"]);
    assert.equal(model.get("function", "Function")?.capacityProviderId, "CapacityProvider");
  });

  it("telemetry: through NAT, through endpoints, or not at all", () => {
    const verdicts = (name: string) =>
      telemetryPaths(loadCloudFormation(`${name}.yaml`, fixture(name))).flatMap((t) =>
        t.subnets.map((s) => `${t.provider.id} ${s.subnet} ${s.verdict} ${s.services.map((r) => `${r.to}=${r.verdict}`).join(",")}`),
      );
    assert.deepEqual(verdicts("lmi-private-nat"), [
      "CapacityProvider PrivateSubnetA reachable aws:logs=reachable,aws:xray=reachable",
      "CapacityProvider PrivateSubnetB reachable aws:logs=reachable,aws:xray=reachable",
    ]);
    assert.deepEqual(verdicts("lmi-telemetry-endpoints"), [
      "CapacityProvider IsolatedSubnet reachable aws:logs=reachable,aws:xray=reachable",
    ]);
    assert.deepEqual(verdicts("lmi-no-path"), ["CapacityProvider IsolatedSubnet unreachable aws:logs=unreachable,aws:xray=unreachable"]);
  });

  it("telemetry: a logs endpoint alone leaves X-Ray without a path", () => {
    const text = fixture("lmi-telemetry-endpoints");
    const xray = text.slice(text.indexOf("  XrayEndpoint:"), text.indexOf("  CapacityProvider:"));
    const report = checkYaml(edit(text, xray, ""));
    const f = report.findings.filter((x) => x.rule === "managed-instances-without-telemetry-path");
    assert.deepEqual(
      f.map((x) => x.resource),
      ["CapacityProvider"],
    );
    assert.match(f[0]?.message ?? "", /IsolatedSubnet \(aws:xray: /);
    assert.doesNotMatch(f[0]?.message ?? "", /aws:logs/);
  });

  it("telemetry: an endpoint for another service does not count", () => {
    const report = checkYaml(edit(fixture("lmi-telemetry-endpoints"), "${AWS::Region}.logs", "${AWS::Region}.sqs"));
    assert.deepEqual(
      report.findings.map((f) => `${f.rule} ${f.resource}`),
      ["managed-instances-without-telemetry-path CapacityProvider", "function-single-az Function"],
    );
  });

  it("every rule about a function's subnets looks at the capacity provider's (one AZ, public subnet without public IPs, cross-AZ NAT)", () => {
    const single = checkYaml(fixture("lmi-public-subnet-without-public-ip"));
    const f = single.findings.filter((x) => x.rule === "function-in-public-subnet" || x.rule === "function-single-az");
    assert.deepEqual(
      f.map((x) => `${x.rule} ${x.resource}`),
      ["function-in-public-subnet Function", "function-single-az Function"],
    );
    assert.match(f[0]?.message ?? "", /capacity provider \w+ in public subnet PublicSubnet, which gives them no public IPv4 address/);
    assert.match(f[1]?.message ?? "", /runs on the instances of capacity provider \w+, all in one Availability Zone/);
    // With a public IP, a public subnet is the documented design for Managed Instances: no finding.
    assert.ok(!checkYaml(fixture("lmi-public-subnet")).findings.some((x) => x.rule === "function-in-public-subnet"));
    const cross = checkYaml(fixture("lmi-private-nat")).findings.find((x) => x.rule === "nat-gateway-cross-az");
    assert.match(cross?.message ?? "", /PrivateSubnetB \(us-east-1b\) -> NatGateway \(us-east-1a\)/);
  });
});
