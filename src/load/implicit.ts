// What AWS creates by itself and every loader makes explicit the same way.
import type { Cidr } from "../net/ip.ts";
import { mustParseCidr } from "../net/ip.ts";
import type { NetworkAcl, NetworkAclEntry, Origin, Route, RouteTable, SecurityGroup, SecurityGroupRule, Vpc } from "../model/types.ts";
import { ALL_PORTS, isUnknown } from "../model/types.ts";
import { memoize } from "../memo.ts";

const ANY_IPV4 = mustParseCidr("0.0.0.0/0");
const ANY_IPV6 = mustParseCidr("::/0");

/**
 * The local route every route table of a VPC has, one per known CIDR block of the VPC (IPv4 and IPv6), once every
 * CIDR is known. The same route objects for every table of the VPC (routes are never changed once made): a table
 * each made its own, 8 MB on a 125,000-resource template.
 */
export const localRoutes = memoize((vpc: Vpc): readonly Route[] =>
  vpc.cidrs
    .filter((c): c is Cidr => !isUnknown(c))
    .map((cidr) => ({
      destination: { kind: "cidr", cidr },
      target: { kind: "local" },
      state: "active",
      origin: { ...vpc.origin, source: "default", isDefault: true, path: "local route" },
    })),
);

/**
 * What AWS creates with a VPC: its main route table (no route but the local ones, added once every CIDR is known),
 * its default network ACL (allow all, both ways, IPv4 rule 100 and IPv6 rule 101) and its default security group
 * (members admit each other; all IPv4 out, and all IPv6 out when the VPC has an IPv6 block). `origin` marks them as
 * defaults; the ids are `ids`'.
 */
export function vpcDefaults(
  vpcId: string,
  ids: { readonly mainRouteTable: string; readonly defaultNetworkAcl: string; readonly defaultSecurityGroup: string },
  origin: Origin,
  ipv6: boolean,
): {
  readonly routeTable: RouteTable & { routes: Route[] };
  readonly networkAcl: NetworkAcl & { entries: NetworkAclEntry[] };
  readonly securityGroup: SecurityGroup & { ingress: SecurityGroupRule[]; egress: SecurityGroupRule[] };
} {
  const allowAll = (egress: boolean, cidr: Cidr, ruleNumber: number): NetworkAclEntry => ({
    ruleNumber,
    egress,
    action: "allow",
    protocol: "all",
    ports: ALL_PORTS,
    cidr,
    origin,
  });
  const egress: SecurityGroupRule[] = [{ protocol: "all", ports: ALL_PORTS, peer: { kind: "cidr", cidr: ANY_IPV4 }, origin }];
  if (ipv6) egress.push({ protocol: "all", ports: ALL_PORTS, peer: { kind: "cidr", cidr: ANY_IPV6 }, origin });
  return {
    routeTable: { kind: "route-table", id: ids.mainRouteTable, origin, vpcId, isMain: true, routes: [] },
    networkAcl: {
      kind: "network-acl",
      id: ids.defaultNetworkAcl,
      origin,
      vpcId,
      isDefault: true,
      entries: [
        allowAll(false, ANY_IPV4, 100),
        allowAll(true, ANY_IPV4, 100),
        allowAll(false, ANY_IPV6, 101),
        allowAll(true, ANY_IPV6, 101),
      ],
    },
    securityGroup: {
      kind: "security-group",
      id: ids.defaultSecurityGroup,
      origin,
      vpcId,
      ingress: [{ protocol: "all", ports: ALL_PORTS, peer: { kind: "security-group", id: ids.defaultSecurityGroup }, origin }],
      egress,
    },
  };
}
