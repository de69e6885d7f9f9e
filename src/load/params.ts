// `--param NAME=VALUE` against the template's own parameters: a name the template does not declare changes nothing, so
// it is said (a warning diagnostic naming it, the template's parameters and the closest one), for check, cost and emulate.
import type { Diagnostic, Location } from "../model/types.ts";
import type { Model } from "../model/model.ts";
import { editDistance } from "../report/suggest.ts";

export const UNKNOWN_PARAM_CODE = "LOAD_UNKNOWN_PARAMETER";
/** `--import NAME=VALUE` with a name no template imports (cfn/stacks.ts). */
export const UNKNOWN_IMPORT_CODE = "LOAD_UNKNOWN_IMPORT";

/** The declared name closest to `name`, when it is close (a typo or another case), else undefined. */
export function closestName(name: string, names: readonly string[]): string | undefined {
  let best: { n: string; d: number } | undefined;
  for (const n of names) {
    const d = editDistance(name.toLowerCase(), n.toLowerCase());
    if (best === undefined || d < best.d) best = { n, d };
  }
  return best !== undefined && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.n : undefined;
}

/** One warning per `--param` name the template does not declare (`declared`: its Parameters section, if any). */
export function unknownParamDiagnostics(params: Readonly<Record<string, string>>, declared: unknown, where: () => Location): Diagnostic[] {
  if (Object.keys(params).length === 0) return [];
  const location = where();
  const names = typeof declared === "object" && declared !== null && !Array.isArray(declared) ? Object.keys(declared) : [];
  const out: Diagnostic[] = [];
  for (const given of Object.keys(params)) {
    if (names.includes(given)) continue;
    const close = closestName(given, names);
    const list = names.length === 0 ? "it declares no parameters" : `its parameters: ${names.join(", ")}`;
    out.push({
      code: UNKNOWN_PARAM_CODE,
      severity: "warning",
      message: `--param ${given}: the template has no parameter ${given}, so it changes nothing (${list})${close !== undefined ? `; did you mean ${close}?` : ""}`,
      location,
    });
  }
  return out;
}

/** The lines a command that shows no diagnostics writes to stderr for unknown `--param` (and `--import`) names. */
export function unknownParamLines(model: Model): string[] {
  return model.diagnostics
    .filter((d) => d.code === UNKNOWN_PARAM_CODE || d.code === UNKNOWN_IMPORT_CODE)
    .map((d) => `lambda-egress: warning: ${d.message}\n`);
}
