import type { ActionHandler } from './action.js';
import { Ec2Error, invalidParameterCombination, volumeNotFound } from './ec2-error.js';
import { type FilterSpec, applyFilters } from './filters.js';
import { pageOf } from './paging.js';
import { filtersOf } from './query-params.js';
import type { VolumeRecord } from './state.js';
import { itemSet, tagSet, text } from './xml.js';

const volumeFilters: FilterSpec<VolumeRecord> = {
  'volume-id': (volume) => [volume.id],
  status: (volume) => [volume.state],
  'availability-zone': (volume) => [volume.zone],
  size: (volume) => [volume.size],
  'volume-type': (volume) => [volume.volumeType],
  'attachment.instance-id': (volume) => [volume.attachment?.instanceId],
  'attachment.device': (volume) => [volume.attachment?.device],
  'attachment.status': (volume) => [volume.attachment === undefined ? undefined : 'attached'],
  'attachment.delete-on-termination': (volume) => [volume.attachment?.deleteOnTermination],
};

/** DescribeVolumes by `VolumeId.N` (unknown ids fail with InvalidVolume.NotFound) and filters, paged (5–500). */
export const describeVolumes: ActionHandler = (state, { params }) => {
  const ids = params.list('VolumeId');
  if (ids.length > 0 && params.get('MaxResults') !== undefined) {
    throw invalidParameterCombination('The parameter volumeSet cannot be used with the parameter maxResults');
  }
  const unknown = ids.find((id) => !state.volumes.has(id));
  if (unknown !== undefined) throw volumeNotFound(unknown);
  const all = [...state.volumes.values()];
  const selected = ids.length === 0 ? all : all.filter((volume) => ids.includes(volume.id));
  const page = pageOf(applyFilters(selected, filtersOf(params), volumeFilters, (volume) => volume.tags), params, { min: 5, max: 500 }, 'DescribeVolumes');
  return [itemSet('volumeSet', page.items.map(volumeXml)), text('nextToken', page.nextToken)];
};

function volumeXml(volume: VolumeRecord): string[] {
  const { attachment } = volume;
  const attachments =
    attachment === undefined
      ? []
      : [
          [
            text('volumeId', volume.id),
            text('instanceId', attachment.instanceId),
            text('device', attachment.device),
            text('status', 'attached'),
            text('attachTime', attachment.attachTime),
            text('deleteOnTermination', attachment.deleteOnTermination),
          ],
        ];
  return [
    text('volumeId', volume.id),
    text('size', volume.size),
    text('snapshotId', ''),
    text('availabilityZone', volume.zone),
    text('status', volume.state),
    text('createTime', volume.createTime),
    itemSet('attachmentSet', attachments),
    text('volumeType', volume.volumeType),
    text('iops', volume.volumeType === 'gp3' ? 3000 : undefined),
    text('throughput', volume.volumeType === 'gp3' ? 125 : undefined),
    text('encrypted', false),
    text('multiAttachEnabled', false),
    tagSet(volume.tags),
  ];
}

/** DeleteVolume: VolumeInUse while attached (until its instance is `terminated`), InvalidVolume.NotFound when gone. */
export const deleteVolume: ActionHandler = (state, { params }) => {
  const id = params.require('VolumeId');
  const volume = state.volumes.get(id);
  if (volume === undefined) throw volumeNotFound(id);
  if (volume.attachment !== undefined) {
    throw new Ec2Error(400, 'VolumeInUse', `Volume ${id} is currently attached to ${volume.attachment.instanceId}`);
  }
  state.volumes.delete(id);
  return [text('return', true)];
};
