import { createHash } from 'node:crypto';
import type { FakeEc2Image } from './resources.js';

/** Canonical's account, which publishes the official Ubuntu images. */
export const canonicalOwnerId = '099720109477';

export type ImageRecord = Required<FakeEc2Image>;

/** Realistic-looking, stable AMI ids: the same name always gets the same id. */
export function imageIdFor(name: string): string {
  return `ami-0${createHash('sha256').update(name).digest('hex').slice(0, 16)}`;
}

function ubuntu(release: string, arch: 'amd64' | 'arm64', serial: string, volumeKind = 'hvm-ssd-gp3'): FakeEc2Image {
  const name = `ubuntu/images/${volumeKind}/ubuntu-${release}-${arch}-server-${serial}`;
  const day = `${serial.slice(0, 4)}-${serial.slice(4, 6)}-${serial.slice(6, 8)}`;
  return {
    id: imageIdFor(name),
    name,
    ownerId: canonicalOwnerId,
    architecture: arch === 'amd64' ? 'x86_64' : 'arm64',
    creationDate: `${day}T08:12:33.000Z`,
  };
}

/** Two Ubuntu 24.04 serials per architecture (so "newest" means something) and one 22.04. */
export const defaultImages: readonly FakeEc2Image[] = [
  ubuntu('noble-24.04', 'amd64', '20250601'),
  ubuntu('noble-24.04', 'amd64', '20251001'),
  ubuntu('noble-24.04', 'arm64', '20250601'),
  ubuntu('noble-24.04', 'arm64', '20251001'),
  ubuntu('jammy-22.04', 'amd64', '20250516', 'hvm-ssd'),
];

export function imageRecord(image: FakeEc2Image): ImageRecord {
  return {
    state: 'available',
    ownerAlias: '',
    rootDeviceName: '/dev/sda1',
    rootDeviceType: 'ebs',
    virtualizationType: 'hvm',
    public: true,
    rootVolumeSize: 8,
    ...image,
  };
}
