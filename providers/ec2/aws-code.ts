/**
 * The AWS error code (`InvalidGroup.Duplicate`, `DependencyViolation`, …) of the SDK error
 * somewhere in `error`'s cause chain, for the few places that act on one specific answer
 * after translation.
 */
export function awsCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth += 1) {
    const candidate = current as { name?: unknown; $metadata?: unknown; cause?: unknown };
    if (candidate.$metadata !== undefined && typeof candidate.name === 'string') return candidate.name;
    current = candidate.cause;
  }
  return undefined;
}
