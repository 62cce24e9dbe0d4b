import { ConfigError } from '../../errors/index.js';
import { closestWord } from '../config/hints.js';
import type { EnvironmentsFile } from '../config/environments-file.js';
import { knownEnvironmentNames } from './known-environments.js';

export interface UnknownEnvironmentParams {
  /** The name as given, which neither environments.yaml nor this client knows. */
  readonly name: string;
  readonly file: EnvironmentsFile;
  /** This client's data root, where its environment records are. */
  readonly dataRoot: string;
}

/**
 * The error for a command about an environment nobody here knows (`CONFIG_INVALID`, exit
 * 2, before anything is created). A name close to a known one (environments.yaml's, or one
 * this client bootstrapped or attached) is most likely a typo: the message asks "did you
 * mean" and offers no way to create the mistyped one, since `bootstrap` would make it at
 * once. Otherwise it lists the environments there are, and how to make or join a new one.
 *
 * @example
 * throw await unknownEnvironmentError({ name: 'dmeo', file, dataRoot }); // … did you mean "demo"? …
 */
export async function unknownEnvironmentError(params: UnknownEnvironmentParams): Promise<ConfigError> {
  const { name, file } = params;
  const known = await knownEnvironmentNames({ file, dataRoot: params.dataRoot });
  const meant = closestWord(name, known);
  const unknown = `unknown environment "${name}": ${file.path} does not define it and this client has not bootstrapped or attached it`;
  if (meant !== undefined) {
    return new ConfigError(`${unknown}; did you mean "${meant}"? ("envboot environments" lists the known ones)`);
  }
  const existing = known.length === 0 ? 'there are no environments yet' : `the known environments are ${known.join(', ')}`;
  return new ConfigError(
    `${unknown}; ${existing} ("envboot environments" lists them); "envboot bootstrap ${name}" creates a new one, ` +
      `"envboot attach ${name} --provider …" joins one that another client made`,
  );
}
