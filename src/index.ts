// Public API of lambda-egress.
export type { CheckOptions, CheckReport } from "./check.ts";
export { checkModel, checkTemplate, mergeReports } from "./check.ts";
export type { Analysis, FunctionReport, Summary, SubnetReport, SubnetView } from "./analyze/check.ts";
export { analyze } from "./analyze/check.ts";
export type { Egress, Hop, ReachResult, Verdict } from "./analyze/reach.ts";
export { Reachability } from "./analyze/reach.ts";
export { parseDestination } from "./analyze/destination.ts";
export { loadCloudFormation } from "./load/cfn/index.ts";
export { LoadError } from "./load/errors.ts";
export { Model } from "./model/model.ts";
export type * from "./model/types.ts";
export type { Finding, Rule, RuleMeta } from "./rules/define.ts";
export { RULES } from "./rules/index.ts";
export { CODES } from "./aws/codes.ts";
export { renderJson } from "./report/json.ts";
export { renderText } from "./report/text.ts";
