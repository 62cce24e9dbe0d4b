import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { authorizedKeyLines, authorizedKeysMaxBytes, readAuthorizedKeysFile } from '../ssh/authorized-keys-file.js';
import { parseAuthorizedKey, type AuthorizedKey } from '../ssh/server-auth.js';
import type { CloudUserSystem } from './cloud-user-system.js';

/**
 * A test host's login user's `~/.ssh/authorized_keys`, as cloud-init writes it from the
 * user-data and sshd reads it at every login: so that editing it over SSH (`envboot
 * authorize`, `revoke`) takes effect as on a real machine. The user's home is the host's
 * directory (the HOME its sessions get) or, on a cloud-user system, the default user's
 * home inside it.
 */
export interface LoginKeysFile {
  /** Writes the file (0600, in a 0700 `.ssh`) with these key lines, as first boot does. */
  seed(keys: readonly string[]): Promise<void>;
  /** The keys the file lists now, read as the local provider's agent reads a machine's (see `readAuthorizedKeysFile`); keys that do not parse are skipped. */
  read(): Promise<AuthorizedKey[]>;
}

export function loginKeysFile(params: { root: string; system: CloudUserSystem | undefined }): LoginKeysFile {
  const { root, system } = params;
  const file = path.join(root, '.ssh', 'authorized_keys');
  return {
    seed: async (keys) => {
      const text = keys.map((key) => `${key.trim()}\n`).join('');
      if (system === undefined) {
        await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
        await writeFile(file, text, { mode: 0o600 });
        return;
      }
      const seeded = await system.run({ as: 'user', script: 'umask 077 && mkdir -p "$HOME/.ssh" && cat > "$HOME/.ssh/authorized_keys"', stdin: text });
      if (seeded.status !== 0) throw new Error(`could not write the default user's authorized_keys: ${seeded.stderr.trim()}`);
    },
    read: async () => {
      const lines =
        system === undefined
          ? ((await readAuthorizedKeysFile(file)) ?? [])
          : authorizedKeyLines((await system.run({ as: 'user', script: `head -c ${authorizedKeysMaxBytes} "$HOME/.ssh/authorized_keys" 2>/dev/null || true` })).stdout);
      return lines.flatMap((line) => {
        try {
          return [parseAuthorizedKey(line)];
        } catch {
          return [];
        }
      });
    },
  };
}
