import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConfigError,
  exposePorts,
  formatIngressRule,
  groupPairs,
  pairKey,
  pairsOf,
  requireFirewall,
  unexposePorts,
  type Environ,
  type FirewalledEnviron,
  type IngressPair,
  type IngressRule,
} from '../../../src/index.js';
import { plainEnviron } from '../../fakes/environs.js';
import { configErrorFrom } from '../../helpers/config-error-from.js';

interface FirewallCall {
  readonly method: 'ingressRules' | 'openPorts' | 'closePorts';
  readonly rules?: readonly IngressRule[];
  readonly signal: AbortSignal | undefined;
}

/** A plain Environ with a firewall kept as a set of pairs in memory; records every call. */
function inMemoryFirewall(open: readonly IngressRule[] = []): FirewalledEnviron & { readonly calls: FirewallCall[]; openNow(): IngressRule[] } {
  const pairs = new Map<string, IngressPair>(open.flatMap(pairsOf).map((pair) => [pairKey(pair), pair]));
  const calls: FirewallCall[] = [];
  return {
    ...plainEnviron(),
    calls,
    openNow: () => groupPairs([...pairs.values()]),
    ingressRules: ({ signal }) => {
      calls.push({ method: 'ingressRules', signal });
      return Promise.resolve(groupPairs([...pairs.values()]));
    },
    openPorts: ({ rules, signal }) => {
      calls.push({ method: 'openPorts', rules, signal });
      for (const pair of rules.flatMap(pairsOf)) pairs.set(pairKey(pair), pair);
      return Promise.resolve();
    },
    closePorts: ({ rules, signal }) => {
      calls.push({ method: 'closePorts', rules, signal });
      for (const pair of rules.flatMap(pairsOf)) pairs.delete(pairKey(pair));
      return Promise.resolve();
    },
  };
}

const anywhere = ['0.0.0.0/0', '::/0'];
const tcp = (fromPort: number, toPort: number, sourceCidrs: string[]): IngressRule => ({ protocol: 'tcp', fromPort, toPort, sourceCidrs });
const sshReserved = (rule: IngressRule): IngressRule => ({ ...rule, reserved: 'envboot SSH (ssh-cidr)' });
const allTraffic = (sourceCidrs: string[]): IngressRule => ({ protocol: 'all', fromPort: 0, toPort: 65535, sourceCidrs });
const port = (n: number): { protocol: 'tcp'; fromPort: number; toPort: number } => ({ protocol: 'tcp', fromPort: n, toPort: n });
const methods = (calls: readonly FirewallCall[]): string[] => calls.map((call) => call.method);

describe('requireFirewall', () => {
  it('refuses a provider without the firewall ability, naming it', () => {
    assert.throws(() => requireFirewall(plainEnviron()), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /^the plain provider has no firewall, so envboot cannot open or close ports on its machines: /);
      assert.match(error.message, /Remove "expose" from the environment \(or --expose\)/);
      return true;
    });
  });

  it('gives back an Environ that has the ability', () => {
    const environ = inMemoryFirewall();
    assert.equal(requireFirewall(environ), environ);
  });

  it('refuses a provider with only part of the ability, calling nothing of it', async () => {
    const calls: string[] = [];
    const environ: Environ = {
      ...plainEnviron(),
      ingressRules: () => {
        calls.push('ingressRules');
        return Promise.resolve([tcp(443, 443, anywhere)]);
      },
      openPorts: () => {
        calls.push('openPorts');
        return Promise.resolve();
      },
    } as Environ;
    const error = await configErrorFrom(exposePorts({ environ, rules: [tcp(80, 80, anywhere)] }));
    assert.match(error.message, /the plain provider has no firewall/);
    await configErrorFrom(unexposePorts({ environ, ranges: [port(443)] }));
    assert.deepEqual(calls, []);
  });
});

