// Reads a CDK cloud assembly (cdk.out): manifest.json, nested assemblies (Stages), and per stack its template file, region and construct paths. Pure: files come through a callback.
import { realpathSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import type { Diagnostic, Location } from "../model/types.ts";
import type { LoadOptions } from "./cfn/index.ts";
import { jsonc } from "../vendor.ts";
import { parseTemplateText } from "./cfn/parse.ts";
import { LoadError } from "./errors.ts";

/** The newest cloud assembly schema major version this reader was written against. Newer ones are read with a warning. */
export const KNOWN_SCHEMA_MAJOR = 53;
/** Nested assemblies deeper than this are refused (a CDK app nests Stages a few levels at most). */
export const MAX_ASSEMBLY_DEPTH = 16;

const CDK_SYNTH_HINT = "run `cdk synth` to write the cloud assembly (cdk.out), or pass a template file";

/** How the reader sees the file system. */
export interface AssemblyFiles {
  /** The file's text, or undefined when there is no such file (a directory is none). */
  read(path: string): string | undefined;
  /** True when the path is a file. */
  isFile(path: string): boolean;
  /**
   * The path with every symlink resolved, undefined when it does not exist. Default: the file system's (a path that is
   * not there, as in an assembly held in memory, is taken as written).
   */
  realpath?(path: string): string | undefined;
}

function diskRealpath(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function within(root: string, path: string): boolean {
  const r = relative(root, path);
  return r === "" || (!r.startsWith("..") && !isAbsolute(r));
}

/**
 * Why `name` (a path a manifest gives, relative to `base`) would make the reader leave the assembly folder `root`: an
 * absolute path, `..` climbing out, or a symlink leading out; undefined when it stays inside.
 */
export function leavesAssembly(root: string, base: string, name: string, files: AssemblyFiles): string | undefined {
  if (isAbsolute(name) || /^[A-Za-z]:[\\/]/.test(name)) return "an absolute path";
  const path = resolve(base, name);
  if (!within(resolve(root), path)) return "a path that climbs out of the cloud assembly folder";
  const real = (files.realpath ?? diskRealpath)(path);
  const realRoot = (files.realpath ?? diskRealpath)(root) ?? resolve(root);
  if (real !== undefined && !within(realRoot, real)) return `a symlink to ${real}, outside the cloud assembly folder`;
  return undefined;
}

const OUTSIDE_HINT = "a cloud assembly names its files relative to its own folder; run `cdk synth` again, or remove the link";

export interface AssemblyStack {
  /** The artifact id in its manifest. */
  readonly id: string;
  /** The stack as CDK shows it (`displayName`, e.g. `Prod/Network`), else its stack name, else the artifact id. */
  readonly name: string;
  /** The template, as shown to the user (the assembly directory as given, joined with the template's path). */
  readonly file: string;
  /** The template's path, to read it. */
  readonly path: string;
  /** `aws://ACCOUNT/REGION`, when the manifest gives it. */
  readonly environment: string | null;
  /** The stack's region, when its environment names one (not `unknown-region`). */
  readonly region: string | null;
  /** Logical id -> construct path (no leading slash), from the manifest's `aws:cdk:logicalId` metadata. */
  readonly constructPaths: Readonly<Record<string, string>>;
}

export interface CloudAssembly {
  /** The top-level manifest.json, as shown. */
  readonly manifest: string;
  /** The schema version of the top-level manifest. */
  readonly version: string;
  /** Every stack, nested assemblies' included, in manifest order. */
  readonly stacks: readonly AssemblyStack[];
  /** Problems that do not stop reading (a newer schema version, an unreadable metadata file). */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Reads the cloud assembly in `dir` (shown to the user as `shown`). Throws LoadError when it is
 * not one, its manifest is not valid JSON or does not have the expected shape, a stack's template
 * is missing, or it has no stacks.
 */
export function readCloudAssembly(dir: string, shown: string, files: AssemblyFiles): CloudAssembly {
  const diagnostics: Diagnostic[] = [];
  const stacks: AssemblyStack[] = [];
  const top = join(shown, "manifest.json");
  if (!files.isFile(join(dir, "manifest.json"))) {
    throw new LoadError(
      "LOAD_NOT_CLOUD_ASSEMBLY",
      "is a directory without manifest.json: not a CDK cloud assembly",
      { file: shown },
      CDK_SYNTH_HINT,
    );
  }
  const escape = leavesAssembly(dir, dir, "manifest.json", files);
  if (escape !== undefined)
    throw new LoadError("LOAD_CDK_OUTSIDE_ASSEMBLY", `manifest.json is ${escape}: refused`, { file: top }, OUTSIDE_HINT);
  const version = readManifest(dir, dir, shown, files, 0, new Set(), stacks, diagnostics);
  if (stacks.length === 0) {
    throw new LoadError(
      "LOAD_CDK_NO_STACKS",
      "the cloud assembly has no stacks (no artifact of type aws:cloudformation:stack)",
      { file: top },
      "check that the CDK app adds a Stack, then run `cdk synth` again",
    );
  }
  return { manifest: top, version, stacks, diagnostics };
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads one manifest and the nested assemblies it names; returns its version. */
function readManifest(
  root: string,
  dir: string,
  shown: string,
  files: AssemblyFiles,
  depth: number,
  seen: Set<string>,
  stacks: AssemblyStack[],
  diagnostics: Diagnostic[],
): string {
  const file = join(shown, "manifest.json");
  const text = files.read(join(dir, "manifest.json"));
  if (text === undefined) {
    throw new LoadError("LOAD_NOT_CLOUD_ASSEMBLY", "no such file: not a CDK cloud assembly", { file }, CDK_SYNTH_HINT);
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trimStart()[0] !== "{")
    throw new LoadError("LOAD_CDK_MANIFEST", "not a cloud assembly manifest (not a JSON object)", { file, line: 1, column: 1 });
  const manifest = parseTemplateText(file, body).value;
  const at = (path: readonly (string | number)[]): Location => ({ file, ...positionOf(body, path) });
  const bad = (message: string, path: readonly (string | number)[]) =>
    new LoadError("LOAD_CDK_MANIFEST", message, at(path), CDK_SYNTH_HINT);
  if (!isObject(manifest)) throw bad("not a cloud assembly manifest (not a JSON object)", []);
  const version = manifest.version;
  if (typeof version !== "string") throw bad('not a cloud assembly manifest: `version` must be a string such as "48.0.0"', ["version"]);
  const major = Number(/^(\d+)\./.exec(version)?.[1] ?? Number.NaN);
  if (!Number.isFinite(major)) throw bad(`version ${JSON.stringify(version)} is not a cloud assembly schema version`, ["version"]);
  if (major > KNOWN_SCHEMA_MAJOR) {
    diagnostics.push({
      code: "LOAD_CDK_NEWER_SCHEMA",
      severity: "warning",
      message: `cloud assembly schema ${version} is newer than the versions known (up to ${KNOWN_SCHEMA_MAJOR}.x); read as the known format`,
      location: at(["version"]),
    });
  }
  /** Refuses a path of the manifest that would make the reader leave the assembly folder. */
  const outside = (what: string, base: string, name: string, path: readonly (string | number)[]): void => {
    const why = leavesAssembly(root, base, name, files);
    if (why !== undefined) throw new LoadError("LOAD_CDK_OUTSIDE_ASSEMBLY", `${what}: ${why}; refused`, at(path), OUTSIDE_HINT);
  };
  const artifacts = manifest.artifacts ?? {};
  if (!isObject(artifacts)) throw bad("`artifacts` must be a map of artifact ids to artifacts", ["artifacts"]);
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (!isObject(artifact) || typeof artifact.type !== "string") throw bad(`artifact ${id} has no type`, ["artifacts", id]);
    const properties = isObject(artifact.properties) ? artifact.properties : {};
    if (artifact.type === "aws:cloudformation:stack") {
      const templateFile = properties.templateFile;
      if (typeof templateFile !== "string" || templateFile === "")
        throw bad(`stack ${id} has no properties.templateFile`, ["artifacts", id, "properties"]);
      outside(`stack ${id} names the template ${JSON.stringify(templateFile)}`, dir, templateFile, [
        "artifacts",
        id,
        "properties",
        "templateFile",
      ]);
      const path = join(dir, templateFile);
      if (!files.isFile(path)) {
        throw new LoadError(
          "LOAD_CDK_MISSING_TEMPLATE",
          `stack ${id} names the template ${templateFile}, which does not exist in ${shown}`,
          at(["artifacts", id, "properties", "templateFile"]),
          "the cloud assembly is incomplete; run `cdk synth` again",
        );
      }
      const environment = typeof artifact.environment === "string" ? artifact.environment : null;
      const stackName = typeof properties.stackName === "string" ? properties.stackName : undefined;
      const displayName = typeof artifact.displayName === "string" ? artifact.displayName : undefined;
      stacks.push({
        id,
        name: displayName ?? stackName ?? id,
        file: join(shown, templateFile),
        path,
        environment,
        region: regionOf(environment),
        constructPaths: constructPathsOf(artifact, dir, shown, files, diagnostics, at(["artifacts", id]), (name) =>
          outside(`stack ${id} names the metadata file ${JSON.stringify(name)}`, dir, name, ["artifacts", id, "additionalMetadataFile"]),
        ),
      });
    } else if (artifact.type === "cdk:cloud-assembly") {
      const directoryName = properties.directoryName;
      if (typeof directoryName !== "string" || directoryName === "")
        throw bad(`nested assembly ${id} has no properties.directoryName`, ["artifacts", id, "properties"]);
      outside(`nested assembly ${id} names the folder ${JSON.stringify(directoryName)}`, dir, directoryName, [
        "artifacts",
        id,
        "properties",
        "directoryName",
      ]);
      outside(`nested assembly ${id}'s manifest`, dir, join(directoryName, "manifest.json"), [
        "artifacts",
        id,
        "properties",
        "directoryName",
      ]);
      const nested = join(dir, directoryName);
      if (depth + 1 > MAX_ASSEMBLY_DEPTH) throw bad(`nested assemblies deeper than ${MAX_ASSEMBLY_DEPTH} levels`, ["artifacts", id]);
      if (seen.has(nested)) throw bad(`nested assembly ${id} names ${directoryName} again (a cycle)`, ["artifacts", id]);
      seen.add(nested);
      if (!files.isFile(join(nested, "manifest.json"))) {
        throw new LoadError(
          "LOAD_CDK_MANIFEST",
          `nested assembly ${id} names ${directoryName}, which has no manifest.json`,
          at(["artifacts", id, "properties", "directoryName"]),
          "the cloud assembly is incomplete; run `cdk synth` again",
        );
      }
      readManifest(root, nested, join(shown, directoryName), files, depth + 1, seen, stacks, diagnostics);
    }
    // Other artifacts (cdk:tree, cdk:asset-manifest, ...) say nothing about the network.
  }
  return version;
}

/** The load options for one stack: its own region (else the one asked for) and its construct paths. */
export function stackOptions<T extends LoadOptions>(stack: AssemblyStack, options: T): T {
  return { ...options, ...(stack.region ? { region: stack.region } : {}), constructPaths: stack.constructPaths };
}

/** The region of `aws://ACCOUNT/REGION`, unless it is `unknown-region` or not a region name. */
export function regionOf(environment: string | null): string | null {
  const m = environment ? /^aws:\/\/[^/]*\/([^/]+)$/.exec(environment) : null;
  const region = m?.[1];
  return region && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region) ? region : null;
}

/** Logical id -> construct path, from the artifact's metadata and its additional metadata file. */
function constructPathsOf(
  artifact: Json,
  dir: string,
  shown: string,
  files: AssemblyFiles,
  diagnostics: Diagnostic[],
  location: Location,
  confine: (name: string) => void,
): Record<string, string> {
  const paths: Record<string, string> = {};
  const add = (metadata: unknown) => {
    if (!isObject(metadata)) return;
    for (const [path, entries] of Object.entries(metadata)) {
      if (!Array.isArray(entries)) continue;
      for (const e of entries) {
        // Logical ids are alphanumeric (which also keeps `__proto__` out of the map).
        const id = isObject(e) && e.type === "aws:cdk:logicalId" ? e.data : undefined;
        if (typeof id === "string" && /^[A-Za-z0-9]+$/.test(id) && !Object.hasOwn(paths, id)) {
          paths[id] = path.replace(/^\/+/, "");
        }
      }
    }
  };
  // Newer CDK versions may write the metadata to a file of its own.
  const extra = artifact.additionalMetadataFile;
  if (typeof extra === "string" && extra !== "") {
    confine(extra);
    const text = files.read(join(dir, extra));
    let parsed: unknown;
    try {
      parsed = text === undefined ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined) {
      diagnostics.push({
        code: "LOAD_CDK_METADATA",
        severity: "warning",
        message: `the metadata file ${join(shown, extra)} is missing or not valid JSON; construct paths come from the templates only`,
        location,
      });
    }
    add(parsed);
  }
  add(artifact.metadata);
  return paths;
}

/** Line and column of the value at `path` in a JSON text (the whole text when it is not there). */
function positionOf(text: string, path: readonly (string | number)[]): { line: number; column: number } {
  const { parseTree, findNodeAtLocation } = jsonc();
  const root = parseTree(text);
  let node = root ? findNodeAtLocation(root, [...path]) : undefined;
  // The nearest enclosing node that exists: a missing key is reported where its parent is.
  for (let n = path.length - 1; !node && n >= 0 && root; n--) node = findNodeAtLocation(root, path.slice(0, n));
  const offset = node ? (node.parent?.type === "property" ? node.parent.offset : node.offset) : 0;
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
