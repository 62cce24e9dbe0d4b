import { formatAddress, type Address, type Hardware } from '../../provider/index.js';
import type { ProvisionedMachine } from '../../provision/index.js';
import { printableExcerpt } from '../../state/printable-excerpt.js';

/**
 * `127.0.1.2:22 (public), 10.0.0.4:22 (cloud-local)`. Host names are the provider's (or
 * a machine's) to choose: quoted printable, so that none reaches the terminal as an escape.
 */
export function describeAddresses(addresses: readonly Address[]): string {
  if (addresses.length === 0) return '-';
  return addresses.map((a) => `${printableExcerpt(formatAddress(a), 80)} (${a.scope})`).join(', ');
}

/** `arch=amd64 cores=2 mem=4096M root-disk=20480M`, as constraints are written. */
export function describeHardware(hardware: Hardware | undefined): string {
  if (hardware === undefined) return '-';
  const parts: string[] = [];
  if (hardware.instanceType !== undefined) parts.push(`instance-type=${printableExcerpt(hardware.instanceType, 40)}`);
  if (hardware.arch !== undefined) parts.push(`arch=${hardware.arch}`);
  if (hardware.cores !== undefined) parts.push(`cores=${hardware.cores}`);
  if (hardware.memoryMiB !== undefined) parts.push(`mem=${hardware.memoryMiB}M`);
  if (hardware.rootDiskMiB !== undefined) parts.push(`root-disk=${hardware.rootDiskMiB}M`);
  if (hardware.spot === true) parts.push('spot');
  return parts.length === 0 ? '-' : parts.join(' ');
}

/** Rows as aligned columns, for status, environments and providers. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** A provisioned machine as `--json` results show it (bootstrap's controller, add-machine's machines). */
export function machineJson(machine: ProvisionedMachine): Record<string, unknown> {
  return {
    id: machine.id,
    instanceId: machine.instance.id,
    zone: machine.zone ?? null,
    addresses: machine.addresses,
    hardware: machine.hardware ?? null,
    hostKeys: machine.hostKeys,
  };
}
