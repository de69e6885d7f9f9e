// Fixes a program can apply: the structured form of a blocker's fix, next to its text. Small on
// purpose: only the changes the walk can state exactly (one route, one rule, one property) have a
// form; the rest stay advice. `applyFix` is pure: it returns a new model with the change made, so
// a fix can be checked by walking the network it leaves (test/fix-safety.test.ts does).
import type { Model } from "../model/model.ts";
import type { Entity, NetworkAclEntry, Origin, Route, SecurityGroupRule } from "../model/types.ts";
import type { Cidr } from "../net/ip.ts";
import { mustParseCidr } from "../net/ip.ts";

export interface FixPorts {
  readonly from: number;
  readonly to: number;
}

export type FixAction =
  /** Add a route to a route table. */
  | {
      readonly kind: "add-route";
      readonly routeTable: string;
      readonly destination: string;
      readonly target: { readonly kind: "internet-gateway" | "egress-only-internet-gateway" | "nat-gateway"; readonly id: string };
    }
  /** Add an allow entry to a network ACL (a number below every rule that denied the traffic). */
  | {
      readonly kind: "add-network-acl-entry";
      readonly networkAcl: string;
      readonly egress: boolean;
      readonly ruleNumber: number;
      readonly protocol: "tcp";
      readonly ports: FixPorts;
      readonly cidr: string;
    }
  /** Add a rule to a security group, to a CIDR or another security group. */
  | {
      readonly kind: "add-security-group-rule";
      readonly securityGroup: string;
      readonly direction: "egress" | "ingress";
      readonly protocol: "tcp";
      readonly ports: FixPorts;
      readonly peer: { readonly cidr: string } | { readonly securityGroup: string };
    }
  /** Attach an internet gateway to a VPC. */
  | { readonly kind: "attach-internet-gateway"; readonly internetGateway: string; readonly vpc: string }
  /** Turn an instance's source/destination check off. */
  | { readonly kind: "disable-source-dest-check"; readonly instance: string };

/** The origin of what a fix adds: where the entity it changes is defined. */
function added(o: Origin): Origin {
  return { ...o, isDefault: false };
}

function one(e: Entity, action: FixAction): Entity {
  switch (action.kind) {
    case "add-route": {
      if (e.kind !== "route-table" || e.id !== action.routeTable) return e;
      const route: Route = {
        destination: { kind: "cidr", cidr: mustParseCidr(action.destination) },
        target: action.target,
        state: "active",
        origin: added(e.origin),
      };
      return { ...e, routes: [...e.routes, route] };
    }
    case "add-network-acl-entry": {
      if (e.kind !== "network-acl" || e.id !== action.networkAcl) return e;
      const entry: NetworkAclEntry = {
        ruleNumber: action.ruleNumber,
        egress: action.egress,
        action: "allow",
        protocol: 6,
        ports: action.ports,
        cidr: mustParseCidr(action.cidr) as Cidr,
        origin: added(e.origin),
      };
      return { ...e, entries: [...e.entries, entry] };
    }
    case "add-security-group-rule": {
      if (e.kind !== "security-group" || e.id !== action.securityGroup) return e;
      const peer =
        "cidr" in action.peer
          ? { kind: "cidr" as const, cidr: mustParseCidr(action.peer.cidr) }
          : { kind: "security-group" as const, id: action.peer.securityGroup };
      const rule: SecurityGroupRule = { protocol: 6, ports: action.ports, peer, origin: added(e.origin) };
      return action.direction === "egress" ? { ...e, egress: [...e.egress, rule] } : { ...e, ingress: [...e.ingress, rule] };
    }
    case "attach-internet-gateway":
      if (e.kind !== "internet-gateway" || e.id !== action.internetGateway) return e;
      return { ...e, attachedVpcIds: [...e.attachedVpcIds, action.vpc] };
    case "disable-source-dest-check":
      if ((e.kind !== "instance" && e.kind !== "network-interface") || e.id !== action.instance) return e;
      return { ...e, sourceDestCheck: false };
  }
}

/** The model with `action` applied (the entities it does not touch are shared). */
export function applyFix(model: Model, action: FixAction): Model {
  const entities: Entity[] = [];
  for (const kind of model.kinds()) for (const e of model.all(kind)) entities.push(one(e, action));
  return model.withEntities(entities);
}

/** A fix in a few words, for a report line. */
export function fixActionText(a: FixAction): string {
  switch (a.kind) {
    case "add-route":
      return `add route ${a.destination} -> ${a.target.kind} ${a.target.id} to ${a.routeTable}`;
    case "add-network-acl-entry":
      return `add ${a.egress ? "outbound" : "inbound"} rule ${a.ruleNumber} allow tcp ${a.ports.from}-${a.ports.to} ${a.cidr} to ${a.networkAcl}`;
    case "add-security-group-rule":
      return `add ${a.direction} tcp ${a.ports.from}-${a.ports.to} ${a.direction === "egress" ? "to" : "from"} ${"cidr" in a.peer ? a.peer.cidr : a.peer.securityGroup} to ${a.securityGroup}`;
    case "attach-internet-gateway":
      return `attach ${a.internetGateway} to ${a.vpc}`;
    case "disable-source-dest-check":
      return `set SourceDestCheck: false on ${a.instance}`;
  }
}
