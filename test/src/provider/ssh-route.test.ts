import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  hasSshRoute,
  jumpTargetOf,
  routeAddresses,
  sshRouteOf,
  type Address,
  type AddressScope,
  type Environ,
  type JumpHost,
  type RoutedEnviron,
  type SshRoute,
} from '../../../src/index.js';
import { plainEnviron } from '../../fakes/environs.js';

const address = (value: string, scope: AddressScope): Address => ({ value, scope });
const publicOne = address('203.0.113.7', 'public');
const publicTwo = address('203.0.113.8', 'public');
const privateOne = address('10.0.0.7', 'cloud-local');
const privateTwo = address('10.0.0.8', 'cloud-local');
const loopback = address('127.0.0.1', 'machine-local');
const linkLocal = address('169.254.1.1', 'link-local');
const mixed = [linkLocal, publicOne, privateOne, loopback, publicTwo, privateTwo];

const bastion: JumpHost = { host: 'bastion.example.com', port: 2222, user: 'jump', hostKeys: ['ssh-ed25519 AAAAbastion'] };

/** An Environ with the SSH route ability, answering `route` and remembering each call's params. */
function routedEnviron(route: SshRoute): RoutedEnviron & { asked: { readonly signal?: AbortSignal }[] } {
  const asked: { readonly signal?: AbortSignal }[] = [];
  return {
    ...plainEnviron(),
    asked,
    sshRoute: (params) => {
      asked.push(params);
      return Promise.resolve(route);
    },
  };
}

describe('routeAddresses', () => {
  const cases: { name: string; route: SshRoute; addresses: readonly Address[]; expected: readonly Address[] }[] = [
    { name: 'no scopes: every address but link-local, in the order given', route: {}, addresses: mixed, expected: [publicOne, privateOne, loopback, publicTwo, privateTwo] },
    { name: 'no scopes and a jump host: still every address but link-local', route: { jumpHost: bastion }, addresses: mixed, expected: [publicOne, privateOne, loopback, publicTwo, privateTwo] },
    { name: 'cloud-local only', route: { scopes: ['cloud-local'] }, addresses: mixed, expected: [privateOne, privateTwo] },
    { name: 'preferred scope first, in the given order within a scope', route: { scopes: ['cloud-local', 'public'] }, addresses: mixed, expected: [privateOne, privateTwo, publicOne, publicTwo] },
    { name: 'link-local when a scope names it', route: { scopes: ['link-local'] }, addresses: mixed, expected: [linkLocal] },
    { name: 'an empty scope list allows nothing', route: { scopes: [] }, addresses: mixed, expected: [] },
    { name: 'no address of an allowed scope', route: { scopes: ['public'] }, addresses: [privateOne, loopback], expected: [] },
    { name: 'no addresses at all', route: { scopes: ['public'] }, addresses: [], expected: [] },
  ];
  for (const { name, route, addresses, expected } of cases) {
    it(name, () => {
      assert.deepEqual(routeAddresses(route, addresses), expected);
    });
  }

  it('keeps the fields of richer address types and leaves its input alone', () => {
    const withPorts = [{ ...publicOne, port: 2200 }, { ...privateOne, port: 22 }];
    const before = structuredClone(withPorts);
    assert.deepEqual(routeAddresses({ scopes: ['cloud-local', 'public'] }, withPorts), [withPorts[1], withPorts[0]]);
    assert.deepEqual(withPorts, before);
  });
});

describe('jumpTargetOf', () => {
  const cases: { name: string; route: SshRoute; expected: ReturnType<typeof jumpTargetOf> }[] = [
    { name: 'no jump host: no target', route: {}, expected: undefined },
    { name: 'scopes alone: no target', route: { scopes: ['cloud-local'] }, expected: undefined },
    {
      name: "a jump host without its own key: the environment's client key",
      route: { jumpHost: bastion },
      expected: { host: 'bastion.example.com', port: 2222, user: 'jump', privateKey: 'CLIENT KEY', hostKeys: ['ssh-ed25519 AAAAbastion'] },
    },
    {
      name: 'a jump host with its own key: that key, and no identity file path in the target',
      route: { jumpHost: { ...bastion, privateKey: 'JUMP KEY', identityFile: '/keys/jump' } },
      expected: { host: 'bastion.example.com', port: 2222, user: 'jump', privateKey: 'JUMP KEY', hostKeys: ['ssh-ed25519 AAAAbastion'] },
    },
  ];
  for (const { name, route, expected } of cases) {
    it(name, () => {
      assert.deepEqual(jumpTargetOf(route, 'CLIENT KEY'), expected);
    });
  }
});

describe('hasSshRoute and sshRouteOf', () => {
  it('an environ without the ability has no route of its own: direct, on every address', async () => {
    const environ = plainEnviron();
    assert.equal(hasSshRoute(environ), false);
    assert.deepEqual(await sshRouteOf(environ), {});
  });

  it('an environ with the ability is asked once, with the caller’s signal', async () => {
    const route: SshRoute = { jumpHost: bastion, scopes: ['cloud-local'] };
    const environ = routedEnviron(route);
    const signal = new AbortController().signal;
    assert.equal(hasSshRoute(environ), true);
    assert.equal(await sshRouteOf(environ, { signal }), route);
    assert.deepEqual(environ.asked, [{ signal }]);
    await sshRouteOf(environ);
    assert.deepEqual(environ.asked, [{ signal }, {}]);
  });

  it('an sshRoute that is not a function is not the ability', () => {
    const impostor = { ...plainEnviron(), sshRoute: { jumpHost: bastion } } as unknown as Environ;
    assert.equal(hasSshRoute(impostor), false);
  });

  it('passes the route’s failure through', async () => {
    const environ: RoutedEnviron = { ...plainEnviron(), sshRoute: () => Promise.reject(new Error('unreadable identity file')) };
    await assert.rejects(sshRouteOf(environ), /unreadable identity file/);
  });
});
