import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bootstrap,
  bootstrapProgress,
  generateSshKeyPair,
  hasUserData,
  isAlreadyBootstrapped,
  isCancelled,
  loadState,
  machineRecords,
  memoryProofKeeper,
  resumeBootstrap,
  type Phase,
  type ResumeOutcome,
} from '../../../src/index.js';
import type { FakeEnviron } from '../../../src/testing/index.js';
import { coreOnly } from '../../fakes/environs.js';
import { fakeEnvironment, recorder, runOn } from './fixtures.js';

const clientKey = generateSshKeyPair({ comment: 'resume-test' });
const controllerConfig = { write_files: [{ path: '/etc/resumed.conf', content: 'resumed\n' }] };

/** Where a bootstrap interrupted as `phase` starts leaves its controller, kept: what resume must do with it. */
const interrupted: { phase: Phase; outcome: ResumeOutcome }[] = [
  { phase: 'claim', outcome: 'started' },
  { phase: 'prepare', outcome: 'started' },
  { phase: 'generate-keys', outcome: 'started' },
  { phase: 'start-instance', outcome: 'started' },
  { phase: 'record-state', outcome: 'found' },
  { phase: 'wait-ssh', outcome: 'reached' },
  { phase: 'configure', outcome: 'reached' },
];

/** Bootstraps until `phase` starts, then stops it the way `how` says. */
async function interruptAt(environ: FakeEnviron, phase: Phase, how: 'keep-broken' | 'killed', proofs = memoryProofKeeper()) {
  environ.faults.bootDelayMs = 100;
  const stop = new AbortController();
  const noCleanup = new AbortController();
  noCleanup.abort();
  const { onEvent } = recorder((event) => {
    if (event.type === 'phase.started' && event.phase === phase) stop.abort();
  });
  await assert.rejects(
    bootstrap({
      environ,
      clientKey,
      proofs,
      controllerConfig: { runcmd: ['sleep 5'] },
      onEvent,
      signal: stop.signal,
      // A killed process cleans nothing up: the clean-up is cut short at once, as by a second Ctrl-C.
      ...(how === 'keep-broken' ? { keepBroken: true } : { cleanupSignal: noCleanup.signal }),
    }),
    (error) => isCancelled(error),
  );
  return proofs;
}

/** Exactly one controller runs, provider-state says complete and lists it ready, and it took the resumed config. */
async function assertOneController(environ: FakeEnviron, result: Awaited<ReturnType<typeof resumeBootstrap>>): Promise<void> {
  const running = (await environ.allInstances({})).filter((i) => i.status !== 'terminated');
  assert.deepEqual(running.map((i) => i.id), [result.controller.instance.id], 'one controller, the one resumed');
  const { state } = await loadState({ storage: environ.storage() });
  assert.equal(bootstrapProgress(state).status, 'complete');
  const records = machineRecords(state);
  assert.deepEqual(records.map((r) => [r.id, r.instanceId, r.pending ?? false]), [['0', result.controller.instance.id, false]]);
  assert.deepEqual(state.stateInstances, [result.controller.instance.id]);
  assert.equal(await runOn(result.controller, clientKey, environ.sshUser, 'cat "$ENVBOOT_ROOT/etc/resumed.conf"'), 'resumed\n');
}

