// The emulation's certificates, as the run's CA (apply.ts) and the whoami server (one per name asked) both make them
// with openssl: P-256 keys, valid two days, the CA's files named here so that both sides agree.
import { join } from "node:path";

export const CA_KEY = "ca.key";
export const CA_CERT = "ca.pem";

/** `openssl` arguments for a certificate: self-signed (the CA) or, with `caDir`, signed by the run's CA. */
export function certificateArgs(
  keyFile: string,
  certFile: string,
  subject: string,
  extensions: readonly string[],
  caDir?: string,
): string[] {
  return [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:prime256v1",
    "-nodes",
    "-keyout",
    keyFile,
    "-out",
    certFile,
    "-days",
    "2",
    "-subj",
    subject,
    ...extensions.flatMap((e) => ["-addext", e]),
    ...(caDir === undefined ? [] : ["-CA", join(caDir, CA_CERT), "-CAkey", join(caDir, CA_KEY)]),
  ];
}
