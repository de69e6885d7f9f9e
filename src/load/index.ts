// One entry for every input read from a single file's text: a CloudFormation/SAM template, or
// `terraform show -json` output (plan or state), told apart by content.
import type { Model } from "../model/model.ts";
import type { LoadOptions } from "./cfn/index.ts";
import type { StackInput } from "./cfn/stacks.ts";
import { loadStacks } from "./cfn/stacks.ts";
import { isTerraformJsonText, loadTerraform } from "./terraform/index.ts";

export function loadModel(file: string, text: string, options: LoadOptions = {}): Model {
  return loadModels([{ file, text }], options)[0] as Model;
}

/**
 * Several inputs, one model each, in order: the CloudFormation/SAM templates loaded together, so that
 * each one's `Fn::ImportValue` reads the others' exports (cfn/stacks.ts); Terraform input alone.
 */
export function loadModels(inputs: readonly StackInput[], options: LoadOptions = {}): Model[] {
  const terraform = inputs.map((i) => isTerraformJsonText(i.text));
  const loaded = loadStacks(
    inputs.filter((_, n) => !terraform[n]),
    options,
  );
  let next = 0;
  return inputs.map((i, n) => (terraform[n] ? loadTerraform(i.file, i.text, options) : (loaded[next++] as Model)));
}
