import { stripVTControlCharacters } from 'node:util';

/**
 * An error or event message as the operator's terminal may show it. Messages quote what
 * machines said (a failed configure's last lines, cloud-init's errors): an escape
 * sequence in them would act on the terminal (clear it, retitle it, hide the lines
 * before). Escape sequences and control characters go; line breaks and tabs stay.
 */
export function printableMessage(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return stripVTControlCharacters(text).replace(/\r\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}
