// The error model. Every failure the tool expects (a command line it cannot follow, an input it cannot read, an AWS call
// that cannot go on, an emulation it cannot build, an output it cannot write) is a LambdaEgressError: a stable code for
// programs, a message, the hint that says what to do, the cause when another error led to it, and its kind, which
// decides the exit code. Anything else that is thrown is a bug, and the CLI says so (with "please report it").
// The classes the library exports (LoadError, SelectionError, TrafficError, PriceDataError) are subclasses, in their
// modules; the kinds with no class of their own elsewhere are here.
import type { Location } from "./model/types.ts";

/** What went wrong, as the person running the tool sees it. */
export type ErrorKind =
  /** The command line: an unknown option, a missing value, a function the input does not have. */
  | "usage"
  /** An input file or value: unreadable, too large, not a template, a destination or traffic that does not parse. */
  | "input"
  /** Reading a deployed account: no credentials, no region, an AWS API error that is not a denial. */
  | "aws"
  /** The emulator: missing privileges or tools, an unsafe plan, a kernel step that failed, a handler it cannot run. */
  | "emulation"
  /** Writing the output: an existing file, a full disk. */
  | "output";

/** The exit code of each kind: 2 for all of them (0 and 1 are a command's results), as every command's help says. */
export const EXIT_CODES: Readonly<Record<ErrorKind, number>> = { usage: 2, input: 2, aws: 2, emulation: 2, output: 2 };

/** The exit code of an error the tool did not expect (a bug). */
export const BUG_EXIT_CODE = 2;

export interface ErrorDetails {
  /** What to do about it, in one line. */
  readonly hint?: string | undefined;
  /** The error that led to this one. */
  readonly cause?: unknown;
  /** Where in an input the problem is (shown before the message). */
  readonly location?: Location | undefined;
}

export class LambdaEgressError extends Error {
  readonly kind: ErrorKind;
  /** Stable, for programs (e.g. USAGE, LOAD_NOT_FOUND, NO_PRICE_DATA); the message may be reworded, the code is not. */
  readonly code: string;
  readonly hint: string | undefined;
  readonly location: Location | undefined;
  constructor(kind: ErrorKind, code: string, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "LambdaEgressError";
    this.kind = kind;
    this.code = code;
    this.hint = details.hint;
    this.location = details.location;
  }

  /** The exit code it means (EXIT_CODES of its kind). */
  get exitCode(): number {
    return EXIT_CODES[this.kind];
  }
}

/** The command line is wrong: the hint names the command's help. Every command's usage errors are of this class. */
export class UsageError extends LambdaEgressError {
  constructor(message: string, details: Omit<ErrorDetails, "location"> = {}) {
    super("usage", "USAGE", message, details);
    this.name = "UsageError";
  }
}

/** The emulator cannot run: what is missing or refused (privileges, tools, a plan file), or what failed while building. */
export class EmulationError extends LambdaEgressError {
  constructor(code: string, message: string, details: Omit<ErrorDetails, "location"> = {}) {
    super("emulation", code, message, details);
    this.name = "EmulationError";
  }
}

/** An output cannot be written: the file exists (without --force), or writing failed (a full disk). */
export class OutputError extends LambdaEgressError {
  constructor(code: "OUTPUT_EXISTS" | "OUTPUT_FAILED", message: string, details: Omit<ErrorDetails, "location"> = {}) {
    super("output", code, message, details);
    this.name = "OutputError";
  }
}
