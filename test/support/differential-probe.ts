// Run inside an emulated ENI by the differential tests: tries every target at once (HTTP or HTTPS, by address or by
// name through the namespace's resolver) and prints one JSON object, target id -> the whoami reply or the error.
// A name is tried at every address it resolves to: a client may get any of them first (an interface endpoint's name
// has an address in each of its subnets), so a destination counts as reached only when all of them answer.
// Usage: node differential-probe.js TIMEOUT_MS '[{"id":..,"host":..,"port":..,"tls":..,"servername":..}]'
import { lookup } from "node:dns/promises";
import { get as httpGet } from "node:http";
import type { RequestOptions } from "node:https";
import { get as httpsGet } from "node:https";

interface Target {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly servername?: string;
  /** The addresses to try instead of the host's (a resource's stand-ins: one in each of its subnets). */
  readonly addresses?: readonly string[];
}

export type ProbeResult =
  | { readonly ok: true; readonly sourceIp: string; readonly label: string }
  /** `partial`: some of the addresses answered. */
  | { readonly ok: false; readonly error: string; readonly partial?: true };

const timeoutMs = Number(process.argv[2] ?? "2000");
const LOOKUP_TIMEOUT_MS = 4000;
const targets = JSON.parse(process.argv[3] ?? "[]") as Target[];

function probe(t: Target, address: string): Promise<ProbeResult> {
  return new Promise((done) => {
    const options: RequestOptions = { host: address, port: t.port, path: "/", timeout: timeoutMs, agent: false, headers: { host: t.host } };
    const onReply = (res: import("node:http").IncomingMessage): void => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => {
        try {
          const j = JSON.parse(body) as { sourceIp: string; label: string };
          done({ ok: true, sourceIp: j.sourceIp, label: j.label });
        } catch {
          done({ ok: false, error: `not a whoami reply: ${body.slice(0, 80)}` });
        }
      });
    };
    // The emulator's CA is not what is under test here: any certificate will do.
    const req = t.tls
      ? httpsGet({ ...options, rejectUnauthorized: false, servername: t.servername ?? t.host }, onReply)
      : httpGet(options, onReply);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e: NodeJS.ErrnoException) => done({ ok: false, error: e.code ?? e.message }));
  });
}

/** Every address of the target's name (the address itself when it is one), each tried; the first failure wins. */
async function probeAll(t: Target): Promise<ProbeResult> {
  let addresses: string[];
  try {
    // A resolver that does not answer (EnableDnsSupport off) would keep getaddrinfo retrying for many seconds; one
    // that does may be slow on a loaded machine, so the bound is generous.
    const timeout = new Promise<never>((_, fail) =>
      setTimeout(() => fail(Object.assign(new Error("timeout"), { code: "ETIMEOUT" })), LOOKUP_TIMEOUT_MS),
    );
    addresses = t.addresses ? [...t.addresses] : (await Promise.race([lookup(t.host, { all: true }), timeout])).map((a) => a.address);
  } catch (e) {
    return { ok: false, error: `lookup: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  const results = await Promise.all(addresses.map((a) => probe(t, a)));
  const failed = results.findIndex((r) => !r.ok);
  if (failed < 0) return results[0] ?? { ok: false, error: "no address" };
  const r = results[failed] as ProbeResult & { ok: false };
  const partial = results.some((x) => x.ok);
  return {
    ok: false,
    error: `${addresses[failed]}: ${r.error}${partial ? " (other addresses answer)" : ""}`,
    ...(partial ? { partial } : {}),
  };
}

const results = await Promise.all(targets.map(async (t) => [t.id, await probeAll(t)] as const));
process.stdout.write(`${JSON.stringify(Object.fromEntries(results))}\n`, () => process.exit(0));
