import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** A heading of a Markdown file: its level, its text as written, and the anchor GitHub gives it. */
export interface MarkdownHeading {
  readonly level: number;
  readonly text: string;
  readonly anchor: string;
}

/** A relative link of a Markdown file, as written, with the line it is on. */
export interface MarkdownLink {
  readonly line: number;
  readonly target: string;
}

/**
 * The anchor GitHub makes of a heading's text (github-slugger's rules): link targets
 * dropped, lower case, every character but letters, marks, digits, `_`, `-` and spaces
 * removed, each space a `-`. Duplicates are numbered by `anchorsOf`, not here.
 */
export function headingSlug(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]*>/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The lines of `markdown` outside fenced code blocks, with their 1-based numbers. */
function proseLines(markdown: string): { readonly line: number; readonly text: string }[] {
  const lines: { line: number; text: string }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const marker = /^\s{0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker !== undefined && (fence === undefined || (marker[0] === fence[0] && marker.length >= fence.length))) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined) lines.push({ line: index + 1, text });
  });
  return lines;
}

export function headingsOf(markdown: string): MarkdownHeading[] {
  const seen = new Map<string, number>();
  return proseLines(markdown).flatMap(({ text }) => {
    const match = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/.exec(text);
    if (match === null) return [];
    const [, hashes = '', heading = ''] = match;
    const slug = headingSlug(heading);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    return [{ level: hashes.length, text: heading, anchor: count === 0 ? slug : `${slug}-${count}` }];
  });
}

/** Every anchor a link into `markdown` may name: its headings' and its `<a id>`/`<a name>` targets. */
export function anchorsOf(markdown: string): Set<string> {
  const explicit = [...markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)].map((match) => match[1] ?? '');
  return new Set([...headingsOf(markdown).map((heading) => heading.anchor), ...explicit]);
}

/** The links of `markdown` that point inside the repository: not in code, no scheme. */
export function relativeLinksOf(markdown: string): MarkdownLink[] {
  return proseLines(markdown).flatMap(({ line, text }) => {
    const prose = text.replace(/(`+)[^`]*?\1/g, '');
    return [...prose.matchAll(/\]\(\s*(?:<([^>]+)>|([^)\s]+))(?:\s+"[^"]*")?\s*\)/g)]
      .map((match) => match[1] ?? match[2] ?? '')
      .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('//'))
      .map((target) => ({ line, target }));
  });
}

/**
 * What is wrong with each relative link of `file` (a path inside `root`): a target that
 * does not exist or leaves the repository, or an `#anchor` that no heading of the
 * Markdown file it points at makes. Each problem names the file, the line and the link.
 */
export function brokenLinks(root: string, file: string): string[] {
  const absolute = path.join(root, file);
  const markdown = readFileSync(absolute, 'utf8');
  return relativeLinksOf(markdown).flatMap(({ line, target }) => {
    const where = `${file}:${String(line)}: (${target})`;
    const [pathPart = '', fragment] = target.split('#', 2);
    const resolved = pathPart === '' ? absolute : path.resolve(path.dirname(absolute), decodeURIComponent(pathPart));
    const inside = path.relative(root, resolved);
    if (inside.startsWith('..') || path.isAbsolute(inside)) return [`${where} points outside the repository`];
    if (!existsSync(resolved)) return [`${where}: ${inside} does not exist`];
    if (fragment === undefined || !resolved.endsWith('.md') || statSync(resolved).isDirectory()) return [];
    const anchors = anchorsOf(resolved === absolute ? markdown : readFileSync(resolved, 'utf8'));
    return anchors.has(decodeURIComponent(fragment)) ? [] : [`${where}: ${inside} has no heading with the anchor #${fragment}`];
  });
}
