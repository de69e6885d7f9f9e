// The emulator's safety check of a plan (the rules the README's "Emulate" section lists), on the plan's typed data: the shape of a plan read from a file
// (`planProblems`: every field of the schema in plan-types.ts and ip-ops.ts, nothing else), then the rules
// (`validatePlan`): names under the run's prefix, interfaces and namespaces of the plan's own, addresses inside the
// emulator's address space (address-space.ts). The kernel commands are rendered from the checked data only (ip-ops.ts).
import type { Cidr, Family } from "../net/ip.ts";
import { cidrContains, mustParseCidr, parseAddress, parseCidr } from "../net/ip.ts";
import { DOCUMENTATION_RANGES, LOCAL_RANGES, PRIVATE_RANGES } from "./address-space.ts";
import type { IpOp } from "./ip-ops.ts";
import { IP_OP_FIELDS } from "./ip-ops.ts";
import type { Plan } from "./plan-types.ts";
import { PREFIX_PATTERN } from "./servers/guard.ts";

/** Linux IFNAMSIZ - 1. */
export const IFNAME_MAX = 15;
/** Names of namespaces and state files a run creates: `le<6 hex>-...`. */
export const RUN_NAME = /^le[0-9a-f]{6}-[a-z0-9-]+$/;
const IFNAME = /^[a-zA-Z0-9_.-]+$/;
const ROLES = ["router", "eni", "endpoint", "nat-gateway", "nat-instance", "igw", "eigw", "internet"];
/** A label or id shown to people (messages, the whoami answer): printable, one line, bounded. */
const TEXT_MAX = 512;
const PRINTABLE = /^[^\p{Cc}\p{Co}\p{Cn}\u2028\u2029]*$/u;
/** A DNS name of a server's records (`*` and `*.suffix` included). */
const DNS_NAME = /^(\*|(\*\.)?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.?)$/;

type Json = Record<string, unknown>;

