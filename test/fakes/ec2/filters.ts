import { invalidParameterValue } from './ec2-error.js';
import type { Filter, Tags } from './query-params.js';

/** A filter's name → the values a resource has for it (none when it has no such value). */
export type FilterSpec<T> = Readonly<Record<string, (resource: T) => readonly (string | number | boolean | undefined)[]>>;

/**
 * EC2's filter semantics: a resource matches when, for every filter, one of the filter's
 * values matches one of the resource's values; `*` and `?` are wildcards. Tag filters
 * (`tag:KEY`, `tag-key`, `tag-value`) come free when `tagsOf` is given. An unknown filter
 * name is refused, as EC2 refuses it, so a typo in a caller fails loudly instead of
 * matching everything.
 */
export function applyFilters<T>(
  resources: readonly T[],
  filters: readonly Filter[],
  spec: FilterSpec<T>,
  tagsOf?: (resource: T) => Tags,
): T[] {
  const readers = filters.map((filter) => ({ filter, read: readerFor(filter.name, spec, tagsOf) }));
  return resources.filter((resource) =>
    readers.every(({ filter, read }) => {
      const values = read(resource).flatMap((value) => (value === undefined ? [] : [String(value)]));
      return filter.values.some((pattern) => values.some((value) => wildcardMatches(pattern, value)));
    }),
  );
}

function readerFor<T>(
  name: string,
  spec: FilterSpec<T>,
  tagsOf: ((resource: T) => Tags) | undefined,
): (resource: T) => readonly (string | number | boolean | undefined)[] {
  const read = Object.hasOwn(spec, name) ? spec[name] : undefined;
  if (read !== undefined) return read;
  if (tagsOf !== undefined) {
    if (name.startsWith('tag:')) return (resource) => [tagsOf(resource)[name.slice(4)]];
    if (name === 'tag-key') return (resource) => Object.keys(tagsOf(resource));
    if (name === 'tag-value') return (resource) => Object.values(tagsOf(resource));
  }
  throw invalidParameterValue(`The filter '${name}' is invalid`);
}

/** `*` matches any run of characters and `?` any one character; everything else is literal. */
function wildcardMatches(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\*?]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
  return new RegExp(`^${source}$`, 's').test(value);
}
