import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultEc2Config, validateEc2Config, type Ec2Config } from '../../../providers/ec2/config.js';
import { launchOptionsInput } from '../../../providers/ec2/launch-options.js';
import { ec2PlacementFlags } from '../../../providers/ec2/placement-flags.js';

function configOf(raw: Record<string, unknown>): Ec2Config {
  const result = validateEc2Config(raw);
  assert.ok(result.ok, result.ok ? '' : JSON.stringify(result.problems));
  return result.config;
}

function problemsOf(raw: Record<string, unknown>): string[] {
  const result = validateEc2Config(raw);
  assert.ok(!result.ok, `expected problems for ${JSON.stringify(raw)}`);
  return result.problems.map((problem) => `${problem.path}: ${problem.message}`);
}

const arn = 'arn:aws:iam::123456789012:instance-profile/envboot-controller';

describe('ec2 config: instance-profile, spot, spot-max-price', () => {
  const accepted: [string, Record<string, unknown>, Partial<Ec2Config>][] = [
    ['a profile name', { 'instance-profile': 'envboot-controller' }, { instanceProfile: { name: 'envboot-controller' } }],
    ['a name with every character IAM allows', { 'instance-profile': 'a+b=c,d.e@f_g-h' }, { instanceProfile: { name: 'a+b=c,d.e@f_g-h' } }],
    ['an ARN', { 'instance-profile': arn }, { instanceProfile: { name: 'envboot-controller', arn } }],
    [
      'an ARN with a path, in GovCloud',
      { 'instance-profile': 'arn:aws-us-gov:iam::123456789012:instance-profile/teams/ci/runner' },
      { instanceProfile: { name: 'runner', arn: 'arn:aws-us-gov:iam::123456789012:instance-profile/teams/ci/runner' } },
    ],
    ['spot', { spot: true }, { spot: true }],
    ['spot off', { spot: false }, { spot: false }],
    ['spot with a price as a number', { spot: true, 'spot-max-price': 0.05 }, { spot: true, spotMaxPrice: '0.05' }],
    ['a price for --spot runs, as a string', { 'spot-max-price': '1.25' }, { spotMaxPrice: '1.25' }],
  ];
  for (const [name, raw, expected] of accepted) {
    it(`accepts ${name}`, () => {
      assert.deepEqual(configOf(raw), { ...defaultEc2Config, ...expected });
    });
  }

  const refused: [string, Record<string, unknown>, RegExp][] = [
    ['a number', { 'instance-profile': 42 }, /^instance-profile: must be an instance profile name .* or its ARN, e\.g\. arn:aws:iam::123456789012:instance-profile\/envboot-controller, got number 42$/],
    ['an empty name', { 'instance-profile': '' }, /^instance-profile: is empty; an instance profile name/],
    ['a name with spaces inside', { 'instance-profile': 'my profile' }, /^instance-profile: "my profile" has " "; an instance profile name/],
    ['a name with spaces around', { 'instance-profile': ' ci ' }, /^instance-profile: " ci " has spaces around it; did you mean "ci"\?$/],
    ['a name too long', { 'instance-profile': 'x'.repeat(129) }, /is 129 characters long; instance profile names have 1 to 128/],
    ['a path without ARN', { 'instance-profile': 'teams/ci' }, /"teams\/ci" is not a name \(names have no "\/"\); for a profile with a path, give its ARN/],
    [
      "a role's ARN",
      { 'instance-profile': 'arn:aws:iam::123456789012:role/ci-runner' },
      /is a role's ARN; EC2 gives a role to machines through an instance profile: .*here perhaps "ci-runner"; `aws iam list-instance-profiles-for-role --role-name ci-runner`/,
    ],
    ['an ARN of something else', { 'instance-profile': 'arn:aws:s3:::bucket' }, /^instance-profile: "arn:aws:s3:::bucket" is not an instance profile's ARN/],
    ['an ARN with a short account', { 'instance-profile': 'arn:aws:iam::12345:instance-profile/ci' }, /is not an instance profile's ARN/],
    ['an ARN ending in a slash', { 'instance-profile': 'arn:aws:iam::123456789012:instance-profile/ci/' }, /ends in "", which is not an instance profile name/],
    ['spot as a word', { spot: 'yes' }, /^spot: must be true or false, got "yes"; write true without quotes$/],
    ['spot as a number', { spot: 1 }, /^spot: must be true or false, got number 1; write true or false$/],
    ['a price with a dollar sign', { spot: true, 'spot-max-price': '$0.05' }, /^spot-max-price: must be a price above zero, got "\$0\.05"; write the number alone: 0\.05 \(leave it out to pay the spot price, capped at the on-demand price\)$/],
    ['a price of zero', { spot: true, 'spot-max-price': 0 }, /^spot-max-price: must be a price above zero, got number 0; write US dollars per hour/],
    ['a negative price', { spot: true, 'spot-max-price': -1 }, /must be a price above zero/],
    ['a price with spot off', { spot: false, 'spot-max-price': 0.05 }, /^spot-max-price: caps the price of spot machines, but spot is false: set spot: true \(or start machines with --spot\), or drop spot-max-price$/],
  ];
  for (const [name, raw, message] of refused) {
    it(`refuses ${name}, saying what to write`, () => {
      const problems = problemsOf(raw);
      assert.equal(problems.length, 1, problems.join('\n'));
      assert.match(problems[0] ?? '', message);
    });
  }

  it('reports every launch option problem at once', () => {
    const problems = problemsOf({ 'instance-profile': 'a b', spot: 'on', 'spot-max-price': 'cheap' });
    assert.deepEqual(problems.map((problem) => problem.split(':')[0]), ['instance-profile', 'spot', 'spot-max-price']);
  });

  it('hints the key meant for the words other tools use', () => {
    for (const [word, key] of [['iam-instance-profile', 'instance-profile'], ['spot-price', 'spot-max-price'], ['use-spot', 'spot']] as const) {
      assert.match(problemsOf({ [word]: 'x' }).join('\n'), new RegExp(`did you mean "${key}"`), word);
    }
  });
});

describe('--spot', () => {
  it('turns spot on for the command, over the config, and places no machine', () => {
    const config = configOf({ spot: false });
    assert.deepEqual(ec2PlacementFlags.apply({ command: 'bootstrap', config, values: { spot: true } }), { ok: true, config: { ...config, spot: true }, placements: [] });
    assert.deepEqual(ec2PlacementFlags.apply({ command: 'add-machine', config, values: {} }), { ok: true, config, placements: [] });
  });
});

describe('launchOptionsInput', () => {
  it('names the profile by name or by ARN, never both', () => {
    assert.deepEqual(launchOptionsInput({ instanceProfile: { name: 'ci' } }), { IamInstanceProfile: { Name: 'ci' } });
    assert.deepEqual(launchOptionsInput({ instanceProfile: { name: 'envboot-controller', arn } }), { IamInstanceProfile: { Arn: arn } });
  });

  it('asks for a one-time spot instance that is terminated when interrupted, with the price cap when set', () => {
    const spotOptions = { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' };
    assert.deepEqual(launchOptionsInput({ spot: true }), { InstanceMarketOptions: { MarketType: 'spot', SpotOptions: spotOptions } });
    assert.deepEqual(launchOptionsInput({ spot: true, spotMaxPrice: '0.05' }).InstanceMarketOptions?.SpotOptions, { ...spotOptions, MaxPrice: '0.05' });
  });

  it('sets nothing without the options, or with a price and no spot', () => {
    assert.deepEqual(launchOptionsInput(undefined), {});
    assert.deepEqual(launchOptionsInput({ spot: false, spotMaxPrice: '0.05' }), {});
  });
});
