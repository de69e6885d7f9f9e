// Lambda functions (VpcConfig, role, environment, code, file systems, what Lambda does with the role outside the
// network) and Lambda Managed Instances capacity providers.
import { eventSourceKind } from "../../../aws/role-services.ts";
import type { EntityRef, FunctionCode, FunctionFileSystem, LambdaFunction, VpcConfig } from "../../../model/types.ts";
import { isUnknown, unknown } from "../../../model/types.ts";
import type { Value } from "../intrinsics.ts";
import { isPlainObject, isResourceRef } from "../intrinsics.ts";
import type { ConverterKit, Draft, Props } from "../kit.ts";
import { capacityProvider } from "./capacity-provider.ts";
import type { Converter } from "./index.ts";
import { bool, isRawObject } from "./values.ts";

/** Lambda's default timeout, in seconds. */
const LAMBDA_DEFAULT_TIMEOUT_SECONDS = 3;

/** Runtime, handler, timeout and code of a function (resolved properties; SAM's InlineCode and CodeUri too). */
function functionCode(p: Props): FunctionCode {
  const code = p.Code;
  const inline =
    isPlainObject(code) && typeof code.ZipFile === "string" ? code.ZipFile : typeof p.InlineCode === "string" ? p.InlineCode : null;
  const path = typeof p.CodeUri === "string" ? p.CodeUri : typeof code === "string" ? code : null;
  const timeout = Number(p.Timeout ?? LAMBDA_DEFAULT_TIMEOUT_SECONDS);
  const memory = Number(p.MemorySize);
  return {
    ...(Number.isInteger(memory) && memory > 0 ? { memorySizeMb: memory } : {}),
    ...(typeof p.PackageType === "string" ? { packageType: p.PackageType } : {}),
    runtime: typeof p.Runtime === "string" ? p.Runtime : null,
    handler: typeof p.Handler === "string" ? p.Handler : null,
    timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : LAMBDA_DEFAULT_TIMEOUT_SECONDS,
    source:
      inline !== null
        ? { inline }
        : path !== null
          ? { path }
          : unknown(
              code === undefined && p.CodeUri === undefined
                ? "the function has no code in the template"
                : "the code is in S3 or an image, not in the template",
            ),
  };
}

function lambdaFunction(k: ConverterKit, id: string, p: Props): void {
  const vc = p.VpcConfig;
  let vpcConfig: VpcConfig | null = null;
  if (isUnknown(vc)) {
    vpcConfig = { subnetIds: vc, securityGroupIds: vc, ipv6AllowedForDualStack: false, origin: k.origin(id, "VpcConfig") };
  } else if (isPlainObject(vc)) {
    const subnetIds = k.refList(vc.SubnetIds, "subnet");
    const sgIds = k.refList(vc.SecurityGroupIds, "security group");
    // An empty VpcConfig (no subnets) detaches the function from any VPC.
    if (isUnknown(subnetIds) || subnetIds.length > 0) {
      vpcConfig = {
        subnetIds,
        securityGroupIds: sgIds,
        ipv6AllowedForDualStack: bool(vc.Ipv6AllowedForDualStack, false),
        origin: k.origin(id, "VpcConfig"),
      };
    }
  }
  const role = p.Role;
  const roleId: EntityRef | null = isResourceRef(role)
    ? role.$ref
    : role === undefined
      ? null
      : isUnknown(role)
        ? role
        : unknown(`the execution role ${String(role)} is defined outside this template`);
  const cpc = isPlainObject(p.CapacityProviderConfig) ? p.CapacityProviderConfig : undefined;
  const lmi =
    cpc && isPlainObject(cpc.LambdaManagedInstancesCapacityProviderConfig) ? cpc.LambdaManagedInstancesCapacityProviderConfig : cpc;
  const cpArn = lmi ? (lmi.CapacityProviderArn ?? lmi.Arn) : undefined;
  const rawEnv = k.rawProps(id).Environment;
  const rawVars = isRawObject(rawEnv) ? rawEnv.Variables : undefined;
  const fn: LambdaFunction = {
    kind: "function",
    id,
    origin: k.origin(id),
    name: typeof p.FunctionName === "string" ? p.FunctionName : null,
    vpcConfig,
    roleId,
    capacityProviderId: cpc === undefined ? null : (k.ref(cpArn, "capacity provider") ?? unknown("no capacity provider ARN")),
    ...(isRawObject(rawVars)
      ? {
          environment: Object.fromEntries(Object.entries(rawVars).map(([key, v]) => [key, k.symbolic(id, v)])),
          environmentOrigin: k.origin(id, "Environment"),
        }
      : {}),
    code: functionCode(p),
    ...(p.FileSystemConfigs !== undefined ? { fileSystems: fileSystems(k, id, p.FileSystemConfigs) } : {}),
    ...serviceSide(k, id),
  };
  k.draft.others.push(fn);
}

type Attached = Map<string, { sources: string[]; targets: unknown[] }>;

/** Per draft, per function: its event source mappings' source kinds and its EventInvokeConfig destinations, from the resources that name it (read once, when the first function asks). */
const ATTACHED = new WeakMap<Draft, Attached>();

