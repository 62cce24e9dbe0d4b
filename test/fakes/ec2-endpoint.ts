import http from 'node:http';
import { type ReceivedRequest, answer } from './ec2/answer.js';
import { type FakeEc2Faults, noFaults } from './ec2/faults.js';
import type { FakeEc2HookError, FakeEc2Hooks, FakeEc2LaunchedInstance } from './ec2/hooks.js';
import { moveTo } from './ec2/lifecycle.js';
import { type AddFakeEc2SubnetParams, addSubnet } from './ec2/network.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { signedBy, type FakeEc2Request } from './ec2/request-log.js';
import type {
  FakeEc2Instance,
  FakeEc2InstanceState,
  FakeEc2SecurityGroup,
  FakeEc2Subnet,
  FakeEc2Volume,
} from './ec2/resources.js';
import {
  type AddFakeEc2InstanceParams,
  type AddFakeEc2SecurityGroupParams,
  type AddFakeEc2VolumeParams,
  addInstance,
  addSecurityGroup,
  addVolume,
} from './ec2/seed.js';
import { type InstanceRecord, type StateOptions, createState } from './ec2/state.js';
import { closeServer, listenOnLoopback } from './loopback-server.js';

export type { FakeEc2Faults, FakeEc2HookError, FakeEc2Hooks, FakeEc2LaunchedInstance, FakeEc2Request };
export type { FakeEc2ZoneOption, AddFakeEc2SubnetParams } from './ec2/network.js';
export type { AddFakeEc2InstanceParams, AddFakeEc2SecurityGroupParams, AddFakeEc2VolumeParams } from './ec2/seed.js';
export type {
  FakeEc2Architecture,
  FakeEc2BlockDevice,
  FakeEc2Image,
  FakeEc2Instance,
  FakeEc2InstanceState,
  FakeEc2InstanceType,
  FakeEc2Rule,
  FakeEc2SecurityGroup,
  FakeEc2Subnet,
  FakeEc2Volume,
  FakeEc2VolumeAttachment,
  FakeEc2Vpc,
  FakeEc2Zone,
  Tags as FakeEc2Tags,
} from './ec2/resources.js';
export { defaultInstanceTypes } from './ec2/catalogue.js';
export { canonicalOwnerId, defaultImages, imageIdFor } from './ec2/images.js';
export { fakeAccountId } from './ec2/state.js';

/**
 * A local endpoint speaking EC2's Query protocol, for tests that drive the real AWS SDK
 * over real HTTP. Signatures are accepted unchecked. Time does not pass on its own:
 * instances change state only as DescribeInstances looks at them, or when a test forces it.
 */
export interface FakeEc2 {
  /** `http://127.0.0.1:PORT`. */
  readonly endpoint: string;
  readonly region: string;
  readonly requests: readonly FakeEc2Request[];
  readonly faults: FakeEc2Faults;
  /** Failures of `onLaunch` and `onTerminate`, which never reach the API caller. */
  readonly hookErrors: readonly FakeEc2HookError[];
  /** How many requests (for `action`, or in all) the fake has answered, including failures. */
  count(action?: string): number;
  /** Empties `requests`. */
  resetLog(): void;
  /** Every instance ever launched or seeded, terminated ones included, in launch order. */
  instances(): FakeEc2Instance[];
  /** Throws when there is no such instance. */
  instance(id: string): FakeEc2Instance;
  /** Forces a state, with its side effects (`onTerminate`, volume deletion) but no polling. */
  setInstanceState(id: string, state: FakeEc2InstanceState): void;
  /** What GetConsoleOutput answers for the instance from now on (sent base64, as EC2 sends it); undefined: no output yet. */
  setConsoleOutput(id: string, text: string | undefined): void;
  securityGroups(): FakeEc2SecurityGroup[];
  volumes(): FakeEc2Volume[];
  subnets(): FakeEc2Subnet[];
  addInstance(params?: AddFakeEc2InstanceParams): FakeEc2Instance;
  addSecurityGroup(params: AddFakeEc2SecurityGroupParams): FakeEc2SecurityGroup;
  addVolume(params?: AddFakeEc2VolumeParams): FakeEc2Volume;
  addSubnet(params: AddFakeEc2SubnetParams): FakeEc2Subnet;
  /** Resolves once every hook started so far has finished. */
  hooksSettled(): Promise<void>;
  /** Stops the server, drops kept-alive connections, and waits for running hooks. */
  close(): Promise<void>;
}

