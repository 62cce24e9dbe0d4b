import type { Tags } from './resources.js';

/** What `onLaunch` learns about each launched instance. */
export interface FakeEc2LaunchedInstance {
  readonly id: string;
  readonly zone: string;
  readonly privateIp: string;
  readonly publicIp?: string;
  /** Decoded from base64; still gzip if it was sent gzipped. */
  readonly userData: Buffer;
  readonly tags: Tags;
  readonly instanceType: string;
  readonly imageId: string;
}

export interface FakeEc2Hooks {
  /** Called once per launched instance, after the RunInstances answer is written. */
  readonly onLaunch?: (instance: FakeEc2LaunchedInstance) => void | Promise<void>;
  /** Called once per instance, when it starts shutting down (or is forced past it). */
  readonly onTerminate?: (id: string) => void | Promise<void>;
}

/** A hook that threw or rejected; kept for the test to inspect, never thrown into the fake. */
export interface FakeEc2HookError {
  readonly hook: 'onLaunch' | 'onTerminate';
  readonly instanceId: string;
  readonly error: unknown;
}

/**
 * Runs the test's lifecycle hooks off the request path: each starts on a later turn of the
 * event loop, so the API answer is on the wire before a slow hook (starting an SSH server,
 * say) begins, and a failing hook cannot turn into a failed API call.
 */
export class HookRunner {
  readonly errors: FakeEc2HookError[] = [];
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly hooks: FakeEc2Hooks) {}

  launched(instance: FakeEc2LaunchedInstance): void {
    const { onLaunch } = this.hooks;
    if (onLaunch !== undefined) this.run('onLaunch', instance.id, () => onLaunch(instance));
  }

  terminating(id: string): void {
    const { onTerminate } = this.hooks;
    if (onTerminate !== undefined) this.run('onTerminate', id, () => onTerminate(id));
  }

  /** Resolves once every hook started so far, and any they led to, has finished. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private run(hook: FakeEc2HookError['hook'], instanceId: string, call: () => void | Promise<void>): void {
    const done: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(call)
      .catch((error: unknown) => {
        this.errors.push({ hook, instanceId, error });
      })
      .finally(() => this.running.delete(done));
    this.running.add(done);
  }
}
