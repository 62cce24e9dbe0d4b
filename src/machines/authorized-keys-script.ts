import { shellQuote } from '../../cloudinit/index.js';
import { isKeyType, keyLineFields } from '../ssh/public-key-line.js';

export interface AuthorizedKeysChange {
  /** Lines to add (`machineKeyLine`): each is added unless a line of its key of this environment is there. */
  readonly add?: readonly string[] | undefined;
  /** Keys (`type base64`) whose lines of this environment to remove. */
  readonly remove?: readonly string[] | undefined;
}

export interface AuthorizedKeysScriptParams extends AuthorizedKeysChange {
  /**
   * The environment making the change: only its lines count as there (`add`) or go
   * (`remove`), so that a login user that several environments' machines share (a manual
   * host) keeps another environment's line of the same key.
   */
  readonly environmentUuid: string;
}

/** What the script prints last, parsed by `parseAuthorizedKeysReport`. */
const reportPrefix = 'envboot-authorized-keys';

/**
 * A POSIX shell script that changes the login user's `~/.ssh/authorized_keys` as that user
 * (no sudo: each machine's own login user, `ubuntu` on a cloud, `debian` on a manual host,
 * `root` on a local machine). Only this environment's lines are touched: a line counts as
 * its own when its comment starts with `envboot:<uuid>:` (authorize) or `envboot-` (the
 * client key a machine was started with); a line with options, another environment's line,
 * or a line of the same key with another comment (the host user's own), stays. The file
 * is rewritten in place (`cat >`), keeping its owner and mode, and only when something
 * changed, under a lock (`~/.ssh/.envboot-lock`) so that two envboot commands at once lose
 * neither's change. Idempotent: run twice, it changes nothing the second time. Prints `envboot-authorized-keys added=N removed=M remaining=K`,
 * K counting the lines that stay (the host user's own, with options, another environment's)
 * and still hold a removed key: revoke warns that the key still gets in there.
 */
export function authorizedKeysScript(params: AuthorizedKeysScriptParams): string {
  if (!/^[0-9A-Za-z-]+$/.test(params.environmentUuid)) throw new Error('authorizedKeysScript: not an environment UUID');
  // awk reads it with -v: `envboot:<uuid>:` marks this environment's lines, `envboot-` the client key machines started with.
  const ours = `-v mark=${shellQuote(`envboot:${params.environmentUuid}:`)}`;
  const isOurs = '($3 ~ /^envboot-/ || index($3, mark) == 1)';
  const remove = (params.remove ?? []).map((key) => blobOf(key));
  const lines = [
    'set -eu',
    'umask 077',
    'f="$HOME/.ssh/authorized_keys"',
    // Another run may make it at the same moment: only a ~/.ssh that is still missing afterwards fails.
    'mkdir -m 0700 -- "$HOME/.ssh" 2>/dev/null || [ -d "$HOME/.ssh" ]',
    '[ -e "$f" ] || : > "$f"',
    't="$f.envboot.$$"',
    // Two envboot commands at once (two authorizes, a revoke and a rotation) would each rewrite the file from what
    // they read, and the last would drop the other's change (a revoked key back in): one at a time, under a lock that
    // mkdir takes atomically. It is held for milliseconds, so one still there after 30 s is a run killed mid-way: broken once.
    'l="$HOME/.ssh/.envboot-lock"; waited=0; broken=0',
    'until mkdir -- "$l" 2>/dev/null; do',
    '  waited=$((waited + 1))',
    '  if [ "$waited" -ge 150 ]; then',
    '    if [ "$broken" -eq 1 ]; then echo "envboot: $l stays taken: if no envboot command is changing this machine\'s keys, remove it (rmdir $l) and retry" >&2; exit 75; fi',
    '    rmdir -- "$l" 2>/dev/null || :; broken=1; waited=0',
    '  fi',
    '  sleep 0.2 2>/dev/null || sleep 1',
    'done',
    'trap \'rm -f -- "$t"; rmdir -- "$l" 2>/dev/null || :\' EXIT',
    "trap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM",
    `awk -v gone=${shellQuote(remove.join(' '))} ${ours} 'BEGIN { n = split(gone, g, " "); for (i = 1; i <= n; i++) drop[g[i]] = 1 } !(($2 in drop) && ${isOurs})' "$f" > "$t"`,
    'before=$(awk \'END { print NR }\' "$f"); kept=$(awk \'END { print NR }\' "$t"); added=0',
  ];
  for (const line of params.add ?? []) {
    const blob = blobOf(line);
    lines.push(
      `if ! awk -v k=${shellQuote(blob)} ${ours} '$2 == k && ${isOurs} { found = 1 } END { exit !found }' "$t"; then printf '%s\\n' ${shellQuote(line.trim())} >> "$t"; added=$((added + 1)); fi`,
    );
  }
  lines.push(
    'if [ "$added" -gt 0 ] || [ "$before" -ne "$kept" ]; then cat "$t" > "$f"; fi',
    // Any field, not only the second: a line with options (`from="…" ssh-ed25519 AAAA…`) lets the key in too.
    `remaining=$(awk -v gone=${shellQuote(remove.join(' '))} 'BEGIN { n = split(gone, g, " "); for (i = 1; i <= n; i++) drop[g[i]] = 1 } { for (i = 1; i <= NF; i++) if ($i in drop) { c++; break } } END { print c + 0 }' "$f")`,
    `echo "${reportPrefix} added=$added removed=$((before - kept)) remaining=$remaining"`,
  );
  return `${lines.join('\n')}\n`;
}

/** The counts the script printed; undefined when its report line is missing. */
export function parseAuthorizedKeysReport(stdout: string): { added: number; removed: number; remaining: number } | undefined {
  const match = new RegExp(`^${reportPrefix} added=(\\d+) removed=(\\d+) remaining=(\\d+)$`, 'm').exec(stdout);
  if (match === null) return undefined;
  return { added: Number(match[1]), removed: Number(match[2]), remaining: Number(match[3]) };
}

/** The base64 field of a key line or `type base64`; anything else (options, a second line) is refused. */
function blobOf(line: string): string {
  const { type, data } = keyLineFields(line);
  if (/[\r\n]/.test(line.trim()) || !isKeyType(type) || !/^AAAA[A-Za-z0-9+/]+={0,2}$/.test(data)) {
    throw new Error('authorizedKeysScript: not a key line');
  }
  return data;
}
