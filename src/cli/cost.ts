// `lambda-egress cost TEMPLATE`: the monthly cost of the network a template builds, in a region,
// with optional traffic; `--compare`: the same needs priced under each pattern `new` builds.
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "./args.ts";
import { DEFAULT_REGION } from "../aws/facts.ts";
import { compareDesigns } from "../cost/compare.ts";
import { costModel } from "../cost/estimate.ts";
import { regionPrices } from "../cost/prices.ts";
import type { Traffic } from "../cost/traffic.ts";
import { MAX_TRAFFIC_BYTES, parseInlineTraffic, TrafficError, trafficFromDocument } from "../cost/traffic.ts";
import { loadModel } from "../load/index.ts";
import { readYamlDocument, YamlProblem } from "../load/cfn/parse.ts";
import { LoadError } from "../load/errors.ts";
import { readBounded } from "../load/read.ts";
import { renderCompareJson, renderCompareText } from "../report/compare.ts";
import { renderCostJson, renderCostText } from "../report/cost.ts";
import type { Io } from "./main.ts";
import { parseImports, parseParams, readIntents, readTemplate, readText } from "./main.ts";
import { usageHint } from "./help.ts";
import { UsageError } from "../errors.ts";
import { unknownParamLines } from "../load/params.ts";
import { snapshotModelIn } from "./scan.ts";

export const COST_HELP = `Usage:
  lambda-egress cost TEMPLATE [--region R] [--traffic FILE|CLASS=GB,...]
                     [--compare [--expect FILE]] [--format text|json] [--param NAME=VALUE]
                     [--import NAME=VALUE]

cost: the monthly cost of what the template builds in a region: NAT gateways (zonal, and
regional per active AZ), the public IPv4 charge on every Elastic IP and NAT address,
NAT instances (instance hours, EBS volumes), interface endpoints per AZ (gateway
endpoints are free). 730 hours a month. Without --traffic: fixed costs only. What the
template leaves open (an instance type given as a parameter, a NAT instance's root
volume from its AMI) is listed as unknown, and the total is then a lower bound.

--traffic: GB per month per destination class, in a YAML/JSON file or inline:
  internet=GB        sent to the internet (IPv4)    internet-in=GB  received from it
  SERVICE=GB         to and from an AWS service (s3, dynamodb, sqs, lambda, ...)
  free-internet=GB   the account's free internet egress left for these functions (0)
  cross-az-sides=N   1 or 2: sides of a cross-AZ transfer billed (default 2)
A file may give one function its own traffic: "functions: { FnId: { internet: 20 } }".
Each GB is priced where check's road for it goes: NAT processing, interface endpoint
processing, cross-AZ transfer to a NAT in another AZ, internet egress tiers. Traffic is
split evenly among the functions in a VPC and each function's among its subnets.

--compare: the functions' needs (what check finds they reach, fixed egress IPs, how
many AZs) priced under each pattern 'lambda-egress new' builds, cheapest first, with
what each gives up, and the break-even GB/month of an interface endpoint against the
NAT for each service. With --expect FILE (check's intents file), the functions it names
need what it says instead: "internet: reachable", "aws:SERVICE: reachable", "egressIps".
The services check infers a function needs (its role's grants) or the intents file lists
under "needs" are needs too, whether a road reaches them today or not.

Options:
  --region REGION    the region priced (default: us-east-1); regions with price data:
                     see the error for one without
  --format FORMAT    text (default) or json
  --param NAME=VALUE template parameter value, repeatable
  --import NAME=VALUE the value of export NAME for Fn::ImportValue, repeatable
                     (cost prices one template: the network of another stack is not priced)
`;

/** A usage error of `cost`. */
const usage = (message: string) => new UsageError(message, { hint: usageHint("cost") });

