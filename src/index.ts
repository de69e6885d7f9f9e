// Public API of lambda-egress.

export type { Analysis, FunctionReport, SubnetReport, SubnetView, Summary } from "./analyze/check.ts";
export { analyze } from "./analyze/check.ts";
export { parseDestination } from "./analyze/destination.ts";
export type { Egress, Hop, ReachResult, Verdict } from "./analyze/reach.ts";
export { Reachability } from "./analyze/reach.ts";
export { CODES } from "./aws/codes.ts";
export type { CheckOptions, CheckReport } from "./check.ts";
export { checkModel, checkTemplate, mergeReports } from "./check.ts";
export { loadCloudFormation } from "./load/cfn/index.ts";
export { LoadError } from "./load/errors.ts";
export { Model } from "./model/model.ts";
export type * from "./model/types.ts";
export { renderJson } from "./report/json.ts";
export { renderText } from "./report/text.ts";
export type { Finding, Rule, RuleMeta } from "./rules/define.ts";
export { RULES } from "./rules/index.ts";
