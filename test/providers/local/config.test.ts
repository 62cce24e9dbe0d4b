import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localProvider, parseDuration, validateLocalConfig } from '../../../providers/local/index.js';

describe('validateLocalConfig', () => {
  const defaults = { zones: ['local-a', 'local-b', 'local-c'], bootDelayMs: 0 };
  const accepted: [string, unknown, unknown][] = [
    ['no config', undefined, defaults],
    ['an empty mapping', {}, defaults],
    ['zones and a delay in ms', { zones: ['z1', 'z-2'], 'boot-delay': '500ms' }, { zones: ['z1', 'z-2'], bootDelayMs: 500 }],
    ['a delay in seconds', { 'boot-delay': '1.5s' }, { ...defaults, bootDelayMs: 1500 }],
    ['a delay as a number of ms', { 'boot-delay': 250 }, { ...defaults, bootDelayMs: 250 }],
  ];
  for (const [name, config, expected] of accepted) {
    it(`accepts ${name}`, () => {
      assert.deepEqual(validateLocalConfig(config), { ok: true, config: expected });
      assert.deepEqual(localProvider.validateConfig({ config }), { ok: true, config: expected });
    });
  }

  const refused: [string, unknown, string[]][] = [
    ['a list', ['local-a'], ['']],
    ['an empty zone list', { zones: [] }, ['zones']],
    ['bad and repeated zone names', { zones: ['ok', 'Bad_Zone', 'ok', 7] }, ['zones[1]', 'zones[2]', 'zones[3]']],
    ['a malformed delay', { 'boot-delay': 'soon' }, ['boot-delay']],
    ['a negative delay', { 'boot-delay': -1 }, ['boot-delay']],
    ['an unknown key, with every other problem', { zone: 'a', bootDelay: 'x', 'boot-delay': '2h' }, ['zone', 'bootDelay', 'boot-delay']],
  ];
  for (const [name, config, paths] of refused) {
    it(`refuses ${name}, with a path for each problem`, () => {
      const result = validateLocalConfig(config);
      assert.ok(!result.ok);
      assert.deepEqual(result.problems.map((p) => p.path), paths);
      for (const problem of result.problems) assert.ok(problem.message.length > 20, problem.message);
    });
  }

  it('says which key was meant', () => {
    const result = validateLocalConfig({ zone: ['a'], boot_delay: '1s' });
    assert.ok(!result.ok);
    assert.match(result.problems[0]?.message ?? '', /did you mean "zones"\?/);
    assert.match(result.problems[1]?.message ?? '', /did you mean "boot-delay"\?/);
  });

  it('parses durations', () => {
    assert.deepEqual(['0', '10', '10ms', '2s', '0.5s', '1m', '', 'ms', '1h', '-1s'].map((d) => parseDuration(d)), [
      0, 10, 10, 2000, 500, 60_000, undefined, undefined, undefined, undefined,
    ]);
  });
});
