/**
 * Just enough XML for S3's REST protocol: escaping text for responses, and reading the
 * flat, namespace-free request bodies S3 takes (CreateBucketConfiguration, Delete).
 */

/** Escapes text for element content. Control characters become numeric references, so
 * a key holding `\r` or `\t` survives the parser's whitespace normalisation, as on S3. */
export function escapeXml(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must be escaped
  return text.replace(/[&<>"'\u0000-\u001f]/g, (c) => {
    switch (c) {
      case '&':
        return '&amp;';
      case '<':
        return '&lt;';
      case '>':
        return '&gt;';
      case '"':
        return '&quot;';
      case "'":
        return '&apos;';
      default:
        return `&#${c.charCodeAt(0)};`;
    }
  });
}

/** `<name>escaped text</name>`. */
export function textElement(name: string, text: string | number | boolean): string {
  return `<${name}>${escapeXml(String(text))}</${name}>`;
}

/** A whole response document with S3's namespace on the root element. */
export function xmlDocument(root: string, children: readonly string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${children.join('')}</${root}>`;
}

/**
 * The inner XML of every `<name>…</name>` (or `<name/>`) directly found in `xml`, in order.
 * Elements of one name must not nest, which holds for every body S3 accepts.
 */
export function elementsNamed(xml: string, name: string): string[] {
  const pattern = new RegExp(`<${name}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</${name}\\s*>)`, 'g');
  return [...xml.matchAll(pattern)].map((match) => match[1] ?? '');
}

/** The unescaped text of the first `<name>` in `xml`, or undefined when there is none. */
export function textOf(xml: string, name: string): string | undefined {
  const [inner] = elementsNamed(xml, name);
  return inner === undefined ? undefined : unescapeXml(inner);
}

/** The root element's name, after any XML declaration; undefined when there is none. */
export function rootElementName(xml: string): string | undefined {
  return /^\s*(?:<\?xml[^>]*\?>\s*)?<([A-Za-z][\w.-]*)[\s>/]/.exec(xml)?.[1];
}

export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[entity] ?? '';
  });
}
