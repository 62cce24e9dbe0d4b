import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProviderRegistry, isConfigError, type Provider, type ProviderDescriptor } from '../../../src/index.js';
import { namedProvider } from '../../fakes/environs.js';

describe('ProviderRegistry', () => {
  it('starts empty: importing envboot registers nothing', () => {
    assert.deepEqual(new ProviderRegistry().names(), []);
  });

  it('registers, looks up and lists providers sorted by name', () => {
    const registry = new ProviderRegistry();
    const ec2 = namedProvider('ec2');
    registry.register(namedProvider('local'));
    registry.register(ec2);
    assert.equal(registry.get('ec2'), ec2);
    assert.ok(registry.has('local'));
    assert.deepEqual(registry.names(), ['ec2', 'local']);
    assert.deepEqual(
      registry.list().map((p) => p.name),
      ['ec2', 'local'],
    );
  });

  it('refuses a second provider of the same name unless asked to replace it', () => {
    const registry = new ProviderRegistry();
    registry.register(namedProvider('local'));
    assert.throws(() => {
      registry.register(namedProvider('local'));
    }, /already registered/);
    const replacement = namedProvider('local');
    registry.register(replacement, { replace: true });
    assert.equal(registry.get('local'), replacement);
  });

  it('refuses malformed names with a config error', () => {
    const registry = new ProviderRegistry();
    for (const name of ['', 'EC2', '9lives', 'has space', 'a/b']) {
      assert.throws(
        () => {
          registry.register(namedProvider(name));
        },
        (error: unknown) => isConfigError(error),
        name,
      );
    }
  });

  it('an unknown name is a config error naming the known providers', () => {
    const registry = new ProviderRegistry();
    assert.throws(() => registry.get('gce'), /unknown provider "gce" \(none are registered\)/);
    registry.register(namedProvider('local'));
    registry.register(namedProvider('manual'));
    assert.throws(
      () => registry.get('gce'),
      (error: unknown) => isConfigError(error) && /known providers: local, manual/.test((error as Error).message),
    );
  });

  it('lists and checks a descriptor without loading it, and loads it once, when asked', async () => {
    const registry = new ProviderRegistry();
    const loads: string[] = [];
    const provider = namedProvider('lazy');
    const descriptor: ProviderDescriptor = {
      name: provider.name,
      description: provider.description,
      capabilities: provider.capabilities,
      validateConfig: ({ config }) => (config === 'bad' ? { ok: false, problems: [{ path: 'x', message: 'bad' }] } : { ok: true, config }),
      load: () => {
        loads.push('lazy');
        return Promise.resolve(provider);
      },
    };
    registry.register(descriptor);
    assert.equal(registry.get('lazy'), descriptor);
    assert.deepEqual(await registry.validate('lazy', 'bad'), { ok: false, problems: [{ path: 'x', message: 'bad' }] });
    assert.equal(await registry.describe('lazy'), descriptor);
    assert.deepEqual(loads, [], 'nothing loaded to list, describe or check it');
    const [first, second] = await Promise.all([registry.load('lazy'), registry.load('lazy')]);
    assert.equal(first, provider);
    assert.equal(second, provider);
    assert.deepEqual(loads, ['lazy']);
  });

  it('finds third-party providers by the names its external loader accepts, loading each once, and still refuses other names', async () => {
    const loaded: string[] = [];
    const acme: Provider = { ...namedProvider('acme'), validateConfig: ({ config }) => ({ ok: false, problems: [{ path: 'region', message: `required, got ${String(config)}` }] }) };
    const registry = new ProviderRegistry({
      external: {
        accepts: (name) => name.startsWith('./'),
        load: (name) => {
          loaded.push(name);
          return name === './acme.js' ? Promise.resolve(acme) : Promise.reject(new Error(`no ${name}`));
        },
        naming: 'third-party ones are paths',
      },
    });
    registry.register(namedProvider('local'));
    assert.ok(registry.has('./acme.js'));
    assert.deepEqual(registry.names(), ['local'], 'only registered names are listed');
    assert.deepEqual(await registry.validate('./acme.js', 7), { ok: false, problems: [{ path: 'region', message: 'required, got 7' }] });
    assert.equal(await registry.describe('./acme.js'), acme);
    assert.equal(await registry.load('./acme.js'), acme);
    assert.deepEqual(loaded, ['./acme.js']);
    await assert.rejects(registry.load('./gone.js'), /no \.\/gone\.js/);
    await assert.rejects(registry.load('./gone.js'), /no \.\/gone\.js/);
    assert.deepEqual(loaded, ['./acme.js', './gone.js', './gone.js'], 'a failed load is tried again');
    await assert.rejects(registry.describe('gce'), /unknown provider "gce"; known providers: local \(third-party ones are paths\)$/);
  });

  it('refuses a provider whose placement flags are declared wrongly', () => {
    const registry = new ProviderRegistry();
    const flagged = (flags: unknown): Provider => ({ ...namedProvider('flagged'), placementFlags: { flags, apply: () => ({ ok: true, config: {}, placements: [] }) } as Provider['placementFlags'] });
    assert.throws(() => {
      registry.register(flagged([{ name: 'rack', help: 'r' }, { name: 'rack', help: 'r' }, { name: 'no-spot', help: 's' }, { name: 'x', value: '', help: { bootstrap: 'b' } }]));
    }, /declares its placement flags wrongly: "placementFlags\.flags\[1\]\.name" repeats --rack; "placementFlags\.flags\[2\]\.name" must not start with "no-".*; "placementFlags\.flags\[3\]\.value" must be .*; "placementFlags\.flags\[3\]\.help" must be/);
    registry.register(flagged([{ name: 'rack', value: 'name', help: { bootstrap: 'b', 'add-machine': 'a' } }, { name: 'spot', help: 's' }]));
    assert.equal(registry.get('flagged').placementFlags?.flags.length, 2);
  });
});
