// The emulator's kernel step without privileges: the plan validator, applyPlan and teardown against a recording runner,
// cleanupAll, the server guard and the DNS server's answers.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Runner, RunResult } from "../src/emulate/apply.ts";
import { addressesIn, ApplyError, applyPlan, cleanupAll, PlanError, validatePlan } from "../src/emulate/apply.ts";
import type { Plan } from "../src/emulate/plan-types.ts";
import { answer } from "../src/emulate/servers/dns.ts";
import type { GuardProbe } from "../src/emulate/servers/guard.ts";
import { guardError } from "../src/emulate/servers/guard.ts";
import { runCli } from "./support/cli-helpers.ts";
import { twoNamespacePlan, twoNamespacePlanWithHttps } from "./support/emulate-fixtures.ts";

const P = "le0a1b2c";

class Recorder implements Runner {
  readonly log: string[] = [];
  readonly files = new Map<string, string>();
  readonly killed: number[] = [];
  nextPid = 1000;
  readonly failOn: (line: string) => boolean;
  readonly responses: (line: string) => string;
  readonly living: ReadonlySet<number>;
  constructor(
    failOn: (line: string) => boolean = () => false,
    responses: (line: string) => string = () => "",
    living: ReadonlySet<number> = new Set(),
  ) {
    this.failOn = failOn;
    this.responses = responses;
    this.living = living;
  }
  async run(cmd: string, args: readonly string[], options: { input?: string } = {}): Promise<RunResult> {
    const line = [cmd, ...args].join(" ");
    this.log.push(options.input !== undefined ? `${line} <<< ${options.input.trim().split("\n").join(" | ")}` : line);
    return this.failOn(line)
      ? { code: 1, stdout: "", stderr: "RTNETLINK answers: File exists" }
      : { code: 0, stdout: this.responses(line), stderr: "" };
  }
  async startServer(cmd: string, args: readonly string[]): Promise<number> {
    const line = [cmd, ...args].join(" ");
    this.log.push(`start ${line}`);
    if (this.failOn(line)) throw new Error("exited with 3");
    return this.nextPid++;
  }
  kill(pid: number): void {
    this.log.push(`kill ${pid}`);
    this.killed.push(pid);
  }
  alive(pid: number): boolean {
    return this.living.has(pid);
  }
  readFile(path: string): string | undefined {
    return this.files.get(path);
  }
  writeFile(path: string, text: string): void {
    if (!path.endsWith(".json")) this.log.push(`write ${path}`);
    this.files.set(path, text);
  }
  listDir(path: string): string[] {
    return [...this.files.keys()].filter((f) => f.startsWith(`${path}/`)).map((f) => f.slice(path.length + 1).split("/")[0] as string);
  }
  remove(path: string): void {
    if (!path.endsWith(".json")) this.log.push(`remove ${path}`);
    for (const f of [...this.files.keys()]) if (f === path || f.startsWith(`${path}/`)) this.files.delete(f);
  }
}

const OPTS = { stateDir: "/state", etcNetns: "/etc/netns", serverDir: "/srv" };

function withChange(change: (p: { -readonly [K in keyof Plan]: Plan[K] }) => void): Plan {
  const p = structuredClone(twoNamespacePlan(P)) as { -readonly [K in keyof Plan]: Plan[K] };
  change(p);
  return p;
}

