import { type StoredObject, compareKeys, requireBucket } from './buckets.js';
import { type OperationHandler, xmlReply } from './exchange.js';
import { invalidArgument } from './s3-error.js';
import { textElement, xmlDocument } from './xml.js';

/** The canonical id the fake reports as every object's owner (with `fetch-owner=true`). */
export const fakeOwnerId = '0000000000000000000000000000000000000000000000000000000000000000';

type Entry = { readonly key: string; readonly object: StoredObject } | { readonly commonPrefix: string };

/**
 * ListObjectsV2: keys under `prefix` after `start-after` (or after the continuation
 * token's position), in UTF-8 byte order, `max-keys` (≤ 1,000) entries a page. With a
 * delimiter, keys sharing the text up to the delimiter roll up into one CommonPrefixes
 * entry that counts once. `encoding-type=url` encodes every returned key and prefix.
 */
export const listObjectsV2: OperationHandler = (state, call) => {
  const bucket = requireBucket(state.buckets, call.target.bucket);
  const query = call.target.query;
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const encodingType = query.get('encoding-type');
  if (encodingType !== null && encodingType !== 'url') {
    throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType);
  }
  const maxKeys = maxKeysOf(query.get('max-keys'));
  const token = query.get('continuation-token');
  const startAfter = query.get('start-after');
  const after = token === null ? (startAfter ?? '') : positionOf(token);

  const { entries, truncated } = pageOf(bucket.objects, { prefix, delimiter, after, maxKeys });
  const encode = encodingType === 'url' ? urlEncode : (text: string): string => text;
  const last = entries.at(-1);
  const children = [
    textElement('Name', bucket.name),
    textElement('Prefix', encode(prefix)),
    ...(token === null ? [] : [textElement('ContinuationToken', token)]),
    ...(truncated && last !== undefined ? [textElement('NextContinuationToken', tokenFor(last))] : []),
    textElement('KeyCount', entries.length),
    textElement('MaxKeys', maxKeys),
    ...(delimiter === '' ? [] : [textElement('Delimiter', encode(delimiter))]),
    ...(encodingType === null ? [] : [textElement('EncodingType', encodingType)]),
    textElement('IsTruncated', truncated),
    ...(startAfter === null ? [] : [textElement('StartAfter', encode(startAfter))]),
    ...entries.filter((entry) => 'key' in entry).map((entry) => contents(entry.key, entry.object, encode, query.get('fetch-owner') === 'true')),
    ...entries
      .filter((entry) => 'commonPrefix' in entry)
      .map((entry) => `<CommonPrefixes>${textElement('Prefix', encode(entry.commonPrefix))}</CommonPrefixes>`),
  ];
  return xmlReply(xmlDocument('ListBucketResult', children));
};

interface PageParams {
  readonly prefix: string;
  readonly delimiter: string;
  /** Only keys and common prefixes after this one, in byte order ('' for all). */
  readonly after: string;
  readonly maxKeys: number;
}

function pageOf(objects: ReadonlyMap<string, StoredObject>, params: PageParams): { entries: Entry[]; truncated: boolean } {
  const { prefix, delimiter, after, maxKeys } = params;
  const entries: Entry[] = [];
  for (const [key, object] of [...objects].sort(([a], [b]) => compareKeys(a, b))) {
    if (!key.startsWith(prefix) || compareKeys(key, after) <= 0) continue;
    const cut = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
    const entry: Entry = cut === -1 ? { key, object } : { commonPrefix: key.slice(0, cut + delimiter.length) };
    if ('commonPrefix' in entry) {
      // Keys sharing a prefix are adjacent in byte order, so one look back deduplicates;
      // a prefix at or before `after` was returned on an earlier page.
      const previous = entries.at(-1);
      if (compareKeys(entry.commonPrefix, after) <= 0) continue;
      if (previous !== undefined && 'commonPrefix' in previous && previous.commonPrefix === entry.commonPrefix) continue;
    }
    if (entries.length === maxKeys) return { entries, truncated: maxKeys > 0 };
    entries.push(entry);
  }
  return { entries, truncated: false };
}

function contents(key: string, object: StoredObject, encode: (text: string) => string, withOwner: boolean): string {
  const parts = [
    textElement('Key', encode(key)),
    textElement('LastModified', object.lastModified.toISOString()),
    textElement('ETag', object.etag),
    ...(object.checksum === undefined
      ? []
      : [textElement('ChecksumAlgorithm', object.checksum.algorithm), textElement('ChecksumType', 'FULL_OBJECT')]),
    textElement('Size', object.body.length),
    ...(withOwner ? [`<Owner>${textElement('ID', fakeOwnerId)}</Owner>`] : []),
    textElement('StorageClass', 'STANDARD'),
  ];
  return `<Contents>${parts.join('')}</Contents>`;
}

function maxKeysOf(text: string | null): number {
  if (text === null) return 1000;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', text);
  }
  return Math.min(value, 1000);
}

/** Tokens are opaque to clients; here, the base64 of the last key or prefix returned. */
function tokenFor(entry: Entry): string {
  return Buffer.from('key' in entry ? entry.key : entry.commonPrefix, 'utf8').toString('base64');
}

function positionOf(token: string): string {
  const position = Buffer.from(token, 'base64').toString('utf8');
  if (token === '' || Buffer.from(position, 'utf8').toString('base64') !== token) {
    throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
  }
  return position;
}

/**
 * S3's `encoding-type=url` form, as measured against AWS: UTF-8 percent-encoding with a
 * space as `+`, leaving unreserved characters and `/` as they are.
 */
export function urlEncode(text: string): string {
  let encoded = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~/]/.test(char)) encoded += char;
    else if (char === ' ') encoded += '+';
    else encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}
