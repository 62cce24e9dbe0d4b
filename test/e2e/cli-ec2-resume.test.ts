import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import yaml from 'js-yaml';
import { sdkEnvironment, startFakeAws, type FakeAws } from '../providers/ec2/fixtures.js';
import { cliHome, collect, finalResult, type CliHome } from '../src/cli/cli-harness.js';
import { waitForEvent } from './cli-fixtures.js';

const aws: FakeAws = await startFakeAws();
const awsEnv = sdkEnvironment(aws);

async function ec2Home(bucket: string): Promise<CliHome> {
  const cli = await cliHome('envboot-cli-ec2-resume-');
  await cli.write('configure.yaml', '#cloud-config\nwrite_files:\n  - path: /etc/resumed\n    content: "configured\\n"\nruncmd:\n  - sleep 2\n');
  await cli.write('environments.yaml', yaml.dump({ environments: { cloud: { provider: 'ec2', options: aws.options(bucket), 'controller-cloud-config': './configure.yaml' } } }));
  return cli;
}

/** The environment's instances the fake EC2 still runs. */
function running(uuid: string): string[] {
  return aws.ec2
    .instances()
    .filter((i) => i.state !== 'terminated' && i.state !== 'shutting-down' && i.tags['envboot-environment-uuid'] === uuid)
    .map((i) => i.id);
}

describe('envboot bootstrap --resume on the ec2 provider (fake AWS endpoints, real SDK)', () => {
  for (const [how, phase, signal] of [
    ['SIGKILLed while waiting for SSH', 'wait-ssh', 'SIGKILL'],
    ['interrupted with --keep-broken while configuring', 'configure', 'SIGINT'],
  ] as const) {
    it(`${how}: --resume reaches the same controller, and ends with exactly one instance`, async (t) => {
      const cli = await ec2Home(`envboot-resume-${phase}`);
      t.after(() => cli.run(['destroy', 'cloud', '--yes'], { env: awsEnv }));
      const args = ['bootstrap', 'cloud', '--json', ...(signal === 'SIGINT' ? ['--keep-broken'] : [])];
      const child = cli.start(args, { env: awsEnv });
      const done = collect(child);
      const started = (await waitForEvent(child, (e) => e['type'] === 'instance.started')) as { instanceId: string };
      await waitForEvent(child, (e) => e['type'] === 'phase.started' && e['phase'] === phase);
      child.kill(signal);
      await done;

      const status = finalResult(await cli.run(['status', 'cloud', '--json'], { env: awsEnv }))['result'] as { environment: { uuid: string }; bootstrap: { status: string } };
      assert.equal(status.bootstrap.status, signal === 'SIGINT' ? 'failed' : 'interrupted');
      const uuid = status.environment.uuid;
      assert.deepEqual(running(uuid), [started.instanceId]);

      const resumed = await cli.run(['bootstrap', 'cloud', '--resume', '--json'], { env: awsEnv });
      assert.equal(resumed.code, 0, resumed.stderr);
      const result = finalResult(resumed)['result'] as { resumed: string; controller: { instanceId: string } };
      assert.deepEqual([result.resumed, result.controller.instanceId], ['reached', started.instanceId]);
      assert.deepEqual(running(uuid), [started.instanceId], 'one controller, nothing orphaned');
      const exec = await cli.run(['exec', 'cloud', '0', '--', 'cat "$ENVBOOT_ROOT/etc/resumed"'], { env: awsEnv });
      assert.equal(exec.stdout, 'configured\n', exec.stderr);

      const destroyed = await cli.run(['destroy', 'cloud', '--yes'], { env: awsEnv });
      assert.equal(destroyed.code, 0, destroyed.stderr);
      assert.deepEqual(running(uuid), []);
    });
  }
});
