import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { anyProxySet, chooseProxy, redactProxyUrl, type ProxyEnvironment } from '../../../providers/ec2/proxy-choice.js';
import { withEnv } from './env-patch.js';

const ec2 = 'https://ec2.eu-west-1.amazonaws.com/';
const proxy = 'http://proxy.corp:3128';

/** What proxy-from-env (proxy-agent's default choice) picks for `url` in `env`: the rules chooseProxy keeps. */
async function proxyFromEnv(url: string, env: ProxyEnvironment): Promise<string> {
  const names = ['https_proxy', 'http_proxy', 'all_proxy', 'no_proxy'].flatMap((name) => [name, name.toUpperCase()]);
  // Not a dependency of envboot's own (proxy-agent's), and typeless: imported by a name TypeScript does not resolve.
  const specifier = 'proxy-from-env';
  const module = (await import(specifier)) as { getProxyForUrl(url: string): string };
  return withEnv({ ...Object.fromEntries(names.map((name) => [name, undefined])), ...env }, () => Promise.resolve(module.getProxyForUrl(url)));
}

describe('chooseProxy: which proxy carries a request to an AWS endpoint', () => {
  const cases: [string, string, ProxyEnvironment, string | undefined, string | undefined][] = [
    ['no variable', ec2, {}, undefined, undefined],
    ['HTTPS_PROXY for https://', ec2, { HTTPS_PROXY: proxy }, proxy, 'HTTPS_PROXY'],
    ['lower case first, as curl', ec2, { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }, 'http://lower:1', 'https_proxy'],
    ['an empty lower-case variable falls back to upper case', ec2, { https_proxy: '', HTTPS_PROXY: proxy }, proxy, 'HTTPS_PROXY'],
    ['HTTP_PROXY is not for https://', ec2, { HTTP_PROXY: proxy }, undefined, undefined],
    ['HTTP_PROXY for http://', 'http://127.0.0.1:8080/', { HTTP_PROXY: proxy }, proxy, 'HTTP_PROXY'],
    ['ALL_PROXY for anything else', ec2, { ALL_PROXY: proxy }, proxy, 'ALL_PROXY'],
    ['the scheme-specific variable wins over ALL_PROXY', ec2, { ALL_PROXY: 'http://all:1', HTTPS_PROXY: proxy }, proxy, 'HTTPS_PROXY'],
    ['a proxy without a scheme is a plain HTTP proxy', 'http://127.0.0.1:8080/', { HTTP_PROXY: 'proxy.corp:3128' }, 'http://proxy.corp:3128', 'HTTP_PROXY'],
    ['NO_PROXY=*', ec2, { HTTPS_PROXY: proxy, NO_PROXY: '*' }, undefined, undefined],
    ['NO_PROXY lists the host', ec2, { HTTPS_PROXY: proxy, no_proxy: 'localhost, ec2.eu-west-1.amazonaws.com' }, undefined, undefined],
    ['NO_PROXY with a leading dot covers subdomains', ec2, { HTTPS_PROXY: proxy, NO_PROXY: '.amazonaws.com' }, undefined, undefined],
    ['NO_PROXY with *. covers subdomains', ec2, { HTTPS_PROXY: proxy, NO_PROXY: '*.amazonaws.com' }, undefined, undefined],
    ['NO_PROXY with the right port', 'http://127.0.0.1:8080/', { HTTP_PROXY: proxy, NO_PROXY: '127.0.0.1:8080' }, undefined, undefined],
    ['NO_PROXY with another port', 'http://127.0.0.1:8080/', { HTTP_PROXY: proxy, NO_PROXY: '127.0.0.1:9090' }, proxy, 'HTTP_PROXY'],
    ['NO_PROXY with the default port', ec2, { HTTPS_PROXY: proxy, NO_PROXY: 'ec2.eu-west-1.amazonaws.com:443' }, undefined, undefined],
    ['NO_PROXY does not cover a longer name', ec2, { HTTPS_PROXY: proxy, NO_PROXY: 'west-1.amazonaws.com.evil' }, proxy, 'HTTPS_PROXY'],
    ['NO_PROXY with a bracketed IPv6 address', 'http://[::1]:8080/', { HTTP_PROXY: proxy, NO_PROXY: '[::1]' }, undefined, undefined],
  ];
  for (const [name, url, env, expected, variable] of cases) {
    it(`${name}, as proxy-from-env chooses`, async () => {
      const chosen = chooseProxy(url, env);
      assert.equal(chosen?.url, expected);
      assert.equal(chosen?.variable, variable);
      assert.equal(await proxyFromEnv(url, env), expected ?? '', 'the same choice as proxy-agent\'s default');
    });
  }

  it('lets a name in NO_PROXY cover its subdomains, as curl and the AWS CLI do (proxy-from-env would not)', async () => {
    const env = { HTTPS_PROXY: proxy, NO_PROXY: 'amazonaws.com' };
    assert.equal(chooseProxy(ec2, env), undefined);
    assert.equal(chooseProxy('https://amazonaws.com/', env), undefined);
    assert.equal(chooseProxy('https://notamazonaws.com/', env)?.url, proxy);
    assert.equal(await proxyFromEnv(ec2, env), proxy, 'one of two differences, on purpose');
  });

  it('reads a proxy without a scheme as a plain HTTP proxy for https:// requests too, as curl and the AWS CLI do (proxy-from-env would speak TLS to it)', async () => {
    const env = { HTTPS_PROXY: 'proxy.corp:3128' };
    assert.deepEqual(chooseProxy(ec2, env), { url: 'http://proxy.corp:3128', variable: 'HTTPS_PROXY' });
    assert.equal(await proxyFromEnv(ec2, env), 'https://proxy.corp:3128', 'the second difference, on purpose');
  });

  it('lets a bare IPv6 address in NO_PROXY mean the address, not a port', () => {
    assert.equal(chooseProxy('http://[::1]:8080/', { HTTP_PROXY: proxy, NO_PROXY: '::1' }), undefined);
  });

  it('tells whether any proxy variable is set', () => {
    assert.equal(anyProxySet({}), false);
    assert.equal(anyProxySet({ NO_PROXY: '*', HTTPS_PROXY: '' }), false);
    assert.equal(anyProxySet({ all_proxy: 'socks5://127.0.0.1:1080' }), true);
  });
});

describe('redactProxyUrl', () => {
  const cases: [string, string][] = [
    ['http://proxy.corp:3128', 'http://proxy.corp:3128'],
    ['http://alice:s3cret@proxy.corp:3128', 'http://***@proxy.corp:3128'],
    ['http://alice@proxy.corp:3128/some/path', 'http://***@proxy.corp:3128'],
    ['https://:token@[2001:db8::1]:8443', 'https://***@[2001:db8::1]:8443'],
    ['not a url s3cret', '(a proxy URL that does not parse; not shown)'],
  ];
  for (const [url, shown] of cases) {
    it(`shows ${shown} for ${url.replace(/:[^:@/]*@/, ':…@')}`, () => {
      assert.equal(redactProxyUrl(url), shown);
    });
  }
});
