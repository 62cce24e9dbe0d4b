import type { Problem } from '../../errors/index.js';

/** The longest environment name: it goes into tags, hostnames and directory names. */
export const maxEnvironmentNameLength = 40;

const rule =
  'use lower-case letters, digits and dashes, starting with a letter and ending with a letter or digit, ' +
  `at most ${maxEnvironmentNameLength} characters`;

/**
 * Checks an environment name: lower-case letters, digits and dashes, starting with a
 * letter, not ending with a dash (it becomes part of hostnames), at most 40 characters.
 * Returns the problem, at `path`, or undefined for a good name. The message is the reason
 * and the rule, for the caller to put after its own context.
 *
 * @example
 * const problem = checkEnvironmentName('Prod'); // { path: '', message: 'it has upper-case letters; use lower-case letters, …' }
 * if (problem) throw new ConfigError(`environment name "Prod" is invalid: ${problem.message}`);
 */
export function checkEnvironmentName(name: string, path = ''): Problem | undefined {
  const reason = whatIsWrong(name);
  if (reason === undefined) return undefined;
  return { path, message: `${reason}; ${rule}` };
}

function whatIsWrong(name: string): string | undefined {
  if (name === '') return 'it is empty';
  if (name.length > maxEnvironmentNameLength) return `it is ${name.length} characters long`;
  if (/[A-Z]/.test(name)) return 'it has upper-case letters';
  if (!/^[a-z]/.test(name)) return 'it does not start with a letter';
  const other = /[^a-z0-9-]/.exec(name);
  if (other !== null) return `it contains ${JSON.stringify(other[0])}`;
  if (name.endsWith('-')) return 'it ends with a dash';
  return undefined;
}
