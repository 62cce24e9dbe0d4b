import { constants } from 'node:os';

/** The number of a signal by name (`SIGTERM` → 15), for exit statuses of 128 + N; 0 for a name this platform does not know. */
export function signalNumber(name: string | undefined): number {
  const numbers: Readonly<Record<string, number | undefined>> = constants.signals;
  return name === undefined ? 0 : (numbers[name] ?? 0);
}
