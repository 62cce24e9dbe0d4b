import { Buffer } from 'node:buffer';
import { gzipSync } from 'node:zlib';
import { CloudConfigError } from './cloud-config-error.js';
import { toCloudConfigYaml } from './cloud-config-yaml.js';
import { renderMultipart } from './mime.js';
import type { CloudConfig } from './model.js';
import { assertValidCloudConfig } from './validate.js';

/** A shell script cloud-init runs once, at the end of first boot (a MIME part). */
export interface UserDataScript {
  readonly filename: string;
  /** Must start with `#!`. */
  readonly content: string;
}

export interface RenderUserDataOptions {
  /** gzip the document (cloud-init detects and decompresses it). */
  readonly gzip?: boolean;
  /** base64-encode the result, for APIs that take user-data as text. */
  readonly base64?: boolean;
  /** The provider's limit in bytes, applied after gzip and before base64 (EC2: 16,384). */
  readonly maxBytes?: number;
  /** Shell-script parts; with any, the result is MIME multipart. */
  readonly scripts?: readonly UserDataScript[];
}

export interface RenderedUserData {
  /** What to hand to the provider. */
  readonly body: Uint8Array;
  /** The uncompressed document (`#cloud-config …` or MIME); a secret: never log it. */
  readonly document: string;
  /** Size of the uncompressed document in bytes. */
  readonly documentBytes: number;
  /** Size after gzip (equal to `documentBytes` without gzip): what `maxBytes` limits. */
  readonly payloadBytes: number;
}

/**
 * Renders a cloud-config as user-data: `#cloud-config` YAML, MIME multipart when
 * scripts are added, optionally gzip-compressed and base64-encoded. Validates first.
 * Never truncates: over `maxBytes` it throws a `CloudConfigError` (`CONFIG_INVALID`)
 * stating the size after compression and the limit.
 *
 * @example
 * const { body } = renderUserData(config, { gzip: true, base64: true, maxBytes: 16_384 });
 */
export function renderUserData(config: CloudConfig, options: RenderUserDataOptions = {}): RenderedUserData {
  const valid = assertValidCloudConfig(config);
  const yamlText = toCloudConfigYaml(valid);
  const scripts = options.scripts ?? [];
  for (const script of scripts) {
    if (!script.content.startsWith('#!')) {
      throw new CloudConfigError(`user-data script "${script.filename}" must start with "#!" (e.g. "#!/bin/sh")`);
    }
  }
  const document =
    scripts.length === 0
      ? yamlText
      : renderMultipart([
          { contentType: 'text/cloud-config', filename: 'cloud-config.yaml', content: yamlText },
          ...scripts.map((s) => ({ contentType: 'text/x-shellscript', filename: s.filename, content: s.content })),
        ]);
  const raw = Buffer.from(document, 'utf8');
  const payload = options.gzip === true ? gzipSync(raw, { level: 9 }) : raw;
  if (options.maxBytes !== undefined && payload.byteLength > options.maxBytes) {
    const after = options.gzip === true ? ' after gzip compression' : ' (uncompressed; enable gzip to shrink it)';
    throw new CloudConfigError(
      `user-data is ${payload.byteLength} bytes${after}, over the provider's limit of ${options.maxBytes} bytes; ` +
        'move large files out of the minimal user-data and into the cloud-config run over SSH',
    );
  }
  const body = options.base64 === true ? Buffer.from(payload.toString('base64'), 'ascii') : payload;
  return { body, document, documentBytes: raw.byteLength, payloadBytes: payload.byteLength };
}
