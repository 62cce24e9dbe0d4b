import path from 'node:path';
import { StorageError } from './storage-errors.js';

/**
 * Where filesystem storage keeps things under its root. Keys map to a directory tree,
 * one directory per `/` segment, with each segment percent-encoded. An object's file name
 * gets a trailing lone `%`, which no encoded segment can end with, so an object `a` and
 * an object `a/b` (both legal, as in S3) never collide as file and directory.
 */
export interface FilesystemLayout {
  readonly root: string;
  readonly objects: string;
  readonly locks: string;
  readonly temp: string;
}

export function layoutFor(root: string): FilesystemLayout {
  const absolute = path.resolve(root);
  return {
    root: absolute,
    objects: path.join(absolute, 'objects'),
    locks: path.join(absolute, 'locks'),
    temp: path.join(absolute, 'tmp'),
  };
}

const objectSuffix = '%';
const maxSegmentBytes = 250;

function encodeSegment(segment: string): string {
  // encodeURIComponent leaves `.`, `~`, `*`, `'`, `(`, `)`, `!` alone; all are safe file
  // name characters, and `.`/`..` segments are rejected before we get here.
  return encodeURIComponent(segment);
}

/** The file that holds `key`; throws when the result would leave the objects directory. */
export function objectPath(layout: FilesystemLayout, key: string): string {
  const segments = key.split('/').map(encodeSegment);
  const last = segments.length - 1;
  segments[last] = `${segments[last] ?? ''}${objectSuffix}`;
  if (segments.some((s) => Buffer.byteLength(s) > maxSegmentBytes)) {
    throw new StorageError(
      'CONFIG_INVALID',
      `storage key "${key}" has a path segment too long for a file name; use segments under 80 characters`,
      { key },
    );
  }
  const file = path.join(layout.objects, ...segments);
  if (!file.startsWith(layout.objects + path.sep)) {
    throw new StorageError('CONFIG_INVALID', `storage key "${key}" escapes the storage root`, { key });
  }
  return file;
}

/**
 * The key an entry of the objects tree stands for, or undefined for anything that is not
 * an object file (a directory, or a stray file someone left there).
 */
export function keyOfObjectFile(relativeSegments: readonly string[]): string | undefined {
  const last = relativeSegments.at(-1);
  if (last?.endsWith(objectSuffix) !== true) return undefined;
  try {
    return [...relativeSegments.slice(0, -1), last.slice(0, -objectSuffix.length)].map(decodeURIComponent).join('/');
  } catch {
    return undefined;
  }
}

/** The decoded key prefix a directory of the objects tree stands for, e.g. `a/b/`. */
export function prefixOfDirectory(relativeSegments: readonly string[]): string | undefined {
  try {
    return relativeSegments.map((s) => `${decodeURIComponent(s)}/`).join('');
  } catch {
    return undefined;
  }
}
