import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AlreadyBootstrappedError,
  BootstrapUnfinishedError,
  CancelledError,
  CapacityError,
  ConfigError,
  CredentialsError,
  EnvbootError,
  ExitCode,
  HostKeyMismatchError,
  InstanceFailedError,
  BootFailedError,
  RemoteCommandError,
  isInstanceFailed,
  isBootFailed,
  isRemoteCommandFailed,
  NonceMismatchError,
  NonceUnreadableError,
  isNonceUnreadable,
  NotBootstrappedError,
  NotFoundError,
  PreconditionFailedError,
  QuotaExceededError,
  RateLimitedError,
  SshAuthRefusedError,
  SshConnectionLostError,
  SshUnreachableError,
  StateCorruptError,
  TimeoutError,
  ZoneIndependentError,
  capacityScope,
  earliestRetry,
  exitCodeFor,
  isAlreadyBootstrapped,
  isBootstrapUnfinished,
  isCancelled,
  isCapacityError,
  isConfigError,
  isCredentialsError,
  isHostKeyMismatch,
  isNonceMismatch,
  isNotBootstrapped,
  isNotFound,
  isPreconditionFailed,
  isQuotaExceeded,
  isRateLimited,
  isSshAuthRefused,
  isSshConnectionLost,
  isSshUnreachable,
  isStateCorrupt,
  isTimeout,
  isZoneIndependent,
  throwIfCancelled,
} from '../../../src/index.js';
import { StorageError } from '../../../storage/index.js';

const retryAt = new Date('2026-01-01T00:00:00Z');

const family: readonly {
  error: EnvbootError;
  code: string;
  guard: (e: unknown) => boolean;
  exit: number;
  zoneIndependent: boolean;
}[] = [
  { error: new ConfigError('bad'), code: 'CONFIG_INVALID', guard: isConfigError, exit: 2, zoneIndependent: true },
  { error: new CredentialsError('no'), code: 'CREDENTIALS_INVALID', guard: isCredentialsError, exit: 3, zoneIndependent: true },
  { error: new RateLimitedError('slow', { earliestRetry: retryAt }), code: 'RATE_LIMITED', guard: isRateLimited, exit: 1, zoneIndependent: false },
  { error: new QuotaExceededError('q'), code: 'QUOTA_EXCEEDED', guard: isQuotaExceeded, exit: 1, zoneIndependent: true },
  { error: new CapacityError('c', { scope: { kind: 'all' } }), code: 'CAPACITY_UNAVAILABLE', guard: isCapacityError, exit: 1, zoneIndependent: false },
  { error: new NotFoundError('nf'), code: 'NOT_FOUND', guard: isNotFound, exit: 1, zoneIndependent: false },
  { error: new PreconditionFailedError('p'), code: 'PRECONDITION_FAILED', guard: isPreconditionFailed, exit: 1, zoneIndependent: false },
  { error: new AlreadyBootstrappedError('a'), code: 'ALREADY_BOOTSTRAPPED', guard: isAlreadyBootstrapped, exit: 1, zoneIndependent: false },
  { error: new BootstrapUnfinishedError('a'), code: 'BOOTSTRAP_UNFINISHED', guard: isBootstrapUnfinished, exit: 1, zoneIndependent: false },
  { error: new NotBootstrappedError('n'), code: 'NOT_BOOTSTRAPPED', guard: isNotBootstrapped, exit: 1, zoneIndependent: false },
  { error: new StateCorruptError('s'), code: 'STATE_CORRUPT', guard: isStateCorrupt, exit: 1, zoneIndependent: false },
  { error: new SshUnreachableError('u'), code: 'SSH_UNREACHABLE', guard: isSshUnreachable, exit: 1, zoneIndependent: false },
  { error: new SshAuthRefusedError('r'), code: 'SSH_AUTH_REFUSED', guard: isSshAuthRefused, exit: 1, zoneIndependent: false },
  { error: new HostKeyMismatchError('h'), code: 'SSH_HOST_KEY_MISMATCH', guard: isHostKeyMismatch, exit: 1, zoneIndependent: false },
  { error: new NonceMismatchError('n'), code: 'SSH_NONCE_MISMATCH', guard: isNonceMismatch, exit: 1, zoneIndependent: false },
  { error: new NonceUnreadableError('n', { reason: 'sudo-refused', user: 'debian', file: '/var/lib/envboot/nonce' }), code: 'SSH_NONCE_UNREADABLE', guard: isNonceUnreadable, exit: 1, zoneIndependent: false },
  { error: new SshConnectionLostError('l'), code: 'SSH_CONNECTION_LOST', guard: isSshConnectionLost, exit: 1, zoneIndependent: false },
  { error: new TimeoutError('t'), code: 'TIMEOUT', guard: isTimeout, exit: 1, zoneIndependent: false },
  { error: new RemoteCommandError('r', { exitCode: 2 }), code: 'REMOTE_COMMAND_FAILED', guard: isRemoteCommandFailed, exit: 1, zoneIndependent: false },
  { error: new InstanceFailedError('i', { instanceId: 'i-1' }), code: 'INSTANCE_FAILED', guard: isInstanceFailed, exit: 1, zoneIndependent: false },
  { error: new BootFailedError('b', { address: '10.0.0.1:22' }), code: 'BOOT_FAILED', guard: isBootFailed, exit: 1, zoneIndependent: false },
  { error: new CancelledError(), code: 'CANCELLED', guard: isCancelled, exit: 130, zoneIndependent: true },
];

