// The one caching style (src/memo.ts): results kept by their object or text argument.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { memoize, memoizeText } from "../src/memo.ts";

describe("memo", () => {
  it("memoize: one computation per object; another object computes its own", () => {
    const seen: object[] = [];
    const size = memoize((o: { items: number[] }) => {
      seen.push(o);
      return o.items.length;
    });
    const a = { items: [1, 2] };
    const b = { items: [1, 2, 3] };
    assert.deepEqual([size(a), size(a), size(b), size(a)], [2, 2, 3, 2]);
    assert.deepEqual(seen, [a, b]);
  });

  it("memoizeText: kept by text up to max results, then computed again; null is a result, kept", () => {
    const computed: string[] = [];
    const parse = memoizeText((t) => {
      computed.push(t);
      return /^\d+$/.test(t) ? Number(t) : null;
    }, 2);
    assert.deepEqual([parse("1"), parse("x"), parse("1"), parse("x")], [1, null, 1, null]);
    assert.deepEqual(computed, ["1", "x"]);
    parse("2"); // a third text: the cache starts again
    parse("1");
    assert.deepEqual(computed, ["1", "x", "2", "1"]);
  });
});
