/**
 * The Storage contract: a small object store that keeps provider-state and whatever else
 * an environment needs to find again later. Implementations: filesystem (the local
 * default), S3, memory (tests). Every implementation runs the shared conformance suite
 * (`describeStorageConformance` from `envboot/testing`).
 *
 * Keys are `/`-separated relative paths (see `validateKey`). Bodies are bytes. A
 * *version* is an opaque string that changes whenever an object's content is replaced
 * (an S3 ETag, a content hash or generation for the filesystem); compare-and-swap works
 * by handing the version read back in `put`'s condition.
 *
 * Errors carry the same stable codes as envboot's error family (`NOT_FOUND`,
 * `PRECONDITION_FAILED`, `CONFIG_INVALID`, `CANCELLED`), so the library's guards
 * classify them without storage/ depending on the rest of envboot.
 */
export interface Storage {
  /** A short human description, e.g. `filesystem /var/lib/envboot/prod` or `s3://bucket/prefix`. */
  readonly description: string;

  /**
   * Reads an object and its version.
   * Throws `NOT_FOUND` when the key does not exist. Safe to call concurrently with writes:
   * it returns either the old or the new content in full, never a mix.
   */
  get(params: GetParams): Promise<StoredObject>;

  /**
   * Writes an object.
   * - no condition: create or replace unconditionally;
   * - `{ ifAbsent: true }`: create only; `PRECONDITION_FAILED` when the key exists;
   * - `{ ifVersion }`: replace only if the current version equals `ifVersion`;
   *   `PRECONDITION_FAILED` when it differs or the object has gone.
   * Writes are atomic: a reader never sees a partial body. Concurrent conditional writes
   * to one key from any number of processes succeed for exactly one writer per version.
   */
  put(params: PutParams): Promise<PutResult>;

  /**
   * Deletes an object. Idempotent: deleting a missing key succeeds. With `ifVersion`,
   * deletes only that version (`PRECONDITION_FAILED` otherwise).
   */
  delete(params: DeleteParams): Promise<void>;

  /**
   * Lists keys that start with `prefix`, in ascending byte order, one page at a time.
   * Pass the returned `cursor` back to get the next page; no cursor means the end.
   */
  list(params: ListParams): Promise<ListResult>;

  /**
   * Deletes every object in this storage, and the storage's own container where the
   * implementation owns one (the filesystem root, a bucket envboot created). Idempotent.
   */
  removeAll(params?: RemoveAllParams): Promise<void>;
}

/** The condition a write must meet. */
export type PutCondition = { readonly ifAbsent: true } | { readonly ifVersion: string };

export interface GetParams {
  readonly key: string;
  readonly signal?: AbortSignal;
}

export interface StoredObject {
  readonly key: string;
  readonly body: Uint8Array;
  readonly version: string;
}

export interface PutParams {
  readonly key: string;
  readonly body: Uint8Array | string;
  readonly condition?: PutCondition;
  readonly signal?: AbortSignal;
}

export interface PutResult {
  /** The version of the object just written. */
  readonly version: string;
}

export interface DeleteParams {
  readonly key: string;
  readonly ifVersion?: string;
  readonly signal?: AbortSignal;
}

export interface ListParams {
  readonly prefix?: string;
  /** At most this many keys per page; implementations may return fewer. Default 1,000. */
  readonly limit?: number;
  /** The `cursor` of the previous page. */
  readonly cursor?: string;
  readonly signal?: AbortSignal;
}

export interface ListedObject {
  readonly key: string;
  readonly size: number;
  readonly version: string;
}

export interface ListResult {
  readonly objects: readonly ListedObject[];
  /** Present when more keys follow. */
  readonly cursor?: string;
}

export interface RemoveAllParams {
  readonly signal?: AbortSignal;
}
