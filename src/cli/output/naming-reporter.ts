import type { FlowEvent } from '../../provision/events.js';
import type { HintNamer } from './hint-commands.js';
import type { CommandFailure, CommandOutcome, Reporter } from './reporter.js';

/**
 * A display whose messages suggest commands that work as printed: notices, event
 * messages, the outcome's text and the error's message pass through `name` (see
 * `hintNamer`) before `inner` shows them, on a terminal, as plain lines or as `--json`
 * alike. The outcome's `json` is data and machines' output is theirs: both pass unchanged.
 */
export function namingReporter(inner: Reporter, name: HintNamer): Reporter {
  return {
    event: (event) => { inner.event(namedEvent(event, name)); },
    notice: (level, message) => { inner.notice(level, name(message)); },
    succeed: (outcome) => { inner.succeed(namedOutcome(outcome, name)); },
    fail: (failure: CommandFailure) => {
      inner.fail({
        ...failure,
        error: namedError(failure.error, name),
        ...(failure.outcome === undefined ? {} : { outcome: namedOutcome(failure.outcome, name) }),
      });
    },
    close: () => { inner.close(); },
  };
}

function namedOutcome(outcome: CommandOutcome, name: HintNamer): CommandOutcome {
  return outcome.verbatim === true ? outcome : { ...outcome, text: name(outcome.text) };
}

function namedEvent(event: FlowEvent, name: HintNamer): FlowEvent {
  if ('message' in event) return { ...event, message: name(event.message) };
  if ('reason' in event) return { ...event, reason: name(event.reason) };
  return event;
}

/**
 * The error with its message (and its problems' messages) renamed; everything else (its
 * class, code, cause, console excerpt) is read through to the original, which stays as
 * it was for anyone else holding it.
 */
function namedError(error: unknown, name: HintNamer): unknown {
  if (!(error instanceof Error)) return typeof error === 'string' ? name(error) : error;
  const message = name(error.message);
  const problems = (error as { problems?: unknown }).problems;
  const renamedProblems = Array.isArray(problems) ? problems.map((problem: unknown) => namedProblem(problem, name)) : undefined;
  if (message === error.message && renamedProblems === undefined) return error;
  return Object.create(error, {
    message: { value: message, enumerable: false },
    ...(renamedProblems === undefined ? {} : { problems: { value: renamedProblems, enumerable: true } }),
  }) as Error;
}

function namedProblem(problem: unknown, name: HintNamer): unknown {
  if (problem === null || typeof problem !== 'object') return problem;
  const message = (problem as { message?: unknown }).message;
  return typeof message === 'string' ? { ...problem, message: name(message) } : problem;
}
