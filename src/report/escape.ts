// Text that came from a template (logical ids, values in messages, file names) must not drive the reader's terminal:
// an ESC starts a control sequence, a carriage return or line feed can forge a line of the report, and bidi controls
// (U+202E, ...) reorder what is shown. Every text printer shows such strings through here; JSON stays JSON, with
// the characters JSON.stringify leaves raw escaped as \uXXXX (the same string to any JSON reader).
import { isAscii } from "node:buffer";

/** C0 controls but tab, DEL, C1 controls, the bidi controls, the line and paragraph separators. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_TEST = new RegExp(CONTROL.source);

/** What JSON.stringify leaves raw among those (it escapes C0 itself). */
const JSON_RAW = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const JSON_RAW_TEST = new RegExp(JSON_RAW.source);

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (c === "\n") return "\\n";
  if (c === "\r") return "\\r";
  if (code === 0x1b) return "\\e";
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `s` with every control character shown as an escape (`\e`, `\n`, `\x00`, `\u202e`): safe to print on a terminal. */
export function escapeControl(s: string): string {
  return CONTROL_TEST.test(s) ? s.replace(CONTROL, escapeChar) : s;
}

/** Text of several lines with each line's control characters escaped (the line feeds between them kept). */
export function escapeLines(text: string): string {
  return CONTROL_TEST.test(text) ? text.split("\n").map(escapeControl).join("\n") : text;
}

/**
 * `value` with every string in it passed through escapeControl: arrays and plain objects are copied only where
 * something changed (the same value comes back when nothing needed escaping, the usual case).
 */
export function escapeStrings<T>(value: T): T {
  return escapeDeep(value) as T;
}

function escapeDeep(value: unknown): unknown {
  if (typeof value === "string") return CONTROL_TEST.test(value) ? value.replace(CONTROL, escapeChar) : value;
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = value[i] as unknown;
      const e = escapeDeep(v);
      if (e !== v) (out ??= value.slice())[i] = e;
    }
    return out ?? value;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const obj = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const k in obj) {
    const v = obj[k];
    const e = escapeDeep(v);
    const key = CONTROL_TEST.test(k) ? escapeControl(k) : k;
    if (e !== v || key !== k) {
      out ??= { ...obj };
      if (key !== k) delete out[k];
      out[key] = e;
    }
  }
  return out ?? value;
}

/** JSON text of `value` (JSON.stringify's), with the controls it leaves raw (C1, bidi, U+2028/9) escaped. */
export function jsonText(value: unknown, indent?: number): string {
  return escapeJsonRaw(JSON.stringify(value, null, indent));
}

/**
 * The UTF-8 bytes of jsonText and a line feed, what a command writes. Most reports are ASCII, and a byte check then
 * proves there is nothing to escape: scanning the text itself would first copy all of it into one flat string (a large
 * report's JSON is built in pieces), about 0.2 s and 50 MiB for a 57 MB report, and writing it converts it to bytes anyway.
 */
export function jsonBytes(value: unknown, indent?: number): Uint8Array {
  return asciiOrEscaped(`${JSON.stringify(value, null, indent)}\n`);
}

function asciiOrEscaped(text: string): Uint8Array {
  const bytes = Buffer.from(text);
  return isAscii(bytes) ? bytes : Buffer.from(escapeJsonRaw(text));
}

/** About how many bytes jsonPieces puts in each piece. */
const PIECE_BYTES = 1 << 20;

/**
 * jsonBytes of an object without indentation, in pieces of about a megabyte: the same bytes, but a large report is
 * never one string of tens of megabytes and then a copy of it as bytes. The object's array values are written element
 * by element, as JSON.stringify would (an element that has no JSON is null); every other value whole.
 */
export function* jsonPieces(value: Readonly<Record<string, unknown>>): Generator<Uint8Array> {
  const out = new PieceWriter();
  out.add("{");
  let first = true;
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (Array.isArray(v)) {
      out.add(`${first ? "" : ","}${JSON.stringify(key)}:[`);
      for (let i = 0; i < v.length; i++) {
        if (i > 0) out.add(",");
        out.add(JSON.stringify(v[i]) ?? "null");
        if (out.ready.length > 0) yield* out.take();
      }
      out.add("]");
    } else {
      const text = JSON.stringify(v);
      if (text === undefined) continue;
      out.add(`${first ? "" : ","}${JSON.stringify(key)}:${text}`);
    }
    first = false;
    if (out.ready.length > 0) yield* out.take();
  }
  out.add("}\n");
  out.flush();
  yield* out.take();
}

/**
 * Encodes JSON text into buffers of PIECE_BYTES, each string straight into the buffer: concatenating the strings
 * first and encoding the result made V8 flatten a string of a megabyte's many parts before encoding it, about as
 * long as stringifying them. A string's encoded length equals its length exactly when it is ASCII (any other code
 * unit takes two bytes or more), so the write itself tells whether there is anything to escape.
 */
class PieceWriter {
  readonly ready: Uint8Array[] = [];
  private buf = Buffer.allocUnsafe(PIECE_BYTES);
  private used = 0;

  add(s: string): void {
    if (this.fits(s)) {
      const n = this.buf.write(s, this.used);
      if (n === s.length) {
        this.used += n;
        return;
      }
    }
    // Not ASCII (or too long for a piece): what JSON.stringify left raw is escaped, which may lengthen the text.
    const escaped = escapeJsonRaw(s);
    if (this.fits(escaped)) this.used += this.buf.write(escaped, this.used);
    else this.ready.push(Buffer.from(escaped));
  }

  /**
   * Whether `s` fits in the buffer, starting a new one if need be: room for three bytes a code unit, the most UTF-8
   * takes for one, so a write is never cut short. False for a string longer than a piece (after what was there).
   */
  private fits(s: string): boolean {
    if (PIECE_BYTES - this.used >= 3 * s.length) return true;
    this.flush();
    return 3 * s.length <= PIECE_BYTES;
  }

  flush(): void {
    if (this.used === 0) return;
    this.ready.push(this.buf.subarray(0, this.used));
    this.buf = Buffer.allocUnsafe(PIECE_BYTES);
    this.used = 0;
  }

  take(): Uint8Array[] {
    return this.ready.splice(0);
  }
}

function escapeJsonRaw(s: string): string {
  // V8 runs a regular expression's first execution in its interpreter: a run on a short string first, and the scan
  // of a large report runs compiled (five times faster).
  JSON_RAW_TEST.test(".");
  return JSON_RAW_TEST.test(s) ? s.replace(JSON_RAW, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) : s;
}
