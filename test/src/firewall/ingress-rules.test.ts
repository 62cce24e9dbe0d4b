import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatIngressRule,
  groupPairs,
  mergeRules,
  pairKey,
  pairsOf,
  parseExposeRequest,
  parsePortRanges,
  parseSources,
  type IngressPair,
  type IngressRule,
} from '../../../src/index.js';

const paths = { ports: 'ports', from: '--from' };
const anywhere = ['0.0.0.0/0', '::/0'];

const ssh = 'envboot SSH (ssh-cidr)';

function rule(protocol: IngressRule['protocol'], fromPort: number, toPort: number, sourceCidrs: string[]): IngressRule {
  return { protocol, fromPort, toPort, sourceCidrs };
}

function reserved(given: IngressRule, what = ssh): IngressRule {
  return { ...given, reserved: what };
}

describe('parseExposeRequest', () => {
  it('opens to everyone, in both families, when no sources are given', () => {
    assert.deepEqual(parseExposeRequest({ ports: [443, '53/udp'] }, paths), {
      rules: [rule('tcp', 443, 443, anywhere), rule('udp', 53, 53, anywhere)],
      problems: [],
    });
  });

  it('opens every range to every source given, canonical and merged', () => {
    const parsed = parseExposeRequest({ ports: ['8000-8100', '443', 443], from: ['2001:DB8::/32', '203.0.113.0/24', '198.51.100.7'] }, paths);
    const sources = ['198.51.100.7/32', '203.0.113.0/24', '2001:db8::/32'];
    assert.deepEqual(parsed, { rules: [rule('tcp', 443, 443, sources), rule('tcp', 8000, 8100, sources)], problems: [] });
  });

  it('reads all as every protocol and port, apart from the ranges given with it', () => {
    assert.deepEqual(parseExposeRequest({ ports: ['ALL', 443, 0], from: ['10.0.0.0/8'] }, paths), {
      rules: [rule('all', 0, 65535, ['10.0.0.0/8']), rule('tcp', 0, 0, ['10.0.0.0/8']), rule('tcp', 443, 443, ['10.0.0.0/8'])],
      problems: [],
    });
  });

  it('reports every problem at once, each at its path, and accepts nothing', () => {
    const parsed = parseExposeRequest({ ports: [443, 'http', '65536'], from: ['10.0.0.1/8', '203.0.113.0/24', 'example.com'] }, paths);
    assert.deepEqual(parsed.rules, []);
    assert.deepEqual(
      parsed.problems.map((p) => p.path),
      ['ports', 'ports', '--from', '--from'],
    );
    assert.match(parsed.problems[0]?.message ?? '', /^"http" is not a port range/);
    assert.match(parsed.problems[1]?.message ?? '', /^"65536": 65536 is not a port; ports are 0 to 65535$/);
    assert.match(parsed.problems[2]?.message ?? '', /did you mean 10\.0\.0\.0\/8\?/);
    assert.match(parsed.problems[3]?.message ?? '', /^"example\.com" is not an address range/);
  });

  it('refuses an empty list of ports', () => {
    assert.deepEqual(parseExposeRequest({ ports: [] }, paths), {
      rules: [],
      problems: [{ path: 'ports', message: 'no ports given: name at least one, e.g. 443 or 8000-8100/tcp' }],
    });
  });

  it('refuses an empty list of sources rather than opening to everyone', () => {
    assert.deepEqual(parseExposeRequest({ ports: [443], from: [] }, paths), {
      rules: [],
      problems: [{ path: '--from', message: 'no sources given: name at least one range, or leave it out to open to everyone' }],
    });
  });
});

describe('parsePortRanges', () => {
  it('reads every range in order, repeats included', () => {
    assert.deepEqual(parsePortRanges([443, '53/udp', '443'], 'p'), {
      ranges: [
        { protocol: 'tcp', fromPort: 443, toPort: 443 },
        { protocol: 'udp', fromPort: 53, toPort: 53 },
        { protocol: 'tcp', fromPort: 443, toPort: 443 },
      ],
      problems: [],
    });
  });

  it('keeps the good ranges and reports each bad one at the path', () => {
    const parsed = parsePortRanges(['9000-8000', 22, '22/icmp'], 'expose[0].ports');
    assert.deepEqual(parsed.ranges, [{ protocol: 'tcp', fromPort: 22, toPort: 22 }]);
    assert.deepEqual(parsed.problems.map((p) => p.path), ['expose[0].ports', 'expose[0].ports']);
    assert.match(parsed.problems[0]?.message ?? '', /runs backwards: write 8000-9000\/tcp/);
    assert.match(parsed.problems[1]?.message ?? '', /ICMP/);
  });
});

