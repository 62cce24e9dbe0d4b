import type { FakeEc2InstanceState } from './resources.js';
import type { Ec2State, InstanceRecord } from './state.js';

/**
 * Instance state changes, driven by the fake rather than by timers: a `pending` instance
 * becomes `running`, and a `shutting-down` one `terminated`, after the configured number of
 * DescribeInstances looks at it. Tests never wait for time to pass.
 */

const gone: ReadonlySet<FakeEc2InstanceState> = new Set(['shutting-down', 'terminated']);

/** Counts one DescribeInstances look at the instance, moving it on when its looks are used up. */
export function observe(state: Ec2State, instance: InstanceRecord): void {
  if (instance.state !== 'pending' && instance.state !== 'shutting-down') return;
  if (instance.pollsLeft > 0) {
    instance.pollsLeft -= 1;
    return;
  }
  moveTo(state, instance, instance.state === 'pending' ? 'running' : 'terminated');
}

/**
 * Puts the instance in `next` with the side effects EC2 has: `onTerminate` runs when it
 * first leaves the living states; on reaching `terminated` its delete-on-termination
 * volumes are deleted and the others detached.
 */
export function moveTo(state: Ec2State, instance: InstanceRecord, next: FakeEc2InstanceState): void {
  const wasAlive = !gone.has(instance.state);
  instance.state = next;
  instance.pollsLeft = next === 'pending' ? state.lifecycle.pendingPolls : next === 'shutting-down' ? state.lifecycle.terminatingPolls : 0;
  if (wasAlive && gone.has(next)) {
    const when = state.now().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' GMT');
    instance.stateTransitionReason = `User initiated (${when})`;
    state.hooks.terminating(instance.id);
  }
  if (next === 'terminated') {
    instance.stateReason = { code: 'Client.UserInitiatedShutdown', message: 'Client.UserInitiatedShutdown: User initiated shutdown' };
    releaseVolumes(state, instance);
  }
}

function releaseVolumes(state: Ec2State, instance: InstanceRecord): void {
  for (const device of instance.blockDevices) {
    const volume = state.volumes.get(device.volumeId);
    if (volume?.attachment?.instanceId !== instance.id) continue;
    if (volume.attachment.deleteOnTermination) {
      state.volumes.delete(volume.id);
    } else {
      delete volume.attachment;
      volume.state = 'available';
    }
  }
}
