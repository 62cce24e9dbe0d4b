import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { cliHome, type CliHome } from '../src/cli/cli-harness.js';
import { destroyLeftovers, requireLocalMachines } from './cli-fixtures.js';

/** Runs `args` with `--log-file` (a log of its own) and returns the exit code and the log. */
async function logged(cli: CliHome, args: readonly string[], extra: readonly string[] = []): Promise<{ code: number | null; log: string; stdout: string; stderr: string }> {
  const file = path.join(cli.home, `${args.join('-').replace(/[^a-z0-9-]/g, '_')}.log`);
  const run = await cli.run(['--log-file', file, ...extra, ...args]);
  return { code: run.code, log: await readFile(file, 'utf8').catch(() => ''), stdout: run.stdout, stderr: run.stderr };
}

/** The environment's secrets as lines to look for: client and host private keys (each line), user-data bodies, nonces. */
async function secretsOf(cli: CliHome, environment: string): Promise<Map<string, string>> {
  const dir = cli.environmentDir(environment);
  const secrets = new Map<string, string>();
  const addKey = (what: string, pem: string): void => {
    pem.split('\n').filter((line) => line.length >= 20 && !line.startsWith('-----')).forEach((line, i) => secrets.set(`${what}, line ${i + 1}`, line));
  };
  addKey('the client private key', await readFile(path.join(dir, 'client-key'), 'utf8'));
  const machines = path.join(dir, 'provider', 'machines');
  for (const id of await readdir(machines)) {
    const record = JSON.parse(await readFile(path.join(machines, id, 'machine.json'), 'utf8')) as { hostPrivateKey: string };
    addKey(`the host private key of ${id}`, record.hostPrivateKey);
    const userData = await readFile(path.join(machines, id, 'user-data'), 'utf8');
    userData.split('\n').filter((line) => line.trim().length >= 24).forEach((line, i) => secrets.set(`the user-data of ${id}, line ${i + 1}`, line.trim()));
  }
  const nonce = await cli.run(['exec', environment, '0', '--', 'cat /var/lib/envboot/nonce']);
  assert.match(nonce.stdout, /^[0-9a-f]{32}\n$/);
  secrets.set('the nonce of machine 0', nonce.stdout.trim());
  return secrets;
}

describe('the debug log of every command', () => {
  it('says what each command did (environment, provider-state, machine and address, exit status), and never a secret', async (t) => {
    if (!(await requireLocalMachines(t))) return;
    const cli = await cliHome('envboot-cli-debug-log-');
    destroyLeftovers(cli);
    await cli.write('environments.yaml', 'environments:\n  logged:\n    provider: local\n');
    const bootstrap = await logged(cli, ['bootstrap', 'logged']);
    assert.equal(bootstrap.code, 0, bootstrap.stderr);

    const runs = {
      status: await logged(cli, ['status', 'logged']),
      // The command line may carry a password: it stays out of the log (checked below).
      exec: await logged(cli, ['exec', 'logged', '0', '--', 'exit 3 # password=exec-line-secret']),
      environments: await logged(cli, ['environments']),
      logs: await logged(cli, ['logs', 'logged', '0']),
      configure: await logged(cli, ['configure', 'logged', '0', '--cloud-config', await cli.write('again.yaml', '#cloud-config\nruncmd:\n  - echo again\n')]),
      expose: await logged(cli, ['expose', 'logged', '8080']),
      unknown: await logged(cli, ['status', 'nowhere']),
      debugOnStderr: await logged(cli, ['status', 'logged'], ['--debug']),
    };
    assert.equal(runs.exec.code, 3, runs.exec.stderr);
    assert.equal(runs.unknown.code, 2);
    for (const [name, run] of Object.entries(runs)) {
      const command = name === 'unknown' || name === 'debugOnStderr' ? 'status' : name;
      assert.match(run.log, new RegExp(`debug envboot ${command} started \\{"command":"${command}","pid":\\d+`), `${name} logs its start`);
      assert.match(run.log, new RegExp(`debug envboot ${command} finished: exit code ${String(run.code)} after `), `${name} logs how it ended`);
    }
    for (const name of ['status', 'exec', 'logs', 'configure', 'expose'] as const) {
      assert.match(runs[name].log, /debug opening environment "logged" on provider local \{.*"uuid":"[0-9a-f-]{36}"/, `${name} logs the environment it opens`);
      assert.match(runs[name].log, /debug read provider-state from filesystem storage \S+ \{.*"bootstrap":"complete","machines":\[\{"id":"0","instanceId":"local-/, `${name} logs provider-state`);
    }
    for (const name of ['exec', 'logs', 'configure'] as const) {
      assert.match(runs[name].log, /debug reached machine 0 at 127\.[0-9.]+:\d+ \((public|cloud-local)\) as root/, `${name} logs the machine and address it reached`);
    }
    assert.match(runs.exec.log, /debug the command on machine 0 ended: exit status 3/);
    // (The log file's own name, which `logged` makes from the arguments, is left out of the look.)
    assert.doesNotMatch(runs.exec.log.replace(/"logFile":"[^"]*"/g, ''), /exec-line-secret/, "exec's command line is not logged");
    assert.match(runs.unknown.log, /status failed \{"error":\{"name":"ConfigError".*unknown environment/);
    assert.match(runs.debugOnStderr.stderr, /debug read provider-state from/, '--debug writes the same log to stderr');

    const secrets = await secretsOf(cli, 'logged');
    assert.ok(secrets.size >= 10, `${secrets.size} secrets to look for`);
    for (const [name, run] of Object.entries({ bootstrap, ...runs })) {
      for (const [what, secret] of secrets) {
        assert.ok(!run.log.includes(secret), `${what} appears in the log of ${name}`);
        assert.ok(!run.stderr.includes(secret), `${what} appears on the stderr of ${name}`);
      }
    }
  });
});
