import assert from 'node:assert/strict';
import type { Environ } from '../../../src/index.js';
import type { FakeEnviron } from '../../../src/testing/index.js';

/** The fake Environ's methods that only read: a plan may call these and nothing else. */
export const readingMethods: ReadonlySet<string> = new Set([
  'preflight',
  'availabilityZones',
  'instanceZones',
  'deriveZones',
  'instanceTypes',
  'allInstances',
  'instances',
  'ingressRules',
  'instanceUserData',
  'planStart',
]);

/** Asserts that every call the fake received since `from` only read. */
export function assertOnlyReads(environ: FakeEnviron, from = 0): void {
  const changing = environ.calls.slice(from).map((call) => call.method).filter((method) => !readingMethods.has(method));
  assert.deepEqual(changing, [], 'a plan called methods that change the cloud');
}

/** The distinct methods called since `from`, in order of first call, `planStart` left out (it is the plan's own). */
export function methodsCalled(environ: FakeEnviron, from = 0): string[] {
  return [...new Set(environ.calls.slice(from).map((call) => call.method).filter((method) => method !== 'planStart'))];
}

/** `environ` without some of its methods: a provider that lacks those abilities (`planStart`, the firewall, …). */
export function without<E extends Environ>(environ: E, methods: readonly string[]): E {
  return new Proxy(environ, {
    get(target, key) {
      if (typeof key === 'string' && methods.includes(key)) return undefined;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The error a promise rejects with (failing the test when it resolves). */
export async function failureOf(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => assert.fail('expected a rejection'),
    (error: unknown) => (error instanceof Error ? error : assert.fail(`rejected with a non-error: ${String(error)}`)),
  );
}
