import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { SecretRedactor, createLogger, type Logger } from '../../../src/index.js';
import { tempDir } from '../../helpers/temp-dir.js';

const privateKey = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const awsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const userData = '#cloud-config\nusers:\n  - name: ubuntu\nwrite_files:\n  - path: /var/lib/envboot/nonce\n    content: 7f3a9c0d1e2b\n';

async function logEverything(json: boolean): Promise<string> {
  const file = path.join(await tempDir(), 'envboot.log');
  const captured = new PassThrough();
  const chunks: Buffer[] = [];
  captured.on('data', (chunk: Buffer) => chunks.push(chunk));
  const redactor = new SecretRedactor();
  const logger = createLogger({ level: 'debug', console: false, file, json, redactor, streams: [captured] });
  redactor.add('opaque-registered-secret-value');

  logger.debug('generated client key', { privateKey });
  logger.debug(`key text inline: ${privateKey}`);
  logger.info('credentials', { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: awsSecret });
  logger.info(`from env: AWS_SECRET_ACCESS_KEY=${awsSecret}`);
  logger.debug('starting instance', { zone: 'local-a', userData });
  logger.debug(`rendered ${userData}`);
  logger.debug('nested', { request: { params: { UserData: Buffer.from(userData).toString('base64') } } });
  logger.warn('failed', { error: new Error(`could not parse ${privateKey}`) });
  logger.info('token is opaque-registered-secret-value, do not print');
  logger.info('plain message with zone local-a');

  await logger.close();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const streamed = Buffer.concat(chunks).toString();
  const filed = await readFile(file, 'utf8');
  return `${streamed}\n${filed}`;
}

describe('logger redaction', () => {
  for (const json of [false, true]) {
    it(`never writes a private key, an AWS secret key or a user-data body (${json ? 'JSON' : 'text'})`, async () => {
      const output = await logEverything(json);
      const keyBody = privateKey.split('\n')[1] ?? '';
      assert.ok(keyBody.length > 20);
      assert.ok(!output.includes(keyBody), 'private key leaked');
      assert.ok(!output.includes('PRIVATE KEY-----\n'), 'private key block leaked');
      assert.ok(!output.includes(awsSecret), 'AWS secret leaked');
      assert.ok(!output.includes('7f3a9c0d1e2b'), 'user-data body leaked');
      assert.ok(!output.includes(Buffer.from(userData).toString('base64')), 'encoded user-data leaked');
      assert.ok(!output.includes('opaque-registered-secret-value'), 'registered secret leaked');
      assert.match(output, /AKIAIOSFODNN7EXAMPLE/, 'access key ids are not secret and stay readable');
      assert.match(output, /plain message with zone local-a/);
      assert.match(output, /\[REDACTED\]/);
    });
  }

  it('writes the log file with mode 0600', async () => {
    const file = path.join(await tempDir(), 'private.log');
    const logger = createLogger({ console: false, file });
    logger.info('hello');
    await logger.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('makes an existing log file 0600 before the first record, and appends to it', async () => {
    const file = path.join(await tempDir(), 'existing.log');
    await writeFile(file, 'an earlier run\n');
    await chmod(file, 0o644);
    const logger = createLogger({ console: false, file });
    assert.equal((await stat(file)).mode & 0o777, 0o600, 'private before anything is logged');
    logger.info('host 203.0.113.7');
    await logger.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.match(await readFile(file, 'utf8'), /^an earlier run\n.*host 203\.0\.113\.7/);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('is envboot\'s Logger: level, message and fields in each record; nothing after close', async () => {
    const captured = new PassThrough();
    const chunks: Buffer[] = [];
    captured.on('data', (chunk: Buffer) => chunks.push(chunk));
    const logger = createLogger({ level: 'debug', console: false, json: true, streams: [captured] });
    const asContract: Logger = logger;
    asContract.debug('d', { zone: 'a' });
    asContract.info('i');
    asContract.warn('w', { count: 2 });
    asContract.error('e', { nested: { ok: true } });
    await logger.close();
    logger.info('after close');
    await new Promise((resolve) => setTimeout(resolve, 50));
    const records = Buffer.concat(chunks).toString().trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(records.map(({ level, message }) => [level, message]), [['debug', 'd'], ['info', 'i'], ['warn', 'w'], ['error', 'e']]);
    assert.equal(records[0]?.['zone'], 'a');
    assert.equal(records[2]?.['count'], 2);
    assert.deepEqual(records[3]?.['nested'], { ok: true });
  });
});
