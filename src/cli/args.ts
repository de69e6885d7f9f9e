// The command line's options, read by node:util's parseArgs, with its errors said in the tool's words: the option as
// typed and, for a mistyped one, the nearest option ("unknown option --formt (did you mean --format?)"), never the
// parser's own text (whose quoting is unbalanced). Commands import parseArgs from here instead of node:util.
import type { ParseArgsConfig } from "node:util";
import { parseArgs as nodeParseArgs } from "node:util";
import { UsageError } from "../errors.ts";
import { closest } from "../report/suggest.ts";
import type { COMMANDS } from "./help.ts";
import { usageHint } from "./help.ts";

/** Parses a command's arguments; a UsageError (its hint: the command's help) when they break the configuration. */
export function parseArgs<T extends ParseArgsConfig>(config: T, command?: (typeof COMMANDS)[number]): ReturnType<typeof nodeParseArgs<T>> {
  try {
    return nodeParseArgs(config);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS")) throw e;
    throw new UsageError(argsMessage(code, config), { hint: usageHint(command), cause: e });
  }
}

/**
 * The parser's error, by its code, in the tool's words. The argument it is about is found again in the parser's own
 * tokens (a lenient parse of the same arguments), by the check that code stands for, as node:util makes them in order.
 */
export function argsMessage(code: string, config: ParseArgsConfig): string {
  const options = config.options ?? {};
  // node:util's default: positionals are allowed when the parse is not strict.
  const positionals = config.allowPositionals ?? config.strict === false;
  const { tokens } = nodeParseArgs({ ...config, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind === "positional") {
      if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL" && !positionals) return `unexpected argument ${t.value}`;
      continue;
    }
    if (t.kind !== "option") continue;
    const option = Object.hasOwn(options, t.name) ? options[t.name] : undefined;
    if (option === undefined) {
      if (code !== "ERR_PARSE_ARGS_UNKNOWN_OPTION") continue;
      const near = t.rawName.startsWith("--")
        ? closest(
            t.rawName,
            Object.keys(options).map((long) => `--${long}`),
          )
        : undefined;
      return `unknown option ${t.rawName}${near ? ` (did you mean ${near}?)` : ""}`;
    }
    if (code !== "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") continue;
    // A string option without a value, or whose value is the next option (--to --format); a boolean one given a value.
    if (
      option.type === "string" &&
      (typeof t.value !== "string" || (t.inlineValue === false && t.value.length > 1 && t.value.startsWith("-")))
    )
      return `${t.rawName} needs a value`;
    if (option.type === "boolean" && t.value !== undefined) return `${t.rawName} takes no value`;
  }
  return `the arguments cannot be read (${code})`;
}
