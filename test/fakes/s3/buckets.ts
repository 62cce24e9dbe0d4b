import { S3Error, noSuchBucket } from './s3-error.js';
import type { ObjectChecksum } from './request-body.js';

export interface StoredObject {
  readonly body: Buffer;
  /** Quoted, as S3 sends it: `"<md5 hex>"` for a single-part upload. */
  readonly etag: string;
  /** Whole seconds, as S3 keeps them. */
  readonly lastModified: Date;
  readonly contentType: string;
  /** `x-amz-meta-*` headers, names lower-cased. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly checksum?: ObjectChecksum;
}

export interface Bucket {
  readonly name: string;
  readonly created: Date;
  readonly objects: Map<string, StoredObject>;
}

export function requireBucket(buckets: ReadonlyMap<string, Bucket>, name: string): Bucket {
  const bucket = buckets.get(name);
  if (bucket === undefined) throw noSuchBucket(name);
  return bucket;
}

/** S3's listing order: by the keys' UTF-8 bytes, not by UTF-16 code units. */
export function keysInByteOrder(bucket: Bucket): string[] {
  return [...bucket.objects.keys()].sort(compareKeys);
}

export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** S3's rules for general purpose bucket names. */
export function checkBucketName(name: string): void {
  const valid =
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes('..') &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !name.startsWith('xn--') &&
    !name.endsWith('-s3alias');
  if (!valid) throw new S3Error(400, 'InvalidBucketName', 'The specified bucket is not valid.', { BucketName: name });
}

/** S3 rejects keys longer than 1,024 bytes of UTF-8. */
export function checkKey(key: string): void {
  const size = Buffer.byteLength(key, 'utf8');
  if (size > 1024) {
    throw new S3Error(400, 'KeyTooLongError', 'Your key is too long', { Size: String(size), MaxSizeAllowed: '1024' });
  }
}
