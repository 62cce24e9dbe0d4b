import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { palette } from '../../../../src/cli/output/color.js';
import { hintNamer } from '../../../../src/cli/output/hint-commands.js';
import { JsonReporter } from '../../../../src/cli/output/json-reporter.js';
import { namingReporter } from '../../../../src/cli/output/naming-reporter.js';
import { PlainReporter } from '../../../../src/cli/output/plain-reporter.js';
import type { CommandFailure, Reporter } from '../../../../src/cli/output/reporter.js';
import { ConfigError, ErrorCode, EnvbootError, isConfigError } from '../../../../src/errors/index.js';
import type { FlowEvent } from '../../../../src/provision/events.js';

const name = hintNamer({ programName: './bin/envboot', commands: ['status', 'destroy', 'logs'] });

/** A reporter that keeps what it was given. */
function recording(): Reporter & { readonly calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    event: (event) => calls.push(['event', event]),
    notice: (level, message) => calls.push(['notice', level, message]),
    succeed: (outcome) => calls.push(['succeed', outcome]),
    fail: (failure) => calls.push(['fail', failure]),
    close: () => calls.push(['close']),
  };
}

function stream(): { stream: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream: out, text: () => text };
}

describe('namingReporter: what a command prints suggests commands that work', () => {
  it("renames notices and the outcome's text, and passes the outcome's json through as data", () => {
    const inner = recording();
    const reporter = namingReporter(inner, name);
    reporter.notice('warn', 'run "envboot destroy demo" to remove it');
    reporter.succeed({ text: 'Next: envboot status demo', json: { next: 'envboot status demo' } });
    reporter.close();
    assert.deepEqual(inner.calls, [
      ['notice', 'warn', 'run "./bin/envboot destroy demo" to remove it'],
      ['succeed', { text: 'Next: ./bin/envboot status demo', json: { next: 'envboot status demo' } }],
      ['close'],
    ]);
  });

  it('shows a verbatim outcome (a machine\'s logs, an ssh_config) byte for byte', () => {
    const inner = recording();
    const logs = { text: '== configure.log ==\nhint: envboot status demo\n', json: null, verbatim: true };
    namingReporter(inner, name).succeed(logs);
    assert.deepEqual(inner.calls, [['succeed', logs]]);
  });

  it("renames events' messages and reasons, and leaves machines' output as the machine wrote it", () => {
    const inner = recording();
    const reporter = namingReporter(inner, name);
    const events: FlowEvent[] = [
      { type: 'warning', message: 'envboot status demo shows it' },
      { type: 'cleanup.kept', resource: 'machine 1', reason: 'envboot logs demo 1 shows why' },
      { type: 'configure', machineId: '0', event: { type: 'configure.output', stream: 'stdout', line: 'envboot status demo' } },
    ];
    for (const event of events) reporter.event(event);
    assert.deepEqual(inner.calls.map((call) => call[1]), [
      { type: 'warning', message: './bin/envboot status demo shows it' },
      { type: 'cleanup.kept', resource: 'machine 1', reason: './bin/envboot logs demo 1 shows why' },
      events[2],
    ]);
  });

  it("renames an error's message and problems but keeps its class, code and cause, and leaves the original as it was", () => {
    const inner = recording();
    const cause = new Error('disk full');
    const error = new ConfigError('bad environment: run "envboot status demo"', {
      problems: [{ path: 'demo', message: 'see envboot status demo' }],
      cause,
    });
    namingReporter(inner, name).fail({ error, exitCode: 2, outcome: { text: 'envboot destroy demo', json: null } });
    const failure = inner.calls[0]?.[1] as CommandFailure;
    const renamed = failure.error as ConfigError;
    assert.ok(renamed instanceof ConfigError && isConfigError(renamed));
    assert.equal(renamed.code, ErrorCode.ConfigInvalid);
    assert.equal(renamed.cause, cause);
    assert.match(renamed.message, /^bad environment: run "\.\/bin\/envboot status demo"/);
    assert.deepEqual(renamed.problems, [{ path: 'demo', message: 'see ./bin/envboot status demo' }]);
    assert.equal(failure.exitCode, 2);
    assert.deepEqual(failure.outcome, { text: './bin/envboot destroy demo', json: null });
    assert.match(error.message, /run "envboot status demo"/, 'the original error is not changed');
    assert.equal(error.problems[0]?.message, 'see envboot status demo');
  });

  it('prints the renamed error on stderr and in --json, with its stable code', () => {
    const error = new EnvbootError(ErrorCode.NotFound, 'no such machine; "envboot status demo" lists them');
    const plainErr = stream();
    const plainOut = stream();
    namingReporter(new PlainReporter({ out: plainOut.stream, err: plainErr.stream, palette: palette(false), debug: false }), name).fail({ error, exitCode: 1 });
    assert.equal(plainErr.text(), 'Error: no such machine; "./bin/envboot status demo" lists them\n');
    const json = stream();
    namingReporter(new JsonReporter({ out: json.stream, command: 'exec' }), name).fail({ error, exitCode: 1 });
    const result = JSON.parse(json.text()) as { error: { code: string; message: string } };
    assert.deepEqual(result.error, { code: ErrorCode.NotFound, message: 'no such machine; "./bin/envboot status demo" lists them' });
  });

  it('passes a thrown string through the namer, and any other value unchanged', () => {
    const inner = recording();
    const reporter = namingReporter(inner, name);
    reporter.fail({ error: 'try envboot status demo', exitCode: 1 });
    reporter.fail({ error: 42, exitCode: 1 });
    assert.deepEqual(inner.calls.map((call) => (call[1] as CommandFailure).error), ['try ./bin/envboot status demo', 42]);
  });
});
