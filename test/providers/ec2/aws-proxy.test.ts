import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { awsClientConfig, createAwsClients, Ec2Api, s3StateStorage, sdkEc2Adapter, type AwsClients } from '../../../providers/ec2/index.js';
import { ErrorCode, isZoneIndependent } from '../../../src/index.js';
import { startFakeEc2, type FakeEc2 } from '../../fakes/ec2-endpoint.js';
import { refusedPort, startFakeHttpProxy, type FakeHttpProxy } from '../../fakes/http-proxy.js';
import { startFakeS3, type FakeS3 } from '../../fakes/s3-endpoint.js';
import { makeSelfSignedCertificate, startTlsFront, type SelfSignedCertificate, type TlsFront } from '../../fakes/tls-front.js';
import { rejectsWithCode } from '../../helpers/rejects-with-code.js';
import { noProxyEnvironment, withEnv } from './env-patch.js';
import { fastRetry } from './fixtures.js';

let ec2: FakeEc2;
let s3: FakeS3;
let proxy: FakeHttpProxy;
let dir: string;
let certificate: SelfSignedCertificate;
let ec2OverTls: TlsFront;

before(async () => {
  [ec2, s3, proxy, dir] = await Promise.all([startFakeEc2(), startFakeS3(), startFakeHttpProxy(), mkdtemp(path.join(tmpdir(), 'envboot-aws-proxy-'))]);
  certificate = await makeSelfSignedCertificate(dir);
  ec2OverTls = await startTlsFront({ origin: ec2.endpoint, certificate });
});
after(async () => {
  await Promise.all([ec2.close(), s3.close(), proxy.close(), ec2OverTls.close(), rm(dir, { recursive: true, force: true })]);
});

const hostPort = (endpoint: string): string => new URL(endpoint).host;

/** The fakes' endpoints and test credentials, every proxy variable unset, then `vars`. */
function awsEnvironment(vars: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  return {
    ...noProxyEnvironment,
    AWS_ENDPOINT_URL_EC2: ec2.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: 'AKIDPROXYTEST',
    AWS_SECRET_ACCESS_KEY: 'proxy-test-secret',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PROFILE: undefined,
    ...vars,
  };
}

/** Opens the clients as the provider does, runs `body` with them, and destroys them. */
async function withClients<T>(vars: Readonly<Record<string, string | undefined>>, body: (clients: AwsClients) => Promise<T>): Promise<T> {
  return withEnv(awsEnvironment(vars), async () => {
    const clients = await createAwsClients({ region: ec2.region });
    try {
      return await body(clients);
    } finally {
      clients.ec2.destroy();
      clients.s3.destroy();
    }
  });
}

/** One EC2 call through the provider's own API (translated errors) and one provider-state write and read in S3. */
async function callBoth(clients: AwsClients, bucket: string): Promise<void> {
  await new Ec2Api({ adapter: sdkEc2Adapter(clients.ec2), retry: fastRetry }).describeAvailabilityZones({}, { what: 'listing zones' });
  const storage = s3StateStorage(clients.s3)({ bucket, prefix: '', createBucket: true });
  await storage.put({ key: 'probe', body: Buffer.from('through') });
  await storage.get({ key: 'probe' });
}

function zonesCall(clients: AwsClients): Promise<unknown> {
  return new Ec2Api({ adapter: sdkEc2Adapter(clients.ec2), retry: fastRetry }).describeAvailabilityZones({}, { what: 'listing zones' });
}

