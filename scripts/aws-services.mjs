// Writes src/aws/services.ts: the AWS services that have VPC endpoints, by their endpoint names, from the
// installed aws-cdk-lib (aws-ec2's InterfaceVpcEndpointAwsService and GatewayVpcEndpointAwsService constants,
// which CDK keeps from AWS's "AWS services that integrate with AWS PrivateLink" page).
//   node scripts/aws-services.mjs      (after npm ci; aws-cdk-lib is a dev dependency)
// aws-cdk-lib is read as text here only: the tool itself never loads it for check.
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const pkg = require("aws-cdk-lib/package.json");
const root = dirname(require.resolve("aws-cdk-lib/package.json"));
const js = readFileSync(join(root, "aws-ec2", "lib", "vpc-endpoint.js"), "utf8");
const interfaces = new Map();
for (const m of js.matchAll(/new InterfaceVpcEndpointAwsService\(("[^"]*")(?:,("[^"]*"))?(?:,(void 0|\d+))?(?:,\{global:!0\})?\)/g)) {
  const name = JSON.parse(m[1]);
  const prefix = m[2] ? JSON.parse(m[2]) : "";
  const port = m[3] && m[3] !== "void 0" ? Number(m[3]) : 443;
  const global = m[0].includes("global:!0");
  interfaces.set(`${prefix}|${name}`, { name, prefix, port, global });
}
const gateways = [...js.matchAll(/new GatewayVpcEndpointAwsService\("([^"]*)"\)/g)].map((m) => m[1]).sort();
const regional = [...interfaces.values()].filter((s) => (s.prefix === "" || s.prefix === "com.amazonaws") && !s.global);
const names = [...new Set(regional.map((s) => s.name))].sort();
const ports = Object.fromEntries(regional.filter((s) => s.port !== 443).map((s) => [s.name, s.port]));
const other = [...interfaces.values()]
  .filter((s) => !regional.includes(s))
  .map((s) => (s.global ? `${s.prefix}.${s.name}` : `${s.prefix}.REGION.${s.name}`))
  .sort();
const today = new Date().toISOString().slice(0, 10);
const list = (xs) => xs.map((x) => `  ${JSON.stringify(x)},`).join("\n");
const out = `// AWS services that have VPC endpoints, by the name their endpoint service names end with
// (com.amazonaws.REGION.NAME), the names \`aws:SERVICE\` destinations, \`new --endpoints\` and \`cost --traffic\` take.
// Source: aws-cdk-lib ${pkg.version}, aws-ec2 InterfaceVpcEndpointAwsService and GatewayVpcEndpointAwsService
// constants (CDK keeps them from AWS's "AWS services that integrate with AWS PrivateLink",
// https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html); read ${today}.
// Written by scripts/aws-services.mjs; do not edit by hand. Availability differs by region and partition: a name
// here may still have no endpoint in a given region (China uses cn.com.amazonaws.REGION.NAME for many).

/** Services with interface endpoints named com.amazonaws.REGION.NAME (${names.length}). */
export const INTERFACE_ENDPOINT_SERVICE_NAMES: readonly string[] = [
${list(names)}
];

/** Services with gateway endpoints (route-table entries to an AWS-managed prefix list), com.amazonaws.REGION.NAME. */
export const GATEWAY_ENDPOINT_SERVICE_NAMES: readonly string[] = [
${list(gateways)}
];

/** Interface endpoints that listen on another port than 443. */
export const SERVICE_PORTS: Readonly<Record<string, number>> = ${JSON.stringify(ports)};

/** Endpoint service names of other forms (global services, aws.api and aws.sagemaker prefixes), for reference. */
export const OTHER_ENDPOINT_SERVICE_NAMES: readonly string[] = [
${list(other)}
];
`;
writeFileSync(new URL("../src/aws/services.ts", import.meta.url), out);
console.log(`src/aws/services.ts: ${names.length} interface, ${gateways.length} gateway, ${other.length} other`);
