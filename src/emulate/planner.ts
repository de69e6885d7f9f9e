// Stand-in for the planner (src/emulate/plan.ts, written on another branch) until the branches merge: on merge this file
// becomes `export { describePlan, planEmulation } from "./plan.ts";` (or the CLI imports plan.ts directly).
import type { Model } from "../model/model.ts";
import type { Plan } from "./plan-types.ts";

export interface PlanOptions {
  readonly prefix: string;
  readonly functions?: readonly string[];
}

export class PlannerMissingError extends Error {}

export function planEmulation(_model: Model, _options: PlanOptions): Plan {
  throw new PlannerMissingError("the emulation planner is not part of this build yet (src/emulate/plan.ts)");
}

export function describePlan(plan: Plan): string {
  return `emulation plan ${plan.prefix}: ${plan.namespaces.length} namespaces, ${plan.links.length} links, ${plan.servers.length} servers\n`;
}
