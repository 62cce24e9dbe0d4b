import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { optionsFromFlags, providerDataDir } from '../../../../src/cli/environment/attach-options.js';
import { tempDir } from '../../../helpers/temp-dir.js';

describe("attach's location flags", () => {
  it('become the provider options environments.yaml would hold, --option values read as YAML', () => {
    assert.equal(optionsFromFlags({}), undefined);
    assert.deepEqual(
      optionsFromFlags({
        region: 'eu-west-1',
        bucket: 'acme-state',
        prefix: 'team/',
        option: ['profile=ops', 'private-addresses-only=true', 'subnets=[subnet-1, subnet-2]', 'jump-host={"host": "ops@bastion:2222"}', 'ttl=2024-01-01', 'empty='],
      }),
      {
        region: 'eu-west-1',
        bucket: 'acme-state',
        prefix: 'team/',
        profile: 'ops',
        'private-addresses-only': true,
        subnets: ['subnet-1', 'subnet-2'],
        'jump-host': { host: 'ops@bastion:2222' },
        // JSON's types only: a date stays the text it was.
        ttl: '2024-01-01',
        empty: '',
      },
    );
  });

  it('refuses malformed flags, every problem at once, naming the flag and how to write it', () => {
    assert.throws(
      () => optionsFromFlags({ bucket: 'a', option: ['bucket=b', 'profile', 'Bad=1', 'jump-host={host'] }),
      (error: Error & { code?: string; problems?: { path: string; message: string }[] }) => {
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.deepEqual(error.problems?.map((p) => p.path), ['--option', '--option', '--option', '--option']);
        const messages = (error.problems ?? []).map((p) => p.message).join('\n');
        assert.match(messages, /the provider option "bucket" is given twice; give it once/);
        assert.match(messages, /"profile" is not KEY=VALUE .* \(e\.g\. --option profile=ops\)/);
        assert.match(messages, /"Bad=1" is not KEY=VALUE/);
        assert.match(messages, /the value of "jump-host" is not valid YAML; quote it/);
        return true;
      },
    );
  });
});

describe("attach's --data-dir", () => {
  it('leads to the folder holding provider-state, from the environment directory, its provider folder or the storage folder', async () => {
    const root = await tempDir();
    const environment = path.join(root, 'data', 'environments', 'demo');
    const provider = path.join(environment, 'provider');
    await mkdir(path.join(provider, 'storage'), { recursive: true });
    for (const given of [environment, provider, path.join(provider, 'storage'), path.relative(root, environment)]) {
      assert.deepEqual(await providerDataDir({ given, cwd: root, home: '/nowhere' }), { dir: provider }, given);
    }
    assert.deepEqual(await providerDataDir({ given: '~/data/environments/demo', cwd: '/', home: root }), { dir: provider });
  });

  it('says what it looked for, and what to give instead, when the folder holds no environment', async () => {
    const root = await tempDir();
    const located = await providerDataDir({ given: root, cwd: '/', home: '/nowhere' });
    assert.equal(located.dir, root);
    assert.ok(located.problem !== undefined);
    assert.equal(located.problem.code, 'CONFIG_INVALID');
    assert.match(located.problem.message, /^no environment found at .*: it holds no provider-state \(looked for .*\/provider\/storage and .*\/storage\); give --data-dir the environment directory/);
  });
});
