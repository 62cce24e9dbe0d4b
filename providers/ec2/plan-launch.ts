import type { Ec2Config } from './config.js';

// What the plan says of the launch options (`instance-profile`, `spot`): the run's
// RunInstances carries them (see `launchOptionsInput`).

/** ` (spot) with instance profile NAME`, or nothing: said after the instance type. */
export function launchPurpose(config: Pick<Ec2Config, 'instanceProfile' | 'spot'>): string {
  const spot = config.spot === true ? ' (spot)' : '';
  const profile = config.instanceProfile === undefined ? '' : `, with instance profile ${config.instanceProfile.arn ?? config.instanceProfile.name}`;
  return `${spot}${profile}`;
}

/** The plan's notes on spot and the instance profile. */
export function launchNotes(config: Pick<Ec2Config, 'instanceProfile' | 'spot' | 'spotMaxPrice'>): string[] {
  const notes: string[] = [];
  if (config.spot === true) {
    const price = config.spotMaxPrice === undefined ? 'at most the on-demand price' : `at most $${config.spotMaxPrice} an hour (spot-max-price)`;
    notes.push(
      `the machine would be a one-time spot instance, paying the spot price, ${price}: EC2 may take it back at two minutes' notice, which terminates it ` +
        '(envboot does not replace it); a zone without spot capacity is skipped for the next',
    );
  }
  if (config.instanceProfile !== undefined) {
    notes.push(`iam:PassRole is needed on instance profile ${config.instanceProfile.name}'s role: EC2 checks it when RunInstances names the profile`);
  }
  return notes;
}
