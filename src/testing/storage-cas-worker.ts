/**
 * A child process of the storage conformance suite: opens a storage with the opener the
 * suite was given and makes a number of compare-and-swap increments on one counter.
 * Arguments: one JSON object `{ module, arg, key, increments }`.
 */
import type { Storage } from '../../storage/index.js';
import { incrementCounter } from './cas-counter.js';

interface WorkerArgs {
  readonly module: string;
  readonly arg: unknown;
  readonly key: string;
  readonly increments: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as WorkerArgs;
const opener = (await import(args.module)) as { openStorage: (arg: unknown) => Storage | Promise<Storage> };
const storage = await opener.openStorage(args.arg);
for (let i = 0; i < args.increments; i += 1) await incrementCounter(storage, args.key);
