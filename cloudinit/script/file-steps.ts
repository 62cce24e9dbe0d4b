import path from 'node:path';
import { decodeContent } from '../file-content.js';
import type { WriteFile } from '../model.js';
import { quote, rooted } from './shell-quote.js';
import type { Step } from './step.js';
import { writeBytesLines } from './write-bytes.js';

/**
 * One step per file, for files with (`deferred`) or without `defer`. The content is
 * decoded here, so the script carries the final bytes and nothing on the machine needs
 * gzip.
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
  const lines = [`mkdir -p -- ${rooted(path.posix.dirname(file.path))}`, ...writeBytesLines(target, decodeContent(file), redirect)];
  lines.push(`chmod ${file.permissions ?? '0644'} ${target}`);
  if (file.owner !== undefined) lines.push(`chown ${quote(file.owner.includes(':') ? file.owner : `${file.owner}:`)} ${target}`);
  return lines;
}

