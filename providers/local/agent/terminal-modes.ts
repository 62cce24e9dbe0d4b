/**
 * The terminal modes of an SSH `pty-req` (RFC 4254 §8), named as ssh2 names them,
 * translated for stty(1). Only modes Linux has and stty can both set and clear; the
 * rest (speeds, CS7/CS8, PENDIN, BSD-only characters) are left as the pty has them, as sshd
 * leaves the modes it does not know.
 */
const characters: Readonly<Record<string, string>> = {
  VINTR: 'intr',
  VQUIT: 'quit',
  VERASE: 'erase',
  VKILL: 'kill',
  VEOF: 'eof',
  VEOL: 'eol',
  VEOL2: 'eol2',
  VSTART: 'start',
  VSTOP: 'stop',
  VSUSP: 'susp',
  VREPRINT: 'rprnt',
  VWERASE: 'werase',
  VLNEXT: 'lnext',
  VDISCARD: 'discard',
};

const flags: Readonly<Record<string, string>> = {
  IGNPAR: 'ignpar',
  PARMRK: 'parmrk',
  INPCK: 'inpck',
  ISTRIP: 'istrip',
  INLCR: 'inlcr',
  IGNCR: 'igncr',
  ICRNL: 'icrnl',
  IUCLC: 'iuclc',
  IXON: 'ixon',
  IXANY: 'ixany',
  IXOFF: 'ixoff',
  IMAXBEL: 'imaxbel',
  IUTF8: 'iutf8',
  ISIG: 'isig',
  ICANON: 'icanon',
  XCASE: 'xcase',
  ECHO: 'echo',
  ECHOE: 'echoe',
  ECHOK: 'echok',
  ECHONL: 'echonl',
  NOFLSH: 'noflsh',
  TOSTOP: 'tostop',
  IEXTEN: 'iexten',
  ECHOCTL: 'echoctl',
  ECHOKE: 'echoke',
  OPOST: 'opost',
  OLCUC: 'olcuc',
  ONLCR: 'onlcr',
  OCRNL: 'ocrnl',
  ONOCR: 'onocr',
  ONLRET: 'onlret',
  PARENB: 'parenb',
  PARODD: 'parodd',
};

/** The value RFC 4254 gives a special character that is switched off. */
const noCharacter = 255;

/**
 * stty(1) arguments that apply `modes`. Every argument is a fixed word or a hex number,
 * so the list can go into a shell command unquoted. A character is given in hex because
 * stty takes a single digit as that digit itself.
 *
 * @example
 * sttyArgumentsOf({ VINTR: 3, VERASE: 255, ECHO: 0 }); // ['intr', '0x03', 'erase', 'undef', '-echo']
 */
export function sttyArgumentsOf(modes: Readonly<Record<string, number | undefined>>): string[] {
  const args: string[] = [];
  for (const [name, value] of Object.entries(modes)) {
    if (value === undefined || !Number.isInteger(value) || value < 0) continue;
    const character = characters[name];
    const flag = flags[name];
    if (character !== undefined && value <= noCharacter) {
      args.push(character, value === noCharacter ? 'undef' : `0x${value.toString(16).padStart(2, '0')}`);
    } else if (flag !== undefined) {
      args.push(value === 0 ? `-${flag}` : flag);
    }
  }
  return args;
}
