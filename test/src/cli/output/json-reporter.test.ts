import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../../src/errors/index.js';
import { JsonReporter } from '../../../../src/cli/output/json-reporter.js';

function lines(): { reporter: JsonReporter; read: () => Record<string, unknown>[] } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return {
    reporter: new JsonReporter({ out, command: 'bootstrap' }),
    read: () => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('--json output', () => {
  it('writes each event as one line with its time, and the result as the last line', () => {
    const { reporter, read } = lines();
    reporter.event({ type: 'phase.started', phase: 'preflight' });
    reporter.notice('warn', 'careful');
    reporter.succeed({ json: { controller: { id: '0' } }, text: 'ignored in JSON mode' });
    reporter.event({ type: 'phase.started', phase: 'claim' });
    const [event, notice, result, ...rest] = read();
    assert.equal(event?.['type'], 'phase.started');
    assert.ok(!Number.isNaN(Date.parse(String(event['time']))));
    assert.deepEqual({ ...notice, time: undefined }, { type: 'notice', level: 'warn', message: 'careful', time: undefined });
    assert.deepEqual(result, { type: 'result', command: 'bootstrap', ok: true, exitCode: 0, result: { controller: { id: '0' } } });
    assert.deepEqual(rest, [], 'nothing follows the result');
  });

  it('reports a failure with its code, message, problems and causes', () => {
    const { reporter, read } = lines();
    const error = new ConfigError('bad constraints', { problems: [{ path: 'mem', message: 'not a size' }], cause: new Error('underlying') });
    reporter.fail({ error, exitCode: 2, outcome: { json: { partial: true }, text: '' } });
    const [result] = read();
    assert.equal(result?.['ok'], false);
    assert.equal(result['exitCode'], 2);
    assert.deepEqual(result['result'], { partial: true });
    const described = result['error'] as { code: string; problems: unknown[]; causes: unknown[] };
    assert.equal(described.code, 'CONFIG_INVALID');
    assert.deepEqual(described.problems, [{ path: 'mem', message: 'not a size' }]);
    assert.deepEqual(described.causes, [{ message: 'underlying' }]);
  });

  it('reports an error without an envboot code as FAILED, keeping foreign codes among the causes', () => {
    const { reporter, read } = lines();
    const error = new Error('could not remove everything', { cause: Object.assign(new Error('disk'), { code: 'EACCES' }) });
    reporter.fail({ error, exitCode: 1 });
    const described = read()[0]?.['error'] as { code: string; causes: unknown[] };
    assert.equal(described.code, 'FAILED');
    assert.deepEqual(described.causes, [{ code: 'EACCES', message: 'disk' }]);
  });
});
