// What a template's own strings (logical ids, names, Terraform addresses) may become in the emulator's kernel input and
// output: nft identifiers and comments, and text shown on a terminal. A template may put anything in an id (a newline, a
// quote, `;`, `$(`, NUL): nothing of it reaches a ruleset, a command line or a terminal unescaped.
import { createHash } from "node:crypto";
import { escapeControl } from "../report/escape.ts";

/** The longest comment text the planner writes into a ruleset. */
const COMMENT_MAX = 400;
const PLAIN_NAME = /^[A-Za-z0-9_]{1,64}$/;

/**
 * An nft identifier for a model id: the id itself when it is letters, digits and `_` (at most 64), else its safe
 * characters (at most 40) and 8 hex digits of its hash, so that two ids never share a name.
 */
export function nftName(id: string): string {
  if (PLAIN_NAME.test(id)) return id;
  const hash = createHash("sha256").update(id).digest("hex").slice(0, 8);
  return `${id.replace(/[^A-Za-z0-9_]/g, "_").slice(0, 40)}_${hash}`;
}

/** Text for a `#` comment of a ruleset: one line of harmless characters (others become `_`), at most 400. */
export function nftComment(text: string): string {
  const safe = text.replace(/[^A-Za-z0-9 _.,:/()@*+=-]/g, "_");
  return safe.length > COMMENT_MAX ? `${safe.slice(0, COMMENT_MAX - 3)}...` : safe;
}

/** Text for a terminal: control characters (newline, escape, NUL, bidi marks, ...) escaped, one line (see escapeControl). */
export function printable(text: string): string {
  return escapeControl(text);
}
