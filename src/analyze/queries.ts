// Small questions over the model that several rules ask.
import { lambdaFunctionArn } from "../aws/facts.ts";
import type { Model } from "../model/model.ts";
import type { CapacityProvider, LambdaFunction, PolicyStatement, Role, Route, Subnet, SymbolicString, VpcConfig } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";

export { locationOf } from "../model/types.ts";

/** The execution role of a function attached to a VPC, when the template defines it. */
export function executionRole(model: Model, fn: LambdaFunction): Role | undefined {
  if (!fn.vpcConfig || fn.capacityProviderId !== null) return undefined;
  return functionRole(model, fn);
}

/**
 * Where a function's traffic leaves from: its own VpcConfig, or, on Lambda Managed Instances, the VpcConfig of its
 * capacity provider (whose EC2 instances run it). Null outside a VPC or when the capacity provider is not known.
 */
export function functionNetwork(
  model: Model,
  fn: LambdaFunction,
): { readonly vpcConfig: VpcConfig; readonly capacityProvider: CapacityProvider | null } | null {
  if (fn.capacityProviderId === null) return fn.vpcConfig ? { vpcConfig: fn.vpcConfig, capacityProvider: null } : null;
  const cp = model.get("capacity-provider", fn.capacityProviderId);
  return cp && !isUnknown(cp.vpcConfig) ? { vpcConfig: cp.vpcConfig, capacityProvider: cp } : null;
}

/** The subnets of a function's VpcConfig (its capacity provider's, on Managed Instances) that the model knows. */
export function functionSubnets(model: Model, fn: LambdaFunction): Subnet[] {
  const ids = functionNetwork(model, fn)?.vpcConfig.subnetIds;
  if (!ids || isUnknown(ids)) return [];
  return ids.map((r) => model.get("subnet", r)).filter((s): s is Subnet => s !== undefined);
}

/** The route a subnet uses for 0.0.0.0/0 (the IPv4 default route), if any. */
export function defaultRoute(model: Model, subnet: Subnet): Route | undefined {
  const rt = model.routeTableFor(subnet);
  return rt?.routes.find((r) => r.destination.kind === "cidr" && r.destination.cidr.family === 4 && r.destination.cidr.prefix === 0);
}

/** The AZ of a zonal NAT gateway (its subnet's), or null when not known. */
export function natAz(model: Model, natId: string): string | null {
  const nat = model.natGateway(natId);
  if (nat?.availability !== "zonal") return null;
  const subnet = model.get("subnet", nat.subnetId);
  return subnet && !isUnknown(subnet.az) ? subnet.az : null;
}

/** The execution role of any function (in a VPC or not), when the template defines it. */
export function functionRole(model: Model, fn: LambdaFunction): Role | undefined {
  return model.get("role", fn.roleId);
}

/** A function's ARN as a SymbolicString (its literal FunctionName, else its generated name). */
export function functionArn(fn: LambdaFunction): SymbolicString {
  return lambdaFunctionArn(fn.name ?? `\${${fn.id}}`);
}

/** An unqualified Lambda function ARN written out in full. */
const LITERAL_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}$/;

/** Why the template shows that a function calls another one. */
export type InvokeEvidence =
  | { readonly kind: "environment"; readonly variable: string }
  | { readonly kind: "sam-policy-template"; readonly statement: PolicyStatement };

export interface InvokeTarget {
  /** The logical id of a function of the template, or the literal ARN of one outside it. */
  readonly target: string;
  readonly inTemplate: boolean;
  readonly arn: SymbolicString;
  readonly evidence: readonly InvokeEvidence[];
}

/**
 * The functions the template shows `fn` calling: an environment variable holding another
 * function's name or ARN (a Ref / Fn::GetAtt Arn / Fn::Sub of a function of the template, its
 * literal FunctionName, or a literal function ARN), or a SAM `LambdaInvokePolicy` naming one.
 */
export function invokedFunctions(model: Model, fn: LambdaFunction): InvokeTarget[] {
  const byValue = functionsByNameOrArn(model);
  const out = new Map<string, { target: string; inTemplate: boolean; arn: string; evidence: InvokeEvidence[] }>();
  const add = (target: string, inTemplate: boolean, arn: string, e: InvokeEvidence) => {
    const t = out.get(target) ?? { target, inTemplate, arn, evidence: [] };
    t.evidence.push(e);
    out.set(target, t);
  };
  for (const [variable, value] of Object.entries(fn.environment ?? {})) {
    const other = byValue.get(value);
    if (other) {
      if (other !== fn) add(other.id, true, functionArn(other), { kind: "environment", variable });
    } else if (LITERAL_FUNCTION_ARN.test(value)) add(value, false, value, { kind: "environment", variable });
  }
  const role = functionRole(model, fn);
  for (const s of role?.statements ?? []) {
    if (s.origin.path !== "Properties.Policies (LambdaInvokePolicy)" || isUnknown(s.resources)) continue;
    for (const r of s.resources) {
      // SAM builds arn:...:function:<FunctionName>*; <FunctionName> may itself be an ARN.
      const m = /:function:([^:]+)\*$/.exec(r);
      const other = m ? byValue.get(m[1] as string) : undefined;
      if (other && other !== fn) add(other.id, true, functionArn(other), { kind: "sam-policy-template", statement: s });
    }
  }
  return [...out.values()];
}

const FUNCTION_INDEX = new WeakMap<Model, Map<string, LambdaFunction>>();

/** The template's functions by name (literal or generated-name token) and by ARN. */
function functionsByNameOrArn(model: Model): Map<string, LambdaFunction> {
  let index = FUNCTION_INDEX.get(model);
  if (!index) {
    index = new Map();
    for (const f of model.functions()) {
      index.set(f.name ?? `\${${f.id}}`, f);
      index.set(functionArn(f), f);
    }
    FUNCTION_INDEX.set(model, index);
  }
  return index;
}
