import type { Environ } from '../environ.js';

/**
 * The optional abilities an Environ can have, each named by the methods that make it.
 * The type guards (`isZoned`, `hasFirewall`, …), `envboot providers --check` and the
 * conformance kit all read this one table, so an ability is declared by implementing it
 * and nowhere else.
 */
export const abilityMethods = {
  zones: ['availabilityZones', 'instanceZones', 'deriveZones'],
  'instance-types': ['instanceTypes'],
  'hardware-limits': ['hardwareLimits'],
  'constraint-defaults': ['constraintDefaults'],
  firewall: ['ingressRules', 'openPorts', 'closePorts'],
  'console-output': ['consoleOutput'],
  'user-data': ['instanceUserData'],
  'ssh-route': ['sshRoute'],
  'cloud-config-check': ['checkCloudConfig'],
  plan: ['planStart'],
  preflight: ['preflight'],
  prepare: ['prepare'],
  teardown: ['teardown'],
} as const satisfies Record<string, readonly string[]>;

export type AbilityName = keyof typeof abilityMethods;

/** True when `environ` has every method of `ability`. */
export function implementsAbility(environ: Environ, ability: AbilityName): boolean {
  const methods = environ as unknown as Record<string, unknown>;
  return abilityMethods[ability].every((method) => typeof methods[method] === 'function');
}

/** The abilities `environ` implements, in the table's order. */
export function abilitiesOf(environ: Environ): AbilityName[] {
  return (Object.keys(abilityMethods) as AbilityName[]).filter((ability) => implementsAbility(environ, ability));
}

/**
 * Abilities with some of their methods but not all: common code ignores them (the guard
 * fails), which is never what the provider's author meant.
 */
export function partialAbilities(environ: Environ): { readonly ability: AbilityName; readonly missing: readonly string[] }[] {
  const methods = environ as unknown as Record<string, unknown>;
  return (Object.entries(abilityMethods) as [AbilityName, readonly string[]][]).flatMap(([ability, names]) => {
    const missing = names.filter((method) => typeof methods[method] !== 'function');
    return missing.length > 0 && missing.length < names.length ? [{ ability, missing }] : [];
  });
}
