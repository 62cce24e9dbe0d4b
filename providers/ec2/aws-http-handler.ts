import type { Agent } from 'node:http';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { explainConnectionFailure, proxyAuthenticationRequired } from './aws-connection-errors.js';
import type { CaBundle } from './ca-bundle.js';
import { chooseProxy, type ProxyEnvironment } from './proxy-choice.js';

type HandleArguments = Parameters<NodeHttpHandler['handle']>;
type Handled = Awaited<ReturnType<NodeHttpHandler['handle']>>;

export interface AwsHttpHandlerParams {
  /** `EC2`, `S3`, `STS`, …: named in errors. */
  readonly service: string;
  /** What proxies are chosen from: the same environment the agents choose from. */
  readonly env: ProxyEnvironment;
  readonly caBundle: CaBundle | undefined;
  readonly httpAgent?: Agent | undefined;
  readonly httpsAgent: Agent;
  /** More agents behind those (a proxy agent's direct ones), destroyed with the handler. */
  readonly innerAgents?: readonly Agent[] | undefined;
}

/**
 * The SDK's own Node HTTP handler over envboot's agents (a proxy agent, or one that trusts
 * AWS_CA_BUNDLE), with the failures on the way to AWS explained where they happen: the
 * SDK would report a proxy's 407 as an unparsable answer, a refused proxy as the endpoint
 * refusing, and an untrusted certificate without saying what to set. Everything else,
 * AWS's answers included, passes through unchanged for the provider's own translation.
 */
export class AwsHttpHandler extends NodeHttpHandler {
  readonly #service: string;
  readonly #env: ProxyEnvironment;
  readonly #caBundle: CaBundle | undefined;
  readonly #innerAgents: readonly Agent[];

  constructor(params: AwsHttpHandlerParams) {
    super({ ...(params.httpAgent === undefined ? {} : { httpAgent: params.httpAgent }), httpsAgent: params.httpsAgent });
    this.#service = params.service;
    this.#env = params.env;
    this.#caBundle = params.caBundle;
    this.#innerAgents = params.innerAgents ?? [];
  }

  override destroy(): void {
    super.destroy();
    for (const agent of this.#innerAgents) agent.destroy();
  }

  override async handle(...[request, options]: HandleArguments): Promise<Handled> {
    const port = request.port ?? (request.protocol === 'https:' ? 443 : 80);
    const target = `${request.hostname}:${String(port)}`;
    const proxy = chooseProxy(`${request.protocol}//${target}/`, this.#env);
    let handled: Handled;
    try {
      handled = await super.handle(request, options);
    } catch (error) {
      throw explainConnectionFailure(error, { service: this.#service, target, proxy, caBundle: this.#caBundle }) ?? error;
    }
    if (proxy !== undefined && handled.response.statusCode === 407) {
      (handled.response.body as { destroy?: () => void } | undefined)?.destroy?.();
      throw proxyAuthenticationRequired(proxy, { service: this.#service, target });
    }
    return handled;
  }
}
