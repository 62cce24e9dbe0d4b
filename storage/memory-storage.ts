import type {
  DeleteParams,
  GetParams,
  ListParams,
  ListResult,
  PutParams,
  PutResult,
  Storage,
  StoredObject,
} from './storage.js';
import { compareKeys, listLimit, toBytes, validateKey, validatePrefix } from './keys.js';
import { notFound, preconditionFailed, throwIfAborted } from './storage-errors.js';
import { settle } from './settle.js';

interface Entry {
  readonly body: Uint8Array;
  readonly version: string;
}

/**
 * Storage held in this process's memory, for tests and for libraries that want a
 * throwaway environment. Versions are generation numbers, so writing the same bytes twice
 * still yields a new version.
 */
export class MemoryStorage implements Storage {
  readonly description: string;
  readonly #objects = new Map<string, Entry>();
  #generation = 0;

  constructor(params: { name?: string } = {}) {
    this.description = `memory storage ${params.name ?? ''}`.trim();
  }

  get(params: GetParams): Promise<StoredObject> {
    return settle(() => {
      throwIfAborted(params.signal);
      validateKey(params.key);
      const entry = this.#objects.get(params.key);
      if (entry === undefined) throw notFound(this.description, params.key);
      return { key: params.key, body: new Uint8Array(entry.body), version: entry.version };
    });
  }

  put(params: PutParams): Promise<PutResult> {
    return settle(() => {
      throwIfAborted(params.signal);
      validateKey(params.key);
      const current = this.#objects.get(params.key);
      const condition = params.condition;
      if (condition !== undefined && 'ifAbsent' in condition && current !== undefined) {
        throw preconditionFailed(this.description, params.key, 'it already exists');
      }
      if (condition !== undefined && 'ifVersion' in condition && current?.version !== condition.ifVersion) {
        const why = current === undefined ? 'it no longer exists' : 'it changed since it was read';
        throw preconditionFailed(this.description, params.key, why);
      }
      this.#generation += 1;
      const version = String(this.#generation);
      this.#objects.set(params.key, { body: new Uint8Array(toBytes(params.body)), version });
      return { version };
    });
  }

  delete(params: DeleteParams): Promise<void> {
    return settle(() => {
      throwIfAborted(params.signal);
      validateKey(params.key);
      const current = this.#objects.get(params.key);
      if (params.ifVersion !== undefined && current !== undefined && current.version !== params.ifVersion) {
        throw preconditionFailed(this.description, params.key, 'it changed since it was read');
      }
      this.#objects.delete(params.key);
    });
  }

  list(params: ListParams): Promise<ListResult> {
    return settle(() => this.#list(params));
  }

  #list(params: ListParams): ListResult {
    throwIfAborted(params.signal);
    const prefix = params.prefix ?? '';
    validatePrefix(prefix);
    const limit = listLimit(params.limit);
    const keys = [...this.#objects.keys()]
      .filter((key) => key.startsWith(prefix) && (params.cursor === undefined || compareKeys(key, params.cursor) > 0))
      .sort(compareKeys);
    const page = keys.slice(0, limit);
    const objects = page.map((key) => {
      const entry = this.#objects.get(key) as Entry;
      return { key, size: entry.body.byteLength, version: entry.version };
    });
    const last = page.at(-1);
    return keys.length > limit && last !== undefined ? { objects, cursor: last } : { objects };
  }

  removeAll(params: { signal?: AbortSignal } = {}): Promise<void> {
    return settle(() => {
      throwIfAborted(params.signal);
      this.#objects.clear();
    });
  }
}

