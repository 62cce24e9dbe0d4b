import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { overlaps } from '../../../src/firewall/port-range.js';
import { formatPortRange, parsePortRange, type PortRange } from '../../../src/index.js';

const syntaxHint = /write PORT, FROM-TO, either followed by \/tcp or \/udp \(tcp when left out\), e\.g\. 443, 8000-8100 or 53\/udp$/;

describe('parsePortRange', () => {
  const accepted: [string | number, PortRange][] = [
    [443, { protocol: 'tcp', fromPort: 443, toPort: 443 }],
    ['443', { protocol: 'tcp', fromPort: 443, toPort: 443 }],
    [' 443 ', { protocol: 'tcp', fromPort: 443, toPort: 443 }],
    ['1', { protocol: 'tcp', fromPort: 1, toPort: 1 }],
    ['65535', { protocol: 'tcp', fromPort: 65535, toPort: 65535 }],
    ['8000-8100', { protocol: 'tcp', fromPort: 8000, toPort: 8100 }],
    ['8000-8000', { protocol: 'tcp', fromPort: 8000, toPort: 8000 }],
    ['443/tcp', { protocol: 'tcp', fromPort: 443, toPort: 443 }],
    ['53/udp', { protocol: 'udp', fromPort: 53, toPort: 53 }],
    ['53/UDP', { protocol: 'udp', fromPort: 53, toPort: 53 }],
    ['60000-61000/udp', { protocol: 'udp', fromPort: 60000, toPort: 61000 }],
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
    ['port 0', '0', /^"0": 0 is not a port; ports are 1 to 65535$/],
    ['port 0 as a YAML number', 0, /^"0": 0 is not a port; ports are 1 to 65535$/],
    ['a port past 65535', '65536', /^"65536": 65536 is not a port; ports are 1 to 65535$/],
    ['a range ending past 65535', '65000-70000', /^"65000-70000": 70000 is not a port; ports are 1 to 65535$/],
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
    for (const given of ['http', '', '1-2-3', '-5']) {
      const parsed = parsePortRange(given);
      assert.ok(!parsed.ok);
      assert.match(parsed.message, syntaxHint);
    }
  });
});

describe('formatPortRange', () => {
  const cases: [PortRange, string][] = [
    [{ protocol: 'tcp', fromPort: 443, toPort: 443 }, '443/tcp'],
    [{ protocol: 'tcp', fromPort: 8000, toPort: 8100 }, '8000-8100/tcp'],
    [{ protocol: 'udp', fromPort: 53, toPort: 53 }, '53/udp'],
    [{ protocol: 'udp', fromPort: 1, toPort: 65535 }, '1-65535/udp'],
  ];
  for (const [range, text] of cases) {
    it(`writes ${text}`, () => {
      assert.equal(formatPortRange(range), text);
    });
  }

  it('writes what parsePortRange reads back to the same range', () => {
    for (const given of ['443', '8000-8100', '53/udp', '60000-61000/udp']) {
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
  ];
  for (const [what, a, b, expected] of cases) {
    it(`${expected ? 'holds' : 'does not hold'} for ${what}, both ways`, () => {
      assert.equal(overlaps(a, b), expected);
      assert.equal(overlaps(b, a), expected);
    });
  }
});
