// The `ip` operations of an emulation plan as typed data, and the one pure function that renders them to `ip -batch`
// lines. A plan (the planner's or a --plan-file) never carries command text: apply.ts checks each field of each operation
// (validatePlan) and only then renders it, so no string of a plan can add a word to a kernel command.

/** A kernel routing table: a number, or the kernel's own `default` table (253). */
export type IpTable = number | "default";

export type IpOp =
  /** `link set DEV up` */
  | { readonly op: "link-up"; readonly dev: string }
  /** `link set DEV group N` (the interface group network ACL chains select on) */
  | { readonly op: "link-group"; readonly dev: string; readonly group: number }
  /** `addr add CIDR dev DEV [nodad] [noprefixroute]` */
  | { readonly op: "addr-add"; readonly dev: string; readonly cidr: string; readonly nodad?: boolean; readonly noprefixroute?: boolean }
  /** `route add [blackhole] TO [via VIA] [dev DEV] [onlink] [table T]`; TO is a block or `default` */
  | {
      readonly op: "route-add";
      readonly to: string;
      readonly blackhole?: boolean;
      readonly via?: string;
      readonly dev?: string;
      readonly onlink?: boolean;
      readonly table?: IpTable;
    }
  /** `rule add pref P [to BLOCK] [iif DEV] lookup T` */
  | { readonly op: "rule-add"; readonly pref: number; readonly to?: string; readonly iif?: string; readonly table: IpTable };

export const IP_OP_NAMES = ["link-up", "link-group", "addr-add", "route-add", "rule-add"] as const;

/** The fields each operation may have (besides `op`), and which of them it must have. */
export const IP_OP_FIELDS: Readonly<Record<IpOp["op"], { readonly required: readonly string[]; readonly optional: readonly string[] }>> = {
  "link-up": { required: ["dev"], optional: [] },
  "link-group": { required: ["dev", "group"], optional: [] },
  "addr-add": { required: ["dev", "cidr"], optional: ["nodad", "noprefixroute"] },
  "route-add": { required: ["to"], optional: ["blackhole", "via", "dev", "onlink", "table"] },
  "rule-add": { required: ["pref", "table"], optional: ["to", "iif"] },
};

/** A word `ip -batch` reads as one argument and nothing else: no blank, quote, backslash, `#` or control character. */
const WORD = /^[A-Za-z0-9_.:/-]+$/;

function word(w: string | number): string {
  const s = String(w);
  if (!WORD.test(s)) throw new Error(`not a plain ip argument: ${JSON.stringify(s)}`);
  return s;
}

/** The `ip -batch` line of one operation (the caller runs it inside the operation's namespace with `ip -n NS`). */
export function renderIpOp(op: IpOp): string {
  const words: (string | number)[] = (() => {
    switch (op.op) {
      case "link-up":
        return ["link", "set", op.dev, "up"];
      case "link-group":
        return ["link", "set", op.dev, "group", op.group];
      case "addr-add":
        return ["addr", "add", op.cidr, "dev", op.dev, ...(op.nodad ? ["nodad"] : []), ...(op.noprefixroute ? ["noprefixroute"] : [])];
      case "route-add":
        return [
          "route",
          "add",
          ...(op.blackhole ? ["blackhole"] : []),
          op.to,
          ...(op.via !== undefined ? ["via", op.via] : []),
          ...(op.dev !== undefined ? ["dev", op.dev] : []),
          ...(op.onlink ? ["onlink"] : []),
          ...(op.table !== undefined ? ["table", op.table] : []),
        ];
      case "rule-add":
        return [
          "rule",
          "add",
          "pref",
          op.pref,
          ...(op.to !== undefined ? ["to", op.to] : []),
          ...(op.iif !== undefined ? ["iif", op.iif] : []),
          "lookup",
          op.table,
        ];
      default:
        throw new Error(`not an ip operation: ${JSON.stringify((op as { op?: unknown }).op)}`);
    }
  })();
  return words.map(word).join(" ");
}

/** The `ip -batch` lines of a list of operations. */
export function renderIpOps(ops: readonly IpOp[]): string[] {
  return ops.map(renderIpOp);
}
