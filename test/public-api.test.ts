// The library's public API (package.json "exports" ".": src/index.ts): what it exports at run time, each with its kind,
// and every name its published declarations export (types included), so a refactor cannot silently drop one (issue 20).
// A change here is a change of the API: add to the lists on purpose, and remove only with a major version.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";
import * as api from "../src/index.ts";
import { ROOT } from "./helpers.ts";

/** Every value export and what it is. */
const VALUES: Record<string, "class" | "function" | "object" | "number" | "symbol"> = {
  CODES: "object",
  FACTS: "symbol",
  HOURS_PER_MONTH: "number",
  LoadError: "class",
  Model: "class",
  PRICED_REGIONS: "object",
  PriceDataError: "class",
  RULES: "object",
  Reachability: "class",
  SelectionError: "class",
  TrafficError: "class",
  analyze: "function",
  checkAssembly: "function",
  checkModel: "function",
  checkTemplate: "function",
  checkTemplates: "function",
  compareDesigns: "function",
  costModel: "function",
  estimateCost: "function",
  evaluateIntents: "function",
  intentDestinations: "function",
  loadCloudFormation: "function",
  loadModel: "function",
  loadModels: "function",
  loadTerraform: "function",
  mergeReports: "function",
  needsOf: "function",
  parseDestination: "function",
  parseInlineTraffic: "function",
  parseIntents: "function",
  readCloudAssembly: "function",
  regionPrices: "function",
  renderCompareJson: "function",
  renderCompareText: "function",
  renderCostJson: "function",
  renderCostText: "function",
  renderJson: "function",
  renderText: "function",
  renderTraceJson: "function",
  renderTraceText: "function",
  traceAssembly: "function",
  traceModel: "function",
  traceTemplate: "function",
  traceTemplates: "function",
  trafficDestinations: "function",
  trafficFromDocument: "function",
};

/** The names the declarations export that are types only (interfaces, type aliases, `export type` re-exports). */
const TYPES_ONLY = [
  "ALL_PORTS",
  "Analysis",
  "AssemblyFiles",
  "AssemblyStack",
  "BlockPublicAccessExclusion",
  "BlockPublicAccessExclusionMode",
  "BlockPublicAccessMode",
  "BlockPublicAccessOptions",
  "BreakEven",
  "CapacityProvider",
  "CheckOptions",
  "CheckReport",
  "CloudAssembly",
  "Comparison",
  "Confidence",
  "CostEstimate",
  "CostItem",
  "DesignCost",
  "Destination",
  "DestinationIntent",
  "Diagnostic",
  "Egress",
  "EgressIpsIntent",
  "EgressOnlyInternetGateway",
  "ElasticIp",
  "Entity",
  "EntityKind",
  "EntityRef",
  "EstimateOptions",
  "Finding",
  "FunctionCode",
  "FunctionFileSystem",
  "FunctionReport",
  "Hop",
  "Instance",
  "InstanceVolume",
  "Intent",
  "IntentEvidence",
  "IntentResult",
  "IntentsFile",
  "InternetGateway",
  "LambdaFunction",
  "Location",
  "MountTarget",
  "NatGateway",
  "Needs",
  "NetworkAcl",
  "NetworkAclEntry",
  "NetworkInterface",
  "Origin",
  "Path",
  "PolicyStatement",
  "PortRange",
  "PrefixList",
  "Price",
  "Protocol",
  "PublicAddress",
  "ReachFacts",
  "ReachOptions",
  "ReachResult",
  "RegionPrices",
  "Role",
  "Route",
  "RouteDestination",
  "RouteTable",
  "RouteTarget",
  "Rule",
  "RuleMeta",
  "SecurityGroup",
  "SecurityGroupRule",
  "Severity",
  "StackInfo",
  "StackInput",
  "Step",
  "Subnet",
  "SubnetReport",
  "SubnetView",
  "Summary",
  "SymbolicString",
  "TieredPrice",
  "Trace",
  "TraceOptions",
  "TraceReport",
  "TracedHop",
  "Traffic",
  "Unknown",
  "Verdict",
  "Vpc",
  "VpcConfig",
  "VpcEndpoint",
  "VpcResource",
  "isUnknown",
  "locationOf",
  "unknown",
];

function kindOf(v: unknown): string {
  if (typeof v !== "function") return typeof v;
  return /^class\b/.test(Function.prototype.toString.call(v)) ? "class" : "function";
}

describe("public API (src/index.ts)", () => {
  it("exports these values, each of its kind", () => {
    const got = Object.fromEntries(
      Object.keys(api)
        .sort()
        .map((k) => [k, kindOf((api as Record<string, unknown>)[k])]),
    );
    assert.deepEqual(got, VALUES);
  });

  it("its published declarations (dist/src/index.d.ts) export these names, types included", () => {
    const file = join(ROOT, "dist", "src", "index.d.ts");
    const program = ts.createProgram([file], {
      noEmit: true,
      skipLibCheck: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
    });
    const checker = program.getTypeChecker();
    const source = program.getSourceFile(file);
    const module = source && checker.getSymbolAtLocation(source);
    assert.ok(module, `${file} is not a module`);
    const names = checker
      .getExportsOfModule(module)
      .map((s) => s.name)
      .sort();
    assert.deepEqual(names, [...Object.keys(VALUES), ...TYPES_ONLY].sort());
  });
});
