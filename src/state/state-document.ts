import yaml from 'js-yaml';
import { StateCorruptError } from '../errors/index.js';
import { printableExcerpt } from './printable-excerpt.js';

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
 * problem, for anything that is not a mapping with a list of non-empty string ids. The
 * message quotes none of the object's raw bytes (see `printableExcerpt`).
 */
export function parseState(text: string, where: string): ProviderState {
  if (text.trim() === '') throw corruptStateError(where, 'it is empty');
  let document: unknown;
  try {
    document = yaml.load(text, { schema: yaml.CORE_SCHEMA });
  } catch (error) {
    throw corruptStateError(where, `it is not valid YAML (${yamlProblem(error)})`);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw corruptStateError(where, `it is not a YAML mapping but ${kindOf(document)}`);
  }
  const { [instancesKey]: ids, ...fields } = document as Record<string, unknown>;
  if (ids === undefined || ids === null) return { stateInstances: [], fields };
  if (!Array.isArray(ids)) throw corruptStateError(where, `"${instancesKey}" is not a list`);
  const bad = ids.findIndex((id) => typeof id !== 'string' || id.trim() === '');
  if (bad !== -1) throw corruptStateError(where, `"${instancesKey}[${bad}]" is not a non-empty string`);
  return { stateInstances: [...new Set(ids as string[])], fields };
}

/**
 * The `STATE_CORRUPT` error for the provider-state object in `where`. `problem` must quote
 * nothing of the object but through `printableExcerpt`.
 */
export function corruptStateError(where: string, problem: string): StateCorruptError {
  return new StateCorruptError(
    `${stateObjectName} in ${where} is corrupt: ${problem}. envboot will not overwrite it; repair the object by hand, ` +
      `or run "envboot destroy" to remove the environment (it finds every machine by its ownership tag, and removes the object last)`,
    { problem },
  );
}

/**
 * The parser's reason and position. Not the parser's own message, nor the parser's error
 * as `cause`: both quote the document (the error even holds all of it, in `mark.buffer`),
 * raw bytes and terminal escapes included, and a cause reaches --debug output and logs.
 */
function yamlProblem(error: unknown): string {
  if (!(error instanceof yaml.YAMLException)) return printableExcerpt(String(error));
  const mark = error.mark as yaml.YAMLException['mark'] | undefined;
  const at = mark === undefined ? '' : ` at line ${mark.line + 1}, column ${mark.column + 1}`;
  return `${printableExcerpt(error.reason)}${at}`;
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}
