import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { S3Storage, createdMarker } from '../../storage/s3/index.js';
import { describeStorageConformance } from '../../src/testing/index.js';
import { startFakeS3, type FakeS3 } from '../fakes/s3-endpoint.js';
import { fakeS3Client } from './fixtures/open-s3-storage.js';

let fake: FakeS3 | undefined;
before(async () => {
  fake = await startFakeS3();
});
after(() => fake?.close());

function endpoint(): FakeS3 {
  if (fake === undefined) throw new Error('the fake S3 endpoint did not start');
  return fake;
}

describeStorageConformance({
  name: 's3 (real AWS SDK against a local S3 endpoint)',
  create: async () => {
    const bucket = `conformance-${randomUUID()}`;
    const storage = new S3Storage({ client: fakeS3Client(endpoint().endpoint), bucket, prefix: 'env/' });
    await storage.ensureBucket();
    return {
      storage,
      child: { module: new URL('./fixtures/open-s3-storage.js', import.meta.url).href, arg: { endpoint: endpoint().endpoint, bucket, prefix: 'env/' } },
      cleanup: () => storage.removeAll(),
    };
  },
});

describe('s3 storage', () => {
  it('creates its bucket once, and deletes it only when it made it and nothing else is left', async () => {
    const s3 = endpoint();
    const bucket = `own-${randomUUID()}`;
    const prod = new S3Storage({ client: fakeS3Client(s3.endpoint), bucket, prefix: 'prod' });
    const test = new S3Storage({ client: fakeS3Client(s3.endpoint), bucket, prefix: 'test/' });
    assert.equal(await prod.ensureBucket(), true);
    assert.equal(await test.ensureBucket(), false);
    await prod.put({ key: 'provider-state', body: 'prod' });
    await test.put({ key: 'provider-state', body: 'test' });
    await prod.removeAll();
    assert.equal(s3.bucketExists(bucket), true, "another environment's objects keep the bucket");
    assert.deepEqual(s3.objectKeys(bucket).sort(), [createdMarker, 'test/provider-state']);
    await test.removeAll();
    assert.equal(s3.bucketExists(bucket), false, 'the bucket envboot made is gone once empty');
    await test.removeAll();
  });

  it('creates a missing bucket on the first write when asked to, at no cost to later writes', async () => {
    const s3 = endpoint();
    const bucket = `lazy-${randomUUID()}`;
    const storage = new S3Storage({ client: fakeS3Client(s3.endpoint), bucket, prefix: 'env/', createBucket: true });
    const before = s3.requests.length;
    await storage.put({ key: 'provider-state', body: 'claimed', condition: { ifAbsent: true } });
    await storage.put({ key: 'provider-state', body: 'again' });
    const made = s3.requests.slice(before).map((r) => `${r.operation} ${r.status}`);
    assert.deepEqual(made, ['PutObject 404', 'CreateBucket 200', 'PutObject 200', 'PutObject 200', 'PutObject 200']);
    assert.deepEqual(s3.objectKeys(bucket).sort(), [createdMarker, 'env/provider-state']);
    await storage.removeAll();
    assert.equal(s3.bucketExists(bucket), false, 'a bucket it made is removed with the last environment');
  });

  it('reports a missing bucket as NOT_FOUND, naming it, when it may not create one', async () => {
    const storage = new S3Storage({ client: fakeS3Client(endpoint().endpoint), bucket: `missing-${randomUUID()}` });
    await assert.rejects(storage.put({ key: 'provider-state', body: 'x', condition: { ifAbsent: true } }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'NOT_FOUND');
      assert.match(error.message, /bucket missing-.* does not exist/);
      return true;
    });
  });

  it('never deletes a bucket it did not create', async () => {
    const s3 = endpoint();
    const bucket = `theirs-${randomUUID()}`;
    const client = fakeS3Client(s3.endpoint);
    const { CreateBucketCommand } = await import('@aws-sdk/client-s3');
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    const storage = new S3Storage({ client, bucket, prefix: 'env/' });
    assert.equal(await storage.ensureBucket(), false);
    await storage.put({ key: 'provider-state', body: 'x' });
    await storage.removeAll();
    assert.equal(s3.bucketExists(bucket), true);
    assert.deepEqual(s3.objectKeys(bucket), []);
  });

  it('removes more than a thousand objects in batches of a thousand', async () => {
    const s3 = endpoint();
    const bucket = `many-${randomUUID()}`;
    const storage = new S3Storage({ client: fakeS3Client(s3.endpoint), bucket });
    await storage.ensureBucket();
    for (let i = 0; i < 2100; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, j) => storage.put({ key: `k/${String(i + j).padStart(5, '0')}`, body: 'x' })));
    }
    const before = s3.requests.length;
    await storage.removeAll();
    const deletes = s3.requests.slice(before).filter((r) => r.operation === 'DeleteObjects');
    assert.equal(deletes.length, 3, '2,100 objects take ⌈2100 / 1000⌉ DeleteObjects calls');
    assert.equal(s3.bucketExists(bucket), false);
  });

  it('retries throttling (SlowDown) with back-off and succeeds', async () => {
    const s3 = endpoint();
    const bucket = `slow-${randomUUID()}`;
    const storage = new S3Storage({ client: fakeS3Client(s3.endpoint), bucket });
    await storage.ensureBucket();
    s3.faults.slowDown = 2;
    const before = s3.requests.length;
    await storage.put({ key: 'provider-state', body: 'x', condition: { ifAbsent: true } });
    assert.deepEqual(s3.requests.slice(before).map((r) => r.status), [503, 503, 200]);
    await storage.removeAll();
  });

  it('reports a concurrent conditional write (409) as a lost race, and refused credentials as such', async () => {
    const s3 = endpoint();
    const bucket = `conflict-${randomUUID()}`;
    const storage = new S3Storage({ client: fakeS3Client(s3.endpoint), bucket });
    await storage.ensureBucket();
    const { version } = await storage.put({ key: 'provider-state', body: 'a' });
    s3.faults.conflictNext = 1;
    await assert.rejects(storage.put({ key: 'provider-state', body: 'b', condition: { ifVersion: version } }), { code: 'PRECONDITION_FAILED' });
    s3.faults.accessDenied = true;
    try {
      await assert.rejects(storage.get({ key: 'provider-state' }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CREDENTIALS_INVALID');
        assert.match(error.message, /S3 refused the credentials \(AccessDenied\)/);
        return true;
      });
    } finally {
      s3.faults.accessDenied = false;
    }
    await storage.removeAll();
  });
});
