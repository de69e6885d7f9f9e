// Runs the CLI in-process with captured output.
import { run } from "../../src/cli/main.ts";
import { ROOT } from "./helpers.ts";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(args: string[], env: Record<string, string> = { NO_COLOR: "1" }): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const code = await run(args, {
    stdout: { write: (s: string | Uint8Array) => (stdout += typeof s === "string" ? s : Buffer.from(s).toString("utf8")), isTTY: false },
    stderr: { write: (s: string) => (stderr += s) },
    env,
    cwd: ROOT,
  });
  return { code, stdout, stderr };
}
