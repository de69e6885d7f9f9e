// The Terraform loader: `terraform show -json` output (a saved plan or a state) -> frozen network
// model. Entities are named by their Terraform address; locations carry the file and the address.
import { DEFAULT_REGION } from "../../aws/facts.ts";
import { Model } from "../../model/model.ts";
import type { Diagnostic } from "../../model/types.ts";
import type { LoadOptions } from "../cfn/index.ts";
import { LoadError } from "../errors.ts";
import { TerraformBuilder } from "./build.ts";
import type { TfInstance } from "./plan.ts";
import { looksLikeTerraformJson, readTerraformJson, References } from "./plan.ts";

export { looksLikeTerraformJson } from "./plan.ts";

/**
 * True when the text is `terraform show -json` output, judged without a full parse: Terraform
 * writes `format_version` first; with its keys reordered (`jq -S`), a JSON object with
 * `format_version` and a plan's or state's own keys, and no CloudFormation `Resources`.
 */
export function isTerraformJsonText(text: string): boolean {
  const head = text
    .slice(0, 4096)
    .replace(/^\uFEFF/, "")
    .trimStart();
  if (!head.startsWith("{")) return false;
  if (/^\{\s*"format_version"\s*:/.test(head)) return true;
  return (
    /"format_version"\s*:/.test(text) &&
    /"(planned_values|resource_changes|terraform_version|prior_state)"\s*:/.test(text) &&
    !/"(Resources|AWSTemplateFormatVersion)"\s*:/.test(text)
  );
}

/** A state names no provider region; its subnets' Availability Zones and its ARNs do. */
function regionOfValues(instances: readonly TfInstance[]): string | null {
  for (const inst of instances) {
    const az = inst.values.availability_zone;
    const m = typeof az === "string" ? /^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]$/.exec(az) : null;
    if (m) return m[1] as string;
  }
  for (const inst of instances) {
    const arn = inst.values.arn;
    const m = typeof arn === "string" ? /^arn:aws[\w-]*:(?:ec2|lambda):([a-z]{2}(?:-[a-z]+)+-\d+):/.exec(arn) : null;
    if (m) return m[1] as string;
  }
  return null;
}

export function loadTerraform(file: string, text: string, options: LoadOptions = {}): Model {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new LoadError("LOAD_INVALID_JSON", `is not valid JSON: ${(e as Error).message}`, { file });
  }
  if (!looksLikeTerraformJson(doc)) {
    throw new LoadError(
      "LOAD_NOT_A_TEMPLATE",
      "has a format_version but is neither a Terraform plan nor a state (no planned_values, resource_changes or values)",
      { file },
      "write it with `terraform show -json tfplan > plan.json` (or `terraform show -json > state.json`)",
    );
  }
  const reading = readTerraformJson(file, doc);
  const region = options.region ?? reading.providerRegion ?? regionOfValues(reading.instances) ?? DEFAULT_REGION;
  const refs = new References(reading.instances, doc.configuration);
  const built = new TerraformBuilder(file, refs, region).build(reading.instances);
  const diagnostics: Diagnostic[] = [...built.diagnostics];
  if (options.params && Object.keys(options.params).length > 0) {
    diagnostics.unshift({
      code: "LOAD_PARAM_IGNORED",
      severity: "warning",
      message: "--param applies to CloudFormation parameters; a Terraform plan already holds its variables' values",
      location: { file },
    });
  }
  return new Model({
    files: [file],
    region,
    entities: built.entities,
    diagnostics,
    dependencies: built.dependencies,
    undecided: reading.undecided.map((u) => ({ reason: u.reason, location: u.address ? { file, address: u.address } : { file } })),
  });
}
