// Which names are AWS services (by their endpoint names, see services.ts), and the closest one to a misspelling.
import { GATEWAY_ENDPOINT_SERVICE_NAMES, INTERFACE_ENDPOINT_SERVICE_NAMES, OTHER_ENDPOINT_SERVICE_NAMES } from "./services.ts";

/** Services whose endpoints are com.amazonaws.REGION.NAME: what `new --endpoints` can create. */
const REGIONAL = new Set([...INTERFACE_ENDPOINT_SERVICE_NAMES, ...GATEWAY_ENDPOINT_SERVICE_NAMES]);
/** Every service name a destination or traffic class may use: the regional ones and the global or prefixed ones by their last part. */
const ALL = new Set([...REGIONAL, ...OTHER_ENDPOINT_SERVICE_NAMES.map((n) => n.replace(/^.*\.(REGION\.)?/, ""))]);

/** True when `name` is an AWS service with a regional endpoint service name (com.amazonaws.REGION.NAME). */
export function isRegionalEndpointService(name: string): boolean {
  return REGIONAL.has(name);
}

/** True when `name` names an AWS service of the catalogue (regional, global or with another prefix). */
export function isAwsService(name: string): boolean {
  return ALL.has(name);
}

/** Edit distance, bounded: more than `max` is reported as max + 1. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] as number;
}

/** The catalogue's closest name to `name` (at most 2 edits, shorter names 1), or undefined. */
export function closestService(name: string, regionalOnly = false): string | undefined {
  const max = name.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestD = max + 1;
  for (const n of regionalOnly ? REGIONAL : ALL) {
    const d = distance(name, n, max);
    if (d < bestD || (d === bestD && best !== undefined && n < best)) {
      best = n;
      bestD = d;
    }
  }
  return bestD <= max ? best : undefined;
}

/** ` (did you mean s3?)`, or nothing. */
export function didYouMean(name: string, regionalOnly = false, prefix = ""): string {
  const c = closestService(name, regionalOnly);
  return c ? `; did you mean ${prefix}${c}?` : "";
}
