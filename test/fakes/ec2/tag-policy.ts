import { Ec2Error } from './ec2-error.js';
import type { Tags } from './query-params.js';
import { fakeAccountId } from './state.js';

/** One resource a request creates, with the tags the request gives it. */
export interface TaggedCreation {
  /** `instance`, `volume`, `network-interface`, `spot-instances-request`, `security-group`. */
  readonly resourceType: string;
  readonly tags: Tags;
}

/**
 * An organisation's tag policy, as a service control policy enforces it: a request that
 * creates a resource without each `required` tag key in its own request (`aws:RequestTag`,
 * so tagging afterwards cannot pass) is denied with 403 UnauthorizedOperation, worded as
 * AWS words an explicit deny in an SCP. Nothing is created.
 */
export function enforceTagPolicy(params: { readonly required: readonly string[]; readonly action: string; readonly region: string; readonly creations: readonly TaggedCreation[] }): void {
  for (const creation of params.creations) {
    const missing = params.required.find((key) => !(key in creation.tags));
    if (missing === undefined) continue;
    const encoded = Buffer.from(JSON.stringify({ allowed: false, explicitDeny: true, missingRequestTag: missing, action: `ec2:${params.action}` })).toString('base64');
    throw new Ec2Error(
      403,
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. User: arn:aws:iam::${fakeAccountId}:user/envboot-test is not authorized to perform: ` +
        `ec2:${params.action} on resource: arn:aws:ec2:${params.region}:${fakeAccountId}:${creation.resourceType}/* with an explicit deny in a service control policy. ` +
        `Encoded authorization failure message: ${encoded}`,
    );
  }
}
