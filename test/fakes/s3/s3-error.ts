/**
 * S3's error family as the fake answers it: an HTTP status, a stable `Code`, a message,
 * and the extra elements S3 puts next to them (`BucketName`, `Key`, `Condition`, …).
 * Messages are S3's own wording, so SDK error messages read as they would against AWS.
 */
export class S3Error extends Error {
  override readonly name = 'S3Error';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Readonly<Record<string, string>> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export function noSuchBucket(bucket: string): S3Error {
  return new S3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
}

export function noSuchKey(key: string): S3Error {
  return new S3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
}

export function preconditionFailed(condition: string): S3Error {
  return new S3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', {
    Condition: condition,
  });
}

export function conditionalRequestConflict(key: string): S3Error {
  return new S3Error(
    409,
    'ConditionalRequestConflict',
    'A conflicting conditional operation is currently in progress against this resource. Please try again.',
    { Key: key },
  );
}

export function slowDown(): S3Error {
  return new S3Error(503, 'SlowDown', 'Please reduce your request rate.');
}

export function accessDenied(): S3Error {
  return new S3Error(403, 'AccessDenied', 'Access Denied');
}

export function notImplemented(what: string): S3Error {
  return new S3Error(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented', {
    Header: what,
  });
}

export function invalidArgument(message: string, name: string, value: string): S3Error {
  return new S3Error(400, 'InvalidArgument', message, { ArgumentName: name, ArgumentValue: value });
}

export function invalidRequest(message: string): S3Error {
  return new S3Error(400, 'InvalidRequest', message);
}

export function malformedXml(): S3Error {
  return new S3Error(
    400,
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against our published schema',
  );
}

export function badDigest(message: string): S3Error {
  return new S3Error(400, 'BadDigest', message);
}

export function incompleteBody(): S3Error {
  return new S3Error(400, 'IncompleteBody', 'The request body terminated unexpectedly');
}
