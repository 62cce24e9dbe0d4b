import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';

/** A name next to `file` that no other writer, in this process or another, uses at the same time. */
export function temporaryNameFor(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
}

/**
 * Replaces `file` with `text` so that readers see the old content or the new, never a
 * part: write a temporary file (created with `mode`), then rename it over the old one.
 */
export async function writeFileAtomically(file: string, text: string, mode = 0o600): Promise<void> {
  const temporary = temporaryNameFor(file);
  try {
    await writeFile(temporary, text, { mode });
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
}