describe('parseSources', () => {
  it('reads sources canonically and drops repeats, however they were written', () => {
    assert.deepEqual(parseSources(['10.0.0.1', '2001:DB8::/32', '10.0.0.1/32', '2001:db8::/32'], 'from'), {
      cidrs: ['10.0.0.1/32', '2001:db8::/32'],
      problems: [],
    });
  });

  it('reports each bad source at the path', () => {
    const parsed = parseSources(['10.0.0.0/33', '::/0', '10.0.0.0/x'], 'from');
    assert.deepEqual(parsed.cidrs, ['::/0']);
    assert.deepEqual(parsed.problems.map((p) => p.path), ['from', 'from']);
    assert.match(parsed.problems[0]?.message ?? '', /an IPv4 prefix is 0 to 32/);
  });
});

describe('mergeRules', () => {
  it('merges the sources of the same range and drops repeats', () => {
    assert.deepEqual(mergeRules([rule('tcp', 443, 443, ['10.0.0.0/8']), rule('tcp', 443, 443, ['192.0.2.0/24', '10.0.0.0/8'])]), [
      rule('tcp', 443, 443, ['10.0.0.0/8', '192.0.2.0/24']),
    ]);
  });

  it('keeps the same ports of different protocols, and different ranges sharing a start, apart', () => {
    const merged = mergeRules([rule('tcp', 8000, 8100, ['::/0']), rule('udp', 8000, 8100, ['::/0']), rule('tcp', 8000, 8000, ['::/0'])]);
    assert.deepEqual(merged, [rule('tcp', 8000, 8000, ['::/0']), rule('tcp', 8000, 8100, ['::/0']), rule('udp', 8000, 8100, ['::/0'])]);
  });

  it('sorts udp after tcp, ports ascending by number, IPv4 sources before IPv6', () => {
    const merged = mergeRules([
      rule('udp', 53, 53, ['::/0', '0.0.0.0/0']),
      rule('tcp', 8443, 8443, ['2001:db8::/32', '192.0.2.0/24', '10.0.0.0/8', '9.0.0.0/8']),
      rule('tcp', 80, 80, ['0.0.0.0/0']),
      rule('tcp', 443, 443, ['0.0.0.0/0']),
    ]);
    assert.deepEqual(merged, [
      rule('tcp', 80, 80, ['0.0.0.0/0']),
      rule('tcp', 443, 443, ['0.0.0.0/0']),
      rule('tcp', 8443, 8443, ['9.0.0.0/8', '10.0.0.0/8', '192.0.2.0/24', '2001:db8::/32']),
      rule('udp', 53, 53, ['0.0.0.0/0', '::/0']),
    ]);
  });

  it('drops a rule open to no source', () => {
    assert.deepEqual(mergeRules([rule('tcp', 22, 22, [])]), []);
  });
});

