// AWS SAM -> plain CloudFormation, for the parts that shape the network model: Globals,
// AWS::Serverless::Function (becomes AWS::Lambda::Function) and the execution role SAM
// generates when `Role` is absent (`<Function>Role`, with AWSLambdaBasicExecutionRole, plus
// AWSLambdaVPCAccessExecutionRole when VpcConfig is set, plus the function's `Policies`).
// Mirrors samtranslator's SamFunction._construct_role and its Globals merge.
import { SAM_POLICY_TEMPLATE_ACTIONS, SAM_POLICY_TEMPLATE_RESOURCES } from "../../aws/facts.ts";
import type { RawResource } from "./intrinsics.ts";
import { isIntrinsicCall } from "./intrinsics.ts";

export const SAM_TRANSFORM = "AWS::Serverless-2016-10-31";

export function declaresSam(template: Record<string, unknown>): boolean {
  const t = template.Transform;
  return t === SAM_TRANSFORM || (Array.isArray(t) && t.includes(SAM_TRANSFORM));
}

export function hasSamResources(resources: Record<string, unknown>): boolean {
  for (const id in resources) {
    const type = (resources[id] as { Type?: unknown } | null)?.Type;
    if (typeof type === "string" && type.startsWith("AWS::Serverless::")) return true;
  }
  return false;
}

/** samtranslator's Globals merge: maps merge, lists concatenate (global first), else local wins. */
export function mergeGlobals(global: unknown, local: unknown): unknown {
  const kind = (v: unknown) => (Array.isArray(v) ? "list" : v && typeof v === "object" && !isIntrinsicCall(v) ? "map" : "primitive");
  const kg = kind(global);
  if (kg !== kind(local) || kg === "primitive") return local;
  if (kg === "list") return [...(global as unknown[]), ...(local as unknown[])];
  const out: Record<string, unknown> = { ...(global as Record<string, unknown>) };
  for (const [k, v] of Object.entries(local as Record<string, unknown>)) {
    out[k] = k in out ? mergeGlobals(out[k], v) : v;
  }
  return out;
}

function managedArn(name: string): unknown {
  return { "Fn::Sub": `arn:\${AWS::Partition}:iam::aws:policy/${name}` };
}

/** SAM `Policies` -> role ManagedPolicyArns and inline Policies. */
function convertPolicies(fnId: string, policies: unknown): { arns: unknown[]; inline: unknown[] } {
  const arns: unknown[] = [];
  const inline: unknown[] = [];
  const list = policies === undefined ? [] : Array.isArray(policies) ? policies : [policies];
  list.forEach((p, i) => {
    if (typeof p === "string") {
      arns.push(p.startsWith("arn:") ? p : managedArn(p));
    } else if (isIntrinsicCall(p)) {
      arns.push(p);
    } else if (p && typeof p === "object") {
      const obj = p as Record<string, unknown>;
      if ("Statement" in obj) {
        inline.push({ PolicyName: `${fnId}RolePolicy${i}`, PolicyDocument: obj });
        return;
      }
      for (const name of Object.keys(obj)) {
        const actions = SAM_POLICY_TEMPLATE_ACTIONS[name];
        const scoped = SAM_POLICY_TEMPLATE_RESOURCES[name];
        const params = obj[name] && typeof obj[name] === "object" ? (obj[name] as Record<string, unknown>) : {};
        // A missing parameter (SAM rejects the template) leaves the resource undetermined.
        const resource = scoped
          ? { "Fn::Sub": [scoped.sub, Object.fromEntries(Object.entries(scoped.vars).map(([v, param]) => [v, params[param] ?? "${?}"]))] }
          : "*";
        inline.push({
          PolicyName: `${fnId}RolePolicy${i}`,
          PolicyDocument: {
            Statement: actions ? [{ Effect: "Allow", Action: [...actions], Resource: resource }] : [],
          },
          SamPolicyTemplate: name,
        });
      }
    }
  });
  return { arns, inline };
}

/**
 * AWS::Serverless::CapacityProvider -> AWS::Lambda::CapacityProvider, for the properties the model
 * reads (sam-resource-capacityprovider.html): VpcConfig passes through unchanged, OperatorRole
 * becomes PermissionsConfig.CapacityProviderOperatorRoleArn. (When OperatorRole is absent SAM
 * generates a role with AWSLambdaManagedEC2ResourceOperator; it carries no network fact.)
 */
