import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { defaultImages, fakeAccountId, imageIdFor } from '../test/fakes/ec2-endpoint.js';
import { startFakeHttpProxy } from '../test/fakes/http-proxy.js';
import { startFakeIam } from '../test/fakes/iam-endpoint.js';
import { startFakeSts } from '../test/fakes/sts-endpoint.js';
import { openFakeAws, sdkEnvironment } from '../test/providers/ec2/fixtures.js';
import { quantile } from './harness.js';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const role = `arn:aws:iam::${fakeAccountId}:role/envboot-deployer`;
const teamImage = { id: imageIdFor('team-base-amd64-20250601'), name: 'team-base-amd64-20250601', ownerId: fakeAccountId, architecture: 'x86_64' as const, creationDate: '2025-06-01T09:30:00.000Z' };

interface Calls {
  readonly ec2: number;
  readonly polls: number;
  readonly s3: number;
  readonly iam: number;
  readonly sts: number;
  readonly proxied: number;
}

/**
 * What an organisation's options cost a bootstrap on ec2 (issue 20): `envboot bootstrap`
 * as a fresh process against the fake EC2, S3, IAM and STS endpoints (real SDK, real
 * HTTP), once plain and once with every option on: a profile assuming a role, every call
 * through an HTTP proxy that wants credentials, resource-tags and --tag, --ttl, an
 * instance profile, --spot, an image found by name, and the machines' own proxies and apt
 * mirror. Each call AWS would see is counted per service; the times are the fakes' (AWS
 * answers at once), so they measure envboot, the SDK and the proxy hop.
 */
