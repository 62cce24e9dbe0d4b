/**
 * `{ signal }` when there is a signal, `{}` otherwise. With `exactOptionalPropertyTypes`
 * an optional property may not be set to `undefined`, so optional values are passed on
 * by spreading these.
 */
export function signalOf(params: { readonly signal?: AbortSignal | undefined }): { signal?: AbortSignal } {
  return params.signal === undefined ? {} : { signal: params.signal };
}
