import { randomUUID } from 'node:crypto';
import { abilitiesOf, implementsAbility, preflightEnviron } from '../../provider/index.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { openEnviron } from '../environment/open-environment.js';
import { resolveEnvironment } from '../environment/resolve-environment.js';
import { formatTable } from '../output/describe-machine.js';

/**
 * `envboot providers --check ENV`: the environment's provider health, from its preflight
 * (read-only by contract, so nothing is created): every check that passed or could not be
 * made, and the warnings. A failing check is the preflight's error, with its exit code
 * (3 for refused credentials, 2 for bad config).
 */
export async function runProviderCheck(context: CommandContext, input: { environment: string }): Promise<CommandResult> {
  const environment = await resolveEnvironment({ context, name: input.environment, purpose: 'existing' });
  // Preflight reads nothing of the environment's identity: a stand-in UUID serves an environment not bootstrapped yet.
  const environ = await openEnviron({ context, environment, uuid: environment.record?.uuid ?? randomUUID() });
  const result = await preflightEnviron(environ, { signal: context.signal });
  const checks = result.checks ?? [];
  const rows = checks.map((check) => [check.name, check.status, check.detail]);
  const abilities = abilitiesOf(environ);
  const text = [
    `Provider ${environ.provider} for environment "${environment.name}": ${checks.some((c) => c.status !== 'ok') ? 'healthy, with checks it could not make' : 'healthy'}.`,
    ...(rows.length > 0
      ? [formatTable(['Check', 'Status', 'Detail'], rows)]
      : implementsAbility(environ, 'preflight')
        ? ['(the provider reports no individual checks; its preflight passed)']
        : ['(the provider has no preflight: there is nothing to check before a bootstrap)']),
    `Abilities: ${abilities.join(', ') || 'none'}.`,
    ...result.warnings.map((warning) => `warning: ${warning}`),
  ].join('\n');
  return { outcome: { json: { environment: environment.name, provider: environ.provider, healthy: true, checks, warnings: result.warnings, abilities }, text } };
}
