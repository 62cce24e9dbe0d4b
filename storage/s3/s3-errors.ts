import { StorageError } from '../storage-errors.js';

/** What the AWS SDK's errors carry that envboot decides on. */
interface SdkError {
  readonly name?: string;
  readonly Code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** S3's answers to a conditional request that lost: 412, 409 (a concurrent conditional write), and 404 for If-Match on a gone object. */
const lostRace = new Set(['PreconditionFailed', 'ConditionalRequestConflict']);
const refusedCredentials = new Set([
  'AccessDenied', 'InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'InvalidToken', 'TokenRefreshRequired',
  'CredentialsProviderError', 'AllAccessDisabled',
]);

/** The SDK error's code: its `name`, or the XML `Code` when the SDK had no class for it. */
export function s3ErrorCode(error: unknown): string | undefined {
  const sdk = error as SdkError | null | undefined;
  return sdk?.Code ?? sdk?.name;
}

export function s3Status(error: unknown): number | undefined {
  return (error as SdkError | null | undefined)?.$metadata?.httpStatusCode;
}

export function isMissing(error: unknown): boolean {
  const code = s3ErrorCode(error);
  return code === 'NoSuchKey' || code === 'NotFound' || code === 'NoSuchBucket' || s3Status(error) === 404;
}

/**
 * Translates an SDK error once, at the storage boundary, into the storage codes envboot
 * decides on; anything else keeps its own identity, wrapped with what was being done.
 * `conditional` says whether the request carried If-Match / If-None-Match.
 */
export function translateS3Error(error: unknown, params: { what: string; where: string; key?: string; conditional?: boolean }): Error {
  const code = s3ErrorCode(error) ?? 'unknown';
  const context = `${params.what} ${params.where}`;
  const key = params.key === undefined ? {} : { key: params.key };
  if (code === 'AbortError' || (error as { name?: string } | null)?.name === 'AbortError') {
    return new StorageError('CANCELLED', `${context} cancelled`, { ...key, cause: error });
  }
  if (params.conditional === true && (lostRace.has(code) || s3Status(error) === 412 || s3Status(error) === 409 || isMissing(error))) {
    return new StorageError('PRECONDITION_FAILED', `${context} lost the race (${code}); re-read it and retry`, { ...key, cause: error });
  }
  if (refusedCredentials.has(code) || s3Status(error) === 403) {
    return new StorageError(
      'CREDENTIALS_INVALID',
      `${context}: S3 refused the credentials (${code}); check the AWS credentials and profile in use and that they may use this bucket`,
      { ...key, cause: error },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`${context} failed: ${code}: ${message}`, { cause: error });
}
