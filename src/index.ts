// Public API of lambda-egress.

export type { Analysis, FunctionReport, SubnetReport, SubnetView, Summary } from "./analyze/check.ts";
export { analyze } from "./analyze/check.ts";
export { parseDestination } from "./analyze/destination.ts";
export type { Egress, Hop, ReachOptions, ReachResult, Verdict } from "./analyze/reach.ts";
export { Reachability } from "./analyze/reach.ts";
export { CODES } from "./aws/codes.ts";
export type { IntentEvidence, IntentResult } from "./intents/evaluate.ts";
export { evaluateIntents } from "./intents/evaluate.ts";
export type { DestinationIntent, EgressIpsIntent, Intent, IntentsFile } from "./intents/parse.ts";
export { intentDestinations, parseIntents } from "./intents/parse.ts";
export type { CheckOptions, CheckReport, StackInfo } from "./check.ts";
export { checkAssembly, checkModel, checkTemplate, mergeReports } from "./check.ts";
export type { AssemblyFiles, AssemblyStack, CloudAssembly } from "./load/cdk-assembly.ts";
export { readCloudAssembly } from "./load/cdk-assembly.ts";
export { loadCloudFormation } from "./load/cfn/index.ts";
export { LoadError } from "./load/errors.ts";
export { Model } from "./model/model.ts";
export type * from "./model/types.ts";
export { renderJson } from "./report/json.ts";
export { renderText } from "./report/text.ts";
export { renderTraceJson, renderTraceText } from "./report/trace.ts";
export type { Finding, Rule, RuleMeta } from "./rules/define.ts";
export { RULES } from "./rules/index.ts";
export type { Trace, TracedHop, TraceOptions, TraceReport } from "./trace.ts";
export { SelectionError, traceAssembly, traceModel, traceTemplate } from "./trace.ts";
