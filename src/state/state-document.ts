import yaml from 'js-yaml';
import { StateCorruptError } from '../errors/index.js';

/** The name of the provider-state object in an environment's Storage. */
export const stateObjectName = 'provider-state';

/**
 * What provider-state records: the controller instance ids, and any further fields a
 * provider or a later version of envboot keeps there (kept verbatim, so that an older
 * envboot updating the list never drops a newer one's fields).
 */
export interface ProviderState {
  /** Controller instance ids, in the order they were added, without duplicates. */
  readonly stateInstances: readonly string[];
  /** Every other top-level field of the document, by its YAML key. */
  readonly fields: Readonly<Record<string, unknown>>;
}

const instancesKey = 'state-instances';

/** The YAML text of a provider-state document. */
export function serializeState(state: ProviderState): string {
  const document: Record<string, unknown> = { ...state.fields, [instancesKey]: [...state.stateInstances] };
  return yaml.dump(document, { noRefs: true, sortKeys: true, lineWidth: -1 });
}

/**
 * Parses a provider-state document. Throws `STATE_CORRUPT`, naming the object and the
 * problem, for anything that is not a mapping with a list of non-empty string ids.
 */
export function parseState(text: string, where: string): ProviderState {
  let document: unknown;
  try {
    document = yaml.load(text, { schema: yaml.CORE_SCHEMA });
  } catch (error) {
    const reason = error instanceof yaml.YAMLException ? error.message : String(error);
    throw corrupt(where, `it is not valid YAML (${reason})`, error);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw corrupt(where, 'it is not a YAML mapping');
  }
  const { [instancesKey]: ids, ...fields } = document as Record<string, unknown>;
  if (ids === undefined || ids === null) return { stateInstances: [], fields };
  if (!Array.isArray(ids)) throw corrupt(where, `"${instancesKey}" is not a list`);
  const bad = ids.findIndex((id) => typeof id !== 'string' || id.trim() === '');
  if (bad !== -1) throw corrupt(where, `"${instancesKey}[${bad}]" is not a non-empty string`);
  return { stateInstances: [...new Set(ids as string[])], fields };
}

function corrupt(where: string, problem: string, cause?: unknown): StateCorruptError {
  return new StateCorruptError(
    `${stateObjectName} in ${where} is corrupt: ${problem}. envboot will not overwrite it; ` +
      `repair the object by hand, or remove it if the environment is gone`,
    cause === undefined ? {} : { cause },
  );
}
