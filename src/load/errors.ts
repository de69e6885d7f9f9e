// Errors that make an input unreadable. Everything else is a diagnostic and loading goes on.
import { LambdaEgressError } from "../errors.ts";
import type { Location } from "../model/types.ts";

/** An input that cannot be read (kind "input"): the code says why (LOAD_NOT_FOUND, LOAD_SYNTAX, ...), the location where. */
export class LoadError extends LambdaEgressError {
  declare readonly location: Location;
  constructor(code: string, message: string, location: Location, hint?: string, cause?: unknown) {
    super("input", code, message, { location, hint, cause });
    this.name = "LoadError";
  }
}

/** `file:line:column` or as much of it as is known, then the CDK construct path or Terraform address in brackets when there is one. */
export function formatLocation(loc: Location): string {
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) s += `:${loc.column}`;
  if (loc.constructPath !== undefined) s += ` [${loc.constructPath}]`;
  if (loc.address !== undefined) s += ` [${loc.address}]`;
  if (loc.name !== undefined) s += ` (${loc.name})`;
  return s;
}
