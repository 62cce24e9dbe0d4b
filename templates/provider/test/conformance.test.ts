// envboot's provider conformance kit run against this provider: `npm test`.
import { randomUUID } from 'node:crypto';
import { after } from 'node:test';
import { describeProviderConformance } from 'envboot/testing';
import { cloud } from '../src/cloud.js';
import { provider } from '../src/provider.js';

after(() => cloud.close());

describeProviderConformance({
  name: 'mycloud',
  // A fresh environment per check, and a way to open it again as a later process would.
  open: async () => {
    const environment = { name: `conformance-${randomUUID().slice(0, 8)}`, uuid: randomUUID() };
    const checked = provider.validateConfig({ config: { region: 'mem-1' } });
    if (!checked.ok) throw new Error(`the test config is invalid: ${JSON.stringify(checked.problems)}`);
    // This provider keeps nothing on the client, so the data directory is never created.
    const open = () => provider.open({ environment, config: checked.config, dataDir: '/nonexistent' });
    return { environ: await open(), reopen: open };
  },
  // The safety net: every machine of the cloud, seen and stopped without an Environ.
  census: {
    live: () => Promise.resolve(cloud.liveMachineIds()),
    stop: (ids) => cloud.terminateMachines({ ids }),
  },
  provider,
  invalidConfigs: [{ config: { region: 'Moon 1', colour: 'blue' }, paths: ['region', 'colour'] }],
  // Makes a zone refuse new machines, as a full one does: the kit checks that bootstrap fails over.
  refuseZone: (_environ, zone) => {
    cloud.setZoneFull(zone, true);
    return Promise.resolve(() => {
      cloud.setZoneFull(zone, false);
      return Promise.resolve();
    });
  },
  waitSsh: { timeoutMs: 30_000, tunables: { refreshMinMs: 5, refreshMaxMs: 50 } },
  goneTimeoutMs: 5_000,
});
