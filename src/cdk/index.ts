// The `lambda-egress/cdk` entry point: the EgressVpc construct, its egress strategies and the validation plugin (needs aws-cdk-lib).
export type { NatGatewayPerAzOptions, NatInstanceOptions, SingleNatOptions } from "./egress.ts";
export { Egress } from "./egress.ts";
export type { EgressFunctionProps, EgressVpcProps } from "./egress-vpc.ts";
export { EgressVpc, egressVpcPropsForPattern } from "./egress-vpc.ts";
export type { LambdaEgressValidationProps } from "./validation.ts";
export { LambdaEgressValidation } from "./validation.ts";
