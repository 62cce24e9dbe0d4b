import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { promisify } from 'node:util';
import { closeServer, listenOnLoopback } from './loopback-server.js';

/** A throwaway certificate for 127.0.0.1, and its key: a private CA of one. */
export interface SelfSignedCertificate {
  /** PEM. */
  readonly cert: string;
  /** PEM; a test secret only. */
  readonly key: string;
  /** The certificate's file (the bundle a client is told to trust). */
  readonly certFile: string;
}

/**
 * Makes a self-signed certificate for IP 127.0.0.1 in `dir` with openssl (a P-256 key,
 * valid for a day), as a TLS-inspecting proxy's CA would sign: nothing trusts it unless
 * told to. It also names `localhost`: through a CONNECT tunnel, https-proxy-agent checks an
 * IP endpoint's certificate against that name (it sets no server name for IPs).
 */
export async function makeSelfSignedCertificate(dir: string): Promise<SelfSignedCertificate> {
  const certFile = path.join(dir, 'fake-ca.pem');
  const keyFile = path.join(dir, 'fake-ca.key');
  await promisify(execFile)('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyFile, '-out', certFile,
  ]);
  return { cert: await readFile(certFile, 'utf8'), key: await readFile(keyFile, 'utf8'), certFile };
}

export interface TlsFront {
  /** `https://127.0.0.1:PORT`. */
  readonly endpoint: string;
  /** TLS connections accepted (handshakes completed). */
  readonly connections: () => number;
  close(): Promise<void>;
}

/**
 * An HTTPS endpoint in front of a fake's http:// one: every request is passed to `origin`
 * unchanged and its answer returned, so that the fake (EC2, S3, STS) is reached over TLS
 * with `certificate`, as an endpoint behind a TLS-inspecting proxy is.
 */
export async function startTlsFront(params: { origin: string; certificate: SelfSignedCertificate }): Promise<TlsFront> {
  const origin = new URL(params.origin);
  let connections = 0;
  const server = https.createServer({ cert: params.certificate.cert, key: params.certificate.key }, (request, response) => {
    const upstream = http.request({ host: origin.hostname, port: origin.port, method: request.method, path: request.url, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  server.on('secureConnection', () => {
    connections += 1;
  });
  const port = await listenOnLoopback(server);
  return {
    endpoint: `https://127.0.0.1:${port}`,
    connections: () => connections,
    close: () => closeServer(server),
  };
}
