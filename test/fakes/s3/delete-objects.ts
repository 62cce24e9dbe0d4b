import { requireBucket } from './buckets.js';
import { type OperationHandler, xmlReply } from './exchange.js';
import { invalidRequest, malformedXml } from './s3-error.js';
import { elementsNamed, rootElementName, textElement, textOf, xmlDocument } from './xml.js';

interface Outcome {
  readonly key: string;
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * DeleteObjects: `<Delete><Object><Key>…</Key>[<ETag>…</ETag>]</Object>…[<Quiet>]</Delete>`,
 * 1 to 1,000 keys. S3 requires an integrity header on this call (Content-MD5 or a
 * flexible checksum; the body itself was verified before this runs). Each key gets a
 * `<Deleted>` (omitted when quiet) or an `<Error>`; missing keys count as deleted.
 */
export const deleteObjects: OperationHandler = (state, call) => {
  const hasIntegrityHeader = Object.keys(call.headers).some(
    (name) => name === 'content-md5' || name === 'x-amz-trailer' || /^x-amz-checksum-(?!mode$|type$|algorithm$)/.test(name),
  );
  if (!hasIntegrityHeader) throw invalidRequest('Missing required header for this request: Content-MD5 OR x-amz-checksum-*');
  const bucket = requireBucket(state.buckets, call.target.bucket);
  const xml = call.body.toString('utf8');
  if (rootElementName(xml) !== 'Delete') throw malformedXml();
  const requested = elementsNamed(xml, 'Object');
  if (requested.length === 0 || requested.length > 1000) throw malformedXml();
  const quiet = textOf(xml, 'Quiet')?.trim() === 'true';

  const outcomes = requested.map((objectXml): Outcome => {
    const key = textOf(objectXml, 'Key');
    if (key === undefined) throw malformedXml();
    if (key === '') return { key, error: { code: 'UserKeyMustBeSpecified', message: 'The specified key cannot be empty.' } };
    const etag = textOf(objectXml, 'ETag');
    const current = bucket.objects.get(key);
    if (etag !== undefined) {
      if (current === undefined) return { key, error: { code: 'NoSuchKey', message: 'The specified key does not exist.' } };
      if (etag.replace(/"/g, '') !== current.etag.replace(/"/g, '')) {
        return { key, error: { code: 'PreconditionFailed', message: 'At least one of the pre-conditions you specified did not hold' } };
      }
    }
    bucket.objects.delete(key);
    return { key };
  });

  const children = outcomes.flatMap(({ key, error }) => {
    if (error !== undefined) {
      return [`<Error>${textElement('Key', key)}${textElement('Code', error.code)}${textElement('Message', error.message)}</Error>`];
    }
    return quiet ? [] : [`<Deleted>${textElement('Key', key)}</Deleted>`];
  });
  return xmlReply(xmlDocument('DeleteResult', children));
};
