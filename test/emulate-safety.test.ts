// The emulator's safety checks (issue 12): a plan is typed data checked field by field (a --plan-file included), and
// nothing a template names (a logical id with a newline, a quote, `;`, `$(`, `include`, NUL, ...) reaches a ruleset, a
// command line, an environment variable or a terminal unescaped.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { validatePlan } from "../src/emulate/apply.ts";
import type { IpOp } from "../src/emulate/ip-ops.ts";
import { renderIpOp } from "../src/emulate/ip-ops.ts";
import { describePlan, planEmulation } from "../src/emulate/plan.ts";
import type { Plan } from "../src/emulate/plan-types.ts";
import { shellLaunch } from "../src/emulate/shell.ts";
import { nftName } from "../src/emulate/text.ts";
import { planProblems } from "../src/emulate/validate-plan.ts";
import { loadCloudFormation } from "../src/load/cfn/index.ts";
import { runCli } from "./support/cli-helpers.ts";
import { twoNamespacePlan } from "./support/emulate-fixtures.ts";
import { ROOT } from "./support/helpers.ts";

const P = "le0a1b2c";

describe("ip operations are rendered from typed fields only", () => {
  it("renders each operation to its ip -batch line", () => {
    const ops: [IpOp, string][] = [
      [{ op: "link-up", dev: "eth0" }, "link set eth0 up"],
      [{ op: "link-group", dev: "le0a1b2c-e0", group: 3 }, "link set le0a1b2c-e0 group 3"],
      [
        { op: "addr-add", cidr: "2001:db8:1::23/64", dev: "eth0", nodad: true, noprefixroute: true },
        "addr add 2001:db8:1::23/64 dev eth0 nodad noprefixroute",
      ],
      [
        { op: "route-add", to: "0.0.0.0/0", via: "10.0.0.10", dev: "x", onlink: true, table: 1001 },
        "route add 0.0.0.0/0 via 10.0.0.10 dev x onlink table 1001",
      ],
      [{ op: "route-add", blackhole: true, to: "default", table: "default" }, "route add blackhole default table default"],
      [{ op: "rule-add", pref: 200, iif: "le0a1b2c-e0", table: 1001 }, "rule add pref 200 iif le0a1b2c-e0 lookup 1001"],
    ];
    for (const [op, line] of ops) assert.equal(renderIpOp(op), line);
  });
  it("refuses to render a field that would be more than one word (quotes, blanks, newlines)", () => {
    for (const dev of ['eth0" "netns" 1', "eth0 netns 1", "eth0\nlink set eth0 netns 1", "eth0#", ""])
      assert.throws(() => renderIpOp({ op: "link-up", dev }), /not a plain ip argument/);
  });
});

/** A plan file in a temporary directory; returns its path. */
const dir = mkdtempSync(join(tmpdir(), "le-safety-"));
after(() => rmSync(dir, { recursive: true, force: true }));
function planFile(name: string, plan: unknown): string {
  const f = join(dir, name);
  writeFileSync(f, JSON.stringify(plan));
  return f;
}

