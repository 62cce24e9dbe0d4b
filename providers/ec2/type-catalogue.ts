import type { InstanceType, InstanceTypesParams } from '../../src/index.js';
import type { Ec2Api } from './ec2-api.js';
import { fetchCatalogue } from './instance-catalogue.js';
import { Memo } from './memo.js';

/**
 * An Environ's instance types, fetched once: the usual catalogue, plus the types the
 * operator names outside it, looked up together and remembered (undefined where the
 * region lacks one, so that the chooser names the problem).
 */
export class TypeCatalogue {
  readonly #api: Ec2Api;
  readonly #region: string;
  readonly #usual = new Memo<InstanceType[]>();
  readonly #extra = new Map<string, Promise<InstanceType | undefined>>();

  constructor(params: { readonly api: Ec2Api; readonly region: string }) {
    this.#api = params.api;
    this.#region = params.region;
  }

  async types(params: InstanceTypesParams): Promise<readonly InstanceType[]> {
    const usual = await this.#usual.get(() => fetchCatalogue({ api: this.#api, region: this.#region, signal: params.signal }));
    const missing = (params.include ?? []).filter((name) => !usual.some((type) => type.name === name));
    if (missing.length === 0) return usual;
    const included = await Promise.all(this.#extraTypes(missing, params.signal));
    return [...usual, ...included.flatMap((type) => (type === undefined ? [] : [type]))];
  }

  #extraTypes(names: readonly string[], signal: AbortSignal | undefined): Promise<InstanceType | undefined>[] {
    const unknown = names.filter((name) => !this.#extra.has(name));
    if (unknown.length > 0) {
      const fetching = fetchCatalogue({ api: this.#api, region: this.#region, include: unknown, only: true, signal });
      for (const name of unknown) this.#extra.set(name, fetching.then((types) => types.find((type) => type.name === name)));
      // A failed lookup is forgotten, so that the next caller asks again.
      fetching.catch(() => {
        for (const name of unknown) this.#extra.delete(name);
      });
    }
    return names.map((name) => this.#extra.get(name) ?? Promise.resolve(undefined));
  }
}