function isObject(x: unknown): x is Json {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** Problems with the keys of `o`: a missing required key, or a key the schema does not have. */
function keyProblems(where: string, o: Json, required: readonly string[], optional: readonly string[]): string[] {
  const out: string[] = [];
  for (const k of required) if (!(k in o)) out.push(`${where}: ${k} is missing`);
  for (const k of Object.keys(o))
    if (!required.includes(k) && !optional.includes(k)) out.push(`${where}: unknown field ${JSON.stringify(k)}`);
  return out;
}

function isText(x: unknown): x is string {
  return typeof x === "string" && x.length <= TEXT_MAX && PRINTABLE.test(x);
}

/** The shape of one `ip` operation (types only; validatePlan checks the values). */
function ipOpShape(where: string, x: unknown): string[] {
  if (!isObject(x)) return [`${where}: an ip operation is an object like {"op": "addr-add", "dev": "eth0", "cidr": "10.0.0.5/24"}`];
  const op = x.op;
  if (typeof op !== "string" || !(op in IP_OP_FIELDS))
    return [`${where}: op ${JSON.stringify(op)} is not one of ${Object.keys(IP_OP_FIELDS).join(", ")}`];
  const fields = IP_OP_FIELDS[op as IpOp["op"]];
  const out = keyProblems(`${where} (${op})`, x, ["op", ...fields.required], fields.optional);
  for (const [k, v] of Object.entries(x)) {
    if (k === "op") continue;
    const ok =
      k === "group" || k === "pref"
        ? typeof v === "number"
        : k === "table"
          ? typeof v === "number" || v === "default"
          : k === "nodad" || k === "noprefixroute" || k === "blackhole" || k === "onlink"
            ? typeof v === "boolean"
            : typeof v === "string";
    if (!ok) out.push(`${where} (${op}): ${k} has the wrong type (${JSON.stringify(v)})`);
  }
  return out;
}

/** Whether `x` (read from a file) has the shape of a Plan: every problem with its path; empty when it has. */
export function planProblems(x: unknown): string[] {
  if (!isObject(x)) return ["a plan is a JSON object"];
  const out = keyProblems("plan", x, ["prefix", "namespaces", "links", "servers", "enis", "notes"], ["vpcCidrs"]);
  if (typeof x.prefix !== "string") out.push("plan: prefix is not a string");
  const list = (k: string): unknown[] => {
    const v = x[k];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      out.push(`plan: ${k} is not a list`);
      return [];
    }
    return v;
  };
  list("namespaces").forEach((n, i) => {
    const w = `namespaces[${i}]`;
    if (!isObject(n)) return void out.push(`${w}: not an object`);
    out.push(...keyProblems(w, n, ["name", "role", "entity", "sysctls", "ip"], ["ip6", "nft", "resolvConf"]));
    if (typeof n.name !== "string") out.push(`${w}: name is not a string`);
    if (!ROLES.includes(n.role as string)) out.push(`${w}: role ${JSON.stringify(n.role)} is not one of ${ROLES.join(", ")}`);
    if (!isText(n.entity)) out.push(`${w}: entity is not one line of printable text`);
    if (!isObject(n.sysctls) || Object.values(n.sysctls).some((v) => typeof v !== "string"))
      out.push(`${w}: sysctls is not an object of strings`);
    for (const k of ["ip", "ip6"] as const) {
      const ops = n[k];
      if (ops === undefined) continue;
      if (!Array.isArray(ops)) out.push(`${w}: ${k} is not a list of ip operations`);
      else ops.forEach((op, j) => out.push(...ipOpShape(`${w}.${k}[${j}]`, op)));
    }
    if (n.nft !== undefined && typeof n.nft !== "string") out.push(`${w}: nft is not a string`);
    if (n.resolvConf !== undefined && typeof n.resolvConf !== "string") out.push(`${w}: resolvConf is not a string`);
  });
  list("links").forEach((l, i) => {
    const w = `links[${i}]`;
    if (!isObject(l)) return void out.push(`${w}: not an object`);
    out.push(...keyProblems(w, l, ["a", "b"], []));
    for (const e of ["a", "b"] as const) {
      const end = l[e];
      if (!isObject(end)) {
        out.push(`${w}.${e}: not an object {ns, name}`);
        continue;
      }
      out.push(...keyProblems(`${w}.${e}`, end, ["ns", "name"], []));
      if (typeof end.ns !== "string" || typeof end.name !== "string") out.push(`${w}.${e}: ns and name are strings`);
    }
  });
  list("servers").forEach((s, i) => {
    const w = `servers[${i}]`;
    if (!isObject(s)) return void out.push(`${w}: not an object`);
    out.push(...keyProblems(w, s, ["ns", "kind", "address", "port"], ["records", "label"]));
    if (s.kind !== "dns" && s.kind !== "whoami") out.push(`${w}: kind ${JSON.stringify(s.kind)} is not dns or whoami`);
    if (typeof s.ns !== "string" || typeof s.address !== "string" || typeof s.port !== "number")
      out.push(`${w}: ns and address are strings, port a number`);
    if (s.label !== undefined && !isText(s.label)) out.push(`${w}: label is not one line of printable text`);
    if (s.records !== undefined) {
      const r = s.records;
      if (!isObject(r) || Object.values(r).some((a) => !Array.isArray(a) || a.some((v) => typeof v !== "string")))
        out.push(`${w}: records is not an object of lists of addresses`);
    }
  });
  list("enis").forEach((e, i) => {
    const w = `enis[${i}]`;
    if (!isObject(e)) return void out.push(`${w}: not an object`);
    out.push(...keyProblems(w, e, ["functionId", "subnetId", "ns", "ipv4"], ["ipv6"]));
    for (const k of ["functionId", "subnetId", "ns", "ipv4"]) if (!isText(e[k])) out.push(`${w}: ${k} is not one line of printable text`);
    if (e.ipv6 !== undefined && typeof e.ipv6 !== "string") out.push(`${w}: ipv6 is not a string`);
  });
  list("notes").forEach((n, i) => {
    if (typeof n !== "string") out.push(`notes[${i}]: not a string`);
  });
  if (x.vpcCidrs !== undefined && (!Array.isArray(x.vpcCidrs) || x.vpcCidrs.some((c) => typeof c !== "string")))
    out.push("plan: vpcCidrs is not a list of strings");
  return out;
}

/** The addresses and blocks written in a piece of plan text (an nft ruleset, resolv.conf). */
export function addressesIn(text: string): string[] {
  const out: string[] = [];
  for (const token of text.split(/[\s,{}()[\];=]+/)) {
    if (!/^[0-9a-fA-F:.]*[.:][0-9a-fA-F:./-]*$/.test(token) || !/\d/.test(token)) continue;
    for (const part of token.includes("-") ? token.split("-") : [token]) {
      const t = part.replace(/:$/, "");
      if (/^\d+$/.test(t) || t === "") continue;
      if (t.includes(":") && !/^[0-9a-fA-F:.]+(\/\d+)?$/.test(t)) continue;
      if (!t.includes(":") && !/^\d{1,3}(\.\d{1,3}){3}(\/\d+)?$/.test(t)) continue;
      out.push(t);
    }
  }
  return out;
}

