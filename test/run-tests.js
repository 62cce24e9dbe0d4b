#!/usr/bin/env node
// Runs every compiled `*.test.js` under dist/test with Node's test runner. Files are
// listed explicitly: given a directory, Node 20's runner would also execute helper
// modules and fixture workers under test/ as if they were tests.
//
// Tests run with HOME, the XDG directories and ENVBOOT_HOME pointed at a temporary
// directory, so no test can read or change the real user's config, SSH or AWS files.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// ENVBOOT_BUILD_DIR lets parallel work compile to its own directory inside the repo.
const compiled = path.join(process.env.ENVBOOT_BUILD_DIR ?? path.join(root, 'dist'), 'test');
const only = process.argv.slice(2);
const files = readdirSync(compiled, { recursive: true })
  .map(String)
  .filter((file) => file.endsWith('.test.js'))
  .filter((file) => only.length === 0 || only.some((part) => file.includes(part)))
  .sort()
  .map((file) => path.join(compiled, file));
if (files.length === 0) {
  console.error(`no test files found under ${compiled}${only.length ? ` matching ${only.join(', ')}` : ''}; run "npm run build" first`);
  process.exit(2);
}

const home = mkdtempSync(path.join(tmpdir(), 'envboot-test-home-'));
const env = {
  ...process.env,
  HOME: home,
  XDG_CONFIG_HOME: path.join(home, '.config'),
  XDG_DATA_HOME: path.join(home, '.local', 'share'),
  XDG_STATE_HOME: path.join(home, '.local', 'state'),
  ENVBOOT_HOME: path.join(home, 'envboot'),
  AWS_CONFIG_FILE: path.join(home, '.aws', 'config'),
  AWS_SHARED_CREDENTIALS_FILE: path.join(home, '.aws', 'credentials'),
};
const child = spawn(process.execPath, ['--test', ...files], { stdio: 'inherit', env });
const cleanup = () => rmSync(home, { recursive: true, force: true });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => {
  cleanup();
  if (signal !== null) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
