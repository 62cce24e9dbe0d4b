import { open } from 'node:fs/promises';

/** The last `count` lines of `text`, its final newline kept; the whole of it when it has no more. */
export function lastLines(text: string, count: number): string {
  const wanted = Math.max(0, Math.floor(count));
  const ended = text.endsWith('\n');
  const lines = (ended ? text.slice(0, -1) : text).split('\n');
  if (lines.length <= wanted) return text;
  return wanted === 0 ? '' : `${lines.slice(-wanted).join('\n')}${ended ? '\n' : ''}`;
}

/**
 * The end of a file, at most `maxBytes` of it, as UTF-8 text; read from the middle, its
 * first line (a fragment) is left out. Undefined when there is no such file. Logs that
 * live long (an agent's, a VM's serial console) are read from their end only.
 */
export async function readFileEnd(file: string, maxBytes: number): Promise<string | undefined> {
  const handle = await open(file, 'r').catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  });
  if (handle === undefined) return undefined;
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const text = buffer.toString('utf8');
    return length < size ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    await handle.close();
  }
}
