import { Buffer } from 'node:buffer';
import path from 'node:path';
import { decodeContent } from '../file-content.js';
import type { WriteFile } from '../model.js';
import { quote, rooted } from './shell-quote.js';
import type { Step } from './step.js';

/**
 * One step per file, for files with (`deferred`) or without `defer`. The content is
 * decoded here, so the script carries the final bytes as base64 in a heredoc whose
 * delimiter cannot occur in base64: any byte sequence arrives unchanged, and nothing on
 * the machine needs gzip.
 */
export function fileSteps(files: readonly WriteFile[] | undefined, deferred: boolean): Step[] {
  return (files ?? [])
    .map((file, index) => ({ file, index }))
    .filter(({ file }) => (file.defer === true) === deferred)
    .map(({ file, index }) => ({ name: `write_files[${index}] ${file.path}`, lines: writeFileLines(file) }));
}

function writeFileLines(file: WriteFile): string[] {
  const target = rooted(file.path);
  const redirect = file.append === true ? '>>' : '>';
  const bytes = decodeContent(file);
  const lines = [`mkdir -p -- ${rooted(path.posix.dirname(file.path))}`];
  if (bytes.byteLength === 0) {
    lines.push(`: ${redirect} ${target}`);
  } else {
    lines.push(`base64 -d ${redirect} ${target} <<'ENVBOOT_EOF'`, ...wrap(Buffer.from(bytes).toString('base64')), 'ENVBOOT_EOF');
  }
  lines.push(`chmod ${file.permissions ?? '0644'} ${target}`);
  if (file.owner !== undefined) lines.push(`chown ${quote(file.owner.includes(':') ? file.owner : `${file.owner}:`)} ${target}`);
  return lines;
}

function wrap(base64: string): string[] {
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 76) lines.push(base64.slice(i, i + 76));
  return lines;
}
