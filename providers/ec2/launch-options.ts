import type { RunInstancesCommandInput } from '@aws-sdk/client-ec2';
import type { Ec2Config } from './config.js';

/** The config's choices about how machines are launched, beyond what constraints choose. */
export type Ec2LaunchOptions = Pick<Ec2Config, 'instanceProfile' | 'spot' | 'spotMaxPrice'>;

/** The RunInstances fields the launch options set. */
export type LaunchOptionsInput = Pick<RunInstancesCommandInput, 'IamInstanceProfile' | 'InstanceMarketOptions'>;

/**
 * RunInstances' fields for `options`: the instance profile by ARN when one was given
 * (EC2 takes a name or an ARN, not both), and spot as a one-time request whose machine
 * is terminated when EC2 takes the capacity back: envboot records machines, and a
 * machine that came back as another boot (a persistent request) or stopped with its
 * disk would not be the one it proved over SSH.
 *
 * @example
 * launchOptionsInput({ instanceProfile: { name: 'ci' }, spot: true });
 * // { IamInstanceProfile: { Name: 'ci' }, InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' } } }
 */
export function launchOptionsInput(options: Ec2LaunchOptions | undefined): LaunchOptionsInput {
  const profile = options?.instanceProfile;
  const input: { -readonly [K in keyof LaunchOptionsInput]: LaunchOptionsInput[K] } = {};
  if (profile !== undefined) input.IamInstanceProfile = profile.arn === undefined ? { Name: profile.name } : { Arn: profile.arn };
  if (options?.spot === true) {
    input.InstanceMarketOptions = {
      MarketType: 'spot',
      SpotOptions: {
        SpotInstanceType: 'one-time',
        InstanceInterruptionBehavior: 'terminate',
        ...(options.spotMaxPrice === undefined ? {} : { MaxPrice: options.spotMaxPrice }),
      },
    };
  }
  return input;
}
