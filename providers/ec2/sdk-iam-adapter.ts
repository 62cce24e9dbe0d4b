import type * as IamSdk from '@aws-sdk/client-iam';
import type { Ec2CallOptions } from './ec2-adapter.js';
import type { IamAdapter } from './iam-adapter.js';
import { missingSdk } from './missing-sdk.js';

/**
 * The IAM adapter over the AWS SDK's client, which it loads and builds on its first call:
 * `@aws-sdk/client-iam` is an optional peer that only `instance-profile` needs, so an
 * environment without one neither loads it nor needs it installed. When it is missing,
 * the call rejects with `missingSdk`'s install hint (`CONFIG_INVALID`). IAM reads keep
 * the SDK's own retries: unlike RunInstances, nothing here must be sent once.
 *
 * @example
 * const iam = lazySdkIamAdapter(() => ({ region: 'eu-west-1' }));
 */
export function lazySdkIamAdapter(config: () => IamSdk.IAMClientConfig): IamAdapter {
  let loaded: Promise<{ client: IamSdk.IAMClient; sdk: typeof IamSdk }> | undefined;
  const load = (): NonNullable<typeof loaded> => {
    loaded ??= import('@aws-sdk/client-iam').then(
      (sdk) => ({ sdk, client: new sdk.IAMClient(config()) }),
      (error: unknown) => {
        loaded = undefined;
        throw missingSdk(error) ?? error;
      },
    );
    return loaded;
  };
  const sent = (options: Ec2CallOptions): { abortSignal?: AbortSignal } => (options.signal === undefined ? {} : { abortSignal: options.signal });
  return {
    getInstanceProfile: async (input, options) => {
      const { sdk, client } = await load();
      return client.send(new sdk.GetInstanceProfileCommand(input), sent(options));
    },
  };
}
