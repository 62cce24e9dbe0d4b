import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatProblem } from '../../../src/provider-config/index.js';
import { defaultEc2Config, validateEc2Config, type Ec2Config } from '../../../providers/ec2/index.js';
import { maxResourceTags, resourceTagProblems } from '../../../providers/ec2/config-tags.js';
import { formatTtl, parseTtl } from '../../../providers/ec2/config-ttl.js';
import { ec2PlacementFlags } from '../../../providers/ec2/placement-flags.js';

const base = { bucket: 'acme-envboot-state' };
const hour = 3_600_000;

function problemsOf(raw: Record<string, unknown>): string[] {
  const checked = validateEc2Config({ ...base, ...raw });
  return checked.ok ? [] : checked.problems.map(formatProblem);
}

function manyTags(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 'v']));
}

describe('ec2 resource-tags', () => {
  it('accepts a mapping of string values, keeping keys that differ only in case apart (AWS keys are case sensitive)', () => {
    const checked = validateEc2Config({ ...base, 'resource-tags': { 'cost-centre': '0042', Owner: 'ops', owner: 'dev', empty: '', 'a:b/c=d+e-f@g_h.i': 'Ünïcødé 42' } });
    assert.ok(checked.ok);
    assert.deepEqual(checked.config.resourceTags, { 'cost-centre': '0042', Owner: 'ops', owner: 'dev', empty: '', 'a:b/c=d+e-f@g_h.i': 'Ünïcødé 42' });
  });

  it('takes 44 tags and refuses 45: EC2 allows 50 per resource and envboot uses 6', () => {
    assert.equal(maxResourceTags, 44);
    assert.deepEqual(problemsOf({ 'resource-tags': manyTags(44) }), []);
    assert.deepEqual(problemsOf({ 'resource-tags': manyTags(45) }), [
      'resource-tags: has 45 tags; EC2 takes 50 per resource and envboot uses 6 of them, which leaves 44: drop 1',
    ]);
  });

  const refused: [string, Record<string, unknown>, RegExp][] = [
    ['envboot- keys (any case)', { 'Envboot-owner': 'x' }, /tag "Envboot-owner" starts with "Envboot-", which envboot reserves/],
    ['envboot: keys', { 'envboot:team': 'x' }, /tag "envboot:team" starts with "envboot:", which envboot reserves/],
    ['aws: keys (any case)', { 'AWS:cloudformation': 'x' }, /tag "AWS:cloudformation" starts with "aws:", which AWS reserves/],
    ['Name, which envboot sets', { Name: 'mine' }, /tag "Name" is the tag envboot names its resources with/],
    ['an empty key', { '': 'x' }, /tag "" has an empty key; tag keys have 1 to 128 characters/],
    ['a key over 128 characters', { ['k'.repeat(129)]: 'x' }, /has a key of 129 characters; tag keys have at most 128/],
    ['a value over 256 characters', { long: 'v'.repeat(257) }, /tag "long" has a value of 257 characters; tag values have at most 256/],
    ['characters AWS does not allow in a key', { 'team#1': 'x' }, /tag "team#1" has "#" in its key; AWS allows letters, digits, spaces and _ . : \/ = \+ - @ in tags/],
    ['characters AWS does not allow in a value', { team: 'a,b\n' }, /tag "team" has ",", U\+000A in its value/],
    ['a number, which YAML would have changed', { 'cost-centre': 42 }, /resource-tags\.cost-centre: must be a string, got number 42; quote it: cost-centre: "42"/],
    ['nothing', { owner: null }, /resource-tags\.owner: must be a string, got nothing \(null\); quote it: owner: ""/],
  ];
  for (const [what, tags, message] of refused) {
    it(`refuses ${what}, naming the tag and the rule`, () => {
      const problems = problemsOf({ 'resource-tags': tags });
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0] ?? '', message);
    });
  }

  it('counts a key of 128 characters and a value of 256 as within the limits, in characters rather than bytes', () => {
    assert.deepEqual(resourceTagProblems({ ['é'.repeat(128)]: 'ü'.repeat(256) }, 'resource-tags'), []);
  });

  it('refuses a Juju-style "k=v k=v" string with the mapping form to write', () => {
    assert.match(problemsOf({ 'resource-tags': 'owner=me team=ops' }).join(), /must be a mapping of tag keys to values.*write each KEY=VALUE as "KEY: VALUE"/);
  });

  it('points other names for the key at resource-tags and ttl', () => {
    assert.match(problemsOf({ tags: { a: 'b' } }).join(), /did you mean "resource-tags"\?/);
    assert.match(problemsOf({ expiry: '2h' }).join(), /did you mean "ttl"\?/);
  });
});

