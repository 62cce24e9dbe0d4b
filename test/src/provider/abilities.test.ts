import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { abilitiesOf, hasFirewall, hasInstanceTypes, isZoned, partialAbilities, type Environ } from '../../../src/index.js';
import { plainEnviron, zonedEnviron } from '../../fakes/environs.js';

describe('ability guards', () => {
  it('a plain environ has no optional abilities', () => {
    const environ = plainEnviron();
    assert.equal(isZoned(environ), false);
    assert.equal(hasInstanceTypes(environ), false);
    assert.equal(hasFirewall(environ), false);
  });

  it('isZoned needs all three zone methods', () => {
    const zoned = zonedEnviron({ zones: [], placement: {} });
    assert.equal(isZoned(zoned), true);
    const partial = Object.fromEntries(Object.entries(zoned).filter(([name]) => name !== 'deriveZones'));
    assert.equal(isZoned(partial as unknown as Environ), false);
  });

  it('hasInstanceTypes and hasFirewall recognise environs that implement them', () => {
    const withTypes = { ...plainEnviron(), instanceTypes: () => Promise.resolve([]) };
    assert.equal(hasInstanceTypes(withTypes), true);
    const withFirewall = {
      ...plainEnviron(),
      ingressRules: () => Promise.resolve([]),
      openPorts: () => Promise.resolve(),
      closePorts: () => Promise.resolve(),
    };
    assert.equal(hasFirewall(withFirewall), true);
    const onlyOpen: Environ = Object.assign(plainEnviron(), { openPorts: () => Promise.resolve() });
    assert.equal(hasFirewall(onlyOpen), false);
  });

  it('derives the abilities an environ has from its methods, and names an ability only half implemented', () => {
    assert.deepEqual(abilitiesOf(plainEnviron()), []);
    const zoned = zonedEnviron({ zones: [], placement: {} });
    assert.deepEqual(abilitiesOf(zoned), ['zones']);
    const withTeardown: Environ = { ...plainEnviron(), teardown: () => Promise.resolve({ removed: [], failures: [] }) };
    assert.deepEqual(abilitiesOf(withTeardown), ['teardown']);
    const halfFirewall: Environ = Object.assign(plainEnviron(), { openPorts: () => Promise.resolve(), closePorts: () => Promise.resolve() });
    assert.deepEqual(partialAbilities(halfFirewall), [{ ability: 'firewall', missing: ['ingressRules'] }]);
    assert.deepEqual(abilitiesOf(halfFirewall), []);
    assert.deepEqual(partialAbilities(zoned), []);
  });
});
