// IAM: execution roles (inline policies, SAM policy templates, AWS and customer managed policies) and the policies
// attached to them as resources of their own.
import { awsManagedPolicyName, MANAGED_POLICY_ACTIONS } from "../../../aws/facts.ts";
import type { PolicyStatement, SymbolicString, Unknown } from "../../../model/types.ts";
import { isUnknown, unknown } from "../../../model/types.ts";
import type { Value } from "../intrinsics.ts";
import { isPlainObject, isResourceRef } from "../intrinsics.ts";
import type { ConverterKit, Props } from "../kit.ts";
import type { Converter } from "./index.ts";
import { isRawObject } from "./values.ts";
import { UNDETERMINED } from "./symbolic.ts";

/** A statement's Resource as symbolic patterns, read from the raw value when it lines up. */
function resourcePatterns(k: ConverterKit, id: string, resolved: Value | undefined, raw: unknown): SymbolicString[] | Unknown {
  if (resolved === undefined) return [];
  const list = Array.isArray(resolved) ? (resolved as Value[]) : [resolved];
  const rawList = raw === undefined ? undefined : Array.isArray(raw) ? (raw as unknown[]) : [raw];
  if (rawList && rawList.length === list.length) return rawList.map((r) => k.symbolic(id, r));
  if (isUnknown(resolved)) return resolved;
  return list.map((x) =>
    typeof x === "string" ? x : isResourceRef(x) ? (x.$attr ? k.symbolicAttr(x.$ref, x.$attr) : k.symbolicRef(id, x.$ref)) : UNDETERMINED,
  );
}

function statements(k: ConverterKit, id: string, doc: Value | undefined, key: string, rawDoc?: unknown, path?: string): PolicyStatement[] {
  if (!isPlainObject(doc)) return [];
  const list = Array.isArray(doc.Statement) ? (doc.Statement as Value[]) : doc.Statement ? [doc.Statement] : [];
  const strings = (v: Value | undefined): string[] | Unknown => {
    if (v === undefined) return [];
    if (isUnknown(v)) return v;
    const arr = Array.isArray(v) ? (v as Value[]) : [v];
    return arr.map((x) => (typeof x === "string" ? x : "?"));
  };
  // The raw statements, when they line up one to one with the resolved ones.
  const rawStatement = isRawObject(rawDoc) ? rawDoc.Statement : undefined;
  const rawList = Array.isArray(rawStatement) ? (rawStatement as unknown[]) : rawStatement === undefined ? [] : [rawStatement];
  const plain = list.filter(isPlainObject);
  const aligned = rawList.length === plain.length && rawList.every(isRawObject);
  return plain.map((s, j) => {
    const cond = isPlainObject(s.Condition) ? s.Condition : {};
    const conditionKeys = Object.values(cond).flatMap((o) => (isPlainObject(o) ? Object.keys(o) : []));
    const notActions = strings(s.NotAction);
    const raw = aligned ? (rawList[j] as Record<string, unknown>) : undefined;
    return {
      effect: s.Effect === "Deny" ? ("Deny" as const) : ("Allow" as const),
      actions: strings(s.Action),
      ...(s.NotAction !== undefined && !isUnknown(notActions) ? { notActions } : {}),
      resources:
        s.NotResource !== undefined ? unknown("the statement uses NotResource") : resourcePatterns(k, id, s.Resource, raw?.Resource),
      hasCondition: conditionKeys.length > 0,
      conditionKeys,
      origin: k.origin(id, key, path ? { path } : {}),
    };
  });
}

function role(k: ConverterKit, id: string, p: Props): void {
  const found: PolicyStatement[] = [];
  const unknownPolicies: string[] = [];
  const policies = Array.isArray(p.Policies) ? (p.Policies as Value[]) : [];
  const rawPolicies = k.rawProps(id).Policies;
  const rawAligned = Array.isArray(rawPolicies) && rawPolicies.length === policies.length ? (rawPolicies as unknown[]) : [];
  policies.forEach((pol, i) => {
    const raw = rawAligned[i];
    if (!isPlainObject(pol)) return;
    // SAM policy templates are named in the path: `Properties.Policies (LambdaInvokePolicy)`.
    const template = typeof pol.SamPolicyTemplate === "string" ? `Properties.Policies (${pol.SamPolicyTemplate})` : undefined;
    for (const s of statements(k, id, pol.PolicyDocument, "Policies", isRawObject(raw) ? raw.PolicyDocument : undefined, template))
      found.push(
        typeof pol.SamPolicyTemplate === "string" ? { ...s, policy: { kind: "sam-policy-template", name: pol.SamPolicyTemplate } } : s,
      );
  });
  for (const arn of Array.isArray(p.ManagedPolicyArns) ? (p.ManagedPolicyArns as Value[]) : []) {
    if (isResourceRef(arn)) {
      // A customer managed policy of this template, attached by reference: read it below.
      const mp = k.propsOf(arn.$ref);
      if (mp)
        for (const s of statements(k, arn.$ref, mp.PolicyDocument, "PolicyDocument", k.rawProps(arn.$ref).PolicyDocument)) found.push(s);
      else unknownPolicies.push(arn.$ref);
      continue;
    }
    const name = typeof arn === "string" ? awsManagedPolicyName(arn) : null;
    const actions = name ? MANAGED_POLICY_ACTIONS[name] : undefined;
    if (actions) {
      found.push({
        effect: "Allow",
        actions,
        resources: ["*"],
        hasCondition: false,
        conditionKeys: [],
        origin: k.origin(id, "ManagedPolicyArns", { path: `Properties.ManagedPolicyArns (${name})` }),
        policy: { kind: "aws-managed-policy", name: name as string },
      });
    } else {
      unknownPolicies.push(typeof arn === "string" ? arn : isUnknown(arn) ? arn.reason : "a computed ARN");
    }
  }
  const owner = k.samOwner(id);
  k.draft.roles.set(id, {
    kind: "role",
    id,
    origin: k.origin(id),
    statements: found,
    unknownPolicies,
    attachedPolicyResources: [],
    ...(owner !== undefined ? { generatedBySam: owner } : {}),
  });
}

/** AWS::IAM::Policy, RolePolicy and ManagedPolicy: their statements join each role of the template they name. */
function policy(k: ConverterKit, id: string, p: Props): void {
  const roleRefs = Array.isArray(p.Roles) ? (p.Roles as Value[]) : p.RoleName !== undefined ? [p.RoleName] : [];
  for (const r of roleRefs) {
    if (!isResourceRef(r)) continue;
    const role = k.draft.roles.get(r.$ref);
    if (!role) continue;
    for (const s of statements(k, id, p.PolicyDocument, "PolicyDocument", k.rawProps(id).PolicyDocument)) role.statements.push(s);
    role.attachedPolicyResources.push(id);
  }
}

export const IAM: readonly Converter[] = [
  { type: "AWS::IAM::Role", phase: "iam", convert: role },
  { type: "AWS::IAM::Policy", phase: "iam", convert: policy },
  { type: "AWS::IAM::RolePolicy", phase: "iam", convert: policy },
  { type: "AWS::IAM::ManagedPolicy", phase: "iam", convert: policy },
];
