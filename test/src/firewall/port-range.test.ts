import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allTraffic, formatPortRange, overlaps, parsePortRange, type PortRange } from '../../../src/index.js';

const syntaxHint = /write PORT or FROM-TO, either followed by \/tcp or \/udp \(tcp when left out\), or all; e\.g\. 443, 8000-8100, 53\/udp$/;

describe('parsePortRange', () => {
  const accepted: [string | number, PortRange][] = [
    [443, { protocol: 'tcp', fromPort: 443, toPort: 443 }],
    ['443', { protocol: 'tcp', fromPort: 443, toPort: 443 }],
    [' 443 ', { protocol: 'tcp', fromPort: 443, toPort: 443 }],
    ['0', { protocol: 'tcp', fromPort: 0, toPort: 0 }],
    [0, { protocol: 'tcp', fromPort: 0, toPort: 0 }],
    ['1', { protocol: 'tcp', fromPort: 1, toPort: 1 }],
    ['0-65535', { protocol: 'tcp', fromPort: 0, toPort: 65535 }],
    ['0-1023/udp', { protocol: 'udp', fromPort: 0, toPort: 1023 }],
    ['65535', { protocol: 'tcp', fromPort: 65535, toPort: 65535 }],
    ['8000-8100', { protocol: 'tcp', fromPort: 8000, toPort: 8100 }],
    ['8000-8000', { protocol: 'tcp', fromPort: 8000, toPort: 8000 }],
    ['443/tcp', { protocol: 'tcp', fromPort: 443, toPort: 443 }],
    ['53/udp', { protocol: 'udp', fromPort: 53, toPort: 53 }],
    ['53/UDP', { protocol: 'udp', fromPort: 53, toPort: 53 }],
    ['60000-61000/udp', { protocol: 'udp', fromPort: 60000, toPort: 61000 }],
    ['all', { protocol: 'all', fromPort: 0, toPort: 65535 }],
    ['ALL', { protocol: 'all', fromPort: 0, toPort: 65535 }],
    [' All ', { protocol: 'all', fromPort: 0, toPort: 65535 }],
  ];
  for (const [given, range] of accepted) {
    it(`reads ${JSON.stringify(given)}`, () => {
      assert.deepEqual(parsePortRange(given), { ok: true, range });
    });
  }

  it('reads a YAML number as the port it is', () => {
    // js-yaml gives `- 8080` as the number 8080, not the string.
    assert.deepEqual(parsePortRange(8080), { ok: true, range: { protocol: 'tcp', fromPort: 8080, toPort: 8080 } });
  });

  const refused: [string, string | number, RegExp][] = [
    ['a service name', 'http', /^"http" is not a port range: /],
    ['nothing', '', /^"" is not a port range: /],
    ['a port past 65535', '65536', /^"65536": 65536 is not a port; ports are 0 to 65535$/],
    ['a port past 65535 as a YAML number', 65536, /^"65536": 65536 is not a port; ports are 0 to 65535$/],
    ['a range ending past 65535', '0-70000', /^"0-70000": 70000 is not a port; ports are 0 to 65535$/],
    ['all with a protocol', 'all/tcp', /^"all\/tcp" is not a port range: /],
    ['all as a range start', 'all-443', /^"all-443" is not a port range: /],
    ['a range written backwards, with the right way round', '9000-8000', /^"9000-8000" runs backwards: write 8000-9000\/tcp$/],
    ['a backwards udp range', '9000-8000/udp', /^"9000-8000\/udp" runs backwards: write 8000-9000\/udp$/],
    ['ICMP, saying envboot cannot open it', '22/icmp', /^"22\/icmp": the protocol must be tcp or udp, not "icmp" \(ICMP cannot be opened with envboot\)$/],
    ['ICMP in capitals', '22/ICMP', /\(ICMP cannot be opened with envboot\)$/],
    ['another protocol', '22/sctp', /^"22\/sctp": the protocol must be tcp or udp, not "sctp"$/],
    ['three ports', '1-2-3', /^"1-2-3" is not a port range: /],
    ['a negative port', '-5', /^"-5" is not a port range: /],
    ['a range without its end', '8000-', /^"8000-" is not a port range: /],
    ['a fractional YAML number', 443.5, /^"443\.5" is not a port range: /],
  ];
  for (const [what, given, message] of refused) {
    it(`refuses ${what} (${JSON.stringify(given)}), naming it`, () => {
      const parsed = parsePortRange(given);
      assert.ok(!parsed.ok);
      assert.match(parsed.message, message);
      assert.ok(parsed.message.includes(`"${String(given).trim()}"`), parsed.message);
    });
  }

  it('says how to write a port range when it cannot read one', () => {
    for (const given of ['http', '', '1-2-3', '-5', 'all/udp']) {
      const parsed = parsePortRange(given);
      assert.ok(!parsed.ok);
      assert.match(parsed.message, syntaxHint);
    }
  });
});

