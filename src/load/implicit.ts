// What AWS creates by itself and every loader makes explicit the same way.
import type { Cidr } from "../net/ip.ts";
import type { Route, Vpc } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";

/** The local route every route table of a VPC has, one per known CIDR block of the VPC (IPv4 and IPv6). */
export function localRoutes(vpc: Vpc): Route[] {
  return vpc.cidrs
    .filter((c): c is Cidr => !isUnknown(c))
    .map((cidr) => ({
      destination: { kind: "cidr", cidr },
      target: { kind: "local" },
      state: "active",
      origin: { ...vpc.origin, source: "default", isDefault: true, path: "local route" },
    }));
}