function capacityProviderProps(given: unknown): Record<string, unknown> {
  const p = (given && typeof given === "object" && !Array.isArray(given) ? given : {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of ["CapacityProviderName", "VpcConfig", "KmsKeyArn"]) if (p[k] !== undefined) out[k] = p[k];
  if (p.OperatorRole !== undefined) out.PermissionsConfig = { CapacityProviderOperatorRoleArn: p.OperatorRole };
  return out;
}

export interface SamExpansion {
  readonly resources: Record<string, RawResource>;
  /** Generated logical id -> the SAM resource it comes from. */
  readonly generatedFrom: Map<string, string>;
}

export function expandSam(template: Record<string, unknown>, resources: Record<string, RawResource>): SamExpansion {
  const globals = ((template.Globals as Record<string, unknown> | undefined)?.Function ?? undefined) as unknown;
  const out: Record<string, RawResource> = {};
  const generatedFrom = new Map<string, string>();
  for (const [id, res] of Object.entries(resources)) {
    if (res && typeof res === "object" && res.Type === "AWS::Serverless::CapacityProvider") {
      out[id] = {
        ...res,
        Type: "AWS::Lambda::CapacityProvider",
        Properties: capacityProviderProps(res.Properties),
        SamType: res.Type,
      } as RawResource;
      continue;
    }
    if (!res || typeof res !== "object" || res.Type !== "AWS::Serverless::Function") {
      out[id] = res;
      continue;
    }
    const local = (res.Properties ?? {}) as Record<string, unknown>;
    const props = (globals ? mergeGlobals(globals, local) : local) as Record<string, unknown>;
    const fnProps: Record<string, unknown> = { ...props };
    if (props.Role === undefined) {
      const roleId = `${id}Role`;
      const arns: unknown[] = [managedArn("service-role/AWSLambdaBasicExecutionRole")];
      if (props.Tracing) arns.push(managedArn("AWSXrayWriteOnlyAccess"));
      if (props.VpcConfig) arns.push(managedArn("service-role/AWSLambdaVPCAccessExecutionRole"));
      const converted = convertPolicies(id, props.Policies);
      out[roleId] = {
        Type: "AWS::IAM::Role",
        Properties: { ManagedPolicyArns: [...arns, ...converted.arns], Policies: converted.inline },
        ...(res.Condition !== undefined ? { Condition: res.Condition } : {}),
      };
      generatedFrom.set(roleId, id);
      fnProps.Role = { "Fn::GetAtt": [roleId, "Arn"] };
    }
    out[id] = { ...res, Type: "AWS::Lambda::Function", Properties: fnProps, SamType: res.Type } as RawResource;
  }
  markConnectorPolicies(resources, out);
  return { resources: out, generatedFrom };
}

/** What a role gets from a SAM connector: a policy whose contents the model does not hold. */
export const CONNECTOR_POLICY = "a policy of an AWS::Serverless::Connector";

/**
 * SAM connectors (AWS::Serverless::Connector, or `Connectors` embedded in the source resource)
 * attach a policy of their own to the source function's execution role. Its contents are not
 * modelled, so the role lists it as a policy the analyzer cannot read; a connector whose source
 * is not named by logical id marks every function's role.
 */
function markConnectorPolicies(resources: Record<string, RawResource>, out: Record<string, RawResource>): void {
  const sources = new Set<string>();
  for (const [id, res] of Object.entries(resources)) {
    const props = (res?.Properties ?? {}) as Record<string, unknown>;
    if (props.Connectors && typeof props.Connectors === "object") sources.add(id);
    if (res?.Type !== "AWS::Serverless::Connector") continue;
    const source = props.Source as { Id?: unknown } | undefined;
    sources.add(typeof source?.Id === "string" ? source.Id : "*");
  }
  if (sources.size === 0) return;
  for (const [id, res] of Object.entries(out)) {
    if (res?.Type !== "AWS::Lambda::Function" || !(sources.has(id) || sources.has("*"))) continue;
    const role = ((res.Properties ?? {}) as Record<string, unknown>).Role as Record<string, unknown> | undefined;
    const getAtt = role?.["Fn::GetAtt"];
    const roleId = Array.isArray(getAtt) ? getAtt[0] : typeof getAtt === "string" ? getAtt.split(".")[0] : undefined;
    const r = typeof roleId === "string" ? out[roleId] : undefined;
    if (!r || r.Type !== "AWS::IAM::Role" || typeof roleId !== "string") continue;
    const props = (r.Properties ?? {}) as Record<string, unknown>;
    const arns = props.ManagedPolicyArns;
    if (arns !== undefined && !Array.isArray(arns)) continue;
    out[roleId] = { ...r, Properties: { ...props, ManagedPolicyArns: [...(arns ?? []), CONNECTOR_POLICY] } };
  }
}
