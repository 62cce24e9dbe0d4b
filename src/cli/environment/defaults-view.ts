import { messageOf } from '../../errors/index.js';
import { applyConstraintDefaults, formatConstraintDefault, hasConstraintDefaults, type Constraints, type Environ } from '../../provider/index.js';

/** The provider's constraint defaults for this environment, as `status` states them; undefined for a provider without any. */
export type DefaultsView = { readonly machines: readonly string[]; readonly controller: readonly string[] } | { readonly error: string };

/**
 * The defaults the provider lays over the environment's constraints (`arch=amd64
 * (default)`), for added machines and for the controller (`mem≥2G (controller
 * default)`): what machines without their own `--constraints` get. A failed read (the
 * provider looks up its configured image) is shown, not fatal.
 */
export async function defaultsView(params: { readonly environ: Environ; readonly constraints: Constraints; readonly signal: AbortSignal }): Promise<DefaultsView | undefined> {
  const { environ, constraints, signal } = params;
  if (!hasConstraintDefaults(environ)) return undefined;
  try {
    const [machines, controller] = await Promise.all([false, true].map(async (isController) => {
      const stated = await environ.constraintDefaults({ controller: isController, constraints, signal });
      return applyConstraintDefaults(constraints, stated.defaults).applied.map(formatConstraintDefault);
    }));
    return { machines: machines ?? [], controller: controller ?? [] };
  } catch (error) {
    return { error: messageOf(error) };
  }
}

/** `Defaults:       arch=amd64 (default); the controller also mem≥2G (controller default)`; nothing when none apply. */
export function defaultsLine(view: DefaultsView | undefined): string[] {
  const label = 'Defaults:       ';
  if (view === undefined) return [];
  if ('error' in view) return [`${label}could not be read: ${view.error}`];
  const controllerOnly = view.controller.filter((word) => !view.machines.includes(word));
  const parts = [
    ...(view.machines.length === 0 ? [] : [view.machines.join(' ')]),
    ...(controllerOnly.length === 0 ? [] : [`${view.machines.length === 0 ? 'the controller' : 'the controller also'} ${controllerOnly.join(' ')}`]),
  ];
  return parts.length === 0 ? [] : [`${label}${parts.join('; ')} (where a machine's constraints leave them unset)`];
}
