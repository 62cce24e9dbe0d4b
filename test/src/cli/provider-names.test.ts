import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { builtinProviders, cliProviderRegistry, defaultProviderName } from '../../../src/cli/builtin-providers.js';

/** The CLI's sources (not the compiled test's copy): this test reads code, not behaviour. */
const cliSources = fileURLToPath(new URL('../../../../src/cli/', import.meta.url));
const builtinNames = ['manual', 'local', 'ec2', 'qemu'];

/**
 * Where the CLI may name a built-in provider in code. The one place: the module that lists
 * the built-in descriptors names the default provider. One more, to remove: `envboot logs`
 * explains a local machine's missing cloud-init files (until providers can say that of their
 * machines themselves).
 */
const allowed: Readonly<Record<string, readonly string[]>> = {
  'builtin-providers.ts': ["'local'"],
  'commands/logs-sections.ts': ["'local'"],
};

/** String literals (quotes, template or not) that are exactly a built-in provider's name, comments left out. */
function providerLiterals(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return [...code.matchAll(new RegExp(`(['"\`])(?:${builtinNames.join('|')})\\1`, 'g'))].map((match) => match[0]);
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts'))
    .sort();
}

describe('the CLI knows no provider by name', () => {
  it('finds a provider name written in code, and not one in a comment or a longer string', () => {
    assert.deepEqual(providerLiterals("if (environment.provider === 'manual') return;"), ["'manual'"]);
    assert.deepEqual(providerLiterals('const p = `ec2`; const q = "qemu";'), ['`ec2`', '"qemu"']);
    assert.deepEqual(providerLiterals("// the 'manual' provider\n/* 'local' */ const s = 'local machines'; import '../../providers/manual/x.js';"), []);
  });

  it('has no built-in provider name in src/cli/ code but the default provider, named once', () => {
    const found: Record<string, string[]> = {};
    for (const file of sourcesUnder(cliSources)) {
      const literals = providerLiterals(readFileSync(path.join(cliSources, file), 'utf8'));
      if (literals.length > 0) found[file.split(path.sep).join('/')] = literals;
    }
    assert.deepEqual(found, allowed);
  });

  it('imports providers only in the module that lists the built-ins, and no provider config type anywhere', () => {
    const importing = sourcesUnder(cliSources).filter((file) => /from '(\.\.\/)+providers\//.test(readFileSync(path.join(cliSources, file), 'utf8')));
    assert.deepEqual(importing, ['builtin-providers.ts']);
    const imports = readFileSync(path.join(cliSources, 'builtin-providers.ts'), 'utf8').match(/from '(\.\.\/)+providers\/[^']+'/g);
    assert.deepEqual(imports, builtinNames.map((name) => `from '../../providers/${name}/descriptor.js'`).sort((a, b) => a.localeCompare(b)));
  });

  it('registers every built-in descriptor, the default provider among them', () => {
    const registry = cliProviderRegistry({ baseDir: '/nonexistent' });
    assert.deepEqual(registry.names(), builtinProviders.map((d) => d.name).sort());
    assert.ok(registry.names().includes(defaultProviderName));
    assert.ok(registry.has('./my-provider.js') && registry.has('envboot-provider-x') && registry.has('@acme/cloud'), 'third-party names are accepted');
    assert.ok(!registry.has('loacl'), 'a typo of a built-in is not taken for a package');
  });
});