describe('exposePorts', () => {
  it('opens only what is missing and says what already was open', async () => {
    const environ = inMemoryFirewall([tcp(443, 443, anywhere)]);
    const result = await exposePorts({ environ, rules: [tcp(443, 443, [...anywhere, '10.0.0.0/8']), tcp(80, 80, ['10.0.0.0/8'])] });
    assert.deepEqual(methods(environ.calls), ['ingressRules', 'openPorts']);
    assert.deepEqual(environ.calls[1]?.rules, [tcp(80, 80, ['10.0.0.0/8']), tcp(443, 443, ['10.0.0.0/8'])]);
    assert.deepEqual(result, {
      opened: [tcp(80, 80, ['10.0.0.0/8']), tcp(443, 443, ['10.0.0.0/8'])],
      alreadyOpen: [tcp(443, 443, anywhere)],
      open: [tcp(80, 80, ['10.0.0.0/8']), tcp(443, 443, ['0.0.0.0/0', '10.0.0.0/8', '::/0'])],
    });
    assert.deepEqual(environ.openNow(), result.open);
  });

  it('lists what else is open in the result', async () => {
    const environ = inMemoryFirewall([{ protocol: 'udp', fromPort: 53, toPort: 53, sourceCidrs: ['::/0'] }]);
    const result = await exposePorts({ environ, rules: [tcp(22, 22, ['203.0.113.0/24'])] });
    assert.deepEqual(result.open, [tcp(22, 22, ['203.0.113.0/24']), { protocol: 'udp', fromPort: 53, toPort: 53, sourceCidrs: ['::/0'] }]);
  });

  it('does not call openPorts when everything asked is open already', async () => {
    const environ = inMemoryFirewall();
    const rules = [tcp(443, 443, anywhere), tcp(8000, 8100, ['10.0.0.0/8'])];
    await exposePorts({ environ, rules });
    const second = await exposePorts({ environ, rules });
    assert.deepEqual(methods(environ.calls), ['ingressRules', 'openPorts', 'ingressRules']);
    assert.deepEqual(second, { opened: [], alreadyOpen: rules, open: rules });
  });

  it('does not open again what a reserved rule holds open, and lists it as held, with what keeps it', async () => {
    const environ = inMemoryFirewall([sshReserved(tcp(22, 22, ['203.0.113.0/24']))]);
    const result = await exposePorts({ environ, rules: [tcp(22, 22, ['10.0.0.0/8', '203.0.113.0/24'])] });
    assert.deepEqual(environ.calls[1]?.rules, [tcp(22, 22, ['10.0.0.0/8'])], 'only the source the reserved rule lacks is opened');
    assert.deepEqual(result.opened, [tcp(22, 22, ['10.0.0.0/8'])]);
    assert.deepEqual(result.alreadyOpen, [sshReserved(tcp(22, 22, ['203.0.113.0/24']))]);
    // The order of a range's reserved and unreserved rules is groupPairs' business (ingress-rules.test.ts).
    assert.deepEqual(result.open.map(formatIngressRule).sort(), ['22/tcp from 10.0.0.0/8', '22/tcp from 203.0.113.0/24 (envboot SSH (ssh-cidr))']);
  });

  it('opens all traffic as one rule of its own, beside the ports already open', async () => {
    const environ = inMemoryFirewall([tcp(443, 443, anywhere)]);
    const result = await exposePorts({ environ, rules: [allTraffic(['10.0.0.0/8'])] });
    assert.deepEqual(environ.calls[1]?.rules, [allTraffic(['10.0.0.0/8'])]);
    assert.deepEqual(result, { opened: [allTraffic(['10.0.0.0/8'])], alreadyOpen: [], open: [allTraffic(['10.0.0.0/8']), tcp(443, 443, anywhere)] });
  });
});

