import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository: sources, package.json, node_modules. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
/** Where this test runs from: `dist`, or the `ENVBOOT_BUILD_DIR` it was compiled to. */
export const buildRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface PackageJson {
  readonly version: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly exports: Readonly<Record<string, string | { readonly types: string; readonly default: string }>>;
  readonly files: readonly string[];
}

export function packageJson(): PackageJson {
  return JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as PackageJson;
}

/** The built-in providers: the folders under providers/. */
export function providerNames(): string[] {
  return readdirSync(path.join(repoRoot, 'providers'), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
}

/**
 * Every import specifier of the package (`envboot`, `envboot/storage`, …), with the
 * source module it stands for (`src/index`, `storage/index`, …, without extension):
 * `package.json`'s `exports`, with `./providers/*` expanded to the built-in providers.
 */
export function entryPoints(): { readonly specifier: string; readonly source: string }[] {
  return Object.entries(packageJson().exports).flatMap(([key, target]) => {
    if (typeof target === 'string') return [];
    const source = target.default.replace(/^\.\/dist\//, '').replace(/\.js$/, '');
    const specifier = key === '.' ? 'envboot' : `envboot/${key.slice(2)}`;
    if (!key.includes('*')) return [{ specifier, source }];
    return providerNames().map((name) => ({ specifier: specifier.replace('*', name), source: source.replace('*', name) }));
  });
}
