import { Buffer } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import type { FileEncoding, WriteFile } from './model.js';

const base64Text = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The bytes a `write_files` entry puts on disk, after its encoding is undone: what
 * cloud-init would write, and what the shell renderer ships. Throws a message naming
 * the encoding when the content does not decode.
 */
export function decodeContent(file: Pick<WriteFile, 'content' | 'encoding'>): Uint8Array {
  const content = file.content ?? '';
  if (content instanceof Uint8Array) return content;
  const encoding: FileEncoding = file.encoding ?? 'text/plain';
  let bytes: Uint8Array = Buffer.from(content, 'utf8');
  if (encoding.includes('b64') || encoding.includes('base64')) {
    const compact = content.replace(/\s+/g, '');
    if (!base64Text.test(compact) || compact.length % 4 !== 0) {
      throw new Error(`is not valid base64 (encoding is "${encoding}")`);
    }
    bytes = Buffer.from(compact, 'base64');
  }
  if (encoding.startsWith('gz')) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new Error(`is not valid gzip data (encoding is "${encoding}"): ${(error as Error).message}`);
    }
  }
  return bytes;
}
