import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { ConfigError } from '../../src/provider-config/index.js';
import type { ProxyEnvironment } from './proxy-choice.js';

/** Certificates read from `AWS_CA_BUNDLE`, for the AWS clients' TLS connections. */
export interface CaBundle {
  /** The file, as the variable names it. */
  readonly path: string;
  /** Node's own trusted roots (and NODE_EXTRA_CA_CERTS), then the bundle's certificates: `tls.connect`'s `ca`. */
  readonly ca: readonly string[];
}

const pemCertificate = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * The CA bundle `AWS_CA_BUNDLE` names, as the AWS CLI reads it: a PEM file of the
 * certificates a TLS-intercepting proxy signs with. Its certificates are trusted beside the
 * usual ones (Node's roots, and NODE_EXTRA_CA_CERTS, which an explicit `ca` would
 * otherwise drop), so that endpoints the proxy lets through untouched still verify.
 * Undefined when the variable is unset or empty. A file that is missing, unreadable or
 * holds no PEM certificate is bad input: `ConfigError` naming the variable and the path.
 */
export function readCaBundle(env: ProxyEnvironment): CaBundle | undefined {
  const path = env['AWS_CA_BUNDLE'];
  if (path === undefined || path === '') return undefined;
  const bundle = certificatesIn('AWS_CA_BUNDLE', path, true);
  const extraPath = env['NODE_EXTRA_CA_CERTS'];
  // Node only warns about an unreadable NODE_EXTRA_CA_CERTS; so does this (by leaving it out).
  const extra = extraPath === undefined || extraPath === '' ? [] : certificatesIn('NODE_EXTRA_CA_CERTS', extraPath, false);
  return { path, ca: [...rootCertificates, ...extra, ...bundle] };
}

function certificatesIn(variable: string, path: string, required: boolean): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (!required) return [];
    const why = (error as { code?: unknown }).code === 'ENOENT' ? 'does not exist' : 'cannot be read';
    throw new ConfigError(
      `${variable}=${path}: the file ${why}; point ${variable} at the PEM file of your proxy's CA certificate (ask whoever runs the proxy), or unset it`,
      { cause: error },
    );
  }
  const certificates = text.match(pemCertificate) ?? [];
  if (certificates.length === 0 && required) {
    throw new ConfigError(
      `${variable}=${path}: the file holds no PEM certificate ("-----BEGIN CERTIFICATE-----"); give the proxy's CA certificate in PEM form (convert a DER file with \`openssl x509 -inform der -in FILE -out FILE.pem\`)`,
    );
  }
  return certificates;
}
