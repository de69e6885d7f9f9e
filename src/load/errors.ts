// Errors that make an input unreadable. Everything else is a diagnostic and loading goes on.
import type { Location } from "../model/types.ts";

export class LoadError extends Error {
  readonly code: string;
  readonly location: Location;
  readonly hint: string | undefined;
  constructor(code: string, message: string, location: Location, hint?: string) {
    super(message);
    this.name = "LoadError";
    this.code = code;
    this.location = location;
    this.hint = hint;
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
