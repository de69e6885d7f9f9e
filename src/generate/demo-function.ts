// The demo function every built pattern carries: the blog posts' connectivity check, made to answer
// the two questions a VPC function's owner has (does it get out, and from which address). It
// fetches a page that echoes the caller's public IPv4 address over HTTPS and returns the status
// code and that address, or the error (a timeout when the network has no way out).

export const DEMO_FUNCTION_RUNTIME = "nodejs22.x";
export const DEMO_FUNCTION_HANDLER = "index.handler";
/** Seconds: long enough for a cold ENI, short enough that a missing route shows as a quick timeout. */
export const DEMO_FUNCTION_TIMEOUT = 15;
/** Echoes the caller's public IPv4 address as plain text. */
export const DEMO_FUNCTION_URL = "https://checkip.amazonaws.com/";

/** The handler's source (CommonJS, inline as `Code.ZipFile`): no dependencies, only node's https. */
export const DEMO_FUNCTION_CODE = `const https = require("https");
exports.handler = () =>
  new Promise((resolve) => {
    const req = https.get(${JSON.stringify(DEMO_FUNCTION_URL)}, { timeout: 10000 }, (res) => {
      let body = "";
      res.on("data", (chunk) => (body += chunk));
      res.on("end", () => resolve({ statusCode: res.statusCode, publicIp: body.trim() }));
    });
    req.on("timeout", () => req.destroy(new Error("timed out after 10 s: no route to the internet?")));
    req.on("error", (e) => resolve({ statusCode: null, error: e.message }));
  });
`;
