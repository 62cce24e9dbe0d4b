/**
 * Just enough XML for EC2's Query protocol responses: lower-camel element names, lists as
 * `<nameSet><item>…</item></nameSet>`, timestamps in ISO 8601.
 */

export const ec2Namespace = 'http://ec2.amazonaws.com/doc/2016-11-15/';

export type XmlScalar = string | number | boolean | Date;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** `<name>escaped value</name>`, or nothing when the value is absent, as EC2 omits unset members. */
export function text(name: string, value: XmlScalar | undefined): string {
  if (value === undefined) return '';
  const shown = value instanceof Date ? value.toISOString() : String(value);
  return `<${name}>${escapeXml(shown)}</${name}>`;
}

/** `<name>children…</name>`; the children are already XML. */
export function node(name: string, children: readonly string[]): string {
  return `<${name}>${children.join('')}</${name}>`;
}

/** A list of structures: `<name><item>…</item>…</name>`. */
export function itemSet(name: string, items: readonly (readonly string[])[]): string {
  return node(name, items.map((children) => node('item', children)));
}

/** A list of scalars: `<name><item>value</item>…</name>`. */
export function valueSet(name: string, values: readonly XmlScalar[]): string {
  return node(name, values.map((value) => text('item', value)));
}

/** `tagSet`, left out when there are no tags, as EC2 leaves it out. */
export function tagSet(tags: Readonly<Record<string, string>>): string {
  const entries = Object.entries(tags);
  if (entries.length === 0) return '';
  return itemSet('tagSet', entries.map(([key, value]) => [text('key', key), text('value', value)]));
}

export function responseDocument(action: string, requestId: string, children: readonly string[]): string {
  const root = `${action}Response`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${ec2Namespace}">${text('requestId', requestId)}${children.join('')}</${root}>`;
}

/** EC2's error document; unlike S3's, the request id element is spelled `RequestID`. */
export function errorDocument(code: string, message: string, requestId: string): string {
  const error = node('Error', [text('Code', code), text('Message', message)]);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response>${node('Errors', [error])}${text('RequestID', requestId)}</Response>`;
}
