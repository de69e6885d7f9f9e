#!/usr/bin/env node
// A CDK app written by lambda-egress: the endpoints pattern, no internet at all: interface endpoints with private DNS and gateway endpoints (S3, DynamoDB) for the AWS services named.
// Needs aws-cdk-lib, constructs and lambda-egress installed (npm install aws-cdk-lib constructs lambda-egress).
// `node app.mjs` synthesizes it into cdk.out; deploy it with the AWS CDK CLI (npm install aws-cdk):
// `npx cdk deploy --app "node app.mjs"`.
import { App, Stack, Validations } from "aws-cdk-lib";
import { Egress, EgressVpc, LambdaEgressValidation } from "lambda-egress/cdk";

const app = new App({ outdir: process.env.CDK_OUTDIR ?? "cdk.out" });
// Synthesis fails when lambda-egress's analyzer finds an error in the network (see `lambda-egress check`).
Validations.of(app).addPlugins(new LambdaEgressValidation());

const stack = new Stack(app, "LambdaEgressEndpoints");
const network = new EgressVpc(stack, "Network", {
  egress: Egress.endpointsOnly(),
  azs: 2,
  endpoints: ["lambda"],
});

// The connectivity check: it returns the public IPv4 address it leaves from, or the error.
network.addDemoFunction("ConnectivityCheck");

app.synth();
