import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { EnvironmentsFile } from '../../../../src/cli/config/environments-file.js';
import { unknownEnvironmentError } from '../../../../src/cli/environment/unknown-environment.js';
import { newEnvironmentRecord, writeEnvironmentRecord } from '../../../../src/cli/records/environment-record.js';

const dataRoot = await mkdtemp(path.join(tmpdir(), 'envboot-unknown-env-'));
after(() => rm(dataRoot, { recursive: true, force: true }));

function fileDefining(...names: string[]): EnvironmentsFile {
  return { path: '/etc/envboot/environments.yaml', exists: true, environments: new Map(), names, namedProviders: [] };
}

describe('the error for an unknown environment', () => {
  it('asks "did you mean" for a name close to one environments.yaml defines, and never offers to bootstrap the typo', async () => {
    for (const typo of ['stagign', 'stagin', 'Staging', 'prodution-eu']) {
      const error = await unknownEnvironmentError({ name: typo, file: fileDefining('staging', 'production-eu'), dataRoot });
      assert.equal(error.code, 'CONFIG_INVALID', typo);
      const meant = typo === 'prodution-eu' ? 'production-eu' : 'staging';
      assert.match(error.message, new RegExp(`^unknown environment "${typo}": .* did you mean "${meant}"\\? `), typo);
      assert.doesNotMatch(error.message, /envboot bootstrap/, typo);
      assert.doesNotMatch(error.message, /envboot attach/, typo);
    }
  });

  it('finds names among the environments this client bootstrapped or attached too', async () => {
    const dir = path.join(dataRoot, 'environments', 'ci-runner');
    await writeEnvironmentRecord(dir, newEnvironmentRecord({ name: 'ci-runner', provider: 'local' }));
    const error = await unknownEnvironmentError({ name: 'ci-runer', file: fileDefining('staging'), dataRoot });
    assert.match(error.message, /did you mean "ci-runner"\?/);
  });

  it('lists the environments there are, and how to make a new one, when no name is close', async () => {
    const error = await unknownEnvironmentError({ name: 'qa', file: fileDefining('staging', 'production-eu'), dataRoot });
    assert.match(error.message, /the known environments are ci-runner, production-eu, staging/);
    assert.match(error.message, /"envboot bootstrap qa" creates a new one/);
    assert.doesNotMatch(error.message, /did you mean/);
    const none = await unknownEnvironmentError({ name: 'qa', file: fileDefining(), dataRoot: path.join(dataRoot, 'empty') });
    assert.match(none.message, /there are no environments yet .*"envboot bootstrap qa" creates a new one/);
  });
});
