// Its own module so that the CLI can tell a scan's error apart without loading the scanner (and the AWS SDK behind it).

import { LambdaEgressError } from "../../errors.ts";

/** A scan that cannot go on (kind "aws"): no credentials, no region, an error that is not a denial. */
export class ScanError extends LambdaEgressError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super("aws", "SCAN_FAILED", message, { hint, cause });
    this.name = "ScanError";
  }
}
