/**
 * Runs synchronous work and returns its outcome as a promise, so that a validation
 * failure reaches the caller as a rejection, like every other storage failure, instead
 * of a synchronous throw from a method that returns a promise.
 */
export function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => {
    resolve(work());
  });
}
