// The emulated internet's "whoami" server: answers every HTTP(S) request with the caller's source address and its label.
// One process serves every address and port of its namespace (`--listen`, a JSON list of {address, port, label, tls}):
// a network with a few endpoints has dozens of them, and a process each made bring-up slow. With --tls-dir (the run's
// CA), the listeners marked tls serve HTTPS with a certificate for whatever name the client asks for (SNI).
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { isIP } from "node:net";
import { join } from "node:path";
import type { SecureContext } from "node:tls";
import { createSecureContext } from "node:tls";
import { guardOrExit } from "./guard.ts";
import { certificateArgs } from "./tls.ts";

/** One address and port the server listens on, and the label it answers with there. */
export interface Listener {
  readonly address: string;
  readonly port: number;
  readonly label: string;
  /** HTTPS (with --tls-dir), else plain HTTP. */
  readonly tls: boolean;
}

const args = guardOrExit(process.argv.slice(2));
const listeners = JSON.parse(args.listen ?? "[]") as Listener[];
const handlerFor =
  (label: string) =>
  (req: IncomingMessage, res: ServerResponse): void => {
    const source = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
    const body = JSON.stringify({ sourceIp: source, label, host: req.headers.host ?? null });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  };

const contexts = new Map<string, SecureContext>();
/** The key and certificate for `name` (a DNS name or an address), signed by the run's CA. */
function keyPair(dir: string, name: string): { key: Buffer; cert: Buffer } {
  const base = join(dir, `${name.replace(/[^a-zA-Z0-9.-]/g, "_")}.${process.pid}`);
  const san = isIP(name) ? `IP:${name}` : `DNS:${name}`;
  execFileSync(
    "openssl",
    certificateArgs(`${base}.key`, `${base}.pem`, `/CN=${name}`, [`subjectAltName=${san}`, "basicConstraints=CA:FALSE"], dir),
    { stdio: "ignore", timeout: 5000 },
  );
  return { key: readFileSync(`${base}.key`), cert: readFileSync(`${base}.pem`) };
}

/** A TLS context for `name`, made on first use. */
function contextFor(dir: string, name: string): SecureContext {
  let ctx = contexts.get(name);
  if (!ctx) {
    ctx = createSecureContext(keyPair(dir, name));
    contexts.set(name, ctx);
  }
  return ctx;
}

const tlsDir = args["tls-dir"];
let waiting = listeners.length;
for (const { address, port, label, tls } of listeners) {
  const handler = handlerFor(label);
  const server =
    tlsDir !== undefined && tls
      ? createHttpsServer(
          {
            ...keyPair(tlsDir, address),
            SNICallback: (servername, cb) => {
              try {
                cb(
                  null,
                  /^[a-zA-Z0-9.-]{1,253}$/.test(servername) ? contextFor(tlsDir, servername.toLowerCase()) : contextFor(tlsDir, address),
                );
              } catch (e) {
                cb(e as Error);
              }
            },
          },
          handler,
        )
      : createServer(handler);
  server.on("error", (e) => {
    process.stderr.write(`whoami ${address}:${port}: ${e.message}\n`);
    process.exit(1);
  });
  server.listen(port, address, () => {
    if (--waiting === 0) process.stdout.write("ready\n");
  });
}
if (listeners.length === 0) {
  process.stderr.write("whoami: nothing to listen on (--listen)\n");
  process.exit(2);
}
