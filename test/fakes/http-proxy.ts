import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { closeServer, listenOnLoopback } from './loopback-server.js';

/** One request the proxy carried (or refused), in arrival order. */
export interface FakeProxyRequest {
  /** `forward`: an http:// request in absolute form; `connect`: a CONNECT tunnel (to an https:// endpoint). */
  readonly kind: 'forward' | 'connect';
  /** `host:port` it was for. */
  readonly target: string;
  /** 200 for a carried request or an opened tunnel (a forwarded request's own status is the endpoint's). */
  readonly status: number;
}

export interface FakeHttpProxy {
  /** `http://127.0.0.1:PORT`, or `http://USER:PASSWORD@127.0.0.1:PORT` when credentials are required. */
  readonly url: string;
  /** `http://127.0.0.1:PORT`, without credentials. */
  readonly bareUrl: string;
  readonly port: number;
  readonly requests: readonly FakeProxyRequest[];
  /** How many requests (and tunnels) it carried to `target` (`host:port`), or in all; refusals are not counted. */
  count(target?: string): number;
  /** Stops listening and cuts every connection and tunnel. */
  close(): Promise<void>;
}

export interface StartFakeHttpProxyOptions {
  /** Require `Proxy-Authorization: Basic` with these; anything else answers 407. */
  readonly credentials?: { readonly user: string; readonly password: string };
}

/**
 * A forward proxy on 127.0.0.1, as corporate proxies behave: http:// requests in absolute
 * form (`GET http://host:port/path`) are forwarded and answered with the endpoint's answer;
 * `CONNECT host:port` opens a tunnel (for https://); with `credentials`, a request without
 * the right `Proxy-Authorization` answers 407 with `Proxy-Authenticate: Basic`. Only
 * loopback targets are carried, so a test can never reach further.
 *
 * @example
 * const proxy = await startFakeHttpProxy();
 * after(() => proxy.close());
 * // HTTP_PROXY=proxy.url … proxy.count('127.0.0.1:8080')
 */
export async function startFakeHttpProxy(options: StartFakeHttpProxyOptions = {}): Promise<FakeHttpProxy> {
  const requests: FakeProxyRequest[] = [];
  const sockets = new Set<net.Socket>();
  const expected = options.credentials === undefined ? undefined : `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}`;
  const authorized = (request: http.IncomingMessage): boolean => expected === undefined || request.headers['proxy-authorization'] === expected;
  const server = http.createServer((request, response) => {
    const target = forwardTarget(request.url);
    if (target === undefined || !authorized(request)) {
      const status = target === undefined ? 400 : 407;
      requests.push({ kind: 'forward', target: target === undefined ? '' : `${target.hostname}:${target.port}`, status });
      response.writeHead(status, status === 407 ? { 'proxy-authenticate': 'Basic realm="fake-proxy"' } : {});
      response.end(status === 407 ? 'proxy authentication required' : 'absolute-form loopback URLs only');
      return;
    }
    requests.push({ kind: 'forward', target: `${target.hostname}:${target.port}`, status: 200 });
    const headers = { ...request.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = http.request({ host: target.hostname, port: target.port, method: request.method, path: `${target.pathname}${target.search}`, headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (request: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const [host = '', port = ''] = (request.url ?? '').split(/:(?=\d+$)/);
    const status = !authorized(request) ? 407 : isLoopback(host) && port !== '' ? 200 : 403;
    requests.push({ kind: 'connect', target: `${host}:${port}`, status });
    if (status !== 200) {
      const challenge = status === 407 ? 'Proxy-Authenticate: Basic realm="fake-proxy"\r\n' : '';
      client.end(`HTTP/1.1 ${status} ${status === 407 ? 'Proxy Authentication Required' : 'Forbidden'}\r\n${challenge}Content-Length: 0\r\n\r\n`);
      return;
    }
    const upstream = net.connect({ host, port: Number(port) }, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const port = await listenOnLoopback(server);
  const bareUrl = `http://127.0.0.1:${port}`;
  const credentials = options.credentials === undefined ? '' : `${encodeURIComponent(options.credentials.user)}:${encodeURIComponent(options.credentials.password)}@`;
  return {
    url: `http://${credentials}127.0.0.1:${port}`,
    bareUrl,
    port,
    requests,
    count: (target) => requests.filter((r) => r.status === 200 && (target === undefined || r.target === target)).length,
    close: () =>
      closeServer(server, () => {
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on: connecting is refused. */
export async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  return port;
}

function forwardTarget(url: string | undefined): URL | undefined {
  try {
    const parsed = new URL(url ?? '');
    return parsed.protocol === 'http:' && isLoopback(parsed.hostname) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
