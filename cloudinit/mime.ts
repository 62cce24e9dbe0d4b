import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';

/** One part of a MIME multipart user-data. */
export interface MimePart {
  /** e.g. `text/cloud-config`, `text/x-shellscript`. */
  readonly contentType: string;
  readonly filename: string;
  readonly content: string;
}

/**
 * A `multipart/mixed` document as cloud-init reads it. Parts that are plain 7-bit text
 * with short lines go as they are, for readability; anything else is base64-encoded so
 * that no byte is changed in transit. The boundary is random and checked against the
 * content.
 */
export function renderMultipart(parts: readonly MimePart[]): string {
  let boundary: string;
  do {
    boundary = `===============envboot${randomBytes(12).toString('hex')}==`;
  } while (parts.some((part) => part.content.includes(boundary)));
  const lines = [`Content-Type: multipart/mixed; boundary="${boundary}"`, 'MIME-Version: 1.0', ''];
  for (const part of parts) {
    const plain = isSevenBit(part.content);
    lines.push(
      `--${boundary}`,
      `Content-Type: ${part.contentType}; charset="utf-8"`,
      'MIME-Version: 1.0',
      `Content-Transfer-Encoding: ${plain ? '7bit' : 'base64'}`,
      `Content-Disposition: attachment; filename="${part.filename.replace(/["\\\r\n]/g, '_')}"`,
      '',
      plain ? part.content.replace(/\n$/, '') : wrap(Buffer.from(part.content, 'utf8').toString('base64')),
    );
  }
  lines.push(`--${boundary}--`, '');
  return lines.join('\n');
}

function isSevenBit(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\u0009\u000a\u0020-\u007e]*$/.test(text) && text.split('\n').every((line) => line.length <= 998);
}

function wrap(base64: string): string {
  return base64.replace(/.{1,76}/g, '$&\n').replace(/\n$/, '');
}
