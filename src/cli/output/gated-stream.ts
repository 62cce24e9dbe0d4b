/**
 * `stream`, except that writes are dropped while `isOpen()` is false. After SIGHUP the
 * terminal is gone: writing to it fails, and on some systems brings Node down before the
 * clean-up the hang-up started could finish. The command carries on without a display.
 */
export function gatedStream<T extends NodeJS.WritableStream>(stream: T, isOpen: () => boolean): T {
  return new Proxy(stream, {
    get(target, property) {
      if (property === 'write') {
        return (...args: Parameters<T['write']>) => (isOpen() ? (target.write as (...a: unknown[]) => boolean)(...args) : true);
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
