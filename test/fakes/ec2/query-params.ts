import { Ec2Error, invalidParameterValue, missingParameter } from './ec2-error.js';

/**
 * A request's form fields, read the way EC2's Query protocol writes them: scalars by name
 * (`ImageId`), lists flattened with 1-based indices (`InstanceId.1`, `InstanceId.2`) and
 * structures as dotted paths (`Placement.AvailabilityZone`, `Filter.1.Value.2`). Indices
 * are ordered numerically and need not be contiguous.
 */
export class QueryParams {
  constructor(private readonly fields: ReadonlyMap<string, string>) {}

  entries(): [string, string][] {
    return [...this.fields];
  }

  get(name: string): string | undefined {
    return this.fields.get(name);
  }

  require(name: string): string {
    const value = this.fields.get(name);
    if (value === undefined || value === '') throw missingParameter(name);
    return value;
  }

  int(name: string): number | undefined {
    const value = this.fields.get(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value)) throw invalidParameterValue(`Invalid value '${value}' for ${name}`);
    return Number(value);
  }

  bool(name: string): boolean | undefined {
    const value = this.fields.get(name);
    if (value === undefined) return undefined;
    if (value !== 'true' && value !== 'false') throw invalidParameterValue(`Invalid value '${value}' for ${name}`);
    return value === 'true';
  }

  /** The scalar list `name.1`, `name.2`, … */
  list(name: string): string[] {
    return this.indexed(name)
      .filter(([, rest]) => rest === '')
      .map(([, , value]) => value);
  }

  /** The fields under `name.`, as their own params: `Placement.AvailabilityZone` → `AvailabilityZone`. */
  struct(name: string): QueryParams {
    const prefix = `${name}.`;
    const fields = [...this.fields].filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key.slice(prefix.length), value] as const);
    return new QueryParams(new Map(fields));
  }

  /** The structure list `name.1.*`, `name.2.*`, … */
  structs(name: string): QueryParams[] {
    const groups = new Map<number, [string, string][]>();
    for (const [index, rest, value] of this.indexed(name)) {
      if (rest === '') continue;
      const group = groups.get(index) ?? [];
      group.push([rest.slice(1), value]);
      groups.set(index, group);
    }
    return [...groups.keys()].sort((a, b) => a - b).map((index) => new QueryParams(new Map(groups.get(index))));
  }

  /** Every `name.N…` field as [N, what follows N, value], in numeric order of N. */
  private indexed(name: string): [number, string, string][] {
    const prefix = `${name}.`;
    const found: [number, string, string][] = [];
    for (const [key, value] of this.fields) {
      if (!key.startsWith(prefix)) continue;
      const [, index, rest = ''] = /^(\d+)(.*)$/.exec(key.slice(prefix.length)) ?? [];
      if (index === undefined || (rest !== '' && !rest.startsWith('.'))) continue;
      found.push([Number(index), rest, value]);
    }
    return found.sort((a, b) => a[0] - b[0]);
  }
}

export interface Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/** `Filter.N.Name` with its `Filter.N.Value.M`. */
export function filtersOf(params: QueryParams): Filter[] {
  return params.structs('Filter').map((filter) => ({ name: filter.require('Name'), values: filter.list('Value') }));
}

export type Tags = Readonly<Record<string, string>>;

export interface TagSpecification {
  readonly resourceType: string;
  readonly tags: Tags;
}

/** EC2's limit on the tags of one resource. */
const tagsPerResource = 50;

/**
 * `TagSpecification.N.ResourceType` with its `Tag.M.Key`/`Value`, refusing resource types
 * the action cannot tag, the reserved `aws:` key prefix, and more than 50 tags for one
 * resource (400 TagLimitExceeded), as EC2 does.
 */
export function tagSpecificationsOf(params: QueryParams, taggable: readonly string[]): TagSpecification[] {
  const specs = params.structs('TagSpecification').map((spec) => {
    const resourceType = spec.require('ResourceType');
    if (!taggable.includes(resourceType)) {
      throw invalidParameterValue(`'${resourceType}' is not a valid taggable resource type for this operation.`);
    }
    const tags: Record<string, string> = {};
    for (const tag of spec.structs('Tag')) {
      const key = tag.require('Key');
      if (key.toLowerCase().startsWith('aws:')) {
        throw invalidParameterValue("Tag keys starting with 'aws:' are reserved for internal use");
      }
      tags[key] = tag.get('Value') ?? '';
    }
    return { resourceType, tags };
  });
  for (const resourceType of new Set(specs.map((spec) => spec.resourceType))) {
    if (Object.keys(tagsFor(specs, resourceType)).length > tagsPerResource) {
      // EC2's documented meaning of the code; its exact message is not published.
      throw new Ec2Error(400, 'TagLimitExceeded', `You've reached the limit on the number of tags (${tagsPerResource}) that you can assign to the ${resourceType}.`);
    }
  }
  return specs;
}

/** The tags every specification for `resourceType` asks for, merged. */
export function tagsFor(specs: readonly TagSpecification[], resourceType: string): Record<string, string> {
  return Object.assign({}, ...specs.filter((spec) => spec.resourceType === resourceType).map((spec) => spec.tags)) as Record<string, string>;
}
