import { CancelledError, ConfigError, type HealthCheck } from '../../src/index.js';
import type { Ec2InstanceProfile } from './config-launch.js';
import { ec2ErrorCode } from './ec2-errors.js';
import type { IamAdapter } from './iam-adapter.js';

/** What preflight found about the configured instance profile. */
export interface InstanceProfileCheck {
  readonly check: HealthCheck;
  /** Said before anything is created: the profile could not be checked, or gives machines no role. */
  readonly warning?: string;
}

export interface CheckInstanceProfileParams {
  /** Absent: the services have no IAM (an in-memory run); RunInstances is then the check. */
  readonly iam: IamAdapter | undefined;
  readonly profile: Ec2InstanceProfile;
  readonly signal?: AbortSignal | undefined;
}

const missingCodes = new Set(['NoSuchEntity', 'NoSuchEntityException']);
const deniedCodes = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation']);

/**
 * Checks that the instance profile exists (`iam:GetInstanceProfile`), before the claim:
 * a profile that does not exist, or an ARN that names another profile than the account's
 * of that name, is `CONFIG_INVALID` (exit 2, nothing created). Where the caller may not
 * read IAM, or IAM cannot be reached, it warns and goes on: RunInstances refuses a
 * profile it cannot use, as a config error naming `instance-profile`.
 */
export async function checkInstanceProfile(params: CheckInstanceProfileParams): Promise<InstanceProfileCheck> {
  const { profile } = params;
  const shown = profile.arn ?? profile.name;
  if (params.iam === undefined) return { check: { name: 'instance-profile', status: 'not-checked', detail: `${shown}: no IAM service to ask; RunInstances checks it` } };
  try {
    const answer = await params.iam.getInstanceProfile({ InstanceProfileName: profile.name }, params.signal === undefined ? {} : { signal: params.signal });
    const found = answer.InstanceProfile;
    if (profile.arn !== undefined && found?.Arn !== undefined && found.Arn !== profile.arn) {
      throw new ConfigError(
        `instance-profile: ${profile.arn} is not this account's profile ${profile.name}, which is ${found.Arn}; give the ARN of a profile in the account envboot runs in, or its name`,
      );
    }
    const roles = (found?.Roles ?? []).flatMap((role) => (role.RoleName === undefined ? [] : [role.RoleName]));
    const check: HealthCheck = { name: 'instance-profile', status: 'ok', detail: `${shown} exists${roles.length === 0 ? '' : ` (role ${roles.join(', ')})`}` };
    if (roles.length > 0) return { check };
    const warning = `instance profile ${profile.name} has no role, so machines get no AWS credentials from it; add one (\`aws iam add-role-to-instance-profile --instance-profile-name ${profile.name} --role-name ROLE\`)`;
    return { check, warning };
  } catch (error) {
    if (params.signal?.aborted === true) throw new CancelledError('checking the instance profile cancelled', { cause: error });
    if (error instanceof ConfigError) throw error;
    const code = ec2ErrorCode(error) ?? '';
    if (missingCodes.has(code)) {
      throw new ConfigError(
        `instance-profile: ${shown} does not exist in this account (IAM answered ${code}); create it (\`aws iam create-instance-profile\`, then add a role to it), or name an existing one (\`aws iam list-instance-profiles\`)`,
        { cause: error },
      );
    }
    const reason = deniedCodes.has(code) || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403
      ? 'the credentials in use may not call iam:GetInstanceProfile'
      : `IAM answered: ${error instanceof Error ? error.message : String(error)}`;
    return {
      check: { name: 'instance-profile', status: 'not-checked', detail: `${shown}: ${reason}` },
      warning: `could not check instance-profile ${shown} (${reason}); going on: RunInstances refuses a profile that does not exist`,
    };
  }
}
