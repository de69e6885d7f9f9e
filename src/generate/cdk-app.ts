// `lambda-egress new --format cdk`: the text of a small CDK app (its bin file) that builds a pattern with the EgressVpc construct.
// Pure text: this module must not load aws-cdk-lib (the CLI bundle never contains it).
import type { ResolvedPatternOptions } from "./patterns.ts";
import { DEFAULT_VPC_CIDR, PATTERN_INFO } from "./patterns.ts";

/** `shared-nat-gateway` -> `SharedNatGateway`. */
function pascal(s: string): string {
  return s
    .split("-")
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join("");
}

const str = (s: string): string => JSON.stringify(s);

/** The `Egress.*()` call (and `dualStack`) that builds the pattern. */
function egressExpression(o: ResolvedPatternOptions): { egress: string; dualStack: boolean } {
  const ids = o.eipAllocations;
  const one = ids[0] !== undefined ? `{ eipAllocationId: ${str(ids[0])} }` : "";
  const many = ids.length > 0 ? `{ eipAllocationIds: [${ids.map(str).join(", ")}] }` : "";
  switch (o.pattern) {
    case "nat-gateway":
      return { egress: `Egress.natGatewayPerAz(${many})`, dualStack: false };
    case "dual-stack":
      return { egress: `Egress.natGatewayPerAz(${many})`, dualStack: true };
    case "shared-nat-gateway":
      return { egress: `Egress.sharedNatGateway(${one})`, dualStack: false };
    case "regional-nat-gateway":
      return { egress: `Egress.regionalNatGateway(${one})`, dualStack: false };
    case "nat-instance":
      return { egress: `Egress.natInstance(${one})`, dualStack: false };
    case "endpoints":
      return { egress: "Egress.endpointsOnly()", dualStack: false };
    case "managed-instances-public":
      return { egress: "Egress.publicSubnetsForManagedInstances()", dualStack: false };
  }
}

/**
 * A CDK app (TypeScript that is also plain JavaScript: no type annotations) building the pattern
 * with `lambda-egress/cdk` and the demo connectivity check, with the validation plugin so that
 * `cdk synth` fails when lambda-egress's analyzer finds an error in the network.
 */
export function renderCdkApp(options: ResolvedPatternOptions): string {
  const { egress, dualStack } = egressExpression(options);
  const props = [`  egress: ${egress},`, `  azs: ${options.azs},`];
  if (dualStack) props.push("  dualStack: true,");
  if (options.endpoints.length > 0) props.push(`  endpoints: [${options.endpoints.map(str).join(", ")}],`);
  if (options.vpcCidr !== DEFAULT_VPC_CIDR) props.push(`  vpcCidr: ${str(options.vpcCidr)},`);
  return `#!/usr/bin/env node
// A CDK app written by lambda-egress: the ${options.pattern} pattern, ${PATTERN_INFO[options.pattern].summary}.
// Needs aws-cdk-lib, constructs and lambda-egress installed (npm install aws-cdk-lib constructs lambda-egress).
// \`node app.mjs\` synthesizes it into cdk.out; deploy it with the AWS CDK CLI (npm install aws-cdk):
// \`npx cdk deploy --app "node app.mjs"\`.
import { App, Stack, Validations } from "aws-cdk-lib";
import { Egress, EgressVpc, LambdaEgressValidation } from "lambda-egress/cdk";

const app = new App({ outdir: process.env.CDK_OUTDIR ?? "cdk.out" });
// Synthesis fails when lambda-egress's analyzer finds an error in the network (see \`lambda-egress check\`).
Validations.of(app).addPlugins(new LambdaEgressValidation());

const stack = new Stack(app, ${str(`LambdaEgress${pascal(options.pattern)}`)});
const network = new EgressVpc(stack, "Network", {
${props.join("\n")}
});

// The connectivity check: it returns the public IPv4 address it leaves from, or the error.
network.addDemoFunction("ConnectivityCheck");

app.synth();
`;
}
