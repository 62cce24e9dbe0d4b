import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { identityOf, type ProcessIdentity } from '../../src/util/process-identity.js';

/** The identity (pid and start time) of a process that ran and was SIGKILLed: a crashed lock holder. */
export async function deadProcess(): Promise<ProcessIdentity> {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('spawn', resolve));
  const identity = identityOf(child.pid ?? -1);
  assert.ok(identity !== undefined);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  return identity;
}
