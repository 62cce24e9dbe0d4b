import { ConfigError } from '../../errors/index.js';
import type { CommandResult } from '../command-result.js';
import type { CommandContext } from '../context.js';
import { describeMachines } from '../openssh/describe-machines.js';
import { inventoryAnsible, inventoryJson } from '../openssh/inventory-documents.js';

export const inventoryFormats = ['json', 'ansible'] as const;
export type InventoryFormat = (typeof inventoryFormats)[number];

export interface InventoryInput {
  readonly environment: string;
  /** `json` when absent. */
  readonly format?: string | undefined;
}

/**
 * `envboot inventory ENV [--format json|ansible]`: the environment's machines for other
 * tools, with the OpenSSH options that reach them pinned: envboot's own JSON schema, or
 * an Ansible YAML inventory. The known_hosts files they name are rewritten first.
 */
export async function runInventory(context: CommandContext, input: InventoryInput): Promise<CommandResult> {
  const format = input.format ?? 'json';
  if (!(inventoryFormats as readonly string[]).includes(format)) {
    throw new ConfigError(`--format must be one of ${inventoryFormats.join(', ')} (got "${format}")`);
  }
  const described = await describeMachines(context, { environment: input.environment, ids: [] });
  const params = {
    environment: { name: described.environment.name, uuid: described.uuid, provider: described.environment.provider },
    endpoints: described.endpoints,
    unreachable: described.unreachable,
    jumpHost: described.jumpHost,
  };
  const text = format === 'ansible' ? inventoryAnsible(params) : inventoryJson(params);
  return { outcome: { json: { format, inventory: text }, text, verbatim: true } };
}
