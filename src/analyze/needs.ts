// What a function needs to reach, inferred from the model: the resources of its VPC it is wired
// to (an environment value referring to a database, cache, search domain, Kafka cluster or file
// system; the EFS file systems its FileSystemConfigs mount), and the AWS services its execution
// role lets its code call (less what Lambda does with the role itself: see aws/role-services.ts).
// Each need says why, and where. Pure.
import { isAwsService } from "../aws/service-catalogue.ts";
import {
  ASYNC_DESTINATION_ACTIONS,
  endpointOfAction,
  ENVIRONMENT_KMS_ACTION,
  POLLER_ACTIONS,
  SERVICE_SIDE_ACTIONS,
} from "../aws/role-services.ts";
import type { Model } from "../model/model.ts";
import type { LambdaFunction, Location, PolicyStatement } from "../model/types.ts";
import { isUnknown, locationOf } from "../model/types.ts";
import { resourceGlob } from "./iam.ts";

export interface Need {
  /** The destination, as `--to` takes it: `resource:Database`, `aws:secretsmanager`. */
  readonly to: string;
  /** `resource`: the function's configuration wires it (certain); `service`: its role grants it (a grant is not proof of use). */
  readonly kind: "resource" | "service";
  /** Why it was inferred: `environment DB_HOST = Database.Endpoint.Address`. */
  readonly because: string;
  readonly location: Location;
}

/** `${Id}` and `${Id.Attribute}` tokens of a symbolic string (see model SymbolicString); a Terraform address has dots of its own. */
export const TOKEN = /\$\{([^}]+)\}/g;

/** The resource a token names: the longest part before a dot that is a resource of the model (`aws_db_instance.db` of `aws_db_instance.db.address`). */
export function resourceOfToken(model: Model, body: string): string | null {
  for (let at = body.length; at > 0; at = body.lastIndexOf(".", at - 1)) {
    const id = body.slice(0, at);
    if (model.get("resource", id)) return id;
  }
  return null;
}

/** A symbolic value as the user wrote it: a lone reference without its `${}`. */
function shown(value: string): string {
  const m = /^\$\{([^}]+)\}$/.exec(value);
  return m ? (m[1] as string) : value;
}

/** The needs of one function, in the order the template gives them, one per destination. */
export function inferNeeds(model: Model, fn: LambdaFunction): Need[] {
  const out = new Map<string, Need>();
  const add = (to: string, because: string, location: Location) => {
    if (!out.has(to)) out.set(to, { to, kind: to.startsWith("resource:") ? "resource" : "service", because, location });
  };
  resourceNeeds(model, fn, add);
  serviceNeeds(model, fn, add);
  return [...out.values()];
}

type Add = (to: string, because: string, location: Location) => void;

function resourceNeeds(model: Model, fn: LambdaFunction, add: Add): void {
  if (model.all("resource").length === 0) return;
  const envLocation = locationOf(fn.environmentOrigin ?? fn.origin);
  for (const [key, value] of Object.entries(fn.environment ?? {})) {
    for (const m of value.matchAll(TOKEN)) {
      const id = resourceOfToken(model, m[1] as string);
      if (id !== null) add(`resource:${id}`, `environment ${key} = ${shown(value)}`, envLocation);
    }
  }
  for (const fs of fn.fileSystems ?? []) {
    if (isUnknown(fs.fileSystem) || !model.get("resource", fs.fileSystem)) continue;
    const through = fs.accessPoint ? ` through access point ${fs.accessPoint}` : "";
    // The setting as the input names it: FileSystemConfigs (CloudFormation), file_system_config (Terraform).
    const setting = fs.origin.source === "terraform" ? "file_system_config" : "FileSystemConfigs";
    add(`resource:${fs.fileSystem}`, `${setting} mounts ${fs.fileSystem}${through}`, locationOf(fs.origin));
  }
}

/** The named policy a statement comes from, if any: ` (AWSSecretsManagerGetSecretValuePolicy)`. */
function policyName(s: PolicyStatement): string {
  return s.policy ? ` (${s.policy.name})` : "";
}

/** Lambda Insights' extension runs in the execution environment and sends to CloudWatch Logs from there. */
const INSIGHTS_POLICY = "CloudWatchLambdaInsightsExecutionRolePolicy";

/**
 * The services the role's Allow statements grant, mapped to their endpoint names, less what Lambda
 * uses the role for itself (logs, network interfaces, X-Ray segments, the EFS mount check), the
 * pollers of the function's event sources, KMS for its environment, and its DLQ and destinations.
 * `*` and NotAction grant every service: nothing is inferred from them.
 */
function serviceNeeds(model: Model, fn: LambdaFunction, add: Add): void {
  const role = fn.roleId === null ? undefined : model.get("role", fn.roleId);
  if (!role) return;
  const pollers = (fn.eventSources ?? []).flatMap((k) => POLLER_ACTIONS[k] ?? []);
  const targets = fn.asyncTargets ?? [];
  for (const s of role.statements) {
    if (s.effect !== "Allow" || isUnknown(s.actions) || s.notActions) continue;
    const insights = s.policy?.name === INSIGHTS_POLICY;
    // Every resource of the statement is a DLQ or destination of the function: Lambda's own sending.
    const toTargets =
      targets.length > 0 &&
      !isUnknown(s.resources) &&
      s.resources.length > 0 &&
      s.resources.every((r) => targets.some((t) => resourceGlob(r, t)));
    for (const a of s.actions) {
      if (!a.includes(":")) continue;
      if (!insights && SERVICE_SIDE_ACTIONS.some((re) => re.test(a))) continue;
      if (pollers.some((re) => re.test(a))) continue;
      if (fn.environmentKms && ENVIRONMENT_KMS_ACTION.test(a)) continue;
      if (toTargets && ASYNC_DESTINATION_ACTIONS.some((re) => re.test(a))) continue;
      const svc = endpointOfAction(a);
      if (svc === null || !isAwsService(svc)) continue;
      add(`aws:${svc}`, `role ${role.id} allows ${a}${policyName(s)}`, locationOf(s.origin));
    }
  }
}
