import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { crc32 } from 'node:zlib';
import { decodeAwsChunked } from './aws-chunked.js';
import { S3Error, badDigest, incompleteBody, invalidRequest } from './s3-error.js';

/** A flexible checksum the client sent (header or trailer), kept with the object. */
export interface ObjectChecksum {
  /** Upper case, as in `ChecksumAlgorithm`: CRC32, CRC32C, CRC64NVME, SHA1, SHA256. */
  readonly algorithm: string;
  /** Base64, exactly as sent. */
  readonly value: string;
}

export interface DecodedBody {
  readonly bytes: Buffer;
  readonly checksum?: ObjectChecksum;
}

/**
 * Turns the bytes on the wire into the object's bytes, checking every integrity claim
 * the request makes, as S3 does: `aws-chunked` framing with its decoded length and
 * trailers, `x-amz-content-sha256`, `Content-MD5` and `x-amz-checksum-*`. CRC32C and
 * CRC64NVME values are kept but not verified (Node has no built-in for them).
 */
export function decodeBody(raw: Buffer, headers: IncomingHttpHeaders): DecodedBody {
  let bytes = raw;
  let trailers: Readonly<Record<string, string>> = {};
  if (headerText(headers, 'content-encoding').split(',').some((coding) => coding.trim() === 'aws-chunked')) {
    ({ bytes, trailers } = decodeAwsChunked(raw));
    if (Number(headerText(headers, 'x-amz-decoded-content-length')) !== bytes.length) throw incompleteBody();
  }
  const contentSha = headerText(headers, 'x-amz-content-sha256');
  if (/^[0-9a-f]{64}$/.test(contentSha) && createHash('sha256').update(raw).digest('hex') !== contentSha) {
    throw new S3Error(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  checkContentMd5(bytes, headerText(headers, 'content-md5'));
  const checksum = claimedChecksum(headers, trailers);
  if (checksum !== undefined) checkChecksum(bytes, checksum);
  return checksum === undefined ? { bytes } : { bytes, checksum };
}

export function headerText(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

const checksumAlgorithms = ['crc32', 'crc32c', 'crc64nvme', 'md5', 'sha1', 'sha256', 'sha512', 'xxhash3', 'xxhash64', 'xxhash128'];

function checkContentMd5(bytes: Buffer, claimed: string): void {
  if (claimed === '') return;
  if (Buffer.from(claimed, 'base64').length !== 16) {
    throw new S3Error(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.');
  }
  if (createHash('md5').update(bytes).digest('base64') !== claimed) {
    throw badDigest('The Content-MD5 you specified did not match what we received.');
  }
}

function claimedChecksum(headers: IncomingHttpHeaders, trailers: Readonly<Record<string, string>>): ObjectChecksum | undefined {
  const all = { ...headers, ...trailers };
  const names = Object.keys(all).filter((name) => checksumAlgorithms.some((algorithm) => name === `x-amz-checksum-${algorithm}`));
  const [name, ...others] = names;
  if (others.length > 0) throw invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  if (name === undefined) {
    const trailer = headerText(headers, 'x-amz-trailer');
    if (trailer !== '') throw incompleteBody();
    const algorithm = headerText(headers, 'x-amz-sdk-checksum-algorithm');
    if (algorithm !== '') {
      throw invalidRequest(
        'x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.',
      );
    }
    return undefined;
  }
  return { algorithm: name.slice('x-amz-checksum-'.length).toUpperCase(), value: headerText(all, name) };
}

function checkChecksum(bytes: Buffer, checksum: ObjectChecksum): void {
  const computed = computeChecksum(bytes, checksum.algorithm);
  if (computed === undefined) return;
  if (computed !== checksum.value) {
    throw badDigest(`The ${checksum.algorithm} you specified did not match the calculated checksum.`);
  }
}

function computeChecksum(bytes: Buffer, algorithm: string): string | undefined {
  switch (algorithm) {
    case 'CRC32': {
      const value = Buffer.alloc(4);
      value.writeUInt32BE(crc32(bytes));
      return value.toString('base64');
    }
    case 'MD5':
    case 'SHA1':
    case 'SHA256':
    case 'SHA512':
      return createHash(algorithm.toLowerCase()).update(bytes).digest('base64');
    default:
      return undefined;
  }
}