function readTraffic(arg: string, io: Io): Traffic {
  const path = resolve(io.cwd, arg);
  if (!existsSync(path)) {
    if (arg.includes("=")) return parseInlineTraffic(arg);
    throw new LoadError("LOAD_NOT_FOUND", "no such file (--traffic takes a file or CLASS=GB,...)", { file: arg });
  }
  const text = readBounded(path, arg, {
    maxBytes: MAX_TRAFFIC_BYTES,
    code: "TRAFFIC_INVALID",
    directory: "is a directory; --traffic takes a YAML/JSON file or CLASS=GB,...",
    tooLarge: (limit, size) =>
      new LoadError(
        "TRAFFIC_INVALID",
        `is ${size === undefined ? "more than " + limit : size} bytes; a traffic file is read up to ${limit} bytes`,
        {
          file: arg,
        },
      ),
  });
  let doc: unknown;
  try {
    doc = readYamlDocument(text, {}).doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    const where = e instanceof YamlProblem ? { file: arg, line: e.line, column: e.column } : { file: arg };
    throw new LoadError("TRAFFIC_INVALID", `is not valid YAML or JSON: ${(e as Error).message.split("\n")[0]}`, where);
  }
  try {
    return trafficFromDocument(doc);
  } catch (e) {
    if (e instanceof TrafficError) throw new LoadError("TRAFFIC_INVALID", e.message, { file: arg }, undefined, e);
    throw e;
  }
}

/** Runs `cost` with the arguments after the command name: 0 (its errors are thrown, and exit 2). */
export function runCost(args: readonly string[], io: Io): number {
  const { values, positionals } = parseArgs(
    {
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        region: { type: "string" },
        traffic: { type: "string" },
        format: { type: "string" },
        param: { type: "string", multiple: true },
        import: { type: "string", multiple: true },
        compare: { type: "boolean" },
        expect: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    },
    "cost",
  );
  if (values.help) {
    io.stdout.write(COST_HELP);
    return 0;
  }
  if (positionals.length === 0) throw usage("cost needs a template file");
  if (positionals.length > 1) throw usage(`cost takes one template, not ${positionals.length}`);
  const format = values.format ?? "text";
  if (format !== "text" && format !== "json") throw usage(`--format ${format}: use text or json`);
  if (values.region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(values.region))
    throw usage(`--region ${values.region} is not a region name (e.g. eu-west-1)`);
  const file = positionals[0] as string;
  // A snapshot of a deployed account (or --aws) is priced in its own region (--region picks one of several).
  const deployed = snapshotModelIn(io, file, values.region);
  const region = deployed?.region ?? values.region ?? DEFAULT_REGION;
  regionPrices(region); // no price data: say so before reading anything
  const params = parseParams(values.param);
  if (typeof params === "string") throw usage(params);
  const imports = parseImports(values.import);
  if (typeof imports === "string") throw usage(imports);
  const traffic = values.traffic !== undefined ? readTraffic(values.traffic, io) : undefined;
  const path = resolve(io.cwd, file);
  if (!deployed && existsSync(path) && statSync(path).isDirectory())
    throw new LoadError(
      "LOAD_UNSUPPORTED_INPUT",
      "is a directory; cost reads one CloudFormation or SAM template (for a cdk.out, give a stack's .template.json)",
      {
        file,
      },
    );
  // A Terraform plan names its own region; --region overrides it.
  const model =
    deployed ?? loadModel(file, readTemplate(path, file), { params, imports, ...(values.region !== undefined ? { region } : {}) });
  for (const line of unknownParamLines(model)) io.stderr.write(line);
  if (values.expect !== undefined && !values.compare) throw usage("--expect goes with --compare (it states the functions' needs)");
  if (values.compare) {
    const intents = values.expect !== undefined ? readIntents(resolve(io.cwd, values.expect), values.expect) : undefined;
    const c = compareDesigns(model, traffic, intents);
    io.stdout.write(format === "json" ? renderCompareJson(c) : renderCompareText(c, file));
    return 0;
  }
  const estimate = costModel(model, traffic);
  io.stdout.write(format === "json" ? renderCostJson(estimate) : renderCostText(estimate, file));
  return 0;
}