describe('ec2 ttl', () => {
  const accepted: [string, number][] = [
    ['10m', 10 * 60_000], ['90m', 1.5 * hour], ['2h', 2 * hour], ['1h30m', 1.5 * hour], ['3d', 72 * hour], ['1d12h', 36 * hour], ['365d', 8760 * hour], [' 8h ', 8 * hour],
  ];
  for (const [text, ms] of accepted) {
    it(`reads ${JSON.stringify(text)}`, () => {
      assert.deepEqual(parseTtl(text), { ok: true, ms });
      assert.deepEqual(validateEc2Config({ ...base, ttl: text }), { ok: true, config: { ...defaultEc2Config, bucket: base.bucket, ttlMs: ms } });
    });
  }

  const refused: [unknown, RegExp][] = [
    ['0', /a ttl of "0" would expire at once/],
    ['0s', /a ttl of "0s" would expire at once/],
    ['-2h', /"-2h" is negative/],
    ['soon', /"soon" is not a duration/],
    ['9m59s', /"9m59s" is shorter than the shortest ttl, 10m: a bootstrap alone takes minutes/],
    ['1s', /shorter than the shortest ttl/],
    ['366d', /"366d" is longer than the longest ttl, 365d; for an environment that stays, leave ttl out/],
    ['8761h', /longer than the longest ttl/],
    ['1.5d', /write whole days as e.g. 3d/],
    ['1dfoo', /write days first, then the rest, e.g. 3d or 1d12h/],
    ['30', /"30" has no unit/],
    [30, /must be a duration such as 8h, 90m or 3d, got number 30/],
  ];
  for (const [value, message] of refused) {
    it(`refuses ${JSON.stringify(value)} with what to write`, () => {
      const problems = problemsOf({ ttl: value });
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0] ?? '', /^ttl: /);
      assert.match(problems[0] ?? '', message);
    });
  }

  it('shows a ttl as it could be written back', () => {
    assert.deepEqual([formatTtl(72 * hour), formatTtl(36 * hour), formatTtl(8 * hour), formatTtl(90 * 60_000)], ['3d', '1d12h', '8h', '1h30m']);
    for (const ms of [72 * hour, 36 * hour, 8 * hour, 90 * 60_000]) assert.deepEqual(parseTtl(formatTtl(ms)), { ok: true, ms });
  });
});

describe('ec2 --tag and --ttl', () => {
  const config: Ec2Config = { ...defaultEc2Config, bucket: base.bucket, resourceTags: { 'cost-centre': '0042', team: 'platform' }, ttlMs: 8 * hour };
  const apply = (command: 'bootstrap' | 'add-machine', values: Record<string, readonly string[] | true>) => ec2PlacementFlags.apply({ command, config, values });
  const problemsOf = (result: ReturnType<typeof apply>): string[] => (result.ok ? [] : result.problems.map(formatProblem));

  it('adds --tag to resource-tags and overrides a key given both ways; --ttl overrides ttl; no machine is placed', () => {
    const applied = apply('bootstrap', { tag: ['team=ci', 'job=1234', 'note='], ttl: ['3d'] });
    assert.deepEqual(applied, {
      ok: true,
      config: { ...config, resourceTags: { 'cost-centre': '0042', team: 'ci', job: '1234', note: '' }, ttlMs: 72 * hour },
      placements: [],
    });
  });

  it('takes --tag on add-machine too, for the new machines', () => {
    const applied = apply('add-machine', { tag: ['job=99'] });
    assert.ok(applied.ok);
    assert.deepEqual(applied.config.resourceTags, { 'cost-centre': '0042', team: 'platform', job: '99' });
  });

  it('refuses --ttl on add-machine: the expiry is the environment\'s, set at bootstrap', () => {
    assert.deepEqual(problemsOf(apply('add-machine', { ttl: ['2h'] })), [
      '--ttl: sets an environment\'s expiry, which bootstrap sets once; add-machine tags its machines with the environment\'s expiry ("envboot status ENV" shows it): drop --ttl',
    ]);
  });

  it('refuses bad --tag and --ttl values all at once, each naming its flag', () => {
    const problems = problemsOf(apply('bootstrap', { tag: ['novalue', 'envboot-x=1', 'a=1', 'a=2'], ttl: ['5m'] }));
    assert.deepEqual(problems.map((p) => p.replace(/:.*/, '')), ['--tag', '--tag', '--ttl', '--tag']);
    assert.match(problems[0] ?? '', /"novalue" is not KEY=VALUE; write e\.g\. --tag cost-centre=0042 \(--tag novalue= for an empty value\)/);
    assert.match(problems[1] ?? '', /tag "a" is given twice \("1" and "2"\); give each key once/);
    assert.match(problems[2] ?? '', /"5m" is shorter than the shortest ttl/);
    assert.match(problems[3] ?? '', /tag "envboot-x" starts with "envboot-"/);
  });

  it('counts the option\'s tags and the flags\' together against the limit', () => {
    const tags = Array.from({ length: 43 }, (_, i) => `f${i}=v`);
    assert.deepEqual(problemsOf(apply('bootstrap', { tag: tags })), [
      '--tag: has 45 tags; EC2 takes 50 per resource and envboot uses 6 of them, which leaves 44: drop 1',
    ]);
  });

  it('declares --tag as repeatable and --ttl as taking one value', () => {
    const byName = new Map(ec2PlacementFlags.flags.map((flag) => [flag.name, flag]));
    assert.equal(byName.get('tag')?.repeatable, true);
    assert.equal(byName.get('ttl')?.value, 'duration');
    assert.notEqual(byName.get('ttl')?.repeatable, true);
  });
});
