import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DescribeSecurityGroupsCommand, EC2Client, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { after } from 'node:test';
import { defaultEc2Config, Ec2Api, Ec2Environ, s3StateStorage, sdkEc2Adapter, type Ec2Adapter, type Ec2Config, type Ec2Timing } from '../../../providers/ec2/index.js';
import { prepareEnviron, preflightEnviron, type EnvironmentIdentity, type IngressRule } from '../../../src/index.js';
import { generateSshKeyPair } from '../../../src/ssh/index.js';
import { FakeMachine, SshTestHost, type MachineCensus } from '../../../src/testing/index.js';
import { startFakeEc2, type FakeEc2, type FakeEc2Request, type StartFakeEc2Options } from '../../fakes/ec2-endpoint.js';
import { startFakeS3, type FakeS3 } from '../../fakes/s3-endpoint.js';
import { fakeS3Client } from '../../storage/fixtures/open-s3-storage.js';

/** Retries and polls in milliseconds: the fakes answer at once, and no test waits on a real timer's length. */
export const fastRetry = { retries: 8, minDelayMs: 1, maxDelayMs: 5 };
export const fastTiming: Ec2Timing = {
  terminatePollMs: { first: 5, max: 20 },
  dependencyRetry: { firstMs: 5, maxMs: 20, totalMs: 2_000 },
  listingMaxAgeMs: 25,
  consistencyRetry: { firstMs: 5, maxMs: 20, totalMs: 500 },
  iamPropagationRetry: { firstMs: 5, maxMs: 20, totalMs: 500 },
};
export const fastWait = { waitSshTunables: { refreshMinMs: 5, refreshMaxMs: 20, connectTimeoutMs: 2_000 } };

/** A launched instance's machine: a real SSH server that booted from the instance's user-data. */
interface LaunchedMachine {
  readonly machine: FakeMachine;
  readonly addresses: readonly string[];
}

/**
 * A fake AWS for one test file: the EC2 Query endpoint and the S3 endpoint on loopback,
 * every launched instance booted as an embedded SSH host from its real user-data, and a
 * jump host that forwards the instances' (fake, never contacted) 10.0.x.x and 203.0.113.x
 * addresses to those hosts, so that SSH goes where it would on AWS: through the jump host.
 * Everything is stopped when the file's tests end.
 */
export interface FakeAws {
  readonly ec2: FakeEc2;
  readonly s3: FakeS3;
  readonly jump: SshTestHost;
  readonly jumpKeyFile: string;
  readonly machines: ReadonlyMap<string, LaunchedMachine>;
  /** An environ of a new environment (or of `environment`), configured for the fakes. */
  environ(params?: { environment?: { name: string; uuid: string }; config?: Partial<Ec2Config> }): Ec2Environ;
  /** The config keys an environments.yaml entry needs for these fakes. */
  options(bucket: string): Record<string, unknown>;
  /** Every live instance of the fake account, seen and terminated through the SDK without an Environ: the conformance kit's safety net. */
  readonly census: MachineCensus;
}

/** The AWS SDK's own settings for a CLI run against the fakes, as an operator would set them: endpoints and credentials from the environment. */
export function sdkEnvironment(aws: Pick<FakeAws, 'ec2' | 's3'>): Record<string, string | undefined> {
  return {
    AWS_ENDPOINT_URL_EC2: aws.ec2.endpoint,
    AWS_ENDPOINT_URL_S3: aws.s3.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLETEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_REGION: undefined,
    AWS_PROFILE: undefined,
  };
}

/** `openFakeAws`, stopped when the calling test file's tests end. */
export async function startFakeAws(options: StartFakeEc2Options = {}): Promise<FakeAws> {
  const aws = await openFakeAws(options);
  after(() => aws.close());
  return aws;
}

