import type { PlannedCall } from '../../src/index.js';
import type { Ec2Config } from './config.js';
import { formatTtl } from './config-ttl.js';

/** A bootstrap with a ttl records the expiry in provider-state as it makes the security group: a read and a conditional write. */
export function expiryCalls(config: Pick<Ec2Config, 'ttlMs'>): PlannedCall[] {
  if (config.ttlMs === undefined) return [];
  return [
    { step: 'prepare', action: 's3:GetObject', purpose: 'read provider-state', writes: false },
    { step: 'prepare', action: 's3:PutObject', purpose: `record the expiry (ttl ${formatTtl(config.ttlMs)}), if provider-state is unchanged`, writes: true },
  ];
}

/** What the plan says of the operator's tags and the expiry. */
export function tagNotes(params: { readonly config: Pick<Ec2Config, 'resourceTags' | 'ttlMs'>; readonly bootstrap: boolean }): string[] {
  const { resourceTags, ttlMs } = params.config;
  const keys = Object.keys(resourceTags ?? {});
  const notes = keys.length === 0 ? [] : [`every resource made is tagged at creation with ${keys.map((key) => JSON.stringify(key)).join(', ')} (resource-tags, --tag) beside envboot's own tags`];
  if (ttlMs !== undefined && params.bootstrap) {
    notes.push(`the environment expires ${formatTtl(ttlMs)} after bootstrap (ttl): every resource is tagged envboot-expires-at, and "envboot cleanup --provider ec2 --expired" removes it then`);
  }
  return notes;
}
