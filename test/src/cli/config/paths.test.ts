import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkEnvironmentName, resolvePaths, type ResolvePathsParams } from '../../../../src/cli/config/paths.js';
import { ConfigError } from '../../../../src/index.js';

const home = '/home/ann';

describe('resolvePaths', () => {
  const cases: [string, Omit<ResolvePathsParams, 'cwd'>, { configFile: string; configFileExplicit: boolean; dataRoot: string }][] = [
    [
      'defaults under HOME',
      { env: { HOME: home } },
      { configFile: '/home/ann/.config/envboot/environments.yaml', configFileExplicit: false, dataRoot: '/home/ann/.local/share/envboot' },
    ],
    [
      'XDG directories',
      { env: { HOME: home, XDG_CONFIG_HOME: '/xdg/config', XDG_DATA_HOME: '/xdg/data' } },
      { configFile: '/xdg/config/envboot/environments.yaml', configFileExplicit: false, dataRoot: '/xdg/data/envboot' },
    ],
    [
      'relative and empty XDG values are ignored',
      { env: { HOME: home, XDG_CONFIG_HOME: 'rel/config', XDG_DATA_HOME: '' } },
      { configFile: '/home/ann/.config/envboot/environments.yaml', configFileExplicit: false, dataRoot: '/home/ann/.local/share/envboot' },
    ],
    [
      'ENVBOOT_HOME wins over XDG',
      { env: { HOME: home, ENVBOOT_HOME: '/srv/envboot', XDG_CONFIG_HOME: '/xdg/config', XDG_DATA_HOME: '/xdg/data' } },
      { configFile: '/srv/envboot/environments.yaml', configFileExplicit: false, dataRoot: '/srv/envboot/data' },
    ],
    [
      'a relative ENVBOOT_HOME is relative to the working directory',
      { env: { HOME: home, ENVBOOT_HOME: 'state' } },
      { configFile: '/work/state/environments.yaml', configFileExplicit: false, dataRoot: '/work/state/data' },
    ],
    [
      'ENVBOOT_HOME with ~',
      { env: { HOME: home, ENVBOOT_HOME: '~/eb' } },
      { configFile: '/home/ann/eb/environments.yaml', configFileExplicit: false, dataRoot: '/home/ann/eb/data' },
    ],
    [
      'an empty ENVBOOT_HOME is unset',
      { env: { HOME: home, ENVBOOT_HOME: '' } },
      { configFile: '/home/ann/.config/envboot/environments.yaml', configFileExplicit: false, dataRoot: '/home/ann/.local/share/envboot' },
    ],
    [
      '--config replaces only the config file',
      { env: { HOME: home, ENVBOOT_HOME: '/srv/envboot' }, configFile: '/etc/envboot.yaml' },
      { configFile: '/etc/envboot.yaml', configFileExplicit: true, dataRoot: '/srv/envboot/data' },
    ],
    [
      'a relative --config is relative to the working directory',
      { env: { HOME: home }, configFile: 'conf/envs.yaml' },
      { configFile: '/work/conf/envs.yaml', configFileExplicit: true, dataRoot: '/home/ann/.local/share/envboot' },
    ],
    [
      '--config with ~',
      { env: { HOME: home }, configFile: '~/envs.yaml' },
      { configFile: '/home/ann/envs.yaml', configFileExplicit: true, dataRoot: '/home/ann/.local/share/envboot' },
    ],
    [
      'no HOME: the given home directory',
      { env: {}, homeDir: '/root' },
      { configFile: '/root/.config/envboot/environments.yaml', configFileExplicit: false, dataRoot: '/root/.local/share/envboot' },
    ],
  ];
  for (const [name, params, expected] of cases) {
    it(name, () => {
      const paths = resolvePaths({ ...params, cwd: '/work' });
      assert.deepEqual({ configFile: paths.configFile, configFileExplicit: paths.configFileExplicit, dataRoot: paths.dataRoot }, expected);
    });
  }

  it('puts each environment under <dataRoot>/environments/<name>', () => {
    const paths = resolvePaths({ env: { ENVBOOT_HOME: '/eb' } });
    assert.equal(paths.environmentDir('prod-2'), '/eb/data/environments/prod-2');
  });

  it('refuses an environment directory for a name that could leave the data root', () => {
    const paths = resolvePaths({ env: { ENVBOOT_HOME: '/eb' } });
    for (const name of ['..', '../x', 'a/b', '']) {
      assert.throws(() => paths.environmentDir(name), (error: unknown) => error instanceof ConfigError && /environment name .* is invalid/.test(error.message));
    }
  });

  it('refuses an empty --config', () => {
    assert.throws(() => resolvePaths({ env: { HOME: home }, configFile: ' ' }), /--config needs a file path/);
  });
});

describe('checkEnvironmentName', () => {
  for (const name of ['prod', 'a', 'dev-2', 'x1-y2-z3', 'a'.repeat(40)]) {
    it(`accepts ${JSON.stringify(name)}`, () => {
      assert.equal(checkEnvironmentName(name), undefined);
    });
  }

  const refused: [string, RegExp][] = [
    ['', /^it is empty; use lower-case letters, digits and dashes, starting with a letter and ending with a letter or digit, at most 40 characters$/],
    ['Prod', /^it has upper-case letters; use lower-case letters/],
    ['2fast', /^it does not start with a letter;/],
    ['-x', /^it does not start with a letter;/],
    ['my env', /^it contains " ";/],
    ['my_env', /^it contains "_";/],
    ['a.b', /^it contains "\.";/],
    ['prod-', /^it ends with a dash;/],
    ['a'.repeat(41), /^it is 41 characters long; .* at most 40 characters$/],
  ];
  for (const [name, message] of refused) {
    it(`refuses ${JSON.stringify(name)}, saying the rule`, () => {
      const problem = checkEnvironmentName(name, 'environments.x');
      assert.ok(problem);
      assert.equal(problem.path, 'environments.x');
      assert.match(problem.message, message);
    });
  }
});