/** An address (or address/prefix) written plainly: digits, hex, `.`, `:` and `/` only. */
const ADDRESS_TEXT = /^[0-9a-fA-F.:]+(\/\d{1,3})?$/;

/** Every violation of the safety rules in the plan; empty when it may be applied. */
export function validatePlan(plan: Plan & { readonly vpcCidrs?: readonly string[] }): string[] {
  const problems: string[] = [];
  const { prefix } = plan;
  if (!PREFIX_PATTERN.test(prefix)) problems.push(`prefix ${JSON.stringify(prefix)} is not le and 6 hex digits`);
  const privateSpace = PRIVATE_RANGES.map(mustParseCidr);
  // A plan may narrow the private space to its VPCs' blocks, never widen it.
  const vpcCidrs = (plan.vpcCidrs ?? PRIVATE_RANGES).map((c) => {
    const p = ADDRESS_TEXT.test(c) ? parseCidr(c)?.cidr : undefined;
    if (p === undefined) problems.push(`vpcCidrs: ${JSON.stringify(c)} is not a block`);
    else if (!privateSpace.some((o) => cidrContains(o, p)))
      problems.push(`vpcCidrs: ${c} is not private address space (${PRIVATE_RANGES.join(", ")})`);
    return p ?? mustParseCidr("0.0.0.0/32");
  });
  const allowed: Cidr[] = [...[...DOCUMENTATION_RANGES, ...LOCAL_RANGES].map(mustParseCidr), ...vpcCidrs];
  /** An address or block of `family` inside the emulator's address space (`any`: the default route's 0/0 too). */
  const address = (where: string, text: string, family: Family | undefined, any = false): void => {
    const parsed = ADDRESS_TEXT.test(text) ? parseCidr(text) : null;
    if (!parsed) return void problems.push(`${where}: ${JSON.stringify(text)} is not an address`);
    const c = parsed.cidr;
    if (family !== undefined && c.family !== family) return void problems.push(`${where}: ${text} is not an IPv${family} address`);
    if (any && c.prefix === 0) return;
    if (!allowed.some((o) => cidrContains(o, c)))
      problems.push(`${where}: address ${text} is outside the VPC CIDRs and the documentation ranges`);
  };
  const names = new Set<string>();
  for (const ns of plan.namespaces) {
    if (typeof ns.name !== "string" || !ns.name.startsWith(`${prefix}-`) || !RUN_NAME.test(ns.name) || ns.name.length > 64)
      problems.push(`namespace ${JSON.stringify(ns.name)} is not named ${prefix}-<lowercase letters, digits, ->`);
    if (names.has(ns.name)) problems.push(`namespace ${ns.name} appears twice`);
    names.add(ns.name);
  }
  /** Namespace -> the interfaces it has: its loopback and its ends of the plan's links. */
  const ifaces = new Map<string, Set<string>>([...names].map((n) => [n, new Set(["lo"])]));
  const ifnames = new Set<string>();
  for (const l of plan.links) {
    for (const end of [l.a, l.b]) {
      if (!names.has(end.ns)) problems.push(`link end ${end.ns}:${end.name} is not in one of the plan's namespaces (never the host's)`);
      if (end.name.length === 0 || end.name.length > IFNAME_MAX || !IFNAME.test(end.name) || end.name === "lo")
        problems.push(`interface name ${JSON.stringify(end.name)} must be 1 to ${IFNAME_MAX} letters, digits, _ . - (not lo)`);
      const key = `${end.ns}:${end.name}`;
      if (ifnames.has(key)) problems.push(`interface ${key} appears twice`);
      ifnames.add(key);
      ifaces.get(end.ns)?.add(end.name);
    }
  }
  for (const ns of plan.namespaces) {
    const where = `namespace ${ns.name}`;
    const mine = ifaces.get(ns.name) ?? new Set<string>();
    const dev = (w: string, d: string): void => {
      if (!mine.has(d)) problems.push(`${w}: interface ${JSON.stringify(d)} is not one of ${ns.name}'s (lo and its links' ends)`);
    };
    for (const [k, v] of Object.entries(ns.sysctls)) {
      if (!/^net(\.[A-Za-z0-9_-]+)+$/.test(k) || !/^[0-9]{1,10}$/.test(v))
        problems.push(`${where}: sysctl ${JSON.stringify(k)}=${JSON.stringify(v)} is not a net.* setting with a number`);
    }
    for (const [family, ops] of [
      [4, ns.ip],
      [6, ns.ip6 ?? []],
    ] as const) {
      ops.forEach((op, i) => {
        const w = `${where} ${family === 4 ? "ip" : "ip6"}[${i}] (${op.op})`;
        switch (op.op) {
          case "link-up":
            return dev(w, op.dev);
          case "link-group":
            dev(w, op.dev);
            if (!Number.isInteger(op.group) || op.group < 0 || op.group > 65535) problems.push(`${w}: group ${op.group} is not 0 to 65535`);
            return;
          case "addr-add":
            dev(w, op.dev);
            return address(w, op.cidr, family);
          case "route-add":
            if (op.dev !== undefined) dev(w, op.dev);
            if (op.to !== "default") address(w, op.to, family, true);
            if (op.via !== undefined) address(w, op.via, family);
            if (op.blackhole && (op.via !== undefined || op.dev !== undefined)) problems.push(`${w}: a blackhole route has no via or dev`);
            if (!op.blackhole && op.via === undefined && op.dev === undefined) problems.push(`${w}: a route needs via or dev`);
            return tableCheck(w, op.table);
          case "rule-add":
            if (op.iif !== undefined) dev(w, op.iif);
            if (op.to !== undefined) address(w, op.to, family, true);
            if (!Number.isInteger(op.pref) || op.pref < 1 || op.pref > 32767) problems.push(`${w}: pref ${op.pref} is not 1 to 32767`);
            return tableCheck(w, op.table);
          default:
            problems.push(`${w}: not an ip operation`);
        }
      });
    }
    if (ns.nft !== undefined) {
      // A ruleset is data for this namespace's own tables: nothing in it may read a file or hide a line.
      if (/(^|[\s;{])include\s/m.test(ns.nft)) problems.push(`${where} nft: include reads a file; a plan's ruleset is self-contained`);
      if (/[^\P{Cc}\n\t]/u.test(ns.nft)) problems.push(`${where} nft: control characters in the ruleset`);
      for (const a of addressesIn(ns.nft)) {
        const c = parseCidr(a)?.cidr;
        if (c === undefined || c.prefix === 0) continue;
        if (!allowed.some((o) => cidrContains(o, c)))
          problems.push(`${where} nft: address ${a} is outside the VPC CIDRs and the documentation ranges`);
      }
    }
    if (ns.resolvConf !== undefined) {
      const lines = ns.resolvConf.split("\n").filter((l) => l !== "");
      if (!ns.resolvConf.endsWith("\n") || lines.length === 0) problems.push(`${where} resolv.conf: not "nameserver ADDRESS" lines`);
      for (const l of lines) {
        const m = /^nameserver ([0-9a-fA-F.:]+)$/.exec(l);
        if (!m) problems.push(`${where} resolv.conf: ${JSON.stringify(l)} is not "nameserver ADDRESS"`);
        else address(`${where} resolv.conf`, m[1] as string, undefined);
      }
    }
  }
  function tableCheck(w: string, t: number | "default" | undefined): void {
    if (t === undefined || t === "default") return;
    if (!Number.isInteger(t) || t < 1 || t > 2147483647 || t === 255) problems.push(`${w}: table ${t} is not 1 to 2147483647 (nor local)`);
  }
  for (const s of plan.servers) {
    const w = `server ${s.kind} in ${s.ns}`;
    if (!names.has(s.ns)) problems.push(`server ${s.kind} ${s.address}:${s.port} is not in one of the plan's namespaces`);
    if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) problems.push(`server ${s.kind} port ${s.port} is not a port`);
    address(w, s.address, undefined);
    if (parseAddress(s.address) === null) continue;
    for (const [name, addrs] of Object.entries(s.records ?? {})) {
      if (!DNS_NAME.test(name) || name.length > 253) problems.push(`${w}: record ${JSON.stringify(name)} is not a DNS name`);
      for (const a of addrs) address(`${w} record ${name}`, a, undefined);
    }
  }
  for (const e of plan.enis) {
    if (!names.has(e.ns)) problems.push(`ENI ${e.functionId} in ${e.subnetId}: namespace ${e.ns} is not in the plan`);
    address(`ENI ${e.functionId} in ${e.subnetId}`, e.ipv4, 4);
    if (e.ipv6 !== undefined) address(`ENI ${e.functionId} in ${e.subnetId}`, e.ipv6, 6);
  }
  return problems;
}
