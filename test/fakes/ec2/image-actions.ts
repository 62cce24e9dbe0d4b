import type { ActionHandler } from './action.js';
import { imageNotFound } from './ec2-error.js';
import { type FilterSpec, applyFilters } from './filters.js';
import type { ImageRecord } from './images.js';
import { pageOf } from './paging.js';
import { filtersOf } from './query-params.js';
import { itemSet, node, tagSet, text } from './xml.js';

const imageFilters: FilterSpec<ImageRecord> = {
  name: (image) => [image.name],
  architecture: (image) => [image.architecture],
  state: (image) => [image.state],
  'root-device-type': (image) => [image.rootDeviceType],
  'root-device-name': (image) => [image.rootDeviceName],
  'virtualization-type': (image) => [image.virtualizationType],
  'image-id': (image) => [image.id],
  'owner-id': (image) => [image.ownerId],
  'owner-alias': (image) => [image.ownerAlias === '' ? undefined : image.ownerAlias],
  'is-public': (image) => [image.public],
  'image-type': () => ['machine'],
  hypervisor: () => ['xen'],
};

/**
 * DescribeImages: by `Owner.N` (account ids, `self`, or an alias: `amazon`, `aws-marketplace`), `ImageId.N` and filters; `name`
 * and every other filter take `*` and `?` wildcards. Images come back unsorted, as on AWS:
 * callers pick the newest by `creationDate` themselves.
 */
export const describeImages: ActionHandler = (state, { params }) => {
  const owners = params.list('Owner').map((owner) => (owner === 'self' ? state.accountId : owner));
  const ids = params.list('ImageId');
  const unknown = ids.find((id) => !state.images.some((image) => image.id === id));
  if (unknown !== undefined) throw imageNotFound(unknown);
  const selected = state.images.filter(
    (image) => (owners.length === 0 || owners.includes(image.ownerId) || owners.includes(image.ownerAlias)) && (ids.length === 0 || ids.includes(image.id)),
  );
  const page = pageOf(applyFilters(selected, filtersOf(params), imageFilters), params, { min: 1, max: 1000 }, 'DescribeImages');
  return [itemSet('imagesSet', page.items.map(imageXml)), text('nextToken', page.nextToken)];
};

function imageXml(image: ImageRecord): string[] {
  const rootDevice = node('ebs', [
    text('deleteOnTermination', true),
    text('snapshotId', `snap-${image.id.slice(4)}`),
    text('volumeSize', image.rootVolumeSize),
    text('volumeType', 'gp3'),
    text('encrypted', false),
  ]);
  return [
    text('imageId', image.id),
    text('imageLocation', `${image.ownerId}/${image.name}`),
    text('imageState', image.state),
    text('imageOwnerId', image.ownerId),
    text('imageOwnerAlias', image.ownerAlias === '' ? undefined : image.ownerAlias),
    text('creationDate', image.creationDate),
    text('isPublic', image.public),
    text('architecture', image.architecture),
    text('imageType', 'machine'),
    text('name', image.name),
    text('rootDeviceType', image.rootDeviceType),
    text('rootDeviceName', image.rootDeviceName),
    itemSet('blockDeviceMapping', [[text('deviceName', image.rootDeviceName), rootDevice]]),
    text('virtualizationType', image.virtualizationType),
    text('hypervisor', 'xen'),
    text('enaSupport', true),
    text('sriovNetSupport', 'simple'),
    text('platformDetails', 'Linux/UNIX'),
    text('usageOperation', 'RunInstances'),
    tagSet({}),
  ];
}
