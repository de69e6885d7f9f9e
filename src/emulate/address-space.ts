// The address space the emulator may use, in one place for the planner (which picks addresses) and the apply step's
// safety check (which refuses a plan using any other).
import type { Cidr } from "../net/ip.ts";
import { mustParseCidr } from "../net/ip.ts";

/** The documentation ranges: the only public addresses the emulator puts on anything. */
export const DOCUMENTATION_RANGES = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32"] as const;
export const DOCUMENTATION_V4: readonly Cidr[] = DOCUMENTATION_RANGES.filter((c) => !c.includes(":")).map(mustParseCidr);
export const DOCUMENTATION_V6: Cidr = mustParseCidr("2001:db8::/32");

/**
 * The address space a VPC may have to be emulated: private IPv4 (RFC 1918, and the shared 100.64.0.0/10) and unique
 * local IPv6. AWS lets a VPC use a public block privately, but the emulator puts no public address on anything that is
 * not a documentation address, so such a VPC is left out, with a note.
 */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"] as const;
export const PRIVATE_V4: readonly Cidr[] = PRIVATE_RANGES.filter((c) => !c.includes(":")).map(mustParseCidr);

/** Addresses that never leave the namespace that owns them (loopback, link-local, unspecified). */
export const LOCAL_RANGES = ["127.0.0.0/8", "169.254.0.0/16", "::1/128", "fe80::/10", "0.0.0.0/32", "::/128"] as const;
