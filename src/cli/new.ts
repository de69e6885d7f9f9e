// `lambda-egress new PATTERN`: writes the CloudFormation or SAM template of an egress pattern to
// stdout or to a file (never over an existing one unless --force).
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "./args.ts";
import { renderCdkApp } from "../generate/cdk-app.ts";
import type { PatternName, ResolvedPatternOptions } from "../generate/patterns.ts";
import { natCount, PATTERN_INFO, PATTERNS, resolvePatternOptions } from "../generate/patterns.ts";
import type { TemplateFormat } from "../generate/template.ts";
import { buildTemplate, renderTemplate, TEMPLATE_FORMATS } from "../generate/template.ts";
import { buildTerraform, terraformDescription } from "../generate/terraform.ts";
import type { Io } from "./main.ts";
import { usageHint } from "./help.ts";
import { OutputError, UsageError } from "../errors.ts";

/** `text` in lines of at most `width` characters, the second and later ones after `indent`. */
function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${indent}`);
}

/** The usage of `new`, for `new --help` and the main help. */
export const NEW_HELP = `Usage:
  lambda-egress new PATTERN [--azs N] [--endpoints SVC,...] [--eip-allocations ID,...]
                    [--format cloudformation|sam|cdk|terraform] [-o FILE] [--force]

new: a complete CloudFormation (or SAM) template for an egress pattern: the VPC, its
subnets and routes, the NAT or the endpoints, the security groups, the execution role and
a demo function that returns the public address it leaves from. The template passes
'lambda-egress check'. With --format cdk: a CDK app building the same pattern with
lambda-egress/cdk, whose synthesis fails when the analyzer finds an error. With --format
terraform: the same network as a Terraform configuration (main.tf, plain aws_* resources).

Patterns:
${PATTERNS.map((p) => `  ${p.padEnd(25)}${wrap(PATTERN_INFO[p].summary, 62, " ".repeat(27))}`).join("\n")}

Options:
  --azs N                  availability zones, 1 to 3 (default 2)
  --endpoints SVC,...      VPC endpoints for these AWS services (s3 and dynamodb get
                           gateway endpoints, the others interface endpoints)
  --eip-allocations ID,... existing Elastic IP allocations, one per NAT, so the addresses
                           to allowlist survive a rebuild
  --vpc-cidr CIDR          the VPC's IPv4 block, /16 to /24 (default 10.0.0.0/16); not
                           loopback, link-local, multicast, 0.0.0.0/8 or 240.0.0.0/4
  --format FORMAT          cloudformation (default), sam, cdk (a TypeScript CDK app), or
                           terraform (a main.tf)
  -o, --output FILE        write to FILE (JSON when it ends in .json) instead of stdout
  --force                  overwrite FILE when it exists
