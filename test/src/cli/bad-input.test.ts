import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliHome, finalResult } from './cli-harness.js';

interface BadInput {
  readonly name: string;
  readonly args: readonly string[];
  /** Files written under ENVBOOT_HOME first. */
  readonly files?: Readonly<Record<string, string>>;
  /** What stderr must say: the problem, and where it is. */
  readonly says: readonly RegExp[];
  /** What it must never say (a secret it was given). */
  readonly neverSays?: RegExp;
}

const envFile = (text: string): Record<string, string> => ({ 'environments.yaml': text });

/** Every entry exits 2, says what is wrong and what to do, and leaves nothing behind. */
const corpus: readonly BadInput[] = [
  { name: 'an unknown command', args: ['frobnicate'], says: [/unknown command 'frobnicate'/, /--help/] },
  { name: 'a misspelt command', args: ['bootsrap', 'demo'], says: [/unknown command 'bootsrap'/, /Did you mean bootstrap\?/] },
  { name: 'an unknown flag', args: ['bootstrap', 'demo', '--frob'], says: [/unknown option '--frob'/] },
  { name: 'a flag without its value', args: ['bootstrap', 'demo', '--provider'], says: [/option '--provider <name>' argument missing/] },
  { name: 'too many arguments', args: ['status', 'a', 'b'], says: [/too many arguments for 'status'/] },
  { name: 'a missing environment argument', args: ['add-machine'], says: [/missing required argument 'env'/] },
  { name: 'a zero machine count', args: ['add-machine', 'demo', '-n', '0'], says: [/"0" is not a machine count; give a whole number from 1 to 100/] },
  { name: 'a machine count that is not a number', args: ['add-machine', 'demo', '-n', 'three'], says: [/"three" is not a machine count/] },
  { name: 'an empty zone in a list', args: ['add-machine', 'demo', '--zone', 'a,,b'], says: [/empty zone name/] },
  { name: 'a timeout without a unit', args: ['bootstrap', 'demo', '--timeout', '30'], says: [/"30" has no unit; write e\.g\. 30s or 30m/] },
  { name: 'a timeout that is not a duration', args: ['bootstrap', 'demo', '--timeout', 'soon'], says: [/--timeout/, /soon/] },
  { name: 'an environment name with capitals', args: ['bootstrap', 'Demo'], says: [/environment name "Demo" is invalid/, /lower-case/] },
  { name: 'an environment name with a slash', args: ['bootstrap', '../escape'], says: [/environment name "\.\.\/escape" is invalid/] },
  { name: 'a constraint with a bad size', args: ['bootstrap', 'demo', '--constraints', 'mem=lots'], says: [/mem=lots/, /not a size/, /4G/] },
  { name: 'an unknown constraint', args: ['bootstrap', 'demo', '--constraints', 'cores=2 colour=red'], says: [/colour/, /unknown/] },
  { name: 'an unknown provider', args: ['bootstrap', 'demo', '--provider', 'openstack'], says: [/unknown provider "openstack"; known providers: ec2, local/] },
  { name: 'an unknown environment', args: ['status', 'nowhere'], says: [/unknown environment "nowhere"/, /envboot environments/] },
  { name: 'a bad machine id for an unknown environment', args: ['remove-machine', 'nowhere', 'x'], says: [/unknown environment "nowhere"/] },
  { name: 'exec without a command', args: ['exec', 'demo', '0'], says: [/missing required argument 'command'/] },
  { name: 'no environment named and none known', args: ['status'], says: [/no environments yet/, /envboot bootstrap demo/] },
  { name: 'a zone the provider does not have', args: ['bootstrap', 'demo', '--zone', 'mars-1'], says: [/unknown zone "mars-1"/, /local-a, local-b, local-c/] },
  { name: 'zones= naming a zone the provider does not have', args: ['bootstrap', 'demo', '--constraints', 'zones=mars-1'], says: [/unknown zone "mars-1"/, /fix zones= in the constraints/] },
  {
    name: 'constraints beyond what this host can give a local machine, all at once',
    args: ['bootstrap', 'demo', '--constraints', 'cores=100000 mem=1P'],
    says: [/cannot meet the constraints "cores=100000 mem=1P"/, /cores=100000: a local machine has at most \d+ cores?/, /mem=1P: a local machine has at most [\d.]+ GiB of memory .*ask for mem=\d+G or less/],
  },
  { name: 'an instance type on a provider without them', args: ['bootstrap', 'demo', '--constraints', 'instance-type=m5.large'], says: [/instance-type=m5\.large: the local provider has no instance types; ask for the hardware instead/] },
  { name: 'a missing cloud-config file', args: ['bootstrap', 'demo', '--cloud-config', 'no-such.yaml'], says: [/no such file/, /no-such\.yaml/] },
  {
    name: 'malformed cloud-config YAML',
    args: ['bootstrap', 'demo', '--cloud-config', 'HOME/broken.yaml'],
    files: { 'broken.yaml': '#cloud-config\nruncmd:\n  - [echo, "unterminated\n' },
    says: [/broken\.yaml/, /line \d+, column \d+/],
  },
  {
    name: 'cloud-config the local provider cannot apply',
    args: ['bootstrap', 'demo', '--cloud-config', 'HOME/packages.yaml'],
    files: { 'packages.yaml': '#cloud-config\npackages: [nginx]\n' },
    says: [/packages/, /cannot|not supported|no package/i],
  },
  {
    name: 'cloud-config with a wrong type',
    args: ['bootstrap', 'demo', '--cloud-config', 'HOME/types.yaml'],
    files: { 'types.yaml': '#cloud-config\nwrite_files:\n  - path: relative/file\n    permissions: 644\n' },
    says: [/write_files\[0\]\.path/, /write_files\[0\]\.permissions/],
  },
  {
    name: 'malformed environments.yaml',
    args: ['bootstrap', 'demo'],
    files: envFile('environments:\n  demo:\n    provider: local\n   constraints: [\n'),
    says: [/environments\.yaml/, /line \d+, column \d+/],
  },
  {
    name: 'unknown keys and wrong types in environments.yaml, all at once',
    args: ['bootstrap', 'demo'],
    files: envFile('environments:\n  demo:\n    provder: local\n    constraints: 5\n'),
    says: [/environments\.demo\.provder/, /environments\.demo\.constraints/, /did you mean "provider"\?/],
  },
  {
    name: 'an unknown provider in environments.yaml',
    args: ['bootstrap', 'demo'],
    files: envFile('environments:\n  demo:\n    provider: openstack\n'),
    says: [/environments\.demo\.provider/, /openstack/, /local/],
  },
  {
    name: 'bad provider options in environments.yaml',
    args: ['bootstrap', 'demo'],
    files: envFile('environments:\n  demo:\n    provider: local\n    options:\n      zones: []\n      boot-delay: forever\n'),
    says: [/environments\.demo\.options\.zones/, /environments\.demo\.options\.boot-delay/],
  },
  {
    name: 'a default environment that is not defined',
    args: ['status'],
    files: envFile('default-environment: prod\nenvironments:\n  demo:\n    provider: local\n'),
    says: [/default-environment/, /"prod"/],
  },
  {
    name: 'a --cloud-config file that is some other (secret) text, without echoing it',
    args: ['bootstrap', 'demo', '--cloud-config', 'HOME/token.txt'],
    files: { 'token.txt': 'ghp_s3cr3tT0kenValue0123456789abcdefghijklmnop\n' },
    says: [/token\.txt is not a cloud-config/, /a string of \d+ characters \(not shown\)/],
    neverSays: /s3cr3t/,
  },
  { name: 'a --log-file in a directory that does not exist', args: ['--log-file', 'HOME/no/such/dir/x.log', 'providers'], says: [/cannot write the log file .*x\.log: its directory does not exist/] },
  { name: 'a --log-file that is a directory', args: ['--log-file', 'HOME', 'providers'], says: [/cannot write the log file .*: .*(directory|EISDIR)/i] },
  { name: 'a --timeout too long for a timer', args: ['bootstrap', 'demo', '--timeout', '900h'], says: [/longest timeout, 24 days/] },
  { name: 'an explicit --config that does not exist', args: ['--config', 'HOME/nope.yaml', 'environments'], says: [/no such file: .*nope\.yaml; create it or drop --config/] },
  {
    name: '--provider that contradicts the definition',
    args: ['bootstrap', 'demo', '--provider', 'ec2'],
    files: envFile('environments:\n  demo:\n    provider: local\n'),
    says: [/defined in .* with provider "local", not "ec2"/],
  },
];

