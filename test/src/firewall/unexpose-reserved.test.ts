import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  allTraffic,
  ConfigError,
  formatIngressRule,
  groupPairs,
  pairKey,
  pairsOf,
  unexposePorts,
  type FirewalledEnviron,
  type IngressPair,
  type IngressRule,
  type PortRange,
} from '../../../src/index.js';
import { plainEnviron } from '../../fakes/environs.js';
import { configErrorFrom } from '../../helpers/config-error-from.js';

const ssh = 'envboot SSH (ssh-cidr)';
const anywhere = ['0.0.0.0/0', '::/0'];
const tcp = (fromPort: number, toPort: number, sourceCidrs: string[]): IngressRule => ({ protocol: 'tcp', fromPort, toPort, sourceCidrs });
const sshReserved = (rule: IngressRule): IngressRule => ({ ...rule, reserved: ssh });
const all = (sourceCidrs: string[]): IngressRule => ({ ...allTraffic, sourceCidrs });
const port = (n: number): PortRange => ({ protocol: 'tcp', fromPort: n, toPort: n });

/**
 * A firewall holding `open` that refuses, as the contract says, to close a reserved pair;
 * records each closePorts request in `closeAsked`.
 */
function firewallHolding(open: readonly IngressRule[]): FirewalledEnviron & { readonly closeAsked: (readonly IngressRule[])[]; openNow(): IngressRule[] } {
  const pairs = new Map<string, IngressPair>(open.flatMap(pairsOf).map((pair) => [pairKey(pair), pair]));
  const closeAsked: (readonly IngressRule[])[] = [];
  return {
    ...plainEnviron(),
    closeAsked,
    openNow: () => groupPairs([...pairs.values()]),
    ingressRules: () => Promise.resolve(groupPairs([...pairs.values()])),
    openPorts: () => Promise.reject(new Error('unexposePorts must not open ports')),
    closePorts: ({ rules }) => {
      closeAsked.push(rules);
      const asked = rules.flatMap(pairsOf);
      if (asked.some((pair) => pairs.get(pairKey(pair))?.reserved !== undefined)) return Promise.reject(new ConfigError('closePorts was asked to close a reserved pair'));
      for (const pair of asked) pairs.delete(pairKey(pair));
      return Promise.resolve();
    },
  };
}

describe('unexposePorts with reserved rules', () => {
  it('closes every unreserved source of the range and keeps the reserved ones, listing them as kept', async () => {
    const environ = firewallHolding([tcp(22, 22, ['10.0.0.0/8']), sshReserved(tcp(22, 22, ['203.0.113.0/24'])), tcp(443, 443, anywhere)]);
    const result = await unexposePorts({ environ, ranges: [port(22)] });
    assert.deepEqual(environ.closeAsked, [[tcp(22, 22, ['10.0.0.0/8'])]]);
    assert.deepEqual(result, {
      closed: [tcp(22, 22, ['10.0.0.0/8'])],
      notOpen: [],
      kept: [sshReserved(tcp(22, 22, ['203.0.113.0/24']))],
      open: [sshReserved(tcp(22, 22, ['203.0.113.0/24'])), tcp(443, 443, anywhere)],
    });
    assert.deepEqual(environ.openNow(), result.open);
  });

  it('closes nothing for a range only reserved rules hold, and does not call it not open', async () => {
    const environ = firewallHolding([sshReserved(tcp(22, 22, anywhere))]);
    const result = await unexposePorts({ environ, ranges: [port(22)] });
    assert.deepEqual(environ.closeAsked, []);
    assert.deepEqual(result, { closed: [], notOpen: [], kept: [sshReserved(tcp(22, 22, anywhere))], open: [sshReserved(tcp(22, 22, anywhere))] });
  });

  it('refuses to close a reserved source, naming it and what keeps it open, and closes nothing else asked with it', async () => {
    const environ = firewallHolding([tcp(22, 22, ['10.0.0.0/8']), sshReserved(tcp(22, 22, ['203.0.113.0/24']))]);
    const error = await configErrorFrom(unexposePorts({ environ, ranges: [port(22)], from: ['10.0.0.0/8', '203.0.113.0/24'] }));
    assert.match(error.message, /^nothing was closed:/);
    assert.deepEqual(error.problems, [{ path: '22/tcp from 203.0.113.0/24', message: `stays open: it is ${ssh}; change that setting to close it` }]);
    assert.deepEqual(environ.closeAsked, []);
    assert.deepEqual(environ.openNow().map(formatIngressRule).sort(), ['22/tcp from 10.0.0.0/8', `22/tcp from 203.0.113.0/24 (${ssh})`]);
  });

  it('closes the unreserved source of a range when only it is asked', async () => {
    const environ = firewallHolding([tcp(22, 22, ['10.0.0.0/8']), sshReserved(tcp(22, 22, ['203.0.113.0/24']))]);
    const result = await unexposePorts({ environ, ranges: [port(22)], from: ['10.0.0.0/8'] });
    assert.deepEqual(result.closed, [tcp(22, 22, ['10.0.0.0/8'])]);
    assert.deepEqual(result.kept, [], 'kept lists only what was asked without sources');
    assert.deepEqual(environ.openNow(), [sshReserved(tcp(22, 22, ['203.0.113.0/24']))]);
  });

  it('does not count a reserved rule as an overlap of the range asked', async () => {
    const environ = firewallHolding([sshReserved(tcp(22, 22, ['203.0.113.0/24']))]);
    const wider = await unexposePorts({ environ, ranges: [{ protocol: 'tcp', fromPort: 20, toPort: 30 }] }).catch((error: unknown) => {
      assert.fail(`refused a range that only a reserved rule overlaps: ${String(error)}`);
    });
    assert.deepEqual(wider, { closed: [], notOpen: [tcp(20, 30, [])], kept: [], open: [sshReserved(tcp(22, 22, ['203.0.113.0/24']))] });
    const withAll = firewallHolding([sshReserved(tcp(22, 22, ['203.0.113.0/24'])), all(anywhere)]);
    const result = await unexposePorts({ environ: withAll, ranges: [allTraffic] });
    assert.deepEqual(result.closed, [all(anywhere)]);
    assert.deepEqual(withAll.openNow(), [sshReserved(tcp(22, 22, ['203.0.113.0/24']))]);
  });
});

