// "Did you mean ...?": the nearest of the names a user could have meant (a command, an option, a rule, a pattern).

/**
 * The candidate nearest to `word` by edit distance, when it is near enough to be what was meant (at most a third of
 * its length away). Written here: a dozen lines, and no well-kept package is in the dependencies for it.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    // A name of hundreds of characters is no typo: not compared (the distance takes length x length steps).
    const d = word.length > 200 || c.length > 200 ? Infinity : editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(Math.max(word.length, best.length) / 3)) ? best : undefined;
}

/** Levenshtein distance (insert, delete, substitute), two rows; case-sensitive (callers lower-case). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length] as number;
}
