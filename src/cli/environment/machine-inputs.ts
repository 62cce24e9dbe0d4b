import type { CloudConfig } from '../../../cloudinit/index.js';
import { mergeConstraints, parseConstraints, type Constraints } from '../../provider/index.js';
import { loadCloudConfigFile } from '../config/environments-file.js';
import type { ResolvedEnvironment } from './resolve-environment.js';

export interface MachineInputs {
  readonly constraints: Constraints;
  readonly cloudConfig?: CloudConfig;
}

/**
 * The constraints and cloud-config for new machines: the environment's constraints with
 * `--constraints` over them (per field, as Juju merges them), and `--cloud-config FILE`
 * or, for the controller, the environment's `controller-cloud-config`. Bad input is
 * `CONFIG_INVALID` before anything is created.
 */
export async function machineInputs(params: {
  environment: ResolvedEnvironment;
  constraints: string | undefined;
  cloudConfig: string | undefined;
  controller: boolean;
}): Promise<MachineInputs> {
  const flags = params.constraints === undefined ? {} : parseConstraints(params.constraints);
  const constraints = mergeConstraints(params.environment.constraints, flags);
  const cloudConfig =
    params.cloudConfig !== undefined
      ? await loadCloudConfigFile(params.cloudConfig)
      : params.controller
        ? params.environment.controllerCloudConfig
        : undefined;
  return { constraints, ...(cloudConfig === undefined ? {} : { cloudConfig }) };
}
