import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Environ } from '../../../src/index.js';
import { describeProviderConformance } from '../../../src/testing/provider-conformance.js';
import { localProvider } from '../../../providers/local/index.js';
import { openLocal } from './fixtures.js';

// Each check gets its own data directory, so its own agent, machines and storage. Where this
// host cannot make sandboxes, openLocal skips the check, except in CI, where it fails it.
describeProviderConformance({
  name: 'local',
  open: async (t) => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'envboot-local-conformance-'));
    const remove = (): Promise<void> => rm(dataDir, { recursive: true, force: true });
    try {
      const environ = await openLocal(t, { dataDir });
      if (environ === undefined) {
        await remove();
        return undefined;
      }
      const reopen = async (): Promise<Environ> => {
        const again = await openLocal(t, { dataDir, uuid: environ.environment.uuid });
        assert.ok(again !== undefined, 'the local provider opened once but not again');
        return again;
      };
      return { environ, reopen, cleanup: remove };
    } catch (error) {
      await remove();
      throw error;
    }
  },
  provider: localProvider,
  invalidConfigs: [{ config: { zones: 'local-a', 'boot-delay': 'soon' }, paths: ['zones', 'boot-delay'] }],
  waitSsh: { timeoutMs: 60_000, tunables: { refreshMinMs: 10, refreshMaxMs: 100 } },
  goneTimeoutMs: 20_000,
});
