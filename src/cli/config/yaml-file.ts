import { readFile, stat } from 'node:fs/promises';
import yaml from 'js-yaml';
import { messageOf } from '../../errors/index.js';

/** What reading a YAML file came to; the caller words the error for its kind of file. */
export type ReadYamlResult =
  | { readonly kind: 'missing' }
  | { readonly kind: 'parsed'; readonly document: unknown; readonly text: string }
  /** Exists but cannot be read: `message` says why (`permission denied`, `it is a directory`). */
  | { readonly kind: 'unreadable'; readonly message: string; readonly cause: unknown }
  /** Not YAML: `message` gives the line, column and reason, never the file's content. */
  | { readonly kind: 'malformed'; readonly message: string };

/**
 * Reads and parses one YAML document with js-yaml's default schema (YAML 1.2 core
 * types, `<<` merge keys, `!!binary`); duplicate keys are errors. A missing file is a
 * result, not an error, because only the caller knows whether it may be absent.
 */
export async function readYamlFile(file: string): Promise<ReadYamlResult> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.isDirectory()) return { kind: 'unreadable', message: 'it is a directory, not a file', cause: undefined };
    if (!info.isFile()) return { kind: 'unreadable', message: 'it is not a regular file', cause: undefined };
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'unreadable', message: describeReadError(error), cause: error };
  }
  const parsed = parseYaml(text);
  return parsed.ok ? { kind: 'parsed', document: parsed.document, text } : { kind: 'malformed', message: parsed.message };
}

/** One YAML document from text, as `readYamlFile` parses files. */
export function parseYaml(text: string): { readonly ok: true; readonly document: unknown } | { readonly ok: false; readonly message: string } {
  try {
    return { ok: true, document: yaml.load(text, { schema: yaml.DEFAULT_SCHEMA }) };
  } catch (error) {
    if (!(error instanceof yaml.YAMLException)) throw error;
    // The exception's own message quotes lines of the text, which may hold credentials:
    // only its reason and position are passed on, and it is not kept as the cause.
    return { ok: false, message: describeYamlError(error, text) };
  }
}

/** `line 3, column 5: bad indentation of a mapping entry`, with a hint for the usual mistakes. */
export function describeYamlError(error: yaml.YAMLException, text: string): string {
  const reason = error.reason;
  // js-yaml leaves `mark` unset for errors about the whole stream; its type says otherwise.
  const mark = error.mark as yaml.YAMLException['mark'] | undefined;
  if (mark === undefined) {
    const hint = /single document/.test(reason) ? '; this file holds one document: remove the "---" separators after the first' : '';
    return `${reason}${hint}`;
  }
  return `line ${mark.line + 1}, column ${mark.column + 1}: ${reason}${hintFor(reason, text, mark)}`;
}

function hintFor(reason: string, text: string, mark: yaml.YAMLException['mark']): string {
  const line = text.split(/\r?\n/)[mark.line] ?? '';
  if (/^ *\t/.test(line)) return '; indent with spaces, not tabs';
  if (reason === 'duplicated mapping key') {
    const key = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^\s:#,[\]{}]+)/.exec(line.slice(mark.column))?.[1];
    return `${key === undefined ? '' : ` ${key}`}; each key may appear once in a mapping: merge or remove one`;
  }
  return '';
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory, not a file';
  return messageOf(error);
}
