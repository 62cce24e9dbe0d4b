import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateEc2Config, type Ec2Config } from '../../../providers/ec2/config.js';

const defaults: Ec2Config = { prefix: '', sshCidrs: ['0.0.0.0/0'], sshCidrOpenToAll: true, privateAddressesOnly: false };

function problemsOf(image: unknown): { path: string; message: string }[] {
  const result = validateEc2Config({ image });
  assert.ok(!result.ok, `expected problems for image ${JSON.stringify(image)}`);
  return [...result.problems];
}

describe('the ec2 "image" option', () => {
  const accepted: [string, unknown, Partial<Ec2Config>][] = [
    ['an AMI id', 'ami-0a1b2c3d4e5f67890', { image: 'ami-0a1b2c3d4e5f67890' }],
    ['an AMI id as {id}', { id: 'ami-0a1b2c3d' }, { image: 'ami-0a1b2c3d' }],
    ['a name of this account', { name: 'team-base-*', owner: 'self' }, { imageName: { name: 'team-base-*', owner: 'self' } }],
    ['a name of an account, with an arch', { name: 'debian-12-*', owner: '136693071363', arch: 'arm64' }, { imageName: { name: 'debian-12-*', owner: '136693071363', arch: 'arm64' } }],
    ["Amazon's images", { name: 'al2023-ami-2023.*', owner: 'amazon' }, { imageName: { name: 'al2023-ami-2023.*', owner: 'amazon' } }],
    ['marketplace images', { name: 'vendor-?', owner: 'aws-marketplace', arch: 'amd64' }, { imageName: { name: 'vendor-?', owner: 'aws-marketplace', arch: 'amd64' } }],
    ['a 12-digit account YAML read as a number', { name: 'x', owner: 123456789012 }, { imageName: { name: 'x', owner: '123456789012' } }],
  ];
  for (const [what, image, expected] of accepted) {
    it(`accepts ${what}`, () => {
      assert.deepEqual(validateEc2Config({ image }), { ok: true, config: { ...defaults, ...expected } });
    });
  }

  const refused: [string, unknown, string, RegExp][] = [
    ['an unknown key, with what it meant', { name: 'x', owner: 'self', pattern: 'x' }, 'image.pattern', /^unknown key \(accepted: id, name, owner, arch\); did you mean "name"\?$/],
    ['a misspelt key', { name: 'x', onwer: 'self' }, 'image.onwer', /^unknown key \(accepted: id, name, owner, arch\); did you mean "owner"\?$/],
    ['"architecture"', { name: 'x', owner: 'self', architecture: 'arm64' }, 'image.architecture', /did you mean "arch"\?/],
    ['a missing name', { owner: 'self' }, 'image.name', /^is missing: write the image name, with \* and \? as wildcards/],
    ['a missing owner', { name: 'team-*' }, 'image.owner', /^is missing: whose images to search, a 12-digit account id or self, amazon, aws-marketplace/],
    ['an empty pattern', { name: '  ', owner: 'self' }, 'image.name', /^is empty; write the image name/],
    ['a pattern that is not a string', { name: 42, owner: 'self' }, 'image.name', /^must be a name pattern, got number 42/],
    ['a pattern longer than an AMI name', { name: 'x'.repeat(129), owner: 'self' }, 'image.name', /^is 129 characters long; AMI names have at most 128/],
    ['a pattern over two lines', { name: 'a\nb', owner: 'self' }, 'image.name', /has control characters/],
    ['an owner that is no account', { name: 'x', owner: 'me' }, 'image.owner', /^"me" is not a 12-digit account id or self, amazon, aws-marketplace; use a 12-digit/],
    ['an alias in capitals', { name: 'x', owner: 'Amazon' }, 'image.owner', /did you mean "amazon"\?/],
    ['an account with dashes', { name: 'x', owner: '0997-2010-9477' }, 'image.owner', /did you mean "099720109477"\?/],
    ['a publisher instead of its account', { name: 'x', owner: 'canonical' }, 'image.owner', /published by account 099720109477: write owner: "099720109477"/],
    ['an account whose leading zero YAML dropped', { name: 'x', owner: 99720109477 }, 'image.owner', /write the account id in quotes, e.g. owner: "099720109477"/],
    ['an arch EC2 calls x86_64', { name: 'x', owner: 'self', arch: 'x86_64' }, 'image.arch', /did you mean "amd64"\?/],
    ['an arch EC2 has no images of', { name: 'x', owner: 'self', arch: 's390x' }, 'image.arch', /EC2 images are amd64 or arm64/],
    ['an id with a name', { id: 'ami-0a1b2c3d', name: 'x', owner: 'self' }, 'image', /^give either id, or name and owner \(with arch\), not both: remove name, owner or id$/],
    ['a bad id', { id: 'ami-xyz' }, 'image.id', /is not an AMI id/],
    ['a list', ['ami-0a1b2c3d'], 'image', /^must be an AMI id \(ami-0a1b2c3d4e5f67890\) or a mapping \{name: PATTERN, owner: ACCOUNT\|self\|amazon\}, got a list$/],
  ];
  for (const [what, image, path, message] of refused) {
    it(`refuses ${what}`, () => {
      const problems = problemsOf(image);
      const found = problems.find((p) => p.path === path);
      assert.ok(found !== undefined, `a problem at ${path}: ${JSON.stringify(problems)}`);
      assert.match(found.message, message);
    });
  }

  it('reports every problem of the mapping at once', () => {
    const problems = problemsOf({ name: '', owner: 'nobody', arch: 'sparc', colour: 'red' });
    assert.deepEqual(problems.map((p) => p.path).sort(), ['image.arch', 'image.colour', 'image.name', 'image.owner']);
  });
});
