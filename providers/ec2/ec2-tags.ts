/**
 * Tags the ec2 provider adds to envboot's own (see `src/provider/tags.ts`), so that
 * `envboot cleanup` can judge a resource on its own, with no local records: where its
 * environment's provider-state lives, and, for security groups (which EC2 gives no
 * creation time), when it was made.
 */
export const Ec2TagKey = {
  ProviderState: 'envboot-provider-state',
  CreatedAt: 'envboot-created-at',
} as const;

/** `s3://bucket/prefix/` for the provider-state tag. */
export function stateLocation(bucket: string, prefix: string): string {
  return `s3://${bucket}/${prefix}`;
}

/** Parses a provider-state tag; undefined when it is not one. */
export function parseStateLocation(value: string | undefined): { bucket: string; prefix: string } | undefined {
  const match = /^s3:\/\/([^/]+)\/(.*)$/.exec(value ?? '');
  return match === null ? undefined : { bucket: match[1] ?? '', prefix: match[2] ?? '' };
}
