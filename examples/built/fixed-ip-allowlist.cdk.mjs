#!/usr/bin/env node
// A CDK app written by lambda-egress: the nat-gateway pattern, private subnets for the functions, one NAT gateway with an Elastic IP in a public subnet per AZ.
// Needs aws-cdk-lib, constructs and lambda-egress installed (npm install aws-cdk-lib constructs lambda-egress).
// `node app.mjs` synthesizes it into cdk.out; deploy it with the AWS CDK CLI (npm install aws-cdk):
// `npx cdk deploy --app "node app.mjs"`.
import { App, Stack, Validations } from "aws-cdk-lib";
import { Egress, EgressVpc, LambdaEgressValidation } from "lambda-egress/cdk";

const app = new App({ outdir: process.env.CDK_OUTDIR ?? "cdk.out" });
// Synthesis fails when lambda-egress's analyzer finds an error in the network (see `lambda-egress check`).
Validations.of(app).addPlugins(new LambdaEgressValidation());

const stack = new Stack(app, "LambdaEgressNatGateway");
const network = new EgressVpc(stack, "Network", {
  egress: Egress.natGatewayPerAz({ eipAllocationIds: ["eipalloc-0123456789abcdef0", "eipalloc-0fedcba9876543210"] }),
  azs: 2,
});

// The connectivity check: it returns the public IPv4 address it leaves from, or the error.
network.addDemoFunction("ConnectivityCheck");

app.synth();
