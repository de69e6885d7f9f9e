// `check --format markdown`: the pull-request summary (functions × destinations, findings, details folded), exact.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { md } from "../src/report/markdown.ts";
import { runCli } from "./support/cli-helpers.ts";

describe("markdown", () => {
  it("a table of functions by destinations with the IPs to allowlist, the findings, the subnets folded", async () => {
    const r = await runCli(["check", "examples/single-nat-gateway/template.yaml", "--format", "markdown"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      [
        "## lambda-egress check",
        "",
        "✅ **0 errors**, 1 warning in 1 function (`examples/single-nat-gateway/template.yaml`)",
        "",
        "| Function | `internet` | Egress IPs to allowlist |",
        "|---|---|---|",
        "| `WebFetchFunction` | ✅ reachable | `NatEip` |",
        "",
        "### Findings",
        "",
        "| Severity | Rule | Resource | Where | Message |",
        "|---|---|---|---|---|",
        "| ⚠️ warning | `nat-gateway-cross-az` | `WebFetchFunction` | `examples/single-nat-gateway/template.yaml:143:7` | Function WebFetchFunction sends internet traffic through a NAT gateway in another Availability Zone: PrivateSubnetB (us-east-1b) -&gt; NatGateway (us-east-1a). If that zone fails, so does the function, and the traffic pays cross-AZ transfer. Fix: Give each Availability Zone its own NAT gateway and route each private subnet to the NAT gateway of its own zone. |",
        "",
        "<details><summary>WebFetchFunction: by subnet</summary>",
        "",
        "| Subnet | AZ | Destination | Verdict | Via / why | Fix |",
        "|---|---|---|---|---|---|",
        "| `PrivateSubnetA` | us-east-1a | `internet` | ✅ reachable | NatGateway (EIP NatEip) |  |",
        "| `PrivateSubnetB` | us-east-1b | `internet` | ✅ reachable | NatGateway (EIP NatEip) |  |",
        "",
        "</details>",
        "",
      ].join("\n"),
    );
  });

  it("a broken intent and a partial verdict: the failing mark, the intents table, the code and fix of the blocked subnet", async () => {
    const dir = "test/fixtures/one-of-two-subnets-misrouted";
    const r = await runCli(["check", `${dir}/template.yaml`, "--expect", `${dir}/intents.yaml`, "--format", "markdown"]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^❌ \*\*1 error\*\*, 0 warnings in 1 function \(.*\); intents: 1 held, 1 broken$/m);
    assert.match(r.stdout, /^\| `ApiClientFunction` \| ⚠️ partial \| `NatEip` \|$/m);
    assert.match(r.stdout, /^\| ❌ broken \| `ApiClientFunction` \| internet: reachable \| partial \|$/m);
    assert.match(
      r.stdout,
      /^\| `PrivateSubnetB` \| us-east-1b \| `internet` \| ❌ unreachable \| `NO_ROUTE_TO_DESTINATION` .* \| Associate PrivateSubnetB/m,
    );
  });

  it("template text cannot break a cell, open HTML or a link", () => {
    assert.equal(md("a|b <img src=x> [l](http://x) *s*\nnext"), "a\\|b &lt;img src=x&gt; \\[l\\](http://x) \\*s\\* next");
  });
});
