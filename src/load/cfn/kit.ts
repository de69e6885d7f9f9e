// What the resource loaders outside build.ts (capacity-provider.ts, block-public-access.ts) need
// from the ModelBuilder: its reference and origin helpers and its diagnostics.
import type { EntityRef, Origin, Severity, Unknown } from "../../model/types.ts";
import type { Value } from "./intrinsics.ts";

export type Props = Record<string, Value>;

export interface LoaderKit {
  /** A reference to another resource (Ref / GetAtt / literal id). */
  ref(v: Value | undefined, what: string): EntityRef | null;
  refList(v: Value | undefined, what: string): EntityRef[] | Unknown;
  origin(id: string, key?: string): Origin;
  report(code: string, severity: Severity, message: string, id: string, key?: string): void;
}
