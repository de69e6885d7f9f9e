// The emulated internet's "whoami" server: answers every HTTP(S) request with the caller's source address and its label.
// With --tls-dir (the run's CA), it serves HTTPS with a certificate for whatever name the client asks for (SNI).
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

const args = guardOrExit(process.argv.slice(2));
const label = args.label ?? "";
const address = args.address ?? "0.0.0.0";
const handler = (req: IncomingMessage, res: ServerResponse): void => {
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
const server =
  tlsDir !== undefined
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
  process.stderr.write(`whoami: ${e.message}\n`);
  process.exit(1);
});
server.listen(Number(args.port ?? 80), address, () => process.stdout.write("ready\n"));
