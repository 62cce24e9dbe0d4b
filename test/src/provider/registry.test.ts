import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProviderRegistry, isConfigError } from '../../../src/index.js';
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
});
