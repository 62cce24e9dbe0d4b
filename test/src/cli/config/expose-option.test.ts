import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkEnvironment, type ProviderLookup } from '../../../../src/cli/config/environment-definition.js';
import { checkExposeOption } from '../../../../src/cli/config/expose-option.js';
import { parseYaml } from '../../../../src/cli/config/yaml-file.js';
import type { IngressRule, Problem } from '../../../../src/index.js';

const anywhere = ['0.0.0.0/0', '::/0'];
const rule = (protocol: IngressRule['protocol'], fromPort: number, toPort: number, sourceCidrs: string[]): IngressRule => ({ protocol, fromPort, toPort, sourceCidrs });

/** What checkExposeOption returns and every problem it reported, as `key` and message. */
function check(value: unknown): { rules: IngressRule[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const rules = checkExposeOption(value, (path, message) => {
    problems.push({ path, message });
  });
  return { rules, problems };
}

/** The YAML value of `text`, as the environments file would give it. */
function yamlOf(text: string): unknown {
  const parsed = parseYaml(text);
  assert.ok(parsed.ok);
  return parsed.document;
}

describe('checkExposeOption', () => {
  it('opens nothing when expose is absent or empty', () => {
    assert.deepEqual(check(undefined), { rules: [], problems: [] });
    assert.deepEqual(check(null), { rules: [], problems: [] });
    assert.deepEqual(check([]), { rules: [], problems: [] });
  });

  it('opens a list of port ranges to anywhere', () => {
    assert.deepEqual(check(yamlOf('[443, 53/udp]')), { rules: [rule('tcp', 443, 443, anywhere), rule('udp', 53, 53, anywhere)], problems: [] });
  });

  it('opens the ports of a mapping to its sources', () => {
    assert.deepEqual(check(yamlOf('- {ports: [80, 443], from: [203.0.113.0/24]}')), {
      rules: [rule('tcp', 80, 80, ['203.0.113.0/24']), rule('tcp', 443, 443, ['203.0.113.0/24'])],
      problems: [],
    });
  });

  it('takes one port range and one source without a list', () => {
    assert.deepEqual(check(yamlOf('- {ports: 8000-8100, from: 2001:DB8::/32}')), { rules: [rule('tcp', 8000, 8100, ['2001:db8::/32'])], problems: [] });
  });

  it('merges the entries: one rule per range, with the sources of all', () => {
    const { rules, problems } = check(yamlOf('- 443\n- {ports: 443, from: 10.0.0.0/8}\n- {ports: [443/tcp], from: [10.0.0.0/8]}\n'));
    assert.deepEqual(problems, []);
    assert.deepEqual(rules, [rule('tcp', 443, 443, ['0.0.0.0/0', '10.0.0.0/8', '::/0'])]);
  });

  it('opens all traffic, however all is written, apart from the ports given with it', () => {
    assert.deepEqual(check(yamlOf('[all, 443]')), { rules: [rule('all', 0, 65535, anywhere), rule('tcp', 443, 443, anywhere)], problems: [] });
    assert.deepEqual(check(yamlOf('- {ports: ALL, from: 10.0.0.0/8}\n- {ports: [All], from: [192.0.2.0/24]}\n')), {
      rules: [rule('all', 0, 65535, ['10.0.0.0/8', '192.0.2.0/24'])],
      problems: [],
    });
  });

  it('opens port 0, written as a YAML number or in a range', () => {
    assert.deepEqual(check(yamlOf('[0, 0-1023/udp]')), { rules: [rule('tcp', 0, 0, anywhere), rule('udp', 0, 1023, anywhere)], problems: [] });
  });

  const refused: [string, string, { path: string; message: RegExp }[]][] = [
    ['one port instead of a list', 'expose: 443', [{ path: '', message: /^must be a list whose entries are a port range .*, got number 443$/ }]],
    ['one quoted port instead of a list', 'expose: "443"', [{ path: '', message: /^must be a list .*, got string "443"$/ }]],
    ['a mapping instead of a list', 'expose: {ports: 443}', [{ path: '', message: /^must be a list .*, got a mapping$/ }]],
    ['an entry that is a boolean', 'expose: [443, 80, true]', [{ path: '[2]', message: /^must be a port range \(443, 8000-8100\/tcp, 53\/udp, all\), or a mapping .*, got boolean true$/ }]],
    ['an unknown key in an entry', 'expose: [{ports: 443, form: [10.0.0.0/8]}]', [{ path: '[0].form', message: /^unknown key; an expose entry has "ports" and "from"$/ }]],
    ['an unknown key and a bad port in one entry, both at once', 'expose: [{ports: http, form: [10.0.0.0/8]}]', [
      { path: '[0].form', message: /^unknown key; an expose entry has "ports" and "from"$/ },
      { path: '[0].ports', message: /^"http" is not a port range/ },
    ]],
    ['an entry without ports', 'expose: [{from: [10.0.0.0/8]}]', [{ path: '[0].ports', message: /^must be a port range or a list of them, e.g\. 443, .* or all, got nothing \(null\)$/ }]],
    ['a port that is not one, in a list', 'expose: [443, http]', [{ path: '[1]', message: /^"http" is not a port range/ }]],
    ['a port that is not one, in a mapping', 'expose: [443, {ports: [80, 65536]}]', [{ path: '[1].ports', message: /^"65536": 65536 is not a port; ports are 0 to 65535$/ }]],
    ['all with a protocol', 'expose: [all/udp]', [{ path: '[0]', message: /^"all\/udp" is not a port range: .*, or all; / }]],
    ['ports that are a mapping', 'expose: [{ports: {http: 80}}]', [{ path: '[0].ports', message: /, got a mapping$/ }]],
    ['an empty list of ports', 'expose: [{ports: []}]', [{ path: '[0].ports', message: /^no ports given/ }]],
    ['a bad source', 'expose: [{ports: 22, from: [10.0.0.1/8]}]', [{ path: '[0].from', message: /did you mean 10\.0\.0\.0\/8\?$/ }]],
    ['a source that is a number', 'expose: [{ports: 22, from: 10}]', [{ path: '[0].from', message: /^must be an address range or a list of them, .*, got number 10$/ }]],
    ['an empty list of sources', 'expose: [{ports: 22, from: []}]', [{ path: '[0].from', message: /^no sources given: .*leave it out to open to everyone$/ }]],
  ];
  for (const [what, text, expected] of refused) {
    it(`refuses ${what}, at its path`, () => {
      const { problems } = check((yamlOf(text) as { expose: unknown }).expose);
      assert.deepEqual(problems.map((p) => p.path), expected.map((e) => e.path), JSON.stringify(problems));
      expected.forEach((e, i) => {
        assert.match(problems[i]?.message ?? '', e.message);
      });
    });
  }

  it('reports the problems of every entry at once', () => {
    const { problems } = check(yamlOf('[443, {ports: [8000-8100, 9000-8000]}, false, {ports: 22, from: [bad, 10.0.0.0/33]}]'));
    assert.deepEqual(
      problems.map((p) => p.path),
      ['[1].ports', '[2]', '[3].from', '[3].from'],
    );
  });
});

/** Any provider name is known; options are taken as they are. */
const anyProvider: ProviderLookup = { has: () => true, names: () => ['plain'], validate: (_name, options) => ({ ok: true, config: options }) };

async function checkWeb(text: string): Promise<{ definition: Awaited<ReturnType<typeof checkEnvironment>>; problems: Problem[] }> {
  const problems: Problem[] = [];
  const params = { name: 'web', raw: yamlOf(text), path: 'environments.web', baseDir: '/nowhere', homeDir: '/nowhere', providers: anyProvider };
  return { definition: await checkEnvironment(params, problems), problems };
}

describe('expose in checkEnvironment', () => {
  it('gives a valid expose back on the definition as merged rules', async () => {
    const { definition, problems } = await checkWeb('provider: plain\nexpose:\n  - 443\n  - {ports: [443, 53/udp], from: 203.0.113.0/24}\n');
    assert.deepEqual(problems, []);
    assert.deepEqual(definition?.expose, [rule('tcp', 443, 443, ['0.0.0.0/0', '203.0.113.0/24', '::/0']), rule('udp', 53, 53, ['203.0.113.0/24'])]);
  });

  it('gives an environment without expose no rules', async () => {
    assert.deepEqual((await checkWeb('provider: plain\n')).definition?.expose, []);
  });

  it('reports expose problems under environments.NAME.expose and returns no definition', async () => {
    const { definition, problems } = await checkWeb('provider: plain\nexpose: [443, {ports: http}, {ports: 22, from: []}, true]\n');
    assert.equal(definition, undefined);
    assert.deepEqual(
      problems.map((p) => p.path),
      ['environments.web.expose[1].ports', 'environments.web.expose[2].from', 'environments.web.expose[3]'],
    );
  });

  it('reports an expose that is not a list at environments.NAME.expose', async () => {
    const { problems } = await checkWeb('provider: plain\nexpose: 443\n');
    assert.deepEqual(problems.map((p) => p.path), ['environments.web.expose']);
    assert.match(problems[0]?.message ?? '', /^must be a list/);
  });
});
