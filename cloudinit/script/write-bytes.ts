import { Buffer } from 'node:buffer';

/**
 * Shell lines that write `bytes` to `target` (an already quoted shell word): base64 in a
 * heredoc whose delimiter cannot occur in base64, so any byte sequence arrives unchanged
 * with no quoting at all. `>>` appends. Empty content just creates or truncates.
 */
export function writeBytesLines(target: string, bytes: Uint8Array | string, redirect: '>' | '>>' = '>'): string[] {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes);
  if (data.byteLength === 0) return [`: ${redirect} ${target}`];
  const base64 = data.toString('base64');
  const lines = [`base64 -d ${redirect} ${target} <<'ENVBOOT_EOF'`];
  for (let i = 0; i < base64.length; i += 76) lines.push(base64.slice(i, i + 76));
  lines.push('ENVBOOT_EOF');
  return lines;
}
