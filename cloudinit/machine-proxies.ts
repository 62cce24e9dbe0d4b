import type { AptConfig, CloudConfig } from './model.js';
import { redactUrl } from './proxy-url.js';
import type { ScriptEnvironment } from './script/environment-steps.js';

/**
 * A machine's proxies and apt mirror (the environment's `http-proxy`, `https-proxy`,
 * `no-proxy`, `apt-proxy` and `apt-mirror`), applied by the configure step of every
 * machine on every provider. URLs may carry credentials: show them with
 * `describeMachineProxies`, never as they are.
 */
export interface MachineProxySettings {
  /** `http_proxy` / `HTTP_PROXY`; apt's proxy for http archives unless `aptProxy` is given. */
  readonly httpProxy?: string | undefined;
  /** `https_proxy` / `HTTPS_PROXY`; apt's proxy for https archives unless `aptProxy` is given. */
  readonly httpsProxy?: string | undefined;
  /** `no_proxy` / `NO_PROXY`: hosts, domains (`.example.com`), CIDRs or `*` reached directly. */
  readonly noProxy?: readonly string[] | undefined;
  /** apt's proxy for http and https archives alike: a URL, or `DIRECT` for none even when the others are set. */
  readonly aptProxy?: string | undefined;
  /** Replaces the distribution's primary archive (and Ubuntu's security archive) in apt's sources. */
  readonly aptMirror?: string | undefined;
}

/**
 * Always reached directly when a proxy is set: the machine itself, as Juju does, and the
 * clouds' instance metadata service (169.254.169.254 on EC2, GCE, Azure and OpenStack;
 * fd00:ec2::254 over IPv6 on EC2), which a proxy cannot reach: an instance role's
 * credentials come from it, and the AWS CLI's docs ask for it in NO_PROXY.
 */
export const alwaysDirect: readonly string[] = ['localhost', '127.0.0.1', '::1', '169.254.169.254', 'fd00:ec2::254'];

/** Whether the settings ask for anything at all. */
export function hasMachineProxies(settings: MachineProxySettings | undefined): settings is MachineProxySettings {
  return settings !== undefined && Object.values(settings).some((value) => value !== undefined);
}

/**
 * The variables for the configure script and `/etc/environment`: each proxy in lower and
 * upper case (curl and apt read the lower, Go and Java tools the upper), `no_proxy` with
 * the machine's own names added when a proxy is set.
 */
export function machineProxyEnvironment(settings: MachineProxySettings | undefined): ScriptEnvironment {
  if (settings === undefined) return {};
  const env: Record<string, string> = {};
  if (settings.httpProxy !== undefined) Object.assign(env, { http_proxy: settings.httpProxy, HTTP_PROXY: settings.httpProxy });
  if (settings.httpsProxy !== undefined) Object.assign(env, { https_proxy: settings.httpsProxy, HTTPS_PROXY: settings.httpsProxy });
  const proxied = settings.httpProxy !== undefined || settings.httpsProxy !== undefined;
  const direct = [...(settings.noProxy ?? []), ...(proxied ? alwaysDirect : [])].filter((entry, index, all) => all.indexOf(entry) === index);
  if (direct.length > 0) Object.assign(env, { no_proxy: direct.join(','), NO_PROXY: direct.join(',') });
  return env;
}

/** cloud-config `apt` for the settings: apt's proxies (defaulting to the machine's) and the primary mirror. */
export function machineProxyApt(settings: MachineProxySettings | undefined): AptConfig | undefined {
  if (settings === undefined) return undefined;
  const http = settings.aptProxy ?? settings.httpProxy;
  const https = settings.aptProxy ?? settings.httpsProxy;
  const apt: AptConfig = {
    ...(http === undefined ? {} : { http_proxy: http }),
    ...(https === undefined ? {} : { https_proxy: https }),
    ...(settings.aptMirror === undefined ? {} : { primary: [{ arches: ['default'], uri: settings.aptMirror }] }),
  };
  return Object.keys(apt).length === 0 ? undefined : apt;
}

/** A cloud-config and the environment its script runs with. */
export interface MachineConfiguration {
  readonly config: CloudConfig | undefined;
  readonly environment: ScriptEnvironment;
}

/**
 * The cloud-config a machine is configured with, the proxies merged in: apt's keys join
 * the config's own `apt`, where the config's values win (it is the more specific), and
 * the proxy variables come back as the script's environment. Undefined config stays so
 * when there are no proxies.
 *
 * @example
 * const { config, environment } = withMachineProxies(controllerConfig, { httpProxy: 'http://proxy:3128' });
 * renderScript(config ?? {}, { environment });
 */
export function withMachineProxies(config: CloudConfig | undefined, settings: MachineProxySettings | undefined): MachineConfiguration {
  const environment = machineProxyEnvironment(settings);
  const apt = machineProxyApt(settings);
  if (apt === undefined) return { config: config ?? (Object.keys(environment).length === 0 ? undefined : {}), environment };
  return { config: { ...config, apt: { ...apt, ...config?.apt } }, environment };
}

/** `[key, shown value]` pairs, credentials hidden, in the environments file's words: for plans and status. */
export function describeMachineProxies(settings: MachineProxySettings | undefined): [string, string][] {
  if (settings === undefined) return [];
  const rows: [string, string | undefined][] = [
    ['http-proxy', settings.httpProxy],
    ['https-proxy', settings.httpsProxy],
    ['no-proxy', settings.noProxy === undefined ? undefined : settings.noProxy.join(',')],
    ['apt-proxy', settings.aptProxy],
    ['apt-mirror', settings.aptMirror],
  ];
  return rows.flatMap(([key, value]) => (value === undefined ? [] : [[key, key === 'no-proxy' ? value : redactUrl(value)]]));
}
