// The one printer of errors, for every command. An error of the error model (src/errors.ts) is shown as its message,
// after its place in the input when it has one, then its hint; anything else is a bug, said as one.
import { BUG_EXIT_CODE, LambdaEgressError } from "../errors.ts";
import { formatLocation } from "../load/errors.ts";
import { escapeControl } from "../report/escape.ts";

/** The hint of an error the tool did not expect. */
export const BUG_HINT = "this is a bug; please report it with the template (LAMBDA_EGRESS_DEBUG=1 shows the stack)";

export interface ErrorOutput {
  readonly stderr: { write(s: string): unknown };
  /** LAMBDA_EGRESS_DEBUG set: a bug's stack is shown too. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Prints an error: `lambda-egress: MESSAGE` and `  hint: HINT`, each on one line with control characters escaped (a
 * message quotes the template: it must not drive the terminal or forge a line). Returns the exit code it means.
 */
export function printError(io: ErrorOutput, error: unknown): number {
  if (error instanceof LambdaEgressError) {
    const where = error.location ? `${formatLocation(error.location)}: ` : "";
    write(io, `${where}${error.message}`, error.hint);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  const stack = io.env?.LAMBDA_EGRESS_DEBUG ? `${(error as Error | undefined)?.stack ?? ""}\n` : "";
  write(io, `internal error: ${message}`, BUG_HINT, stack);
  return BUG_EXIT_CODE;
}

/** The error's line and hint; `raw` (a stack) goes between them as it is. */
function write(io: ErrorOutput, message: string, hint: string | undefined, raw = ""): void {
  io.stderr.write(`lambda-egress: ${escapeControl(message)}\n${raw}`);
  if (hint) io.stderr.write(`  hint: ${escapeControl(hint)}\n`);
}