/** The fakes, for callers outside node:test (benchmarks): `close` stops everything and removes the key file. */
export async function openFakeAws(options: StartFakeEc2Options = {}): Promise<FakeAws & { close(): Promise<void> }> {
  const machines = new Map<string, LaunchedMachine>();
  const ec2 = await startFakeEc2({
    ...options,
    onLaunch: (instance) => {
      const machine = new FakeMachine({ id: instance.id, tags: instance.tags, zone: instance.zone, hardware: undefined });
      machines.set(instance.id, { machine, addresses: [instance.privateIp, ...(instance.publicIp === undefined ? [] : [instance.publicIp])] });
      // As on AWS: Ubuntu's default user with sudo, root refused (needs root to set up; CI is root); its authorized_keys read at each login.
      machine.boot({
        userData: instance.userData,
        defaultUser: 'ubuntu',
        cloudImage: process.getuid?.() === 0,
        bootDelayMs: 0,
        failBoot: false,
        deadCloudLocalAddress: false,
        authorizedKeysFile: true,
      });
    },
    onTerminate: async (id) => {
      await machines.get(id)?.machine.stop();
    },
  });
  const s3 = await startFakeS3({ region: ec2.region });
  const jumpKey = generateSshKeyPair({ comment: 'envboot-test-jump' });
  const keyDir = await mkdtemp(path.join(tmpdir(), 'envboot-ec2-'));
  const jumpKeyFile = path.join(keyDir, 'jump-key');
  await writeFile(jumpKeyFile, jumpKey.privateKey, { mode: 0o600 });
  const jump = await SshTestHost.start({
    authorizedKeys: [jumpKey.publicKey],
    network: ({ host, port }) => {
      if (port !== 22) return undefined;
      const found = [...machines.values()].find((launched) => launched.addresses.includes(host))?.machine.host;
      return found === undefined ? undefined : { host: found.hostname, port: found.port };
    },
  });
  const close = async (): Promise<void> => {
    await ec2.close();
    await Promise.all([...machines.values()].map((launched) => launched.machine.stop()));
    await jump.stop();
    await s3.close();
    await rm(keyDir, { recursive: true, force: true });
  };
  const jumpHost = { user: 'jump', host: jump.hostname, port: jump.port, hostKey: jump.hostPublicKey, identityFile: jumpKeyFile };
  return {
    close,
    ec2,
    s3,
    jump,
    jumpKeyFile,
    machines,
    environ: (params = {}) =>
      new Ec2Environ({
        environment: params.environment ?? { name: `env-${randomUUID().slice(0, 8)}`, uuid: randomUUID() },
        config: { ...defaultEc2Config, bucket: 'envboot-test-state', region: ec2.region, jumpHost, ...params.config },
        region: ec2.region,
        api: fakeEc2Api(ec2),
        stateStorage: s3StateStorage(fakeS3Client(s3.endpoint)),
        timing: fastTiming,
      }),
    census: {
      live: () => Promise.resolve(ec2.instances().filter((i) => i.state !== 'terminated' && i.state !== 'shutting-down').map((i) => i.id)),
      stop: async (ids) => {
        const client = fakeEc2Client(ec2);
        try {
          await client.send(new TerminateInstancesCommand({ InstanceIds: [...ids] }));
        } finally {
          client.destroy();
        }
      },
    },
    options: (bucket) => ({
      region: ec2.region,
      bucket,
      'ssh-cidr': '192.0.2.0/24',
      'jump-host': { host: `jump@${jump.hostname}:${jump.port}`, 'host-key': jump.hostPublicKey, 'identity-file': jumpKeyFile },
    }),
  };
}

