// What a function needs to reach, inferred from the model: the resources of its VPC it is wired
// to (an environment value referring to a database, cache, search domain, Kafka cluster or file
// system; the EFS file systems its FileSystemConfigs mount). Each need says why, and where. Pure.
import type { Model } from "../model/model.ts";
import type { LambdaFunction, Location } from "../model/types.ts";
import { isUnknown, locationOf } from "../model/types.ts";

export interface Need {
  /** The destination, as `--to` takes it: `resource:Database`. */
  readonly to: string;
  /** Why it was inferred: `environment DB_HOST = Database.Endpoint.Address`. */
  readonly because: string;
  readonly location: Location;
}

/** `${Id}` and `${Id.Attribute}` tokens of a symbolic string (see model SymbolicString). */
const TOKEN = /\$\{([A-Za-z0-9]+)(?:\.([^}]+))?\}/g;

/** A symbolic value as the user wrote it: a lone reference without its `${}`. */
function shown(value: string): string {
  const m = /^\$\{([^}]+)\}$/.exec(value);
  return m ? (m[1] as string) : value;
}

/** The needs of one function, in the order the template gives them, one per destination. */
export function inferNeeds(model: Model, fn: LambdaFunction): Need[] {
  const out = new Map<string, Need>();
  const add = (to: string, because: string, location: Location) => {
    if (!out.has(to)) out.set(to, { to, because, location });
  };
  if (model.all("resource").length === 0) return [];
  const envLocation = locationOf(fn.environmentOrigin ?? fn.origin);
  for (const [key, value] of Object.entries(fn.environment ?? {})) {
    for (const m of value.matchAll(TOKEN)) {
      const id = m[1] as string;
      if (model.get("resource", id)) add(`resource:${id}`, `environment ${key} = ${shown(value)}`, envLocation);
    }
  }
  for (const fs of fn.fileSystems ?? []) {
    if (isUnknown(fs.fileSystem) || !model.get("resource", fs.fileSystem)) continue;
    const through = fs.accessPoint ? ` through access point ${fs.accessPoint}` : "";
    add(`resource:${fs.fileSystem}`, `FileSystemConfigs mounts ${fs.fileSystem}${through}`, locationOf(fs.origin));
  }
  return [...out.values()];
}