describe("the AWS clients' proxies (HTTP_PROXY, HTTPS_PROXY, NO_PROXY, ALL_PROXY)", () => {
  it('keep the SDK\'s own request handler when no proxy variable and no AWS_CA_BUNDLE is set', () => {
    assert.equal(awsClientConfig({ service: 'EC2', env: {} }).requestHandler, undefined);
    assert.equal(awsClientConfig({ service: 'EC2', env: { NO_PROXY: '*' } }).requestHandler, undefined, 'NO_PROXY alone names no proxy');
    assert.notEqual(awsClientConfig({ service: 'EC2', env: { https_proxy: proxy.url } }).requestHandler, undefined);
    assert.notEqual(awsClientConfig({ service: 'EC2', env: { AWS_CA_BUNDLE: certificate.certFile } }).requestHandler, undefined);
  });

  for (const variable of ['HTTP_PROXY', 'http_proxy', 'ALL_PROXY']) {
    it(`send every EC2 and S3 request through the proxy ${variable} names`, async () => {
      const [proxiedBefore, ec2Before, s3Before] = [proxy.requests.length, ec2.requests.length, s3.requests.length];
      await withClients({ [variable]: proxy.url }, (clients) => callBoth(clients, `through-${variable.toLowerCase().replace('_', '-')}`));
      const carried = proxy.requests.slice(proxiedBefore);
      assert.equal(carried.filter((r) => r.target === hostPort(ec2.endpoint)).length, ec2.requests.length - ec2Before);
      assert.equal(carried.filter((r) => r.target === hostPort(s3.endpoint)).length, s3.requests.length - s3Before);
      assert.ok(s3.requests.length - s3Before >= 2 && ec2.requests.length - ec2Before === 1);
      assert.ok(carried.every((r) => r.kind === 'forward' && r.status === 200), 'http:// endpoints are forwarded in absolute form');
    });
  }

  const bypasses: [string, (ports: { ec2: string; s3: string }) => string, { ec2: boolean; s3: boolean }][] = [
    ['a host', () => '127.0.0.1', { ec2: false, s3: false }],
    ['*', () => '*', { ec2: false, s3: false }],
    ['a host:port (that port only)', (ports) => `example.com, 127.0.0.1:${ports.ec2}`, { ec2: false, s3: true }],
  ];
  for (const [form, noProxy, proxied] of bypasses) {
    it(`go directly to endpoints NO_PROXY names: ${form}`, async () => {
      const from = proxy.requests.length;
      const ports = { ec2: new URL(ec2.endpoint).port, s3: new URL(s3.endpoint).port };
      await withClients({ HTTP_PROXY: proxy.url, no_proxy: noProxy(ports) }, (clients) => callBoth(clients, `bypass-${from}`));
      const carried = proxy.requests.slice(from);
      assert.equal(carried.some((r) => r.target === hostPort(ec2.endpoint)), proxied.ec2);
      assert.equal(carried.some((r) => r.target === hostPort(s3.endpoint)), proxied.s3);
    });
  }
});

