import assert from 'node:assert/strict';
import { ErrorCode, findInChain, messageOf } from '../../errors/index.js';
import { hasFirewall, prepareEnviron, tearDownEnviron, type FirewalledEnviron, type IngressRule } from '../../provider/index.js';
import type { CheckContext } from './params.js';

/** A port and a documentation range (RFC 5737, RFC 3849) no real client comes from: opening them on a real cloud exposes nothing to anyone. */
const probe: IngressRule = { protocol: 'tcp', fromPort: 64_999, toPort: 64_999, sourceCidrs: ['198.51.100.0/24', '2001:db8::/32'] };

/**
 * For an Environ with the firewall ability, once prepared: a rule opened is listed (its
 * sources canonical and sorted), opening it again is success, closing it leaves no trace
 * of it, closing it again is success, and an aborted signal is `CANCELLED`. The rule is a
 * documentation range on a high port, so a real cloud run exposes nothing.
 */
export async function checkFirewall(context: CheckContext): Promise<void> {
  const { environ, t } = context;
  if (!hasFirewall(environ)) {
    t.skip(`${environ.provider} has no firewall ability (ingressRules, openPorts, closePorts): nothing to check`);
    return;
  }
  await prepareEnviron(environ, {});
  try {
    assert.equal(findProbe(await rulesOf(environ)), undefined, 'a fresh environment lists the probe rule as open: ingressRules must list only this environment\'s rules');
    for (const rule of (await rulesOf(environ)).filter((r) => r.reserved !== undefined)) {
      await assert.rejects(environ.closePorts({ rules: [rule] }), (error: unknown) => findInChain(error, ErrorCode.ConfigInvalid) !== undefined, `closePorts of the reserved rule ${rule.protocol} ${rule.fromPort} must be refused with ${ErrorCode.ConfigInvalid}`);
    }
    await environ.openPorts({ rules: [probe] });
    assert.deepEqual(findProbe(await rulesOf(environ))?.sourceCidrs, probe.sourceCidrs, 'after openPorts, ingressRules must list the rule with its sources (canonical, IPv4 first, sorted)');
    await environ.openPorts({ rules: [probe] }).catch((error: unknown) => assert.fail(`opening an open rule failed (${messageOf(error)}): openPorts must be idempotent`));
    await environ.closePorts({ rules: [probe] });
    assert.equal(findProbe(await rulesOf(environ)), undefined, 'after closePorts, ingressRules still lists the rule');
    await environ.closePorts({ rules: [probe] }).catch((error: unknown) => assert.fail(`closing a closed rule failed (${messageOf(error)}): closePorts must be idempotent`));
    const signal = AbortSignal.abort(new Error('aborted by the conformance kit'));
    for (const [method, call] of [
      ['ingressRules', () => environ.ingressRules({ signal })],
      ['openPorts', () => environ.openPorts({ rules: [probe], signal })],
      ['closePorts', () => environ.closePorts({ rules: [probe], signal })],
    ] as const) {
      const aborted = await (call() as Promise<unknown>).then(
        () => undefined,
        (error: unknown) => error ?? new Error('rejected with nothing'),
      );
      assert.ok(aborted !== undefined && findInChain(aborted, ErrorCode.Cancelled) !== undefined, `${method} with an aborted signal must reject with ${ErrorCode.Cancelled}`);
    }
  } finally {
    await environ.closePorts({ rules: [probe] }).catch(() => undefined);
    await tearDownEnviron(environ, {});
  }
}

async function rulesOf(environ: FirewalledEnviron): Promise<readonly IngressRule[]> {
  const rules = await environ.ingressRules({});
  for (const rule of rules) {
    assert.ok(rule.fromPort <= rule.toPort && rule.fromPort >= 0 && rule.toPort <= 65_535, `ingressRules returned the port range ${rule.fromPort}-${rule.toPort}: ports are 0 to 65535, from <= to`);
  }
  return rules;
}

function findProbe(rules: readonly IngressRule[]): IngressRule | undefined {
  return rules.find((rule) => rule.protocol === probe.protocol && rule.fromPort === probe.fromPort && rule.toPort === probe.toPort);
}
