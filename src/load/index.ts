// One entry for every input read from a single file's text: a CloudFormation/SAM template, or
// `terraform show -json` output (plan or state), told apart by content.
import type { Model } from "../model/model.ts";
import type { LoadOptions } from "./cfn/index.ts";
import { loadCloudFormation } from "./cfn/index.ts";
import { isTerraformJsonText, loadTerraform } from "./terraform/index.ts";

export function loadModel(file: string, text: string, options: LoadOptions = {}): Model {
  return isTerraformJsonText(text) ? loadTerraform(file, text, options) : loadCloudFormation(file, text, options);
}
