// Reading a file the user names (a template, an intents, traffic, event or plan file): the one bounded reader.
// Bounded by the bytes actually read, not by what stat says (a character device or a pipe reports size 0), so
// `/dev/zero`, `/dev/urandom` or an endless pipe end in a one-line error instead of filling the memory.
import type { Stats } from "node:fs";
import { closeSync, constants, fstatSync, openSync, readdirSync, readSync, statSync } from "node:fs";
import { LoadError } from "./errors.ts";

/** Templates larger than this are refused: CloudFormation itself takes at most 1 MB. */
export const MAX_YAML_BYTES = 16 * 1024 * 1024;
export const MAX_JSON_BYTES = 512 * 1024 * 1024;

const CHUNK = 1024 * 1024;

export interface ReadOptions {
  /** The most bytes read; a larger file is refused (LoadError `code`). */
  readonly maxBytes: number;
  /** The error code for a file that cannot be read as asked (too large, not a file, not text). */
  readonly code?: string;
  /** The message when the file does not exist. */
  readonly missing?: string;
  /** The message when it is a directory. */
  readonly directory?: string;
  /** A smaller limit decided by the first bytes (YAML is read up to 16 MiB, JSON up to 512 MiB). */
  readonly limitFor?: (head: string) => number;
  /** The error for a file over `limit` bytes; `size` when stat knows it (a regular file). */
  readonly tooLarge?: (limit: number, size: number | undefined) => LoadError;
}

const MiB = (n: number): string => `${(n / 1048576).toFixed(0)} MiB`;

/** What a file that cannot be read as text is (a device), for the refusal; pipes and sockets are read, bounded. */
function kindOf(st: Stats): string | undefined {
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  return undefined;
}

/**
 * The file as UTF-8 text, read in chunks up to `maxBytes`: a LoadError naming the file when it does not exist, is a
 * directory or a device, holds NUL bytes (a binary file: found in the first chunk that has one), or is larger than the
 * limit (a regular file is refused from its size without being read). Pipes, FIFOs and sockets are read, up to the limit.
 */
export function readBounded(path: string, shown: string, opts: ReadOptions): string {
  const code = opts.code ?? "LOAD_NOT_A_FILE";
  const at = { file: shown };
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    throw unreadable(e, shown, opts.missing ?? "no such file");
  }
  if (st.isDirectory()) throw new LoadError(code, opts.directory ?? "is a directory, not a file", at);
  const kind = kindOf(st);
  if (kind) throw new LoadError(code, `is ${kind}, not a file`, at, "give the path of a file");
  const tooLarge = (limit: number, size: number | undefined): LoadError =>
    opts.tooLarge?.(limit, size) ??
    new LoadError(
      code === "LOAD_NOT_A_FILE" ? "LOAD_TOO_LARGE" : code,
      size === undefined ? `is larger than ${limit} bytes, the most read` : `is ${size} bytes; at most ${limit} bytes are read`,
      at,
    );
  const regular = st.isFile();
  if (regular && st.size > opts.maxBytes) throw tooLarge(opts.maxBytes, st.size);
  let fd: number;
  let own = true;
  try {
    fd = openSync(path, constants.O_RDONLY);
  } catch (e) {
    // A socket given as /dev/stdin (a parent's pipe, in Node) cannot be opened again: read the descriptor itself.
    const inherited = /^\/(?:dev\/(?:stdin|fd\/(\d+))|proc\/self\/fd\/(\d+))$/.exec(path);
    if ((e as NodeJS.ErrnoException).code !== "ENXIO" || !inherited) throw unreadable(e, shown, opts.missing ?? "no such file");
    fd = Number(inherited[1] ?? inherited[2] ?? 0);
    own = false;
  }
  try {
    // The file opened may not be the one stat saw (a rename in between): look again at what is open.
    const kindNow = kindOf(fstatSync(fd));
    if (kindNow) throw new LoadError(code, `is ${kindNow}, not a file`, at, "give the path of a file");
    const chunks: Buffer[] = [];
    let total = 0;
    let limit = opts.maxBytes;
    let decided = opts.limitFor === undefined;
    // A regular file is read into one buffer of its size (and one byte more, to see it end): no copy of a large template.
    let size = regular ? st.size + 1 : CHUNK;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(size, limit + 1 - total));
      size = CHUNK;
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue;
        throw unreadable(e, shown, opts.missing ?? "no such file");
      }
      if (n === 0) break;
      const chunk = n === buf.length ? buf : buf.subarray(0, n);
      if (chunk.includes(0)) throw new LoadError("LOAD_NOT_TEXT", "is not a text file (it contains NUL bytes)", at);
      chunks.push(chunk);
      total += n;
      if (!decided && opts.limitFor) {
        const head = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString("utf8", 0, Math.min(total, 4096));
        if (head.replace(/^\uFEFF/, "").trim() !== "" || total >= 4096) {
          limit = Math.min(limit, opts.limitFor(head));
          decided = true;
          if (regular && st.size > limit) throw tooLarge(limit, st.size);
        }
      }
      if (total > limit) throw tooLarge(limit, regular ? Math.max(st.size, total) : undefined);
    }
    return (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total)).toString("utf8");
  } finally {
    if (own) closeSync(fd);
  }
}

