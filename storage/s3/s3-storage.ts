import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type BucketLocationConstraint,
  type S3Client,
} from '@aws-sdk/client-s3';
import { listLimit, toBytes, validateKey, validatePrefix } from '../keys.js';
import { settle } from '../settle.js';
import { notFound, StorageError, throwIfAborted } from '../storage-errors.js';
import type {
  DeleteParams,
  GetParams,
  ListParams,
  ListResult,
  PutParams,
  PutResult,
  RemoveAllParams,
  Storage,
  StoredObject,
} from '../storage.js';
import { isMissing, s3ErrorCode, translateS3Error } from './s3-errors.js';

export interface S3StorageParams {
  /** A configured client: region, credentials (the SDK's standard chain), endpoint. */
  readonly client: S3Client;
  readonly bucket: string;
  /** Objects live under this prefix (`envboot/prod/`), so that one bucket can hold several environments. */
  readonly prefix?: string;
  /**
   * Create the bucket (as `ensureBucket` does) when a write finds it missing, so that the
   * first write of a new environment makes it, at no cost to writes into a bucket that
   * exists. Otherwise such a write fails with `NOT_FOUND` naming the bucket.
   */
  readonly createBucket?: boolean;
}

/** The object at the bucket's root that says envboot created the bucket, and may delete it once it holds nothing else. */
export const createdMarker = '.envboot-created-bucket';
/** S3's limit on keys per DeleteObjects call. */
const deleteBatch = 1000;

/**
 * Storage on an S3 bucket: versions are ETags, compare-and-swap is S3's conditional
 * writes (`If-None-Match: *` to create, `If-Match` to replace or delete), and 412, 409
 * and a 404 on a conditional request all mean "lost the race" (`PRECONDITION_FAILED`),
 * so provider-state re-reads and retries. Throttling (SlowDown, 503) is retried with
 * back-off by the client's retry strategy. Lists come in S3's UTF-8 byte order, as the
 * contract requires.
 *
 * @example
 * const storage = new S3Storage({ client: new S3Client({ region: 'us-east-1' }), bucket: 'acme-envboot', prefix: 'prod/' });
 * await storage.ensureBucket();
 */
export class S3Storage implements Storage {
  readonly description: string;
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #createBucket: boolean;

  constructor(params: S3StorageParams) {
    this.#createBucket = params.createBucket === true;
    const prefix = params.prefix ?? '';
    if (prefix !== '') validatePrefix(prefix.replace(/\/$/, ''));
    this.#client = params.client;
    this.#bucket = params.bucket;
    this.#prefix = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.description = `s3://${params.bucket}/${this.#prefix}`;
  }

