import { Buffer } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import yaml from 'js-yaml';
import { CloudConfigError } from './cloud-config-error.js';
import type { CloudConfig } from './model.js';
import { assertValidCloudConfig } from './validate.js';

const gzipMagic = [0x1f, 0x8b] as const;
const header = '#cloud-config';

/**
 * Reads user-data back into a cloud-config, as cloud-init does at first boot: base64 text
 * and gzip are detected and undone, then the `#cloud-config` document is parsed and
 * validated. For machines that boot themselves from user-data (the `local` provider, the
 * fake provider of `envboot/testing`). MIME multipart is not read: envboot's minimal
 * user-data never needs it.
 *
 * @example
 * const config = parseUserData(startParams.userData);
 * const hostKey = config.ssh_keys?.ed25519_private;
 */
export function parseUserData(body: Uint8Array): CloudConfig {
  const text = Buffer.from(unpack(body)).toString('utf8');
  if (!text.startsWith(header)) {
    throw new CloudConfigError(`user-data is not a cloud-config: it must start with "${header}"`);
  }
  let document: unknown;
  try {
    document = yaml.load(text, { schema: yaml.DEFAULT_SCHEMA });
  } catch (error) {
    // The parser's own message quotes the document, which may hold keys: give the position only.
    const mark = error instanceof yaml.YAMLException ? error.mark : undefined;
    const where = mark === undefined ? '' : ` at line ${mark.line + 1}, column ${mark.column + 1}`;
    throw new CloudConfigError(`user-data is not valid YAML${where}`);
  }
  return assertValidCloudConfig(document ?? {});
}

function unpack(body: Uint8Array): Uint8Array {
  if (isGzip(body)) return gunzipSync(body);
  const text = Buffer.from(body).toString('latin1').trim();
  if (/^[A-Za-z0-9+/]+=*$/.test(text) && text.length % 4 === 0) {
    const decoded = Buffer.from(text, 'base64');
    return isGzip(decoded) ? gunzipSync(decoded) : decoded;
  }
  return body;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === gzipMagic[0] && bytes[1] === gzipMagic[1];
}