describe('pairsOf and groupPairs', () => {
  it('splits a rule into one pair per source', () => {
    assert.deepEqual(pairsOf(rule('udp', 60000, 61000, ['10.0.0.0/8', '::/0'])), [
      { protocol: 'udp', fromPort: 60000, toPort: 61000, cidr: '10.0.0.0/8' },
      { protocol: 'udp', fromPort: 60000, toPort: 61000, cidr: '::/0' },
    ]);
  });

  it('groups the pairs of merged rules back into the same rules', () => {
    const rules = [rule('tcp', 22, 22, ['203.0.113.0/24']), rule('tcp', 8000, 8100, ['10.0.0.0/8', '2001:db8::/32']), rule('udp', 53, 53, anywhere)];
    const pairs: IngressPair[] = rules.flatMap(pairsOf);
    assert.equal(pairs.length, 5);
    assert.deepEqual(groupPairs(pairs), rules);
    assert.deepEqual(groupPairs([...pairs].reverse()), rules);
  });

  it('carries what a reserved rule is kept open for onto each of its pairs', () => {
    assert.deepEqual(pairsOf(reserved(rule('tcp', 22, 22, ['192.0.2.0/24', '::/0']))), [
      { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '192.0.2.0/24', reserved: ssh },
      { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '::/0', reserved: ssh },
    ]);
  });

  it('keeps reserved and unreserved pairs of one range as separate rules, the reserved first', () => {
    const rules = [reserved(rule('tcp', 22, 22, ['192.0.2.0/24'])), rule('tcp', 22, 22, ['10.0.0.0/8']), rule('tcp', 443, 443, anywhere)];
    const pairs = rules.flatMap(pairsOf);
    assert.deepEqual(groupPairs(pairs), rules);
    assert.deepEqual(groupPairs([...pairs].reverse()), rules);
    assert.ok(!('reserved' in (groupPairs(pairs)[1] ?? {})), 'an unreserved rule has no reserved key at all');
  });

  it('keeps pairs reserved for different things apart', () => {
    const rules = [reserved(rule('tcp', 22, 22, ['192.0.2.0/24'])), reserved(rule('tcp', 22, 22, ['203.0.113.0/24']), 'bastion')];
    assert.deepEqual(groupPairs(rules.flatMap(pairsOf)), rules);
  });

  it('sorts all traffic before tcp and udp', () => {
    const merged = mergeRules([rule('udp', 53, 53, anywhere), rule('all', 0, 65535, anywhere), rule('tcp', 0, 0, anywhere)]);
    assert.deepEqual(merged.map((r) => r.protocol), ['all', 'tcp', 'udp']);
  });

  it('gives a pair the same key whatever keeps it open', () => {
    const pair: IngressPair = { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '192.0.2.0/24' };
    assert.equal(pairKey({ ...pair, reserved: ssh }), pairKey(pair));
  });

  it('gives a pair a key that tells ranges, protocols and sources apart', () => {
    const pairs: IngressPair[] = [
      { protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '::/0' },
      { protocol: 'udp', fromPort: 443, toPort: 443, cidr: '::/0' },
      { protocol: 'tcp', fromPort: 443, toPort: 444, cidr: '::/0' },
      { protocol: 'tcp', fromPort: 443, toPort: 443, cidr: '0.0.0.0/0' },
    ];
    const keys = pairs.map(pairKey);
    assert.equal(new Set(keys).size, 4);
    assert.equal(keys[0], '443/tcp ::/0');
  });
});

describe('formatIngressRule', () => {
  const cases: [IngressRule, string][] = [
    [rule('tcp', 443, 443, anywhere), '443/tcp from anywhere'],
    [rule('udp', 53, 53, ['::/0', '0.0.0.0/0']), '53/udp from anywhere'],
    [rule('tcp', 443, 443, ['0.0.0.0/0']), '443/tcp from 0.0.0.0/0'],
    [rule('tcp', 443, 443, ['::/0']), '443/tcp from ::/0'],
    [rule('tcp', 443, 443, ['0.0.0.0/0', '::/0', '10.0.0.0/8']), '443/tcp from 0.0.0.0/0, ::/0, 10.0.0.0/8'],
    [rule('tcp', 8000, 8100, ['10.0.0.0/8', '192.0.2.0/24']), '8000-8100/tcp from 10.0.0.0/8, 192.0.2.0/24'],
    [rule('all', 0, 65535, anywhere), 'all from anywhere'],
    [rule('tcp', 0, 0, ['10.0.0.0/8']), '0/tcp from 10.0.0.0/8'],
    [reserved(rule('tcp', 22, 22, ['192.0.2.0/24'])), '22/tcp from 192.0.2.0/24 (envboot SSH (ssh-cidr))'],
    [reserved(rule('tcp', 22, 22, anywhere)), '22/tcp from anywhere (envboot SSH (ssh-cidr))'],
  ];
  for (const [given, text] of cases) {
    it(`writes ${text}`, () => {
      assert.equal(formatIngressRule(given), text);
    });
  }
});
