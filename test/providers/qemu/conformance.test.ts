import { describeProviderConformance } from '../../../src/testing/provider-conformance.js';
import { qemuProvider } from '../../../providers/qemu/index.js';
import { openQemu } from './fixtures.js';

// Each check gets its own data directory and environment. Four checks start a machine, but
// only the boot probe waits for it to boot (about a minute under TCG); the others stop it
// within a second or two of QEMU starting, so one VM at a time and one full boot in all.
// Where there is no QEMU or test image, openQemu skips the check, except in CI.
describeProviderConformance({
  name: 'qemu',
  open: async (t) => {
    const fixture = await openQemu(t, { prefix: 'envboot-qemu-conformance-' });
    return fixture === undefined ? undefined : { environ: fixture.environ, reopen: () => Promise.resolve(fixture.reopen()) };
  },
  provider: qemuProvider,
  // A first boot to cloud-init's end under TCG on a busy 2-core host: about 45 s; leave room.
  waitSsh: { timeoutMs: 600_000 },
  goneTimeoutMs: 30_000,
});
