// Deployed accounts as an input: a snapshot file (written by `scan`), or a scan made for this
// run (`--aws`), registered under a label the commands take as their input. Neither needs the
// AWS SDK here: only scan.ts imports it, and only when a scan runs.
import type { Model } from "../../model/model.ts";
import { LoadError } from "../errors.ts";
import { loadSnapshot } from "./model.ts";
import type { Snapshot } from "./snapshot.ts";
import { parseSnapshot } from "./snapshot.ts";

export { isSnapshotText, LIVE_INPUT } from "./snapshot.ts";

/** The snapshot in a file's text; a LoadError naming the file when it is not valid JSON or not a snapshot. */
export function readSnapshotText(file: string, text: string): Snapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new LoadError("LOAD_BAD_SNAPSHOT", `is not valid JSON: ${(e as Error).message}`, { file });
  }
  return parseSnapshot(file, value);
}

/** Scans made during this run (`--aws`), by the label that stands for them among the inputs. */
const live = new Map<string, Snapshot>();

export function registerLiveSnapshot(label: string, snapshot: Snapshot): void {
  live.set(label, snapshot);
}

export function liveSnapshot(label: string): Snapshot | undefined {
  return live.get(label);
}

/** One model per region of a snapshot. */
export function snapshotModels(snapshot: Snapshot): Model[] {
  return loadSnapshot(snapshot);
}
