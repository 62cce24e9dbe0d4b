import pRetry from 'p-retry';
import type { Storage } from '../../storage/index.js';
import { isNotFound, isPreconditionFailed, type Hardware } from '../../src/index.js';

/** One host enrolled in the environment: all that is needed to reach and release it later. */
export interface Enrolment {
  readonly instanceId: string;
  readonly user: string;
  readonly host: string;
  readonly port: number;
  readonly hostKeys: readonly string[];
  /** The environment's client key line added to the user's authorized_keys (removed on release). */
  readonly authorizedKey?: string;
  readonly hardware?: Hardware;
  /** The tags the start was given (ownership, machine id, name): a host carries none, so its enrolment keeps them for every listing. */
  readonly tags?: Readonly<Record<string, string>>;
  /** The identity file it was enrolled with (a path, never the key), so that a later destroy without `--identity` still logs in. */
  readonly identityFile?: string;
  readonly enrolledAt: string;
}

/** The object the enrolled hosts are listed in, beside provider-state, in the environment's storage. */
const objectName = 'manual-hosts.json';

/**
 * The environment's enrolled hosts. Kept apart from provider-state because it is written
 * before a host is touched and removed after it is released: whatever happens in between
 * (a crash, a failed bootstrap), destroy still finds the host.
 */
export async function listEnrolments(storage: Storage, signal?: AbortSignal): Promise<Enrolment[]> {
  try {
    const { body } = await storage.get({ key: objectName, ...(signal === undefined ? {} : { signal }) });
    const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as { hosts?: Enrolment[] };
    return parsed.hosts ?? [];
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

/** Adds or replaces one host's enrolment (compare-and-swap, retried when another writer won). */
export function enrol(storage: Storage, enrolment: Enrolment, signal?: AbortSignal): Promise<void> {
  return update(storage, (hosts) => [...hosts.filter((h) => h.instanceId !== enrolment.instanceId), enrolment], signal);
}

/** Forgets hosts; ids not enrolled are ignored. */
export function forget(storage: Storage, instanceIds: readonly string[], signal?: AbortSignal): Promise<void> {
  return update(storage, (hosts) => hosts.filter((h) => !instanceIds.includes(h.instanceId)), signal);
}

async function update(storage: Storage, change: (hosts: Enrolment[]) => Enrolment[], signal: AbortSignal | undefined): Promise<void> {
  const signalled = signal === undefined ? {} : { signal };
  await pRetry(
    async () => {
      let current: { hosts: Enrolment[]; version?: string };
      try {
        const read = await storage.get({ key: objectName, ...signalled });
        current = { hosts: (JSON.parse(Buffer.from(read.body).toString('utf8')) as { hosts?: Enrolment[] }).hosts ?? [], version: read.version };
      } catch (error) {
        if (!isNotFound(error)) throw error;
        current = { hosts: [] };
      }
      const body = `${JSON.stringify({ hosts: change(current.hosts) }, null, 2)}\n`;
      const condition = current.version === undefined ? { ifAbsent: true as const } : { ifVersion: current.version };
      await storage.put({ key: objectName, body, condition, ...signalled });
    },
    { retries: 50, minTimeout: 5, maxTimeout: 100, randomize: true, shouldRetry: ({ error }) => isPreconditionFailed(error), ...signalled },
  );
}