describe('allTraffic', () => {
  it('is every protocol and every port, 0 to 65535', () => {
    assert.deepEqual(allTraffic, { protocol: 'all', fromPort: 0, toPort: 65535 });
  });
});

describe('formatPortRange', () => {
  const cases: [PortRange, string][] = [
    [{ protocol: 'tcp', fromPort: 443, toPort: 443 }, '443/tcp'],
    [{ protocol: 'tcp', fromPort: 8000, toPort: 8100 }, '8000-8100/tcp'],
    [{ protocol: 'udp', fromPort: 53, toPort: 53 }, '53/udp'],
    [{ protocol: 'udp', fromPort: 1, toPort: 65535 }, '1-65535/udp'],
    [{ protocol: 'tcp', fromPort: 0, toPort: 0 }, '0/tcp'],
    [{ protocol: 'tcp', fromPort: 0, toPort: 65535 }, '0-65535/tcp'],
    [allTraffic, 'all'],
  ];
  for (const [range, text] of cases) {
    it(`writes ${text}`, () => {
      assert.equal(formatPortRange(range), text);
    });
  }

  it('writes what parsePortRange reads back to the same range', () => {
    for (const given of ['443', '8000-8100', '53/udp', '60000-61000/udp', '0', 'all']) {
      const parsed = parsePortRange(given);
      assert.ok(parsed.ok);
      assert.deepEqual(parsePortRange(formatPortRange(parsed.range)), parsed);
    }
  });
});

describe('overlaps', () => {
  const tcp = (fromPort: number, toPort = fromPort): PortRange => ({ protocol: 'tcp', fromPort, toPort });
  const cases: [string, PortRange, PortRange, boolean][] = [
    ['a port inside a range', tcp(8000, 8100), tcp(8050), true],
    ['a sub-range sharing the start', tcp(8000, 8100), tcp(8000, 8050), true],
    ['the same range', tcp(8000, 8100), tcp(8000, 8100), true],
    ['a range that overlaps the end', tcp(8000, 8100), tcp(8050, 8200), true],
    ['a range that overlaps the start', tcp(8000, 8100), tcp(7900, 8050), true],
    ['ranges that touch at one port', tcp(8000, 8100), tcp(8100, 8200), true],
    ['a wider range', tcp(8050), tcp(8000, 8100), true],
    ['adjacent ranges', tcp(8000, 8100), tcp(8101, 8200), false],
    ['a port outside', tcp(8000, 8100), tcp(443), false],
    ['the same ports of the other protocol', tcp(8000, 8100), { protocol: 'udp', fromPort: 8050, toPort: 8050 }, false],
    ['port 0 and port 1', tcp(0), tcp(1), false],
    ['port 0 and a range from it', tcp(0), tcp(0, 1023), true],
    ['all traffic and a tcp port', allTraffic, tcp(443), true],
    ['all traffic and port 0', allTraffic, tcp(0), true],
    ['all traffic and the last udp port', allTraffic, { protocol: 'udp', fromPort: 65535, toPort: 65535 }, true],
    ['all traffic and itself', allTraffic, allTraffic, true],
  ];
  for (const [what, a, b, expected] of cases) {
    it(`${expected ? 'holds' : 'does not hold'} for ${what}, both ways`, () => {
      assert.equal(overlaps(a, b), expected);
      assert.equal(overlaps(b, a), expected);
    });
  }
});
