// The emulator's plan as data: what plan.ts computes from the model (pure) and apply.ts carries
// out on the kernel. Everything the kernel is told is in here, so a plan can be inspected,
// printed and unit-tested without privileges. It is data, never command text:
// apply.ts renders the `ip` operations (ip-ops.ts) after checking every field.
import type { IpOp } from "./ip-ops.ts";

/** What a namespace stands for in the VPC. */
export type NamespaceRole =
  | "router" // the VPC router: per-subnet route tables, SGs and NACLs (nftables), the resolver at base+2
  | "eni" // a function's ENI in one subnet
  | "endpoint" // an interface endpoint's ENI
  | "nat-gateway"
  | "nat-instance"
  | "igw" // internet gateway: 1:1 EIP mapping
  | "eigw" // egress-only internet gateway (IPv6)
  | "internet"; // the public world: resolver, whoami and AWS service stand-ins

export interface NamespacePlan {
  /** Host-unique: `<prefix>-<short role/id>`, at most 15 characters where it names an interface. */
  readonly name: string;
  readonly role: NamespaceRole;
  /** The model entity it stands for (subnet id for an ENI, NAT id, ...), for messages. */
  readonly entity: string;
  /** `sysctl -w` settings inside the namespace, e.g. `net.ipv4.ip_forward: "1"`. */
  readonly sysctls: Readonly<Record<string, string>>;
  /** `ip` operations run inside the namespace after the links exist (addresses, routes, rules). */
  readonly ip: readonly IpOp[];
  /** `ip -6` operations run after every namespace's `ip` ones (IPv6 addresses, routes and rules; absent: no IPv6). */
  readonly ip6?: readonly IpOp[];
  /** An `nft -f` ruleset loaded inside the namespace, if any. */
  readonly nft?: string;
  /** The resolv.conf processes in this namespace see. */
  readonly resolvConf?: string;
}

/** A veth pair between two namespaces (both ends are created in their namespaces directly). */
export interface LinkPlan {
  readonly a: { readonly ns: string; readonly name: string };
  readonly b: { readonly ns: string; readonly name: string };
}

/** A server the emulator runs: always inside one of its own namespaces, never the host's. */
export interface ServerPlan {
  readonly ns: string;
  readonly kind: "dns" | "whoami";
  /** The address it listens on. */
  readonly address: string;
  readonly port: number;
  /** DNS: name -> addresses (a `*` entry answers every other name); whoami: the label it reports (e.g. `internet`, `aws:s3 via endpoint`). */
  readonly records?: Readonly<Record<string, readonly string[]>>;
  readonly label?: string;
}

/** Where a function's code can run: one ENI namespace per (function, subnet). */
export interface EniPlan {
  readonly functionId: string;
  readonly subnetId: string;
  readonly ns: string;
  readonly ipv4: string;
  readonly ipv6?: string;
}

export interface Plan {
  /** Per-run prefix of every name (`le<6 hex>`), so runs never collide and a cleanup finds its own. */
  readonly prefix: string;
  readonly namespaces: readonly NamespacePlan[];
  readonly links: readonly LinkPlan[];
  readonly servers: readonly ServerPlan[];
  readonly enis: readonly EniPlan[];
  /** What the plan could not reproduce (a parameter subnet, an unknown CIDR, ...): shown, never guessed. */
  readonly notes: readonly string[];
}
