import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, readFile, readdir, rename, rm, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type {
  DeleteParams,
  GetParams,
  ListParams,
  ListResult,
  ListedObject,
  PutParams,
  PutResult,
  Storage,
  StoredObject,
} from './storage.js';
import { compareKeys, listLimit, toBytes, validateKey, validatePrefix } from './keys.js';
import { notFound, preconditionFailed, throwIfAborted } from './storage-errors.js';
import { keyOfObjectFile, layoutFor, objectPath, prefixOfDirectory, type FilesystemLayout } from './filesystem-layout.js';
import { withKeyLock } from './file-lock.js';

/** Only the owner may look inside: provider-state lives in the 0700 environment directory. */
const privateDirMode = 0o700;

export interface FilesystemStorageParams {
  /** The directory that holds the store; created on first write, with its missing parents, 0700 (objects are 0600). */
  readonly root: string;
}

/**
 * Storage in a local directory: the default for the local and manual providers.
 * Writes go to a temporary file that is flushed and renamed into place, so readers see
 * whole objects only; conditional writes take a per-key lock that holds across
 * processes. Versions are SHA-256 content hashes.
 */
export class FilesystemStorage implements Storage {
  readonly description: string;
  readonly #layout: FilesystemLayout;

  constructor(params: FilesystemStorageParams) {
    this.#layout = layoutFor(params.root);
    this.description = `filesystem storage ${this.#layout.root}`;
  }

  async get(params: GetParams): Promise<StoredObject> {
    throwIfAborted(params.signal);
    validateKey(params.key);
    const body = await this.#read(params.key);
    if (body === undefined) throw notFound(this.description, params.key);
    return { key: params.key, body, version: versionOf(body) };
  }

  async put(params: PutParams): Promise<PutResult> {
    throwIfAborted(params.signal);
    validateKey(params.key);
    const file = objectPath(this.#layout, params.key);
    const body = toBytes(params.body);
    const condition = params.condition;
    return withKeyLock(this.#layout.locks, params.key, async () => {
      if (condition !== undefined) {
        const current = await this.#read(params.key);
        if ('ifAbsent' in condition && current !== undefined) {
          throw preconditionFailed(this.description, params.key, 'it already exists');
        }
        if ('ifVersion' in condition && (current === undefined || versionOf(current) !== condition.ifVersion)) {
          const why = current === undefined ? 'it no longer exists' : 'it changed since it was read';
          throw preconditionFailed(this.description, params.key, why);
        }
      }
      await this.#writeAtomically(file, body);
      return { version: versionOf(body) };
    });
  }

  async delete(params: DeleteParams): Promise<void> {
    throwIfAborted(params.signal);
    validateKey(params.key);
    const file = objectPath(this.#layout, params.key);
    await withKeyLock(this.#layout.locks, params.key, async () => {
      if (params.ifVersion !== undefined) {
        const current = await this.#read(params.key);
        if (current !== undefined && versionOf(current) !== params.ifVersion) {
          throw preconditionFailed(this.description, params.key, 'it changed since it was read');
        }
      }
      await unlink(file).catch(ignoreCode('ENOENT'));
    });
    await this.#pruneEmptyParents(path.dirname(file));
  }

  async list(params: ListParams): Promise<ListResult> {
    throwIfAborted(params.signal);
    const prefix = params.prefix ?? '';
    validatePrefix(prefix);
    const limit = listLimit(params.limit);
    const keys = (await this.#walk(this.#layout.objects, [], prefix))
      .filter((key) => params.cursor === undefined || compareKeys(key, params.cursor) > 0)
      .sort(compareKeys);
    const page: ListedObject[] = [];
    for (const key of keys) {
      if (page.length === limit) break;
      throwIfAborted(params.signal);
      const body = await this.#read(key);
      if (body !== undefined) page.push({ key, size: body.byteLength, version: versionOf(body) });
    }
    const last = page.at(-1);
    const more = last !== undefined && compareKeys(keys.at(-1) ?? '', last.key) > 0;
    return more ? { objects: page, cursor: last.key } : { objects: page };
  }

  async removeAll(params: { signal?: AbortSignal } = {}): Promise<void> {
    throwIfAborted(params.signal);
    await rm(this.#layout.root, { recursive: true, force: true, maxRetries: 3 });
  }

  async #read(key: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(objectPath(this.#layout, key));
    } catch (error) {
      // ENOTDIR: a parent segment of the key is itself an object, so the key is absent.
      if (hasCode(error, 'ENOENT') || hasCode(error, 'ENOTDIR')) return undefined;
      throw error;
    }
  }

  async #writeAtomically(file: string, body: Uint8Array): Promise<void> {
    await mkdir(this.#layout.temp, { recursive: true, mode: privateDirMode });
    const temp = path.join(this.#layout.temp, `${randomUUID()}.tmp`);
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(body);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      // A concurrent delete of a sibling may prune the parent between mkdir and rename.
      for (let attempt = 0; ; attempt += 1) {
        await mkdir(path.dirname(file), { recursive: true, mode: privateDirMode });
        try {
          await rename(temp, file);
          return;
        } catch (error) {
          if (!hasCode(error, 'ENOENT') || attempt >= 5) throw error;
        }
      }
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  async #walk(dir: string, segments: readonly string[], prefix: string): Promise<string[]> {
    const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
      if (hasCode(error, 'ENOENT')) return [];
      throw error;
    });
    const keys: string[] = [];
    for (const entry of entries) {
      const childSegments = [...segments, entry.name];
      if (entry.isDirectory()) {
        const dirPrefix = prefixOfDirectory(childSegments);
        if (dirPrefix === undefined) continue;
        if (!dirPrefix.startsWith(prefix) && !prefix.startsWith(dirPrefix)) continue;
        keys.push(...(await this.#walk(path.join(dir, entry.name), childSegments, prefix)));
      } else if (entry.isFile()) {
        const key = keyOfObjectFile(childSegments);
        if (key?.startsWith(prefix) === true) keys.push(key);
      }
    }
    return keys;
  }

  async #pruneEmptyParents(dir: string): Promise<void> {
    for (let current = dir; current.startsWith(this.#layout.objects + path.sep); current = path.dirname(current)) {
      try {
        await rmdir(current);
      } catch {
        return;
      }
    }
  }
}

function versionOf(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('hex');
}

function hasCode(error: unknown, code: string): boolean {
  return (error as { code?: unknown } | null)?.code === code;
}

function ignoreCode(code: string): (error: unknown) => void {
  return (error) => {
    if (!hasCode(error, code)) throw error;
  };
}
