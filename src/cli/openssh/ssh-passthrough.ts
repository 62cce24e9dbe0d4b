import { ConfigError } from '../../errors/index.js';

/** What follows `envboot ssh ENV MACHINE`: OpenSSH options, then the remote command. */
export interface SshPassthrough {
  /** OpenSSH options as given (each with its argument), checked against `refusedOption`. */
  readonly options: readonly string[];
  /** The command to run instead of a login shell; empty for a login shell. */
  readonly command: readonly string[];
}

/** ssh's flags that take no argument, and those that take one (OpenSSH 9's getopt string). */
const flags = new Set('46AaCfGgKkMNnqsTtVvXxYy');
const withArgument = new Set('BbcDEeFIiJLlmOoPpQRSWw');

const pinning = 'envboot pins the machine\'s host key with the environment\'s own known_hosts (StrictHostKeyChecking=yes, HostKeyAlias)';
const routing = "envboot reaches the machine directly or through the environment's jump host, whose key is pinned too";
/** `-o` keywords (lower case) that would loosen the pin or replace the route, and why they are refused. */
const refusedSettings: Readonly<Record<string, string>> = {
  stricthostkeychecking: pinning,
  userknownhostsfile: pinning,
  globalknownhostsfile: pinning,
  hostkeyalias: pinning,
  knownhostscommand: pinning,
  updatehostkeys: `${pinning}, and nothing may rewrite it`,
  verifyhostkeydns: `${pinning}; a DNS record must not vouch for another key`,
  proxycommand: routing,
  proxyjump: routing,
  controlpath: 'a connection shared through a control socket is not checked against the pinned host key',
};
const refusedFlags: Readonly<Record<string, string>> = {
  F: 'another config file could replace the pinned known_hosts or the route',
  J: routing,
  S: refusedSettings['controlpath'] ?? '',
};

/**
 * Splits what follows the machine into OpenSSH options and the command, as ssh itself
 * reads its command line: options (clustered like `-NL 8080:localhost:80` or separate,
 * `-o Key=value`) until `--` or the first word that is not one; the rest is the command.
 * Before a `--`, only options may come. Options that would defeat the pinning are
 * refused, as are options ssh does not have: `CONFIG_INVALID`, naming the option and why.
 *
 * `rest` is what the command line parser left after the machine; `rawArgs` the whole
 * command line as given, for the one thing the parser does not keep: whether, and where,
 * `--` was written (everything after the first `--` is the command, word for word).
 *
 * @example
 * parseSshPassthrough({ rest: ['-L', '8080:localhost:80', '-N'], rawArgs }) // options: -L 8080:localhost:80 -N, command: []
 */
export function parseSshPassthrough(params: { rest: readonly string[]; rawArgs: readonly string[] }): SshPassthrough {
  const { rest } = params;
  const at = params.rawArgs.indexOf('--');
  const after = at < 0 ? undefined : params.rawArgs.slice(at + 1);
  const endsWithAfter = after !== undefined && after.length <= rest.length && after.every((word, i) => rest[rest.length - after.length + i] === word);
  const before = endsWithAfter ? rest.slice(0, rest.length - after.length) : rest;
  const words = endsWithAfter && before.at(-1) === '--' ? before.slice(0, -1) : before;
  const options: string[] = [];
  let index = 0;
  while (index < words.length) {
    const word = words[index] ?? '';
    if (word === '--') { index += 1; break; }
    if (!word.startsWith('-') || word === '-') break;
    const taken = optionAt(words, index);
    options.push(...words.slice(index, index + taken));
    index += taken;
  }
  const command = words.slice(index);
  if (!endsWithAfter) return { options, command };
  if (command.length > 0) {
    throw new ConfigError(`"${command[0] ?? ''}" comes before "--": ssh options go after the machine and before "--", the command after it (envboot ssh ENV MACHINE [ssh-options] [-- command])`);
  }
  return { options, command: after };
}

/** Checks the option (cluster) at `index` and returns how many words it takes. */
function optionAt(words: readonly string[], index: number): number {
  const word = words[index] ?? '';
  if (word.startsWith('--')) throw new ConfigError(`ssh has no option ${word}: its options are single letters (see "man ssh"); a command that starts with "-" goes after "--"`);
  for (let at = 1; at < word.length; at += 1) {
    const letter = word[at] ?? '';
    if (flags.has(letter)) continue;
    if (!withArgument.has(letter)) throw new ConfigError(`ssh has no option -${letter} (in "${word}"); see "man ssh"`);
    const inline = word.slice(at + 1);
    const argument = inline === '' ? words[index + 1] : inline;
    if (argument === undefined) throw new ConfigError(`ssh's option -${letter} needs a value (e.g. ${letter === 'o' ? '-o ServerAliveInterval=30' : `-${letter} VALUE`})`);
    refuse(letter, argument);
    return inline === '' ? 2 : 1;
  }
  return 1;
}

function refuse(letter: string, argument: string): void {
  const flagReason = refusedFlags[letter];
  const shown = `-${letter} ${argument}`;
  if (flagReason !== undefined) throw new ConfigError(`${shown} is refused: ${flagReason}; "envboot ssh-config ENV" prints a config for using OpenSSH directly`);
  if (letter !== 'o') return;
  const reason = refusedSettings[configKeyword(argument)];
  if (reason !== undefined) throw new ConfigError(`${shown} is refused: ${reason}; "envboot ssh-config ENV" prints a config for using OpenSSH directly`);
}

/**
 * The keyword of a `-o` setting (lower case) as OpenSSH reads it (readconf.c's `strdelim`),
 * which a plain "letters at the start" match would miss: leading blanks or "=" are skipped
 * (`-o " = ControlPath x"`), and a double quote anywhere in the keyword is removed up to the
 * next one (`-o '"ControlPath"/tmp/x'`, `-o 'Control"Path" x'` are both ControlPath).
 */
export function configKeyword(setting: string): string {
  let rest = setting;
  for (let token = 0; token < 2; token += 1) {
    const at = rest.search(/[ \t\r\n"=]/);
    if (at < 0) return rest.toLowerCase();
    if (rest[at] === '"') {
      const unquoted = rest.slice(0, at) + rest.slice(at + 1);
      const close = unquoted.indexOf('"', at);
      return close < 0 ? '' : unquoted.slice(0, close).toLowerCase();
    }
    if (at > 0) return rest.slice(0, at).toLowerCase();
    // An empty first token (the setting starts with a blank or "="): ssh reads the next one.
    const afterBlank = rest[at] !== '=';
    rest = rest.slice(1).replace(/^[ \t\r\n]*/, '');
    if (afterBlank && rest.startsWith('=')) rest = rest.slice(1).replace(/^[ \t\r\n]*/, '');
  }
  return '';
}
