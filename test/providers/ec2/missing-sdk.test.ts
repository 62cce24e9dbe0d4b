import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { missingSdk } from '../../../providers/ec2/missing-sdk.js';
import { ErrorCode } from '../../../src/index.js';

/** The error Node gives for an import of `specifier` that is not installed. */
async function importFailure(specifier: string): Promise<unknown> {
  return import(specifier).then(
    () => assert.fail(`${specifier} is installed`),
    (error: unknown) => error,
  );
}

describe('the ec2 provider without the AWS SDK installed', () => {
  it('says which SDK package is missing and how to install it, as CONFIG_INVALID', async () => {
    const error = missingSdk(await importFailure('@aws-sdk/client-not-installed'));
    assert.ok(error !== undefined);
    assert.equal(error.code, ErrorCode.ConfigInvalid);
    assert.match(error.message, /needs the AWS SDK for JavaScript v3, and @aws-sdk\/client-not-installed is not installed: run `npm install @aws-sdk\/client-ec2@3 @aws-sdk\/client-s3@3` where envboot is installed/);
  });

  it("says so for the SDK's building blocks envboot imports, when a package manager left them out of reach", () => {
    const failure = Object.assign(new Error("Cannot find package '@smithy/node-http-handler' imported from /app/node_modules/envboot/dist/providers/ec2/aws-http-handler.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    const error = missingSdk(failure);
    assert.ok(error !== undefined);
    assert.equal(error.code, ErrorCode.ConfigInvalid);
    assert.match(error.message, /needs @smithy\/node-http-handler, part of the AWS SDK .*run `npm install @aws-sdk\/client-ec2@3 @aws-sdk\/client-s3@3 @smithy\/node-http-handler@4`/);
    assert.equal(missingSdk(Object.assign(new Error("Cannot find package '@smithy/unknown-part'"), { code: 'ERR_MODULE_NOT_FOUND' }))?.message.includes('AWS SDK for JavaScript v3'), true);
  });

  it('leaves other failures alone', async () => {
    assert.equal(missingSdk(await importFailure('left-pad-not-installed')), undefined);
    assert.equal(missingSdk(new Error("Cannot find package '@aws-sdk/client-ec2'")), undefined, 'no module-not-found code');
  });
});
