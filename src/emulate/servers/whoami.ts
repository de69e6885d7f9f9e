// The emulated internet's "whoami" server: answers every HTTP(S) request with the caller's source address and its label.
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { guardOrExit } from "./guard.ts";

const args = guardOrExit(process.argv.slice(2));
const label = args.label ?? "";
const handler = (req: IncomingMessage, res: ServerResponse): void => {
  const source = (req.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
  const body = JSON.stringify({ sourceIp: source, label, host: req.headers.host ?? null });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
};
const server =
  args.cert !== undefined && args.key !== undefined
    ? createHttpsServer({ cert: readFileSync(args.cert), key: readFileSync(args.key) }, handler)
    : createServer(handler);
server.on("error", (e) => {
  process.stderr.write(`whoami: ${e.message}\n`);
  process.exit(1);
});
server.listen(Number(args.port ?? 80), args.address ?? "0.0.0.0", () => process.stdout.write("ready\n"));
