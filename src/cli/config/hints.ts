/**
 * Small helpers for messages about configuration: what a value is, where it is, and
 * which word the operator probably meant.
 */
import { editDistance } from '../../util/edit-distance.js';

/** `a list`, `a mapping`, `string "x"`, `number 3`, `null`: what a YAML value turned out to be. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return `a date (${value.toISOString().slice(0, 10)}); quote it to make it a string`;
  if (value instanceof Uint8Array) return 'binary data';
  if (typeof value === 'object') return 'a mapping';
  // A long or multi-line string may be a whole file read by mistake (a key, /etc/shadow): never echo it.
  if (typeof value === 'string' && (value.length > 40 || value.includes('\n'))) return `a string of ${value.length} characters (not shown)`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array);
}

/** `base.key`, or `base[0]`-style paths joined without a dot; either side may be empty. */
export function joinPath(base: string, key: string): string {
  if (base === '') return key;
  if (key === '') return base;
  return key.startsWith('[') ? `${base}${key}` : `${base}.${key}`;
}

/**
 * The candidate `word` most likely stands for: one from `likelyMeant` (kebab-cased
 * first), the same word in another case or with `_` for `-`, or one within two edits.
 */
export function closestWord(word: string, candidates: readonly string[], likelyMeant: Readonly<Record<string, string>> = {}): string | undefined {
  const normal = word
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();
  const named = likelyMeant[normal] ?? candidates.find((candidate) => candidate === normal);
  if (named !== undefined && candidates.includes(named)) return named;
  let best: { word: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(normal, candidate);
    if (distance <= Math.min(2, Math.floor(candidate.length / 2)) && (best === undefined || distance < best.distance)) {
      best = { word: candidate, distance };
    }
  }
  return best?.word;
}

/** `; did you mean "x"?` when there is a likely candidate, or the empty string. */
export function didYouMean(word: string, candidates: readonly string[], likelyMeant: Readonly<Record<string, string>> = {}): string {
  const meant = closestWord(word, candidates, likelyMeant);
  return meant === undefined ? '' : `; did you mean ${JSON.stringify(meant)}?`;
}

/** `1 problem` / `3 problems`. */
export function countOf(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
