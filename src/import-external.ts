// The one place the project imports a package at run time (the AWS SDK for scan, the HCL parser for
// .tf input, the layout engine for --format html): packages the CLI bundle does not hold.
//
// Why a module of its own: the CLI bundle is compiled by `vm.Script` with V8's code cache (see
// cli/boot.ts), and an `import()` in code restored from that cache has no loader to call. In the
// bundle this module is replaced by one that calls the launcher's own `import()` (scripts/build.mjs),
// which resolves a package as it would from here: from the package's own node_modules.

/** `import(specifier)`: a package's module namespace. */
export function importExternal<T>(specifier: string): Promise<T> {
  return import(specifier) as Promise<T>;
}