describe('unexposePorts with all traffic', () => {
  it('refuses a port while all traffic is open, naming all, even when the port is open too', async () => {
    const environ = firewallHolding([all(['10.0.0.0/8']), tcp(443, 443, anywhere)]);
    const error = await configErrorFrom(unexposePorts({ environ, ranges: [port(443)] }));
    assert.deepEqual(error.problems.map((p) => p.path), ['443/tcp']);
    assert.equal(error.problems[0]?.message, 'overlaps the open range all from 10.0.0.0/8; a range is closed whole: close all and open again what should stay');
    assert.deepEqual(environ.closeAsked, []);
  });

  it('refuses all traffic while a port is open on its own, naming the port', async () => {
    const environ = firewallHolding([all(anywhere), { protocol: 'udp', fromPort: 53, toPort: 53, sourceCidrs: anywhere }]);
    const error = await configErrorFrom(unexposePorts({ environ, ranges: [allTraffic], from: ['0.0.0.0/0'] }));
    assert.deepEqual(error.problems.map((p) => p.path), ['all']);
    assert.match(error.problems[0]?.message ?? '', /^overlaps the open range 53\/udp from anywhere; a range is closed whole: close 53\/udp /);
    assert.deepEqual(environ.closeAsked, []);
  });

  it('closes all traffic from one source, and port 0 like any other port', async () => {
    const environ = firewallHolding([all(['10.0.0.0/8', '192.0.2.0/24'])]);
    assert.deepEqual((await unexposePorts({ environ, ranges: [allTraffic], from: ['192.0.2.0/24'] })).closed, [all(['192.0.2.0/24'])]);
    assert.deepEqual(environ.openNow(), [all(['10.0.0.0/8'])]);
    const zero = firewallHolding([tcp(0, 0, ['::/0']), tcp(1, 1, ['::/0'])]);
    assert.deepEqual((await unexposePorts({ environ: zero, ranges: [port(0)] })).closed, [tcp(0, 0, ['::/0'])]);
    assert.deepEqual(zero.openNow(), [tcp(1, 1, ['::/0'])]);
  });
});

describe('unexposePorts given a range more than once', () => {
  it('asks about each range once: one close, one not-open entry, one problem', async () => {
    const environ = firewallHolding([tcp(443, 443, anywhere), tcp(8000, 8100, ['10.0.0.0/8'])]);
    const result = await unexposePorts({ environ, ranges: [port(443), port(9090), port(443), port(9090)] });
    assert.deepEqual(environ.closeAsked, [[tcp(443, 443, anywhere)]]);
    assert.deepEqual(result.notOpen, [tcp(9090, 9090, [])]);
    const error = await configErrorFrom(unexposePorts({ environ, ranges: [port(8050), port(8050)] }));
    assert.deepEqual(error.problems.map((p) => p.path), ['8050/tcp']);
  });

  it('reports a reserved source once however often its range is asked', async () => {
    const environ = firewallHolding([sshReserved(tcp(22, 22, ['203.0.113.0/24']))]);
    const error = await configErrorFrom(unexposePorts({ environ, ranges: [port(22), port(22)], from: ['203.0.113.0/24'] }));
    assert.deepEqual(error.problems.map((p) => p.path), ['22/tcp from 203.0.113.0/24']);
  });
});