function attachedToFunctions(k: ConverterKit): Attached {
  const known = ATTACHED.get(k.draft);
  if (known) return known;
  const attached: Attached = new Map();
  ATTACHED.set(k.draft, attached);
  const refOf = (v: unknown): string | undefined => {
    if (typeof v === "string") return v in k.resources ? v : undefined;
    if (!v || typeof v !== "object" || Array.isArray(v)) return undefined;
    const r =
      (v as Record<string, unknown>).Ref ??
      (Array.isArray((v as Record<string, unknown>)["Fn::GetAtt"])
        ? ((v as Record<string, unknown>)["Fn::GetAtt"] as unknown[])[0]
        : (v as Record<string, unknown>)["Fn::GetAtt"]);
    return typeof r === "string" ? r.split(".")[0] : undefined;
  };
  for (const rid in k.resources) {
    const res = k.resources[rid];
    if (res?.Type !== "AWS::Lambda::EventSourceMapping" && res?.Type !== "AWS::Lambda::EventInvokeConfig") continue;
    const props = isRawObject(res.Properties) ? res.Properties : {};
    const fn = refOf(props.FunctionName);
    if (!fn) continue;
    const entry = attached.get(fn) ?? { sources: [], targets: [] };
    attached.set(fn, entry);
    if (res.Type === "AWS::Lambda::EventSourceMapping") {
      const src = refOf(props.EventSourceArn);
      const arn = k.symbolic(rid, props.EventSourceArn);
      const kind = src
        ? eventSourceKind(String(k.resources[src]?.Type ?? ""))
        : eventSourceKind(/^arn:[^:]*:([^:]+):/.exec(arn)?.[1] ?? "");
      if (kind) entry.sources.push(kind);
      else if (props.SelfManagedEventSource !== undefined) entry.sources.push("kafka");
    } else entry.targets.push(...destinationsOf(props.DestinationConfig));
  }
  return attached;
}

/** What Lambda does with the function's role outside its network: the pollers of its event sources, KMS for its environment, its DLQ and destinations. */
function serviceSide(k: ConverterKit, id: string): Pick<LambdaFunction, "eventSources" | "environmentKms" | "asyncTargets"> {
  const raw = k.rawProps(id);
  const attached = attachedToFunctions(k).get(id);
  const sources = [...(attached?.sources ?? [])];
  // SAM Events, still on the function after expansion.
  if (isRawObject(raw.Events)) {
    for (const ev of Object.values(raw.Events)) {
      const kind = isRawObject(ev) && typeof ev.Type === "string" ? eventSourceKind(ev.Type) : null;
      if (kind) sources.push(kind);
    }
  }
  const targets: unknown[] = [...(attached?.targets ?? [])];
  if (isRawObject(raw.DeadLetterConfig)) targets.push(raw.DeadLetterConfig.TargetArn);
  if (isRawObject(raw.DeadLetterQueue)) targets.push(raw.DeadLetterQueue.TargetArn);
  if (isRawObject(raw.EventInvokeConfig)) targets.push(...destinationsOf(raw.EventInvokeConfig.DestinationConfig));
  const out: { -readonly [K in "eventSources" | "environmentKms" | "asyncTargets"]?: LambdaFunction[K] } = {};
  if (sources.length > 0) out.eventSources = [...new Set(sources)];
  if (raw.KmsKeyArn !== undefined) out.environmentKms = true;
  const symbolic = targets.filter((t) => t !== undefined).map((t) => k.symbolic(id, t));
  if (symbolic.length > 0) out.asyncTargets = symbolic;
  return out;
}

/** The destinations of a DestinationConfig (OnSuccess, OnFailure), raw. */
function destinationsOf(config: unknown): unknown[] {
  if (!isRawObject(config)) return [];
  const out: unknown[] = [];
  for (const key of ["OnSuccess", "OnFailure"]) {
    const d = config[key];
    if (isRawObject(d) && d.Destination !== undefined) out.push(d.Destination);
  }
  return out;
}

/** `FileSystemConfigs`: each entry's access point and its file system. */
function fileSystems(k: ConverterKit, id: string, v: Value | undefined): FunctionFileSystem[] {
  if (v === undefined || v === null) return [];
  const origin = k.origin(id, "FileSystemConfigs");
  const entry = (e: Value): FunctionFileSystem => {
    const ap = isPlainObject(e) ? k.ref(e.Arn, "access point") : null;
    if (ap === null) return { fileSystem: unknown("a FileSystemConfigs entry names no access point Arn"), accessPoint: null, origin };
    if (isUnknown(ap)) return { fileSystem: ap, accessPoint: null, origin };
    const fs = k.draft.vpcResources.accessPoints.get(ap);
    return { fileSystem: fs ?? unknown(`access point ${ap} is not defined in this template`), accessPoint: fs ? ap : null, origin };
  };
  const out: FunctionFileSystem[] = Array.isArray(v)
    ? (v as Value[]).map(entry)
    : [{ fileSystem: isUnknown(v) ? v : unknown("FileSystemConfigs is not a list"), accessPoint: null, origin }];
  // A file system the template does not show is not checked: say so, rather than leave it out silently.
  for (const e of out) {
    if (!isUnknown(e.fileSystem)) continue;
    k.report(
      "LOAD_UNRESOLVED",
      "info",
      `${id} mounts an EFS file system that is not checked: ${e.fileSystem.reason}`,
      id,
      "FileSystemConfigs",
    );
  }
  return out;
}

export const FUNCTIONS: readonly Converter[] = [
  { type: "AWS::Lambda::Function", phase: "functions", convert: lambdaFunction },
  {
    type: "AWS::Lambda::CapacityProvider",
    phase: "functions",
    convert: (k, id, p) => {
      k.draft.others.push(capacityProvider(k, id, p));
    },
  },
];
