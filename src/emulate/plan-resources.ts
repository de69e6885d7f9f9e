// The emulator's stand-ins for the resources of the VPC a function is wired to (`resource:ID`: a database, cache,
// search domain, Kafka cluster or file system), part of the pure planner (plan.ts lends it a way to add a namespace in a
// subnet, behind security groups). Each resource gets a namespace in each of its subnets (a file system: one per mount
// target), linked to the VPC router like an endpoint's ENI, so the router's nftables apply its security groups' ingress
// and its subnet's network ACL both ways, and the VPC's local route carries the traffic. In it, the whoami server
// listens at the resource's port: a connection is accepted and answered (an HTTP request with the caller's address and
// the resource's name), nothing more. What the model leaves open (the port, the subnets) gets no stand-in and a note,
// with the reason `check` gives for `unknown`. The function's environment variables that name a resource's address or
// port get the stand-in's (resourceEnvironment).
import { endpointAttributeKind } from "../aws/vpc-resources.ts";
import { resourceOfToken, TOKEN } from "../analyze/needs.ts";
import type { Model } from "../model/model.ts";
import type { EntityRef, LambdaFunction, Subnet, Unknown, VpcResource } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";
import type { ServerPlan } from "./plan-types.ts";
import { ENV_NAME } from "./validate-plan.ts";
import type { NoteSink } from "./plan-notes.ts";
import { planNote } from "./plan-notes.ts";

/** Where one interface of a resource is emulated. */
export interface ResourceStandin {
  readonly resourceId: string;
  /** The mount target it stands for (a file system), if any. */
  readonly mountTarget?: string;
  readonly subnetId: string;
  /** The AZ of its subnet, when known (a function uses the mount target of its own AZ). */
  readonly az?: string;
  readonly address: string;
  readonly port: number;
}

/** What plan.ts lends the resource planner. */
export interface ResourceHooks {
  readonly note: NoteSink;
  /**
   * A namespace with an address in the subnet, behind the security groups (the VPC's default group when none is given),
   * linked to its VPC's router; undefined (with a note) when it cannot be placed; `elsewhere` when the subnet lies in a
   * VPC the emulation does not have (no function of it is emulated there).
   */
  readonly addInterface: (
    subnet: EntityRef,
    entity: string,
    what: string,
    securityGroups: readonly EntityRef[] | Unknown,
  ) => { readonly ns: string; readonly address: string; readonly subnet: Subnet } | undefined | "elsewhere";
}

/** The label a resource's stand-in answers with: `resource:ID in SUBNET` (destinationOf reads the first word). */
function label(r: VpcResource, subnetId: string, mountTarget: string | undefined): string {
  return `resource:${r.id}${mountTarget !== undefined ? ` (mount target ${mountTarget})` : ""} in ${subnetId}`;
}

/** Stand-ins for every resource with an interface in a VPC the emulation has: the servers to run and where they are. */
export function planResources(model: Model, hooks: ResourceHooks): { servers: ServerPlan[]; standins: ResourceStandin[] } {
  const servers: ServerPlan[] = [];
  const standins: ResourceStandin[] = [];
  for (const r of model.all("resource")) {
    const interfaces: { subnet: EntityRef; entity: string; what: string; groups: readonly EntityRef[] | Unknown; mt?: string }[] = [];
    if (r.mountTargets) {
      for (const m of r.mountTargets)
        interfaces.push({
          subnet: m.subnetId,
          entity: m.id,
          what: `mount target ${m.id} of ${r.id}`,
          groups: m.securityGroupIds,
          mt: m.id,
        });
    } else if (isUnknown(r.subnetIds)) {
      hooks.note(planNote("RESOURCE_SUBNETS_UNKNOWN", { what: r.what, resource: r.id, why: r.subnetIds.reason }));
      continue;
    } else {
      if (r.subnetIds.length === 0) hooks.note(planNote("RESOURCE_NO_SUBNET", { what: r.what, resource: r.id }));
      for (const s of r.subnetIds) interfaces.push({ subnet: s, entity: r.id, what: `${r.what} ${r.id}`, groups: r.securityGroupIds });
    }
    if (interfaces.length === 0) continue;
    // The same words as check's `unknown` for it.
    if (isUnknown(r.port)) {
      hooks.note(planNote("RESOURCE_PORT_UNKNOWN", { what: r.what, resource: r.id, why: r.port.reason }));
      continue;
    }
    const port = r.port;
    for (const i of interfaces) {
      const added = hooks.addInterface(i.subnet, i.entity, i.what, i.groups);
      if (added === undefined || added === "elsewhere") continue;
      const subnetId = added.subnet.id;
      servers.push({ ns: added.ns, kind: "whoami", address: added.address, port, label: label(r, subnetId, i.mt) });
      standins.push({
        resourceId: r.id,
        ...(i.mt !== undefined ? { mountTarget: i.mt } : {}),
        subnetId,
        ...(isUnknown(added.subnet.az) ? {} : { az: added.subnet.az }),
        address: added.address,
        port,
      });
    }
  }
  return { servers, standins };
}

/**
 * The function's environment variables that name a resource's address or port (`!GetAtt Db.Endpoint.Address`,
 * `Db.Endpoint.Port`, or a string of such tokens), each token replaced with its stand-in's address or port, for its ENI
 * in `subnet`: the mount target of the ENI's AZ for a file system; for a resource in several subnets, its stand-in in
 * the first (where AWS puts it is AWS's choice; `emulate --plan` lists the others). A variable with any other token
 * left (an ARN, a parameter) is left out, with a note, as are the variables of a resource without a stand-in.
 */
export function resourceEnvironment(
  model: Model,
  fn: LambdaFunction,
  subnet: Subnet | undefined,
  standins: readonly ResourceStandin[],
  note: NoteSink,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fn.environment ?? {})) {
    const names = [...value.matchAll(TOKEN)].map((m) => resourceOfToken(model, m[1] as string)).filter((id) => id !== null);
    if (names.length === 0) continue;
    if (!ENV_NAME.test(key)) {
      note(planNote("ENV_NAME_INVALID", { fn: fn.id, key }));
      continue;
    }
    let missing: string | undefined;
    const replaced = value.replace(TOKEN, (whole, body: string) => {
      const id = resourceOfToken(model, body);
      const attribute = id === null || body.length === id.length ? undefined : body.slice(id.length + 1);
      const kind = attribute === undefined ? null : endpointAttributeKind(attribute);
      if (id === null || kind === null) return whole;
      const mine = standins.filter((s) => s.resourceId === id);
      const s = mine.find((x) => x.mountTarget === undefined || (subnet !== undefined && !isUnknown(subnet.az) && x.az === subnet.az));
      if (s === undefined) {
        missing ??= id;
        return whole;
      }
      return kind === "address" ? s.address : String(s.port);
    });
    if (missing !== undefined)
      note(
        planNote("ENV_RESOURCE_WITHOUT_STAND_IN", {
          fn: fn.id,
          ...(subnet !== undefined ? { subnet: subnet.id } : {}),
          key,
          resource: missing,
        }),
      );
    else if (replaced.includes("${") || replaced.includes("\0")) note(planNote("ENV_OTHER_TOKENS", { fn: fn.id, key, value }));
    else out[key] = replaced;
  }
  return out;
}
