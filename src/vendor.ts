// Third-party packages that only some inputs need, loaded synchronously on first use through their
// CommonJS builds: `check` of a JSON template never loads the YAML parser, and jsonc-parser runs only
// to locate a JSON syntax error or a value in a cloud assembly's manifest.
//
// `npm run build` bundles each of them into one file under dist/vendor/ (scripts/build.mjs). Node
// resolves, reads and compiles the yaml package's seventy-odd modules one by one in about 45 ms on a
// small machine, its one-file bundle in about 12 ms: a third of a small template's check. Where that
// folder is missing (code run from elsewhere), the package itself is loaded.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type * as IpAddr from "ipaddr.js";
import type * as JsYaml from "js-yaml";
import type * as JsoncParser from "jsonc-parser";
import type * as Yaml from "yaml";

/** The packages bundled into dist/vendor/PACKAGE.cjs by the build. */
export const VENDORED = ["yaml", "jsonc-parser"] as const;

const require = createRequire(import.meta.url);
const loaded = new Map<string, unknown>();
let vendorDir: string | null | undefined;

/** dist/vendor, found from this module's place: dist/src (the library), dist (the CLI bundle) or a chunk folder in dist. */
function findVendorDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    const candidate = join(dir, "vendor");
    if (existsSync(join(candidate, `${VENDORED[0]}.cjs`))) return candidate;
  }
  return null;
}

function load<T>(pkg: string): T {
  let lib = loaded.get(pkg);
  if (lib === undefined) {
    vendorDir ??= findVendorDir();
    const bundled = vendorDir !== null && (VENDORED as readonly string[]).includes(pkg) ? join(vendorDir, `${pkg}.cjs`) : null;
    lib = require(bundled !== null && existsSync(bundled) ? bundled : pkg);
    loaded.set(pkg, lib);
  }
  return lib as T;
}

/** The `yaml` package (templates, intents files, and the templates `new` writes). */
export const yaml = (): typeof Yaml => load<typeof Yaml>("yaml");
/** The `jsonc-parser` package. */
export const jsonc = (): typeof JsoncParser => load<typeof JsoncParser>("jsonc-parser");
/** The `js-yaml` package (one file already: not bundled again), the quick road for YAML templates (load/cfn/yaml-events.ts). */
export const jsYaml = (): typeof JsYaml => load<typeof JsYaml>("js-yaml");
/** The `ipaddr.js` package (one file already: not bundled again). */
export const ipaddr = (): typeof IpAddr => load<typeof IpAddr>("ipaddr.js");
