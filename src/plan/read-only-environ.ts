import type { Environ } from '../provider/index.js';

/** The Environ methods (of the contract and its abilities) that create, change or remove something. */
const changingMethods: ReadonlySet<string> = new Set(['prepare', 'startInstance', 'stopInstances', 'teardown', 'openPorts', 'closePorts']);
const changingStorage: ReadonlySet<string> = new Set(['put', 'delete', 'removeAll']);

/**
 * `environ` as planning may use it: every read passes through (each method bound to the
 * Environ itself, so providers' private state works), and a method that changes anything
 * rejects instead, on the Environ and on its storage alike. Planning goes through common
 * code that only reads; this makes a mistake there fail loudly rather than create something.
 */
export function readOnlyEnviron<E extends Environ>(environ: E): E {
  const storage = guarded(environ.storage(), changingStorage, `${environ.provider} storage`);
  return new Proxy(environ, {
    get(target, key) {
      if (key === 'storage') return () => storage;
      return guardedMember(target, key, changingMethods, `the ${target.provider} Environ`);
    },
  });
}

function guarded<T extends object>(subject: T, changing: ReadonlySet<string>, what: string): T {
  return new Proxy(subject, { get: (target, key) => guardedMember(target, key, changing, what) });
}

function guardedMember(target: object, key: string | symbol, changing: ReadonlySet<string>, what: string): unknown {
  const value: unknown = Reflect.get(target, key, target);
  if (typeof value !== 'function') return value;
  if (typeof key === 'string' && changing.has(key)) {
    return () => Promise.reject(new Error(`a plan must not change anything, but ${what}'s ${key} was called: this is a bug in envboot's planning`));
  }
  return (value as (...args: unknown[]) => unknown).bind(target);
}