describe('envboot refuses bad input with exit code 2, a message that says what to do, and nothing created', { concurrency: 4 }, () => {
  it(`has at least 20 cases (${corpus.length})`, () => {
    assert.ok(corpus.length >= 20);
  });

  for (const entry of corpus) {
    it(`refuses ${entry.name}`, async () => {
      const cli = await cliHome();
      for (const [file, text] of Object.entries(entry.files ?? {})) await cli.write(file, text);
      const args = entry.args.map((arg) => (arg === 'HOME' ? cli.home : arg.replace(/^HOME\//, `${cli.home}/`)));
      const run = await cli.run(args);
      assert.equal(run.code, 2, `exit code; stderr: ${run.stderr}`);
      for (const pattern of entry.says) assert.match(run.stderr, pattern);
      if (entry.neverSays !== undefined) assert.doesNotMatch(run.stderr + run.stdout, entry.neverSays);
      assert.doesNotMatch(run.stderr, /\n\s+at .*\.js:\d+/, 'no stack trace without --debug');
      assert.deepEqual(cli.environmentDirs(), [], 'an environment was recorded');
    });
  }

  it('reports bad input as the final JSON line with --json', async () => {
    const cli = await cliHome();
    const run = await cli.run(['bootstrap', 'demo', '--json', '--constraints', 'cores=two']);
    assert.equal(run.code, 2);
    const result = finalResult(run);
    assert.equal(result['type'], 'result');
    assert.equal(result['ok'], false);
    assert.equal(result['exitCode'], 2);
    const error = result['error'] as { code: string; message: string; problems: { path: string; message: string }[] };
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.ok(error.problems.some((p) => /cores=two/.test(p.path + p.message)), JSON.stringify(error));
    assert.equal(run.stderr, '', 'JSON mode keeps stderr quiet');
  });
});
