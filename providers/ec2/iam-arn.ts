// IAM ARNs as the config names them: `assume-role` (a role) and `instance-profile` (a
// profile, or a role given by mistake). One reading, so that both keys agree on what an
// IAM ARN is. Light: no SDK.

/** An IAM ARN taken apart: `arn:PARTITION:iam::ACCOUNT:KIND/PATH/NAME`. */
export interface IamArn {
  /** 12 digits. */
  readonly account: string;
  /** `role`, `instance-profile`, `user`, … */
  readonly kind: string;
  /** Between the kind and the name, with its trailing `/` (`teams/ci/`); empty at the root. */
  readonly path: string;
  /** After the last `/`; may be empty. */
  readonly name: string;
}

/** Any partition (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b`), an account of 12 digits. */
const iamArnPattern = /^arn:aws(?:-[a-z]+)*:iam::(\d{12}):([a-z-]+)\/(.*\/)?([^/]*)$/;

/** IAM's characters for role names: letters, digits and `+=,.@_-`, 1 to 64 of them. */
export const roleNamePattern = /^[\w+=,.@-]{1,64}$/;

/** A path of printable ASCII, as IAM allows in a role's. */
const rolePathPattern = /^[\x21-\x7e]*$/;

/** The parts of an IAM ARN; undefined when `text` is none. Checks no name: each kind has its own rules. */
export function parseIamArn(text: string): IamArn | undefined {
  const match = iamArnPattern.exec(text);
  if (match === null) return undefined;
  const [, account = '', kind = '', path = '', name = ''] = match;
  return { account, kind, path, name };
}

/** Whether `text` is a role's ARN whose path and name IAM would accept (`arn:aws:iam::123456789012:role/envboot-deployer`). */
export function isRoleArn(text: string): boolean {
  const arn = parseIamArn(text);
  return arn?.kind === 'role' && rolePathPattern.test(arn.path) && roleNamePattern.test(arn.name);
}

/** The role's name when `text` is shaped like a role's ARN (name unchecked, not empty); otherwise undefined. */
export function roleNameOfArn(text: string): string | undefined {
  const arn = parseIamArn(text);
  return arn?.kind === 'role' && arn.name !== '' ? arn.name : undefined;
}
