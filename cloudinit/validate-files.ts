import { checkBoolean, checkKeys, checkString, describe, isRecord, type ProblemList } from './checks.js';
import { decodeContent } from './file-content.js';
import { fileEncodings, type FileEncoding } from './model.js';

const fileKeys = ['path', 'content', 'owner', 'permissions', 'encoding', 'append', 'defer'];
const ownerPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]*\$?(:[A-Za-z0-9_][A-Za-z0-9_.-]*\$?)?$/;

/** Checks one `write_files` entry. */
export function checkWriteFile(value: unknown, path: string, problems: ProblemList): void {
  if (!isRecord(value)) {
    problems.add(path, `must be a mapping with at least "path", got ${describe(value)}`);
    return;
  }
  checkKeys(value, fileKeys, path, problems);
  if (value['path'] === undefined) problems.add(`${path}.path`, 'is required');
  else if (checkString(value['path'], `${path}.path`, problems) && !value['path'].startsWith('/')) {
    problems.add(`${path}.path`, `must be an absolute path, got ${JSON.stringify(value['path'])}`);
  } else if (typeof value['path'] === 'string' && value['path'].endsWith('/')) {
    problems.add(`${path}.path`, 'names a directory; give the file name too');
  }
  if (value['owner'] !== undefined && checkString(value['owner'], `${path}.owner`, problems)) {
    if (!ownerPattern.test(value['owner'])) {
      problems.add(`${path}.owner`, `must be "user" or "user:group", got ${JSON.stringify(value['owner'])}`);
    }
  }
  checkPermissions(value['permissions'], `${path}.permissions`, problems);
  for (const flag of ['append', 'defer']) {
    if (value[flag] !== undefined) checkBoolean(value[flag], `${path}.${flag}`, problems);
  }
  checkContent(value, path, problems);
}

function checkPermissions(value: unknown, path: string, problems: ProblemList): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !/^0?[0-7]{3,4}$/.test(value)) {
    const hint = typeof value === 'number' ? ' (quote it: YAML reads 0644 as a number)' : '';
    problems.add(path, `must be an octal string like "0644", got ${describe(value)}${hint}`);
  }
}

function checkContent(value: Record<string, unknown>, path: string, problems: ProblemList): void {
  const encoding = value['encoding'];
  if (encoding !== undefined && !fileEncodings.includes(encoding as FileEncoding)) {
    problems.add(`${path}.encoding`, `unsupported encoding ${describe(encoding)}; use one of: ${fileEncodings.join(', ')}`);
    return;
  }
  const content = value['content'];
  if (content === undefined) return;
  if (content instanceof Uint8Array) {
    if (encoding !== undefined && encoding !== 'text/plain') {
      problems.add(`${path}.content`, `is raw bytes, so "encoding" must be absent, got ${JSON.stringify(encoding)}`);
    }
    return;
  }
  if (typeof content !== 'string') {
    problems.add(`${path}.content`, `must be a string or bytes, got ${describe(content)}`);
    return;
  }
  try {
    decodeContent({ content, ...(encoding === undefined ? {} : { encoding: encoding as FileEncoding }) });
  } catch (error) {
    problems.add(`${path}.content`, (error as Error).message);
  }
}
