import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import { ec2ProviderCalls, type Ec2Environ } from '../../../providers/ec2/index.js';
import { ErrorCode, findInChain, machineTags } from '../../../src/index.js';
import { startFakeAws, type FakeAws } from './fixtures.js';

const aws: FakeAws = await startFakeAws();

/** A running instance of `environ`'s environment, seeded (no machine boots), with `console` on its console. */
function ownInstance(environ: Ec2Environ, console?: string): string {
  const { id } = aws.ec2.addInstance({ tags: machineTags(environ.environment, '0') });
  if (console !== undefined) aws.ec2.setConsoleOutput(id, console);
  return id;
}

/** The GetConsoleOutput requests since `from`: `Latest` as sent, and the answer. */
function consoleCalls(from: number): string[] {
  return aws.ec2.requests
    .slice(from)
    .filter((request) => request.action === 'GetConsoleOutput')
    .map((request) => `Latest=${request.params['Latest'] ?? '-'} ${request.status}${request.errorCode === undefined ? '' : ` ${request.errorCode}`}`);
}

function resetFaults(): void {
  Object.assign(aws.ec2.faults, { throttleNext: 0, unauthorized: [], latestConsoleUnsupported: [] });
}

/** Numbered lines, as a console prints them: `line 1\r\n` … */
function numberedLines(count: number): string {
  return Array.from({ length: count }, (_, index) => `line ${index + 1}\r\n`).join('');
}

describe('ec2 provider: console output', () => {
  it("reads an own instance's latest console through GetConsoleOutput, decoded from base64 and unaltered, its last lines only", async () => {
    resetFaults();
    const environ = aws.environ();
    const raw = '\u001b[0;32m[  OK  ]\u001b[0m Started ssh.service – OpenBSD Secure Shell server.\r\nümlaut ✓\r\ncloud-init[612]: Cloud-init v. 24.1 finished\r\n';
    const id = ownInstance(environ, `${numberedLines(5)}${raw}`);
    const from = aws.ec2.requests.length;
    const output = await environ.consoleOutput({ id, lines: 3 });
    assert.deepEqual(output, {
      text: raw,
      location: `aws ec2 get-console-output --region ${aws.ec2.region} --instance-id ${id} --latest --output text`,
    });
    assert.deepEqual(consoleCalls(from), ['Latest=true 200']);
    const sent = aws.ec2.requests.slice(from).find((request) => request.action === 'GetConsoleOutput');
    assert.equal(sent?.params['InstanceId'], id);
    for (const action of aws.ec2.requests.map((request) => request.action)) {
      assert.ok((ec2ProviderCalls.ec2 as readonly string[]).includes(action), `${action} is missing from the IAM list`);
    }
  });

  it('gives the last 50 lines when no number is asked for, and the whole of a shorter console', async () => {
    resetFaults();
    const environ = aws.environ();
    const id = ownInstance(environ, numberedLines(120));
    const text = (await environ.consoleOutput({ id }))?.text ?? '';
    assert.equal(text, numberedLines(120).split('\r\n').slice(70, 120).map((line) => `${line}\r\n`).join(''));
    assert.match(text, /^line 71\r\n/);
    const short = ownInstance(environ, 'only line, no newline');
    assert.equal((await environ.consoleOutput({ id: short, lines: 10 }))?.text, 'only line, no newline');
  });

  it('asks again without Latest when the instance type cannot give the latest output, and says so in the command', async () => {
    resetFaults();
    const environ = aws.environ();
    const id = ownInstance(environ, 'Xen console\n');
    aws.ec2.faults.latestConsoleUnsupported = [aws.ec2.instance(id).instanceType];
    const from = aws.ec2.requests.length;
    const output = await environ.consoleOutput({ id });
    assert.deepEqual(output, { text: 'Xen console\n', location: `aws ec2 get-console-output --region ${aws.ec2.region} --instance-id ${id} --output text` });
    assert.deepEqual(consoleCalls(from), ['Latest=true 400 UnsupportedOperation', 'Latest=- 200']);
    resetFaults();
  });

  it('is undefined while EC2 has no output for the instance, and keeps a terminated one', async () => {
    resetFaults();
    const environ = aws.environ();
    const id = ownInstance(environ);
    assert.equal(await environ.consoleOutput({ id }), undefined, 'no output yet');
    aws.ec2.setConsoleOutput(id, '');
    assert.equal(await environ.consoleOutput({ id }), undefined, 'empty output');
    aws.ec2.setConsoleOutput(id, 'reboot: Power down\n');
    aws.ec2.setInstanceState(id, 'terminated');
    assert.equal((await environ.consoleOutput({ id }))?.text, 'reboot: Power down\n', 'why it ended is still readable');
  });

  it("never reads the console of another environment's instance, an untagged one or an unknown id", async () => {
    resetFaults();
    const environ = aws.environ();
    const stranger = aws.environ({ environment: { name: 'stranger', uuid: randomUUID() } });
    const theirs = ownInstance(stranger, 'secret of another environment\n');
    const untagged = aws.ec2.addInstance({ tags: { Name: 'someone-elses' } }).id;
    aws.ec2.setConsoleOutput(untagged, 'not ours either\n');
    const from = aws.ec2.requests.length;
    for (const id of [theirs, untagged, 'i-0123456789abcdef0', 'not-an-instance-id', 'i-*']) {
      assert.equal(await environ.consoleOutput({ id }), undefined, id);
    }
    assert.deepEqual(consoleCalls(from), [], 'no console was fetched');
    assert.equal((await stranger.consoleOutput({ id: theirs }))?.text, 'secret of another environment\n', 'its own environment reads it');
  });

  it('retries a throttled call, names the missing permission, and is CANCELLED when aborted', async () => {
    resetFaults();
    const environ = aws.environ();
    const id = ownInstance(environ, 'after the throttling\n');
    aws.ec2.faults.throttleNext = 2;
    assert.equal((await environ.consoleOutput({ id }))?.text, 'after the throttling\n');
    aws.ec2.faults.unauthorized = ['GetConsoleOutput'];
    await assert.rejects(environ.consoleOutput({ id }), (error: Error) => {
      assert.ok(findInChain(error, ErrorCode.CredentialsInvalid) !== undefined, error.message);
      assert.match(error.message, /reading the console of instance i-\w+: .*lack the ec2:GetConsoleOutput permission/);
      return true;
    });
    resetFaults();
    const from = aws.ec2.requests.length;
    await assert.rejects(environ.consoleOutput({ id, signal: AbortSignal.abort() }), (error: Error) => findInChain(error, ErrorCode.Cancelled) !== undefined);
    assert.equal(aws.ec2.requests.length, from, 'an aborted read makes no call');
  });
});
