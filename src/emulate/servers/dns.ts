// The emulator's DNS server (UDP): answers A and AAAA queries from a records map: a name's own entry, else the longest
// `*.SUFFIX` entry it ends in, else `*`.
import { createSocket } from "node:dgram";
import { isIPv4, isIPv6 } from "node:net";
import { guardOrExit } from "./guard.ts";

/** name (lower case, no trailing dot) -> addresses. */
export type Records = Readonly<Record<string, readonly string[]>>;

function ipv6Bytes(a: string): number[] {
  const [head = "", tail] = a.split("::");
  const parts = (s: string): string[] => (s === "" ? [] : s.split(":"));
  const h = parts(head);
  const t = tail === undefined ? [] : parts(tail);
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return groups.flatMap((g) => {
    const v = parseInt(g, 16);
    return [v >> 8, v & 255];
  });
}

/** The addresses of the longest `*.SUFFIX` entry that `name` ends in, if any. */
function suffixRecord(name: string, records: Records): readonly string[] | undefined {
  for (let dot = name.indexOf("."); dot >= 0; dot = name.indexOf(".", dot + 1)) {
    const hit = records[`*${name.slice(dot)}`];
    if (hit) return hit;
  }
  return undefined;
}

/** The response to one query packet, or undefined when it is not a query we can parse. */
export function answer(query: Buffer, records: Records): Buffer | undefined {
  if (query.length < 12) return undefined;
  let off = 12;
  const labels: string[] = [];
  for (;;) {
    const len = query[off];
    if (len === undefined || len > 63) return undefined;
    off++;
    if (len === 0) break;
    labels.push(query.toString("latin1", off, off + len));
    off += len;
  }
  if (off + 4 > query.length) return undefined;
  const qtype = query.readUInt16BE(off);
  const name = labels.join(".").toLowerCase();
  const question = query.subarray(12, off + 4);
  const addrs = records[name] ?? suffixRecord(name, records) ?? records["*"];
  const wanted = (addrs ?? []).filter((a) => (qtype === 1 ? isIPv4(a) : qtype === 28 ? isIPv6(a) : false));
  const rrs = wanted.map((a) => {
    const data = qtype === 1 ? a.split(".").map(Number) : ipv6Bytes(a);
    const rr = Buffer.alloc(12 + data.length);
    rr.writeUInt16BE(0xc00c, 0);
    rr.writeUInt16BE(qtype, 2);
    rr.writeUInt16BE(1, 4);
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(data.length, 10);
    Buffer.from(data).copy(rr, 12);
    return rr;
  });
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  const rd = (query[2] ?? 0) & 1;
  header.writeUInt16BE(0x8080 | (rd << 8) | (addrs === undefined ? 3 : 0), 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(rrs.length, 6);
  return Buffer.concat([header, question, ...rrs]);
}

if (process.argv[1]?.endsWith("dns.js") === true) {
  const args = guardOrExit(process.argv.slice(2));
  const raw = JSON.parse(args.records ?? "{}") as Records;
  const records = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k.toLowerCase().replace(/\.$/, ""), v]));
  const socket = createSocket(isIPv6(args.address ?? "") ? "udp6" : "udp4");
  socket.on("message", (msg, rinfo) => {
    const reply = answer(msg, records);
    if (reply) socket.send(reply, rinfo.port, rinfo.address);
  });
  socket.on("error", (e) => {
    process.stderr.write(`dns: ${e.message}\n`);
    process.exit(1);
  });
  socket.bind(Number(args.port ?? 53), args.address ?? "0.0.0.0", () => process.stdout.write("ready\n"));
}