describe('unexposePorts', () => {
  const opened = (): ReturnType<typeof inMemoryFirewall> =>
    inMemoryFirewall([tcp(443, 443, [...anywhere, '10.0.0.0/8']), tcp(8000, 8100, ['10.0.0.0/8']), tcp(22, 22, ['203.0.113.0/24'])]);

  it('closes a range from every source it is open to when no sources are given', async () => {
    const environ = opened();
    const result = await unexposePorts({ environ, ranges: [port(443)] });
    assert.deepEqual(methods(environ.calls), ['ingressRules', 'closePorts']);
    assert.deepEqual(environ.calls[1]?.rules, [tcp(443, 443, ['0.0.0.0/0', '10.0.0.0/8', '::/0'])]);
    assert.deepEqual(result, {
      closed: [tcp(443, 443, ['0.0.0.0/0', '10.0.0.0/8', '::/0'])],
      notOpen: [],
      kept: [],
      open: [tcp(22, 22, ['203.0.113.0/24']), tcp(8000, 8100, ['10.0.0.0/8'])],
    });
    assert.deepEqual(environ.openNow(), result.open);
  });

  it('closes a range from only the sources given', async () => {
    const environ = opened();
    const result = await unexposePorts({ environ, ranges: [port(443)], from: ['10.0.0.0/8'] });
    assert.deepEqual(environ.calls[1]?.rules, [tcp(443, 443, ['10.0.0.0/8'])]);
    assert.deepEqual(result.closed, [tcp(443, 443, ['10.0.0.0/8'])]);
    assert.deepEqual(result.notOpen, []);
    assert.deepEqual(result.open, [tcp(22, 22, ['203.0.113.0/24']), tcp(443, 443, anywhere), tcp(8000, 8100, ['10.0.0.0/8'])]);
  });

  it('reports a range open to no one as not open, with no sources, and closes nothing', async () => {
    const environ = opened();
    const result = await unexposePorts({ environ, ranges: [port(9090)] });
    assert.deepEqual(methods(environ.calls), ['ingressRules']);
    assert.deepEqual(result, { closed: [], notOpen: [tcp(9090, 9090, [])], kept: [], open: environ.openNow() });
  });

  it('reports a source the range is not open to as not open, and closes the rest', async () => {
    const environ = opened();
    const result = await unexposePorts({ environ, ranges: [port(22), port(3306)], from: ['192.0.2.0/24', '203.0.113.0/24'] });
    assert.deepEqual(environ.calls[1]?.rules, [tcp(22, 22, ['203.0.113.0/24'])]);
    assert.deepEqual(result.closed, [tcp(22, 22, ['203.0.113.0/24'])]);
    assert.deepEqual(result.notOpen, [tcp(22, 22, ['192.0.2.0/24']), tcp(3306, 3306, ['192.0.2.0/24', '203.0.113.0/24'])]);
  });

  it('refuses part of an open range, naming the whole range, and closes nothing', async () => {
    const environ = opened();
    const error = await configErrorFrom(unexposePorts({ environ, ranges: [port(443), port(8050)] }));
    assert.match(error.message, /^nothing was closed:/);
    assert.deepEqual(error.problems.map((p) => p.path), ['8050/tcp']);
    assert.match(error.problems[0]?.message ?? '', /overlaps the open range 8000-8100\/tcp from 10\.0\.0\.0\/8; a range is closed whole: close 8000-8100\/tcp/);
    assert.deepEqual(methods(environ.calls), ['ingressRules']);
    assert.equal(environ.openNow().length, 3);
  });

  it('refuses a range that overlaps an open one without being inside it, and closes nothing', async () => {
    const environ = opened();
    const error = await configErrorFrom(unexposePorts({ environ, ranges: [{ protocol: 'tcp', fromPort: 8050, toPort: 8200 }] }));
    assert.deepEqual(error.problems.map((p) => p.path), ['8050-8200/tcp']);
    assert.match(error.problems[0]?.message ?? '', /overlaps the open range 8000-8100\/tcp/);
    assert.deepEqual(methods(environ.calls), ['ingressRules']);
  });

  it('refuses part of an open range even when sources are given', async () => {
    const environ = opened();
    const error = await configErrorFrom(unexposePorts({ environ, ranges: [{ protocol: 'tcp', fromPort: 8000, toPort: 8050 }], from: ['10.0.0.0/8'] }));
    assert.match(error.message, /8000-8100\/tcp/);
    assert.deepEqual(methods(environ.calls), ['ingressRules']);
  });
});

describe('the signal', () => {
  it('is passed to every firewall call', async () => {
    const { signal } = new AbortController();
    const environ = inMemoryFirewall();
    await exposePorts({ environ, rules: [tcp(443, 443, anywhere)], signal });
    await unexposePorts({ environ, ranges: [port(443)], signal });
    assert.deepEqual(methods(environ.calls), ['ingressRules', 'openPorts', 'ingressRules', 'closePorts']);
    for (const call of environ.calls) assert.equal(call.signal, signal, call.method);
  });
});
