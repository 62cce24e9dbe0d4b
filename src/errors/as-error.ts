/** `value` as an Error: itself when it is one, else an Error carrying its text. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** The message of an error, or the text of anything else thrown. */
export function messageOf(value: unknown): string {
  return value instanceof Error ? value.message : String(value);
}
