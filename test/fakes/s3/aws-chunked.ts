import { incompleteBody } from './s3-error.js';

export interface AwsChunkedBody {
  readonly bytes: Buffer;
  /** Trailing headers after the final chunk, names lower-cased (e.g. `x-amz-checksum-crc32`). */
  readonly trailers: Readonly<Record<string, string>>;
}

const crlf = Buffer.from('\r\n');

/**
 * Undoes `Content-Encoding: aws-chunked`, the framing the SDK uses for streaming bodies
 * (inside HTTP's own chunking, which Node has already removed):
 *
 *     hex-size[;chunk-signature=…]\r\n  data\r\n  …  0[;chunk-signature=…]\r\n
 *     trailer-name:value\r\n  …  \r\n
 *
 * Signatures are not checked, like every other signature here.
 */
export function decodeAwsChunked(raw: Buffer): AwsChunkedBody {
  const chunks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf(crlf, at);
    if (lineEnd === -1) throw incompleteBody();
    const sizeText = raw.subarray(at, lineEnd).toString('latin1').split(';')[0] ?? '';
    if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw incompleteBody();
    const size = Number.parseInt(sizeText, 16);
    at = lineEnd + crlf.length;
    if (size === 0) break;
    if (at + size + crlf.length > raw.length || !raw.subarray(at + size, at + size + crlf.length).equals(crlf)) {
      throw incompleteBody();
    }
    chunks.push(raw.subarray(at, at + size));
    at += size + crlf.length;
  }
  return { bytes: Buffer.concat(chunks), trailers: readTrailers(raw.subarray(at)) };
}

function readTrailers(rest: Buffer): Record<string, string> {
  const trailers: Record<string, string> = {};
  const lines = rest.toString('latin1').split('\r\n');
  // The trailer section ends with an empty line; anything short of that was cut off.
  if (lines.length < 2 || lines.at(-1) !== '' || lines.at(-2) !== '') throw incompleteBody();
  for (const line of lines.slice(0, -2)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw incompleteBody();
    trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return trailers;
}
