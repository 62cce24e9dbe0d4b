import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { everyone, parseSourceCidr } from '../../../src/index.js';

const notationHint = 'write CIDR notation, e.g. 203.0.113.0/24 or 2001:db8::/32, or one address';

describe('parseSourceCidr', () => {
  const accepted: [string, string, string][] = [
    ['an IPv4 range', '203.0.113.0/24', '203.0.113.0/24'],
    ['an IPv4 range with spaces around it', ' 10.0.0.0/8 ', '10.0.0.0/8'],
    ['one IPv4 address, as /32', '198.51.100.7', '198.51.100.7/32'],
    ['an IPv4 /32', '198.51.100.7/32', '198.51.100.7/32'],
    ['every IPv4 address', '0.0.0.0/0', '0.0.0.0/0'],
    ['an IPv6 range', '2001:db8::/32', '2001:db8::/32'],
    ['an IPv6 range in capitals, made lower-case', '2001:DB8::/32', '2001:db8::/32'],
    ['an uncompressed IPv6 range, compressed', '2001:0db8:0000:0000:0000:0000:0000:0000/32', '2001:db8::/32'],
    ['an IPv6 range with a group of zeros left in', '2001:db8:0:0:1::/80', '2001:db8:0:0:1::/80'],
    ['one IPv6 address, as /128', '2001:db8::1', '2001:db8::1/128'],
    ['one uncompressed IPv6 address in capitals', '2001:0DB8:0000:0000:0000:0000:0000:00AB', '2001:db8::ab/128'],
    ['every IPv6 address', '::/0', '::/0'],
    ['an IPv4-mapped IPv6 range', '::ffff:10.0.0.0/104', '::ffff:10.0.0.0/104'],
    ['an IPv4-mapped IPv6 range written in hex', '::FFFF:A00:0/104', '::ffff:10.0.0.0/104'],
  ];
  for (const [what, given, cidr] of accepted) {
    it(`reads ${what}: ${JSON.stringify(given)} is ${cidr}`, () => {
      assert.deepEqual(parseSourceCidr(given), { ok: true, cidr });
    });
  }

  it('gives the same text for the same range however it is written', () => {
    const written = ['2001:db8::/32', '2001:DB8::/32', '2001:0db8::/32', '2001:db8:0:0:0:0:0:0/32'];
    const cidrs = new Set(written.map((given) => {
      const parsed = parseSourceCidr(given);
      assert.ok(parsed.ok, given);
      return parsed.cidr;
    }));
    assert.deepEqual([...cidrs], ['2001:db8::/32']);
  });

  it('reads both ranges of `everyone` as themselves', () => {
    assert.deepEqual(everyone, ['0.0.0.0/0', '::/0']);
    for (const cidr of everyone) assert.deepEqual(parseSourceCidr(cidr), { ok: true, cidr });
  });

  const refused: [string, string, string][] = [
    ['IPv4 host bits, with the network meant', '10.0.0.1/8', '"10.0.0.1/8" has host bits set: did you mean 10.0.0.0/8?'],
    ['IPv4 host bits inside an octet', '192.0.2.130/25', '"192.0.2.130/25" has host bits set: did you mean 192.0.2.128/25?'],
    ['an address with /0', '10.0.0.1/0', '"10.0.0.1/0" has host bits set: did you mean 0.0.0.0/0?'],
    ['IPv6 host bits, with the network meant', '2001:db8::1/32', '"2001:db8::1/32" has host bits set: did you mean 2001:db8::/32?'],
    ['IPv6 host bits in capitals, meant compressed', '2001:DB8:AB::/16', '"2001:DB8:AB::/16" has host bits set: did you mean 2001::/16?'],
    ['IPv4-mapped host bits', '::ffff:10.0.0.1/104', '"::ffff:10.0.0.1/104" has host bits set: did you mean ::ffff:10.0.0.0/104?'],
    ['an IPv4 prefix too long', '10.0.0.0/33', '"10.0.0.0/33": an IPv4 prefix is 0 to 32'],
    ['an IPv6 prefix too long', '2001:db8::/129', '"2001:db8::/129": an IPv6 prefix is 0 to 128'],
    ['a host name', 'example.com', `"example.com" is not an address range: ${notationHint}`],
    ['two prefixes', '10.0.0.0/8/9', `"10.0.0.0/8/9" is not an address range: ${notationHint}`],
    ['a prefix that is not a number', '10.0.0.0/x', `"10.0.0.0/x" is not an address range: ${notationHint}`],
    ['an empty prefix', '10.0.0.0/', `"10.0.0.0/" is not an address range: ${notationHint}`],
    ['a negative prefix', '10.0.0.0/-1', `"10.0.0.0/-1" is not an address range: ${notationHint}`],
    ['an octet past 255', '300.1.1.1/32', `"300.1.1.1/32" is not an address range: ${notationHint}`],
    ['three octets', '10.0.0/24', `"10.0.0/24" is not an address range: ${notationHint}`],
    ['nothing', '', `"" is not an address range: ${notationHint}`],
    ['a prefix alone', '/24', `"/24" is not an address range: ${notationHint}`],
    ['an IPv6 address with a zone', 'fe80::1%eth0', `"fe80::1%eth0" is not an address range: ${notationHint}`],
    ['an IPv6 range with a zone', 'fe80::%eth0/64', `"fe80::%eth0/64" is not an address range: ${notationHint}`],
  ];
  for (const [what, given, message] of refused) {
    it(`refuses ${what} (${JSON.stringify(given)})`, () => {
      assert.deepEqual(parseSourceCidr(given), { ok: false, message });
    });
  }
});
