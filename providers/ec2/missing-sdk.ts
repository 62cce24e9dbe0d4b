import { ConfigError } from '../../src/provider-config/index.js';

/** What an operator runs to give envboot the AWS SDK, which it leaves out until ec2 is used. */
export const installSdk = 'npm install @aws-sdk/client-ec2@3 @aws-sdk/client-s3@3';

/** SDK packages that only an option needs, loaded when it is set: installed alone. */
/** The SDK's own building blocks envboot imports (its request handler, its shared-config loader), with their major versions. */
const smithyPackages: Readonly<Record<string, string>> = { '@smithy/node-http-handler': '4', '@smithy/core': '3' };

const optionPackages: Readonly<Record<string, string>> = { '@aws-sdk/client-iam': 'instance-profile', '@aws-sdk/credential-providers': 'profile (or assume-role)' };

/**
 * The AWS SDK is an optional peer dependency, so that envboot and provider packages built
 * on it do not pull about 50 MB that only ec2 needs. When the ec2 provider's module cannot
 * load because the SDK is not installed, this is the error that says how to install it
 * (`CONFIG_INVALID`, exit 2: nothing was created); any other failure is left as it is.
 */
export function missingSdk(error: unknown): ConfigError | undefined {
  const { code, message } = error as { code?: unknown; message?: unknown };
  const missing = typeof message === 'string' ? /Cannot find (?:package|module) '(@(?:aws-sdk|smithy)\/[a-z0-9-]+)/.exec(message)?.[1] : undefined;
  if ((code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') || missing === undefined) return undefined;
  const option = optionPackages[missing];
  const smithy = smithyPackages[missing];
  const needs =
    option !== undefined ? `the ec2 provider's ${option} option needs ${missing}`
    : smithy !== undefined ? `the ec2 provider needs ${missing}, part of the AWS SDK that a package manager did not put where envboot finds it`
    : 'the ec2 provider needs the AWS SDK for JavaScript v3';
  const install = option !== undefined ? `npm install ${missing}@3` : smithy !== undefined ? `${installSdk} ${missing}@${smithy}` : installSdk;
  return new ConfigError(
    `${needs}, and ${missing} is not installed: run \`${install}\` where envboot is installed (next to it, or globally with -g for a global envboot)`,
    { cause: error },
  );
}
