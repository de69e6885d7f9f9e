// Shared by the emulator tests: whether the kernel tests can run here, and hand-written plans (two namespaces on one
// veth, a whoami and a DNS server in one of them).
import { spawnSync } from "node:child_process";
import type { Plan } from "../../src/emulate/plan-types.ts";
import { newPrefix } from "../../src/emulate/servers/guard.ts";

export { newPrefix };

/** Why the kernel tests cannot run here (root, ip, nft and the right to create namespaces), or undefined. */
export function kernelTestsMissing(): string | undefined {
  if (process.platform !== "linux") return "the emulator needs Linux";
  if (process.getuid?.() !== 0) return "kernel tests need root (run npm test as root to include them)";
  if (spawnSync("ip", ["-V"]).status !== 0) return "ip is missing (apt-get install iproute2)";
  if (spawnSync("nft", ["--version"]).status !== 0) return "nft is missing (apt-get install nftables)";
  const probe = `${newPrefix()}-probe`;
  if (spawnSync("ip", ["netns", "add", probe]).status !== 0) return "cannot create network namespaces here";
  spawnSync("ip", ["netns", "del", probe]);
  return undefined;
}

/** `srv` (198.51.100.80: whoami on 80, DNS on 53 answering every name with itself) and `cli` (198.51.100.7) on one veth. */
export function twoNamespacePlan(prefix: string): Plan {
  const srv = `${prefix}-srv`;
  const cli = `${prefix}-cli`;
  return {
    prefix,
    namespaces: [
      {
        name: srv,
        role: "internet",
        entity: "internet",
        sysctls: { "net.ipv4.conf.eth0.rp_filter": "0" },
        ip: [
          { op: "link-up", dev: "lo" },
          { op: "link-up", dev: "eth0" },
          { op: "addr-add", cidr: "198.51.100.80/24", dev: "eth0" },
        ],
        nft: "table inet f {\n  chain input {\n    type filter hook input priority 0; policy accept;\n    tcp dport 81 drop;\n  }\n}\n",
      },
      {
        name: cli,
        role: "eni",
        entity: "subnet-a",
        sysctls: {},
        ip: [
          { op: "link-up", dev: "lo" },
          { op: "link-up", dev: "eth0" },
          { op: "addr-add", cidr: "198.51.100.7/24", dev: "eth0" },
        ],
        resolvConf: "nameserver 198.51.100.80\n",
      },
    ],
    links: [{ a: { ns: srv, name: "eth0" }, b: { ns: cli, name: "eth0" } }],
    servers: [
      { ns: srv, kind: "whoami", address: "198.51.100.80", port: 80, label: "internet" },
      { ns: srv, kind: "dns", address: "198.51.100.80", port: 53, records: { "*": ["198.51.100.80"] } },
    ],
    enis: [{ functionId: "Fn", subnetId: "subnet-a", ns: cli, ipv4: "198.51.100.7" }],
    notes: [],
  };
}

/** The same plan with HTTPS: a whoami server on port 443 as well. */
export function twoNamespacePlanWithHttps(prefix: string): Plan {
  const p = twoNamespacePlan(prefix);
  return {
    ...p,
    servers: [...p.servers, { ns: `${prefix}-srv`, kind: "whoami", address: "198.51.100.80", port: 443, label: "internet (https)" }],
  };
}

/** A client inside a namespace: resolves `name` through resolv.conf, GETs it, prints the body. */
export const CLIENT = `require("http").get("http://example.com/", { timeout: 3000 }, (r) => { let b = ""; r.on("data", (d) => (b += d)); r.on("end", () => { console.log(b); }); }).on("error", (e) => { console.error(e.message); process.exit(1); });`;

/** The HTTPS client: trusts the run's CA only through NODE_EXTRA_CA_CERTS. */
export const HTTPS_CLIENT = CLIENT.replace(
  'require("http").get("http://example.com/"',
  'require("https").get("https://api.partner.example/"',
);
