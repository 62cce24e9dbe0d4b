import { ConfigError } from '../../errors/index.js';

/** Refuses words that are not machine ids (whole numbers, 0 the controller) before anything is opened. */
export function checkMachineIds(ids: readonly string[]): void {
  const bad = ids.filter((id) => !isMachineId(id));
  if (bad.length > 0) {
    throw new ConfigError(`${bad.map((id) => `"${id}"`).join(', ')} ${bad.length === 1 ? 'is not a machine id' : 'are not machine ids'}: machine ids are whole numbers such as 0, the controller ("envboot status ENV" lists them)`);
  }
}

export function isMachineId(word: string): boolean {
  return /^(0|[1-9][0-9]*)$/.test(word);
}