describe('the error family', () => {
  for (const entry of family) {
    it(`${entry.error.name} has code ${entry.code}, its guard, exit code ${entry.exit}`, () => {
      assert.ok(entry.error instanceof EnvbootError);
      assert.equal(entry.error.code, entry.code);
      assert.equal(entry.error.name, entry.error.constructor.name);
      assert.ok(entry.guard(entry.error));
      assert.equal(exitCodeFor(entry.error), entry.exit);
      assert.equal(isZoneIndependent(entry.error), entry.zoneIndependent);
      const others = family.filter((other) => other.code !== entry.code);
      assert.deepEqual(
        others.filter((other) => other.guard(entry.error)).map((other) => other.code),
        [],
        'no other guard claims it',
      );
    });
  }

  it('guards and exit codes look through wrapping context', () => {
    const wrapped = new Error('starting instance in us-east-1b', { cause: new CredentialsError('expired token') });
    assert.ok(isCredentialsError(wrapped));
    assert.equal(exitCodeFor(wrapped), ExitCode.Credentials);
    assert.equal(exitCodeFor(new Error('plain')), ExitCode.Failed);
    assert.equal(exitCodeFor(new TimeoutError('deadline', { cause: new CancelledError('aborted') })), ExitCode.Failed, 'a timeout that cancelled');
    assert.equal(exitCodeFor(new Error('context', { cause: new CancelledError('aborted') })), ExitCode.Interrupted);
  });

  it('the zone-independent marker wraps any error and keeps it as cause', () => {
    const inner = new Error('subnet is misconfigured');
    const marked = new ZoneIndependentError(inner);
    assert.ok(isZoneIndependent(marked));
    assert.equal(marked.cause, inner);
    assert.equal(marked.message, inner.message);
    assert.ok(!isZoneIndependent(inner));
    assert.ok(isCapacityError(new ZoneIndependentError(new CapacityError('full', { scope: { kind: 'all' } }))));
  });

  it('rate limits carry their earliest retry time and capacity errors their scope', () => {
    const wrapped = new Error('describing instances', { cause: new RateLimitedError('slow down', { earliestRetry: retryAt }) });
    assert.equal(earliestRetry(wrapped), retryAt);
    assert.equal(earliestRetry(new Error('x')), undefined);
    const scope = { kind: 'instance-type', instanceType: 'm5.large' } as const;
    assert.deepEqual(capacityScope(new CapacityError('full', { scope, zone: 'us-east-1a' })), scope);
  });

  it('a config error lists every problem in its message', () => {
    const error = new ConfigError('invalid environments.yaml', {
      problems: [
        { path: 'environments.prod.region', message: 'must be a string' },
        { path: '', message: 'unknown key "colour"' },
      ],
    });
    assert.equal(error.problems.length, 2);
    assert.match(error.message, /environments\.prod\.region: must be a string/);
    assert.match(error.message, /unknown key "colour"/);
  });

  it('storage errors classify by the shared codes', () => {
    assert.ok(isNotFound(new StorageError('NOT_FOUND', 'gone')));
    assert.ok(isPreconditionFailed(new StorageError('PRECONDITION_FAILED', 'lost')));
    assert.equal(exitCodeFor(new StorageError('CONFIG_INVALID', 'bad key')), ExitCode.BadInput);
  });

  it("Node's AbortError counts as cancelled", async () => {
    const controller = new AbortController();
    controller.abort();
    const { setTimeout: sleep } = await import('node:timers/promises');
    const error = await sleep(10, undefined, { signal: controller.signal }).catch((e: unknown) => e);
    assert.ok(isCancelled(error));
    assert.equal(exitCodeFor(new CancelledError()), ExitCode.Interrupted);
  });

  it('throwIfCancelled throws a CancelledError with the abort reason as cause', () => {
    const controller = new AbortController();
    throwIfCancelled(controller.signal);
    controller.abort(new Error('Ctrl-C'));
    assert.throws(() => {
      throwIfCancelled(controller.signal, 'bootstrap');
    }, (error: unknown) => {
      assert.ok(error instanceof CancelledError);
      assert.equal(error.message, 'bootstrap cancelled');
      assert.equal((error.cause as Error).message, 'Ctrl-C');
      return true;
    });
  });

  it('a cause chain with a cycle does not hang the guards', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    assert.equal(isTimeout(a), false);
  });
});
