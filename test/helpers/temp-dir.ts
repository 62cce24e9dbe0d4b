import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

/**
 * A fresh temporary directory, removed when the calling test file's tests end (pass or
 * fail). Never under the real home directory.
 */
export async function tempDir(prefix = 'envboot-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}