export async function benchEc2Options(): Promise<void> {
  const iam = await startFakeIam();
  iam.addInstanceProfile({ name: 'envboot-controller', roles: ['envboot-controller'] });
  const aws = await openFakeAws({
    images: [...defaultImages, teamImage],
    instanceProfiles: (ref) => {
      const found = iam.instanceProfiles().find((p) => (ref.name !== undefined ? p.name === ref.name : p.arn === ref.arn));
      return found === undefined ? undefined : { arn: found.arn, id: 'AIPABENCHFAKE' };
    },
  });
  const sts = await startFakeSts({ roles: [{ arn: role }] });
  const proxy = await startFakeHttpProxy({ credentials: { user: 'bench', password: 'bench-pass' } });
  const home = await mkdtemp(path.join(tmpdir(), 'envboot-bench-ec2-options-'));
  try {
    const plain = { provider: 'ec2', options: aws.options('envboot-bench-plain') };
    const organised = {
      provider: 'ec2',
      options: {
        ...aws.options('envboot-bench-organised'),
        profile: 'deploy',
        'assume-role': { arn: role, 'external-id': 'bench-external-id' },
        'resource-tags': { 'cost-centre': '0042', team: 'platform' },
        'instance-profile': 'envboot-controller',
        image: { name: 'team-base-*', owner: 'self' },
      },
      'http-proxy': 'http://proxy.corp.example:3128',
      'https-proxy': 'http://proxy.corp.example:3128',
      'no-proxy': '.corp.example,10.0.0.0/8',
      'apt-mirror': 'http://mirror.corp.example/ubuntu',
    };
    const { profile, 'assume-role': assumeRole, ...launch } = organised.options;
    const provider = organised.provider;
    const machineSide = { 'http-proxy': organised['http-proxy'], 'https-proxy': organised['https-proxy'], 'no-proxy': organised['no-proxy'], 'apt-mirror': organised['apt-mirror'] };
    const access = { provider, options: { ...aws.options('envboot-bench-access'), profile, 'assume-role': assumeRole } };
    const launching = { provider, options: { ...aws.options('envboot-bench-launch'), ...launch } };
    const machines = { provider, options: aws.options('envboot-bench-machines'), ...machineSide };
    await writeFile(path.join(home, 'environments.yaml'), yaml.dump({ environments: { plain, organised, access, launching, machines } }));
    await writeFile(path.join(home, 'aws-config'), '[profile deploy]\nregion = us-east-1\n');
    await writeFile(path.join(home, 'aws-credentials'), '[deploy]\naws_access_key_id = AKIDBENCHDEPLOY00001\naws_secret_access_key = bench-secret\n');
    const env = {
      ...process.env,
      ...sdkEnvironment(aws),
      AWS_ENDPOINT_URL_IAM: iam.endpoint,
      AWS_ENDPOINT_URL_STS: sts.endpoint,
      AWS_CONFIG_FILE: path.join(home, 'aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'aws-credentials'),
      ENVBOOT_HOME: home,
      HOME: home,
      NO_COLOR: '1',
    };
    const flows: { name: string; env: NodeJS.ProcessEnv; args: string[] }[] = [
      { name: 'bootstrap, no options', env, args: ['bootstrap', 'plain'] },
      { name: '  through the proxy only', env: { ...env, HTTP_PROXY: proxy.url, NO_PROXY: '' }, args: ['bootstrap', 'plain'] },
      { name: '  profile + assume-role only', env, args: ['bootstrap', 'access'] },
      { name: '  tags, ttl, profile, spot, image', env, args: ['bootstrap', 'launching', '--spot', '--tag', 'owner=ci', '--ttl', '8h'] },
      { name: '  machine proxies, apt mirror', env, args: ['bootstrap', 'machines'] },
      {
        name: 'bootstrap, every option on',
        env: { ...env, HTTP_PROXY: proxy.url, NO_PROXY: '' },
        args: ['bootstrap', 'organised', '--spot', '--tag', 'owner=ci', '--ttl', '8h'],
      },
    ];
    console.log('\nbootstrap on ec2 with an organisation\'s options: calls per service (fake EC2, S3, IAM, STS endpoints; real SDK, real HTTP; one process per run)');
    console.log(`  ${'flow (3 runs each)'.padEnd(34)} ${'EC2'.padStart(4)} ${'polls'.padStart(6)} ${'S3'.padStart(4)} ${'IAM'.padStart(4)} ${'STS'.padStart(4)} ${'proxied'.padStart(8)}  median   vs plain`);
    let baseline: number | undefined;
    for (const flow of flows) {
      const times: number[] = [];
      let calls: Calls | undefined;
      let actions = '';
      for (let round = 0; round < 3; round += 1) {
        const from = { ec2: aws.ec2.requests.length, s3: aws.s3.requests.length, iam: iam.requests.length, sts: sts.requests.length, proxy: proxy.count() };
        const started = performance.now();
        await run(process.execPath, [cli, ...flow.args], { env: flow.env });
        times.push(performance.now() - started);
        const ec2 = aws.ec2.requests.slice(from.ec2);
        const polls = ec2.filter((r) => r.action === 'DescribeInstances').length;
        calls ??= {
          ec2: ec2.length - polls,
          polls,
          s3: aws.s3.requests.length - from.s3,
          iam: iam.requests.length - from.iam,
          sts: sts.requests.length - from.sts,
          proxied: proxy.count() - from.proxy,
        };
        if (actions === '') actions = [...new Set(ec2.map((r) => r.action).filter((a) => a !== 'DescribeInstances'))].join(', ');
        await run(process.execPath, [cli, 'destroy', flow.args[1] ?? '', '--yes'], { env: flow.env });
      }
      const median = quantile([...times].sort((a, b) => a - b), 0.5);
      baseline ??= median;
      const c = calls ?? { ec2: 0, polls: 0, s3: 0, iam: 0, sts: 0, proxied: 0 };
      console.log(
        `  ${flow.name.padEnd(34)} ${String(c.ec2).padStart(4)} ${String(c.polls).padStart(6)} ${String(c.s3).padStart(4)} ${String(c.iam).padStart(4)} ${String(c.sts).padStart(4)} ${String(c.proxied).padStart(8)}  ${median.toFixed(0).padStart(4)} ms  ${(median / baseline).toFixed(2)}×`,
      );
      console.log(`    ${actions}`);
    }
  } finally {
    await rm(home, { recursive: true, force: true });
    await Promise.all([proxy.close(), sts.close(), iam.close()]);
    await aws.close();
  }
}
