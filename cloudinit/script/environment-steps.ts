import { CloudConfigError } from '../cloud-config-error.js';
import { quote, rooted } from './shell-quote.js';
import type { Step } from './step.js';

/** Environment variables for the script's steps and the machine's `/etc/environment`. */
export type ScriptEnvironment = Readonly<Record<string, string>>;

const namePattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Refuses names that are not shell variable names and values `/etc/environment` cannot
 * hold as one double-quoted line (pam_env has no escapes: a quote, a backslash or a line
 * break would change what other variables say).
 */
export function checkScriptEnvironment(environment: ScriptEnvironment): void {
  const problems = Object.entries(environment).flatMap(([name, value]) => {
    if (!namePattern.test(name)) return [{ path: `environment.${name}`, message: 'is not a variable name (letters, digits and _, not starting with a digit)' }];
    if (/["\\\n\r\0]/.test(value)) return [{ path: `environment.${name}`, message: 'must not contain a double quote, a backslash, a line break or NUL' }];
    return [];
  });
  if (problems.length > 0) throw new CloudConfigError('invalid script environment; fix these and try again:', { problems });
}

/** Header lines that export the variables, so every step (and what it starts) sees them. */
export function exportLines(environment: ScriptEnvironment): string[] {
  return Object.entries(environment).map(([name, value]) => `${name}=${quote(value)}; export ${name}`);
}

/** Variables that are set or cleared together: the proxies, in both cases. */
const proxyFamily = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY'];

/**
 * The step that keeps the variables in `/etc/environment` (read by pam_env at every
 * login, and by systemd's user sessions): earlier lines setting the same names (and, when
 * any proxy variable is given, every proxy variable) are removed and one `NAME="value"`
 * line each appended, so running it again changes nothing and a new value replaces the
 * old one. Other lines (Ubuntu's `PATH`) stay.
 */
export function environmentStep(environment: ScriptEnvironment): Step {
  const given = Object.keys(environment);
  // The proxy variables are one setting: a proxy dropped from the environment must not linger (with its password) beside the new ones.
  const names = given.some((name) => proxyFamily.includes(name)) ? [...new Set([...given, ...proxyFamily])] : given;
  const file = rooted('/etc/environment');
  const body = Object.entries(environment)
    .map(([name, value]) => `${name}="${value}"\n`)
    .join('');
  return {
    name: '/etc/environment',
    lines: [
      'mkdir -p -- "$ENVBOOT_ROOT"/etc',
      `touch -- ${file}`,
      // grep exits 1 when it keeps no line: an empty file is not a failure.
      `{ grep -v -E ${quote(`^[[:space:]]*(export[[:space:]]+)?(${names.join('|')})=`)} ${file} || [ $? -eq 1 ]; } > ${rooted('/etc/environment.envboot-new')}`,
      `printf '%s' ${quote(body)} >> ${rooted('/etc/environment.envboot-new')}`,
      `chmod 0644 ${rooted('/etc/environment.envboot-new')}`,
      `mv -f -- ${rooted('/etc/environment.envboot-new')} ${file}`,
    ],
  };
}
