import { throwIfCancelled } from '../errors/index.js';
import type { Environ, PreflightParams, PreflightResult, PrepareParams, PrepareResult, TeardownParams, TeardownResult } from './environ.js';

/**
 * The optional parts of the Environ contract, called with their common defaults, so that a
 * provider with nothing to check, share or tear down writes nothing for them. Common code
 * and the conformance kit call these, never the methods directly. A default still honours
 * cancellation, as the contract asks of every call.
 */

/** The provider's preflight, or nothing to check: no warnings, no checks. */
export async function preflightEnviron(environ: Environ, params: PreflightParams = {}): Promise<PreflightResult> {
  if (environ.preflight !== undefined) return environ.preflight(params);
  throwIfCancelled(params.signal, `${environ.provider} preflight`);
  return { warnings: [] };
}

/** The provider's shared resources, or none: machines share nothing. */
export async function prepareEnviron(environ: Environ, params: PrepareParams = {}): Promise<PrepareResult> {
  if (environ.prepare !== undefined) return environ.prepare(params);
  throwIfCancelled(params.signal, `preparing the ${environ.provider} environment`);
  return { resources: {}, created: false };
}

/** The provider's teardown, or nothing left once the instances are stopped. */
export async function tearDownEnviron(environ: Environ, params: TeardownParams = {}): Promise<TeardownResult> {
  if (environ.teardown !== undefined) return environ.teardown(params);
  throwIfCancelled(params.signal, `tearing down the ${environ.provider} environment`);
  return { removed: [], failures: [] };
}
