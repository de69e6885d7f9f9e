// The command line's options, read by node:util's parseArgs, with its errors said in the tool's words: the option as
// typed and, for a mistyped one, the nearest option ("unknown option --formt (did you mean --format?)"), never the
// parser's own text (whose quoting is unbalanced). Commands import parseArgs from here instead of node:util.
import type { ParseArgsConfig } from "node:util";
import { parseArgs as nodeParseArgs } from "node:util";
import { closest } from "../report/suggest.ts";

/** An error of the command line, with the parser's code (ERR_PARSE_ARGS_...) kept for callers that test it. */
export class ArgsError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

export function parseArgs<T extends ParseArgsConfig>(config: T): ReturnType<typeof nodeParseArgs<T>> {
  try {
    return nodeParseArgs(config);
  } catch (e) {
    const err = e as Error & { code?: string };
    if (typeof err.code !== "string" || !err.code.startsWith("ERR_PARSE_ARGS")) throw e;
    throw new ArgsError(argsMessage(err.code, err.message, config), err.code);
  }
}

/** The parser's error in the tool's words. */
export function argsMessage(code: string, message: string, config: ParseArgsConfig): string {
  const options = Object.entries(config.options ?? {});
  const names = options.flatMap(([long, o]) => [`--${long}`, ...(o.short ? [`-${o.short}`] : [])]);
  const quoted = /'([^']*)'/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const near = quoted.startsWith("--")
      ? closest(
          quoted,
          names.filter((n) => n.startsWith("--")),
        )
      : undefined;
    return `unknown option ${quoted}${near ? ` (did you mean ${near}?)` : ""}`;
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const option = quoted.split(" ")[0] ?? quoted;
    return message.includes("does not take an argument") ? `${option} takes no value` : `${option} needs a value`;
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") return `unexpected argument ${quoted}`;
  return message.replace(/'/g, "");
}