/** A client of the fake EC2 endpoint only: explicit endpoint and credentials, one attempt per call as the provider sends them. */
export function fakeEc2Client(ec2: FakeEc2): EC2Client {
  return new EC2Client({ endpoint: ec2.endpoint, region: ec2.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
}

/** The provider's EC2 calls, through the SDK's adapter, to the fake endpoint; fast retries. */
export function fakeEc2Api(ec2: FakeEc2): Ec2Api {
  return new Ec2Api({ adapter: sdkEc2Adapter(fakeEc2Client(ec2)), retry: fastRetry });
}

/** EC2 actions in the log since `from`, DescribeInstances (polling) left out. */
export function callsBeyondPolling(ec2: FakeEc2, from: number): string[] {
  return ec2.requests.slice(from).map((r) => r.action).filter((action) => action !== 'DescribeInstances');
}

/** The ssh-cidr the firewall tests configure. */
export const sshCidr = '192.0.2.0/24';
export const sshConfig: Partial<Ec2Config> = { sshCidrs: [sshCidr], sshCidrOpenToAll: false };

export function rule(protocol: 'tcp' | 'udp', port: number, ...sourceCidrs: string[]): IngressRule {
  return { protocol, fromPort: port, toPort: port, sourceCidrs };
}

/** Envboot's SSH from `sourceCidrs`, as `ingressRules` lists it. */
export function sshListed(...sourceCidrs: string[]): IngressRule {
  return { ...rule('tcp', 22, ...sourceCidrs), reserved: 'envboot SSH (ssh-cidr)' };
}

/** Every protocol and port from `sourceCidrs`: what EC2 calls "All traffic". */
export function allFrom(...sourceCidrs: string[]): IngressRule {
  return { protocol: 'all', fromPort: 0, toPort: 65535, sourceCidrs };
}

/** A security group's rules as the firewall tests write them: `443/tcp`, `0-65535/tcp`, `all` (protocol -1 without ports). */
function rangeText(protocol: string | undefined, fromPort: string | number | undefined, toPort: string | number | undefined): string {
  const ports = fromPort === undefined ? '' : String(fromPort) === String(toPort) ? `${String(fromPort)}/` : `${String(fromPort)}-${String(toPort)}/`;
  return `${ports}${protocol === '-1' ? 'all' : (protocol ?? '?')}`;
}

/** The fake AWS's security groups, seen and changed as the firewall tests need. */
export interface FirewallKit {
  /** A second EC2 client: the operator at the AWS console, or another envboot, acting on the same group. */
  readonly operator: EC2Client;
  /** A new environment with its security group made, as bootstrap leaves it before starting machines. */
  readonly preparedEnviron: (config?: Partial<Ec2Config>) => Promise<{ environ: Ec2Environ; groupId: string }>;
  /** An environ of `environment` whose EC2 calls go through `adapter`: another envboot process. */
  readonly environWith: (params: { adapter: Ec2Adapter; environment: EnvironmentIdentity; config?: Partial<Ec2Config>; timing?: Partial<Ec2Timing> }) => Ec2Environ;
  /** The SDK's adapter, with `rival` run once, to completion, just before the first authorize or revoke goes out. */
  readonly rivalFirst: (rival: () => Promise<unknown>) => Ec2Adapter;
  /** The logged requests for `action` since `from`. */
  readonly sent: (action: string, from: number) => FakeEc2Request[];
  /** The `range source` pairs a logged Authorize or Revoke named, sorted. */
  readonly pairsSent: (request: FakeEc2Request | undefined) => string[];
  /** The group's rules as DescribeSecurityGroups gives them to any SDK client: `range source description`, sorted; the group itself is `self`. */
  readonly groupRules: (groupId: string) => Promise<string[]>;
}

/** The kit over `aws`; its client is closed when the calling file's tests end. */
export function firewallKit(aws: FakeAws): FirewallKit {
  const operator = fakeEc2Client(aws.ec2);
  after(() => {
    operator.destroy();
  });
  const environWith: FirewallKit['environWith'] = (params) =>
    new Ec2Environ({
      environment: params.environment,
      config: { ...defaultEc2Config, bucket: 'envboot-test-state', region: aws.ec2.region, ...sshConfig, ...params.config },
      region: aws.ec2.region,
      api: new Ec2Api({ adapter: params.adapter, retry: fastRetry }),
      stateStorage: s3StateStorage(fakeS3Client(aws.s3.endpoint)),
      timing: { ...fastTiming, ...params.timing },
    });
  return {
    operator,
    environWith,
    preparedEnviron: async (config = {}) => {
      const environ = aws.environ({ config: { ...sshConfig, ...config } });
      await preflightEnviron(environ);
      const groupId = (await prepareEnviron(environ)).resources['security-group'];
      if (groupId === undefined) throw new Error('prepare named no security group');
      return { environ, groupId };
    },
    rivalFirst: (rival) => {
      const adapter = sdkEc2Adapter(operator);
      let pending: (() => Promise<unknown>) | undefined = rival;
      const runRival = async (): Promise<void> => {
        const now = pending;
        pending = undefined;
        await now?.();
      };
      return {
        ...adapter,
        authorizeSecurityGroupIngress: async (input, options) => (await runRival(), adapter.authorizeSecurityGroupIngress(input, options)),
        revokeSecurityGroupIngress: async (input, options) => (await runRival(), adapter.revokeSecurityGroupIngress(input, options)),
      };
    },
    sent: (action, from) => aws.ec2.requests.slice(from).filter((r) => r.action === action),
    pairsSent: (request) => {
      const params = request?.params ?? {};
      return Object.entries(params)
        .flatMap(([key, cidr]) => {
          const n = /^IpPermissions\.(\d+)\.Ipv?6?Ranges\.\d+\.CidrIpv?6?$/.exec(key)?.[1];
          if (n === undefined) return [];
          const field = (name: string): string | undefined => params[`IpPermissions.${n}.${name}`];
          return [`${rangeText(field('IpProtocol'), field('FromPort'), field('ToPort'))} ${cidr}`];
        })
        .sort();
    },
    groupRules: async (groupId) => {
      const answer = await operator.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
      return (answer.SecurityGroups?.[0]?.IpPermissions ?? [])
        .flatMap((p) => {
          const range = rangeText(p.IpProtocol, p.FromPort, p.ToPort);
          return [
            ...(p.IpRanges ?? []).map((r) => `${range} ${r.CidrIp ?? '?'} ${r.Description ?? '-'}`),
            ...(p.Ipv6Ranges ?? []).map((r) => `${range} ${r.CidrIpv6 ?? '?'} ${r.Description ?? '-'}`),
            ...(p.UserIdGroupPairs ?? []).map((g) => `${range} ${g.GroupId === groupId ? 'self' : (g.GroupId ?? '?')} ${g.Description ?? '-'}`),
          ];
        })
        .sort();
    },
  };
}
