import type { ConfigureEvent } from '../configure/index.js';
import type { WaitSshEvent } from '../wait-ssh/index.js';

/**
 * The phases of bootstrap, add-machine and destroy, in the order they run. Each emits
 * `phase.started` and then `phase.finished` or `phase.failed`.
 */
export type Phase =
  | 'preflight'
  | 'claim'
  | 'prepare'
  | 'open-ports'
  | 'close-ports'
  | 'choose-instance-type'
  | 'generate-keys'
  | 'start-instance'
  | 'record-state'
  | 'wait-ssh'
  | 'configure'
  | 'cleanup'
  | 'find-instances'
  | 'stop-instances'
  | 'teardown'
  | 'remove-storage';

/**
 * Typed progress of the flows, for the CLI's step display, `--json` and logs. Events
 * about one machine carry its `machineId`; environment-wide phases do not. No event ever
 * carries a secret (keys, nonces, user-data).
 */
export type FlowEvent =
  | { readonly type: 'phase.started'; readonly phase: Phase; readonly machineId?: string }
  | { readonly type: 'phase.finished'; readonly phase: Phase; readonly machineId?: string; readonly elapsedMs: number }
  | {
      readonly type: 'phase.failed';
      readonly phase: Phase;
      readonly machineId?: string;
      readonly elapsedMs: number;
      readonly code: string;
      readonly message: string;
    }
  /** Something worth telling the operator that does not stop the flow. */
  | { readonly type: 'warning'; readonly message: string }
  | { readonly type: 'instance-type.chosen'; readonly machineId: string; readonly instanceType: string }
  | {
      readonly type: 'instance.start-failed';
      readonly machineId: string;
      readonly zone?: string;
      readonly code: string;
      readonly message: string;
      /** What happens next: another zone, the same zone after a wait, or giving up. */
      readonly next: 'next-zone' | 'retry-after-wait' | 'give-up';
    }
  | { readonly type: 'instance.started'; readonly machineId: string; readonly instanceId: string; readonly zone?: string }
  | { readonly type: 'wait-ssh'; readonly machineId: string; readonly event: WaitSshEvent }
  | { readonly type: 'configure'; readonly machineId: string; readonly event: ConfigureEvent }
  | { readonly type: 'cleanup.removed'; readonly resource: string }
  /** `machineId` names the machine when the resource left is one's instance or record (`remove-machine` can then remove it). */
  | { readonly type: 'cleanup.failed'; readonly resource: string; readonly message: string; readonly machineId?: string }
  /** `machineId` names the machine when the resource kept is one's instance (its logs can then be read). */
  | { readonly type: 'cleanup.kept'; readonly resource: string; readonly reason: string; readonly machineId?: string };

/** Where flows send their events. */
export type FlowEventSink = (event: FlowEvent) => void;
