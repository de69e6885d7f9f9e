// Its own module so that the CLI can tell a scan's error apart without loading the scanner (and the AWS SDK behind it).

/** A scan that cannot go on: no credentials, no region, an error that is not a denial. */
export class ScanError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, hint?: string) {
    super(message);
    this.name = "ScanError";
    this.hint = hint;
  }
}