export type StartFakeEc2Options = StateOptions;

/**
 * Starts a fake EC2 on 127.0.0.1 at a free port. Supported: DescribeAvailabilityZones,
 * DescribeInstanceTypeOfferings, DescribeInstanceTypes, DescribeImages, DescribeVpcs,
 * DescribeSubnets, DescribeSecurityGroups, CreateSecurityGroup,
 * AuthorizeSecurityGroupIngress, RevokeSecurityGroupIngress, DeleteSecurityGroup,
 * RunInstances, DescribeInstances, TerminateInstances, DescribeVolumes, DeleteVolume and
 * GetConsoleOutput; anything else answers 400 InvalidAction.
 *
 * @example
 * const ec2 = await startFakeEc2({ onLaunch: (machine) => startSshServerFor(machine) });
 * after(() => ec2.close());
 * const client = new EC2Client({ endpoint: ec2.endpoint, region: ec2.region, maxAttempts: 1,
 *   credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
 */
export async function startFakeEc2(options: StartFakeEc2Options = {}): Promise<FakeEc2> {
  const state = createState(options);
  const faults = noFaults();
  const requests: FakeEc2Request[] = [];
  const exchange = { state, faults, draw: seededRandom(options.seed ?? 1) };
  const server = http.createServer((request, response) => {
    receive(request)
      .then((received) => {
        const { reply, logEntry } = answer(exchange, received);
        requests.push({ ...logEntry, ...signedBy(received.headers) });
        response.writeHead(reply.status, {
          'content-type': 'text/xml;charset=UTF-8',
          'content-length': String(Buffer.byteLength(reply.body)),
          'x-amzn-requestid': reply.requestId,
          server: 'AmazonEC2',
        });
        response.end(reply.body);
      })
      .catch(() => response.destroy());
  });
  const port = await listenOnLoopback(server);
  const instanceRecord = (id: string): InstanceRecord => {
    const found = state.instances.get(id);
    if (found === undefined) throw new Error(`the fake EC2 has no instance ${JSON.stringify(id)}`);
    return found;
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: state.region,
    requests,
    faults,
    hookErrors: state.hooks.errors,
    count: (action) => (action === undefined ? requests.length : requests.filter((entry) => entry.action === action).length),
    resetLog: () => {
      requests.length = 0;
    },
    instances: () => [...state.instances.values()],
    instance: instanceRecord,
    setInstanceState: (id, next) => {
      moveTo(state, instanceRecord(id), next);
    },
    setConsoleOutput: (id, text) => {
      const record = instanceRecord(id);
      if (text === undefined) delete record.consoleOutput;
      else record.consoleOutput = text;
    },
    securityGroups: () => [...state.securityGroups.values()],
    volumes: () => [...state.volumes.values()],
    subnets: () => [...state.subnets],
    addInstance: (params = {}) => addInstance(state, params),
    addSecurityGroup: (params) => addSecurityGroup(state, params),
    addVolume: (params = {}) => addVolume(state, params),
    addSubnet: (params) => addSubnet(state, params),
    hooksSettled: () => state.hooks.settled(),
    close: async () => {
      await closeServer(server);
      await state.hooks.settled();
    },
  };
}

async function receive(request: http.IncomingMessage): Promise<ReceivedRequest> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return { url: request.url ?? '/', headers: request.headers, body: Buffer.concat(chunks) };
}
