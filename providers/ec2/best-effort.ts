import { asError } from '../../src/index.js';
import { awsCodeOf } from './aws-code.js';

/**
 * Removal that keeps going: each resource is tried, what went is listed in `removed`, what
 * would not in `failures`; a resource EC2 says is gone (`*.NotFound`) is no failure.
 */
export class BestEffort {
  readonly removed: string[] = [];
  readonly failures: { resource: string; error: Error }[] = [];

  /** `goneIsRemoved`: list a resource already gone as removed (the caller asked for it by name). */
  async attempt(resource: string, run: () => Promise<unknown>, options: { goneIsRemoved?: boolean } = {}): Promise<void> {
    try {
      await run();
      this.removed.push(resource);
    } catch (error) {
      if (awsCodeOf(error)?.endsWith('.NotFound') !== true) this.failures.push({ resource, error: asError(error) });
      else if (options.goneIsRemoved === true) this.removed.push(resource);
    }
  }
}
