// Property values read the way CloudFormation reads them: booleans, CIDR blocks, protocols, port ranges and
// Elastic IP allocations. Shared by the converters of every concern.
import type { PortRange, Protocol, PublicAddress, Unknown } from "../../../model/types.ts";
import { ALL_PORTS, isUnknown, unknown } from "../../../model/types.ts";
import type { Cidr } from "../../../net/ip.ts";
import { mustParseCidr, parseCidr } from "../../../net/ip.ts";
import type { Value } from "../intrinsics.ts";
import { isIntrinsicCall, isResourceRef } from "../intrinsics.ts";
import type { LoaderKit } from "../kit.ts";

const PROTOCOLS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };
export const ANY_IPV4 = mustParseCidr("0.0.0.0/0");
export const ANY_IPV6 = mustParseCidr("::/0");

export function bool(v: Value | undefined, dflt: boolean): boolean | Unknown {
  if (v === undefined || v === null) return dflt;
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  if (isUnknown(v)) return v;
  return unknown("not a boolean");
}

/** A CIDR block property (`key` of resource `id`); what AWS rejects is reported. */
export function cidr(kit: LoaderKit, id: string, key: string, v: Value | undefined): Cidr | Unknown | null {
  if (v === undefined || v === null) return null;
  if (isUnknown(v)) return v;
  if (typeof v !== "string") return unknown(`${key} is known only at deploy time`);
  const p = parseCidr(v);
  if (!p) {
    kit.report("LOAD_INVALID_VALUE", "error", `${key} ${JSON.stringify(v)} is not a CIDR block`, id, key);
    return unknown(`invalid CIDR ${v}`);
  }
  if (!v.includes("/")) {
    const bits = p.cidr.family === 4 ? 32 : 128;
    kit.report(
      "LOAD_INVALID_VALUE",
      "error",
      `CIDR block ${JSON.stringify(v)} (${key} of ${id}) has no prefix length; AWS rejects a CIDR block without one`,
      id,
      key,
      `write ${v.trim()}/${bits} for the one address, or the block's prefix length`,
    );
    return unknown(`${key} ${v} has no prefix length`);
  }
  if (p.hostBitsSet) {
    kit.report("LOAD_INVALID_VALUE", "warning", `${key} ${v} has host bits set; AWS rejects it (did you mean ${p.cidr.text}?)`, id, key);
  }
  return p.cidr;
}

export function protocol(v: Value | undefined): Protocol | Unknown {
  if (v === undefined || v === null) return unknown("no protocol");
  if (isUnknown(v)) return v;
  const s = String(v).toLowerCase();
  if (s === "-1" || s === "all") return "all";
  if (s in PROTOCOLS) return PROTOCOLS[s] as number;
  const n = Number(s);
  return Number.isInteger(n) ? n : unknown(`unknown protocol ${s}`);
}

export function ports(protocol: Protocol | Unknown, from: Value | undefined, to: Value | undefined): PortRange | Unknown {
  if (protocol !== 6 && protocol !== 17) return ALL_PORTS;
  if (isUnknown(from)) return from;
  if (isUnknown(to)) return to;
  const f = Number(from ?? 0);
  const t = Number(to ?? from ?? 65535);
  if (!Number.isInteger(f) || !Number.isInteger(t)) return unknown("ports known only at deploy time");
  if (f === -1 || t === -1) return ALL_PORTS;
  return { from: Math.max(0, f), to: Math.min(65535, t) };
}

export function publicAddressFromAllocation(v: Value | undefined, what: string): PublicAddress | null {
  if (v === undefined || v === null) return null;
  if (isResourceRef(v)) return { kind: "elastic-ip", eipId: v.$ref, publicIp: null };
  if (typeof v === "string") return { kind: "allocation", allocationId: v, publicIp: null };
  if (isUnknown(v)) return { kind: "unknown", reason: `${what}: ${v.reason}` };
  return { kind: "unknown", reason: `${what} is not an allocation id` };
}

/** A raw template mapping that is not an intrinsic function call. */
export function isRawObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === "object" && !Array.isArray(v) && !isIntrinsicCall(v);
}