  async get(params: GetParams): Promise<StoredObject> {
    await settle(() => { throwIfAborted(params.signal); validateKey(params.key); });
    try {
      const response = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + params.key }), signalled(params));
      const body = response.Body === undefined ? new Uint8Array() : await response.Body.transformToByteArray();
      return { key: params.key, body, version: response.ETag ?? '' };
    } catch (error) {
      if (isMissing(error)) throw notFound(this.description, params.key);
      throw translateS3Error(error, { what: 'reading', where: this.#where(params.key), key: params.key });
    }
  }

  async put(params: PutParams): Promise<PutResult> {
    await settle(() => { throwIfAborted(params.signal); validateKey(params.key); });
    const condition = params.condition;
    const conditional = condition === undefined ? {} : 'ifAbsent' in condition ? { IfNoneMatch: '*' } : { IfMatch: condition.ifVersion };
    const body = toBytes(params.body);
    const put = (): Promise<{ ETag?: string | undefined }> =>
      this.#client.send(
        new PutObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + params.key, Body: body, ContentLength: body.byteLength, ...conditional }),
        signalled(params),
      );
    try {
      const response = await put().catch(async (error: unknown) => {
        if (s3ErrorCode(error) !== 'NoSuchBucket') throw error;
        if (!this.#createBucket) throw missingBucket(this.#bucket, params.key, error);
        await this.#makeBucket(params.signal);
        return put();
      });
      return { version: response.ETag ?? '' };
    } catch (error) {
      if (error instanceof StorageError) throw error;
      throw translateS3Error(error, { what: 'writing', where: this.#where(params.key), key: params.key, conditional: condition !== undefined });
    }
  }

  async delete(params: DeleteParams): Promise<void> {
    await settle(() => { throwIfAborted(params.signal); validateKey(params.key); });
    try {
      await this.#client.send(
        new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#prefix + params.key, ...(params.ifVersion === undefined ? {} : { IfMatch: params.ifVersion }) }),
        signalled(params),
      );
    } catch (error) {
      if (params.ifVersion === undefined && isMissing(error)) return;
      throw translateS3Error(error, { what: 'deleting', where: this.#where(params.key), key: params.key, conditional: params.ifVersion !== undefined });
    }
  }

  async list(params: ListParams): Promise<ListResult> {
    const prefix = params.prefix ?? '';
    await settle(() => { throwIfAborted(params.signal); if (prefix !== '') validatePrefix(prefix); });
    const limit = listLimit(params.limit);
    try {
      const response = await this.#client.send(
        new ListObjectsV2Command({
          Bucket: this.#bucket,
          Prefix: this.#prefix + prefix,
          MaxKeys: limit,
          ...(params.cursor === undefined ? {} : { StartAfter: this.#prefix + params.cursor }),
        }),
        signalled(params),
      );
      const objects = (response.Contents ?? []).flatMap((object) =>
        object.Key === undefined ? [] : [{ key: object.Key.slice(this.#prefix.length), size: object.Size ?? 0, version: object.ETag ?? '' }],
      );
      const last = objects.at(-1);
      // The cursor is the last key returned: stateless, and valid in any later process.
      return response.IsTruncated === true && last !== undefined ? { objects, cursor: last.key } : { objects };
    } catch (error) {
      if (isMissing(error)) return { objects: [] };
      throw translateS3Error(error, { what: 'listing', where: this.#where(prefix) });
    }
  }

  /**
   * Deletes every object under the prefix (1,000 per call), then the bucket itself when
   * envboot created it (`ensureBucket`) and nothing else is left in it: a bucket shared
   * with other environments, or made by someone else, is never deleted.
   */
  async removeAll(params: RemoveAllParams = {}): Promise<void> {
    await this.#deleteUnder(this.#prefix, params.signal);
    try {
      const rest = await this.#client.send(new ListObjectsV2Command({ Bucket: this.#bucket, MaxKeys: 2 }), signalled(params));
      const keys = (rest.Contents ?? []).map((object) => object.Key);
      if (keys.length !== 1 || keys[0] !== createdMarker) return;
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: createdMarker }), signalled(params));
      await this.#client.send(new DeleteBucketCommand({ Bucket: this.#bucket }), signalled(params));
    } catch (error) {
      if (isMissing(error)) return;
      throw translateS3Error(error, { what: 'removing', where: this.description });
    }
  }

  /**
   * Creates the bucket when it does not exist (in the client's region, which S3 requires;
   * us-east-1 takes no location constraint) and marks it as envboot's, so that `removeAll`
   * may delete it once empty. Returns whether it was created. Idempotent.
   */
  async ensureBucket(params: { signal?: AbortSignal } = {}): Promise<boolean> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }), signalled(params));
      return false;
    } catch (error) {
      if (!isMissing(error)) throw translateS3Error(error, { what: 'checking', where: `bucket ${this.#bucket}` });
    }
    return this.#makeBucket(params.signal);
  }

  /** Creates the bucket and its marker; false when another envboot created it a moment ago. */
  async #makeBucket(signal: AbortSignal | undefined): Promise<boolean> {
    try {
      const region = await this.#client.config.region();
      const location = region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } };
      await this.#client.send(new CreateBucketCommand({ Bucket: this.#bucket, ...location }), signalled({ signal }));
      await this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: createdMarker, Body: 'created by envboot\n' }), signalled({ signal }));
      return true;
    } catch (error) {
      // As good as having made it ourselves.
      if (s3ErrorCode(error) === 'BucketAlreadyOwnedByYou') return false;
      if (s3ErrorCode(error) === 'BucketAlreadyExists') {
        throw new StorageError('CONFIG_INVALID', `bucket ${this.#bucket} belongs to another AWS account (bucket names are global); choose another bucket name`, { cause: error });
      }
      throw translateS3Error(error, { what: 'creating', where: `bucket ${this.#bucket}` });
    }
  }

  async #deleteUnder(prefix: string, signal: AbortSignal | undefined): Promise<void> {
    throwIfAborted(signal);
    for (;;) {
      let listed;
      try {
        listed = await this.#client.send(new ListObjectsV2Command({ Bucket: this.#bucket, Prefix: prefix, MaxKeys: deleteBatch }), signalled({ signal }));
      } catch (error) {
        if (isMissing(error)) return;
        throw translateS3Error(error, { what: 'listing', where: this.description });
      }
      const keys = (listed.Contents ?? []).flatMap((object) => (object.Key === undefined || object.Key === createdMarker ? [] : [{ Key: object.Key }]));
      if (keys.length === 0) return;
      const deleted = await this.#client
        .send(new DeleteObjectsCommand({ Bucket: this.#bucket, Delete: { Objects: keys, Quiet: true } }), signalled({ signal }))
        .catch((error: unknown) => { throw translateS3Error(error, { what: 'deleting objects in', where: this.description }); });
      const failed = deleted.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new Error(`S3 would not delete ${failed.length} object(s) in ${this.description}, e.g. ${first?.Key ?? '?'}: ${first?.Code ?? ''} ${first?.Message ?? ''}; run the removal again`);
      }
    }
  }

  #where(key: string): string {
    return `s3://${this.#bucket}/${this.#prefix}${key}`;
  }
}

function missingBucket(bucket: string, key: string, cause: unknown): StorageError {
  return new StorageError('NOT_FOUND', `bucket ${bucket} does not exist; create it, or let envboot create it`, { key, cause });
}

function signalled(params: { readonly signal?: AbortSignal | undefined }): { abortSignal?: AbortSignal } {
  return params.signal === undefined ? {} : { abortSignal: params.signal };
}