`;

/** A usage error of `new`. */
const usage = (message: string) => new UsageError(message, { hint: usageHint("new") });

function list(v: string | undefined): string[] | undefined {
  return v === undefined
    ? undefined
    : v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s.length > 0);
}

/** Whether args[i] is -o/--output or its value (left out of the header: the file name says nothing). */
function isOutputArg(args: readonly string[], i: number): boolean {
  const a = args[i] ?? "";
  const prev = args[i - 1];
  return (
    a === "-o" ||
    a === "--output" ||
    a.startsWith("--output=") ||
    (a.startsWith("-o") && a.length > 2) ||
    prev === "-o" ||
    prev === "--output"
  );
}

/** Runs `new` with the arguments after the command name: 0 (its errors, usage or output, are thrown, and exit 2). */
export function runNew(args: readonly string[], io: Io): number {
  const { values, positionals } = parseArgs(
    {
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: {
        azs: { type: "string" },
        endpoints: { type: "string" },
        "eip-allocations": { type: "string" },
        "vpc-cidr": { type: "string" },
        format: { type: "string" },
        output: { type: "string", short: "o" },
        force: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    },
    "new",
  );
  if (values.help) {
    io.stdout.write(NEW_HELP);
    return 0;
  }
  if (positionals.length === 0) throw usage(`new needs a pattern; one of: ${PATTERNS.join(", ")}`);
  if (positionals.length > 1) throw usage(`new takes one pattern, not ${positionals.length}`);
  const format = values.format ?? "cloudformation";
  if (format !== "cdk" && format !== "terraform" && !(TEMPLATE_FORMATS as readonly string[]).includes(format)) {
    throw usage(`--format ${format}: use ${[...TEMPLATE_FORMATS, "cdk", "terraform"].join(", ")}`);
  }
  let azs: number | undefined;
  if (values.azs !== undefined) {
    azs = /^\d+$/.test(values.azs) ? Number(values.azs) : Number.NaN;
    if (Number.isNaN(azs)) throw usage(`--azs must be a whole number from 1 to 3, not ${values.azs}`);
  }
  const endpoints = list(values.endpoints);
  const eipAllocations = list(values["eip-allocations"]);
  const resolved = resolvePatternOptions({
    pattern: positionals[0] as PatternName,
    ...(azs !== undefined ? { azs } : {}),
    ...(endpoints ? { endpoints } : {}),
    ...(eipAllocations ? { eipAllocations } : {}),
    ...(values["vpc-cidr"] !== undefined ? { vpcCidr: values["vpc-cidr"] } : {}),
  });
  if ("errors" in resolved) throw usage(resolved.errors.join("; "));
  const { options } = resolved;
  const out = values.output;
  if (format === "cdk") return writeCdkApp(io, options, out, values.force === true);
  if (format === "terraform") {
    const text = buildTerraform(
      options,
      `${terraformDescription(options)}\nGenerated by: lambda-egress new ${args.filter((a, i) => !isOutputArg(args, i) && a !== "--force").join(" ")}\nCheck it with: lambda-egress check FOLDER`,
    );
    if (out === undefined) {
      io.stdout.write(text);
      return 0;
    }
    writeOutput(io, out, text, values.force === true);
    io.stdout.write(
      `wrote ${out}: ${options.pattern}, ${options.azs} AZ(s), ${natCount(options.pattern, options.azs)} NAT(s) (terraform)\n` +
        `next: lambda-egress check ${out}\n` +
        `      terraform init && terraform apply\n`,
    );
    return 0;
  }
  const template = buildTemplate(options, format as TemplateFormat);
  const header = `Generated by: lambda-egress new ${args.filter((a, i) => !isOutputArg(args, i) && a !== "--force").join(" ")}\nCheck it with: lambda-egress check TEMPLATE`;
  if (out === undefined) {
    io.stdout.write(renderTemplate(template, "yaml", header));
    return 0;
  }
  const text = renderTemplate(template, out.endsWith(".json") ? "json" : "yaml", header);
  writeOutput(io, out, text, values.force === true);
  const resources = Object.keys(template.Resources as object).length;
  const nats = natCount(options.pattern, options.azs);
  io.stdout.write(
    `wrote ${out}: ${options.pattern}, ${options.azs} AZ(s), ${nats} NAT(s)` +
      `${options.endpoints.length > 0 ? `, endpoints ${options.endpoints.join(", ")}` : ""}, ${resources} resources (${format})\n` +
      `next: lambda-egress check ${out}\n` +
      `      aws cloudformation deploy --template-file ${out} --stack-name ${options.pattern} --capabilities CAPABILITY_IAM${format === "sam" ? " CAPABILITY_AUTO_EXPAND" : ""}\n`,
  );
  return 0;
}

/** `--format cdk`: the CDK app's text, to stdout or to FILE. */
function writeCdkApp(io: Io, options: ResolvedPatternOptions, out: string | undefined, force: boolean): number {
  const text = renderCdkApp(options);
  if (out === undefined) {
    io.stdout.write(text);
    return 0;
  }
  writeOutput(io, out, text, force);
  const run = out.endsWith(".ts") ? "npx tsx" : "node";
  io.stdout.write(
    `wrote ${out}: a CDK app for ${options.pattern}, ${options.azs} AZ(s)` +
      `${options.endpoints.length > 0 ? `, endpoints ${options.endpoints.join(", ")}` : ""}\n` +
      `next: npm install aws-cdk-lib constructs lambda-egress\n` +
      // The app has no type annotations: as .mjs, node runs it as it is.
      `      ${run} ${out}   (synthesizes into cdk.out; synthesis runs lambda-egress's analyzer)\n` +
      `      npm install aws-cdk && npx cdk deploy --app "${run} ${out}"   (to deploy it)\n`,
  );
  return 0;
}

/** Writes FILE, refusing to overwrite it without --force. */
function writeOutput(io: Io, out: string, text: string, force: boolean): void {
  try {
    writeFileSync(resolve(io.cwd, out), text, { flag: force ? "w" : "wx" });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw new OutputError("OUTPUT_EXISTS", `${out} exists; pass --force to overwrite it`, { cause: e });
    throw new OutputError("OUTPUT_FAILED", `cannot write ${out}: ${(e as Error).message}`, { cause: e });
  }
}
