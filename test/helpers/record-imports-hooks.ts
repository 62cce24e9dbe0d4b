// Module customization hooks (node --import record-imports.js) that append every module
// URL the program loads to the file named by ENVBOOT_TEST_IMPORTS_FILE: how a test proves
// that a command does not load a heavy dependency.
import { appendFileSync } from 'node:fs';

interface ResolveResult {
  readonly url: string;
}
type NextResolve = (specifier: string, context: unknown) => Promise<ResolveResult>;

export async function resolve(specifier: string, context: unknown, nextResolve: NextResolve): Promise<ResolveResult> {
  const result = await nextResolve(specifier, context);
  const file = process.env['ENVBOOT_TEST_IMPORTS_FILE'];
  if (file !== undefined) appendFileSync(file, `${result.url}\n`);
  return result;
}
