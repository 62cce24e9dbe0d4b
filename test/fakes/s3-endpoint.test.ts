import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type TestContext, describe, it } from 'node:test';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { type FakeS3, type StartFakeS3Options, startFakeS3 } from './s3-endpoint.js';

const bucket = 'envboot-test';

/** A fresh fake and an SDK client for it, both closed when the test ends. */
async function fakeWithClient(t: TestContext, options: StartFakeS3Options = {}): Promise<{ fake: FakeS3; s3: S3Client }> {
  const fake = await startFakeS3(options);
  const s3 = clientFor(t, fake);
  t.after(() => fake.close());
  return { fake, s3 };
}

/** Explicit endpoint, region and credentials: the SDK never looks beyond 127.0.0.1. */
function clientFor(t: TestContext, fake: FakeS3, overrides: Partial<S3ClientConfig> = {}): S3Client {
  const s3 = new S3Client({
    endpoint: fake.endpoint,
    region: fake.region,
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...overrides,
  });
  t.after(() => {
    s3.destroy();
  });
  return s3;
}

async function fakeWithBucket(t: TestContext): Promise<{ fake: FakeS3; s3: S3Client }> {
  const started = await fakeWithClient(t);
  await started.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return started;
}

/** The parts of an SDK error a storage implementation classifies by. */
async function failureOf(call: Promise<unknown>): Promise<{ name: string; status: number | undefined; code?: unknown }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof S3ServiceException)) throw error;
    const code = (error as { Code?: unknown }).Code;
    return { name: error.name, status: error.$metadata.httpStatusCode, ...(code === undefined ? {} : { code }) };
  }
  return assert.fail('expected the call to fail');
}

async function put(s3: S3Client, key: string, body: string, condition: { IfMatch?: string; IfNoneMatch?: string } = {}) {
  return s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...condition }));
}

async function text(s3: S3Client, key: string): Promise<string> {
  const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return got.Body === undefined ? '' : got.Body.transformToString();
}

const md5Etag = (body: string | Buffer): string => `"${createHash('md5').update(body).digest('hex')}"`;

describe('fake S3 endpoint, buckets', () => {
  it('creates, heads and deletes a bucket; re-creating an owned bucket in us-east-1 succeeds', async (t) => {
    const { fake, s3 } = await fakeWithClient(t);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    assert.equal((await s3.send(new HeadBucketCommand({ Bucket: bucket }))).BucketRegion, 'us-east-1');
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    assert.equal(fake.bucketExists(bucket), false);
    assert.deepEqual(await failureOf(s3.send(new HeadBucketCommand({ Bucket: bucket }))), { name: 'NotFound', status: 404 });
    assert.deepEqual(await failureOf(s3.send(new DeleteBucketCommand({ Bucket: bucket }))), {
      name: 'NoSuchBucket',
      status: 404,
      code: 'NoSuchBucket',
    });
    assert.deepEqual(await failureOf(s3.send(new CreateBucketCommand({ Bucket: 'No_Such_Name' }))), {
      name: 'InvalidBucketName',
      status: 400,
      code: 'InvalidBucketName',
    });
  });

  it('outside us-east-1, needs a matching location constraint and refuses to re-create an owned bucket', async (t) => {
    const { fake, s3 } = await fakeWithClient(t, { region: 'eu-west-1' });
    const create = (LocationConstraint?: 'eu-west-1' | 'us-west-2') =>
      s3.send(new CreateBucketCommand({ Bucket: bucket, ...(LocationConstraint ? { CreateBucketConfiguration: { LocationConstraint } } : {}) }));
    assert.deepEqual(await failureOf(create('us-west-2')), {
      name: 'IllegalLocationConstraintException',
      status: 400,
      code: 'IllegalLocationConstraintException',
    });
    // The SDK itself fills in the client's region as the location constraint.
    await create();
    assert.ok(fake.bucketExists(bucket));
    assert.deepEqual(await failureOf(create('eu-west-1')), {
      name: 'BucketAlreadyOwnedByYou',
      status: 409,
      code: 'BucketAlreadyOwnedByYou',
    });
  });

  it('refuses to delete a bucket that still holds objects', async (t) => {
    const { fake, s3 } = await fakeWithBucket(t);
    await put(s3, 'left/behind', 'x');
    assert.deepEqual(await failureOf(s3.send(new DeleteBucketCommand({ Bucket: bucket }))), {
      name: 'BucketNotEmpty',
      status: 409,
      code: 'BucketNotEmpty',
    });
    assert.ok(fake.bucketExists(bucket));
  });

  it('answers every object operation on a missing bucket with NoSuchBucket', async (t) => {
    const { s3 } = await fakeWithClient(t);
    const noSuchBucket = { name: 'NoSuchBucket', status: 404, code: 'NoSuchBucket' };
    assert.deepEqual(await failureOf(put(s3, 'k', 'x')), noSuchBucket);
    assert.deepEqual(await failureOf(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }))), noSuchBucket);
    assert.deepEqual(await failureOf(s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'k' }))), noSuchBucket);
    assert.deepEqual(await failureOf(s3.send(new ListObjectsV2Command({ Bucket: bucket }))), noSuchBucket);
  });
});

