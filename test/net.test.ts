import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BoxSet, forAll, subtractBox } from "../src/net/box-set.ts";
import { formatAddress, isPrivateIpv4, parseAddress, parseCidr, subdivide } from "../src/net/ip.ts";

describe("ip", () => {
  it("parses CIDRs, flags host bits", () => {
    const p = parseCidr("30.0.1.0/23");
    assert.equal(p?.cidr.text, "30.0.0.0/23");
    assert.equal(p?.hostBitsSet, true);
    assert.equal(parseCidr("10.0.0.0/16")?.hostBitsSet, false);
    assert.equal(parseCidr("2001:db8::/32")?.cidr.family, 6);
    assert.equal(parseCidr("10.0.0.0/33"), null);
    assert.equal(parseCidr("10.0.0/8"), null);
    assert.equal(parseAddress("203.0.113.7")?.value, 0xcb007107n);
  });
  it("computes Fn::Cidr like CloudFormation", () => {
    const block = parseCidr("10.0.0.0/16")?.cidr;
    assert.ok(block);
    assert.deepEqual(
      (subdivide(block, 3, 8) as { text: string }[]).map((c) => c.text),
      ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24"],
    );
    assert.deepEqual(
      (subdivide(parseCidr("2001:db8::/56")?.cidr as never, 2, 64) as { text: string }[]).map((c) => c.text),
      ["2001:db8::/64", "2001:db8:0:1::/64"],
    );
    assert.match(subdivide(block, 300, 8) as string, /count must be/);
    assert.match(subdivide(block, 2, 20) as string, /does not fit/);
  });
  it("reads and writes IPv6's unspecified address (of ::/0) as the library does", () => {
    assert.deepEqual(parseAddress("::"), { family: 6, value: 0n });
    assert.deepEqual(parseAddress("0:0:0:0:0:0:0:0"), { family: 6, value: 0n });
    assert.equal(formatAddress(6, 0n), "::");
    assert.equal(parseCidr("::/0")?.cidr.text, "::/0");
    assert.equal(parseCidr("0::0/0")?.cidr.text, "::/0");
    assert.equal(formatAddress(6, 1n), "::1");
  });
  it("knows private space", () => {
    assert.equal(isPrivateIpv4(parseCidr("10.1.0.0/16")?.cidr as never), true);
    assert.equal(isPrivateIpv4(parseCidr("12.0.0.0/16")?.cidr as never), false);
  });
});

describe("box sets", () => {
  const b = (a: number, z: number) => [[BigInt(a), BigInt(z)]] as const;
  it("subtracts into disjoint pieces", () => {
    assert.deepEqual(subtractBox(b(0, 10), b(3, 5)), [b(0, 2), b(6, 10)]);
    assert.deepEqual(subtractBox(b(0, 10), b(20, 30)), [b(0, 10)]);
    assert.deepEqual(subtractBox(b(3, 5), b(0, 10)), []);
  });
  it("a set minus itself is empty and meets itself whole, however many boxes it holds", () => {
    const s = new BoxSet([b(0, 9), b(20, 29), b(40, 49)]);
    assert.equal(s.subtract(s).isEmpty(), true);
    assert.equal(s.intersect(s), s);
    // The same sets written apart give the same answers the long way.
    const t = new BoxSet([b(0, 9), b(20, 29), b(40, 49)]);
    assert.equal(s.subtract(t).isEmpty(), true);
    assert.deepEqual(s.intersect(t).boxes, s.boxes);
    assert.deepEqual(s.subtract(BoxSet.of(b(5, 44))).boxes, [b(0, 4), b(45, 49)]);
  });
  it("union, cover and size", () => {
    const s = BoxSet.of(b(0, 9)).union(BoxSet.of(b(5, 14)));
    assert.equal(s.size(), 15n);
    assert.ok(s.covers(BoxSet.of(b(2, 12))));
    assert.ok(!s.covers(BoxSet.of(b(10, 20))));
  });
  it("forAll keeps the points allowed for every far-side value", () => {
    // Points 0..9; far side 0..1. Allowed: every point with far 0, and points 0..4 with far 1.
    const allowed = new BoxSet([
      [
        [0n, 9n],
        [0n, 0n],
      ],
      [
        [0n, 4n],
        [1n, 1n],
      ],
    ]);
    const r = forAll(BoxSet.of(b(0, 9)), [[0n, 1n]], allowed);
    assert.deepEqual(r.boxes, [b(0, 4)]);
  });
});
