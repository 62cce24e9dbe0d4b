import { ConfigError } from '../../errors/index.js';
import { canCleanUp, type FindLeftoversResult, type Leftover } from '../../provider/index.js';
import { printableExcerpt } from '../../state/printable-excerpt.js';
import { formatDuration } from '../../util/duration.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { confirm } from './confirm.js';

export interface CleanupInput {
  readonly provider: string;
  readonly region?: string;
  readonly olderThanMs?: number;
  /** Also environments whose expiry has passed (see `FindLeftoversParams.expired`). */
  readonly expired?: boolean;
  readonly dryRun: boolean;
  readonly yes: boolean;
}

/**
 * `envboot cleanup --provider P [--region R] [--older-than D] [--expired] [--dry-run]`:
 * finds every resource envboot tagged, in the whole account and region, whose environment
 * is gone (no provider-state where its tags say, or provider-state of a newer environment),
 * that is older than the cutoff, or whose expiry has passed (and then its environment's
 * provider-state), lists them, and removes them unless `--dry-run`. Needs no
 * environments.yaml and no local records: the tags are enough.
 */
export async function runCleanup(context: CommandContext, input: CleanupInput): Promise<CommandResult> {
  const provider = await context.providers.load(input.provider);
  if (!canCleanUp(provider)) {
    throw new ConfigError(`the ${input.provider} provider has nothing to clean up across environments; use "envboot destroy ENV" for one environment`);
  }
  const scope = input.region === undefined ? {} : { region: input.region };
  const started = performance.now();
  context.reporter.notice('info', `looking for leftovers of the ${input.provider} provider${input.region === undefined ? '' : ` in ${input.region}`}…`);
  const cutoff = input.olderThanMs === undefined ? {} : { olderThanMs: input.olderThanMs };
  const found = await provider.findLeftovers({ scope, ...cutoff, ...(input.expired === true ? { expired: true } : {}), signal: context.signal });
  reportUndecided(context, found.undecided);
  const listing = found.leftovers.map(describeLeftover);
  if (found.leftovers.length === 0 || input.dryRun) {
    const verdict = found.leftovers.length === 0 ? 'No leftovers found.' : `${found.leftovers.length} leftover(s) found; --dry-run removed nothing:`;
    return { outcome: { json: { dryRun: input.dryRun, leftovers: found.leftovers.map(leftoverJson), undecided: found.undecided, removed: [], failures: [] }, text: [verdict, ...listing].join('\n') } };
  }
  const confirmed = await confirm({
    context,
    question: `Remove ${found.leftovers.length} leftover resource(s)?\n${listing.join('\n')}\n`,
    yes: input.yes,
    flagHint: 'removing leftovers needs confirmation',
  });
  if (!confirmed) throw new Error('nothing was removed');
  const result = await provider.removeLeftovers({ scope, leftovers: found.leftovers, signal: context.signal });
  const json = {
    dryRun: false,
    leftovers: found.leftovers.map(leftoverJson),
    undecided: found.undecided,
    removed: result.removed,
    failures: result.failures.map((f) => ({ resource: f.resource, message: f.error.message })),
  };
  const elapsed = formatDuration(Math.round(performance.now() - started));
  const lines = [`Removed ${result.removed.length} leftover resource(s) in ${elapsed}.`, ...result.failures.map((f) => `  left: ${f.resource}: ${f.error.message}`)];
  if (result.failures.length === 0) return { outcome: { json, text: lines.join('\n') } };
  return { outcome: { json, text: lines.join('\n') }, exitCode: 1, error: new Error('some leftovers could not be removed (listed above); run "envboot cleanup" again') };
}

/**
 * Environments kept because their state could not be judged (unreadable, corrupt, or not
 * named by their tags): a sweep of a whole account must not remove an environment that
 * may be in use. Each is named, with why, and the ways to remove it are said once.
 */
function reportUndecided(context: CommandContext, undecided: FindLeftoversResult['undecided']): void {
  for (const environment of undecided) {
    context.reporter.notice('warn', `kept ${printable(environment.environment)}: ${printable(environment.reason)}`);
  }
  if (undecided.length === 0) return;
  context.reporter.notice(
    'info',
    'an environment whose state cannot be judged is kept: "envboot destroy ENV" removes it by its ownership tag from a client that knows it, ' +
      'and --older-than D includes its resources older than D',
  );
}

// Tags and reasons come from the cloud and from provider-state, which others can write.
function printable(text: string): string {
  return printableExcerpt(text, 300);
}

function describeLeftover(leftover: Leftover): string {
  const environment = `${leftover.environment.name ?? '?'} (${leftover.environment.uuid})`;
  return printable(`  ${leftover.kind} ${leftover.id} of ${environment}: ${leftover.reason}`);
}

function leftoverJson(leftover: Leftover): unknown {
  return { ...leftover, ...(leftover.createdAt === undefined ? {} : { createdAt: leftover.createdAt.toISOString() }) };
}