describe('the AWS clients behind a TLS-inspecting proxy (HTTPS_PROXY, CONNECT, AWS_CA_BUNDLE)', () => {
  it('tunnel an https:// endpoint through CONNECT and trust its certificate from AWS_CA_BUNDLE', async () => {
    const [from, handshakes] = [proxy.requests.length, ec2OverTls.connections()];
    const zones = await withClients({ AWS_ENDPOINT_URL_EC2: ec2OverTls.endpoint, HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: certificate.certFile }, async (clients) => zonesCall(clients));
    assert.ok(((zones as { AvailabilityZones?: unknown[] }).AvailabilityZones ?? []).length > 0);
    assert.deepEqual(proxy.requests.slice(from).map((r) => `${r.kind} ${r.target} ${r.status}`), [`connect ${hostPort(ec2OverTls.endpoint)} 200`]);
    assert.ok(ec2OverTls.connections() > handshakes);
  });

  it('read HTTPS_PROXY=host:port (no scheme) as a plain HTTP proxy, as curl and the AWS CLI do, and tunnel through it', async () => {
    const from = proxy.requests.length;
    const bare = new URL(proxy.bareUrl).host;
    const zones = await withClients({ AWS_ENDPOINT_URL_EC2: ec2OverTls.endpoint, HTTPS_PROXY: bare, AWS_CA_BUNDLE: certificate.certFile }, async (clients) => zonesCall(clients));
    assert.ok(((zones as { AvailabilityZones?: unknown[] }).AvailabilityZones ?? []).length > 0);
    assert.deepEqual(proxy.requests.slice(from).map((r) => `${r.kind} ${r.target}`), [`connect ${hostPort(ec2OverTls.endpoint)}`]);
  });

  it('say the proxy does not speak TLS when HTTPS_PROXY names a plain proxy with https://', async () => {
    const wrong = proxy.bareUrl.replace(/^http:/, 'https:');
    const error = await withClients({ AWS_ENDPOINT_URL_EC2: ec2OverTls.endpoint, HTTPS_PROXY: wrong, AWS_CA_BUNDLE: certificate.certFile }, (clients) => rejectsWithCode(zonesCall(clients), ErrorCode.ZoneIndependent));
    assert.match((error as Error).message, new RegExp(`through the proxy ${wrong.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(from HTTPS_PROXY\\) failed: \\w+; HTTPS_PROXY says https://, but the proxy does not speak TLS there: most proxies take http://`));
  });

  it('refuse an endpoint certificate no trusted CA signed, saying to set AWS_CA_BUNDLE', async () => {
    const error = await withClients({ AWS_ENDPOINT_URL_EC2: ec2OverTls.endpoint, HTTPS_PROXY: proxy.url }, (clients) => rejectsWithCode(zonesCall(clients), ErrorCode.ZoneIndependent));
    const message = (error as Error).message;
    assert.match(message, new RegExp(`the TLS certificate of EC2 at ${hostPort(ec2OverTls.endpoint)} \\(through the proxy ${proxy.bareUrl} \\(from HTTPS_PROXY\\)\\) is not signed by a trusted CA \\((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\\)`));
    assert.match(message, /set AWS_CA_BUNDLE to the PEM file of its CA certificate/);
  });

  it('name the bundle when AWS_CA_BUNDLE does not hold the signing CA', async () => {
    await mkdir(path.join(dir, 'other'), { recursive: true });
    const other = await makeSelfSignedCertificate(path.join(dir, 'other'));
    const error = await withClients({ AWS_ENDPOINT_URL_EC2: ec2OverTls.endpoint, HTTPS_PROXY: proxy.url, AWS_CA_BUNDLE: other.certFile }, (clients) => rejectsWithCode(zonesCall(clients), ErrorCode.ZoneIndependent));
    assert.match((error as Error).message, new RegExp(`AWS_CA_BUNDLE=${other.certFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not hold the CA that signed it`));
  });

  it('refuse a missing or certificate-less AWS_CA_BUNDLE as bad input before any call, naming the variable and the file', async () => {
    const missing = path.join(dir, 'no-such-ca.pem');
    const notPem = path.join(dir, 'not-a-cert.pem');
    await writeFile(notPem, 'this is not a certificate\n');
    const from = ec2.requests.length;
    for (const [file, why] of [[missing, /the file does not exist/], [notPem, /holds no PEM certificate/]] as const) {
      const error = await withEnv(awsEnvironment({ AWS_CA_BUNDLE: file }), () => rejectsWithCode(createAwsClients({ region: ec2.region }), ErrorCode.ConfigInvalid));
      assert.match((error as Error).message, new RegExp(`^AWS_CA_BUNDLE=${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
      assert.match((error as Error).message, why);
    }
    assert.equal(ec2.requests.length, from);
  });
});

describe('the AWS clients when the proxy refuses', () => {
  it('name the proxy (password hidden) and its variable when it asks for credentials (407), and pass when given them', async () => {
    const guarded = await startFakeHttpProxy({ credentials: { user: 'alice', password: 'pr0xy-s3cret' } });
    try {
      for (const [url, next] of [
        [guarded.bareUrl, /give the proxy's user and password in HTTP_PROXY: http:\/\/USER:PASSWORD@host:port/],
        [guarded.url.replace('pr0xy-s3cret', 'wrong-s3cret'), /the proxy refused the user and password in HTTP_PROXY; check them/],
      ] as const) {
        const error = await withClients({ HTTP_PROXY: url }, (clients) => rejectsWithCode(zonesCall(clients), ErrorCode.ZoneIndependent));
        const message = (error as Error).message;
        assert.match(message, new RegExp(`the proxy http://(\\*\\*\\*@)?127\\.0\\.0\\.1:${guarded.port} \\(from HTTP_PROXY\\) answered 407 Proxy Authentication Required to the call to EC2 at ${hostPort(ec2.endpoint)}`));
        assert.match(message, next);
        assert.doesNotMatch(message, /s3cret|alice/);
        assert.ok(isZoneIndependent(error));
      }
      const connect = await withClients({ AWS_ENDPOINT_URL_EC2: ec2OverTls.endpoint, HTTPS_PROXY: guarded.bareUrl, AWS_CA_BUNDLE: certificate.certFile }, (clients) => rejectsWithCode(zonesCall(clients), ErrorCode.ZoneIndependent));
      assert.match((connect as Error).message, /\(from HTTPS_PROXY\) answered 407 Proxy Authentication Required/, 'a CONNECT refused with 407 too');
      const from = guarded.count();
      await withClients({ HTTP_PROXY: guarded.url }, (clients) => callBoth(clients, 'guarded-proxy'));
      assert.ok(guarded.count() > from, 'with the right user and password, the proxy carries the calls');
    } finally {
      await guarded.close();
    }
  });

  it('name the proxy (password hidden) and its variable when nothing answers there, for EC2 and for S3', async () => {
    const port = await refusedPort();
    const from = ec2.requests.length;
    await withClients({ https_proxy: `http://bob:hunter2@127.0.0.1:${port}`, HTTP_PROXY: `http://bob:hunter2@127.0.0.1:${port}` }, async (clients) => {
      const error = await rejectsWithCode(zonesCall(clients), ErrorCode.ZoneIndependent);
      assert.match((error as Error).message, new RegExp(`^cannot reach the proxy http://\\*\\*\\*@127\\.0\\.0\\.1:${port} \\(from HTTP_PROXY\\) to call EC2 at ${hostPort(ec2.endpoint)}: ECONNREFUSED; check HTTP_PROXY`));
      const storage = s3StateStorage(clients.s3)({ bucket: 'refused-proxy', prefix: '', createBucket: false });
      const s3Error = await storage.get({ key: 'provider-state' }).then(() => assert.fail('S3 answered through a dead proxy'), (e: unknown) => e);
      assert.match(String(s3Error), new RegExp(`cannot reach the proxy http://\\*\\*\\*@127\\.0\\.0\\.1:${port} \\(from HTTP_PROXY\\) to call S3`));
      for (const text of [(error as Error).message, String(s3Error)]) assert.doesNotMatch(text, /hunter2|bob/);
    });
    assert.equal(ec2.requests.length, from);
  });
});