describe('fake S3 endpoint, objects', () => {
  it('round-trips bytes under keys with slashes, spaces, unicode, percent signs and control characters', async (t) => {
    const { fake, s3 } = await fakeWithBucket(t);
    const keys = ['plain', 'a/b/c', 'sp ace/%25/ü', '100%', "+&=?#~*'()!;:@,$", 'tab\tnew\nline\rcr', '日本/😀', ' lead'];
    for (const key of keys) {
      const body = Buffer.from(`body of ${key}`);
      const written = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
      assert.equal(written.ETag, md5Etag(body));
      const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.deepEqual(Buffer.from(await got.Body?.transformToByteArray() ?? []), body, key);
      assert.equal(got.ETag, written.ETag);
      assert.equal(got.ContentLength, body.length);
      assert.ok(got.LastModified instanceof Date);
    }
    assert.deepEqual(new Set(fake.objectKeys(bucket)), new Set(keys));
    assert.deepEqual(
      fake.requests.filter((r) => r.operation === 'PutObject').map((r) => r.key),
      keys,
    );
  });

  it('decodes aws-chunked streaming uploads with a trailing checksum, and refuses a wrong checksum', async (t) => {
    const { s3 } = await fakeWithBucket(t);
    const [head, tail] = [Buffer.alloc(70_000, 'a'), Buffer.from('tail')];
    const Body = Readable.from([head, tail]);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'streamed', Body, ContentLength: head.length + tail.length }));
    assert.equal(await text(s3, 'streamed'), Buffer.concat([head, tail]).toString());
    const wrong = s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'x', ChecksumCRC32: 'AAAAAA==' }));
    assert.deepEqual(await failureOf(wrong), { name: 'BadDigest', status: 400, code: 'BadDigest' });
  });

  it('reports a missing key as NoSuchKey on GetObject and as a bare NotFound on HeadObject', async (t) => {
    const { s3 } = await fakeWithBucket(t);
    assert.deepEqual(await failureOf(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'missing' }))), {
      name: 'NoSuchKey',
      status: 404,
      code: 'NoSuchKey',
    });
    assert.deepEqual(await failureOf(s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'missing' }))), { name: 'NotFound', status: 404 });
  });

  it('If-None-Match: * creates once, then fails with PreconditionFailed', async (t) => {
    const { fake, s3 } = await fakeWithBucket(t);
    await put(s3, 'claim', 'mine', { IfNoneMatch: '*' });
    assert.deepEqual(await failureOf(put(s3, 'claim', 'theirs', { IfNoneMatch: '*' })), {
      name: 'PreconditionFailed',
      status: 412,
      code: 'PreconditionFailed',
    });
    assert.equal(await text(s3, 'claim'), 'mine');
    assert.deepEqual(
      fake.requests.filter((r) => r.operation === 'PutObject').map((r) => [r.conditional, r.status]),
      [['if-none-match', 200], ['if-none-match', 412]],
    );
  });

  it('lets exactly one of many concurrent create-only puts win', async (t) => {
    const { s3 } = await fakeWithBucket(t);
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => put(s3, 'lock', `writer ${i}`, { IfNoneMatch: '*' })));
    const winners = outcomes.flatMap((outcome, i) => (outcome.status === 'fulfilled' ? [i] : []));
    assert.equal(winners.length, 1);
    assert.equal(await text(s3, 'lock'), `writer ${winners[0] ?? -1}`);
  });

  it('If-Match replaces only the current ETag: 412 when stale, 404 NoSuchKey when the key is gone', async (t) => {
    const { s3 } = await fakeWithBucket(t);
    const v1 = await put(s3, 'cas', 'v1');
    const v2 = await put(s3, 'cas', 'v2', { IfMatch: v1.ETag ?? '' });
    assert.equal(v2.ETag, md5Etag('v2'));
    assert.deepEqual(await failureOf(put(s3, 'cas', 'stale', { IfMatch: v1.ETag ?? '' })), {
      name: 'PreconditionFailed',
      status: 412,
      code: 'PreconditionFailed',
    });
    assert.equal(await text(s3, 'cas'), 'v2');
    assert.deepEqual(await failureOf(put(s3, 'gone', 'x', { IfMatch: v2.ETag ?? '' })), {
      name: 'NoSuchKey',
      status: 404,
      code: 'NoSuchKey',
    });
  });

  it('deletes idempotently, and conditionally with If-Match', async (t) => {
    const { fake, s3 } = await fakeWithBucket(t);
    const old = await put(s3, 'd', 'old');
    const current = await put(s3, 'd', 'new');
    const stale = s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'd', IfMatch: old.ETag ?? '' }));
    assert.deepEqual(await failureOf(stale), { name: 'PreconditionFailed', status: 412, code: 'PreconditionFailed' });
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'd', IfMatch: current.ETag ?? '' }));
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'd' }));
    assert.deepEqual(fake.objectKeys(bucket), []);
    assert.deepEqual(
      fake.requests.filter((r) => r.operation === 'DeleteObject').map((r) => r.status),
      [412, 204, 204],
    );
  });

  it('DeleteObjects removes the listed keys and reports each; more than 1,000 is MalformedXML', async (t) => {
    const { fake, s3 } = await fakeWithBucket(t);
    for (const key of ['one', 'two', 'three', 'kept']) await put(s3, key, key);
    const result = await s3.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'one' }, { Key: 'two' }, { Key: 'three' }] } }),
    );
    assert.deepEqual(result.Deleted?.map((d) => d.Key).sort(), ['one', 'three', 'two']);
    assert.equal(result.Errors, undefined);
    assert.deepEqual(fake.objectKeys(bucket), ['kept']);
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ Key: `k${i}` }));
    assert.deepEqual(await failureOf(s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: tooMany } }))), {
      name: 'MalformedXML',
      status: 400,
      code: 'MalformedXML',
    });
  });

  it('answers requests it does not model with NotImplemented rather than guessing', async (t) => {
    const { fake, s3 } = await fakeWithBucket(t);
    await put(s3, 'src', 'x');
    const copy = s3.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst', CopySource: `${bucket}/src` }));
    assert.deepEqual(await failureOf(copy), { name: 'NotImplemented', status: 501, code: 'NotImplemented' });
    assert.equal(fake.requests.at(-1)?.operation, 'Unsupported');
  });
});

