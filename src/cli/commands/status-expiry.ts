import { environmentExpiry, type ProviderState } from '../../state/index.js';

/** An environment's expiry as `status` shows it. */
export interface ExpiryView {
  /** RFC 3339, as recorded. */
  readonly at: string;
  readonly expired: boolean;
  /** `in 7h59m`, `expired 3h ago`. */
  readonly relative: string;
}

/** The expiry provider-state records, seen from `now`; undefined when it records none (or no time). */
export function expiryView(state: ProviderState | undefined, now: Date): ExpiryView | undefined {
  const at = environmentExpiry(state);
  if (at === undefined) return undefined;
  const left = at.getTime() - now.getTime();
  return { at: at.toISOString().replace(/\.000Z$/, 'Z'), expired: left <= 0, relative: left > 0 ? `in ${roughly(left)}` : `expired ${roughly(-left)} ago` };
}

/** The status line: when it expires, and once it has, what removes it. */
export function expiryLine(params: { readonly view: ExpiryView | undefined; readonly name: string; readonly provider: string }): string[] {
  const { view } = params;
  if (view === undefined) return [];
  if (!view.expired) return [`Expires:        ${view.at} (${view.relative})`];
  return [`Expires:        ${view.at} (${view.relative}; "envboot cleanup --provider ${params.provider} --expired" or "envboot destroy ${params.name}" removes it)`];
}

/** `45s`, `12m`, `3h`, `3h20m`, `2d4h`: precise enough to tell how soon, and how long ago. */
function roughly(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return `${Math.max(1, Math.floor(ms / 1000))}s`;
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
}
