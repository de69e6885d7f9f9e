// The help of `check`, `trace` and `explain` (`lambda-egress COMMAND --help`, `lambda-egress help COMMAND`), the list of
// commands for "did you mean", and when the output is coloured. The other commands keep their help beside their code.

/** Every command, in the order the help lists them. */
export const COMMANDS = ["check", "trace", "new", "cost", "scan", "emulate", "explain", "help"] as const;

/** Where a usage error of a command points (the main help without a command). */
export function usageHint(command?: (typeof COMMANDS)[number]): string {
  if (command === "new") return "lambda-egress new --help lists the patterns and options";
  if (command === "explain") return "lambda-egress explain --help";
  return `lambda-egress ${command && command !== "help" ? `${command} ` : ""}--help lists the options`;
}

/**
 * Whether to colour: never with --no-color or NO_COLOR set to anything but "" (no-color.org); always with FORCE_COLOR
 * set to anything but "", "0" or "false"; else when stdout is a terminal.
 */
export function useColor(env: Readonly<Record<string, string | undefined>>, isTTY: boolean | undefined, noColor: boolean): boolean {
  if (noColor || (env.NO_COLOR ?? "") !== "") return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== "") return force !== "0" && force !== "false";
  return isTTY === true;
}

const COMMON = `  --param NAME=VALUE template parameter value, repeatable (lists: comma-separated)
  --import NAME=VALUE
                     the value of export NAME for Fn::ImportValue, repeatable
  --stack-name FILE=NAME
                     the stack name of template FILE, for AWS::StackName
  --region REGION    region for AWS::Region and Fn::GetAZs (default: us-east-1)
  --no-color         no colour (also NO_COLOR=1; FORCE_COLOR=1 colours a pipe)
  -h, --help         this help`;

const DESTINATIONS = `  --to DEST          destination, repeatable (default: internet, plus internet6 for
                     dual-stack functions and aws:SERVICE for each endpoint in the VPC):
                       internet[:PORT]  any public IPv4 address, TCP 443 (or PORT)
                       internet6[:PORT] any public IPv6 address, TCP 443 (or PORT)
                       aws:SERVICE      an AWS service's regional endpoint, TCP 443
                       ADDR[/LEN]:PORT  an address or block, e.g. 10.0.5.10:5432`;

export const CHECK_HELP = `Usage:
  lambda-egress check TEMPLATE... [--expect FILE] [options]
  lambda-egress check - [options]            (the template on standard input)
  lambda-egress check --aws [--region R[,R...]] [--profile P] [--function NAME]... [options]

check: for every Lambda function, from every subnet of its VpcConfig, whether it can
reach each destination, through which NAT and public address, and if not, what blocks
it and how to fix it. TEMPLATE is a CloudFormation or SAM template (YAML or JSON), a
CDK cloud assembly directory (cdk.out), a Terraform plan or state (terraform show -json)
or a snapshot written by scan. Templates given together are linked through their
exports (Fn::ImportValue).

Options:
${DESTINATIONS}
  --format FORMAT    text (default), json (schemaVersion 1), sarif (SARIF 2.1.0, for
                     GitHub code scanning), markdown (a pull request summary) or html
                     (a page with a drawing of each function's roads; -o FILE writes it)
  --fail-on LEVEL[,unknown]
                     exit 1 on findings at or above LEVEL: error (default), warning,
                     info, none; with unknown also when any verdict is unknown
  --expect FILE      the intents file (YAML), e.g.
                       PartnerApiFunction: { internet: reachable, egressIps: fixed }
                     exit 1 when the network breaks an intent, whatever --fail-on says
  --ignore RULE      suppress the rule's findings (listed as suppressed), repeatable;
                     also Metadata: { lambda-egress: { ignore: [RULE] } } on a resource
  --quiet            print nothing; the exit code says it
  --verbose          show info diagnostics one by one
${COMMON}

Exit codes: 0 no findings at or above --fail-on and every intent held; 1 findings, a
broken intent, an error diagnostic (a template AWS rejects) or, with --fail-on
...,unknown, an unknown verdict; 2 usage or input error.
'lambda-egress explain RULE' explains a finding's rule, 'lambda-egress explain CODE' a
verdict's code.
`;

export const TRACE_HELP = `Usage:
  lambda-egress trace TEMPLATE... --function ID [--subnet ID] [--to DEST] [options]
  lambda-egress trace - --function ID [options]   (the template on standard input)

trace: the hop-by-hop path of one function to a destination, from each subnet of its
VpcConfig (or the one --subnet names): each hop's component, the rule that matched,
the action and where it is defined, then the verdict, code, reason, fix and egress.

Options:
  --function ID      the function (logical id, FunctionName or CDK construct path)
  --subnet ID        one subnet of the function (default: each of them)
${DESTINATIONS}
  --format FORMAT    text (default), json, or html (a page with a drawing of the roads;
                     -o FILE writes it)
  --quiet            print nothing; the exit code says it
${COMMON}

Exit codes: 0 every traced path reachable; 1 a path unreachable or unknown; 2 usage or
input error.
`;

export const EXPLAIN_HELP = `Usage:
  lambda-egress explain RULE|CODE
  lambda-egress explain            (lists the rules and codes)

explain: what a finding's rule (e.g. function-in-public-subnet) or a verdict's or
diagnostic's code (e.g. IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS) means, what AWS does
there, and how to fix it.

Exit codes: 0 explained; 2 no such rule or code.
`;