describe('fake S3 endpoint, listing', () => {
  it('pages through keys in UTF-8 byte order, two at a time', async (t) => {
    const { fake, s3 } = await fakeWithBucket(t);
    // UTF-16 order would put the emoji (D83D…) before the fullwidth A (FF21); UTF-8 bytes do not.
    const inByteOrder = ['a', 'a/b', 'b', '\uFF21', '\u{1F600}'];
    for (const key of [...inByteOrder].reverse()) await put(s3, key, key);
    const pages: ListObjectsV2CommandOutput[] = [];
    let ContinuationToken: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 2, ...(ContinuationToken ? { ContinuationToken } : {}) }));
      pages.push(page);
      ContinuationToken = page.NextContinuationToken;
    } while (ContinuationToken !== undefined);
    assert.deepEqual(
      pages.map((page) => page.Contents?.map((o) => o.Key)),
      [['a', 'a/b'], ['b', '\uFF21'], ['\u{1F600}']],
    );
    assert.deepEqual(
      pages.map((page) => [page.KeyCount, page.MaxKeys, page.IsTruncated]),
      [[2, 2, true], [2, 2, true], [1, 2, false]],
    );
    const [first] = pages[0]?.Contents ?? [];
    assert.deepEqual([first?.ETag, first?.Size, first?.StorageClass], [md5Etag('a'), 1, 'STANDARD']);
    assert.deepEqual(fake.objectKeys(bucket), inByteOrder);
  });

  it('filters by prefix, starts after a key, and rolls keys up at a delimiter', async (t) => {
    const { s3 } = await fakeWithBucket(t);
    for (const key of ['a/1', 'a/2', 'a/b/3', 'ab', 'b/1', 'c']) await put(s3, key, key);
    const list = (input: Partial<ConstructorParameters<typeof ListObjectsV2Command>[0]>) =>
      s3.send(new ListObjectsV2Command({ Bucket: bucket, ...input }));
    assert.deepEqual((await list({ Prefix: 'a/' })).Contents?.map((o) => o.Key), ['a/1', 'a/2', 'a/b/3']);
    assert.deepEqual((await list({ StartAfter: 'ab' })).Contents?.map((o) => o.Key), ['b/1', 'c']);
    const rolled = await list({ Delimiter: '/' });
    assert.deepEqual(rolled.Contents?.map((o) => o.Key), ['ab', 'c']);
    assert.deepEqual(rolled.CommonPrefixes?.map((p) => p.Prefix), ['a/', 'b/']);
    const paged = await list({ Delimiter: '/', MaxKeys: 1 });
    assert.deepEqual([paged.CommonPrefixes?.map((p) => p.Prefix), paged.Contents], [['a/'], undefined]);
    const next = await list({ Delimiter: '/', MaxKeys: 1, ContinuationToken: paged.NextContinuationToken ?? '' });
    assert.deepEqual(next.Contents?.map((o) => o.Key), ['ab']);
  });

  it('URL-encodes returned keys when asked to, as S3 does', async (t) => {
    const { s3 } = await fakeWithBucket(t);
    await put(s3, 'run books/a+b%ü', 'x');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, EncodingType: 'url' }));
    assert.equal(listed.EncodingType, 'url');
    assert.deepEqual(listed.Contents?.map((o) => o.Key), ['run+books/a%2Bb%25%C3%BC']);
  });
});

