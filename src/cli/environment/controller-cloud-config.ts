import type { CloudConfig } from '../../../cloudinit/index.js';
import type { CommandContext } from '../context.js';
import { loadEnvironmentsFile } from '../config/environments-file.js';

export interface ControllerCloudConfig {
  readonly config: CloudConfig;
  /** Where it came from: the absolute file path, or `inline` (written in environments.yaml). */
  readonly source: string;
}

/**
 * The environment's `controller-cloud-config`, read and checked now: commands about an
 * existing environment resolve it without reading cloud-config files (only bootstrap and
 * `configure` need them). Undefined when environments.yaml gives none; a file that is
 * missing or invalid is `CONFIG_INVALID` naming it.
 */
export async function controllerCloudConfig(context: CommandContext, environment: string): Promise<ControllerCloudConfig | undefined> {
  const file = await loadEnvironmentsFile({
    path: context.paths.configFile,
    required: context.paths.configFileExplicit,
    providers: context.providers,
    only: environment,
    loadCloudConfig: true,
  });
  const definition = file.environments.get(environment);
  if (definition?.controllerCloudConfig === undefined) return undefined;
  return { config: definition.controllerCloudConfig, source: definition.controllerCloudConfigSource ?? 'inline' };
}