describe("validatePlan", () => {
  it("accepts a plan inside its own namespaces and the documentation ranges", () => {
    assert.deepEqual(validatePlan(twoNamespacePlan(P)), []);
  });
  it("refuses a link end outside the plan's namespaces (the host's)", () => {
    const p = withChange((q) => {
      q.links = [{ a: { ns: `${P}-srv`, name: "eth0" }, b: { ns: "host", name: "veth9" } }];
    });
    assert.match(validatePlan(p).join("\n"), /link end host:veth9 is not in one of the plan's namespaces/);
  });
  it("refuses a namespace or a prefix without the run's prefix", () => {
    assert.match(validatePlan({ ...twoNamespacePlan(P), prefix: "lab" }).join("\n"), /prefix "lab" is not le and 6 hex digits/);
    const p = withChange((q) => {
      q.namespaces = [...q.namespaces, { name: "router", role: "router", entity: "vpc", sysctls: {}, ip: [] }];
    });
    assert.match(validatePlan(p).join("\n"), /namespace "router" is not named le0a1b2c-/);
  });
  it("refuses an interface name over 15 characters", () => {
    const p = withChange((q) => {
      q.links = [{ a: { ns: `${P}-srv`, name: "eth0" }, b: { ns: `${P}-cli`, name: "a-very-long-ifname" } }];
    });
    assert.match(validatePlan(p).join("\n"), /interface name "a-very-long-ifname" must be 1 to 15/);
  });
  it("refuses addresses outside the VPC CIDRs and the documentation ranges", () => {
    const p = withChange((q) => {
      q.namespaces = q.namespaces.map((n, i) =>
        i === 0
          ? {
              ...n,
              ip: [...n.ip, { op: "addr-add", cidr: "8.8.8.8/32", dev: "lo" }],
              ip6: [{ op: "route-add", to: "2600:1f18::/56", dev: "eth0" }],
            }
          : n,
      );
      q.servers = [
        ...q.servers,
        { ns: `${P}-srv`, kind: "dns", address: "1.2.3.4", port: 53, records: { "example.com": ["93.184.216.34"] } },
      ];
    });
    const problems = validatePlan(p).join("\n");
    for (const a of ["8.8.8.8/32", "2600:1f18::/56", "1.2.3.4", "93.184.216.34"])
      assert.match(problems, new RegExp(`address ${a.replace(/\./g, "\\.")} is outside`));
  });
  it("takes the VPC CIDRs from the plan when it lists them", () => {
    const p = { ...twoNamespacePlan(P), vpcCidrs: ["10.0.0.0/16"] };
    const q = {
      ...p,
      namespaces: p.namespaces.map((n) => ({
        ...n,
        ip: [
          ...n.ip,
          { op: "addr-add", cidr: "10.1.0.5/24", dev: "eth0" } as const,
          { op: "addr-add", cidr: "10.0.1.5/24", dev: "eth0" } as const,
        ],
      })),
    };
    assert.deepEqual(
      validatePlan(q).map((x) => x.replace(/namespace \S+ ip\[\d+\] \(addr-add\): /, "")),
      [
        "address 10.1.0.5/24 is outside the VPC CIDRs and the documentation ranges",
        "address 10.1.0.5/24 is outside the VPC CIDRs and the documentation ranges",
      ],
    );
  });
  it("refuses an interface that is not the namespace's own (quotes and words in a name included) and sysctls outside net.*", () => {
    const p = withChange((q) => {
      q.namespaces = q.namespaces.map((n, i) =>
        i === 0
          ? {
              ...n,
              ip: [
                { op: "link-up", dev: 'eth0" netns 1' },
                { op: "link-up", dev: "veth9" },
              ],
              sysctls: { "kernel.panic": "1", "net.ipv4.ip_forward": "1'; reboot; '" },
            }
          : n,
      );
    });
    assert.deepEqual(
      validatePlan(p).map((x) => x.replace(`namespace ${P}-srv`, "NS")),
      [
        'NS: sysctl "kernel.panic"="1" is not a net.* setting with a number',
        `NS: sysctl "net.ipv4.ip_forward"="1'; reboot; '" is not a net.* setting with a number`,
        `NS ip[0] (link-up): interface "eth0\\" netns 1" is not one of ${P}-srv's (lo and its links' ends)`,
        `NS ip[1] (link-up): interface "veth9" is not one of ${P}-srv's (lo and its links' ends)`,
      ],
    );
  });
  it("checks ip -6 lines like ip lines: documentation, link-local and unique local IPv6 pass; other global IPv6 and leaving the namespace do not", () => {
    const ok = withChange((q) => {
      q.namespaces = q.namespaces.map((n, i) =>
        i === 0
          ? {
              ...n,
              ip6: [
                { op: "addr-add", cidr: "2001:db8:1::23/64", dev: "eth0", nodad: true, noprefixroute: true },
                { op: "addr-add", cidr: "fe80::1/64", dev: "eth0", nodad: true },
                { op: "route-add", to: "2001:db8:1::/56", via: "fe80::2", dev: "eth0" },
                { op: "route-add", blackhole: true, to: "default", table: "default" },
                { op: "addr-add", cidr: "fd00:ec2::23/64", dev: "eth0" },
              ],
            }
          : n,
      );
    });
    assert.deepEqual(validatePlan(ok), []);
    const bad = withChange((q) => {
      q.namespaces = q.namespaces.map((n, i) =>
        i === 0
          ? {
              ...n,
              ip6: [
                { op: "addr-add", cidr: "2600:1f18:1234:5600::23/64", dev: "eth0" },
                { op: "route-add", to: "::/0", via: "2001:4860::1", dev: "eth0" },
                { op: "addr-add", cidr: "198.51.100.9/24", dev: "eth0" },
              ],
            }
          : n,
      );
    });
    assert.deepEqual(
      validatePlan(bad).map((x) => x.replace(`namespace ${P}-srv `, "")),
      [
        "ip6[0] (addr-add): address 2600:1f18:1234:5600::23/64 is outside the VPC CIDRs and the documentation ranges",
        "ip6[1] (route-add): address 2001:4860::1 is outside the VPC CIDRs and the documentation ranges",
        "ip6[2] (addr-add): 198.51.100.9/24 is not an IPv6 address",
      ],
    );
  });
  it("finds addresses in nft rulesets, ranges and maps", () => {
    assert.deepEqual(
      addressesIn(
        "ip saddr { 10.0.1.0/24, 10.0.2.5 } tcp dport 1024-65535 dnat to 203.0.113.10 : 10.0.1.5 ip6 daddr 2001:db8::1 ether aa:bb:cc:dd:ee:ff",
      ),
      ["10.0.1.0/24", "10.0.2.5", "203.0.113.10", "10.0.1.5", "2001:db8::1"],
    );
  });
});

describe("applyPlan with a recording runner", () => {
  it("creates namespaces, links, sysctls, addresses, rulesets, resolv.conf and servers in order, and tears down in reverse", async () => {
    const r = new Recorder();
    const emu = await applyPlan(twoNamespacePlan(P), r, OPTS);
    assert.equal(r.files.has(`/state/${P}.json`), true);
    const state = JSON.parse(r.files.get(`/state/${P}.json`) as string) as { namespaces: string[]; pids: number[]; etc: string[] };
    assert.deepEqual(state.namespaces, [`${P}-srv`, `${P}-cli`]);
    assert.deepEqual(state.pids, [1000, 1001]);
    assert.deepEqual(state.etc, [`/etc/netns/${P}-cli`]);
    await emu.teardown();
    assert.deepEqual(r.log, [
      `ip netns add ${P}-srv`,
      `ip netns add ${P}-cli`,
      `ip link add name eth0 netns ${P}-srv type veth peer name eth0 netns ${P}-cli`,
      `ip netns exec ${P}-srv sh -e <<< printf '%s\\n' '0' > /proc/sys/net/ipv4/conf/eth0/rp_filter`,
      `ip -n ${P}-srv -batch - <<< link set lo up | link set eth0 up | addr add 198.51.100.80/24 dev eth0`,
      `ip -n ${P}-cli -batch - <<< link set lo up | link set eth0 up | addr add 198.51.100.7/24 dev eth0`,
      `ip netns exec ${P}-srv nft -f - <<< table inet f { |   chain input { |     type filter hook input priority 0; policy accept; |     tcp dport 81 drop; |   } | }`,
      `write /etc/netns/${P}-cli/resolv.conf`,
      `start ip netns exec ${P}-srv ${process.execPath} /srv/whoami.js --prefix ${P} --ns ${P}-srv --listen [{"address":"198.51.100.80","port":80,"label":"internet","tls":false}]`,
      `start ip netns exec ${P}-srv ${process.execPath} /srv/dns.js --prefix ${P} --ns ${P}-srv --address 198.51.100.80 --port 53 --records {"*":["198.51.100.80"]}`,
      "kill 1001",
      "kill 1000",
      `ip netns pids ${P}-cli`,
      `ip netns del ${P}-cli`,
      `ip netns pids ${P}-srv`,
      `ip netns del ${P}-srv`,
      `remove /etc/netns/${P}-cli`,
    ]);
    assert.equal(r.files.size, 0, "the state file and resolv.conf are gone");
  });
  it("runs the ip -6 lines with ip -6 -batch, after every namespace's ip lines (its links are up by then)", async () => {
    const r = new Recorder();
    const plan = withChange((q) => {
      q.namespaces = q.namespaces.map((n) => ({
        ...n,
        ip6: [{ op: "addr-add", cidr: `fe80::${n.role === "eni" ? 2 : 1}/64`, dev: "eth0", nodad: true }],
      }));
    });
    const emu = await applyPlan(plan, r, OPTS);
    await emu.teardown();
    const batches = r.log.filter((l) => / -batch - /.test(l)).map((l) => l.replace(/ <<< .*/, ""));
    assert.deepEqual(batches, [
      `ip -n ${P}-srv -batch -`,
      `ip -n ${P}-cli -batch -`,
      `ip -6 -n ${P}-srv -batch -`,
      `ip -6 -n ${P}-cli -batch -`,
    ]);
    assert.ok(r.log.includes(`ip -6 -n ${P}-cli -batch - <<< addr add fe80::2/64 dev eth0 nodad`));
  });
  it("makes a CA of the run for port 443, passes it to the HTTPS server, trusts it in exec, and removes it", async () => {
    const r = new Recorder();
    const emu = await applyPlan(twoNamespacePlanWithHttps(P), r, OPTS);
    assert.equal(emu.caCert, `/state/${P}/ca.pem`);
    assert.ok(
      r.log.some((l) => l.startsWith(`openssl req -x509 -newkey ec`) && l.includes(`-keyout /state/${P}/ca.key -out /state/${P}/ca.pem`)),
    );
    assert.ok(
      r.log.some((l) =>
        l.endsWith(
          `/srv/whoami.js --prefix ${P} --ns ${P}-srv --listen [{"address":"198.51.100.80","port":80,"label":"internet","tls":false},{"address":"198.51.100.80","port":443,"label":"internet (https)","tls":true}] --tls-dir /state/${P}`,
        ),
      ),
    );
    await emu.exec(`${P}-cli`, "node", ["x.js"], 1000);
    assert.equal(
      r.log.at(-1),
      `ip netns exec ${P}-cli env NODE_EXTRA_CA_CERTS=/state/${P}/ca.pem CURL_CA_BUNDLE=/state/${P}/ca.pem SSL_CERT_FILE=/state/${P}/ca.pem REQUESTS_CA_BUNDLE=/state/${P}/ca.pem node x.js`,
    );
    await emu.teardown();
    assert.ok(r.log.includes(`remove /state/${P}`));
  });
  it("serves port 443 as plain HTTP, noted, when openssl is missing", async () => {
    const r = new Recorder((l) => l.startsWith("openssl"));
    const emu = await applyPlan(twoNamespacePlanWithHttps(P), r, OPTS);
    assert.equal(emu.caCert, undefined);
    assert.match(emu.notes.join(), /plain HTTP/);
    await emu.teardown();
  });
  it("refuses an unsafe plan before running anything", async () => {
    const r = new Recorder();
    const p = withChange((q) => {
      q.servers = [{ ns: `${P}-srv`, kind: "whoami", address: "8.8.8.8", port: 80 }];
    });
    await assert.rejects(applyPlan(p, r, OPTS), PlanError);
    assert.deepEqual(r.log, []);
    assert.equal(r.files.size, 0);
  });
  it("tears down what was created when a step fails half-way", async () => {
    const r = new Recorder((l) => l.startsWith("ip link add"));
    await assert.rejects(
      applyPlan(twoNamespacePlan(P), r, OPTS),
      (e: Error) => e instanceof ApplyError && /link .* failed \(1\): RTNETLINK/.test(e.message),
    );
    assert.deepEqual(r.log, [
      `ip netns add ${P}-srv`,
      `ip netns add ${P}-cli`,
      `ip link add name eth0 netns ${P}-srv type veth peer name eth0 netns ${P}-cli`,
      `ip netns pids ${P}-cli`,
      `ip netns del ${P}-cli`,
      `ip netns pids ${P}-srv`,
      `ip netns del ${P}-srv`,
    ]);
    assert.equal(r.files.size, 0);
  });
  it("kills the servers already started when a later one refuses to start", async () => {
    const r = new Recorder((l) => l.includes("dns.js"));
    await assert.rejects(applyPlan(twoNamespacePlan(P), r, OPTS), /server dns 198\.51\.100\.80:53 in le0a1b2c-srv: exited with 3/);
    assert.deepEqual(r.killed, [1000]);
    assert.ok(r.log.includes(`ip netns del ${P}-srv`) && r.log.includes(`remove /etc/netns/${P}-cli`));
    assert.equal(r.files.size, 0);
  });
});

describe("cleanupAll", () => {
  it("removes what dead runs left and leaves live runs and other namespaces alone", async () => {
    const dead = "le111111";
    const live = "le222222";
    const r = new Recorder(
      () => false,
      (l) =>
        l === "ip netns list"
          ? `${dead}-rtr (id: 3)\n${dead}-f0\n${live}-rtr\nlabnet\nle1234-x\n`
          : l === `ip netns pids ${dead}-rtr`
            ? "4242\n"
            : "",
      new Set([77]),
    );
    r.files.set(
      `/state/${dead}.json`,
      JSON.stringify({
        prefix: dead,
        owner: 99,
        namespaces: [`${dead}-rtr`],
        etc: [`/etc/netns/${dead}-f0`, "/etc/passwd"],
        pids: [500, 501],
      }),
    );
    r.files.set(`/state/${live}.json`, JSON.stringify({ prefix: live, owner: 77, namespaces: [`${live}-rtr`], etc: [], pids: [600] }));
    r.files.set(`/proc/500/cmdline`, `node\0whoami.js\0--prefix\0${dead}`);
    r.files.set(`/proc/501/cmdline`, "sshd");
    r.files.set(`/etc/netns/${dead}-f0/resolv.conf`, "nameserver 10.0.0.2\n");
    r.files.set(`/etc/netns/${live}-f0/resolv.conf`, "nameserver 10.0.0.2\n");
    r.files.set(`/etc/netns/other/resolv.conf`, "nameserver 10.0.0.2\n");
    const report = await cleanupAll(r, { stateDir: "/state", etcNetns: "/etc/netns" });
    assert.deepEqual(report.active, [live]);
    assert.deepEqual(report.removed, [
      "process 500",
      `/etc/netns/${dead}-f0`,
      `state file /state/${dead}.json`,
      `namespace ${dead}-rtr`,
      `namespace ${dead}-f0`,
    ]);
    assert.deepEqual(r.killed, [500, 4242]);
    assert.ok(!r.log.some((l) => /del (labnet|le1234-x|le222222)/.test(l)));
    assert.ok(
      r.files.has(`/state/${live}.json`) && r.files.has("/etc/netns/other/resolv.conf") && r.files.has(`/etc/netns/${live}-f0/resolv.conf`),
    );
  });
});

describe("the server guard", () => {
  const probe = (self: string, init: string | undefined, parent: string | undefined, name: string): GuardProbe => ({
    netns: (pid) => (pid === "self" ? self : pid === "1" ? init : parent),
    parent: 42,
    identify: () => name,
  });
  it("refuses the host's namespace", () => {
    assert.match(guardError(`${P}-srv`, P, probe("net:[1]", "net:[1]", "net:[1]", "")) ?? "", /host's network namespace/);
    assert.match(guardError(`${P}-srv`, P, probe("net:[1]", undefined, "net:[1]", "")) ?? "", /host's network namespace/);
    assert.match(guardError(`${P}-srv`, P, probe("net:[2]", undefined, undefined, `${P}-srv`)) ?? "", /cannot read/);
  });
  it("refuses a namespace that is not the emulator's or not the one named", () => {
    assert.match(guardError("labnet", P, probe("net:[2]", "net:[1]", "net:[1]", "labnet")) ?? "", /not one of the emulator's namespaces/);
    assert.match(guardError(`${P}-srv`, "bad", probe("net:[2]", "net:[1]", "net:[1]", `${P}-srv`)) ?? "", /--prefix must be le/);
    assert.match(
      guardError(`${P}-srv`, P, probe("net:[2]", "net:[1]", "net:[1]", `${P}-cli`)) ?? "",
      /in namespace le0a1b2c-cli, not le0a1b2c-srv/,
    );
  });
  it("lets a server start inside its own namespace", () => {
    assert.equal(guardError(`${P}-srv`, P, probe("net:[2]", "net:[1]", "net:[1]", `${P}-srv`)), undefined);
  });
});

describe("the DNS server", () => {
  const query = (name: string, type: number): Buffer => {
    const labels = name.split(".").map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
    const tail = Buffer.alloc(5);
    tail.writeUInt16BE(type, 1);
    tail.writeUInt16BE(1, 3);
    return Buffer.concat([Buffer.from([0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, tail]);
  };
  const records = { "s3.us-east-1.amazonaws.com": ["10.0.1.50", "10.0.2.50"], "*": ["198.51.100.80", "2001:db8::80"] };
  it("answers A records, case-insensitively, with the query's id", () => {
    const r = answer(query("S3.us-east-1.amazonaws.com", 1), records) as Buffer;
    assert.equal(r.readUInt16BE(0), 0x1234);
    assert.equal(r.readUInt16BE(2) & 0xf, 0);
    assert.equal(r.readUInt16BE(6), 2);
    assert.deepEqual([...r.subarray(r.length - 4)], [10, 0, 2, 50]);
  });
  it("answers every other name from the wildcard, AAAA too", () => {
    const a = answer(query("example.com", 1), records) as Buffer;
    assert.deepEqual([...a.subarray(a.length - 4)], [198, 51, 100, 80]);
    const aaaa = answer(query("example.com", 28), records) as Buffer;
    assert.equal(aaaa.readUInt16BE(6), 1);
    assert.equal(aaaa.subarray(aaaa.length - 16).toString("hex"), "20010db8000000000000000000000080");
  });
  it("answers a name under a `*.SUFFIX` entry from it, the longest suffix first: AWS service names get no AAAA", () => {
    const suffixed = { ...records, "*.amazonaws.com": ["198.51.100.80"], "*.us-east-1.amazonaws.com": ["198.51.100.81"] };
    const a = answer(query("sqs.us-east-1.amazonaws.com", 1), suffixed) as Buffer;
    assert.deepEqual([...a.subarray(a.length - 4)], [198, 51, 100, 81]);
    const other = answer(query("sts.amazonaws.com", 1), suffixed) as Buffer;
    assert.deepEqual([...other.subarray(other.length - 4)], [198, 51, 100, 80]);
    const aaaa = answer(query("sqs.us-east-1.amazonaws.com", 28), suffixed) as Buffer;
    assert.equal(aaaa.readUInt16BE(2) & 0xf, 0, "the name exists");
    assert.equal(aaaa.readUInt16BE(6), 0, "with no IPv6 address");
    const exact = answer(query("s3.us-east-1.amazonaws.com", 1), suffixed) as Buffer;
    assert.deepEqual([...exact.subarray(exact.length - 4)], [10, 0, 2, 50]);
  });
  it("answers NXDOMAIN without a wildcard and ignores garbage", () => {
    const r = answer(query("example.com", 1), { "a.example": ["10.0.0.1"] }) as Buffer;
    assert.equal(r.readUInt16BE(2) & 0xf, 3);
    assert.equal(answer(Buffer.from([1, 2, 3]), records), undefined);
  });
});

describe("lambda-egress emulate (usage)", () => {
  it("prints its help", async () => {
    const r = await runCli(["emulate", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /lambda-egress emulate TEMPLATE --function ID/);
  });
  for (const [args, message] of [
    [["emulate"], /emulate takes one template/],
    [["emulate", "t.yaml"], /emulate needs --function ID/],
    [["emulate", "t.yaml", "--function", "F"], /emulate needs --exec -- CMD/],
    [["emulate", "t.yaml", "--function", "F", "--exec"], /--exec needs a command after --/],
    [["emulate", "t.yaml", "--function", "F", "--exec", "--timeout", "0", "--", "true"], /--timeout 0: use 1 to 3600 seconds/],
    [["emulate", "--cleanup", "t.yaml"], /--cleanup takes no template/],
    [["emulate", "--bogus"], /unknown option --bogus$/m],
    [["emulate", "--plan-file", "t.json", "t.yaml", "--exec", "--", "true"], /--plan-file takes no template/],
    [["emulate", "--plan-file", "test/no-such-plan.json", "--exec", "--", "true"], /no-such-plan\.json: no such file/],
    [["emulate", "--plan-file", "package.json", "--exec", "--", "true"], /package\.json: not a plan/],
  ] as const) {
    it(`refuses ${args.join(" ")} with exit 2 and one line`, async () => {
      const r = await runCli([...args]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.split("\n").filter((l) => l.startsWith("lambda-egress:")).length, 1);
      assert.doesNotMatch(r.stderr, /\bat .*\.js:\d+/);
    });
  }
  // As root the cleanup itself is exercised by emulate-kernel.test.ts (here it could race with that file's crash test).
  it("--cleanup says what it needs", { skip: process.getuid?.() === 0 ? "run as root: see emulate-kernel" : false }, async () => {
    const r = await runCli(["emulate", "--cleanup"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs root/);
  });
});
