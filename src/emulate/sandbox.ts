// Where `emulate --invoke` and `--exec` run what they run, inside an ENI's namespace: as Lambda runs a handler, an
// unprivileged user (nobody, 65534) without capabilities or a way to gain any (no_new_privs), in a mount namespace of
// its own where every mount is read-only (the system and the function's code alike) and /tmp is an empty private tmpfs.
// The function's code is bound read-only at a fixed place first, so only that folder (never what its parents hold) is
// what the handler loads. The command line is computed here (pure); the CLI runs it with `ip netns exec NS`.

/** The user a handler runs as (nobody/nogroup): never root, owner of nothing on the system. */
export const SANDBOX_USER = { uid: 65534, gid: 65534 } as const;
/** The size of the private /tmp, Lambda's default ephemeral storage. */
export const SANDBOX_TMP_MB = 512;

export interface SandboxOptions {
  /** The user to become; undefined: stay (the rootless sandbox, whose root is the invoking user and maps no other). */
  readonly user: { readonly uid: number; readonly gid: number } | undefined;
  /** A directory bound read-only at `target` (an existing empty directory) before the rest is made read-only. */
  readonly bind?: { readonly source: string; readonly target: string } | undefined;
  /** The working directory (the code's folder, as Lambda's /var/task; the caller's for --exec): /tmp when it is not there. */
  readonly cwd: string;
}

/**
 * The script run as root of the new mount namespace (`sh -e`, its arguments after the script): binds the code, remounts
 * every mount read-only (any failure stops the run: it never runs with a writable system), mounts the private /tmp,
 * then becomes the user without capabilities and runs the command. Paths arrive as arguments, never in the script.
 */
export const SANDBOX_SCRIPT = [
  "cwd=$1 uid=$2 gid=$3 src=$4 dst=$5",
  "shift 5",
  'if [ -n "$src" ]; then mount --bind "$src" "$dst"; fi',
  // Every mount read-only. A mount listed but hidden under another one (ip netns exec mounts a fresh /sys over the old
  // one, whose submounts stay listed where it cannot detach them) cannot be reached by its path (which is gone, or
  // reaches the mount above it, made read-only in turn). Any other failure stops the run.
  "findmnt -ln -o ID,TARGET | while read -r id m; do",
  '  mount -o remount,bind,ro "$m" 2>/dev/null && continue',
  '  [ -e "$m" ] || continue',
  '  exec 3<"$m"',
  '  if grep -q "^mnt_id:[[:space:]]*$id\$" /proc/self/fdinfo/3; then echo "lambda-egress sandbox: cannot make $m read-only" >&2; exit 1; fi',
  "  exec 3<&-",
  "done",
  `mount -t tmpfs -o mode=1777,nosuid,nodev,size=${SANDBOX_TMP_MB}m le-tmp /tmp`,
  "export HOME=/tmp",
  'cd "$cwd" 2>/dev/null || cd /tmp',
  'if [ -n "$uid" ]; then set -- --reuid "$uid" --regid "$gid" --clear-groups "$@"; fi',
  'exec setpriv --inh-caps=-all --bounding-set=-all --no-new-privs "$@"',
].join("\n");

/** The command that runs `command` in the sandbox (to be run inside the ENI's namespace). */
export function sandboxCommand(command: readonly string[], options: SandboxOptions): { cmd: string; args: string[] } {
  const u = options.user;
  return {
    cmd: "unshare",
    args: [
      "--mount",
      "--propagation",
      "private",
      "--",
      "sh",
      "-ec",
      SANDBOX_SCRIPT,
      "le-sandbox",
      options.cwd,
      u === undefined ? "" : String(u.uid),
      u === undefined ? "" : String(u.gid),
      options.bind?.source ?? "",
      options.bind?.target ?? "",
      "--",
      ...command,
    ],
  };
}
