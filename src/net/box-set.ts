// Sets of packets as unions of disjoint boxes: each box is one closed interval per dimension
// (an address range, a port range, ...). A verdict computed on such sets holds for every
// packet of a destination class, not for a sample. Written by hand: no library offers
// n-dimensional interval sets over bigint coordinates.

export type Interval = readonly [lo: bigint, hi: bigint];
export type Box = readonly Interval[];

function intersectInterval(a: Interval, b: Interval): Interval | null {
  if (a[0] >= b[0] && a[1] <= b[1]) return a; // a inside b: a itself, no new interval
  const lo = a[0] > b[0] ? a[0] : b[0];
  const hi = a[1] < b[1] ? a[1] : b[1];
  return lo <= hi ? [lo, hi] : null;
}

export function intersectBox(a: Box, b: Box): Box | null {
  const out: Interval[] = [];
  let same = true;
  for (let i = 0; i < a.length; i++) {
    const ai = a[i] as Interval;
    const r = intersectInterval(ai, b[i] as Interval);
    if (!r) return null;
    same &&= r === ai;
    out.push(r);
  }
  return same ? a : out; // a inside b: a itself
}

/** a minus b, as disjoint boxes (at most 2 per dimension). */
export function subtractBox(a: Box, b: Box): Box[] {
  const out: Box[] = [];
  subtractBoxInto(a, b, out);
  return out;
}

/** Appends the boxes of a minus b to `out` (a itself when they do not meet): no array of its own per call. */
function subtractBoxInto(a: Box, b: Box, out: Box[]): void {
  const inter = intersectBox(a, b);
  if (!inter) {
    out.push(a);
    return;
  }
  if (inter === a) return; // a inside b
  const rest: Interval[] = [...a];
  for (let d = 0; d < a.length; d++) {
    const [alo, ahi] = rest[d] as Interval;
    const [ilo, ihi] = inter[d] as Interval;
    if (alo < ilo) {
      const piece = [...rest];
      piece[d] = [alo, ilo - 1n];
      out.push(piece);
    }
    if (ihi < ahi) {
      const piece = [...rest];
      piece[d] = [ihi + 1n, ahi];
      out.push(piece);
    }
    rest[d] = [ilo, ihi];
  }
}

export class BoxSet {
  readonly boxes: readonly Box[];
  constructor(boxes: readonly Box[]) {
    this.boxes = boxes;
  }
  static of(box: Box): BoxSet {
    return new BoxSet([box]);
  }
  static readonly EMPTY = new BoxSet([]);

  isEmpty(): boolean {
    return this.boxes.length === 0;
  }

  // The early returns below keep the common cases (an empty set, a rule that allows all of
  // it) free of allocation: the analysis runs these on every hop of every path.
  intersect(other: BoxSet | Box): BoxSet {
    if (other === this) return this;
    const others = other instanceof BoxSet ? other.boxes : [other];
    if (this.boxes.length === 0 || others.length === 0) return BoxSet.EMPTY;
    const out: Box[] = [];
    for (const a of this.boxes) {
      for (const b of others) {
        const r = intersectBox(a, b);
        if (r) out.push(r);
      }
    }
    return new BoxSet(out);
  }

  subtract(other: BoxSet | Box): BoxSet {
    if (other === this) return BoxSet.EMPTY;
    const others = other instanceof BoxSet ? other.boxes : [other];
    if (this.boxes.length === 0 || others.length === 0) return this;
    let cur: readonly Box[] = this.boxes;
    for (const b of others) {
      const next: Box[] = [];
      for (const a of cur) subtractBoxInto(a, b, next);
      cur = next;
      if (cur.length === 0) break;
    }
    return new BoxSet(cur);
  }

  /** Union; the result stays disjoint because other is first cut out of this. */
  union(other: BoxSet): BoxSet {
    if (other.isEmpty()) return this;
    if (this.isEmpty()) return other;
    return new BoxSet([...this.subtract(other).boxes, ...other.boxes]);
  }

  /** True when this set covers all of other. */
  covers(other: BoxSet): boolean {
    return other.subtract(this).isEmpty();
  }

  /** Keeps the first `n` dimensions (existential projection). */
  project(n: number): BoxSet {
    let out = BoxSet.EMPTY;
    for (const b of this.boxes) out = out.union(BoxSet.of(b.slice(0, n)));
    return out;
  }

  /** Sum of box volumes (the number of packets in the set); boxes are disjoint. */
  size(): bigint {
    let total = 0n;
    for (const b of this.boxes) {
      let v = 1n;
      for (const [lo, hi] of b) v *= hi - lo + 1n;
      total += v;
    }
    return total;
  }
}

/**
 * Universal projection: the points p of `space` (the first dims) such that every extension
 * (p, e) with e in `env` lies inside `allowed`. Computed as space minus the projection of
 * what is not allowed.
 */
export function forAll(space: BoxSet, env: Box, allowed: BoxSet): BoxSet {
  const full = new BoxSet(space.boxes.map((b) => [...b, ...env]));
  const denied = full.subtract(allowed);
  return space.subtract(denied.project(space.boxes[0]?.length ?? 0));
}