describe("--plan-file is typed data, checked before anything runs", () => {
  const base = twoNamespacePlan(P);
  const withSrvIp = (ip: unknown[]): unknown => ({
    ...base,
    namespaces: base.namespaces.map((n, i) => (i === 0 ? { ...n, ip } : n)),
  });
  for (const [what, plan, message] of [
    [
      "the old ip -batch text, whose quotes hid `netns` from the old check",
      withSrvIp(['link set "eth0" "netns" 1']),
      /not a plan \(namespaces\[0\]\.ip\[0\]: an ip operation is an object/,
    ],
    [
      "an operation the schema does not have",
      withSrvIp([{ op: "link-set", dev: "eth0", netns: 1 }]),
      /namespaces\[0\]\.ip\[0\]: op "link-set" is not one of link-up, link-group, addr-add, route-add, rule-add/,
    ],
    [
      "a field an operation does not have",
      withSrvIp([{ op: "link-up", dev: "eth0", netns: "1" }]),
      /namespaces\[0\]\.ip\[0\] \(link-up\): unknown field "netns"/,
    ],
    [
      "a field of the wrong type",
      withSrvIp([{ op: "link-group", dev: "eth0", group: "1 netns 1" }]),
      /namespaces\[0\]\.ip\[0\] \(link-group\): group has the wrong type/,
    ],
    [
      "an interface with quotes and words in its name",
      withSrvIp([{ op: "link-up", dev: 'eth0" "netns" "1' }]),
      /unsafe plan \(namespace le[0-9a-f]{6}-srv ip\[0\] \(link-up\): interface "eth0\\" \\"netns\\" \\"1" is not one of/,
    ],
    [
      "a ruleset that includes a host file",
      { ...base, namespaces: base.namespaces.map((n, i) => (i === 0 ? { ...n, nft: 'include "/etc/passwd"\n' } : n)) },
      /unsafe plan \(namespace le[0-9a-f]{6}-srv nft: include reads a file/,
    ],
    [
      "a resolv.conf with more than nameserver lines",
      {
        ...base,
        namespaces: base.namespaces.map((n, i) => (i === 1 ? { ...n, resolvConf: "nameserver 198.51.100.80\noptions ndots:0\n" } : n)),
      },
      /resolv\.conf: "options ndots:0" is not "nameserver ADDRESS"/,
    ],
    ["not an object", [1, 2], /not a plan \(a plan is a JSON object\)/],
    [
      "VPC blocks that widen the address space to public addresses",
      { ...base, vpcCidrs: ["0.0.0.0/0"] },
      /vpcCidrs: 0\.0\.0\.0\/0 is not private address space/,
    ],
  ] as const) {
    it(`refuses ${what}: exit 2, one line, nothing run`, async () => {
      const r = await runCli(["emulate", "--plan-file", planFile("p.json", plan), "--exec", "--", "true"]);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split("\n").filter((l) => l.startsWith("lambda-egress:")).length, 1);
      assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
      assert.equal(r.stdout, "");
    });
  }
  it("accepts a well-formed plan's shape (the planner's own plans and the fixtures')", () => {
    assert.deepEqual(planProblems(JSON.parse(JSON.stringify(base))), []);
    const path = join(ROOT, "examples/nat-gateway-per-az/template.yaml");
    const plan = planEmulation(loadCloudFormation(path, readFileSync(path, "utf8")), { prefix: P });
    assert.deepEqual(planProblems(JSON.parse(JSON.stringify(plan))), []);
  });
});

/** A hostile logical id: breaks out of a comment, adds rules, includes a host file, runs a command, NUL, very long. */
const HOSTILE =
  'Acl\n}\ninclude "/etc/passwd"\ntable inet x { chain y { return; } }\n$(touch /tmp/pwned);`id`\'"\u0000\u001b[2J' + "x".repeat(5000);

/** nacl-correct (or another fixture) with some of its logical ids replaced (YAML double-quoted, as JSON writes them). */
function hostileTemplate(fixture: string, ids: Record<string, string>): string {
  let y = readFileSync(join(ROOT, "test/fixtures", fixture, "template.yaml"), "utf8");
  for (const [id, h] of Object.entries(ids)) {
    const q = JSON.stringify(h);
    y = y
      .replace(new RegExp(`^  ${id}:`, "m"), `  ${q}:`)
      .replace(new RegExp(`!Ref ${id}\\b`, "g"), `!Ref ${q}`)
      .replace(new RegExp(`!GetAtt ${id}\\.`, "g"), `!GetAtt ${q}.`);
  }
  return y;
}

/** A ruleset without its comments. */
const rules = (nft: string | undefined): string =>
  (nft ?? "")
    .split("\n")
    .filter((l) => !l.trim().startsWith("#"))
    .join("\n");

function nftCheck(text: string): string | undefined {
  const f = join(dir, "check.nft");
  writeFileSync(f, text);
  const r = spawnSync("nft", ["-c", "-f", f], { encoding: "utf8" });
  if (r.error || /Operation not permitted|Permission denied/i.test(r.stderr ?? "")) return "nft -c cannot run here";
  assert.equal(r.status, 0, r.stderr);
  return undefined;
}

describe("hostile logical ids never reach a ruleset, a command or a terminal unescaped", () => {
  const cases = [
    ["nacl-correct", { PrivateNetworkAcl: HOSTILE, PrivateSubnet: 'Sub"net;\n#', ApiClientFunction: "Fn\u0000$(reboot)\n" }],
    ["endpoint-sg-admits-function-sg", { FunctionSecurityGroup: HOSTILE, EndpointSecurityGroup: "a-b" }],
  ] as const;
  for (const [fixture, ids] of cases) {
    it(`${fixture}: the same rules as with plain ids, comments of safe characters only, a plan that passes the checks`, (t) => {
      const plain = planEmulation(loadCloudFormation("t.yaml", hostileTemplate(fixture, {})), { prefix: P });
      const hostile = planEmulation(loadCloudFormation("t.yaml", hostileTemplate(fixture, ids)), { prefix: P });
      assert.deepEqual(validatePlan(hostile), []);
      assert.equal(hostile.namespaces.length, plain.namespaces.length);
      for (const [i, n] of hostile.namespaces.entries()) {
        const m = plain.namespaces[i] as Plan["namespaces"][number];
        assert.deepEqual(n.ip, m.ip, `${n.name}: the same ip operations`);
        // Set names of renamed security groups differ; everything else is the same rule for rule.
        const norm = (s: string): string => s.replace(/sg6?_\w+/g, "SET");
        assert.equal(norm(rules(n.nft)), norm(rules(m.nft)), `${n.name}: the same rules`);
        for (const line of (n.nft ?? "").split("\n")) {
          const c = line.trim();
          if (c.startsWith("#")) assert.match(c, /^# [A-Za-z0-9 _.,:/()@*+=-]{0,400}$/, "a comment of safe characters, one line, bounded");
          else assert.doesNotMatch(c, /(^|\s)include\s|table inet x|touch \/|\u0000/, "no rule of the template's text");
        }
      }
      const skip = hostile.namespaces.map((n) => (n.nft === undefined ? undefined : nftCheck(n.nft))).find((x) => x !== undefined);
      const text = describePlan(hostile);
      assert.doesNotMatch(text, /[\u0000\u001b]/, "the printed plan has no NUL or escape");
      for (const e of hostile.enis) {
        const launch = shellLaunch(e, { shell: "/bin/sh", interactive: false, dropCaps: true, caCert: undefined });
        for (const v of Object.values(launch.env))
          assert.doesNotMatch(v, /[\u0000\n\u001b]/, "environment variables are one printable line");
      }
      if (skip) t.diagnostic(skip);
    });
  }
  it("names a security group's nft set by its id when plain, else by its safe characters and a hash: never two groups one set", () => {
    assert.equal(nftName("FunctionSecurityGroup"), "FunctionSecurityGroup");
    assert.notEqual(nftName("a-b"), nftName("a_b"));
    assert.notEqual(nftName("a-b"), nftName("a.b"));
    assert.match(nftName(HOSTILE), /^Acl_{3}include_{3}etc_passwd__table_inx_[0-9a-f]{8}$|^[A-Za-z0-9_]{1,40}_[0-9a-f]{8}$/);
  });
});
