import { lastLines, TagKey, throwIfCancelled, type ConsoleOutput, type EnvironmentIdentity } from '../../src/index.js';
import { awsCodeOf } from './aws-code.js';
import type { Ec2Api } from './ec2-api.js';

export interface ReadEc2ConsoleParams {
  readonly api: Ec2Api;
  readonly environment: EnvironmentIdentity;
  /** For the AWS CLI command that reads the whole console. */
  readonly region: string;
  readonly id: string;
  /** Default 50. */
  readonly lines?: number | undefined;
  /**
   * True when this Environ started the instance moments ago: it is the environment's
   * (tagged at creation) even while EC2's listings do not show it yet.
   */
  readonly startedHere?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * The end of an instance's console through GetConsoleOutput, for instances carrying the
 * environment's ownership tag only: another environment's instance, or an id EC2 does not
 * know, is undefined, and its console is never asked for. Asks for the latest output
 * (Nitro instances have it) and, where the instance type refuses that
 * (`UnsupportedOperation`: Xen types), for the output EC2 kept from the boot. Undefined too
 * while EC2 has no output (the first minutes of an instance).
 *
 * @example
 * const output = await readEc2Console({ api, environment, region: 'eu-west-1', id: 'i-0123456789abcdef0', lines: 25 });
 */
export async function readEc2Console(params: ReadEc2ConsoleParams): Promise<ConsoleOutput | undefined> {
  const what = `reading the console of instance ${params.id}`;
  throwIfCancelled(params.signal, what);
  if (params.startedHere !== true && !(await isOwned(params, what))) return undefined;
  let fetched: Fetched;
  try {
    fetched = await fetchOutput(params, what);
  } catch (error) {
    // Gone between the listing and this call, or started so recently that EC2 does not know it yet.
    if (awsCodeOf(error) === 'InvalidInstanceID.NotFound') return undefined;
    throw error;
  }
  const { output, latest } = fetched;
  if (output === undefined || output === '') return undefined;
  const text = lastLines(Buffer.from(output, 'base64').toString('utf8'), params.lines ?? 50);
  const flag = latest ? ' --latest' : '';
  return { text, location: `aws ec2 get-console-output --region ${params.region} --instance-id ${params.id}${flag} --output text` };
}

/**
 * One DescribeInstances filtered by the ownership tag and the id: a filter rather than
 * `InstanceIds`, which fails the call for an unknown id and would show another
 * environment's instance. Terminated instances count: EC2 keeps their console a while,
 * and it says why they ended.
 */
async function isOwned(params: ReadEc2ConsoleParams, what: string): Promise<boolean> {
  const page = await params.api.describeInstances(
    {
      Filters: [
        { Name: `tag:${TagKey.EnvironmentUuid}`, Values: [params.environment.uuid] },
        { Name: 'instance-id', Values: [params.id] },
      ],
    },
    { what, signal: params.signal },
  );
  return (page.Reservations ?? []).some((reservation) => (reservation.Instances ?? []).some((instance) => instance.InstanceId === params.id));
}

interface Fetched {
  /** Base64, as EC2 sends it; absent while EC2 has none. */
  readonly output: string | undefined;
  /** Whether it is the latest output, or the one EC2 kept from the boot. */
  readonly latest: boolean;
}

async function fetchOutput(params: ReadEc2ConsoleParams, what: string): Promise<Fetched> {
  const context = { what, signal: params.signal };
  try {
    return { output: (await params.api.getConsoleOutput({ InstanceId: params.id, Latest: true }, context)).Output, latest: true };
  } catch (error) {
    if (awsCodeOf(error) !== 'UnsupportedOperation') throw error;
    return { output: (await params.api.getConsoleOutput({ InstanceId: params.id }, context)).Output, latest: false };
  }
}
