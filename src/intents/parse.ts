// Intents file (`--expect FILE`): what the team requires of each function's network, in YAML.
//
//   PartnerApiFunction:            # a function's logical id (or its FunctionName)
//     internet: reachable          # any destination `--to` takes: reachable | unreachable
//     egressIps: fixed             # or a list: [NatEipA, 203.0.113.10]
//   Worker:
//     internet: unreachable
//     aws:dynamodb: reachable
//     needs: [aws:sqs]             # what the function needs, beyond what check infers
//     infer: false                 # check infers nothing for it (default true)
//     ignore: [aws:kinesis-streams] # inferred destinations not to check
//     suppress: [function-single-az] # findings accepted: listed as suppressed
//
// Pure: text in, intents out. Anything malformed is a LoadError with the file, line and reason.
import { DestinationError, parseDestination } from "../analyze/destination.ts";
import { readYamlDocument, YamlProblem } from "../load/cfn/parse.ts";
import { yaml } from "../vendor.ts";
import { LoadError } from "../load/errors.ts";
import type { Location } from "../model/types.ts";
import { RULES } from "../rules/index.ts";
import type { RuleIgnore } from "../findings/suppress.ts";
import { unknownRule } from "../findings/suppress.ts";

export type ExpectedReach = "reachable" | "unreachable";
export const EXPECTED_REACH: readonly ExpectedReach[] = ["reachable", "unreachable"];
export const EGRESS_IPS_KEY = "egressIps";
/** `suppress: [RULE, ...]`: the function's findings of these rules are suppressed (listed as such). */
export const SUPPRESS_KEY = "suppress";
/** The keys that shape what `check` looks at for a function instead of stating a verdict. */
export const NEEDS_KEYS = ["needs", "infer", "ignore"] as const;

/** What the intents file says of a function's needs: stated destinations, whether to infer, inferred ones to leave out. */
export interface NeedsSetting {
  /** Destination labels (normalised), each with where it is written. */
  readonly needs: readonly { readonly to: string; readonly location: Location }[];
  readonly infer: boolean;
  readonly ignore: readonly string[];
}

/** `internet: reachable`, `aws:dynamodb: unreachable`, `10.0.5.10:5432: reachable`. */
export interface DestinationIntent {
  readonly kind: "destination";
  /** The function's logical id or name, as written. */
  readonly function: string;
  /** The destination label as `check` reports it (normalised, e.g. `10.0.5.10/32:5432`). */
  readonly destination: string;
  readonly expected: ExpectedReach;
  /** Where the intent is written. */
  readonly location: Location;
}

/** `egressIps: fixed` or `egressIps: [NatEipA, 203.0.113.10]` (an allowlist). */
export interface EgressIpsIntent {
  readonly kind: "egress-ips";
  readonly function: string;
  readonly expected: "fixed" | readonly string[];
  readonly location: Location;
}

export type Intent = DestinationIntent | EgressIpsIntent;

export interface IntentsFile {
  readonly file: string;
  readonly intents: readonly Intent[];
  /** Where each function key is written (for "no such function" errors). */
  readonly functions: ReadonlyMap<string, Location>;
  /** The rules whose findings on a function are accepted (`suppress: [RULE]`), by function; absent when none. */
  readonly ignores?: ReadonlyMap<string, readonly RuleIgnore[]>;
  /** `needs`, `infer` and `ignore`, by function key. */
  readonly needs: ReadonlyMap<string, NeedsSetting>;
}

/** Intents files are a few lines; a larger one is a mistake (a template passed by error?). */
export const MAX_INTENTS_BYTES = 1024 * 1024;

const USAGE = `each function takes destinations (internet, internet:PORT, ADDRESS[/LEN]:PORT, ...) set to ${EXPECTED_REACH.join(" or ")}, ${EGRESS_IPS_KEY}: fixed or a list of Elastic IPs / addresses, needs and ignore: lists of destinations, infer: true or false`;

