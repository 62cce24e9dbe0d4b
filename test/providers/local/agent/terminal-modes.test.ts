import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sttyArgumentsOf } from '../../../../providers/local/agent/terminal-modes.js';

describe('sttyArgumentsOf', () => {
  const cases: { name: string; modes: Record<string, number | undefined>; args: string[] }[] = [
    { name: 'gives special characters in hex, since stty reads one digit as that digit', modes: { VINTR: 3, VEOF: 4, VLNEXT: 0x16 }, args: ['intr', '0x03', 'eof', '0x04', 'lnext', '0x16'] },
    { name: 'undefines a character sent as 255', modes: { VERASE: 255 }, args: ['erase', 'undef'] },
    { name: 'sets and clears flags', modes: { ECHO: 0, ICANON: 1, IUTF8: 1, ONLCR: 0 }, args: ['-echo', 'icanon', 'iutf8', '-onlcr'] },
    { name: 'leaves speeds, CS8, PENDIN and BSD-only characters as the pty has them', modes: { TTY_OP_ISPEED: 38_400, CS8: 1, PENDIN: 0, VSTATUS: 20, VDSUSP: 25 }, args: [] },
    { name: 'ignores values no terminal holds', modes: { VINTR: 256, VQUIT: -1, ECHO: 0.5, ISIG: undefined }, args: [] },
  ];
  for (const { name, modes, args } of cases) {
    it(name, () => {
      assert.deepEqual(sttyArgumentsOf(modes), args);
    });
  }
});