describe('resumeBootstrap', () => {
  for (const how of ['keep-broken', 'killed'] as const) {
    for (const { phase, outcome } of interrupted) {
      it(`goes on with a bootstrap ${how === 'killed' ? 'killed' : 'interrupted with keepBroken'} as "${phase}" started: ${outcome}`, async () => {
        const environ = fakeEnvironment();
        const proofs = await interruptAt(environ, phase, how);
        // Stopped as the claim starts, nothing was claimed: there is nothing to resume, and --resume bootstraps.
        if (phase !== 'claim') {
          const { state } = await loadState({ storage: environ.storage() });
          assert.equal(bootstrapProgress(state).status, how === 'keep-broken' ? 'failed' : 'started');
        }
        const { events, onEvent } = recorder();
        const result = await resumeBootstrap({ environ, clientKey, proofs, controllerConfig, onEvent });
        assert.equal(result.resumed, outcome, JSON.stringify(events.filter((e) => e.type === 'warning')));
        await assertOneController(environ, result);
        assert.equal(proofs.kept.size, 0, 'the proof is forgotten once the controller is ready');
      });
    }
  }

  it('proves a recorded controller by its recorded host key alone when no nonce is kept and the provider cannot read user-data back', async () => {
    const fake = fakeEnvironment();
    await interruptAt(fake, 'configure', 'killed');
    const before = machineRecords((await loadState({ storage: fake.storage() })).state)[0]?.instanceId;
    const environ = coreOnly(fake);
    assert.equal(hasUserData(environ), false);
    const { events, onEvent } = recorder();
    const result = await resumeBootstrap({ environ, clientKey, controllerConfig, onEvent });
    assert.equal(result.resumed, 'reached');
    assert.equal(result.controller.instance.id, before);
    assert.ok(events.some((e) => e.type === 'warning' && /^machine 0: no nonce for instance \S+ \(none kept by this client\); proving it by its recorded host key alone$/.test(e.message)));
    await assertOneController(fake, result);
  });

  it('replaces a recorded controller whose instance is gone, and stops unrecorded ones beside the one it goes on with', async () => {
    const environ = fakeEnvironment();
    const proofs = await interruptAt(environ, 'configure', 'killed');
    const [gone] = machineRecords((await loadState({ storage: environ.storage() })).state);
    await environ.stopInstances({ ids: [gone?.instanceId ?? ''], waitUntilGone: true });
    const { events, onEvent } = recorder();
    const replaced = await resumeBootstrap({ environ, clientKey, proofs, controllerConfig, onEvent });
    assert.equal(replaced.resumed, 'replaced');
    assert.notEqual(replaced.controller.instance.id, gone?.instanceId);
    assert.ok(events.some((e) => e.type === 'warning' && new RegExp(`^machine 0: its instance ${gone?.instanceId ?? ''} is (terminated|gone); replacing it$`).test(e.message)));
    await assertOneController(environ, replaced);

    // Two unrecorded instances of machine 0 (two runs killed between start and record): one is gone on with, the other stopped.
    const twice = fakeEnvironment();
    await interruptAt(twice, 'record-state', 'killed');
    const first = (await twice.allInstances({}))[0];
    assert.ok(first !== undefined);
    const second = await twice.startInstance({ machineId: '0', zone: 'zone-b', constraints: {}, userData: new TextEncoder().encode('#cloud-config\n'), tags: first.tags });
    const found = await resumeBootstrap({ environ: twice, clientKey, controllerConfig, onEvent });
    assert.equal(found.resumed, 'found');
    assert.equal(found.controller.instance.id, first.id);
    assert.ok(events.some((e) => e.type === 'cleanup.removed' && e.resource === `instance ${second.instance.id}`));
    await assertOneController(twice, found);
  });

  it('ignores a kept proof of another attempt (other host keys) and never trusts it', async () => {
    const environ = fakeEnvironment();
    const proofs = await interruptAt(environ, 'configure', 'killed');
    await proofs.keep('0', { hostKeys: [generateSshKeyPair({ comment: 'other' }).publicKey], nonce: 'f'.repeat(32) });
    const result = await resumeBootstrap({ environ, clientKey, proofs, controllerConfig });
    // Proven by its user-data's nonce, never by the other attempt's.
    assert.equal(result.resumed, 'reached');
    await assertOneController(environ, result);
  });

  it('is a plain bootstrap without provider-state, and refuses a complete one', async () => {
    const environ = fakeEnvironment();
    const result = await resumeBootstrap({ environ, clientKey, controllerConfig });
    assert.equal(result.resumed, 'started');
    await assertOneController(environ, result);
    await assert.rejects(resumeBootstrap({ environ, clientKey }), (error) => isAlreadyBootstrapped(error) && /nothing to resume/.test((error as Error).message));
  });

  it('a bootstrap still running when a resume takes it over stops short: one controller, the resumed run\'s, nothing undone', async () => {
    const environ = fakeEnvironment();
    environ.faults.startDelayMs = 500;
    const { onEvent } = recorder();
    const first = bootstrap({ environ, clientKey, controllerConfig, onEvent });
    const outcome = first.then(() => undefined, (error: unknown) => error);
    // Once the first run has claimed the environment, as another client (which cannot see its lock) would find it.
    for (let tries = 0; !(await environ.storage().list({})).objects.length && tries < 200; tries += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    const resumed = await resumeBootstrap({ environ, clientKey, controllerConfig });
    const error = await outcome;
    assert.equal((error as { code?: string } | undefined)?.code, 'BOOTSTRAP_TAKEN_OVER', String(error));
    await assertOneController(environ, resumed);
  });

  it('a bootstrap taken over while it configures, then failing, leaves the controller the resume reached', async () => {
    const environ = fakeEnvironment();
    environ.faults.bootDelayMs = 100;
    const proofs = memoryProofKeeper();
    let configuring: () => void = () => undefined;
    const inConfigure = new Promise<void>((resolve) => { configuring = resolve; });
    const { onEvent } = recorder((event) => {
      if (event.type === 'phase.started' && event.phase === 'configure') configuring();
    });
    const first = bootstrap({ environ, clientKey, proofs, controllerConfig: { runcmd: ['sleep 1', 'exit 3'] }, onEvent });
    const outcome = first.then(() => undefined, (error: unknown) => error);
    await inConfigure;
    const resumed = await resumeBootstrap({ environ, clientKey, proofs: memoryProofKeeper(), controllerConfig });
    const error = await outcome;
    assert.ok(error !== undefined, 'the first run failed');
    assert.equal(resumed.resumed, 'reached');
    await assertOneController(environ, resumed);
  });

  it('undoes everything when the resumed run fails too, as a new bootstrap would', async () => {
    const environ = fakeEnvironment();
    const proofs = await interruptAt(environ, 'configure', 'killed');
    await assert.rejects(resumeBootstrap({ environ, clientKey, proofs, controllerConfig: { runcmd: ['exit 3'] } }), /status 3/);
    assert.deepEqual((await environ.allInstances({})).filter((i) => i.status !== 'terminated'), []);
    assert.deepEqual((await environ.storage().list({})).objects, []);
  });
});
