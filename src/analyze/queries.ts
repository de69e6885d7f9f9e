// Small questions over the model that several rules ask.
import type { Model } from "../model/model.ts";
import type { LambdaFunction, Role, Route, Subnet } from "../model/types.ts";
import { isUnknown } from "../model/types.ts";

export { locationOf } from "../model/types.ts";

/** The execution role of a function attached to a VPC, when the template defines it. */
export function executionRole(model: Model, fn: LambdaFunction): Role | undefined {
  if (!fn.vpcConfig || fn.capacityProviderId !== null) return undefined;
  return model.get("role", fn.roleId);
}

/** The subnets of a function's VpcConfig that the model knows. */
export function functionSubnets(model: Model, fn: LambdaFunction): Subnet[] {
  const ids = fn.vpcConfig?.subnetIds;
  if (!ids || isUnknown(ids) || fn.capacityProviderId !== null) return [];
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
