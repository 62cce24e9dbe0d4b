import type { Storage } from '../../storage/index.js';

/**
 * Increments a decimal counter stored at `key` by read–modify–compare-and-swap, retrying
 * when another writer wins. The counter ends at exactly the number of increments made by
 * all writers together only if the storage's conditional writes are correct.
 */
export async function incrementCounter(storage: Storage, key: string): Promise<void> {
  for (let attempt = 0; attempt < 10_000; attempt += 1) {
    let current: { value: number; version: string } | undefined;
    try {
      const stored = await storage.get({ key });
      current = { value: Number(Buffer.from(stored.body).toString('utf8')), version: stored.version };
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'NOT_FOUND') throw error;
    }
    try {
      const body = String((current?.value ?? 0) + 1);
      const condition = current === undefined ? ({ ifAbsent: true } as const) : { ifVersion: current.version };
      await storage.put({ key, body, condition });
      return;
    } catch (error) {
      if ((error as { code?: unknown }).code !== 'PRECONDITION_FAILED') throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * Math.min(attempt + 1, 10)));
    }
  }
  throw new Error(`gave up incrementing ${key} after 10,000 lost races`);
}
