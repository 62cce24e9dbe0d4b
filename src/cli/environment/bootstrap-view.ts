import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { bootstrapProgress, type ProviderState, type RecordedFailure } from '../../state/index.js';
import { holderIsGone, parseHolder, thisHost, type LockHolder } from '../../util/lock-holder.js';

/**
 * The bootstrap as `status` reports it: `complete`; `in-progress` while an envboot
 * bootstrap on this client holds the environment's lock; `failed` when it failed and what
 * it made was kept; `interrupted` when it started and nothing runs it any more (killed,
 * crashed, or running from another client, whose lock this client cannot see).
 */
export type BootstrapStatus = 'complete' | 'in-progress' | 'failed' | 'interrupted';

export interface BootstrapView {
  readonly status: BootstrapStatus;
  /** Why it failed, with `failed`. */
  readonly failure?: RecordedFailure;
  /** When it claimed the environment, as provider-state says. */
  readonly startedAt?: string;
  readonly completedAt?: string;
  /** The live envboot command holding this client's lock on the environment (a bootstrap or a destroy). */
  readonly runner?: LockHolder;
}

export interface BootstrapViewParams {
  /** provider-state; absent when there is none (yet, or any more). */
  readonly state: ProviderState | undefined;
  /** The environment's name: a runner is a bootstrap when its command is `envboot bootstrap NAME`. */
  readonly name: string;
  /** This client's directory for the environment: its lock is `<dir>.lock`. */
  readonly dir: string;
}

/**
 * How far the environment's bootstrap got: provider-state's marker, and this client's
 * environment lock to tell one still running from one that was killed. Undefined without
 * provider-state, unless a bootstrap runs that has not claimed it yet.
 */
export async function bootstrapView(params: BootstrapViewParams): Promise<BootstrapView | undefined> {
  const runner = await liveLockHolder(params.dir);
  const bootstrapping = runner !== undefined && runner.command === `envboot bootstrap ${params.name}`;
  const running = runner === undefined ? {} : { runner };
  if (params.state === undefined) return bootstrapping ? { status: 'in-progress', ...running } : undefined;
  const progress = bootstrapProgress(params.state);
  const at = params.state.fields['bootstrapped-at'];
  const startedAt = typeof at === 'string' ? { startedAt: at } : {};
  if (progress.status === 'complete') {
    return { status: 'complete', ...startedAt, ...(progress.completedAt === undefined ? {} : { completedAt: progress.completedAt }) };
  }
  if (progress.status === 'failed') {
    return { status: 'failed', ...startedAt, ...running, ...(progress.failure === undefined ? {} : { failure: progress.failure }) };
  }
  return { status: bootstrapping ? 'in-progress' : 'interrupted', ...startedAt, ...running };
}

/**
 * The holder of the environment lock (see `withEnvironmentLock`) while it runs; undefined
 * when there is no lock, its holder is gone, or it names no holder this envboot can read.
 * Only looks: never takes, breaks or changes the lock.
 */
export async function liveLockHolder(dir: string): Promise<LockHolder | undefined> {
  const text = await readFile(path.join(`${dir}.lock`, 'holder.json'), 'utf8').catch(() => undefined);
  const holder = text === undefined ? undefined : parseHolder(text);
  if (holder === undefined || holderIsGone(holder, { here: thisHost(), now: Date.now() })) return undefined;
  return holder;
}
