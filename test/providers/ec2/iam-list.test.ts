import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { ec2ProviderCalls } from '../../../providers/ec2/index.js';

describe('the IAM permissions the README prints', () => {
  it('are exactly the calls the ec2 provider makes', async () => {
    const readme = await readFile(new URL('../../../../README.md', import.meta.url), 'utf8');
    const policy = /```json\n(\{[\s\S]*?"Version": "2012-10-17"[\s\S]*?\})\n```/.exec(readme)?.[1];
    assert.ok(policy !== undefined, 'the README has the policy');
    const statements = (JSON.parse(policy) as { Statement: { Action: string[] }[] }).Statement;
    const actions = statements.flatMap((statement) => statement.Action).sort();
    const expected = [...ec2ProviderCalls.ec2.map((call) => `ec2:${call}`), ...ec2ProviderCalls.s3.map((call) => `s3:${call}`)].sort();
    assert.deepEqual(actions, expected);
  });
});
