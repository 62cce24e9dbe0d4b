import { checkBucketName, requireBucket } from './buckets.js';
import type { FakeS3State, OperationHandler } from './exchange.js';
import { S3Error, malformedXml } from './s3-error.js';
import { rootElementName, textOf } from './xml.js';

/**
 * CreateBucket. In us-east-1, re-creating a bucket you own answers 200 (S3's legacy
 * behaviour); every other region answers 409 BucketAlreadyOwnedByYou. The location
 * constraint must name the endpoint's region, and must be absent in us-east-1.
 */
export const createBucket: OperationHandler = (state, call) => {
  const name = call.target.bucket;
  checkBucketName(name);
  checkLocationConstraint(state, locationConstraintOf(call.body.toString('utf8')));
  if (state.buckets.has(name)) {
    if (state.region === 'us-east-1') return { status: 200, headers: { location: `/${name}` } };
    throw new S3Error(
      409,
      'BucketAlreadyOwnedByYou',
      'Your previous request to create the named bucket succeeded and you already own it.',
      { BucketName: name },
    );
  }
  state.buckets.set(name, { name, created: new Date(), objects: new Map() });
  return { status: 200, headers: { location: `/${name}` } };
};

/** HeadBucket: 200 with the bucket's region, or a bodiless 404. */
export const headBucket: OperationHandler = (state, call) => {
  requireBucket(state.buckets, call.target.bucket);
  return { status: 200, headers: { 'x-amz-bucket-region': state.region } };
};

/** DeleteBucket: 204; 409 BucketNotEmpty while any object remains. */
export const deleteBucket: OperationHandler = (state, call) => {
  const bucket = requireBucket(state.buckets, call.target.bucket);
  if (bucket.objects.size > 0) {
    throw new S3Error(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty', { BucketName: bucket.name });
  }
  state.buckets.delete(bucket.name);
  return { status: 204 };
};

function locationConstraintOf(body: string): string | undefined {
  if (body.trim() === '') return undefined;
  if (rootElementName(body) !== 'CreateBucketConfiguration') throw malformedXml();
  const constraint = textOf(body, 'LocationConstraint')?.trim();
  return constraint === '' ? undefined : constraint;
}

function checkLocationConstraint(state: FakeS3State, constraint: string | undefined): void {
  if (constraint === undefined) {
    if (state.region === 'us-east-1') return;
    throw new S3Error(
      400,
      'IllegalLocationConstraintException',
      'The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.',
    );
  }
  if (state.region === 'us-east-1' && constraint === 'us-east-1') {
    throw new S3Error(400, 'InvalidLocationConstraint', 'The specified location-constraint is not valid', {
      LocationConstraint: constraint,
    });
  }
  if (constraint !== state.region) {
    throw new S3Error(
      400,
      'IllegalLocationConstraintException',
      `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`,
    );
  }
}
