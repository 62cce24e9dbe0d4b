import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { renderUserData, supportedKeys } from '../../cloudinit/index.js';
import { requireTool } from '../helpers/require-tool.js';
import { runCommand } from '../helpers/run-script.js';
import { tempDir } from '../helpers/temp-dir.js';
import { corpus } from './corpus.js';

describe("generated user-data passes the real cloud-init schema", () => {
  it('the corpus has at least 15 configs and covers every supported key', () => {
    assert.ok(corpus.length >= 15);
    const used = new Set(corpus.flatMap(({ config }) => Object.keys(config)));
    assert.deepEqual(supportedKeys.filter((key) => !used.has(key)), []);
  });

  it('cloud-init schema --config-file accepts every config of the corpus', async (t) => {
    const cloudInit = requireTool(t, 'cloud-init', 'Debian package cloud-init');
    if (cloudInit === undefined) return;
    const dir = await tempDir();
    const failures: string[] = [];
    const pending = [...corpus.entries()];
    const worker = async (): Promise<void> => {
      for (let next = pending.shift(); next !== undefined; next = pending.shift()) {
        const [index, { name, config }] = next;
        const file = path.join(dir, `config-${index}.yaml`);
        await writeFile(file, renderUserData(config).document);
        const run = await runCommand(cloudInit, ['schema', '--config-file', file]);
        if (run.status !== 0 || !/Valid cloud-config/.test(run.stdout)) {
          failures.push(`${name}: exit ${String(run.status)}\n${run.stdout}${run.stderr}`);
        }
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    assert.deepEqual(failures, []);
  });

  it('cloud-init schema rejects what envboot would also reject (the check is real)', async (t) => {
    const cloudInit = requireTool(t, 'cloud-init', 'Debian package cloud-init');
    if (cloudInit === undefined) return;
    const file = path.join(await tempDir(), 'bad.yaml');
    await writeFile(file, '#cloud-config\nwrite_files:\n  - path: /etc/x\n    permissions: 0644\n');
    const run = await runCommand(cloudInit, ['schema', '--config-file', file]);
    assert.notEqual(run.status, 0);
    assert.match(run.stdout + run.stderr, /permissions/);
  });
});
