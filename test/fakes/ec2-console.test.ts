import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GetConsoleOutputCommand } from '@aws-sdk/client-ec2';
import { failureOf, fakeEc2WithClient } from './ec2-test-client.js';

const now = new Date('2026-03-01T12:34:56.000Z');
const { fake, ec2 } = await fakeEc2WithClient({ now: () => now });

describe('fake EC2 endpoint, GetConsoleOutput', () => {
  it('answers as EC2 does: the instance id, a timestamp, and the output base64-encoded, which the SDK leaves encoded', async () => {
    const { id } = fake.addInstance();
    const text = 'Booting \u001b[1mLinux\u001b[0m ✓\r\nlogin: ';
    fake.setConsoleOutput(id, text);
    const answer = await ec2.send(new GetConsoleOutputCommand({ InstanceId: id, Latest: true }));
    assert.equal(answer.InstanceId, id);
    assert.deepEqual(answer.Timestamp, now);
    assert.equal(answer.Output, Buffer.from(text).toString('base64'));
    assert.equal(Buffer.from(answer.Output ?? '', 'base64').toString('utf8'), text);
    assert.deepEqual(fake.requests.at(-1)?.params, { InstanceId: id, Latest: 'true' });
  });

  it('has no output for an instance until a test gives it one, nor after it is taken away', async () => {
    const { id } = fake.addInstance();
    assert.equal((await ec2.send(new GetConsoleOutputCommand({ InstanceId: id }))).Output, undefined);
    fake.setConsoleOutput(id, 'x');
    fake.setConsoleOutput(id, undefined);
    const answer = await ec2.send(new GetConsoleOutputCommand({ InstanceId: id }));
    assert.equal(answer.Output, undefined);
    assert.equal(answer.InstanceId, id);
  });

  it('refuses Latest for the instance types listed in the fault, and answers without it', async () => {
    const { id, instanceType } = fake.addInstance();
    fake.setConsoleOutput(id, 'xen\n');
    fake.faults.latestConsoleUnsupported = [instanceType];
    try {
      const [name, status, message] = await failureOf(ec2.send(new GetConsoleOutputCommand({ InstanceId: id, Latest: true })));
      assert.deepEqual([name, status], ['UnsupportedOperation', 400]);
      assert.match(message, new RegExp(`${instanceType.replace('.', '\\.')} does not support retrieving the latest console output`));
      assert.equal((await ec2.send(new GetConsoleOutputCommand({ InstanceId: id }))).Output, Buffer.from('xen\n').toString('base64'));
      assert.equal((await ec2.send(new GetConsoleOutputCommand({ InstanceId: id, Latest: false }))).Output, Buffer.from('xen\n').toString('base64'));
    } finally {
      fake.faults.latestConsoleUnsupported = [];
    }
  });

  it('answers InvalidInstanceID.NotFound for an unknown id and .Malformed for a malformed one, and keeps terminated instances', async () => {
    const [notFound, notFoundStatus, notFoundMessage] = await failureOf(ec2.send(new GetConsoleOutputCommand({ InstanceId: 'i-0123456789abcdef0' })));
    assert.deepEqual([notFound, notFoundStatus, notFoundMessage], ['InvalidInstanceID.NotFound', 400, "The instance ID 'i-0123456789abcdef0' does not exist"]);
    assert.deepEqual((await failureOf(ec2.send(new GetConsoleOutputCommand({ InstanceId: 'web-1' })))).slice(0, 2), ['InvalidInstanceID.Malformed', 400]);
    const { id } = fake.addInstance({ state: 'terminated' });
    fake.setConsoleOutput(id, 'reboot: Power down\n');
    assert.equal((await ec2.send(new GetConsoleOutputCommand({ InstanceId: id }))).Output, Buffer.from('reboot: Power down\n').toString('base64'));
  });
});
