import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { renderScript, type Command, type WriteFile } from '../../cloudinit/index.js';
import { runCommand } from '../helpers/run-script.js';
import { tempDir } from '../helpers/temp-dir.js';
import { randomBytes, randomString, seededRandom } from './random-inputs.js';

const batches = 10;
const perBatch = 100;
const seed = Number(process.env['ENVBOOT_PROPERTY_SEED'] ?? 20261122);

interface Expectation {
  readonly file: string;
  readonly bytes: Uint8Array;
}

/** A file entry whose content is given in one of the ways cloud-config allows. */
function randomFile(random: () => number, filePath: string): { entry: WriteFile; bytes: Uint8Array } {
  const form = random();
  if (form < 0.3) {
    const text = randomString(random, 400, (ch) => ch !== '\u0000');
    return { entry: { path: filePath, content: text }, bytes: Buffer.from(text, 'utf8') };
  }
  const bytes = randomBytes(random, 3000);
  if (form < 0.6) return { entry: { path: filePath, content: bytes }, bytes };
  if (form < 0.8) return { entry: { path: filePath, content: Buffer.from(bytes).toString('base64'), encoding: 'b64' }, bytes };
  return { entry: { path: filePath, content: gzipSync(bytes).toString('base64'), encoding: 'gz+b64' }, bytes };
}

function batch(random: () => number, root: string, index: number): { files: WriteFile[]; runcmd: Command[]; expected: Expectation[] } {
  const files: WriteFile[] = [];
  const runcmd: Command[] = [];
  const expected: Expectation[] = [];
  for (let i = 0; i < perBatch; i += 1) {
    // Names with spaces, quotes and anything else a file name may hold (not "/" or NUL).
    const name = `${i} ${randomString(random, 60, (ch) => ch !== '/' && ch !== '\u0000')}`.slice(0, 80);
    const filePath = `/batch ${index}/it's "dir" $x/${name}`;
    const { entry, bytes } = randomFile(random, filePath);
    files.push(entry);
    expected.push({ file: path.join(root, filePath), bytes });

    const args = Array.from({ length: Math.floor(random() * 6) }, () => randomString(random, 120, (ch) => ch !== '\u0000'));
    const out = path.join(root, `argv-${index}-${i}`);
    runcmd.push(['sh', '-c', 'for a in "$@"; do printf "%s\\0" "$a"; done > "$0"', out, ...args]);
    expected.push({ file: out, bytes: Buffer.from(args.map((a) => `${a}\0`).join(''), 'utf8') });
  }
  return { files, runcmd, expected };
}

describe('renderScript quoting (property test)', () => {
  for (let b = 0; b < batches; b += 1) {
    const shell = b % 2 === 0 ? 'dash' : 'bash';
    it(`batch ${b + 1}/${batches}: ${perBatch} random files and ${perBatch} random argv lists arrive byte for byte under ${shell} (seed ${seed})`, async () => {
      const random = seededRandom(seed + b);
      const root = await tempDir();
      const { files, runcmd, expected } = batch(random, root, b);
      const script = path.join(root, 'configure.sh');
      await writeFile(script, renderScript({ write_files: files, runcmd }, { rootPrefix: root }));
      const run = await runCommand(shell, [script]);
      assert.equal(run.status, 0, run.stderr.slice(-2000));
      for (const { file, bytes } of expected) {
        const got = await readFile(file);
        assert.ok(got.equals(Buffer.from(bytes)), `${JSON.stringify(file)} differs (replay with ENVBOOT_PROPERTY_SEED=${seed})`);
      }
    });
  }
});
