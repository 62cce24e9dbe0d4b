/**
 * What a machine must have, as the operator states it (`cores=2 mem=4G root-disk=20G
 * arch=amd64 instance-type=…`). Sizes are in MiB. Every field is a lower bound except
 * `arch` and `instanceType`, which must match exactly. Absent means "no requirement".
 */
export interface Constraints {
  readonly arch?: string;
  readonly cores?: number;
  readonly memoryMiB?: number;
  readonly rootDiskMiB?: number;
  /** A provider instance type; overrides the cores and memory search when given. */
  readonly instanceType?: string;
  /** Zones the machine may be placed in; absent means any. */
  readonly zones?: readonly string[];
}
