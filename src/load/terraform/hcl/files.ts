// Which files a Terraform configuration is read from, within bounds: a folder's own `*.tf` files
// (not its subfolders), the folders of the local modules it calls, and registry modules only where
// `terraform init` put them (`.terraform/modules/modules.json`). A module's folder may be anywhere
// inside the repository that holds the configuration (the nearest folder up with a `.git`, else the
// folder given), never outside it, symbolic links included: paths are compared after resolving them.
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { LoadError } from "../../errors.ts";
import { readBounded } from "../../read.ts";

/** The most `.tf` files read for one configuration (all modules), the most bytes per file and in all. */
export const MAX_TF_FILES = 2000;
export const MAX_TF_FILE_BYTES = 4 * 1024 * 1024;
export const MAX_TF_TOTAL_BYTES = 64 * 1024 * 1024;
/** The deepest chain of module calls followed. */
export const MAX_MODULE_DEPTH = 16;

export interface TfFile {
  /** As the user sees it (relative to what they named). */
  readonly shown: string;
  readonly text: string;
}

export interface Boundary {
  /** The real path modules must stay inside. */
  readonly root: string;
  /** The folder given (real path) and as shown. */
  readonly dir: string;
  readonly shownDir: string;
  files: number;
  bytes: number;
}

function realOf(path: string, shown: string): string {
  try {
    return realpathSync(path);
  } catch {
    throw new LoadError("LOAD_NOT_FOUND", "no such file or folder", { file: shown });
  }
}

/** The boundary for a configuration in `dir`: the repository around it, else the folder itself. */
export function boundaryOf(dir: string, shownDir: string): Boundary {
  const real = realOf(dir, shownDir);
  let root = real;
  for (let d = real; ; d = dirname(d)) {
    if (existsSync(join(d, ".git"))) {
      root = d;
      break;
    }
    if (dirname(d) === d) break;
  }
  return { root, dir: real, shownDir, files: 0, bytes: 0 };
}

const inside = (root: string, p: string) => p === root || p.startsWith(root.endsWith(sep) ? root : root + sep);

/** The real path of a module folder, refused (LoadError) when it leaves the boundary or is not a folder. */
export function moduleDir(b: Boundary, fromDir: string, source: string, at: { file: string; line?: number }): string {
  const target = resolve(fromDir, source);
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    throw new LoadError("LOAD_TERRAFORM_MODULE", `module source ${JSON.stringify(source)}: no such folder`, at);
  }
  if (!inside(b.root, real)) {
    throw new LoadError(
      "LOAD_TERRAFORM_MODULE",
      `module source ${JSON.stringify(source)} leads outside ${b.root === b.dir ? "the folder given" : "the repository"} (${real})`,
      at,
      "local modules are read inside the repository that holds the configuration (the folder with .git), symbolic links included",
    );
  }
  if (!statSync(real).isDirectory())
    throw new LoadError("LOAD_TERRAFORM_MODULE", `module source ${JSON.stringify(source)} is not a folder`, at);
  return real;
}

/** How a folder is shown: relative to the folder given, under the name the user gave it. */
export function shownPath(b: Boundary, real: string): string {
  const rel = relative(b.dir, real);
  if (rel === "") return b.shownDir;
  return join(b.shownDir, rel);
}

/** The `.tf` files of one folder (sorted, as Terraform reads them), read within the bounds. */
export function readTfFiles(b: Boundary, dir: string): TfFile[] {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith(".tf") && !f.startsWith("."))
    .sort();
  return names.map((name) => readOne(b, join(dir, name)));
}

/** One file, within the bounds (a `.tf` given alone, or a `.tfvars`). */
export function readOne(b: Boundary, path: string, shown?: string): TfFile {
  const real = realOf(path, shown ?? path);
  const show = shown ?? shownPath(b, real);
  if (!inside(b.root, real)) throw new LoadError("LOAD_TERRAFORM_MODULE", `leads outside the repository (${real})`, { file: show });
  if (++b.files > MAX_TF_FILES) {
    throw new LoadError(
      "LOAD_TOO_LARGE",
      `the configuration has more than ${MAX_TF_FILES} .tf files (all modules together); no more are read`,
      {
        file: b.shownDir,
      },
    );
  }
  const text = readBounded(real, show, { maxBytes: MAX_TF_FILE_BYTES });
  b.bytes += text.length;
  if (b.bytes > MAX_TF_TOTAL_BYTES) {
    throw new LoadError("LOAD_TOO_LARGE", `the configuration's files hold more than ${MAX_TF_TOTAL_BYTES / 1048576} MiB; no more is read`, {
      file: b.shownDir,
    });
  }
  return { shown: show, text };
}

/** `.terraform/modules/modules.json` of the root folder: module key (`vpc`, `vpc.sub`) -> folder. */
export function installedModules(b: Boundary): Map<string, { dir: string; source: string }> {
  const out = new Map<string, { dir: string; source: string }>();
  const file = join(b.dir, ".terraform", "modules", "modules.json");
  if (!existsSync(file)) return out;
  const shown = join(b.shownDir, ".terraform", "modules", "modules.json");
  let doc: unknown;
  try {
    doc = JSON.parse(readBounded(file, shown, { maxBytes: MAX_TF_FILE_BYTES }));
  } catch (e) {
    if (e instanceof LoadError) throw e;
    throw new LoadError("LOAD_INVALID_JSON", `is not valid JSON: ${(e as Error).message}`, { file: shown }, "run terraform init again");
  }
  const list = (doc as { Modules?: unknown }).Modules;
  for (const m of Array.isArray(list) ? list : []) {
    const { Key, Dir, Source } = (m ?? {}) as Record<string, unknown>;
    if (typeof Key === "string" && Key !== "" && typeof Dir === "string") {
      out.set(Key, { dir: resolve(b.dir, Dir), source: typeof Source === "string" ? Source : "" });
    }
  }
  return out;
}

/**
 * The folder of a module call: where `terraform init` installed it (modules.json, by the call's module path), else a
 * local path (`./`, `../`) from the calling module's folder; undefined for a registry or remote module not installed.
 */
export function resolveModule(
  b: Boundary,
  installed: ReadonlyMap<string, { dir: string; source: string }>,
  fromDir: string,
  path: readonly string[],
  source: string,
  at: { file: string; line?: number },
): string | undefined {
  const known = installed.get(path.join("."));
  if (known) return moduleDir(b, b.dir, known.dir, at);
  if (source.startsWith("./") || source.startsWith("../")) return moduleDir(b, fromDir, source, at);
  return undefined;
}