export function parseIntents(file: string, text: string): IntentsFile {
  if (text.length > MAX_INTENTS_BYTES) {
    throw new LoadError("INTENTS_INVALID", `is ${text.length} bytes; an intents file is read up to ${MAX_INTENTS_BYTES} bytes`, { file });
  }
  const { isAlias, isMap, isPair, isScalar, isSeq } = yaml();
  let read: ReturnType<typeof readYamlDocument>;
  try {
    // Repeated keys are found below, with a Set: `yaml`'s uniqueKeys compares each key with every other (25,000 took minutes).
    read = readYamlDocument(text.replace(/^\uFEFF/, ""), { uniqueKeys: false });
  } catch (e) {
    if (!(e instanceof YamlProblem)) throw e;
    throw new LoadError("INTENTS_INVALID", e.tooDeep ? e.message : `not valid YAML: ${e.message}`, {
      file,
      line: e.line,
      column: e.column,
    });
  }
  const { doc, lineCounter } = read;
  const at = (node: unknown): Location => {
    const range = (node as { range?: [number, number, number] | null } | null)?.range;
    const p = lineCounter.linePos(range?.[0] ?? 0);
    return { file, line: p.line, column: p.col };
  };
  const fail = (node: unknown, message: string, hint?: string): never => {
    throw new LoadError("INTENTS_INVALID", message, at(node), hint);
  };
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ""))) {
    throw new LoadError("INTENTS_INVALID", "holds no intents", { file }, `write one mapping per function: ${USAGE}`);
  }
  if (!isMap(root)) return fail(root, "must be a mapping of function ids to their intents", USAGE);

  const scalarText = (node: unknown, what: string): string => {
    if (isAlias(node)) return fail(node, `YAML aliases are not accepted in an intents file (${what})`);
    if (!isScalar(node) || node.value === null || typeof node.value === "object") return fail(node, `${what} must be a plain value`, USAGE);
    return String(node.value);
  };

  /** A key written twice in one mapping: an error, as YAML says. */
  const unique = (seen: Set<string>, key: string, node: unknown): void => {
    if (seen.has(key)) fail(node, "not valid YAML: Map keys must be unique");
    seen.add(key);
  };
  const fnKeys = new Set<string>();
  const intents: Intent[] = [];
  const functions = new Map<string, Location>();
  const needs = new Map<string, NeedsSetting>();
  /** A list of destinations (`needs`, `ignore`), normalised. */
  const destinationList = (fn: string, key: string, v: unknown): { to: string; location: Location }[] => {
    const items = isSeq(v) ? v.items : [v];
    return items.map((x) => {
      const text = scalarText(x, `a destination in ${fn}'s ${key}`);
      try {
        return { to: parseDestination(text).label, location: at(x) };
      } catch (e) {
        if (!(e instanceof DestinationError)) throw e;
        return fail(x, `${fn}: ${key}: ${e.message}`);
      }
    });
  };
  /** Where each function's intent for a destination is written, by function and destination (to find a repeat at once). */
  const written = new Map<string, Location>();
  const ignores = new Map<string, RuleIgnore[]>();
  for (const pair of root.items) {
    if (!isPair(pair)) continue;
    const fn = scalarText(pair.key, "a function id");
    unique(fnKeys, fn, pair.key);
    functions.set(fn, at(pair.key));
    const body = pair.value;
    if (!isMap(body) || body.items.length === 0) {
      const empty = !body || (isScalar(body) && body.value === null);
      return fail(empty ? pair.key : body, `${fn}: expected a mapping of intents, e.g. "internet: reachable"`, USAGE);
    }
    const keys = new Set<string>();
    for (const item of body.items) {
      if (!isPair(item)) continue;
      const key = scalarText(item.key, `an intent of ${fn}`);
      unique(keys, key, item.key);
      const location = at(item.key);
      if (key === SUPPRESS_KEY) {
        const v = item.value;
        if (!isSeq(v) || v.items.length === 0)
          return fail(v ?? item.key, `${fn}: ${SUPPRESS_KEY} takes a list of rules, e.g. ${SUPPRESS_KEY}: [function-single-az]`);
        const list: RuleIgnore[] = [];
        for (const x of v.items) {
          const entry = isMap(x) ? new Map(x.items.filter(isPair).map((p) => [scalarText(p.key, "a key"), p.value])) : undefined;
          const rule = scalarText(entry ? entry.get("rule") : x, `a rule in ${fn}'s ${SUPPRESS_KEY}`);
          const problem = unknownRule(
            rule,
            RULES.map((r) => r.meta.id),
          );
          if (problem) return fail(x, `${fn}: ${SUPPRESS_KEY}: ${problem}`, "lambda-egress explain lists the rules");
          const reason = entry?.has("reason") ? scalarText(entry.get("reason"), `the reason in ${fn}'s ${SUPPRESS_KEY}`) : undefined;
          list.push({ rule, ...(reason !== undefined ? { reason } : {}), location: at(x) });
        }
        ignores.set(fn, list);
        continue;
      }
      if ((NEEDS_KEYS as readonly string[]).includes(key)) {
        const cur = needs.get(fn) ?? { needs: [], infer: true, ignore: [] };
        if (key === "infer") {
          const value = scalarText(item.value, `${fn}'s infer`);
          if (value !== "true" && value !== "false") return fail(item.value, `${fn}: infer: ${JSON.stringify(value)} is not true or false`);
          needs.set(fn, { ...cur, infer: value === "true" });
        } else if (key === "needs") needs.set(fn, { ...cur, needs: destinationList(fn, key, item.value) });
        else needs.set(fn, { ...cur, ignore: destinationList(fn, key, item.value).map((d) => d.to) });
        continue;
      }
      if (key === EGRESS_IPS_KEY) {
        const v = item.value;
        if (isSeq(v)) {
          if (v.items.length === 0) return fail(v, `${fn}: ${EGRESS_IPS_KEY} lists no address; write fixed, or the allowlist`);
          const list = v.items.map((x) => scalarText(x, `an address in ${fn}'s ${EGRESS_IPS_KEY}`));
          intents.push({ kind: "egress-ips", function: fn, expected: list, location });
        } else {
          const value = scalarText(v, `${fn}'s ${EGRESS_IPS_KEY}`);
          if (value !== "fixed") {
            return fail(
              v,
              `${fn}: ${EGRESS_IPS_KEY}: ${JSON.stringify(value)} is not fixed or a list of addresses`,
              `e.g. egressIps: fixed, or egressIps: [NatEipA, 203.0.113.10]`,
            );
          }
          intents.push({ kind: "egress-ips", function: fn, expected: "fixed", location });
        }
        continue;
      }
      let destination: string;
      try {
        destination = parseDestination(key).label;
      } catch (e) {
        if (!(e instanceof DestinationError)) throw e;
        return fail(item.key, `${fn}: ${JSON.stringify(key)} is neither a destination nor ${EGRESS_IPS_KEY} (${e.message})`, USAGE);
      }
      const value = scalarText(item.value, `${fn}'s ${key}`);
      if (!(EXPECTED_REACH as readonly string[]).includes(value)) {
        return fail(item.value, `${fn}: ${key}: ${JSON.stringify(value)} is not ${EXPECTED_REACH.join(" or ")}`);
      }
      const dup = written.get(JSON.stringify([fn, destination]));
      if (dup) return fail(item.key, `${fn}: ${key} repeats the intent for ${destination} (line ${dup.line})`);
      written.set(JSON.stringify([fn, destination]), location);
      intents.push({ kind: "destination", function: fn, destination, expected: value as ExpectedReach, location });
    }
  }
  return { file, intents, functions, needs, ...(ignores.size > 0 ? { ignores } : {}) };
}

/** The destinations the intents need analysed (`egressIps` looks at `internet`). */
export function intentDestinations(file: IntentsFile): string[] {
  const out = new Set<string>();
  for (const i of file.intents) out.add(i.kind === "destination" ? i.destination : "internet");
  return [...out];
}