function unreadable(e: unknown, shown: string, missing: string): LoadError {
  const errno = (e as NodeJS.ErrnoException).code;
  if (errno === "ENOENT" || errno === "ENOTDIR") return new LoadError("LOAD_NOT_FOUND", missing, { file: shown });
  if (errno === "EACCES" || errno === "EPERM")
    return new LoadError("LOAD_NOT_READABLE", "cannot be read: permission denied", { file: shown });
  if (errno === "EISDIR") return new LoadError("LOAD_NOT_A_FILE", "is a directory, not a file", { file: shown });
  return new LoadError("LOAD_NOT_READABLE", `cannot be read: ${errno ?? (e as Error).message}`, { file: shown });
}

/** The first character that is not blank (after a byte order mark): `{` for a JSON template. */
function firstChar(text: string): string | undefined {
  return text.replace(/^\uFEFF/, "").trimStart()[0];
}

/**
 * A template's text (CloudFormation or SAM, or a Terraform plan or state in JSON): JSON up to 512 MiB, YAML up to
 * 16 MiB (the format is told by the first character); Terraform configuration (.tf) is refused with what it is.
 */
export function readTemplateFile(path: string, shown: string): string {
  try {
    statSync(path);
  } catch (e) {
    throw unreadable(e, shown, "no such file");
  }
  if (shown.endsWith(".tf") || shown.endsWith(".tf.json")) {
    throw new LoadError(
      "LOAD_UNSUPPORTED_INPUT",
      "is Terraform configuration, which check and trace read but this command does not: give its plan (terraform show -json tfplan > plan.json) or state",
      { file: shown },
    );
  }
  const text = readBounded(path, shown, {
    maxBytes: MAX_JSON_BYTES,
    limitFor: (head) => (firstChar(head) === "{" ? MAX_JSON_BYTES : MAX_YAML_BYTES),
    tooLarge: (limit, size) =>
      limit === MAX_YAML_BYTES
        ? new LoadError(
            "LOAD_TOO_LARGE",
            size === undefined
              ? `is a YAML file larger than ${MiB(limit)}; YAML is read up to ${MiB(limit)} (CloudFormation accepts 1 MB templates)`
              : `is a ${MiB(size)} YAML file; YAML is read up to ${MiB(limit)} (CloudFormation accepts 1 MB templates)`,
            { file: shown },
            "convert it to JSON, which is read up to 512 MiB",
          )
        : new LoadError(
            "LOAD_TOO_LARGE",
            size === undefined ? `is larger than ${MiB(limit)}, the most read` : `is ${MiB(size)}; at most ${MiB(limit)} is read`,
            { file: shown },
          ),
  });
  return text;
}

/** True when a path names Terraform configuration: a `.tf` file, or a folder with `.tf` files. */
export function isTerraformConfigPath(path: string): boolean {
  if (path.endsWith(".tf")) return true;
  try {
    return statSync(path).isDirectory() && readdirSync(path).some((f) => f.endsWith(".tf") && !f.startsWith("."));
  } catch {
    return false;
  }
}