describe('fake S3 endpoint, faults', () => {
  it('answers SlowDown, which the SDK retries by default until the call succeeds', async (t) => {
    const { fake, s3 } = await fakeWithBucket(t);
    await put(s3, 'k', 'value');
    fake.faults.slowDown = 2;
    assert.equal(await text(s3, 'k'), 'value');
    assert.deepEqual(
      fake.requests.filter((r) => r.operation === 'GetObject').map((r) => [r.attempt, r.status]),
      [[1, 503], [2, 503], [3, 200]],
    );
    fake.faults.slowDown = 1;
    const once = clientFor(t, fake, { maxAttempts: 1 });
    assert.deepEqual(await failureOf(once.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }))), {
      name: 'SlowDown',
      status: 503,
      code: 'SlowDown',
    });
  });

  it('answers ConditionalRequestConflict to conditional puts only, and the SDK does not retry it', async (t) => {
    const { fake, s3 } = await fakeWithBucket(t);
    fake.faults.conflictNext = 1;
    await put(s3, 'plain', 'x');
    assert.deepEqual(await failureOf(put(s3, 'claim', 'x', { IfNoneMatch: '*' })), {
      name: 'ConditionalRequestConflict',
      status: 409,
      code: 'ConditionalRequestConflict',
    });
    assert.equal(fake.faults.conflictNext, 0);
    assert.equal(fake.requests.filter((r) => r.status === 409).length, 1);
    await put(s3, 'claim', 'x', { IfNoneMatch: '*' });
  });

  it('answers AccessDenied to everything while set; HEAD errors carry no code', async (t) => {
    const { fake, s3 } = await fakeWithBucket(t);
    fake.faults.accessDenied = true;
    assert.deepEqual(await failureOf(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }))), {
      name: 'AccessDenied',
      status: 403,
      code: 'AccessDenied',
    });
    assert.deepEqual(await failureOf(s3.send(new HeadBucketCommand({ Bucket: bucket }))), { name: 'Unknown', status: 403 });
    fake.faults.accessDenied = false;
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  });

  it('refuses a client that signs for another region', async (t) => {
    const { fake } = await fakeWithBucket(t);
    const elsewhere = clientFor(t, fake, { region: 'eu-west-1' });
    assert.deepEqual(await failureOf(elsewhere.send(new ListObjectsV2Command({ Bucket: bucket }))), {
      name: 'AuthorizationHeaderMalformed',
      status: 400,
      code: 'AuthorizationHeaderMalformed',
    });
  });
});
