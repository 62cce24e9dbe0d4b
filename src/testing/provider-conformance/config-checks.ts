import assert from 'node:assert/strict';
import { messageOf, type Problem } from '../../errors/index.js';
import type { Provider } from '../../provider/index.js';
import type { CheckContext } from './params.js';

/** A key no provider has. */
export const madeUpConfigKey = 'no-such-key-xyz';

/** One config validateConfig must refuse: `paths` the problems must name (all of them), `exactly` when no other path may appear. */
interface RefusedConfig {
  readonly what: string;
  readonly config: unknown;
  readonly paths: readonly string[];
  readonly exactly: boolean;
}

const kitConfigs: readonly RefusedConfig[] = [
  { what: 'the number 42', config: 42, paths: [], exactly: false },
  { what: "the string 'text'", config: 'text', paths: [], exactly: false },
  { what: 'a list ([])', config: [], paths: [], exactly: false },
  { what: `an unknown key (${madeUpConfigKey})`, config: { [madeUpConfigKey]: 1 }, paths: [madeUpConfigKey], exactly: false },
];

/**
 * `validateConfig` of `params.provider` (skipped without one) on configs it must refuse:
 * the kit's (not a mapping, an unknown key) and `params.invalidConfigs`. Never a throw;
 * `ok: false` with problems `{ path, message }`; every listed path reported in one pass
 * (the author's configs: exactly those paths). Every broken rule is reported at once.
 */
export function checkConfigValidation(context: CheckContext): Promise<void> {
  const { params, t } = context;
  const provider = params.provider;
  if (provider === undefined) {
    t.skip('give `provider` to check validateConfig');
    return Promise.resolve();
  }
  const authors = (params.invalidConfigs ?? []).map((c, index): RefusedConfig => ({ what: `invalidConfigs[${index}]`, config: c.config, paths: c.paths, exactly: true }));
  const problems = [...kitConfigs, ...authors].flatMap((refused) => refusalProblems(provider, refused));
  assert.ok(
    problems.length === 0,
    `validateConfig of ${provider.name} must refuse a bad config with every problem at once, each { path, message }, and never throw: ${problems.join('; ')}`,
  );
  return Promise.resolve();
}

function refusalProblems(provider: Pick<Provider, 'validateConfig'>, refused: RefusedConfig): string[] {
  let result: unknown;
  try {
    result = provider.validateConfig({ config: refused.config });
  } catch (error) {
    return [`it threw for ${refused.what} (${messageOf(error)}): return { ok: false, problems } instead`];
  }
  const { ok, problems } = (result ?? {}) as { ok?: unknown; problems?: unknown };
  if (ok !== false) return [`it accepted ${refused.what}: refuse it with ok: false`];
  const reported: readonly unknown[] = Array.isArray(problems) ? problems : [];
  if (reported.length === 0) return [`it refused ${refused.what} with no problems: say what is wrong, and where`];
  const wellFormed = reported.filter(isProblem);
  if (wellFormed.length < reported.length) {
    return [`for ${refused.what} it reported ${JSON.stringify(reported.filter((p) => !isProblem(p)))}: each problem is { path: string, message: non-empty string }`];
  }
  const paths = new Set(wellFormed.map((p) => p.path));
  const missing = refused.paths.filter((path) => !paths.has(path));
  const extra = refused.exactly ? [...paths].filter((path) => !refused.paths.includes(path)) : [];
  const found = `it reported paths ${JSON.stringify([...paths])}`;
  return [
    ...(missing.length === 0 ? [] : [`for ${refused.what} ${found}, missing ${JSON.stringify(missing)}: report every problem in one pass, each at its path (unknown keys included)`]),
    ...(extra.length === 0 ? [] : [`for ${refused.what} ${found}, not only the expected ${JSON.stringify(refused.paths)}: report each problem at its own path`]),
  ];
}

function isProblem(value: unknown): value is Problem {
  const { path, message } = (value ?? {}) as { path?: unknown; message?: unknown };
  return typeof path === 'string' && typeof message === 'string' && message.trim() !== '';
}
